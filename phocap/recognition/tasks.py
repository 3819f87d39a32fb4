"""Which dossiers wait for whom, and which a reviewer has decided.

The reviewer's queue, the list of their decisions and a unit's home page ask here
(the home through register/hooks.unit_tasks, filled in apps.py): a returned dossier
must reach the staff who resubmit it on the page they land on, and a dossier waiting
for a district's decision the district's home (issue 14: neither did). Who reviews a
dossier is workflow.reviewing; whether this user may is permissions.may_review.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from phocap import numbers
from phocap.accounts.models import User
from phocap.accounts.permissions import (
    covers,
    may_review,
    may_submit,
    recognises_at,
    reviews_dossiers,
)
from phocap.recognition import workflow
from phocap.recognition.models import Dossier
from phocap.register.hooks import Task
from phocap.register.models import AdministrativeUnit

DECIDED = (Dossier.Status.RECOGNISED, Dossier.Status.REFUSED)


def _reviewed_by(user: User, rows: Iterable[Dossier], acting: bool = True) -> list[Dossier]:
    """The dossiers of ``rows`` whose recognising level is this user's; ``acting``: only
    if the user may decide now (a history-only account keeps its past decisions)."""
    level = may_review if acting else recognises_at
    return [d for d in rows if covers(user, d.unit) and level(user, workflow.reviewing(d))]


def awaiting_review(user: User, rows: QuerySet[Dossier] | None = None) -> list[Dossier]:
    """Submitted dossiers this user decides, oldest submission first."""
    if not reviews_dossiers(user):
        return []
    rows = Dossier.objects.all() if rows is None else rows
    return _reviewed_by(user, rows.filter(status=Dossier.Status.SUBMITTED)
                        .select_related("unit__parent__parent").order_by("updated", "pk"))


def decided_by(user: User, rows: QuerySet[Dossier] | None = None) -> list[Dossier]:
    """Dossiers recognised or refused at this user's level, newest decision first."""
    if not reviews_dossiers(user):
        return []
    rows = Dossier.objects.all() if rows is None else rows
    return _reviewed_by(user, rows.filter(status__in=DECIDED)
                        .select_related("unit__parent__parent")
                        .prefetch_related("events").order_by("-updated", "-pk"), acting=False)


def _below(unit: AdministrativeUnit) -> Q:
    return Q(unit=unit) | Q(unit__parent=unit) | Q(unit__parent__parent=unit)


def unit_tasks(user: User, unit: AdministrativeUnit) -> list[Task]:
    """What waits for the user on ``unit``'s page: the unit's returned dossiers (for its
    staff, who resubmit), dossiers of the unit and those below waiting for the user's
    decision, and the unit's own dossiers waiting above (so its staff know)."""
    found: list[Task] = []
    own = Dossier.objects.filter(unit=unit).order_by("-survey_year", "standard")
    if may_submit(user, unit):
        for d in own.filter(status=Dossier.Status.RETURNED):
            found.append(Task(_("Hồ sơ %(standard)s năm %(year)s bị trả lại: xem ý kiến và"
                                " nộp lại") % {"standard": d.standard_name,
                                               "year": numbers.year(d.survey_year)},
                              reverse("dossier", args=[d.pk])))
    for d in awaiting_review(user, Dossier.objects.filter(_below(unit))):
        found.append(Task(_("Chờ bạn xét: hồ sơ %(standard)s năm %(year)s của %(unit)s")
                          % {"standard": d.standard_name, "year": numbers.year(d.survey_year),
                             "unit": d.unit.name}, reverse("dossier", args=[d.pk])))
    if may_submit(user, unit):
        for d in own.filter(status=Dossier.Status.SUBMITTED):
            found.append(Task(_("Hồ sơ %(standard)s năm %(year)s đã nộp, chờ %(reviewer)s xét")
                              % {"standard": d.standard_name, "year": numbers.year(d.survey_year),
                                 "reviewer": workflow.reviewing(d).name},
                              reverse("dossier", args=[d.pk])))
    return found
