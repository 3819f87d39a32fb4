"""Attendance (chuyên cần) per pupil and school day, school calendars, follow-ups.

A day's attendance is stored as the class day (``ClassDay``: the class's
attendance was taken that day) and its absences: a pupil of the class without an
``Absence`` on a class day was present. That is how the grid works (everyone
present unless marked) and keeps a district's year small (about one row in
thirty pupil-days). Every row is scoped to its commune through the school, so
``audit.record_many`` files each change under the right commune.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phocap.attendance.calendar import Break, SchoolYearCalendar, default_calendar
from phocap.register.scope import ScopedManager


class SchoolCalendar(models.Model):
    """A school's own calendar for a school year, where it differs from the default
    (calendar.default_calendar): first and last day, and the Tết break its province set."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE,
                               related_name="calendars")
    school_year = models.PositiveSmallIntegerField(_("năm học (bắt đầu)"))
    first_day = models.DateField(_("ngày bắt đầu năm học"))
    last_day = models.DateField(_("ngày kết thúc năm học"))
    tet_first_day = models.DateField(_("ngày đầu nghỉ Tết"))
    tet_last_day = models.DateField(_("ngày cuối nghỉ Tết"))
    saturday = models.BooleanField(_("học thứ Bảy"), default=False)

    objects = ScopedManager("school__commune")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "school_year"],
                                               name="calendar_per_school_year")]

    def calendar(self) -> SchoolYearCalendar:
        weekdays = (0, 1, 2, 3, 4, 5) if self.saturday else (0, 1, 2, 3, 4)
        return SchoolYearCalendar(self.first_day, self.last_day,
                                  Break(self.tet_first_day, self.tet_last_day), weekdays)


def calendar_for(school_id: int, school_year: int) -> SchoolYearCalendar:
    """The school's own calendar for the year, or the default one."""
    own = SchoolCalendar.objects.filter(school_id=school_id, school_year=school_year).first()
    return own.calendar() if own else default_calendar(school_year)


class ClassDay(models.Model):
    """A school day on which the class's attendance was taken."""

    klass = models.ForeignKey("schools.SchoolClass", on_delete=models.CASCADE,
                              related_name="attendance_days")
    date = models.DateField(_("ngày"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager("klass__school__commune")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["klass", "date"],
                                               name="one_attendance_per_class_day")]


class Absence(models.Model):
    """A pupil absent on a class day, with or without leave."""

    class Kind(models.TextChoices):
        EXCUSED = "excused", _("vắng có phép")
        UNEXCUSED = "unexcused", _("vắng không phép")

    enrolment = models.ForeignKey("schools.Enrolment", on_delete=models.CASCADE,
                                  related_name="absences")
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại vắng"), max_length=10, choices=Kind.choices)

    objects = ScopedManager("enrolment__klass__school__commune")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "date"],
                                               name="one_absence_per_pupil_day")]
        indexes = [models.Index(fields=["date"])]


class FollowUp(models.Model):
    """What the school did about a pupil at risk, and how it turned out; the commune's
    steering committee for universal education reads these as counts."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("thăm gia đình")
        MEETING = "meeting", _("gặp cha mẹ học sinh")
        SUPPORT = "support", _("hỗ trợ vật chất")
        OTHER = "other", _("khác")

    class Outcome(models.TextChoices):
        RETURNED = "returned", _("đã đi học lại")
        AT_RISK = "at_risk", _("vẫn có nguy cơ")
        DROPPED = "dropped", _("đã bỏ học")

    enrolment = models.ForeignKey("schools.Enrolment", on_delete=models.CASCADE,
                                  related_name="follow_ups")
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("biện pháp"), max_length=12, choices=Kind.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")

    objects = ScopedManager("enrolment__klass__school__commune")

    class Meta:
        ordering = ["-date", "-pk"]
