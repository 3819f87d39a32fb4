"""A school year of demo attendance for the classes already in the database.

For every class of the school year (the schools' demo creates classes and class
lists), each pupil lives the year through the synthetic model
(phocap.synth.attendance.live_year, documented in docs/synthetic-data.md) from
the facts their class list holds (repeating, years over age, distance,
semi-boarding, the class's site): days present and absent up to the year's end
or today, whichever is earlier, and for the pupils the model makes drop out, the
day they left (``left_on``, "bỏ học"). The two highest-scoring pupils of every
tenth class get a home visit after the return from Tết. Written as the system
(audit entries without a user, like the register's demo). A class that already
has attendance that year is left alone, so loading twice changes nothing and
real entries are never overwritten.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.utils import timezone

from phocap.attendance.at_risk import over_age_years, warnings_for
from phocap.attendance.calendar import SchoolYearCalendar
from phocap.attendance.models import Absence, ClassDay, FollowUp, calendar_for
from phocap.register import audit, bulk
from phocap.schools.models import Enrolment, SchoolClass
from phocap.synth.attendance import Facts, live_year

LEFT_REASON = "bỏ học"
BATCH = 5000
DAY_COLUMNS = ("id", "klass_id", "date", "recorded_by_id", "recorded_at")
ABSENCE_COLUMNS = ("id", "enrolment_id", "date", "kind")


def _facts(pupils: list[Enrolment], klass: SchoolClass) -> Facts:
    satellite = klass.site is not None and not klass.site.main
    return Facts(
        repeating=np.array([p.repeating for p in pupils], dtype=np.bool_),
        over_age_years=np.array([over_age_years(p, klass) for p in pupils], dtype=np.int64),
        earlier_dropout=np.zeros(len(pupils), dtype=np.bool_),
        satellite_site=np.full(len(pupils), satellite, dtype=np.bool_),
        distance_km=np.array([float(p.distance_km or 0) for p in pupils], dtype=np.float64),
        semi_boarding=np.array([p.semi_boarding for p in pupils], dtype=np.bool_),
    )


def _fill_class(klass: SchoolClass, pupils: list[Enrolment], calendar: SchoolYearCalendar,
                seed: int, today: dt.date, written: _Rows) -> None:
    """The class's year as rows (``written``), and its pupils who left on their enrolment."""
    days = [d for d in calendar.school_days() if d <= today]
    if not days or not pupils:
        return
    rng = np.random.default_rng([seed, klass.pk, zlib.crc32(klass.name.encode())])
    year = live_year(_facts(pupils, klass), days, calendar.tet.last, rng)
    commune_id = klass.school.commune_id
    written.classes += 1
    written.days += [(klass.pk, d, commune_id) for d in days]
    for i, pupil in enumerate(pupils):
        stop = len(days)
        if pupil.left_on is not None:
            stop = sum(1 for d in days if d < pupil.left_on)
        elif year.left_index[i] >= 0:
            stop = int(year.left_index[i])
            written.left.append((pupil, audit.snapshot(pupil), commune_id))
            pupil.left_on, pupil.left_reason = days[stop], LEFT_REASON
        written.absences += [
            (pupil.pk, days[j], "unexcused" if year.unexcused[i, j] else "excused", commune_id)
            for j in np.nonzero(year.absent[i, :stop])[0]]


@dataclass
class _Rows:
    """What a group of classes writes: class days and absences as plain rows (with their
    commune, for the audit), and the pupils who left (with their snapshot before)."""

    classes: int = 0
    days: list[tuple[int, dt.date, int]] = field(default_factory=list)
    absences: list[tuple[int, dt.date, str, int]] = field(default_factory=list)
    left: list[tuple[Enrolment, dict[str, object], int]] = field(default_factory=list)


def _write(written: _Rows) -> None:
    """Insert the rows in bulk and audit each one as the system (no user), the entries
    those ``record`` would write one by one."""
    now = timezone.now()
    entries: list[audit.Entry] = []
    ids = bulk.allocate_ids(ClassDay, len(written.days))
    days: list[dict[str, object]] = [
        {"id": pk, "klass_id": klass, "date": date, "recorded_by_id": None, "recorded_at": now}
        for pk, (klass, date, _) in zip(ids, written.days, strict=True)]
    bulk.insert_rows(ClassDay, DAY_COLUMNS, [tuple(d[c] for c in DAY_COLUMNS) for d in days])
    entries += [audit.Entry("create", "classday", pk, commune, None,
                            audit.snapshot_values(ClassDay, d))
                for pk, d, (_, _, commune) in zip(ids, days, written.days, strict=True)]
    ids = bulk.allocate_ids(Absence, len(written.absences))
    absences: list[dict[str, object]] = [
        {"id": pk, "enrolment_id": pupil, "date": date, "kind": kind}
        for pk, (pupil, date, kind, _) in zip(ids, written.absences, strict=True)]
    for start in range(0, len(absences), BATCH):
        bulk.insert_rows(Absence, ABSENCE_COLUMNS, [tuple(a[c] for c in ABSENCE_COLUMNS)
                                                    for a in absences[start:start + BATCH]])
    entries += [audit.Entry("create", "absence", pk, commune, None,
                            audit.snapshot_values(Absence, a))
                for pk, a, (_, _, _, commune) in zip(ids, absences, written.absences,
                                                     strict=True)]
    for pupil, before, commune in written.left:
        pupil.save(update_fields=["left_on", "left_reason"])
        entries.append(audit.Entry("update", "enrolment", pupil.pk, commune, before,
                                   audit.snapshot(pupil)))
    for start in range(0, len(entries), BATCH):
        audit.record_many(None, entries[start:start + BATCH])


def load_demo(school_year: int, seed: int, today: dt.date | None = None) -> dict[str, int]:
    """Fill the school year's attendance for every class without any; returns counts.

    The classes are written a school at a time, each school in a transaction of its
    own, in bulk (register/bulk.py), as the register's demo years are."""
    today = today or dt.date.today()
    classes = list(SchoolClass.objects.filter(school_year=school_year)
                   .exclude(attendance_days__isnull=False)
                   .select_related("school", "site").order_by("pk"))
    pupils: dict[int, list[Enrolment]] = defaultdict(list)
    for pupil in Enrolment.objects.filter(klass__in=classes).order_by("klass_id", "pupil_no"):
        pupils[pupil.klass_id].append(pupil)
    counts = {"classes": 0, "class_days": 0, "absences": 0, "left": 0, "follow_ups": 0}
    by_school: dict[int, list[SchoolClass]] = defaultdict(list)
    for klass in classes:
        by_school[klass.school_id].append(klass)
    for school in sorted(by_school):
        written = _Rows()
        calendar = calendar_for(school, school_year)
        for klass in by_school[school]:
            _fill_class(klass, pupils[klass.pk], calendar, seed, today, written)
        with transaction.atomic():
            _write(written)
        counts["classes"] += written.classes
        counts["class_days"] += len(written.days)
        counts["absences"] += len(written.absences)
        counts["left"] += len(written.left)
    counts["follow_ups"] = _follow_ups(classes[::10], school_year, today)
    return counts


def _follow_ups(classes: list[SchoolClass], school_year: int, today: dt.date) -> int:
    """A home visit for the two highest-scoring pupils of each given class, two weeks after
    the return from Tết (if that day has come): returned if they are still enrolled at the
    year's end, dropped out otherwise. The classes visited on one day are scored together
    (a pupil's score is their own, so each class's two are those it would give alone)."""
    visits: dict[dt.date, list[SchoolClass]] = defaultdict(list)
    for klass in classes:
        visit = calendar_for(klass.school_id, klass.school_year).tet.last + dt.timedelta(weeks=2)
        if visit <= today:
            visits[visit].append(klass)
    made = 0
    for visit, visited in sorted(visits.items()):
        chosen: dict[int, list[Enrolment]] = defaultdict(list)
        for warning in warnings_for(SchoolClass.objects.filter(pk__in=[k.pk for k in visited]),
                                    visit):
            own = chosen[warning.enrolment.klass_id]
            if len(own) < 2:
                own.append(warning.enrolment)
        with transaction.atomic():
            for klass in visited:
                for pupil in chosen[klass.pk]:
                    outcome = (FollowUp.Outcome.DROPPED if pupil.left_on is not None
                               else FollowUp.Outcome.RETURNED)
                    follow_up = FollowUp.objects.create(
                        enrolment=pupil, date=visit, kind=FollowUp.Kind.HOME_VISIT,
                        outcome=outcome, note="Thăm gia đình (dữ liệu mẫu)", by=None)
                    audit.record(None, "create", follow_up, None)
                    made += 1
    return made
