"""The survey round of a commune and year: who walks to which households, what they found.

Every year each commune surveys every household (reference date 30 September). The
roll-over has already written each household's predicted record for the year
(register/rollover.py), so a visit only says whether that record holds: unchanged,
changed (the surveyor corrects it on the household's own pages), or the household was
not found. A round is opened by the commune's staff once the year exists, its villages
or households assigned to surveyors, and closed when everyone was visited.

Rows a surveyor changes carry the one optimistic lock (register/locking.py); every
change is written by register/audit.py. A visit replaced by a later one survives in
the audit trail, not as a second row: the register keeps one current visit per
household and round, which is what the progress counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phocap.register.locking import VersionedModel
from phocap.register.scope import ScopedManager


class SurveyRound(VersionedModel):
    """One commune's survey of one year; open until ``closed_at``."""

    commune = models.ForeignKey("register.AdministrativeUnit", on_delete=models.PROTECT,
                                related_name="survey_rounds")
    survey_year = models.PositiveSmallIntegerField(_("năm điều tra"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateField(_("hạn hoàn thành"))
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager("commune")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "survey_year"],
                                               name="one_round_per_commune_and_year")]

    def __str__(self) -> str:
        return f"{self.commune} {self.survey_year}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Assignment(models.Model):
    """A surveyor's share of a round: a whole village, or one household (one row each, so
    that the audit's snapshot of a row says all of it)."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="assignments", verbose_name=_("điều tra viên"))
    village = models.ForeignKey("register.Village", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("register.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager("round__commune")

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(village__isnull=False, household__isnull=True)
            | models.Q(village__isnull=True, household__isnull=False),
            name="a_village_or_a_household")]


class Visit(VersionedModel):
    """The current visit of a household in a round (a later one replaces it, audited)."""

    class Outcome(models.TextChoices):
        UNCHANGED = "unchanged", _("không thay đổi")
        CHANGED = "changed", _("có thay đổi")
        NOT_FOUND = "not_found", _("không gặp / không tìm thấy hộ")

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey("register.Household", on_delete=models.PROTECT,
                                  related_name="+")
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    at = models.DateTimeField(_("thời điểm"))
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    objects = ScopedManager("round__commune")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "household"],
                                               name="one_current_visit_per_household")]


class SyncedChange(models.Model):
    """A change a client sent with its own id, kept so the same id sent again (a sync that
    dropped after the server recorded it) is answered with what was done, not done twice."""

    client_id = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="+")
    received = models.DateTimeField(auto_now_add=True)
    answer = models.JSONField()

    objects = ScopedManager("round__commune")


class Reminder(models.Model):
    """A message from the district or province to a commune late with its round."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="reminders")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    sent = models.DateTimeField(auto_now_add=True)
    text = models.CharField(_("nội dung"), max_length=500)

    objects = ScopedManager("round__commune")
