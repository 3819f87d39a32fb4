"""Households are numbered within their village, as the ministry numbers them: household 1
of two villages are two households, on import, across years and on the household's page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.test import Client

from phocap.register import editing, rollover
from phocap.register.importing import commit, preview
from phocap.register.models import AuditEntry, Household, Person, PersonYear, Village
from phocap.survey.validate import validate

FIXTURE = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"
VILLAGES = ("Bản Pồn", "Bản Pá Ngam")


def two_villages(year: int = 2021) -> pl.DataFrame:
    """Households 1 and 2 in each of two villages of 03319, one person each: 2 × 2 = 4
    households, 4 people (the format fixture's first person, renamed, without an ID)."""
    result = validate(FIXTURE, keep_records=True)
    assert result.records is not None
    first = result.records.filter(pl.col("commune_code") == "03319").head(1)
    rows = [
        first.with_columns(pl.lit(village).alias("village"), pl.lit(number).alias("household_no"),
                           pl.lit(f"Người {village} {number}").alias("full_name"),
                           pl.lit(None, pl.String).alias("national_id"),
                           pl.lit(year, first["survey_year"].dtype).alias("survey_year"))
        for village in VILLAGES for number in ("1", "2")
    ]
    return pl.concat(rows)


@pytest.fixture
def staff_user(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user("commune_staff", tree["communes"]["03319"])


def test_household_1_of_two_villages_are_two_households(staff_user: Any) -> None:
    records = two_villages()
    plan = preview(records)
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (4, 0, 0)
    assert sorted(plan.new) == [("03319", v, n, 1) for v in sorted(VILLAGES) for n in "12"]
    commit(records, staff_user)
    imported = Household.objects.filter(village__name__in=VILLAGES)
    assert sorted(imported.values_list("village__name", "household_no")) == [
        ("Bản Pá Ngam", "1"), ("Bản Pá Ngam", "2"), ("Bản Pồn", "1"), ("Bản Pồn", "2")]
    assert Person.objects.get(household__village__name="Bản Pá Ngam",
                              household__household_no="1").full_name == "Người Bản Pá Ngam 1"
    entries = AuditEntry.objects.count()

    again = preview(records)
    assert (len(again.new), len(again.changed), again.unchanged) == (0, 0, 4)
    commit(records, staff_user)
    assert AuditEntry.objects.count() == entries  # nothing written the second time
    assert imported.count() == 4


def test_the_roll_over_and_the_next_years_file_keep_each_villages_people(
    tree: dict[str, Any], staff_user: Any
) -> None:
    commit(two_villages(2021), staff_user)
    opened = rollover.open_year(staff_user, tree["communes"]["03319"], 2021)
    assert opened.people == 4  # the tree's own person has no 2021 record
    following = preview(two_villages(2022))
    assert following.new == [] and following.missing == []
    for village in VILLAGES:
        for number in ("1", "2"):
            person = Person.objects.get(household__village__name=village,
                                        household__household_no=number)
            assert person.full_name == f"Người {village} {number}"
            assert sorted(person.years.values_list("survey_year", flat=True)) == [2021, 2022]
    assert PersonYear.objects.filter(survey_year=2022).count() == 4


def test_a_household_moved_into_a_village_that_has_its_number_is_refused(
    staff_user: Any
) -> None:
    commit(two_villages(), staff_user)
    moving = Household.objects.get(village__name="Bản Pá Ngam", household_no="2")
    destination = Village.objects.get(name="Bản Pồn")
    audited = AuditEntry.objects.count()
    with pytest.raises(ValueError, match="Thôn Bản Pồn đã có hộ số 2"):
        editing.save_household(staff_user, moving.commune, moving.pk, moving.version,
                               {"village": destination, "household_no": "2"})
    moving.refresh_from_db()
    assert (moving.village.name, moving.version) == ("Bản Pá Ngam", 1)
    assert AuditEntry.objects.count() == audited
    # Number 3 is free there: the move is made.
    editing.save_household(staff_user, moving.commune, moving.pk, moving.version,
                           {"village": destination, "household_no": "3"})
    moving.refresh_from_db()
    assert (moving.village.name, moving.household_no) == ("Bản Pồn", "3")


def test_the_households_page_refuses_the_move_naming_the_village(
    tree: dict[str, Any], make_user: Any, staff_user: Any
) -> None:
    commit(two_villages(), staff_user)
    moving = Household.objects.get(village__name="Bản Pá Ngam", household_no="1")
    destination = Village.objects.get(name="Bản Pồn")
    client = Client()
    client.force_login(staff_user)
    response = client.post(f"/households/{moving.pk}/edit/", {
        "household_no": "1", "village": str(destination.pk), "version": "1"})
    assert response.status_code == 200
    assert "Thôn Bản Pồn đã có hộ số 1" in response.content.decode()
    moving.refresh_from_db()
    assert moving.village.name == "Bản Pá Ngam"
    # Naming the existing village as a "new" one is the same move, refused the same way.
    response = client.post(f"/households/{moving.pk}/edit/", {
        "household_no": "1", "new_village": "Bản Pồn", "version": "1"})
    assert "Thôn Bản Pồn đã có hộ số 1" in response.content.decode()
    moving.refresh_from_db()
    assert (moving.village.name, moving.version) == ("Bản Pá Ngam", 1)
