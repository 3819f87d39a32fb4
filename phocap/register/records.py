"""The survey record (docs/survey-format.md) ↔ the register's fields.

The import and the edit forms both go through the core's validation and store
its typed record the same way, so a value typed on a page means exactly what
the same value means in a file; and the page can show a stored person as the
raw values an officer would write in the survey form.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from phocap import numbers
from phocap.survey.schema import COLUMNS

PERSON_FIELDS = ("national_id", "full_name", "birth_date", "birth_year", "sex", "ethnicity")
# What the ministry's form records beside the survey's own facts (docs/official-files.md).
FORM_FIELDS = (
    "relationship", "religion", "priority", "parent_name", "phone", "residence_status",
    "status_detail", "disability_types", "disability_certified", "class_name", "continuing",
    "school_name", "school_district", "diploma_no", "finished_grade", "finished_year",
    "literacy_class", "literacy_completed", "relapse_level", "note",
)
YEAR_FIELDS = (
    "residence", "status", "disability", "current_class", "class_level", "class_grade",
    "class_repeater", "class_two_sessions", "current_school", "preschool_completed",
    "primary_completed", "thcs_graduated", "thpt_graduated", "vocational_level",
    "vocational_completed", "highest_grade", "dropout_grade", "dropout_year", "literacy_stage",
    "literacy_year", "relapsed", *FORM_FIELDS, "warnings",
)
# The household's own fields a survey record carries (each member's row repeats them).
HOUSEHOLD_FIELDS = ("address",)
# The raw survey columns a person's page edits for one year, in the form's order.
RAW_YEAR_COLUMNS = (
    "relationship", "residence", "residence_status", "status", "status_detail", "disability",
    "disability_types", "disability_certified", "current_class", "class_name", "continuing",
    "current_school", "school_name", "school_district", "preschool_completed",
    "primary_completed", "thcs_graduated", "thpt_graduated", "vocational_level",
    "vocational_completed", "diploma_no", "highest_grade", "finished_grade", "finished_year",
    "dropout_grade", "dropout_year", "literacy_stage", "literacy_year", "literacy_class",
    "literacy_completed", "relapsed", "relapse_level", "religion", "priority", "parent_name",
    "phone", "note",
)
RAW_PERSON_COLUMNS = ("full_name", "birth_date", "sex", "ethnicity", "national_id")
_TEXT = ("ethnicity", "residence", "status", "disability", "current_class", "class_level",
         "current_school", "vocational_level", "relationship", "religion", "priority",
         "parent_name", "phone", "residence_status", "status_detail", "disability_types",
         "class_name", "school_name", "school_district", "diploma_no", "note", "address")
_FLAGS = ("class_repeater", "class_two_sessions", "relapsed", "disability_certified",
          "continuing")
_MARKS = ("relapsed", "disability_certified", "continuing")  # written "x" on the form


def stored(field_name: str, value: Any) -> object:
    """A typed record's value as the register stores it (blank text rather than null)."""
    if field_name == "warnings":
        return list(value or [])
    if field_name in _FLAGS:
        return bool(value)
    if value is None and field_name in _TEXT:
        return ""
    return value


def wanted(row: dict[str, object], names: tuple[str, ...]) -> dict[str, object]:
    """The register's values of ``names`` for a typed survey record: ``stored`` of each,
    applied only to the names it changes (an import asks this twice for every row of a
    district, over some fifty names)."""
    found = {name: row[name] for name in names}
    texts, flags, lists = _stored_kinds(names)
    for name in texts:
        if found[name] is None:
            found[name] = ""
    for name in flags:
        found[name] = bool(found[name])
    for name in lists:
        found[name] = list(found[name] or [])  # type: ignore[call-overload]  # a list or None
    return found


@cache
def _stored_kinds(names: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Of ``names``, those ``stored`` makes blank text of None, those it makes a flag, and
    those it makes a list."""
    return (tuple(n for n in names if n in _TEXT and n not in _FLAGS and n != "warnings"),
            tuple(n for n in names if n in _FLAGS and n != "warnings"),
            tuple(n for n in names if n == "warnings"))


def raw(person: object, year_record: object | None) -> dict[str, str]:
    """A stored person (and their year) as the raw text of the survey form's columns.

    A frozen year shows the identity it pinned (recognition/freeze.py), which is
    what its records say, rather than the person's corrected one.
    """
    pinned = year_record is not None and getattr(year_record, "pinned", False)
    identity = {name: getattr(year_record, f"pinned_{name}") if pinned else getattr(person, name)
                for name in PERSON_FIELDS}
    birth_date = identity["birth_date"]
    values: dict[str, str] = {
        "full_name": identity["full_name"],
        # As an officer writes it (and the file's parser reads it): 31/05/2010.
        "birth_date": numbers.date(birth_date) if isinstance(birth_date, dt.date)
        else str(identity["birth_year"]),
        "sex": identity["sex"],
        "ethnicity": identity["ethnicity"] or "",
        "national_id": identity["national_id"] or "",
    }
    for name in RAW_YEAR_COLUMNS:
        value = getattr(year_record, name, None) if year_record is not None else None
        if name in _MARKS:
            values[name] = "x" if value else ""
        else:
            values[name] = "" if value is None else str(value)
    return values


# Every field an officer may see named on a page or in a download: the survey
# form's own headers, then the register's derived and household fields.
FIELD_LABELS: dict[str, str] = {c.key: c.header_vi for c in COLUMNS} | {
    "birth_year": "Năm sinh", "class_level": "Cấp học", "class_grade": "Lớp (số)",
    "class_repeater": "Lưu ban", "class_two_sessions": "Học 2 buổi/ngày",
    "warnings": "Cảnh báo", "head_name": "Chủ hộ", "village_id": "Thôn/xóm",
    "in_final_grade": "Đang học lớp cuối cấp", "dropped_out": "Đã bỏ học",
    "situation": "Tình trạng và cách khắc phục",
}


def field_label(name: str) -> str:
    """A field's name as the survey form (or the register) writes it."""
    return FIELD_LABELS.get(name, name)
