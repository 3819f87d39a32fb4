"""Schools, their sites, classes, staff and pupils: the school side of the register.

A school belongs to a commune (its scope follows the commune's, register/scope.py);
a pupil of a class list is an Enrolment, linked to a Person of the household
register when one matches, so attendance, dropout warnings and streaming speak
of the same children as the survey. Everything here is per school year, which
starts in September of ``school_year`` (the survey year Y: school year Y–(Y+1)).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phocap.register.locking import VersionedModel
from phocap.register.scope import ScopedManager


class School(VersionedModel):
    """A school or centre, with the code the survey's ``current_school`` uses."""

    class Level(models.TextChoices):
        PRESCHOOL = "preschool", _("mầm non")
        PRIMARY = "primary", _("tiểu học")
        LOWER_SECONDARY = "lower_secondary", _("trung học cơ sở")
        UPPER_SECONDARY = "upper_secondary", _("trung học phổ thông")
        PRIMARY_LOWER_SECONDARY = "primary_lower_secondary", _("tiểu học và THCS")
        LOWER_UPPER_SECONDARY = "lower_upper_secondary", _("THCS và THPT")
        ETHNIC_BOARDING = "ethnic_boarding", _("phổ thông dân tộc nội trú")
        ETHNIC_SEMI_BOARDING = "ethnic_semi_boarding", _("phổ thông dân tộc bán trú")
        CONTINUING = "continuing", _("trung tâm GDNN–GDTX")
        VOCATIONAL = "vocational", _("cơ sở giáo dục nghề nghiệp")

    code = models.CharField(_("mã trường"), max_length=20, unique=True)
    name = models.CharField(_("tên trường"), max_length=160)
    level = models.CharField(_("cấp học"), max_length=30, choices=Level.choices)
    commune = models.ForeignKey("register.AdministrativeUnit", on_delete=models.PROTECT,
                                related_name="schools")
    public = models.BooleanField(_("công lập"), default=True)
    # National-standard recognition (Circulars 17, 18 and 19/2018, amended by 22/2024).
    national_standard_level = models.PositiveSmallIntegerField(
        _("đạt chuẩn quốc gia mức"), default=0, help_text=_("0: chưa đạt; 1 hoặc 2"))
    national_standard_decision = models.CharField(_("số quyết định công nhận"), max_length=60,
                                                  blank=True)
    national_standard_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    accreditation_level = models.PositiveSmallIntegerField(
        _("kiểm định chất lượng cấp độ"), default=0, help_text=_("0: chưa đạt; 1–4"))

    objects = ScopedManager("commune")

    class Meta:
        verbose_name = _("trường")

    def __str__(self) -> str:
        return self.name


class SchoolSite(models.Model):
    """The main site or a satellite site (điểm trường), often in a far village."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("tên điểm trường"), max_length=120)
    main = models.BooleanField(_("điểm chính"), default=False)
    village = models.ForeignKey("register.Village", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="school_sites")
    distance_km = models.DecimalField(_("cách điểm chính (km)"), max_digits=5,
                                      decimal_places=1, null=True, blank=True)

    objects = ScopedManager("school__commune")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "name"],
                                               name="site_name_per_school")]

    def __str__(self) -> str:
        return self.name


class SchoolYearFacts(VersionedModel):
    """What a school reports once a year besides its classes: rooms and boarding."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="years")
    school_year = models.PositiveSmallIntegerField(_("năm học (bắt đầu)"))
    classrooms = models.PositiveSmallIntegerField(_("số phòng học"), default=0)
    semi_boarding_pupils = models.PositiveIntegerField(_("học sinh bán trú"), default=0)
    boarding_pupils = models.PositiveIntegerField(_("học sinh nội trú"), default=0)
    # The staff counted for the year's conditions while it is frozen
    # ({"teachers": {subject: n}, "nurses": n}): staff are not kept per year, so
    # recognition/freeze.py pins them here (schools/conditions.pin_staff).
    pinned_staff = models.JSONField(null=True, blank=True)
    # The recognition conditions' own counts (docs/rules.md §3), entered by the school;
    # None: not entered, and the condition reads "chưa nhập" (never a silent pass).
    # TT07 Art 3 asks for enough teachers of the 5-year-olds' classes (D7 of the
    # legal review); staff are not assigned to classes here, so the school says how many.
    five_year_old_teachers = models.PositiveSmallIntegerField(
        _("giáo viên dạy lớp mẫu giáo 5 tuổi"), null=True, blank=True)
    # The rooms the 5-year-olds' classes use (D13): the preschool room condition counts
    # them against the MG5 classes, not every room of the school against them.
    five_year_old_rooms = models.PositiveSmallIntegerField(
        _("phòng học của các lớp mẫu giáo 5 tuổi"), null=True, blank=True)
    # TT07 Arts 3–5 ask for 100% of teachers at the qualification standard (D11). The
    # staff list's per-person qualification defaults to "đạt chuẩn", so it cannot tell
    # a teacher at standard from one nobody checked: the school states the count.
    # Preschool for children aged 3–5 (D14; draft Decree 277/2025): the teachers and the
    # rooms of the kindergarten classes (MG3–MG5), against those classes.
    kindergarten_teachers = models.PositiveSmallIntegerField(
        _("giáo viên dạy các lớp mẫu giáo (3–5 tuổi)"), null=True, blank=True)
    kindergarten_rooms = models.PositiveSmallIntegerField(
        _("phòng học của các lớp mẫu giáo (3–5 tuổi)"), null=True, blank=True)
    qualified_teachers = models.PositiveSmallIntegerField(
        _("giáo viên đạt chuẩn trình độ đào tạo trở lên"), null=True, blank=True)
    # The school's person following universalisation and literacy work in the area it is
    # assigned (TT07 Arts 3–6: "có người theo dõi công tác phổ cập giáo dục, xóa mù chữ
    # tại địa bàn được phân công", a condition of each establishment, D12). None: not
    # entered; "": nobody appointed (the condition fails); else their name.
    monitoring_person = models.CharField(_("người theo dõi công tác phổ cập"), max_length=120,
                                         null=True, blank=True)
    monitoring_decision = models.CharField(_("số quyết định phân công"), max_length=60,
                                           blank=True)

    objects = ScopedManager("school__commune")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "school_year"],
                                               name="facts_per_school_year")]


class Staff(VersionedModel):
    """A member of a school's staff; ``user`` is their login, if they have one."""

    class Role(models.TextChoices):
        PRINCIPAL = "principal", _("hiệu trưởng")
        VICE_PRINCIPAL = "vice_principal", _("phó hiệu trưởng")
        TEACHER = "teacher", _("giáo viên")
        NURSE = "nurse", _("nhân viên y tế")
        OTHER = "other", _("nhân viên khác")

    class Qualification(models.TextChoices):
        BELOW = "below", _("chưa đạt chuẩn đào tạo")
        STANDARD = "standard", _("đạt chuẩn")
        ABOVE = "above", _("trên chuẩn")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    role = models.CharField(_("chức vụ"), max_length=20, choices=Role.choices)
    # A subject key from phocap/schools/norms (e.g. "english", "informatics", "class"
    # for a primary class teacher); blank for non-teaching staff.
    subject = models.CharField(_("môn dạy"), max_length=30, blank=True)
    qualification = models.CharField(_("trình độ"), max_length=10,
                                     choices=Qualification.choices,
                                     default=Qualification.STANDARD)
    active = models.BooleanField(_("đang công tác"), default=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="staff")

    objects = ScopedManager("school__commune")

    def __str__(self) -> str:
        return self.full_name


class SchoolClass(models.Model):
    """A class of one school year (e.g. 6A), at one site, with its homeroom teacher."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes")
    site = models.ForeignKey(SchoolSite, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="classes")
    school_year = models.PositiveSmallIntegerField(_("năm học (bắt đầu)"))
    name = models.CharField(_("tên lớp"), max_length=20)
    # The survey's class code without marks: NT, MG3–MG5, 1–12, BT6–BT12.
    grade = models.CharField(_("khối"), max_length=4)
    # Two sessions a day (học 2 buổi/ngày): the staffing norms differ by it (Circular
    # 19/2023 for kindergarten classes; norms.TEACHERS_PER_CLASS). A class not marked
    # otherwise is taken to study two sessions, the higher of the two norms, so a
    # forgotten mark asks more of the school, never less.
    two_sessions = models.BooleanField(_("học 2 buổi/ngày"), default=True)
    homeroom = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="homeroom_classes")

    objects = ScopedManager("school__commune")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "school_year", "name"],
                                               name="class_name_per_school_year")]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year}–{self.school_year + 1})"


class Enrolment(VersionedModel):
    """A pupil on a class list, linked to the household register's person when matched.

    The class list is the school's own record (name, birth date, sex as the school
    writes them); ``person`` is set when it matches a person of the register, so
    the reconciliation page can list pupils without a register entry and
    school-age people without a school.
    """

    klass = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="pupils")
    person = models.ForeignKey("register.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="enrolments")
    pupil_no = models.PositiveSmallIntegerField(_("STT"))
    full_name = models.CharField(_("họ và tên"), max_length=120)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    sex = models.CharField(_("giới tính"), max_length=3)
    ethnicity = models.CharField(_("dân tộc"), max_length=30, blank=True)
    village = models.ForeignKey("register.Village", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="pupils")
    semi_boarding = models.BooleanField(_("bán trú"), default=False)
    distance_km = models.DecimalField(_("nhà cách trường (km)"), max_digits=5,
                                      decimal_places=1, null=True, blank=True)
    repeating = models.BooleanField(_("lưu ban"), default=False)
    # Vietnamese-language preparation (tăng cường tiếng Việt) given this school year: a
    # school's act for a pupil, not a household's answer, so it lives on the class list
    # rather than the survey record (the ministry's template has no column for it).
    # Counted on MN-01-TE row 16 (reports/figures.SCHOOL_SIDE).
    vietnamese_preparation = models.BooleanField(_("tăng cường tiếng Việt"), default=False)
    left_on = models.DateField(_("ngày thôi học"), null=True, blank=True)
    left_reason = models.CharField(_("lý do thôi học"), max_length=120, blank=True)

    objects = ScopedManager("klass__school__commune")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["klass", "pupil_no"],
                                               name="pupil_no_per_class")]

    def __str__(self) -> str:
        return self.full_name
