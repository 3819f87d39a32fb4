"""Saving a class's day of attendance and recording follow-ups: scoped and audited.

Only the school's own staff save (permissions.may_keep_school). A day is saved
whole, in one transaction: the class day is marked taken and each pupil's
absence created, changed or removed to match what was entered; every row that
changes gets an audit entry (audit.record_many, filed under the school's
commune), and a save that changes nothing writes nothing, so entering or
importing the same day twice is harmless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from phocap import numbers
from phocap.accounts.models import User
from phocap.accounts.permissions import may_keep_school
from phocap.attendance.models import Absence, ClassDay, FollowUp, SchoolCalendar, calendar_for
from phocap.register import audit
from phocap.schools.models import Enrolment, School, SchoolClass

PRESENT = "present"
STATUSES = (PRESENT, "excused", "unexcused")  # Absence.Kind values, and present
NOT_YOURS = _lazy("Chỉ cán bộ của trường được ghi chuyên cần và biện pháp hỗ trợ học sinh.")


class NotASchoolDay(ValueError):
    """The date is outside the school's year, in a break, on a day off, or to come."""


@dataclass(frozen=True)
class Saved:
    present: int
    excused: int
    unexcused: int
    changed: int  # rows created, changed or removed (audit entries written)


def enrolled_on(klass: SchoolClass, day: dt.date) -> list[Enrolment]:
    """The class's pupils on that day (not yet left), in class-list order."""
    return [e for e in klass.pupils.order_by("pupil_no")
            if e.left_on is None or e.left_on > day]


def check_school_day(klass: SchoolClass, day: dt.date, today: dt.date | None = None) -> None:
    calendar = calendar_for(klass.school_id, klass.school_year)
    if day > (today or dt.date.today()):
        raise NotASchoolDay(_("Chưa đến ngày %(day)s: chưa ghi chuyên cần được.")
                            % {"day": numbers.date(day)})
    if day not in calendar.school_days():
        raise NotASchoolDay(
            _("Ngày %(day)s không phải ngày học của năm học %(first)d–%(last)d (ngoài năm học, "
              "nghỉ Tết hoặc ngày nghỉ trong tuần).")
            % {"day": numbers.date(day), "first": klass.school_year,
               "last": klass.school_year + 1})


def apply_day(user: User, klass: SchoolClass, day: dt.date,
              statuses: Mapping[int, str]) -> tuple[list[audit.Entry], Saved]:
    """Make the stored day match ``statuses`` (enrolment id → status; a pupil not
    named is present). Runs inside the caller's transaction; returns the audit
    entries to write and the day's counts."""
    pupils = enrolled_on(klass, day)
    ids = {e.pk for e in pupils}
    unknown = set(statuses) - ids
    if unknown:
        raise ValueError(f"pupils not in class {klass.pk} on {day}: {sorted(unknown)}")
    commune_id = klass.school.commune_id
    entries: list[audit.Entry] = []
    class_day, created = ClassDay.objects.get_or_create(klass=klass, date=day,
                                                        defaults={"recorded_by": user})
    if created:
        entries.append(audit.Entry("create", "classday", class_day.pk, commune_id, None,
                                   audit.snapshot(class_day)))
    existing = {a.enrolment_id: a for a in Absence.objects.filter(enrolment_id__in=ids, date=day)}
    new_rows = []
    counts = dict.fromkeys(STATUSES, 0)
    for pupil in pupils:
        status = statuses.get(pupil.pk, PRESENT)
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        counts[status] += 1
        found = existing.get(pupil.pk)
        if found is None and status != PRESENT:
            new_rows.append(Absence(enrolment=pupil, date=day, kind=status))
        elif found is not None and status == PRESENT:
            before = audit.snapshot(found)
            found.delete()
            entries.append(audit.Entry("delete", "absence", before["id"], commune_id,
                                       before, None))
        elif found is not None and found.kind != status:
            before = audit.snapshot(found)
            found.kind = status
            found.save(update_fields=["kind"])
            entries.append(audit.Entry("update", "absence", found.pk, commune_id, before,
                                       audit.snapshot(found)))
    for row in Absence.objects.bulk_create(new_rows):
        if row.pk is None:  # backends that return no ids (none of ours today)
            row = Absence.objects.get(enrolment=row.enrolment, date=row.date)
        entries.append(audit.Entry("create", "absence", row.pk, commune_id, None,
                                   audit.snapshot(row)))
    changed = len(entries) - int(created)
    if entries and not created:
        class_day.recorded_by = user
        class_day.save(update_fields=["recorded_by", "recorded_at"])
    return entries, Saved(counts[PRESENT], counts["excused"], counts["unexcused"], changed)


def save_day(user: User, klass: SchoolClass, day: dt.date, statuses: Mapping[int, str],
             today: dt.date | None = None) -> Saved:
    """Save the class's whole day in one transaction, audited."""
    if not may_keep_school(user, klass.school):
        raise PermissionDenied(NOT_YOURS)
    check_school_day(klass, day, today)
    try:
        return _save_once(user, klass, day, statuses)
    except IntegrityError:
        # Two saves of the same class day at once: this one lost the race for a row; it
        # re-reads what the other stored and applies its own day on top (the last save
        # wins, both audited).
        return _save_once(user, klass, day, statuses)


def _save_once(user: User, klass: SchoolClass, day: dt.date,
               statuses: Mapping[int, str]) -> Saved:
    with transaction.atomic():
        entries, saved = apply_day(user, klass, day, statuses)
        audit.record_many(user, entries)
    return saved


def add_follow_up(user: User, enrolment: Enrolment, **fields: object) -> FollowUp:
    """Record what was done for a pupil at risk (audited under the school's commune)."""
    if not may_keep_school(user, enrolment.klass.school):
        raise PermissionDenied(NOT_YOURS)
    with transaction.atomic():
        follow_up = FollowUp.objects.create(enrolment=enrolment, by=user, **fields)
        audit.record(user, "create", follow_up, None)
    return follow_up


def save_calendar(user: User, school: School, school_year: int, **fields: object) -> SchoolCalendar:
    """Set the school's own calendar for the year (audited; the rates and the return
    after Tết follow it from then on)."""
    if not may_keep_school(user, school):
        raise PermissionDenied(NOT_YOURS)
    with transaction.atomic():
        found = SchoolCalendar.objects.select_for_update().filter(
            school=school, school_year=school_year).first()
        if found is None:
            found = SchoolCalendar.objects.create(school=school, school_year=school_year,
                                                  **fields)
            audit.record(user, "create", found, None)
            return found
        before = audit.snapshot(found)
        for name, value in fields.items():
            setattr(found, name, value)
        if audit.snapshot(found) != before:
            found.save()
            audit.record(user, "update", found, before)
    return found
