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
    five_year_old_teachers = forms.IntegerField(
        label=_("giáo viên dạy lớp mẫu giáo 5 tuổi (để trống nếu chưa biết)"), min_value=0,
        max_value=999, required=False,
        help_text=_("Điều kiện phổ cập GDMN cho trẻ 5 tuổi (Điều 3 Thông tư 07/2016/TT-BGDĐT);"
                    " để trống thì điều kiện ghi “chưa nhập”."))
    five_year_old_rooms = forms.IntegerField(
        label=_("phòng học của các lớp mẫu giáo 5 tuổi (để trống nếu chưa biết)"), min_value=0,
        max_value=999, required=False,
        help_text=_("Chỉ đếm phòng các lớp mẫu giáo 5 tuổi dùng; phòng của nhóm trẻ và lớp"
                    " 3–4 tuổi không tính."))
    kindergarten_teachers = forms.IntegerField(
        label=_("giáo viên dạy các lớp mẫu giáo 3–5 tuổi (để trống nếu chưa biết)"), min_value=0,
        max_value=999, required=False,
        help_text=_("Phổ cập GDMN cho trẻ 3–5 tuổi (theo dự thảo Nghị định 277/2025/NĐ-CP);"
                    " kể cả giáo viên các lớp 5 tuổi."))
    kindergarten_rooms = forms.IntegerField(
        label=_("phòng học của các lớp mẫu giáo 3–5 tuổi (để trống nếu chưa biết)"), min_value=0,
        max_value=999, required=False,
        help_text=_("Kể cả phòng của các lớp 5 tuổi; phòng của nhóm trẻ không tính."))
    qualified_teachers = forms.IntegerField(
        label=_("giáo viên đạt chuẩn trình độ đào tạo trở lên (để trống nếu chưa biết)"),
        min_value=0, max_value=999, required=False,
        help_text=_("Điều kiện phổ cập: 100% giáo viên đạt chuẩn (Điều 3–5 Thông tư"
                    " 07/2016/TT-BGDĐT), so với tất cả giáo viên đang công tác của trường;"
                    " với trường mầm non, kể cả giáo viên nhóm trẻ và lớp 3–4 tuổi."))
    monitoring_person = forms.CharField(
        label=_("người theo dõi công tác phổ cập của trường (để trống nếu chưa nhập)"),
        max_length=120, required=False,
        help_text=_("Điều kiện phổ cập của mỗi trường (Điều 3–6 Thông tư 07/2016/TT-BGDĐT)."))
    monitoring_decision = forms.CharField(label=_("số quyết định phân công"), max_length=60,
                                          required=False)
    nobody_monitoring = forms.BooleanField(
        label=_("trường chưa phân công ai theo dõi công tác phổ cập"), required=False)

    def clean(self) -> dict[str, object]:
        """"Nobody appointed" is an answer (the condition fails); a blank name without it is
        no answer yet (the condition reads "chưa nhập")."""
        data = super().clean() or {}
        if (data.get("five_year_old_rooms") or 0) > (data.get("classrooms") or 0):
            self.add_error("five_year_old_rooms",
                           _("Số phòng của các lớp 5 tuổi không thể nhiều hơn số phòng học."))
        if (data.get("kindergarten_rooms") or 0) > (data.get("classrooms") or 0):
            self.add_error("kindergarten_rooms",
                           _("Số phòng của các lớp mẫu giáo không thể nhiều hơn số phòng học."))
        for part, whole, message in (
                ("five_year_old_rooms", "kindergarten_rooms",
                 _("Phòng của các lớp 5 tuổi nằm trong phòng của các lớp mẫu giáo 3–5 tuổi.")),
                ("five_year_old_teachers", "kindergarten_teachers",
                 _("Giáo viên các lớp 5 tuổi nằm trong giáo viên các lớp mẫu giáo 3–5 tuổi."))):
            if data.get(whole) is not None and (data.get(part) or 0) > data[whole]:
                self.add_error(part, message)
        name = (data.get("monitoring_person") or "").strip()
        if data.get("nobody_monitoring") and name:
            self.add_error("monitoring_person",
                           _("Đã đánh dấu chưa phân công ai: bỏ dấu hoặc xóa tên."))
        data["monitoring_person"] = "" if data.get("nobody_monitoring") else (name or None)
        return data
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
    two_sessions = forms.BooleanField(label=_("học 2 buổi/ngày"), required=False, initial=True)
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
