"""A unit's dossier for one standard and survey year, and every step of its review.

The dossier keeps the engine's result it was submitted (and decided) on, as
JSON: a decision certifies that result, so a later change in the register, or
a new ruleset, cannot silently change what was recognised (TT07 Art 9: the
recognising level inspects the dossier and the register it was built from).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phocap.rules import STANDARD_NAMES_VI


class Dossier(models.Model):
    """One unit, one standard, one survey year: at most one dossier, whatever its history."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("chưa nộp")
        SUBMITTED = "submitted", _("đã nộp, chờ xét")
        RETURNED = "returned", _("bị trả lại")
        RECOGNISED = "recognised", _("đã công nhận")
        REFUSED = "refused", _("không công nhận")

    unit = models.ForeignKey("register.AdministrativeUnit", on_delete=models.PROTECT,
                             related_name="dossiers", verbose_name=_("đơn vị"))
    standard = models.CharField(_("tiêu chuẩn"), max_length=20)
    survey_year = models.PositiveSmallIntegerField(_("năm điều tra"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    level_claimed = models.PositiveSmallIntegerField(_("mức đề nghị"))
    level_granted = models.PositiveSmallIntegerField(_("mức được công nhận"), null=True,
                                                     blank=True)
    # {"ruleset": …, "year": …, "level": …, "result": the unit's standard result}
    snapshot = models.JSONField(_("kết quả tính khi nộp"))
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "standard", "survey_year"],
                                    name="one_dossier_per_unit_standard_year")
        ]
        indexes = [models.Index(fields=["status", "updated"])]
        verbose_name = _("hồ sơ công nhận")

    def __str__(self) -> str:
        return f"{self.unit.name} {self.standard} {self.survey_year}"

    @property
    def standard_name(self) -> str:
        """The standard as officers name it ("Phổ cập giáo dục tiểu học"), never its key:
        every sentence about a dossier reads it here."""
        return STANDARD_NAMES_VI.get(self.standard, self.standard)


class DossierEvent(models.Model):
    """A submission, a return with comments or a decision, with the result it saw."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("nộp hồ sơ")
        RETURN = "return", _("trả lại")
        RESUBMIT = "resubmit", _("nộp lại")
        DECIDE = "decide", _("ra quyết định")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(_("thao tác"), max_length=10, choices=Action.choices)
    comment = models.TextField(_("ý kiến"), blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    signer = models.CharField(_("người ký"), max_length=120, blank=True)
    level_granted = models.PositiveSmallIntegerField(_("mức được công nhận"), null=True,
                                                     blank=True)
    snapshot = models.JSONField(_("kết quả tính lúc đó"))

    class Meta:
        ordering = ["at", "id"]
