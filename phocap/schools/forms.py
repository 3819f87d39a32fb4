"""The school pages' forms; the services (schools/services.py) decide who may save them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from phocap.register.models import Village
from phocap.schools import norms
from phocap.schools.models import School, Staff
from phocap.textfields import CheckedForm, CheckedModelForm

GRADES = [("NT", "NT"), ("MG3", "MG3"), ("MG4", "MG4"), ("MG5", "MG5"),
          *((str(g), str(g)) for g in range(1, 13))]
SUBJECT_CHOICES = [("", "—"), *((k, v) for k, v in norms.SUBJECTS.items())]


class SchoolForm(CheckedModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = School
        fields = ["code", "name", "level", "public", "national_standard_level",
                  "national_standard_decision", "national_standard_date", "accreditation_level"]
        widgets = {"national_standard_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, details_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if details_only:
            for name in ("code", "name", "level", "public"):
                self.fields[name].disabled = True

    def clean_national_standard_level(self) -> int:
        value = int(self.cleaned_data["national_standard_level"])
        if value not in (0, 1, 2):
            raise forms.ValidationError(_("Mức chuẩn quốc gia là 0 (chưa đạt), 1 hoặc 2."))
        return value

    def clean_accreditation_level(self) -> int:
        value = int(self.cleaned_data["accreditation_level"])
        if value not in (0, 1, 2, 3, 4):
            raise forms.ValidationError(_("Cấp độ kiểm định là 0 (chưa đạt) đến 4."))
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("national_standard_level") and not data.get("national_standard_decision"):
            self.add_error("national_standard_decision",
                           _("Trường đạt chuẩn quốc gia cần số quyết định công nhận."))
        return data


class FactsForm(CheckedForm):
    classrooms = forms.IntegerField(label=_("số phòng học"), min_value=0, max_value=999)
    semi_boarding_pupils = forms.IntegerField(label=_("học sinh bán trú"), min_value=0,
                                              max_value=9999)
    boarding_pupils = forms.IntegerField(label=_("học sinh nội trú"), min_value=0,
                                         max_value=9999)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OfficerForm(CheckedForm):
    full_name = forms.CharField(label=_("cán bộ theo dõi phổ cập (để trống nếu chưa phân công)"),
                                max_length=120, required=False)
    decision = forms.CharField(label=_("số quyết định phân công"), max_length=60, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StaffForm(CheckedForm):
    full_name = forms.CharField(label=_("họ và tên"), max_length=120)
    role = forms.ChoiceField(label=_("chức vụ"), choices=Staff.Role.choices)
    subject = forms.ChoiceField(label=_("môn dạy"), choices=SUBJECT_CHOICES, required=False)
    qualification = forms.ChoiceField(label=_("trình độ"), choices=Staff.Qualification.choices)
    active = forms.BooleanField(label=_("đang công tác"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SiteForm(CheckedForm):
    name = forms.CharField(label=_("tên điểm trường"), max_length=120)
    main = forms.BooleanField(label=_("điểm chính"), required=False)
    distance_km = forms.DecimalField(label=_("cách điểm chính (km)"), max_digits=5,
                                     decimal_places=1, min_value=0, required=False,
                                     localize=True)


class ClassForm(CheckedForm):
    name = forms.CharField(label=_("tên lớp"), max_length=20)
    grade = forms.ChoiceField(label=_("khối"), choices=GRADES)
    site = forms.ChoiceField(label=_("điểm trường"), required=False)
    homeroom = forms.ChoiceField(label=_("giáo viên chủ nhiệm"), required=False)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "—"), *((str(s.pk), s.name)  # type: ignore[attr-defined]  # a ChoiceField
                                                    for s in school.sites.all())]
        self.fields["homeroom"].choices = [("", "—"), *(  # type: ignore[attr-defined]  # a ChoiceField
            (str(s.pk), s.full_name) for s in school.staff.filter(
                active=True, role=Staff.Role.TEACHER).order_by("full_name"))]


class PupilForm(CheckedForm):
    full_name = forms.CharField(label=_("họ và tên"), max_length=120)
    birth_year = forms.IntegerField(label=_("năm sinh"), min_value=1990, max_value=2100)
    birth_date = forms.DateField(label=_("ngày sinh"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    sex = forms.ChoiceField(label=_("giới tính"), choices=[("nam", "nam"), ("nữ", "nữ")])
    village = forms.ChoiceField(label=_("thôn"), required=False)
    semi_boarding = forms.BooleanField(label=_("bán trú"), required=False)
    vietnamese_preparation = forms.BooleanField(label=_("tăng cường tiếng Việt"),
                                                required=False)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "—"), *(  # type: ignore[attr-defined]  # a ChoiceField
            (str(v.pk), v.name) for v in Village.objects.filter(commune=school.commune)
            .order_by("name"))]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        born = data.get("birth_date")
        if born and data.get("birth_year") and born.year != data["birth_year"]:
            self.add_error("birth_date", _("Ngày sinh không khớp với năm sinh."))
        return data


class ImportForm(CheckedForm):
    file = forms.FileField(label=_("tệp danh sách lớp (CSV, XLSX, XLS)"))
