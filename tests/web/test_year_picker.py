"""The one year picker (kit/years.py): the same bad ?year= gives the same year on a page
of every app, never an error.

Fixture: the commune 03319 has survey records of 2019 and 2021, and a lower-secondary
school with grade-9 class lists of school years 2019 and 2021, so every data page
below has data for exactly {2019, 2021}. Expected years, by the rule "the year asked
if it has data, else the nearest with data (a tie to the newer), the newest when the
value is not a year (the system accepts 1990–2100)":
  "2019" → 2019;  "2018", "1990" → 2019 (nearest);  "2020" → 2021 (2019 and 2021 are
  both one away: the newer);  "2024", "2100" → 2021;  "abc", "", "-2019", "2019.0",
  "1900", "2101", "99999", "٢٠١٩" (Arabic-Indic digits) → 2021 (not a year: the newest).
The dashboard records plan targets ahead of the survey, so it shows any year a ruleset
covers (2014 on) as asked, the nearest such year otherwise ("1990" → 2014, where the
page used to fail for want of rules); for a value that is not a year it opens where
the other pages do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, RequestFactory

from phocap.kit.years import year_asked, year_shown
from phocap.register.models import PersonYear
from phocap.schools.models import School, SchoolClass
from tests.web.roles import PASSWORD

ASKED = [("2019", 2019), ("2018", 2019), ("1990", 2019), ("2020", 2021), ("2024", 2021),
         ("2100", 2021), ("2021", 2021), ("abc", 2021), ("", 2021), ("-2019", 2021),
         ("2019.0", 2021), ("1900", 2021), ("2101", 2021), ("99999", 2021), ("٢٠١٩", 2021)]
NOT_A_YEAR = [asked for asked, _ in ASKED if not (asked.isascii() and asked.isdigit()
                                                  and 1990 <= int(asked) <= 2100)]


@pytest.fixture
def pages(surveyed: dict[str, Any], make_user: Any) -> tuple[Client, dict[str, str]]:
    commune = surveyed["communes"]["03319"]
    PersonYear.objects.create(person=surveyed["people"]["03319"], survey_year=2019,
                              current_class="3", class_level="primary", class_grade=3)
    school = School.objects.create(code="THCS03319", name="Trường THCS 03319",
                                   level="lower_secondary", commune=commune)
    for year in (2019, 2021):
        SchoolClass.objects.create(school=school, school_year=year, name="9A", grade="9")
    client = Client()
    user = make_user("commune_staff", commune)
    assert client.login(username=user.username, password=PASSWORD)
    return client, {
        "register": f"/units/{commune.pk}/",
        "schools": f"/units/{commune.pk}/schools/",
        "streaming": f"/units/{commune.pk}/streaming/",
        "attendance": f"/attendance/schools/{school.pk}/",
    }


@pytest.mark.parametrize(("asked", "shown"), ASKED, ids=[a or "empty" for a, _ in ASKED])
def test_every_app_shows_the_same_year_for_the_same_link(
        pages: tuple[Client, dict[str, str]], asked: str, shown: int) -> None:
    client, urls = pages
    got = {}
    for app, url in urls.items():
        response = client.get(url, {"year": asked})
        assert response.status_code == 200, (app, asked)
        got[app] = response.context["year"]
    assert got == dict.fromkeys(urls, shown)


PLANNED = [("2020", 2020), ("2024", 2024), ("1990", 2014), *((a, 2021) for a in NOT_A_YEAR)]


@pytest.mark.parametrize(("asked", "shown"), PLANNED, ids=[a or "empty" for a, _ in PLANNED])
def test_the_dashboard_takes_any_ruled_year_and_opens_where_the_others_do(
        pages: tuple[Client, dict[str, str]], asked: str, shown: int) -> None:
    client, urls = pages
    response = client.get(urls["register"] + "mobilisation/", {"year": asked})
    assert response.status_code == 200
    assert response.context["year"] == shown


def test_without_data_the_survey_of_last_year_or_the_school_year_under_way() -> None:
    """Surveys of year Y are read from Y+1 on, so a page with no survey shows last
    year's; a school year starts in August, so on 15 March 2024 the one under way is
    2023 and on 1 September 2024 it is 2024. What was asked does not matter then."""
    request = RequestFactory().get("/", {"year": "2019"})
    march, september = dt.date(2024, 3, 15), dt.date(2024, 9, 1)
    assert year_shown(request, [], today=march) == 2023
    assert year_shown(request, [], today=september) == 2023
    assert year_shown(request, [], school=True, today=march) == 2023
    assert year_shown(request, [], school=True, today=september) == 2024


def test_a_list_filtered_by_year_reads_a_bad_value_as_every_year() -> None:
    factory = RequestFactory()
    assert year_asked(factory.get("/", {"year": " 2021 "})) == 2021
    assert year_asked(factory.get("/", {"year": "abc"})) is None
    assert year_asked(factory.get("/", {"year": "1989"})) is None
    assert year_asked(factory.get("/")) is None


def test_a_school_year_is_recorded_ahead_of_its_survey(
        pages: tuple[Client, dict[str, str]]) -> None:
    """2023 has no survey and no class: the class form still takes it (a class list
    comes before the survey), and once the class exists the school's page shows 2023;
    a value that is not a year opens the form on the newest surveyed year, 2021."""
    client, _urls = pages
    school = School.objects.get(code="THCS03319")
    form = f"/schools/{school.pk}/classes/new/"
    assert "Thêm lớp năm học 2023–2024" in client.get(form, {"year": "2023"}).content.decode()
    assert "Thêm lớp năm học 2021–2022" in client.get(form, {"year": "abc"}).content.decode()
    posted = client.post(f"{form}?year=2023", {"name": "6A", "grade": "6"})
    assert posted.status_code == 302 and posted["Location"].endswith("?year=2023")
    assert client.get(f"/schools/{school.pk}/", {"year": "2023"}).context["year"] == 2023
    calendar = client.get(f"/attendance/schools/{school.pk}/calendar/", {"year": "2023"})
    assert calendar.context["year"] == 2023


# A page with no data of its own passes the years with data in the user's scope (a new
# commune of 1 July 2025 before its first survey: its predecessors' years). Expected:
# nothing available, scope {2022, 2023}: no year asked → 2023 (the newest); "2022" → 2022;
# "2025" → 2023 (nearest); the page's own years win whenever it has any ({2021} → 2021,
# "2023" → 2021); nothing anywhere → last year's survey (2025 on 5 January 2026).
SCOPED = [((), "", 2023), ((), "2022", 2022), ((), "2025", 2023), ((2021,), "", 2021),
          ((2021,), "2023", 2021)]


@pytest.mark.parametrize(("available", "asked", "shown"), SCOPED)
def test_a_page_without_data_opens_on_the_newest_year_of_the_users_scope(
        available: tuple[int, ...], asked: str, shown: int) -> None:
    request = RequestFactory().get("/", {"year": asked} if asked else {})
    assert year_shown(request, available, scope=[2022, 2023]) == shown


@pytest.mark.parametrize("asked", ["", "2022"])
def test_with_no_data_anywhere_a_page_opens_on_last_years_survey(asked: str) -> None:
    request = RequestFactory().get("/", {"year": asked} if asked else {})
    assert year_shown(request, (), scope=(), today=dt.date(2026, 1, 5)) == 2025
