"""The household register: units, villages, households, people and their survey years.

A person is stable across years (identity, birth, sex, ethnicity); what the
annual survey records about them (class, completions, dropout, literacy,
disability, moves) lives in one PersonYear per survey year, so opening a new
year never alters the previous one. The survey record of docs/survey-format.md is
exposed by the database view ``survey_record`` (migrations 0002 and
0005), which the engine reads in-database through Ibis.

An open year reads the person's (and household's) current identity; a frozen
year reads the identity pinned on its PersonYear when its dossier was
submitted (recognition/freeze.py), so correcting a name for the open year
never rewrites what a dossier certified.

Households and people carry a version number: an edit made on a stale form is
refused instead of silently overwriting someone else's change.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from phocap.register.locking import VersionedModel
from phocap.register.scope import ScopedManager
from phocap.survey.text import village_named

VINTAGES = [
    ("2025-01-04", _("trước 01/7/2025 (có cấp huyện)")),
    ("2025-07-01", _("từ 01/7/2025 (không có cấp huyện)")),
]


class AdministrativeUnit(models.Model):
    """A province, district or commune of one vintage of the official lists.

    Codes are reused across the 1 July 2025 reorganisation for different
    territory, so a code is unique only within its vintage.
    """

    class Type(models.TextChoices):
        PROVINCE = "province", _("tỉnh")
        DISTRICT = "district", _("huyện")
        COMMUNE = "commune", _("xã")

    vintage = models.CharField(_("danh mục"), max_length=10, choices=VINTAGES)
    code = models.CharField(_("mã"), max_length=5)
    name = models.CharField(_("tên"), max_length=120)
    type = models.CharField(_("cấp"), max_length=10, choices=Type.choices)
    kind = models.CharField(_("loại"), max_length=20)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vintage", "code"], name="unit_code_per_vintage")
        ]
        indexes = [models.Index(fields=["vintage", "type"])]
        verbose_name = _("đơn vị hành chính")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def ancestors(self) -> list[AdministrativeUnit]:
        found, unit = [], self.parent
        while unit is not None:
            found.append(unit)
            unit = unit.parent
        return found


class UnitYear(models.Model):
    """Per commune and survey year: especially difficult (ĐBKK) per the list in force."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="years")
    survey_year = models.PositiveSmallIntegerField(_("năm điều tra"))
    especially_difficult = models.BooleanField(_("xã đặc biệt khó khăn"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "survey_year"], name="one_flag_per_unit_year")
        ]


class Village(models.Model):
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT,
                                related_name="villages")
    name = models.CharField(_("thôn/xóm"), max_length=120)
    # The village of an old commune this one carries on across 1 July 2025
    # (register/crossing.py); the old village keeps its years up to 2024.
    continues = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="continued_by")

    objects = ScopedManager("commune")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="village_name_per_commune")
        ]

    def __str__(self) -> str:
        return self.name


class VillageHome(models.Model):
    """The new commune a village of a split old commune goes to on 1 July 2025.

    The conversion table says only that the old commune went into several new
    ones; which village went where is the officers' decision (register/crossing.py
    refuses to open 2025 while a village of a split commune has none).
    """

    village = models.OneToOneField(Village, on_delete=models.CASCADE, related_name="home")
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT,
                                related_name="village_homes",
                                verbose_name=_("xã mới"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager("village__commune")


class Household(VersionedModel):
    class Residence(models.TextChoices):
        PERMANENT = "thường trú", _("thường trú")
        TEMPORARY = "tạm trú", _("tạm trú")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT,
                                related_name="households")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="households")
    household_no = models.CharField(_("số phiếu"), max_length=20)
    head_name = models.CharField(_("chủ hộ"), max_length=120, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=200, blank=True)
    residence = models.CharField(_("diện cư trú"), max_length=12, choices=Residence.choices,
                                 blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    continues = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="continued_by")

    objects = ScopedManager("commune")

    class Meta:
        constraints = [
            # The ministry numbers households within each village (each village's
            # file starts at 1): two villages of a commune may both have household 1.
            models.UniqueConstraint(fields=["village", "household_no"],
                                    name="household_no_per_village")
        ]

    def __str__(self) -> str:
        return f"{self.household_no} {self.head_name}".strip()

    def unique_error_message(self, model_class: type[models.Model],
                             unique_check: Sequence[str]) -> ValidationError:
        """A form that would give the household a number its village already has says so in
        the words of the register (number_taken), not Django's generic sentence."""
        if tuple(unique_check) == ("village", "household_no"):
            return ValidationError(number_taken(self.village.name, self.household_no),
                                   code="unique_together")
        return super().unique_error_message(model_class, unique_check)


def number_taken(village: str, household_no: str) -> str:
    """Why a household cannot have this number in this village."""
    named = village_named(village)
    return (f"{named[0].upper()}{named[1:]} đã có hộ số {household_no}: trong một thôn mỗi hộ"
            " có một số phiếu riêng. Chọn số phiếu khác hoặc thôn khác.")


class Person(VersionedModel):
    """A stable identity; the yearly survey facts are in PersonYear.

    Across 1 July 2025 a person is two rows (register/crossing.py): the old one,
    under the old commune, keeps the years up to 2024 and is ``superseded``; the
    new one, under the new commune, ``continues`` it from 2025. Both keep the
    national ID, which is unique among current rows only.
    """

    class Sex(models.TextChoices):
        MALE = "nam", _("nam")
        FEMALE = "nữ", _("nữ")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    person_no = models.PositiveSmallIntegerField(_("STT"))
    national_id = models.CharField(_("số định danh"), max_length=12, null=True, blank=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    sex = models.CharField(_("giới tính"), max_length=3, choices=Sex.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=30, blank=True)
    continues = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="continued_by")
    # Carried on under a new commune: its years end in 2024 and it no longer holds
    # its national ID for the register's uniqueness (register/uniqueness.py).
    superseded = models.BooleanField(default=False)

    objects = ScopedManager("household__commune")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "person_no"],
                                    name="person_no_per_household"),
            models.UniqueConstraint(fields=["national_id"],
                                    condition=models.Q(superseded=False),
                                    name="national_id_among_current"),
        ]

    def __str__(self) -> str:
        return self.full_name


class PersonYear(models.Model):
    """What the survey of one year records about one person (docs/survey-format.md)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="years")
    survey_year = models.PositiveSmallIntegerField(_("năm điều tra"))
    residence = models.CharField(max_length=12, blank=True)
    status = models.CharField(_("biến động"), max_length=12, blank=True)
    disability = models.CharField(_("khuyết tật"), max_length=16, blank=True)
    current_class = models.CharField(_("lớp đang học"), max_length=8, blank=True)
    class_level = models.CharField(max_length=30, blank=True)
    class_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    class_repeater = models.BooleanField(default=False)
    class_two_sessions = models.BooleanField(default=False)
    current_school = models.CharField(_("trường đang học"), max_length=30, blank=True)
    preschool_completed = models.PositiveSmallIntegerField(null=True, blank=True)
    primary_completed = models.PositiveSmallIntegerField(null=True, blank=True)
    thcs_graduated = models.PositiveSmallIntegerField(null=True, blank=True)
    thpt_graduated = models.PositiveSmallIntegerField(null=True, blank=True)
    vocational_level = models.CharField(max_length=12, blank=True)
    vocational_completed = models.PositiveSmallIntegerField(null=True, blank=True)
    highest_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    dropout_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    dropout_year = models.PositiveSmallIntegerField(null=True, blank=True)
    literacy_stage = models.PositiveSmallIntegerField(null=True, blank=True)
    literacy_year = models.PositiveSmallIntegerField(null=True, blank=True)
    relapsed = models.BooleanField(_("tái mù"), default=False)
    # What the ministry's form also records (docs/official-files.md): kept per year, as
    # the survey asks it every year, so a frozen year keeps what it was certified with.
    relationship = models.CharField(_("quan hệ với chủ hộ"), max_length=30, blank=True)
    religion = models.CharField(_("tôn giáo"), max_length=30, blank=True)
    priority = models.CharField(_("diện ưu tiên"), max_length=60, blank=True)
    parent_name = models.CharField(_("họ tên cha hoặc mẹ"), max_length=120, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    residence_status = models.CharField(_("tình trạng cư trú"), max_length=30, blank=True)
    status_detail = models.CharField(_("chi tiết hoàn cảnh"), max_length=200, blank=True)
    disability_types = models.CharField(_("dạng khuyết tật"), max_length=120, blank=True)
    disability_certified = models.BooleanField(_("có chứng nhận khuyết tật"), default=False)
    class_name = models.CharField(_("tên lớp"), max_length=10, blank=True)
    continuing = models.BooleanField(_("bổ túc"), default=False)
    school_name = models.CharField(_("tên trường"), max_length=120, blank=True)
    school_district = models.CharField(_("quận/huyện đang học"), max_length=60, blank=True)
    diploma_no = models.CharField(_("số bằng"), max_length=30, blank=True)
    finished_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    finished_year = models.PositiveSmallIntegerField(null=True, blank=True)
    literacy_class = models.PositiveSmallIntegerField(null=True, blank=True)
    literacy_completed = models.PositiveSmallIntegerField(null=True, blank=True)
    relapse_level = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # The identity the year was frozen with (recognition/freeze.py pins and
    # releases it; nothing else writes these). Unpinned, the year reads the
    # person's and household's current values.
    pinned = models.BooleanField(default=False)
    pinned_national_id = models.CharField(max_length=12, null=True, blank=True)
    pinned_full_name = models.CharField(max_length=120, blank=True)
    pinned_birth_date = models.DateField(null=True, blank=True)
    pinned_birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    pinned_sex = models.CharField(max_length=3, blank=True)
    pinned_ethnicity = models.CharField(max_length=30, blank=True)
    pinned_village = models.CharField(max_length=120, blank=True)
    pinned_household_no = models.CharField(max_length=20, blank=True)

    objects = ScopedManager("person__household__commune")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "survey_year"], name="one_record_per_year")
        ]
        indexes = [models.Index(fields=["survey_year"])]


class AuditEntry(models.Model):
    """Who did what to which household or person, when, with the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("tạo")
        UPDATE = "update", _("sửa")
        DELETE = "delete", _("xóa")
        EXPORT = "export", _("xuất dữ liệu cá nhân")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=8, choices=Action.choices)
    model = models.CharField(max_length=30)
    object_id = models.BigIntegerField(null=True)
    commune = models.ForeignKey(AdministrativeUnit, null=True, on_delete=models.SET_NULL)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)

    objects = ScopedManager("commune")

    class Meta:
        indexes = [models.Index(fields=["model", "object_id"])]
        ordering = ["-at", "-id"]

    @property
    def subject(self) -> str:
        """What the entry is about, in words ("theo dõi học sinh", not "followup"):
        ``model`` keeps the model's internal name, which no page shows."""
        return str(SUBJECTS.get(self.model, _("bản ghi")))


# Each audited model's name on a page (AuditEntry.model is the model's internal name);
# tests/web/test_plain_words.py fails on a model of phocap missing here.
SUBJECTS = {
    "user": _("tài khoản"), "unityear": _("thông tin xã theo năm"), "village": _("thôn/xóm"),
    "household": _("hộ"), "person": _("người"), "personyear": _("phiếu năm"),
    "ministryfigures": _("số liệu của Bộ"), "survey_record": _("dữ liệu cá nhân"),
    "administrativeunit": _("đơn vị hành chính"), "villagehome": _("xã mới của thôn"),
    "dossier": _("hồ sơ công nhận"),
    "plantarget": _("chỉ tiêu kế hoạch"), "school": _("trường"),
    "schoolsite": _("điểm trường"), "schoolyearfacts": _("số liệu năm học của trường"),
    "staff": _("cán bộ, giáo viên"), "schoolclass": _("lớp học"),
    "enrolment": _("học sinh trong danh sách lớp"), "monitoringofficer": _("cán bộ theo dõi"),
    "schoolcalendar": _("lịch năm học"), "classday": _("ngày điểm danh"),
    "absence": _("buổi vắng"), "followup": _("theo dõi học sinh"),
    "pupildestination": _("hướng đi sau lớp 9"), "streamingtarget": _("mục tiêu phân luồng"),
    "careerguidanceactivity": _("hoạt động hướng nghiệp"),
    "labourdemand": _("nhu cầu lao động"),
}


class ImportJob(models.Model):
    """One upload on its way into the register: validate, preview, commit.

    An upload is one survey file, or a commune's village files (several at once,
    or a ZIP of them) checked and committed together. The work runs in the
    background (register/jobs.py), so the upload returns at once and the page
    polls this row; the files (``path`` is their folder; ``file_name`` lists
    their names), the typed records and the XLSX validation report are kept
    under VAR_DIR/imports/<id>/. ``village`` names the village of a single
    ministry's workbook when its file name does not.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("đã tải lên")
        VALIDATING = "validating", _("đang kiểm tra")
        INVALID = "invalid", _("có lỗi, chưa nhập được")
        PREVIEWED = "previewed", _("chờ xác nhận ghi vào sổ")
        COMMITTING = "committing", _("đang ghi vào sổ")
        COMMITTED = "committed", _("đã ghi vào sổ")
        FAILED = "failed", _("gặp sự cố")
        REFUSED = "refused", _("bị từ chối")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="import_jobs")
    unit = models.ForeignKey(AdministrativeUnit, null=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("đơn vị của người nhập"))
    communes = models.ManyToManyField(AdministrativeUnit, blank=True, related_name="import_jobs",
                                      verbose_name=_("các xã trong tệp"))
    path = models.CharField(max_length=500)
    file_name = models.TextField(_("tệp"))
    village = models.CharField(_("thôn/xóm"), max_length=120, blank=True)
    survey_year = models.PositiveSmallIntegerField(_("năm điều tra"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices,
                              default=Status.UPLOADED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    errors = models.PositiveIntegerField(_("lỗi"), default=0)
    warnings = models.PositiveIntegerField(_("cảnh báo"), default=0)
    report_path = models.CharField(max_length=500, blank=True)
    preview = models.JSONField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("lần nhập dữ liệu")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class CommuneRevision(models.Model):
    """A counter per commune, raised after every audited change to it (register/revisions.py).

    Cached results are keyed on it (register/results.py).
    """

    commune = models.OneToOneField(AdministrativeUnit, primary_key=True,
                                   on_delete=models.CASCADE, related_name="revision")
    revision = models.PositiveBigIntegerField(default=0)


class ImportRun(models.Model):
    """An import being written on SQLite in short transactions (register/import_runs.py).

    While it exists, its communes are held (ImportHold): other edits of them are
    refused, and what it has written so far can be undone (ImportUndo).
    """

    owner = models.CharField(max_length=200)  # host, process and thread writing it
    survey_year = models.PositiveSmallIntegerField()
    started = models.DateTimeField(auto_now_add=True)


class ImportHold(models.Model):
    """A commune held by an import in progress: one import at a time per commune. Its results
    are read under the revision it had when the import began (register/revisions.py)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="holds")
    commune = models.OneToOneField(AdministrativeUnit, on_delete=models.CASCADE,
                                   related_name="import_hold")
    revision = models.PositiveBigIntegerField()  # the commune's, as the import found it


class ImportUndo(models.Model):
    """How to undo one batch an import wrote: the id ranges it created and the rows it changed,
    as they were, per table."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="undo")
    batch = models.PositiveIntegerField()
    created = models.JSONField()
    before = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "batch"], name="one_undo_per_batch")]


class MinistryFigures(models.Model):
    """The figures the ministry's system (pcgd.moet.gov.vn) reports for one form of a unit
    and year, as an officer typed or uploaded them, kept so that the reconciliation with
    phocap's form (reports/reconcile.py) can be opened again. ``cells`` maps a row code to
    a column key to a count; a cell not entered is absent."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    survey_year = models.PositiveSmallIntegerField(_("năm điều tra"))
    form_code = models.CharField(_("biểu"), max_length=12)
    cells = models.JSONField(_("số liệu của Bộ"), default=dict)
    source = models.CharField(_("nguồn"), max_length=200, blank=True)  # a file's name, or blank
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(_("nhập lúc"), auto_now=True)

    objects = ScopedManager("unit")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "survey_year", "form_code"],
                                    name="ministry_figures_per_unit_year_form")
        ]


class BackgroundTask(models.Model):
    """One piece of long work for the worker process (register/background.py, ``runjobs``).

    The web request only adds a row; a worker claims it with a conditional UPDATE
    (queued → running, naming itself in ``claimed_by``), so two workers never run
    the same task, and keeps ``heartbeat_at`` and the progress fresh while it runs.
    A task whose worker died is queued again or failed (background.reclaim).
    ``kind`` names the work (background.KINDS) and ``subject`` the row it is about.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("đang chờ")
        RUNNING = "running", _("đang chạy")
        DONE = "done", _("xong")
        FAILED = "failed", _("gặp sự cố")

    kind = models.CharField(max_length=40)
    subject = models.BigIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)  # claims so far
    claimed_by = models.CharField(max_length=200, blank=True)  # "host pid" of the worker
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "id"]),
                   models.Index(fields=["kind", "subject"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({self.status})"
