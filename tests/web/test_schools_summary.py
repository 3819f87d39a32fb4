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


def test_rooms_are_shown_against_what_the_norm_asks(tree: dict[str, Any]) -> None:
    """Issue 14: a preschool's 0,28 rooms per class sat beside a norm of 1 and read "đạt":
    the norm counts the 5-year-olds' classes only, which the page did not say. Now each
    figure shows rooms against the rooms its norm asks.

    Preschool M: 5 rooms, 18 groups of which 4 MG5: 5/18 = 0,28 room per group, and the
    norm asks 1 × 4 = 4 rooms: "5/4". Upper secondary T: 30 rooms, 30 classes, no room norm
    in the recognition conditions: "30/—". Primary P: 10 classes, 6 rooms: 0,7 × 10 = 7
    asked, "6/7". Together 5 + 30 + 6 = 41 rooms, 4 + 7 = 11 asked: "41/11"."""
    from phocap.schools.models import SchoolYearFacts

    commune = tree["communes"]["03319"]
    classes = {"M": ["NT"] * 4 + ["MG3"] * 5 + ["MG4"] * 5 + ["MG5"] * 4, "T": ["10"] * 30,
               "P": ["1"] * 10}
    levels = {"M": "preschool", "T": "upper_secondary", "P": "primary"}
    rooms = {"M": 5, "T": 30, "P": 6}
    for code, grades in classes.items():
        school = School.objects.create(code=code, name=code, level=levels[code], commune=commune)
        for i, grade in enumerate(grades):
            SchoolClass.objects.create(school=school, school_year=YEAR, name=f"{grade}-{i}",
                                       grade=grade)
        SchoolYearFacts.objects.create(school=school, school_year=YEAR, classrooms=rooms[code])
    rows = {r.school.code: r.figures for r in summary.per_school(School.objects.all(), YEAR)}
    assert rows["M"].rooms_per_class == "0,28" and rows["M"].rooms_against_norm == "5/4"
    assert rows["T"].rooms_per_class == "1,00" and rows["T"].rooms_against_norm == "30/—"
    assert rows["P"].rooms_against_norm == "6/7"
    assert summary.total(summary.per_school(School.objects.all(), YEAR)).rooms_against_norm == (
        "41/11")
