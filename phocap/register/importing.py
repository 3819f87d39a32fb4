"""Import validated survey records into the register: preview, then commit all or nothing.

A person is matched by commune, form number (household_no) and position in the
household (person_no); their facts for the survey year live in PersonYear. The
preview says what the file would create, change (field by field) and leave
unchanged, and who is in the register for that commune and year but missing
from the file (reported, never deleted). Committing applies exactly that in one
transaction, records an audit entry for every household and person created or
changed, and changes nothing when the same file is imported again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction

from phocap.register import audit
from phocap.register.models import (
    AdministrativeUnit,
    Household,
    Person,
    PersonYear,
    Village,
)
from phocap.register.scope import editable
from phocap.units import vintage_for_year

PERSON_FIELDS = ("national_id", "full_name", "birth_date", "birth_year", "sex", "ethnicity")
YEAR_FIELDS = (
    "residence", "status", "disability", "current_class", "class_level", "class_grade",
    "class_repeater", "class_two_sessions", "current_school", "preschool_completed",
    "primary_completed", "thcs_graduated", "thpt_graduated", "vocational_level",
    "vocational_completed", "highest_grade", "dropout_grade", "dropout_year", "literacy_stage",
    "literacy_year", "relapsed", "warnings",
)
Key = tuple[str, str, int]  # commune_code, household_no, person_no


class ImportRefused(Exception):
    """A file that cannot be imported as it is (e.g. a commune missing from the units)."""


@dataclass
class Preview:
    survey_year: int
    new: list[Key] = field(default_factory=list)
    changed: dict[Key, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    unchanged: int = 0
    missing: list[Key] = field(default_factory=list)


def _value(field_name: str, value: Any) -> Any:
    """A record's value as the register stores it (blank text rather than null)."""
    if field_name == "warnings":
        return list(value or [])
    if field_name in ("class_repeater", "class_two_sessions", "relapsed"):
        return bool(value)
    if value is None and field_name in (
        "ethnicity", "residence", "status", "disability", "current_class", "class_level",
        "current_school", "vocational_level",
    ):
        return ""
    return value


def _wanted(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _value(name, row[name]) for name in names}


def _current(instance: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def _differences(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    def same(a: Any, b: Any) -> bool:
        if isinstance(a, dt.date) or isinstance(b, dt.date):
            return str(a) == str(b)
        return bool(a == b)

    return {k: (old[k], new[k]) for k in new if not same(old[k], new[k])}


def _communes(records: pl.DataFrame, year: int) -> dict[str, AdministrativeUnit]:
    vintage = vintage_for_year(year).value
    codes = records["commune_code"].unique().to_list()
    found = {u.code: u for u in AdministrativeUnit.objects.filter(vintage=vintage, code__in=codes)}
    absent = sorted(set(codes) - set(found))
    if absent:
        raise ImportRefused(
            f"Xã {', '.join(absent)} chưa có trong danh mục đơn vị của hệ thống"
            f" ({vintage}); hãy nạp danh mục (loadunits) trước."
        )
    return found


def _single_year(records: pl.DataFrame) -> int:
    years = records["survey_year"].unique().to_list()
    if len(years) != 1:
        raise ImportRefused("Mỗi lần nhập một năm điều tra; tệp có các năm " + ", ".join(
            str(y) for y in sorted(years)) + ".")
    return int(years[0])


def _existing(communes: dict[str, AdministrativeUnit], year: int
              ) -> tuple[dict[Key, Person], dict[int, PersonYear]]:
    people = {
        (p.household.commune.code, p.household.household_no, p.person_no): p
        for p in Person.objects.filter(household__commune__in=communes.values())
        .select_related("household__commune")
    }
    years = {
        py.person_id: py
        for py in PersonYear.objects.filter(person__in=people.values(), survey_year=year)
    }
    return people, years


def _rows(records: pl.DataFrame) -> Iterator[tuple[Key, dict[str, Any]]]:
    for row in records.iter_rows(named=True):
        yield (row["commune_code"], row["household_no"], row["person_no"]), row


def preview(records: pl.DataFrame) -> Preview:
    """What importing these records would do; nothing is written."""
    year = _single_year(records)
    people, years = _existing(_communes(records, year), year)
    result = Preview(year)
    seen: set[Key] = set()
    for key, row in _rows(records):
        seen.add(key)
        person = people.get(key)
        if person is None or person.pk not in years:
            result.new.append(key)
            continue
        changes = _differences(_current(person, PERSON_FIELDS), _wanted(row, PERSON_FIELDS))
        changes |= _differences(_current(years[person.pk], YEAR_FIELDS), _wanted(row, YEAR_FIELDS))
        if changes:
            result.changed[key] = changes
        else:
            result.unchanged += 1
    result.missing = sorted(
        k for k, p in people.items() if p.pk in years and k not in seen
    )
    return result


@transaction.atomic
def commit(records: pl.DataFrame, user: Any) -> Preview:
    """Apply the records in one transaction, audited; returns what was done."""
    year = _single_year(records)
    communes = _communes(records, year)
    for commune in communes.values():
        if not editable(user, commune):
            raise PermissionDenied(f"Không có quyền sửa dữ liệu của {commune.name}.")
    done = preview(records)
    if not done.new and not done.changed:
        return done
    villages = {(v.commune_id, v.name): v
                for v in Village.objects.filter(commune__in=communes.values())}
    households = {(h.commune_id, h.household_no): h
                  for h in Household.objects.filter(commune__in=communes.values())}
    people, years = _existing(communes, year)
    for key, row in _rows(records):
        if key not in done.new and key not in done.changed:
            continue
        commune = communes[key[0]]
        village = villages.get((commune.pk, row["village"]))
        if village is None:
            village = villages[(commune.pk, row["village"])] = Village.objects.create(
                commune=commune, name=row["village"])
        household = households.get((commune.pk, row["household_no"]))
        if household is None:
            household = households[(commune.pk, row["household_no"])] = Household.objects.create(
                commune=commune, village=village, household_no=row["household_no"])
            audit.record(user, "create", household, None)
        person = people.get(key)
        if person is None:
            person = Person.objects.create(household=household, person_no=row["person_no"],
                                           **_wanted(row, PERSON_FIELDS))
            audit.record(user, "create", person, None)
        elif _differences(_current(person, PERSON_FIELDS), _wanted(row, PERSON_FIELDS)):
            before = audit.snapshot(person)
            for name, value in _wanted(row, PERSON_FIELDS).items():
                setattr(person, name, value)
            person.version += 1
            person.save()
            audit.record(user, "update", person, before)
        surveyed = years.get(person.pk)
        if surveyed is None:
            surveyed = PersonYear.objects.create(person=person, survey_year=year,
                                                 **_wanted(row, YEAR_FIELDS))
            audit.record(user, "create", surveyed, None)
        else:
            before = audit.snapshot(surveyed)
            for name, value in _wanted(row, YEAR_FIELDS).items():
                setattr(surveyed, name, value)
            surveyed.save()
            audit.record(user, "update", surveyed, before)
    return done
