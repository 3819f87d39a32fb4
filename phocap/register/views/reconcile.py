"""One form of a unit beside the ministry's figures for it: the difference of each cell and
the people who explain it (reports/reconcile.py), and where the officer enters those
figures, typed row by row or as the forms' workbook.

Reading follows the forms' scope (whole units; the ministry viewer sees counts). The
people behind a difference are named only on a commune's page, for the roles that read
people, and that list is a bulk read of personal data, logged like a name list
(audit.exported). Entering figures is the commune staff's, like every change.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from phocap.accounts.permissions import may_edit, sees_people
from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import year_shown
from phocap.register import audit, freezing, reconciling, uploads
from phocap.register.freezing import Frozen
from phocap.register.models import AdministrativeUnit
from phocap.register.reporting import cached_forms
from phocap.register.results import survey_years
from phocap.register.views.common import breadcrumbs, communes_below, whole_unit
from phocap.reports import ministry
from phocap.reports.forms import CODES
from phocap.reports.model import Form
from phocap.reports.reconcile import Comparison, Explanation, column_label, counted_columns
from phocap.survey.problems import Problem, ProblemsFound, refused

MAX_BYTES = 5 * 1024 * 1024
"""The forms' workbook is a few hundred kilobytes: far below a survey file's bounds."""
MAX_EXPANDED = 64 * 1024 * 1024


def _typed(request: AuthedRequest, form: Form) -> dict[str, dict[str, int]]:
    """The figures typed on the page, one input per count cell (``c:row:column``);
    ProblemsFound names each row and column whose figure is no count."""
    cells: dict[str, dict[str, int]] = {}
    problems: list[Problem] = []
    for row in form.rows:
        for column in counted_columns(form):
            raw = request.POST.get(f"c:{row.code}:{column.key}", "")
            try:
                value = ministry.count(raw)
            except ValueError:
                problems.append(ministry.not_a_count("", raw, column=column.key,
                                                     header=column_label(column),
                                                     row_label=row.label))
                continue
            if value is not None:
                cells.setdefault(row.code, {})[column.key] = value
    if problems:
        raise ProblemsFound(problems)
    return cells


def _entered(request: AuthedRequest, unit: AdministrativeUnit, year: int, code: str) -> None:
    """Keep what the officer sent, or raise ProblemsFound and keep nothing."""
    forms = cached_forms(unit, year)["forms"]
    upload = request.FILES.get("file")
    if upload is not None:
        bounds = uploads.limits(max_bytes=MAX_BYTES, max_expanded=MAX_EXPANDED)
        with uploads.held(upload, bounds, "bieu-mau.xlsx") as path:
            source = path.name
            found = ministry.read_workbook(path, forms, bounds)
    else:
        source = ""
        form = next(f for f in forms if f.code == code)
        found = {code: _typed(request, form)}
    try:
        with transaction.atomic():
            for form_code, cells in found.items():
                reconciling.save(request.user, unit, year, form_code, cells, source)
    except Frozen as frozen:
        raise refused(source, str(frozen), "frozen") from None


def _explanation(explanation: Explanation, names: bool,
                 links: dict[tuple[str, str, str, int], int]) -> dict[str, object]:
    people = [{"person": p, "side": side, "pk": links.get(p.key) if names else None}
              for side, group in (("ours", explanation.ours_only),
                                  ("theirs", explanation.theirs_only))
              for p in group]
    return {"rule": explanation.rule, "accepted": explanation.accepted,
            "exact": explanation.exact, "effect": explanation.effect,
            "people": people if names else [], "count": len(people)}


def _rows(cells: list[Comparison], names: bool,
          links: dict[tuple[str, str, str, int], int]) -> list[dict[str, object]]:
    return [{"cell": c, "explanations": [_explanation(e, names, links) for e in c.explanations]}
            for c in cells]


def _grid(form: Form, comparisons: dict[tuple[str, str], Comparison],
          posted: QueryDict | None) -> list[dict[str, object]]:
    """The entry table: a row per form row, an input per count cell holding the ministry's
    figure (as kept, or as just sent when it was refused), phocap's figure as its hint."""
    grid = []
    for row in form.rows:
        cells: list[dict[str, object]] = []
        for column in counted_columns(form):
            name = f"c:{row.code}:{column.key}"
            cell = comparisons.get((row.code, column.key))
            if cell is None:  # no count here: a rate row, or a cell the form leaves empty
                cells.append({"name": "", "title": column_label(column), "ours": None,
                              "value": ""})
                continue
            value = posted.get(name, "") if posted else (
                "" if cell.theirs is None else str(cell.theirs))
            cells.append({"name": name, "title": column_label(column), "ours": cell.ours,
                          "value": value})
        grid.append({"label": row.label, "total": row.total, "cells": cells})
    return grid


@login_required
@require_http_methods(["GET", "POST"])
def reconcile(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    unit = whole_unit(request, pk)
    if code not in CODES:
        raise Http404
    year = year_shown(request, survey_years(communes_below(unit)))
    may_enter = may_edit(request.user, unit)
    problems: list[Problem] = []
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied
        try:
            _entered(request, unit, year, code)
        except ProblemsFound as found:
            problems = found.problems
        else:
            messages.success(request, _("Đã lưu số liệu của Bộ."))
            return redirect(reverse("unit-form-reconcile", args=[unit.pk, code])
                            + f"?year={year}")
    result = reconciling.reconciliation(unit, year, code)
    if result is None:
        raise Http404
    names = unit.type == AdministrativeUnit.Type.COMMUNE and sees_people(request.user)
    people = [p for c in result.differing for e in c.explanations
              for p in (*e.ours_only, *e.theirs_only)]
    links = reconciling.person_links(request.user, people) if names and people else {}
    if names and people:  # the names on this page are the same read as a name list
        audit.exported(request.user, unit, {"year": year, "form": code, "rows": len(people),
                                            "page": "reconcile"})
    kept = reconciling.stored(unit, year, code)
    differing = result.differing
    return render(request, "register/reconcile.html", {
        "unit": unit, "year": year, "breadcrumbs": breadcrumbs(unit, request.user),
        "form": result.form, "kept": kept, "may_enter": may_enter, "problems": problems,
        "frozen": freezing.frozen(unit, year) if may_enter else None,
        "names": names, "rows": _rows(result.entered, names, links),
        "entered": len(result.entered), "differing": len(differing),
        "explained": sum(1 for c in differing if c.unexplained == 0),
        "grid": _grid(result.form, {(c.row_code, c.column_key): c for c in result.cells},
                      request.POST if problems and "file" not in request.FILES else None),
        "columns": [" ".join(c.header[-2:]) for c in counted_columns(result.form)],
    }, status=400 if problems else 200)
