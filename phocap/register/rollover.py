"""Year roll-over ("lên lớp"): open survey year Y + 1 from year Y.

Every person still living in the commune gets a record for Y + 1 built from
their record of Y: pupils move up one class; those the officer marks as
repeating stay in their class (marked "!"); MG5 completes preschool and enters
grade 1; grade 5 completes primary and enters grade 6. Grade 9 (and 12) pupils
are not made graduates automatically: the diploma is a decision, so they wait
for ``confirm_graduates``. People who moved away or died in Y are not carried
over. Nothing of year Y is altered; afterwards only the changes are edited.

A year is opened under the commune's own list of units: 2025 of a commune of the
list of 1 July 2025 is opened from its predecessors' 2024 by register/crossing.py,
with the same ``next_year``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from phocap.accounts.models import User
from phocap.accounts.permissions import may_edit
from phocap.register import audit
from phocap.register.bulk import Values
from phocap.register.freezing import frozen
from phocap.register.models import AdministrativeUnit, PersonYear
from phocap.survey import classes
from phocap.units import vintage_for_year

CARRIED = (
    "residence", "disability", "current_school", "preschool_completed", "primary_completed",
    "thcs_graduated", "thpt_graduated", "vocational_level", "vocational_completed",
    "highest_grade", "dropout_grade", "dropout_year", "literacy_stage", "literacy_year",
    "relapsed",
    # What the household answered about the person that a school year does not change:
    # who they are to the head, their parent, phone, religion, priority group, residence
    # status, and the kind of disability beside the disability itself. Left behind, every
    # person of the new year read as changed when the commune's file came in.
    "relationship", "parent_name", "phone", "religion", "priority", "residence_status",
    "disability_types", "disability_certified",
)
AWAITING_DIPLOMA = "Chờ xác nhận tốt nghiệp"


class RolloverRefused(Exception):
    """The year cannot be opened (already open, or nothing to open from)."""


@dataclass
class Opened:
    people: int
    promoted: int
    repeating: int
    awaiting_diploma: int


def _code(level: str, grade: int | None, two_sessions: bool, repeater: bool,
          recorded: str) -> str:
    """The canonical class code (classes.parse): base, then "*", then "!". A course without
    grades (vocational, university) goes on under the code the survey ``recorded`` for it
    ("TC", "DH"): there is no grade to write."""
    if grade is None and level != classes.NURSERY:
        return recorded
    base = {
        classes.NURSERY: "NT",
        classes.KINDERGARTEN: f"MG{grade}",
        classes.CONTINUING_LOWER_SECONDARY: f"BT{grade}",
        classes.CONTINUING_UPPER_SECONDARY: f"BT{grade}",
    }.get(level, str(grade))
    return base + ("*" if two_sessions else "") + ("!" if repeater else "")


def _next_class(level: str, grade: int | None, age_next: int) -> tuple[str, int | None] | None:
    """The class a pupil moves up to, or None when they leave with a pending diploma."""
    if level == classes.NURSERY:
        return (classes.KINDERGARTEN, 3) if age_next >= 3 else (level, None)
    if level == classes.KINDERGARTEN and grade is not None:
        return (level, grade + 1) if grade < 5 else (classes.PRIMARY, 1)
    if grade is None or level not in (
        classes.PRIMARY, classes.LOWER_SECONDARY, classes.UPPER_SECONDARY,
        classes.CONTINUING_LOWER_SECONDARY, classes.CONTINUING_UPPER_SECONDARY,
    ):
        return (level, grade)  # vocational and university: the same course goes on
    if grade in (9, 12):
        return None
    following = grade + 1
    if level == classes.PRIMARY and following == 6:
        return (classes.LOWER_SECONDARY, 6)
    return (level, following)


@dataclass(frozen=True)
class NextYear:
    """A person's record of the following year as the roll-over builds it from this one."""

    values: dict[str, object]
    promoted: bool
    repeating: bool
    awaiting_diploma: bool


GONE = ("chuyển đi", "chết")
"""The statuses of a year whose people are not carried into the next one."""


def next_year(record: Values, birth_year: int, repeating: bool = False) -> NextYear:
    """The values of the record of ``survey_year + 1`` built from ``record`` (a PersonYear's
    field values by attname): the one place a class moves up, the same whether the year
    opens in the same commune (``open_year``) or under the commune that continues it after
    1 July 2025 (register/crossing.py, which reads plain values, not model instances)."""
    following = record["survey_year"] + 1
    values: dict[str, object] = {name: record[name] for name in CARRIED}
    values |= {"status": "", "warnings": []}
    level, grade = record["class_level"], record["class_grade"]
    promoted = awaiting = False
    if level:
        if repeating:
            step: tuple[str, int | None] | None = (level, grade)
        else:
            step = _next_class(level, grade, following - birth_year)
            promoted = step is not None
        if level == classes.KINDERGARTEN and grade == 5 and step and step[0] != level:
            values["preschool_completed"] = values["preschool_completed"] or following
        if level == classes.PRIMARY and grade == 5 and step and step[0] != level:
            values["primary_completed"] = values["primary_completed"] or following
        if level in (classes.PRIMARY, classes.LOWER_SECONDARY, classes.UPPER_SECONDARY,
                     classes.CONTINUING_LOWER_SECONDARY,
                     classes.CONTINUING_UPPER_SECONDARY) and step != (level, grade):
            values["highest_grade"] = grade
        if step is None:
            awaiting = True
            values["warnings"] = [f"{AWAITING_DIPLOMA} lớp {grade} năm {following}"]
            values["highest_grade"] = grade
            values |= {"current_class": "", "class_level": "", "class_grade": None,
                       "class_repeater": False}
        else:
            values |= {
                "current_class": _code(step[0], step[1], record["class_two_sessions"], repeating,
                                       record["current_class"]),
                "class_level": step[0], "class_grade": step[1], "class_repeater": repeating,
                "class_two_sessions": record["class_two_sessions"],
            }
    return NextYear(values, promoted, repeating and bool(level), awaiting)


def tally(opened: Opened, built: NextYear) -> None:
    """Count one person carried into the next year."""
    opened.people += 1
    opened.promoted += built.promoted
    opened.repeating += built.repeating
    opened.awaiting_diploma += built.awaiting_diploma


@transaction.atomic
def open_year(user: User, commune: AdministrativeUnit, year: int,
              repeating: Collection[int] = ()) -> Opened:
    """Create the records of ``year + 1`` from those of ``year``; ``repeating`` are person ids."""
    if not may_edit(user, commune):
        raise PermissionDenied("Chỉ cán bộ xã được mở năm điều tra mới của xã mình.")
    if vintage_for_year(year + 1).value != commune.vintage:
        # A year is kept under the list of units in force on its reference date: the year
        # after 2024 by the communes of 1 July 2025, which open it with crossing.cross.
        if vintage_for_year(year).value == commune.vintage:
            raise RolloverRefused(
                f"Từ năm {year + 1} sổ do xã mới (sau sắp xếp ngày 01/7/2025) giữ: năm"
                f" {year + 1} được mở ở trang “Mở năm 2025 từ sổ của các xã cũ” của xã mới,"
                " không mở ở xã cũ.")
        raise RolloverRefused(f"Năm {year + 1} được ghi ở các xã trước ngày 01/7/2025, không"
                              f" ở {commune.name}.")
    if reason := frozen(commune, year + 1):
        raise RolloverRefused(reason)
    current = PersonYear.objects.filter(person__household__commune=commune, survey_year=year)
    if not current.exists():
        raise RolloverRefused(f"Chưa có dữ liệu năm {year} để lên lớp.")
    if PersonYear.objects.filter(person__household__commune=commune,
                                 survey_year=year + 1).exists():
        raise RolloverRefused(f"Năm {year + 1} đã được mở.")
    opened = Opened(0, 0, 0, 0)
    for record in current.select_related("person").exclude(status__in=GONE):
        values = {f.attname: getattr(record, f.attname) for f in PersonYear._meta.concrete_fields}
        built = next_year(values, record.person.birth_year, record.person_id in repeating)
        created = PersonYear.objects.create(person=record.person, survey_year=year + 1,
                                            **built.values)
        audit.record(user, "create", created, None)
        tally(opened, built)
    return opened


@transaction.atomic
def confirm_graduates(user: User, commune: AdministrativeUnit, year: int,
                      person_ids: Collection[int]) -> int:
    """Record the diplomas of pupils awaiting them after the roll-over to ``year``."""
    if not may_edit(user, commune):
        raise PermissionDenied("Chỉ cán bộ xã được xác nhận tốt nghiệp.")
    if reason := frozen(commune, year):
        raise RolloverRefused(reason)
    confirmed = 0
    for record in PersonYear.objects.filter(
        person__household__commune=commune, survey_year=year, person_id__in=person_ids
    ).select_related("person__household__commune"):
        waiting = [w for w in record.warnings if w.startswith(AWAITING_DIPLOMA)]
        if not waiting:
            continue
        before = audit.snapshot(record)
        column = "thcs_graduated" if record.highest_grade == 9 else "thpt_graduated"
        setattr(record, column, year)
        record.warnings = [w for w in record.warnings if w not in waiting]
        record.save()
        audit.record(user, "update", record, before)
        confirmed += 1
    return confirmed
