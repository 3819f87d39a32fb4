"""The mobilisation dashboard against plan targets, its target history, and trends.

Scope as on the results pages: a unit is shown to whoever covers it
(permissions.covers; the ministry viewer sees every unit's aggregates). Figures are
aggregates from the engine, never a person. Only the unit's own planning staff
may change its targets (permissions.may_set_targets).
"""

from __future__ import annotations

from fractions import Fraction
from typing import NotRequired, TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BoundField
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from phocap import numbers
from phocap.accounts.permissions import may_set_targets
from phocap.accounts.requests import AuthedRequest
from phocap.dashboard import trends as trend
from phocap.dashboard.compare import Comparison
from phocap.dashboard.forms import TargetsForm
from phocap.dashboard.models import MOBILISATION, PlanTargetChange
from phocap.dashboard.targets import Resolved, resolve, set_targets
from phocap.engine.result import UnitResult
from phocap.kit import empty
from phocap.kit.targets import Wording, against_target
from phocap.kit.years import ruled_years, year_shown
from phocap.register.models import AdministrativeUnit
from phocap.register.results import cached_results, survey_years
from phocap.register.views.common import (
    breadcrumbs,
    communes_below,
    unit_in_scope,
)

# The dashboard's sentence (kit/targets.py), e.g. "cao hơn kế hoạch 1,1 điểm".
WORDING = Wording(
    no_target=gettext_lazy("chưa đặt kế hoạch"),
    not_applicable=gettext_lazy("không áp dụng (không có trẻ trong độ tuổi)"),
    equal=gettext_lazy("bằng kế hoạch"),
    above=gettext_lazy("cao hơn kế hoạch %(points)s điểm"),
    below=gettext_lazy("thấp hơn kế hoạch %(points)s điểm"),
)


class FigureRow(TypedDict):
    """An indicator's line of the mobilisation table."""

    key: str
    label: str
    numerator: int
    denominator: int
    rate: str
    rate_sort: str
    target: str
    inherited_from: AdministrativeUnit | None
    sign: str
    words: str
    delta: str
    field: NotRequired[BoundField]  # the target's input, for a user who may set it


def _figures(unit: AdministrativeUnit, result: UnitResult | None,
             targets: dict[tuple[int, str], Resolved]) -> list[FigureRow]:
    """Per indicator: counts, rate, the target that applies, where it comes from, the words."""
    indicators = result.indicators if result else {}
    rows: list[FigureRow] = []
    for indicator in MOBILISATION:
        counts = indicators.get(indicator.key)
        resolved = targets.get((unit.pk, indicator.key))
        comparison = Comparison(counts.numerator if counts else 0,
                                counts.denominator if counts else 0,
                                resolved.rate if resolved else None)
        sign, words = against_target(comparison.rate_pct, comparison.target, WORDING)
        rows.append({
            "key": indicator.key, "label": indicator.label_vi,
            "numerator": comparison.numerator, "denominator": comparison.denominator,
            "rate": numbers.rate(comparison.numerator, comparison.denominator),
            "rate_sort": "" if comparison.rate_pct is None else repr(float(comparison.rate_pct)),
            "target": numbers.target(resolved.rate if resolved else None),
            "inherited_from": resolved.set_by_unit if resolved and resolved.inherited_by(unit)
            else None,
            "sign": sign, "words": words,
            "delta": _delta(comparison.points) if resolved else "",
        })
    return rows


def _delta(points: Fraction | None) -> str:
    """The difference in a table cell: "+1,1", "−2,35", "±0"."""
    if points is None:
        return ""
    if points == 0:
        return "±0"
    return ("+" if points > 0 else "−") + numbers.difference(points)


def _initial(unit: AdministrativeUnit, targets: dict[tuple[int, str], Resolved]) -> dict[str, str]:
    """The unit's own targets as it would type them ("50,5"); inherited ones stay empty."""
    return {key: numbers.decimal(r.rate, trim=True) for (pk, key), r in targets.items()
            if pk == unit.pk and not r.inherited_by(unit)}


@login_required
def mobilisation(request: AuthedRequest, pk: int) -> HttpResponse:
    """The mobilisation rates of a unit and its units below against the year's plan;
    the unit's planning staff enter the targets here (POST)."""
    found = unit_in_scope(request, pk)
    communes = communes_below(found)
    # A plan's targets are set ahead of the survey they measure: every year the rules
    # cover, opening on the newest surveyed.
    year = year_shown(request, ruled_years(),
                      opens_on=survey_years(communes))
    allowed = may_set_targets(request.user, found)
    form = None
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        form = TargetsForm(request.POST)
        if form.is_valid():
            changes = set_targets(request.user, found, year, form.rates())
            messages.success(request, ngettext(
                "Đã lưu kế hoạch năm %(year)s: %(count)s chỉ tiêu thay đổi.",
                "Đã lưu kế hoạch năm %(year)s: %(count)s chỉ tiêu thay đổi.",
                len(changes)) % {"year": year, "count": len(changes)})
            return redirect(f"{reverse('dashboard-mobilisation', args=[found.pk])}?year={year}")
    evaluation = cached_results(found, year)
    by_code = {u.code: u for u in evaluation.units}
    children = list(AdministrativeUnit.objects.filter(parent=found)
                    .select_related("parent__parent").order_by("code"))
    targets = resolve([found, *children], year)
    if allowed and form is None:
        form = TargetsForm(initial=_initial(found, targets))
    rows = _figures(found, by_code.get(found.code), targets)
    if form is not None:
        for row in rows:
            row["field"] = form[row["key"]]
    inherited = {r["inherited_from"] for r in rows if r["inherited_from"] is not None}
    return render(request, "dashboard/mobilisation.html", {
        "unit": found, "year": year, "years": survey_years(communes),
        "breadcrumbs": breadcrumbs(found, request.user),
        "has_data": found.code in by_code and any(r["denominator"] for r in rows),
        "rows": rows, "form": form, "inherited_from": sorted(inherited, key=lambda u: u.code),
        "children": [{"unit": child, "figures": _figures(child, by_code.get(child.code), targets)}
                     for child in children],
        "short_names": [trend.MOBILISATION_SHORT[i.key] for i in MOBILISATION],
    }, status=400 if form is not None and form.is_bound else 200)


@login_required
def target_history(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every change of the unit's plan targets: who, when, before and after."""
    found = unit_in_scope(request, pk)
    labels = {i.key: i.label_vi for i in MOBILISATION}
    changes = [
        {"change": c, "label": labels.get(c.indicator, c.indicator),
         "before": numbers.target(c.before), "after": numbers.target(c.after)}
        for c in PlanTargetChange.objects.filter(unit=found).select_related("user")[:500]
    ]
    return render(request, "dashboard/target_history.html", {
        "unit": found, "breadcrumbs": breadcrumbs(found, request.user), "changes": changes,
    })


@login_required
def trends(request: AuthedRequest, pk: int) -> HttpResponse:
    """Levels, criteria rates with their thresholds, and mobilisation over every survey year
    the unit has data, as charts and as tables."""
    found = unit_in_scope(request, pk)
    years = sorted(survey_years(communes_below(found)))
    per_year: trend.YearResults = {}
    for year in years:
        evaluation = cached_results(found, year)
        per_year[year] = next((u for u in evaluation.units if u.code == found.code), None)
    child = AdministrativeUnit.objects.filter(parent=found).first()
    partial = [(year, empty.coverage(*own.coverage, child.type if child else "commune"))
               for year, own in per_year.items()
               if own is not None and own.partial and own.coverage is not None]
    return render(request, "dashboard/trends.html", {
        "unit": found, "years": years, "year": years[-1] if years else None,
        "partial": partial,
        "breadcrumbs": breadcrumbs(found, request.user),
        "levels": trend.levels_chart(years, per_year),
        "criteria": trend.criteria_charts(years, per_year),
        "mobilisation": trend.mobilisation_chart(years, per_year),
    })
