"""The survey_record view: the engine reads the register in-database, same answer as a file."""

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db import models

from phocap.engine.backends import connect, load
from phocap.engine.evaluate import evaluate
from phocap.register.models import AdministrativeUnit, Household, Person, PersonYear, Village
from phocap.register.results import survey_table
from phocap.survey.schema import SCHEMA
from phocap.survey.validate import validate

FIXTURE = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"
PERSON = ("national_id", "full_name", "birth_date", "birth_year", "sex", "ethnicity")
YEARLY = [c for c in SCHEMA if c not in PERSON and c not in (
    "survey_year", "province_code", "district_code", "commune_code", "village", "household_no",
    "person_no", "address")]


def store(records: pl.DataFrame) -> None:
    """Put typed survey records into the register through the ORM (test set-up only)."""
    units: dict[str, Any] = {}

    def unit(code: str, type_: str, parent: Any) -> Any:
        if code not in units:
            units[code] = AdministrativeUnit.objects.create(
                vintage="2025-01-04", code=code, name=code, type=type_, kind=type_, parent=parent)
        return units[code]

    for row in records.iter_rows(named=True):
        province = unit(row["province_code"], "province", None)
        district = unit(row["district_code"], "district", province)
        commune = unit(row["commune_code"], "commune", district)
        village, _ = Village.objects.get_or_create(commune=commune, name=row["village"])
        household, _ = Household.objects.get_or_create(
            commune=commune, household_no=row["household_no"],
            defaults={"village": village, "address": row["address"] or ""})
        person = Person.objects.create(
            household=household, person_no=row["person_no"],
            **{k: (row[k] if row[k] is not None else ("" if k == "ethnicity" else None))
               for k in PERSON})
        yearly = {k: row[k] for k in YEARLY}
        for key, value in yearly.items():
            field = PersonYear._meta.get_field(key)
            if value is None and not field.null:
                yearly[key] = "" if isinstance(field, models.CharField) else False
        PersonYear.objects.create(person=person, survey_year=row["survey_year"], **yearly)


@pytest.mark.django_db(transaction=True)
def test_engine_on_the_view_matches_the_engine_on_the_file() -> None:
    result = validate(FIXTURE, keep_records=True)
    assert result.records is not None
    store(result.records)
    expected = evaluate(load(connect("duckdb"), result.records)).to_json()
    view = survey_table()
    assert view.count().to_pyarrow().as_py() == 10
    assert evaluate(view).to_json() == expected
