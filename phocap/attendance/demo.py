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

import numpy as np
from django.db import transaction

from phocap.attendance.at_risk import over_age_years, warnings_for
from phocap.attendance.models import Absence, ClassDay, FollowUp, calendar_for
from phocap.register import audit
from phocap.schools.models import Enrolment, SchoolClass
from phocap.synth.attendance import Facts, live_year

LEFT_REASON = "bỏ học"
BATCH = 5000


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


def _fill_class(klass: SchoolClass, seed: int,
                today: dt.date) -> tuple[list[audit.Entry], list[Enrolment]]:
    """Write the class's year; return the audit entries and the pupils who left."""
    calendar = calendar_for(klass.school_id, klass.school_year)
    days = [d for d in calendar.school_days() if d <= today]
    pupils = list(klass.pupils.order_by("pupil_no"))
    if not days or not pupils:
        return [], []
    rng = np.random.default_rng([seed, klass.pk, zlib.crc32(klass.name.encode())])
    year = live_year(_facts(pupils, klass), days, calendar.tet.last, rng)
    commune_id = klass.school.commune_id
    class_days = ClassDay.objects.bulk_create([ClassDay(klass=klass, date=d) for d in days])
    absences: list[Absence] = []
    left: list[Enrolment] = []
    for i, pupil in enumerate(pupils):
        stop = len(days)
        if pupil.left_on is not None:
            stop = sum(1 for d in days if d < pupil.left_on)
        elif year.left_index[i] >= 0:
            stop = int(year.left_index[i])
            pupil.left_on, pupil.left_reason = days[stop], LEFT_REASON
            left.append(pupil)
        for j in np.nonzero(year.absent[i, :stop])[0]:
            absences.append(Absence(enrolment=pupil, date=days[j],
                                    kind="unexcused" if year.unexcused[i, j] else "excused"))
    created = Absence.objects.bulk_create(absences, batch_size=BATCH)
    entries = [audit.Entry("create", "classday", c.pk, commune_id, None, audit.snapshot(c))
               for c in class_days]
    entries += [audit.Entry("create", "absence", a.pk, commune_id, None, audit.snapshot(a))
                for a in created]
    return entries, left


def load_demo(school_year: int, seed: int, today: dt.date | None = None) -> dict[str, int]:
    """Fill the school year's attendance for every class without any; returns counts."""
    today = today or dt.date.today()
    classes = list(SchoolClass.objects.filter(school_year=school_year)
                   .exclude(attendance_days__isnull=False)
                   .select_related("school", "site").order_by("pk"))
    counts = {"classes": 0, "class_days": 0, "absences": 0, "left": 0, "follow_ups": 0}
    for klass in classes:
        with transaction.atomic():
            entries, left = _fill_class(klass, seed, today)
            for pupil in left:
                before = audit.snapshot(Enrolment.objects.get(pk=pupil.pk))
                pupil.save(update_fields=["left_on", "left_reason"])
                entries.append(audit.Entry("update", "enrolment", pupil.pk,
                                           klass.school.commune_id, before,
                                           audit.snapshot(pupil)))
            audit.record_many(None, entries)
        counts["classes"] += bool(entries)
        counts["class_days"] += sum(e.model == "classday" for e in entries)
        counts["absences"] += sum(e.model == "absence" for e in entries)
        counts["left"] += len(left)
    counts["follow_ups"] = _follow_ups(classes[::10], school_year, today)
    return counts


def _follow_ups(classes: list[SchoolClass], school_year: int, today: dt.date) -> int:
    """A home visit for the two highest-scoring pupils of each given class, two weeks after
    the return from Tết (if that day has come): returned if they are still enrolled at the
    year's end, dropped out otherwise."""
    made = 0
    for klass in classes:
        calendar = calendar_for(klass.school_id, klass.school_year)
        visit = calendar.tet.last + dt.timedelta(weeks=2)
        if visit > today:
            continue
        single = SchoolClass.objects.filter(pk=klass.pk)
        with transaction.atomic():
            for warning in warnings_for(single, visit)[:2]:
                pupil = warning.enrolment
                outcome = (FollowUp.Outcome.DROPPED if pupil.left_on is not None
                           else FollowUp.Outcome.RETURNED)
                follow_up = FollowUp.objects.create(
                    enrolment=pupil, date=visit, kind=FollowUp.Kind.HOME_VISIT,
                    outcome=outcome, note="Thăm gia đình (dữ liệu mẫu)", by=None)
                audit.record(None, "create", follow_up, None)
                made += 1
    return made
