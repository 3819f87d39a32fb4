"""The round's forms: open it, its deadline, an assignment, closing, a reminder, a surveyor."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from phocap.register.admin_forms import NewAccountForm
from phocap.register.models import AdministrativeUnit
from phocap.textfields import CheckedForm

DATES = ["%d/%m/%Y", "%Y-%m-%d"]


class DeadlineForm(CheckedForm):
    deadline = forms.DateField(label=_("Hạn hoàn thành"), input_formats=DATES,
                               help_text=_("ngày/tháng/năm"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CloseForm(CheckedForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirmed = forms.BooleanField(label=_("Vẫn đóng đợt khi còn hộ chưa thăm"),
                                   required=False)


class ReminderForm(CheckedForm):
    round = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Lời nhắc"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(CheckedForm):
    outcome = forms.ChoiceField(choices=[("unchanged", _("không thay đổi")),
                                         ("changed", _("có thay đổi")),
                                         ("not_found", _("không gặp / không tìm thấy hộ"))])
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Ghi chú"), max_length=200, required=False)


class SurveyorForm(NewAccountForm):
    """A new surveyor of the commune: the province's account form, role and unit fixed."""

    def __init__(self, *args: object, commune: AdministrativeUnit, **kwargs: object) -> None:
        super().__init__(*args, units=AdministrativeUnit.objects.filter(pk=commune.pk),
                         **kwargs)
        del self.fields["role"], self.fields["unit"]
