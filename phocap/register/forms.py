"""Forms of the register's pages.

A person's form holds the survey form's raw columns as text; what they mean is
decided by the core's validation (register.checking), exactly as for a file. Every
form's text fields pass the one text check (phocap/textfields.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from phocap.register.checking import Problem
from phocap.register.models import AdministrativeUnit, Household, Village
from phocap.register.records import RAW_PERSON_COLUMNS, RAW_YEAR_COLUMNS
from phocap.survey.schema import BY_KEY, COLUMNS
from phocap.textfields import CheckedForm, CheckedModelForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HEADERS = {c.key: c.header_vi for c in COLUMNS}
CHOICES = {
    "sex": ["nam", "nữ"],
    "residence": ["", "thường trú", "tạm trú", "khác"],
    "status": ["", "chuyển đến", "chuyển đi", "chết"],
    "disability": ["", "học được", "không học được"],
    "vocational_level": ["", *BY_KEY["vocational_level"].choices],
    "relapsed": ["", "x"],
    "relapse_level": ["", "1", "2"],
    "disability_certified": ["", "x"],
    "continuing": ["", "x"],
}
HINTS = {
    "birth_date": _("DD/MM/YYYY, YYYY-MM-DD hoặc chỉ năm"),
    "current_class": _("NT, MG3–MG5, 1–12, BT6–BT12, SC, TC, CD, DH; ! lưu ban, * 2 buổi/ngày"),
    "national_id": _("12 chữ số"),
    "disability_types": _("vận động; nghe nói; nhìn; thần kinh, tâm thần; trí tuệ; học tập;"
                          " tự kỷ; khác — cách nhau bởi dấu chấm phẩy"),
}


# The person's form in the groups of the ministry's data-entry form (its row 1), so an
# officer finds each field where the paper form has it.
GROUPS: tuple[tuple[StrOrPromise, tuple[str, ...]], ...] = (
    (_("Thông tin đối tượng"), ("full_name", "birth_date", "sex", "ethnicity", "national_id",
                                "religion", "priority", "relationship")),
    (_("Nơi đang ở"), ("residence", "residence_status", "status", "status_detail")),
    (_("Thông tin học tập"), (
        "current_class", "class_name", "continuing", "current_school", "school_name",
        "school_district", "preschool_completed", "primary_completed", "thcs_graduated",
        "thpt_graduated", "vocational_level", "vocational_completed", "diploma_no",
        "highest_grade", "finished_grade", "finished_year", "dropout_grade", "dropout_year")),
    (_("Xóa mù chữ"), ("literacy_stage", "literacy_year", "literacy_class",
                       "literacy_completed", "relapsed", "relapse_level")),
    (_("Khuyết tật"), ("disability", "disability_types", "disability_certified")),
    (_("Thông tin liên lạc"), ("parent_name", "phone", "note")),
)


class RecordForm(CheckedForm):
    """One person's identity and survey-year record, as raw survey text."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, with_year: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = RAW_PERSON_COLUMNS + (RAW_YEAR_COLUMNS if with_year else ())
        for key in columns:
            choices = CHOICES.get(key)
            label = HEADERS[key]
            # Closed lists are offered as a select but read as text: what the select
            # does not offer is refused by the validation, with the file's message.
            widget = None if choices is None else forms.Select(
                choices=[(c, c or "—") for c in choices])
            self.fields[key] = forms.CharField(
                label=label, required=False, widget=widget, help_text=HINTS.get(key, ""),
                max_length=BY_KEY[key].max_chars or None)

    def groups(self) -> list[tuple[StrOrPromise, list[forms.BoundField]]]:
        """The visible fields by the form's groups; every field is in exactly one."""
        return [(title, [self[key] for key in keys if key in self.fields])
                for title, keys in GROUPS
                if any(key in self.fields for key in keys)]

    def raw(self) -> dict[str, str]:
        return {k: str(v or "").strip() for k, v in self.cleaned_data.items()
                if k != "version"}

    def add_problems(self, errors: dict[str, list[str]]) -> None:
        """Attach the validation's messages to their fields (the rest to the whole form)."""
        for column, messages in errors.items():
            for message in messages:
                self.add_error(column if column in self.fields else None, message)

    def add_refusal(self, problems: list[Problem]) -> None:
        """Attach what the register's service refused (e.g. a national ID another holds)."""
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field or "", []).append(problem.message)
        self.add_problems(errors)


EVENT_TITLES = {
    "moved_out": _("Ghi chuyển đi"), "deceased": _("Ghi đã mất"),
    "stays": _("Xóa biến động"), "moved_in": _("Thêm người chuyển đến"),
    "born": _("Thêm trẻ mới sinh"), "resident": _("Thêm người đang ở trong hộ"),
}
PLACE_LABELS = {"moved_out": _("Chuyển đến đâu (xã, huyện, tỉnh)"),
                "moved_in": _("Chuyển từ đâu đến (xã, huyện, tỉnh)")}


class EventForm(CheckedForm):
    """When (and, for a move, where) an event happened; sent twice, the second time
    with ``confirmed`` after the officer read what will be recorded."""

    date = forms.DateField(label=_("Ngày xảy ra"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                           required=False, help_text=_("DD/MM/YYYY"))
    place = forms.CharField(max_length=120, required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: QueryDict | None = None, *, event: str,
                 initial: dict[str, object] | None = None) -> None:
        super().__init__(data, initial=initial)
        self.event = event
        if event in PLACE_LABELS:
            self.fields["place"].label = PLACE_LABELS[event]
        else:
            del self.fields["place"]
        if event in ("stays", "born", "resident"):
            del self.fields["date"]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if "date" in self.fields and not data.get("date") and not self.has_error("date"):
            self.add_error("date", _("Hãy ghi ngày xảy ra (DD/MM/YYYY)."))
        if "place" in self.fields and not str(data.get("place", "")).strip():
            self.add_error("place", _("Hãy ghi nơi chuyển đến hoặc chuyển đi."))
        return data


class HouseholdForm(CheckedModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    new_village = forms.CharField(label=_("hoặc thôn/xóm mới"), max_length=120, required=False)

    class Meta:
        model = Household
        fields = ("village", "household_no", "head_name", "address", "residence", "phone")
        # The foreign key has no label of its own: Django would show "Village".
        labels = {"village": _("Thôn/xóm")}

    def __init__(self, *args: Any, commune: AdministrativeUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commune = commune
        village = self.fields["village"]
        village.queryset = Village.objects.filter(commune=commune).order_by("name")  # type: ignore[attr-defined]  # a ModelChoiceField
        village.required = False
        village.empty_label = _("— chọn thôn/xóm —")  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["household_no"].required = True

    def clean(self) -> dict[str, object]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if not data.get("village") and not data.get("new_village", "").strip():
            self.add_error("village", _("Chọn thôn/xóm hoặc nhập tên thôn/xóm mới."))
        return data

    def changes(self) -> dict[str, object]:
        """The fields for editing.save_household; a new village goes as its name, created
        by the service in the save's own transaction (audited, and not at all if refused)."""
        data = self.cleaned_data
        name = data.get("new_village", "").strip()
        village = {"new_village": name} if name else {"village": data.get("village")}
        return village | {
            k: data[k] for k in ("household_no", "head_name", "address", "residence", "phone")
        }
