"""Thin pages over workflow.py: a unit's dossiers, one dossier, the reviewer's queue and
what they decided.

A dossier carries aggregates only (rates, no person), so every role that covers
the unit reads it, the Ministry viewer included; who may act is
permissions.may_submit and may_review. Outside one's scope a dossier does not
exist (404); inside it, an action of the wrong role is a 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from phocap.accounts.models import User
from phocap.accounts.permissions import (
    covers,
    may_review,
    may_submit,
    reads_whole_units,
    reviews_dossiers,
    sees_people,
)
from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import year_asked, year_shown
from phocap.recognition import printing, tasks, workflow
from phocap.recognition.models import Dossier, DossierEvent
from phocap.register.downloads import PDF, PersonData, download
from phocap.register.results import survey_years
from phocap.register.views.common import breadcrumbs, communes_below, whole_unit
from phocap.reports import pdf
from phocap.reports.dossier import Criterion
from phocap.reports.typeface import MissingGlyphs
from phocap.rules import STANDARD_NAMES_VI
from phocap.rules.words import SHORT_VI, deciding, explained, label, verdict_note

STANDARDS = list(STANDARD_NAMES_VI)


def _criteria(result: dict[str, Any] | None) -> list[dict[str, object]]:
    """The stored criteria, each labelled with the age group it counted and what its mark
    means for the result (rules/words.py)."""
    return [c | {"label": label(c["key"], (int(c["ages"][0]), int(c["ages"][1]))
                                if c.get("ages") else None),
                 "caveat": explained(c["key"], c.get("mark", "law"))}
            for c in (result or {}).get("criteria", [])]


def _verdict_note(snapshot: workflow.Snapshot | None) -> str:
    """Beside a stored level: the marked criteria it rests on, and that it may change."""
    if snapshot is None:
        return ""
    stored = snapshot["result"].get("criteria")
    found = deciding(snapshot["level"], [Criterion.from_json(c) for c in stored]
                     if isinstance(stored, list) else [])
    return verdict_note(found, [c.label for c in found])


def _int(value: str | None, default: int | None = None) -> int | None:
    return int(value) if value and value.strip().isdigit() else default


@login_required
def dossiers(request: AuthedRequest, pk: int) -> HttpResponse:
    """The unit's dossiers by year and standard with their history; its staff submit here."""
    unit = whole_unit(request, pk)
    can_submit = may_submit(request.user, unit)
    if request.method == "POST":
        if not can_submit:
            raise PermissionDenied
        standard = request.POST.get("standard", "")
        year = _int(request.POST.get("survey_year"))
        if standard not in STANDARDS or year is None:
            messages.error(request, _("Hãy chọn tiêu chuẩn và năm điều tra."))
            return redirect("dossier-list", unit.pk)
        try:
            found = workflow.submit(request.user, unit, standard, year,
                                    _int(request.POST.get("level")),
                                    request.POST.get("comment", ""))
        except workflow.Refused as exc:
            messages.error(request, str(exc))
            return redirect("dossier-list", unit.pk)
        messages.success(request, _("Đã nộp hồ sơ."))
        return redirect("dossier", found.pk)
    rows = (Dossier.objects.filter(unit=unit).prefetch_related("events__user")
            .order_by("-survey_year", "standard"))
    years = survey_years(communes_below(unit))
    return render(request, "recognition/dossiers.html", {
        "unit": unit, "breadcrumbs": breadcrumbs(unit, request.user),
        "dossiers": [(d, d.standard_name) for d in rows],
        "can_submit": can_submit,
        "standards": [(key, STANDARD_NAMES_VI.get(key, key)) for key in STANDARDS],
        # The latest year with data (kit/years.py); a year without is refused (workflow).
        "default_year": year_shown(request, years), "years": years,
    })


@login_required
def dossier(request: AuthedRequest, pk: int) -> HttpResponse:
    """History, the submitted result against today's, and the reviewer's or unit's forms."""
    found = get_object_or_404(Dossier.objects.select_related("unit__parent__parent"), pk=pk)
    if not covers(request.user, found.unit):
        raise Http404
    if not reads_whole_units(request.user):
        raise PermissionDenied
    reviews = may_review(request.user, workflow.reviewing(found))
    submits = may_submit(request.user, found.unit)
    if request.method == "POST":
        return _act(request, found, reviews, submits)
    try:
        current: workflow.Snapshot | None = workflow.snapshot_of(
            found.unit, found.standard, found.survey_year)
    except workflow.Refused:
        current = None
    differs = current is None or (current["ruleset"], current["result"]) != (
        found.snapshot["ruleset"], found.snapshot["result"])
    return render(request, "recognition/dossier.html", {
        "dossier": found, "unit": found.unit, "year": found.survey_year,
        "breadcrumbs": breadcrumbs(found.unit, request.user),
        "standard_name": STANDARD_NAMES_VI.get(found.standard, found.standard),
        "events": found.events.select_related("user"),
        "submitted": _criteria(found.snapshot["result"]),
        "submitted_note": _verdict_note(found.snapshot),
        "current_note": _verdict_note(current),
        "current": current, "current_criteria": _criteria(current and current["result"]),
        "differs": differs,
        "authority": printing.authority_of(found.unit, found.standard, found.level_claimed),
        "can_review": reviews and found.status == Dossier.Status.SUBMITTED,
        "can_resubmit": submits and found.status in (Dossier.Status.RETURNED,
                                                     Dossier.Status.REFUSED),
        "levels": range(found.level_claimed, -1, -1),
        "today": dt.date.today(),
    })


@login_required
def dossier_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable dossier: the submitted results, the forms, the name lists, the minutes.

    Whoever reads the dossier page may print it; the name lists (personal data)
    go only to a reader who sees people, and that download is logged.
    """
    found = get_object_or_404(Dossier.objects.select_related("unit__parent__parent"), pk=pk)
    if not covers(request.user, found.unit):
        raise Http404
    if not reads_whole_units(request.user):
        raise PermissionDenied
    content = printing.content_of(found, with_people=sees_people(request.user))
    try:
        data = pdf.render(content)
    except MissingGlyphs as exc:  # a name typed with characters no printed font has
        messages.error(request, _("Không in được hồ sơ: %(reason)s. Hãy sửa các ký tự này"
                                  " trong sổ rồi tải lại.") % {"reason": exc})
        return redirect("dossier", found.pk)
    # The file name an officer keeps and the audit shows, in their words: "tieu-hoc".
    standard = slugify(SHORT_VI.get(found.standard, found.standard))
    name = f"ho-so-{found.unit.code}-{standard}-{found.survey_year}.pdf"
    people = PersonData(request.user, [found.unit], {
        "year": found.survey_year, "dossier": found.pk, "file": name,
        "lists": [f.code for f in content.name_lists],
        "rows": sum(len(f.rows) for f in content.name_lists)}) if content.name_lists else None
    return download(data, name, PDF, people)


def _act(request: AuthedRequest, found: Dossier, reviews: bool, submits: bool) -> HttpResponse:
    action = request.POST.get("action", "")
    comment = request.POST.get("comment", "")
    if action not in ("return", "decide", "resubmit"):
        raise Http404
    if (action == "resubmit" and not submits) or (action != "resubmit" and not reviews):
        raise PermissionDenied
    try:
        if action == "return":
            workflow.return_(request.user, found, comment)
            messages.success(request, _("Đã trả lại hồ sơ."))
        elif action == "resubmit":
            workflow.resubmit(request.user, found, comment)
            messages.success(request, _("Đã nộp lại hồ sơ."))
        else:
            try:
                date = dt.date.fromisoformat(request.POST.get("decision_date", ""))
            except ValueError:
                raise workflow.Refused(_("Ngày quyết định không hợp lệ.")) from None
            level = _int(request.POST.get("level"))
            if level is None:
                raise workflow.Refused(_("Hãy chọn mức được công nhận."))
            workflow.decide(request.user, found, request.POST.get("decision_number", ""), date,
                            request.POST.get("signer", ""), level, comment)
            messages.success(request, _("Đã ghi quyết định."))
    except workflow.Refused as exc:
        messages.error(request, str(exc))
    return redirect("dossier", found.pk)


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    """Dossiers awaiting this reviewer, oldest submission first."""
    user: User = request.user
    if not reviews_dossiers(user):
        raise PermissionDenied
    rows, standard, year = _filtered(request)
    return render(request, "recognition/queue.html", {
        "awaiting": [(d, d.standard_name)
                     for d in tasks.awaiting_review(user, rows)],
        "standard": standard, "year": year, "years": _dossier_years(),
        "standards": [(key, STANDARD_NAMES_VI.get(key, key)) for key in STANDARDS],
    })


@login_required
def decided(request: AuthedRequest) -> HttpResponse:
    """What this reviewer's level recognised or refused: each dossier with its decision
    (number, date, signer, level), filterable by standard and year, so that a province
    can list what it recognised after the queue has emptied (issue 14)."""
    user: User = request.user
    if not reviews_dossiers(user):
        raise PermissionDenied
    rows, standard, year = _filtered(request)
    found = []
    for d in tasks.decided_by(user, rows):
        decision = next((e for e in sorted(d.events.all(), key=lambda e: (e.at, e.pk),
                                           reverse=True)
                         if e.action == DossierEvent.Action.DECIDE), None)
        found.append({"dossier": d, "name": d.standard_name,
                      "decision": decision})
    return render(request, "recognition/decided.html", {
        "decided": found, "standard": standard, "year": year, "years": _dossier_years(),
        "standards": [(key, STANDARD_NAMES_VI.get(key, key)) for key in STANDARDS],
    })


def _filtered(request: AuthedRequest) -> tuple[QuerySet[Dossier], str, int | None]:
    """Dossiers filtered by ?standard= and ?year= (a bad year reads as every year)."""
    rows = Dossier.objects.all()
    standard = request.GET.get("standard", "")
    year = year_asked(request)
    if standard in STANDARDS:
        rows = rows.filter(standard=standard)
    else:
        standard = ""
    if year is not None:
        rows = rows.filter(survey_year=year)
    return rows, standard, year


def _dossier_years() -> list[int]:
    return sorted(set(Dossier.objects.values_list("survey_year", flat=True)), reverse=True)
