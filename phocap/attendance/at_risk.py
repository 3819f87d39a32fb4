"""The early-warning list of some classes: every pupil's score and reasons, worded.

Facts come from the class list (repeating, birth year, village, distance,
semi-boarding, the class's site), the register (a dropout recorded in an
earlier survey year of the linked person) and earlier class lists (a pupil who
left a class in an earlier school year), and attendance from frames.py. The
score itself is score.py's, with the rules of data/warning.toml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from phocap import numbers
from phocap.attendance import score as scoring
from phocap.attendance.frames import Frames, frames
from phocap.attendance.models import ClassDay, calendar_for
from phocap.attendance.rates import Counts, pupil_days
from phocap.register.models import PersonYear
from phocap.schools.models import Enrolment, SchoolClass


@dataclass(frozen=True)
class PupilWarning:
    enrolment: Enrolment
    warning: scoring.Warning
    recent: Counts | None
    reasons: list[str]


def grade_number(grade: str) -> int | None:
    """1–12 from the class code ("6", "BT6"); None for preschool classes."""
    digits = grade.removeprefix("BT")
    return int(digits) if digits.isdigit() else None


def over_age_years(enrolment: Enrolment, klass: SchoolClass) -> int:
    """Age in the school year (Y − birth year, as the survey counts) minus the grade's age
    (grade + 5); never below 0."""
    grade = grade_number(klass.grade)
    if grade is None:
        return 0
    return max(0, klass.school_year - enrolment.birth_year - grade - 5)


def reason_text(reason: scoring.Reason, rules: scoring.WarningRules) -> str:
    """The reason as a teacher reads it, with its figure."""
    rule = rules.rules[reason.key]
    threshold = rule.threshold
    figure = reason.figure
    if reason.key == "low_attendance" and isinstance(figure, Fraction):
        if rules.excused_weight != 1:
            return _("Chuyên cần %(rate)s trong %(weeks)d tuần gần đây (dưới %(limit)s;"
                     " ngày vắng có phép tính %(weight)s ngày vắng)") % {
                "rate": numbers.percent(figure), "weeks": rules.recent_weeks,
                "limit": numbers.threshold(Fraction(threshold or 0)),
                "weight": numbers.decimal(rules.excused_weight, trim=True)}
        return _("Chuyên cần %(rate)s trong %(weeks)d tuần gần đây (dưới %(limit)s)") % {
            "rate": numbers.percent(figure), "weeks": rules.recent_weeks,
            "limit": numbers.threshold(Fraction(threshold or 0))}
    if reason.key == "very_low_attendance":
        return _("Chuyên cần dưới %(limit)s") % {
            "limit": numbers.threshold(Fraction(threshold or 0))}
    if reason.key == "repeating":
        return _("Đang lưu ban")
    if reason.key == "over_age":
        return _("Quá tuổi %(years)s năm so với lớp") % {"years": figure}
    if reason.key == "earlier_dropout":
        return _("Đã từng bỏ học")
    if reason.key == "satellite_site":
        return _("Học ở điểm trường lẻ")
    if reason.key == "long_distance" and isinstance(figure, Fraction):
        return _("Nhà cách trường %(km)s km") % {"km": numbers.decimal(figure, trim=True)}
    if reason.key == "semi_boarding":
        return _("Học sinh bán trú")
    return _("Chuyên cần sau kỳ nghỉ Tết giảm %(points)s điểm phần trăm") % {
        "points": numbers.difference(Fraction(figure or 0) * 100)}


def as_of_day(classes: QuerySet[SchoolClass], today: dt.date | None = None) -> dt.date:
    """The last day whose attendance was taken, up to today; today if none was."""
    today = today or dt.date.today()
    last = (ClassDay.objects.filter(klass__in=classes, date__lte=today)
            .aggregate(last=Max("date"))["last"])
    return last or today


@dataclass(frozen=True)
class Coverage:
    """How much of the record the figures rest on, as of a day (issue 14): the classes
    that took attendance in that day's week, and each class's recorded days of the
    school days in the warning's recent window."""

    week_first: dt.date
    week_last: dt.date
    classes_this_week: int
    classes: int
    recorded: dict[int, tuple[int, int]]  # class → (days recorded, school days)
    min_days: int
    recent_weeks: int

    def short(self, klass: int) -> bool:
        """Too few days recorded for the class's attendance to count in the warning."""
        done, _total = self.recorded.get(klass, (0, 0))
        return done < self.min_days


def coverage(classes: QuerySet[SchoolClass], as_of: dt.date,
             rules: scoring.WarningRules | None = None) -> Coverage:
    """The week of ``as_of`` (Monday–Sunday) and the recent window ending on it."""
    rules = rules or scoring.load_rules()
    monday = as_of - dt.timedelta(days=as_of.weekday())
    sunday = monday + dt.timedelta(days=6)
    first = as_of - dt.timedelta(weeks=rules.recent_weeks) + dt.timedelta(days=1)
    taken: dict[int, set[dt.date]] = {}
    for klass_id, day in ClassDay.objects.filter(klass__in=classes, date__range=(first, as_of)
                                                 ).values_list("klass_id", "date"):
        taken.setdefault(klass_id, set()).add(day)
    this_week = set(ClassDay.objects.filter(klass__in=classes, date__range=(monday, sunday))
                    .values_list("klass_id", flat=True))
    recorded = {}
    for klass in classes:
        school_days = [d for d in calendar_for(klass.school_id, klass.school_year).school_days()
                       if first <= d <= as_of]
        recorded[klass.pk] = (len(taken.get(klass.pk, set()) & set(school_days)),
                              len(school_days))
    return Coverage(monday, sunday, len(this_week), len(recorded), recorded, rules.min_days,
                    rules.recent_weeks)


def _earlier_dropouts(pupils: list[Enrolment], school_year: int) -> set[int]:
    people = {e.person_id for e in pupils if e.person_id}
    dropped = set(PersonYear.objects.filter(person_id__in=people, dropout_year__isnull=False,
                                            dropout_year__lt=school_year)
                  .values_list("person_id", flat=True))
    dropped |= set(Enrolment.objects.filter(person_id__in=people, left_on__isnull=False,
                                            klass__school_year__lt=school_year)
                   .values_list("person_id", flat=True))
    return {e.pk for e in pupils if e.person_id in dropped}


def warnings_for(classes: QuerySet[SchoolClass], as_of: dt.date,
                 rules: scoring.WarningRules | None = None,
                 data: Frames | None = None) -> list[PupilWarning]:
    """Every pupil of the classes still enrolled on ``as_of``, highest score first
    (``data``: the classes' frames.frames, when the caller has them already)."""
    rules = rules or scoring.load_rules()
    classes = classes.select_related("site", "school")
    pupils = [e for e in Enrolment.objects.filter(klass__in=classes)
              .select_related("klass__site", "village")
              if e.left_on is None or e.left_on > as_of]
    if not pupils:
        return []
    pupil_frame, days, absences = data if data is not None else frames(classes)
    days = pupil_days(pupil_frame, days, absences)
    found: dict[int, scoring.Windows] = {}
    for school_id, school_year in {(e.klass.school_id, e.klass.school_year) for e in pupils}:
        calendar = calendar_for(school_id, school_year)
        own = days.filter(school=school_id)
        windows = scoring.windows(own.filter(own["date"] <= as_of), as_of, rules,
                                  calendar.tet if calendar.tet.last < as_of else None)
        found[school_id] = windows
    earlier = _earlier_dropouts(pupils, min(e.klass.school_year for e in pupils))
    warnings = []
    for e in pupils:
        w = found[e.klass.school_id]
        site = e.klass.site
        facts = scoring.PupilFacts(
            e.pk, w.recent.get(e.pk), w.before_break.get(e.pk), w.after_break.get(e.pk),
            e.repeating, over_age_years(e, e.klass), e.pk in earlier,
            site is not None and not site.main,
            None if e.distance_km is None else Fraction(str(e.distance_km)), e.semi_boarding)
        warnings.append((e, scoring.score(facts, rules)))
    recent = {pk: c for w in found.values() for pk, c in w.recent.items()}
    order = {w.pupil: i for i, w in enumerate(scoring.ranked([w for _, w in warnings], recent))}
    warnings.sort(key=lambda pair: order[pair[1].pupil])
    return [PupilWarning(e, w, recent.get(e.pk), [reason_text(r, rules) for r in w.reasons])
            for e, w in warnings]
