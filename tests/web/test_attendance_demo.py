"""The demo's school year of attendance, on two classes made here (the schools' demo
makes the district's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from phocap.attendance.demo import load_demo
from phocap.attendance.models import Absence, ClassDay, FollowUp
from phocap.register.models import AuditEntry
from phocap.schools.models import Enrolment, School, SchoolClass

END = dt.date(2022, 6, 30)


def make_classes(commune: Any) -> list[SchoolClass]:
    school = School.objects.create(code="D1", name="Trường TH D1", level="primary",
                                   commune=commune)
    classes = []
    for name in ("3A", "4A"):
        klass = SchoolClass.objects.create(school=school, school_year=2021, name=name,
                                           grade=name[0])
        for n in range(1, 31):
            Enrolment.objects.create(klass=klass, pupil_no=n, full_name=f"HS {name}-{n}",
                                     birth_year=2021 - int(name[0]) - 6 + (n % 3 == 0),
                                     sex="nữ", repeating=n == 7,
                                     distance_km=Decimal("6.0") if n % 5 == 0 else None,
                                     semi_boarding=n % 5 == 0)
        classes.append(klass)
    return classes


def test_a_year_of_attendance_audited_and_loaded_once(tree: dict[str, Any]) -> None:
    """Two classes of 30 over the default 2021–2022 calendar's 183 school days (see
    tests/attendance/test_attendance_rates.py): 366 class days. Absences are a few percent of the
    10,980 pupil-days; each class day and absence has its audit entry under the commune.
    The first class (every tenth from the first) gets two home visits. Loading again
    adds nothing."""
    commune = tree["communes"]["03319"]
    make_classes(commune)
    counts = load_demo(2021, seed=5, today=END)
    assert counts["classes"] == 2 and counts["class_days"] == 366
    assert ClassDay.objects.count() == 366
    absences = Absence.objects.count()
    assert counts["absences"] == absences and 0.005 * 10_980 < absences < 0.15 * 10_980
    audited = AuditEntry.objects.filter(model__in=["classday", "absence"])
    assert audited.count() == 366 + absences
    assert set(audited.values_list("commune_id", flat=True)) == {commune.pk}
    left = Enrolment.objects.filter(left_on__isnull=False)
    assert left.count() == counts["left"]
    for pupil in left:  # no day recorded from the day they left
        assert pupil.left_reason == "bỏ học"
        assert not Absence.objects.filter(enrolment=pupil, date__gte=pupil.left_on).exists()
    assert FollowUp.objects.count() == counts["follow_ups"] == 2
    assert set(FollowUp.objects.values_list("date", flat=True)) == {dt.date(2022, 2, 22)}
    again = load_demo(2021, seed=5, today=END)
    assert again == {"classes": 0, "class_days": 0, "absences": 0, "left": 0, "follow_ups": 0}
    assert Absence.objects.count() == absences


def test_only_days_that_have_come(tree: dict[str, Any]) -> None:
    """Loaded on Friday 10 September 2021, the year has had its first 5 school days."""
    make_classes(tree["communes"]["03319"])
    counts = load_demo(2021, seed=5, today=dt.date(2021, 9, 10))
    assert counts["class_days"] == 10 and counts["follow_ups"] == 0
