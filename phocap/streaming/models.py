"""Streaming after lower secondary and career guidance: what offices record.

A destination belongs to one pupil of a grade-9 class list (schools.Enrolment),
hence to the register's person when the class list is linked, and is kept by
the school's own staff. Targets belong to a province. Career-guidance
activities belong to a school, labour-demand survey entries to the commune
where the employer is; both are scoped through that commune like every other
record, so the audit trail files them under it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from phocap.register.locking import VersionedModel
from phocap.register.scope import ScopedManager
from phocap.streaming.rates import Destination, Stream

DESTINATION_CHOICES = [
    (Destination.UPPER_SECONDARY.value, _("học THPT (lớp 10)")),
    (Destination.CONTINUING.value, _("học GDTX cấp THPT")),
    (Destination.VOCATIONAL_INTERMEDIATE.value, _("học trung cấp")),
    (Destination.VOCATIONAL_ELEMENTARY.value, _("học sơ cấp")),
    (Destination.COLLEGE_9PLUS.value, _("học cao đẳng hệ 9+")),
    (Destination.REPEATING.value, _("học lại lớp 9")),
    (Destination.WORKING.value, _("đi làm")),
    (Destination.UNKNOWN.value, _("chưa rõ")),
]
STREAM_CHOICES = [
    (Stream.UPPER_SECONDARY.value, _("vào THPT")),
    (Stream.CONTINUING.value, _("vào GDTX cấp THPT")),
    (Stream.VOCATIONAL.value, _("vào học nghề")),
    (Stream.WORKING.value, _("đi làm")),
    (Stream.UNKNOWN.value, _("chưa rõ")),
]


class PupilDestination(VersionedModel):
    """Where one grade-9 pupil went after the school year, as the school confirmed it.

    ``suggested`` keeps what the register proposed when the officer confirmed,
    so a correction of the register's suggestion stays visible.
    """

    enrolment = models.OneToOneField("schools.Enrolment", on_delete=models.CASCADE,
                                     related_name="destination")
    destination = models.CharField(_("hướng đi sau lớp 9"), max_length=30,
                                   choices=DESTINATION_CHOICES)
    graduated = models.BooleanField(_("tốt nghiệp THCS"), default=True)
    suggested = models.CharField(_("gợi ý từ sổ điều tra"), max_length=30, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager("enrolment__klass__school__commune")

    class Meta:
        verbose_name = _("hướng đi sau lớp 9")


class StreamingTarget(models.Model):
    """A province's target for one stream in one school year, for normal or ĐBKK communes.

    Where a province set none, the historic national target applies
    (rates.HISTORIC_TARGETS), shown as such.
    """

    province = models.ForeignKey("register.AdministrativeUnit", on_delete=models.CASCADE,
                                 related_name="streaming_targets")
    school_year = models.PositiveSmallIntegerField(_("năm học (bắt đầu)"))
    stream = models.CharField(_("luồng"), max_length=20, choices=STREAM_CHOICES)
    especially_difficult = models.BooleanField(_("áp dụng cho xã ĐBKK"), default=False)
    # Hundredths of a percent (4000 is 40%): exact, and JSON-safe in the audit trail,
    # which a Decimal is not.
    hundredths = models.PositiveIntegerField(_("mục tiêu (phần trăm nhân 100)"),
                                             validators=[MaxValueValidator(10000)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province", "school_year", "stream",
                                            "especially_difficult"],
                                    name="one_streaming_target_per_kind"),
            models.CheckConstraint(condition=models.Q(hundredths__lte=10000),
                                   name="streaming_target_is_a_percentage"),
        ]
        verbose_name = _("mục tiêu phân luồng")

    @property
    def rate(self) -> Decimal:
        return Decimal(self.hundredths) / 100


class CareerGuidanceActivity(VersionedModel):
    """One career-guidance (hướng nghiệp) activity a school held."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE,
                               related_name="career_guidance")
    school_year = models.PositiveSmallIntegerField(_("năm học (bắt đầu)"))
    held_on = models.DateField(_("ngày"))
    title = models.CharField(_("nội dung"), max_length=200)
    grades = models.CharField(_("khối lớp"), max_length=30,
                              help_text=_("ví dụ: 8, 9"))
    participants = models.PositiveIntegerField(_("số học sinh tham gia"))
    partners = models.CharField(_("trường nghề, doanh nghiệp phối hợp"), max_length=300,
                                blank=True)

    objects = ScopedManager("school__commune")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("hoạt động hướng nghiệp")


class LabourDemand(VersionedModel):
    """An employer's answer to a labour-demand survey: workers wanted in one trade."""

    class Qualification(models.TextChoices):
        NONE = "none", _("lao động phổ thông")
        ELEMENTARY = "elementary", _("sơ cấp")
        INTERMEDIATE = "intermediate", _("trung cấp")
        COLLEGE = "college", _("cao đẳng")
        UNIVERSITY = "university", _("đại học trở lên")

    commune = models.ForeignKey("register.AdministrativeUnit", on_delete=models.PROTECT,
                                related_name="labour_demand")
    survey_year = models.PositiveSmallIntegerField(_("năm khảo sát"))
    employer = models.CharField(_("doanh nghiệp, cơ sở"), max_length=200)
    trade = models.CharField(_("ngành nghề"), max_length=120)
    workers_wanted = models.PositiveIntegerField(_("số lao động cần tuyển"))
    qualification = models.CharField(_("trình độ yêu cầu"), max_length=20,
                                     choices=Qualification.choices)

    objects = ScopedManager("commune")

    class Meta:
        ordering = ["trade", "employer", "id"]
        verbose_name = _("nhu cầu lao động")
