"""Checking one person's record typed on a page, or sent to the API, as a file is checked.

The values become a one-row survey file that the core validates
(phocap.survey.validate): the same parsing, the same rules (class against age,
completion years, literacy, units, text without hidden characters and within
the register's lengths) and the same Vietnamese messages as an import, so an
edit can never store what an import would refuse. ``check`` serves the page's
whole record, ``person_edit`` the API's identity changes (editing.update_person).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phocap.register import records
from phocap.register.models import AdministrativeUnit, Person, PersonYear
from phocap.survey.problems import ERROR
from phocap.survey.schema import COLUMNS
from phocap.survey.validate import validate
from phocap.units import vintage_for_year


@dataclass
class Checked:
    record: dict[str, object] | None  # the typed record, when there is no error
    errors: dict[str, list[str]]  # contract column (or "" for the whole row) → messages
    warnings: list[str]


def location(commune: AdministrativeUnit, village: str, household_no: str,
             person_no: int) -> dict[str, str]:
    """The columns that place a person: province, district (before 2025), commune, household."""
    parent = commune.parent
    district = parent if parent is not None and parent.type == "district" else None
    province = district.parent if district is not None else parent
    return {
        "province_code": province.code if province is not None else "",
        "district_code": district.code if district is not None else "",
        "commune_code": commune.code, "village": village, "household_no": household_no,
        "person_no": str(person_no),
    }


def check(values: dict[str, str], year: int) -> Checked:
    """Validate one survey row given as raw text by contract key."""
    row = {"survey_year": str(year)} | values
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bieu-mau.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            keys = [c.key for c in COLUMNS]
            writer.writerow(keys)
            writer.writerow([row.get(k, "") for k in keys])
        result = validate(path, year=year, keep_records=True)
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    for problem in result.report.problems.iter_rows(named=True):
        if problem["severity"] == ERROR:
            errors.setdefault(problem["column"] or "", []).append(problem["message"])
        else:
            warnings.append(problem["message"])
    record = None
    if not errors and result.records is not None and result.records.height == 1:
        record = result.records.row(0, named=True)
    return Checked(record, errors, warnings)


IDENTITY = ("full_name", "birth_date", "birth_year", "sex", "ethnicity", "national_id")


@dataclass
class Problem:
    """One refused value of an edit, named by the field the caller used."""

    field: str | None
    value: object
    message: str


@dataclass
class CheckedEdit:
    values: dict[str, Any]  # what to store, typed as an import stores it; empty on errors
    problems: list[Problem]


def _checking_year(person: Person) -> tuple[int, PersonYear | None]:
    """The person's latest survey year (and record); else the last year of their commune's
    unit list before this one, so that the commune codes check against the right list."""
    surveyed = PersonYear.objects.filter(person=person).order_by("-survey_year").first()
    if surveyed is not None:
        return surveyed.survey_year, surveyed
    year = dt.date.today().year - 1
    vintage = person.household.commune.vintage
    while year > 1990 and vintage_for_year(year).value != vintage:
        year -= 1
    return year, None


def _raw_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def person_edit(person: Person, changes: dict[str, object]) -> CheckedEdit:
    """Check an edit of a person's identity (typed values by field name, as the API sends
    them) with the file validation, as a row of a survey file of their latest year.

    The identity, changed values in place of the stored ones, is checked first; then
    with the rest of that year's record, reporting only what the edit breaks (a birth
    year after the year primary school was completed), not what was wrong before.
    What is refused comes back under the caller's field name (a birth year sent alone
    is checked as a "Ngày sinh" cell holding only a year, as a file would have it).
    """
    household = person.household
    year, surveyed = _checking_year(person)
    stored = records.raw(person, None)
    identity = {k: stored[k] for k in records.RAW_PERSON_COLUMNS}
    birth_field = "birth_date"
    if "birth_date" in changes or "birth_year" in changes:
        birth = changes.get("birth_date")
        if birth is None and "birth_year" in changes:
            birth, birth_field = changes["birth_year"], "birth_year"
        identity["birth_date"] = _raw_text(birth)
    for name in ("full_name", "sex", "ethnicity", "national_id"):
        if name in changes:
            identity[name] = _raw_text(changes[name])
    place = location(household.commune, household.village.name, household.household_no,
                     person.person_no)
    checked = check(place | identity, year)
    errors = checked.errors
    if not errors and surveyed is not None:
        facts = records.raw(person, surveyed)
        before = check(place | facts, year).errors
        after = check(place | facts | identity, year).errors
        errors = {column: new for column, messages in after.items()
                  if (new := [m for m in messages if m not in before.get(column, [])])}

    def field(column: str) -> str | None:
        return birth_field if column == "birth_date" else column or None

    problems = [Problem(field(column), changes.get(field(column) or ""), message)
                for column, messages in errors.items() for message in messages]
    record = checked.record
    if (record is not None and changes.get("birth_date") is not None
            and changes.get("birth_year") is not None
            and changes["birth_year"] != record["birth_year"]):
        problems.append(Problem(
            "birth_year", changes["birth_year"],
            f"Năm sinh {changes['birth_year']} không khớp với ngày sinh"
            f" {changes['birth_date']:%d/%m/%Y}."))
    if problems or record is None:
        return CheckedEdit({}, problems)
    typed = records.wanted(record, records.PERSON_FIELDS)
    touched = {n for n in changes if n in typed} | (
        {"birth_date", "birth_year"} if {"birth_date", "birth_year"} & set(changes) else set())
    values = {n: typed[n] for n in sorted(touched)}
    return CheckedEdit(values, [])
