"""The registry's figures per level and unit (schools/summary.py), checked by hand.

District 100: commune 03319 has primary schools P1 (national standard level 1)
and P2 (not), and preschool M1 (level 2); commune 03322 has primary P3 (level 1,
accredited level 2). P1 has a main site and 2 satellites; its class 1A (3
pupils) sits at satellite "Điểm Xa 1", class 2A (2 pupils) has no site and so
counts at the main site. So for the district: primary 2/3 standard (66,67%),
preschool 1/1 (100,00%), all 3/4 (75,00%); accredited 1/4 (25,00%); P1 has 3
sites and 5 pupils, 5/3 = 1,67 pupils per site.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from phocap.schools import summary
from phocap.schools.models import Enrolment, School, SchoolClass, SchoolSite
from tests.web.roles import PASSWORD

YEAR = 2021


@pytest.fixture
def district(tree: dict[str, Any]) -> Any:
    one, two = tree["communes"]["03319"], tree["communes"]["03322"]
    p1 = School.objects.create(code="P1", name="P1", level="primary", commune=one,
                               national_standard_level=1)
    School.objects.create(code="P2", name="P2", level="primary", commune=one)
    School.objects.create(code="M1", name="M1", level="preschool", commune=one,
                          national_standard_level=2)
    School.objects.create(code="P3", name="P3", level="primary", commune=two,
                          national_standard_level=1, accreditation_level=2)
    SchoolSite.objects.create(school=p1, name="Điểm chính", main=True)
    far = SchoolSite.objects.create(school=p1, name="Điểm Xa 1", main=False)
    SchoolSite.objects.create(school=p1, name="Điểm Xa 2", main=False)
    for name, site, pupils in (("1A", far, 3), ("2A", None, 2)):
        klass = SchoolClass.objects.create(school=p1, site=site, school_year=YEAR, name=name,
                                           grade=name[0])
        for no in range(1, pupils + 1):
            Enrolment.objects.create(klass=klass, pupil_no=no, full_name=f"Em {name}{no}",
                                     birth_year=2014, sex="nam")
    return tree["districts"][0]


def test_rates_by_level(district: Any) -> None:
    rows = summary.per_school(School.objects.order_by("code"), YEAR)
    lines = {str(line["level"]): line["figures"] for line in summary.by_level(rows)}
    assert lines["tiểu học"].standard_rate == "2/3 (66,67%)"
    assert lines["mầm non"].standard_rate == "1/1 (100,00%)"
    assert lines["None"].standard_rate == "3/4 (75,00%)"
    assert lines["None"].accredited_rate == "1/4 (25,00%)"
    p1 = next(r for r in rows if r.school.code == "P1")
    assert [(s.name if s else None, n) for s, n in p1.sites] == [
        ("Điểm chính", 2), ("Điểm Xa 1", 3), ("Điểm Xa 2", 0)]
    assert (p1.figures.satellite_sites, p1.figures.pupils, p1.figures.pupils_per_site) == (
        2, 5, "1,67")


def test_the_district_page_shows_them(district: Any, make_user: Any) -> None:
    user = make_user("district_reviewer", district)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    page = client.get(f"/units/{district.pk}/schools/?year={YEAR}").content.decode()
    levels, communes = page.split('class="sortable children"')
    assert "2/3 (66,67%)" in levels and "3/4 (75,00%)" in levels
    # Per commune: 03319 has 2 of 3 schools at standard, 03322 1 of 1.
    row_one, row_two = communes.split("commune 03319")[1].split("commune 03322")
    assert "2/3 (66,67%)" in row_one and "1/1 (100,00%)" in row_two
