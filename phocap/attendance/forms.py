"""The follow-up form: what was done for a pupil at risk and how it turned out."""

from __future__ import annotations

from django import forms

from phocap.attendance.models import FollowUp


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["date", "kind", "outcome", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "note": forms.Textarea(attrs={"rows": 3})}
