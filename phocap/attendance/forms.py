"""The follow-up form (what was done for a pupil at risk, and how it turned out) and the
school calendar form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phocap.attendance.models import FollowUp, SchoolCalendar
from phocap.textfields import CheckedModelForm


class FollowUpForm(CheckedModelForm):
    class Meta:
        model = FollowUp
        fields = ["date", "kind", "outcome", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "note": forms.Textarea(attrs={"rows": 3})}


class CalendarForm(CheckedModelForm):
    """A school's calendar for a year: the days its province set."""

    class Meta:
        model = SchoolCalendar
        fields = ["first_day", "last_day", "tet_first_day", "tet_last_day", "saturday"]
        widgets = {name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                   for name in ("first_day", "last_day", "tet_first_day", "tet_last_day")}

    def clean(self) -> dict[str, object]:
        data: dict[str, Any] = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        tet_first, tet_last = data.get("tet_first_day"), data.get("tet_last_day")
        if first and last and first >= last:
            self.add_error("last_day", _("Ngày kết thúc phải sau ngày bắt đầu năm học."))
        if tet_first and tet_last and tet_first > tet_last:
            self.add_error("tet_last_day", _("Ngày cuối nghỉ Tết không được trước ngày đầu."))
        if first and last and tet_first and tet_last and not (
                first < tet_first and tet_last < last):
            self.add_error("tet_first_day", _("Kỳ nghỉ Tết phải nằm trong năm học."))
        return data
