"""Plan targets for the mobilisation indicators, and every change made to them.

A district or province adopts, each year, a plan (kế hoạch phổ cập) with the
mobilisation rate it aims at for each age band (docs/rules.md §7); the dashboard
shows how far the register's rates are above or below it. A target is set for
one unit and one survey year; units below without their own target follow the
nearest unit above that has one (see ``targets.resolve``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from phocap.engine.indicators import INDICATORS

MOBILISATION = tuple(i for i in INDICATORS if i.key.startswith("mobilisation."))
INDICATOR_CHOICES = [(i.key, i.label_vi) for i in MOBILISATION]
RATE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class PlanTarget(models.Model):
    """The rate (in percent) a unit plans to reach for one indicator in one survey year."""

    unit = models.ForeignKey("register.AdministrativeUnit", on_delete=models.CASCADE,
                             related_name="plan_targets", verbose_name=_("đơn vị"))
    survey_year = models.PositiveSmallIntegerField(_("năm điều tra"))
    indicator = models.CharField(_("chỉ số"), max_length=40, choices=INDICATOR_CHOICES)
    rate = models.DecimalField(_("tỷ lệ kế hoạch (%)"), max_digits=5, decimal_places=2,
                               validators=RATE_VALIDATORS)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               verbose_name=_("người đặt"))
    set_at = models.DateTimeField(_("lúc đặt"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "survey_year", "indicator"],
                                    name="one_target_per_unit_year_indicator"),
            models.CheckConstraint(condition=models.Q(rate__gte=0) & models.Q(rate__lte=100),
                                   name="target_rate_is_a_percentage"),
        ]
        verbose_name = _("chỉ tiêu kế hoạch")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.survey_year} {self.indicator} {self.rate}"


class PlanTargetChange(models.Model):
    """Who set, changed or removed a target, when, and the rate before and after.

    Kept beside the targets rather than in the register's audit trail: that
    trail is about households and people, and its newest entry is what tells
    whether cached results still hold; a plan target changes no result.
    """

    unit = models.ForeignKey("register.AdministrativeUnit", on_delete=models.CASCADE,
                             related_name="plan_target_changes")
    survey_year = models.PositiveSmallIntegerField(_("năm điều tra"))
    indicator = models.CharField(_("chỉ số"), max_length=40, choices=INDICATOR_CHOICES)
    before = models.DecimalField(_("trước"), max_digits=5, decimal_places=2, null=True)
    after = models.DecimalField(_("sau"), max_digits=5, decimal_places=2, null=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
