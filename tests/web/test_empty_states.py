"""A unit or year without survey data says so and is never a failure (issue 14).

The hand-made tree (conftest.tree): province 11 → district 100 (communes 03319, 03322)
and district 101 (commune 03370). Only 03319 and 03322 get a 2021 record here, so:

- district 100: 2 of its 2 communes have data;
- district 101: its one commune has none → "Chưa có dữ liệu", not "Chưa đạt";
- province 11: 1 of its 2 districts has data, and its page says so ("dữ liệu của 1/2
  huyện"); its summaries count 100 only ("…/1 đạt mức …", never "…/2").

Before the fix district 101 read "Chưa đạt" for every standard, the province's
summaries read "0/2 đạt mức 1" and commune 03370's people list read "tiêu chí đã đạt
trọn vẹn".
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from phocap.register.models import PersonYear
from tests.web.roles import signed_in

YEAR = 2021


@pytest.fixture
def half(tree: dict[str, Any]) -> dict[str, Any]:
    for code in ("03319", "03322"):
        PersonYear.objects.create(person=tree["people"][code], survey_year=YEAR,
                                  current_class="5", class_level="primary", class_grade=5)
    return tree




def _row(html: str, name: str) -> str:
    found = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(name)}(?:(?!</tr>).)*</tr>", html, re.S)
    assert found, name
    return found.group(0)


@pytest.mark.django_db(transaction=True)
def test_a_district_without_data_is_not_shown_failing(half: dict[str, Any],
                                                       make_user: Any) -> None:
    client = signed_in(make_user("province_reviewer", half["province"]))
    html = client.get(f"/units/{half['province'].pk}/?year={YEAR}").content.decode()
    row = _row(html, "district 101")
    assert "Chưa có dữ liệu" in row and "Chưa đạt" not in row
    assert "dữ liệu của 1/2 huyện" in html
    assert "/2 đạt mức" not in html  # the summaries count the district with data only


@pytest.mark.django_db(transaction=True)
def test_a_unit_without_any_data_shows_the_empty_state(half: dict[str, Any],
                                                       make_user: Any) -> None:
    district = half["districts"][1]
    client = signed_in(make_user("district_reviewer", district))
    for url in (f"/units/{district.pk}/", f"/units/{district.pk}/results/"):
        html = client.get(url).content.decode()
        assert 'data-empty="no-data"' in html and "Chưa có dữ liệu điều tra năm" in html, url
        assert "Chưa đạt" not in html, url


@pytest.mark.django_db(transaction=True)
def test_the_people_list_of_a_commune_without_data_does_not_say_all_met(
        half: dict[str, Any], make_user: Any) -> None:
    commune = half["communes"]["03370"]
    client = signed_in(make_user("commune_staff", commune))
    html = client.get(f"/units/{commune.pk}/people/primary.2.completed_at_11/").content.decode()
    assert "Chưa có dữ liệu điều tra năm" in html
    assert "đạt trọn vẹn" not in html


@pytest.mark.django_db(transaction=True)
def test_the_dossier_form_opens_on_the_latest_year_with_data(half: dict[str, Any],
                                                              make_user: Any) -> None:
    """The commune has data for 2021 only: the form opens on 2021 (it opened on last
    calendar year, 2025 here, and the submission then failed on "Mức đề nghị phải từ 1")."""
    commune = half["communes"]["03319"]
    client = signed_in(make_user("commune_staff", commune))
    page = client.get(f"/units/{commune.pk}/dossiers/")
    assert page.context["default_year"] == YEAR
    assert f'id="id_survey_year" type="number" min="1990" max="2100" value="{YEAR}"' in (
        page.content.decode())


@pytest.mark.django_db(transaction=True)
def test_a_dossier_for_a_year_without_data_is_refused_with_that_reason(
        half: dict[str, Any], make_user: Any) -> None:
    from phocap.recognition import workflow

    commune = half["communes"]["03319"]
    staff = make_user("commune_staff", commune)
    with pytest.raises(workflow.Refused, match="Chưa có dữ liệu điều tra năm 2023"):
        workflow.submit(staff, commune, "primary", 2023)
    # District 100 has data in both its communes, so its result stands; the province
    # (1 of its 2 districts with data) may not claim a level on half its units.
    assert workflow.snapshot_of(half["districts"][0], "primary", YEAR)["level"] >= 0
    with pytest.raises(workflow.Refused, match="dữ liệu của 1/2 huyện"):
        workflow.snapshot_of(half["province"], "primary", YEAR)


@pytest.mark.django_db(transaction=True)
def test_the_import_form_opens_on_the_latest_year_with_data(half: dict[str, Any],
                                                            make_user: Any) -> None:
    commune = half["communes"]["03319"]
    client = signed_in(make_user("commune_staff", commune))
    page = client.get("/imports/new/")
    assert page.status_code == 200
    assert page.context["form"]["survey_year"].value() == YEAR


@pytest.mark.django_db(transaction=True)
def test_the_forms_of_a_unit_without_data_say_so(half: dict[str, Any], make_user: Any) -> None:
    """District 101 has no survey: its forms page shows the empty state (it computed
    forms of zeros, or failed with a 500 on a year whose rules know no districts), and
    the workbook and a form are not there to download."""
    district = half["districts"][1]
    client = signed_in(make_user("district_reviewer", district))
    page = client.get(f"/units/{district.pk}/forms/")
    assert page.status_code == 200 and 'data-empty="no-data"' in page.content.decode()
    assert client.get(f"/units/{district.pk}/forms.xlsx").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_trends_of_a_partial_roll_up_say_how_many_units_have_data(
        half: dict[str, Any], make_user: Any) -> None:
    client = signed_in(make_user("province_reviewer", half["province"]))
    html = client.get(f"/units/{half['province'].pk}/trends/").content.decode()
    assert f'data-year="{YEAR}"' in html and "dữ liệu của 1/2 huyện" in html


@pytest.mark.django_db(transaction=True)
def test_a_year_without_data_asked_by_a_link_is_named_as_such(half: dict[str, Any],
                                                              make_user: Any) -> None:
    """/units/<district 100>/?year=2019: the picker shows 2021, the nearest year with data,
    and the page says 2019 has none (it showed 2021 as if it were 2019's)."""
    district = half["districts"][0]
    client = signed_in(make_user("district_reviewer", district))
    html = client.get(f"/units/{district.pk}/?year=2019").content.decode()
    assert "Năm 2019 chưa có dữ liệu điều tra; đang xem năm 2021." in html
    assert "data-year-asked" not in client.get(f"/units/{district.pk}/?year=2021").content.decode()
