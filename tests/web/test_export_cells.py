"""Downloads show a formula-like name or village as text, never run it (survey/cells.py):
export.xlsx, name-lists.xlsx, the at-risk CSV and the reconciliation CSVs."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from phocap.register.models import Person, PersonYear, Village
from phocap.schools.models import Enrolment
from tests.survey.test_cells import LINK, SUM, assert_shown_not_run
from tests.web.test_attendance_pages import make_school

YEAR = 2021
pytestmark = pytest.mark.django_db(transaction=True)  # the engine reads on its own connection


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rename(person: Person) -> None:
    """The person is called LINK and lives in village SUM."""
    Person.objects.filter(pk=person.pk).update(full_name=LINK)
    Village.objects.filter(pk=person.household.village_id).update(name=SUM)


def test_export_xlsx(tree: dict[str, Any], make_user: Any) -> None:
    person = tree["people"]["03319"]
    PersonYear.objects.create(person=person, survey_year=YEAR, current_class="5",
                              class_level="primary", class_grade=5)
    rename(person)
    client = signed_in(make_user("district_reviewer", tree["districts"][0]))
    response = client.get(f"/units/{tree['districts'][0].pk}/export.xlsx?year={YEAR}")
    assert response.status_code == 200
    assert_shown_not_run(response.content, LINK, SUM)


def test_name_lists_xlsx(surveyed: dict[str, Any], make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    person = surveyed["people"]["03319"]
    PersonYear.objects.filter(person=person).update(primary_completed=YEAR)
    rename(person)
    client = signed_in(make_user("district_reviewer", surveyed["districts"][0]))
    response = client.get(f"/units/{commune.pk}/name-lists.xlsx?year={YEAR}")
    assert response.status_code == 200
    assert_shown_not_run(response.content, LINK)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_at_risk_csv(tree: dict[str, Any], make_user: Any) -> None:
    made = make_school(tree["communes"]["03319"], "T1")
    keeper = make_user("school_staff", tree["communes"]["03319"])
    made["teacher"].user = keeper
    made["teacher"].save()
    pupil = made["pupils"][0]
    Village.objects.filter(pk=pupil.village_id).update(name=SUM)
    Enrolment.objects.filter(pk=pupil.pk).update(full_name=LINK, repeating=True,
                                                 birth_year=2008, distance_km=Decimal("1"))
    response = signed_in(keeper).get(f"/attendance/schools/{made['school'].pk}/at-risk.csv")
    rows = csv_rows(response.content)
    assert rows[1][:5] == ["6A", "1", "'" + LINK, "2008", "'" + SUM]


@pytest.mark.parametrize("query", ["school:csv", "unit:csv-pupils"])
def test_the_reconciliation_csvs(tree: dict[str, Any], make_user: Any, query: str) -> None:
    commune = tree["communes"]["03319"]
    made = make_school(commune, "T1")
    Enrolment.objects.filter(pk=made["pupils"][0].pk).update(full_name=LINK)
    client = signed_in(make_user("commune_staff", commune))
    where, wanted = query.split(":")
    url = (f"/schools/{made['school'].pk}/reconcile/" if where == "school"
           else f"/units/{commune.pk}/reconcile/")
    response = client.get(f"{url}?year={YEAR}&format={wanted}")
    assert response.status_code == 200
    cells = [cell for row in csv_rows(response.content) for cell in row]
    assert "'" + LINK in cells and LINK not in cells
