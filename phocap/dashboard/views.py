"""The mobilisation dashboard against plan targets, its target history, and trends.

Scope as on the results pages: a unit is shown to whoever covers it
(permissions.covers; the ministry viewer sees every unit's aggregates). Figures are
aggregates from the engine, never a person. Only the unit's own planning staff
may change its targets (permissions.may_set_targets).

Both the trends and the mobilisation page read a unit's year through
register/series.py: a new commune's or province's years before 2025 are its
predecessors' counts added up, marked approximate where one was split or has no
data; an old unit's series stops at 2024 and names the units that continue it.
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
from phocap.accounts.permissions import covers, may_set_targets
from phocap.accounts.requests import AuthedRequest
from phocap.dashboard import trends as trend
from phocap.dashboard.compare import Comparison
from phocap.dashboard.forms import TargetsForm
from phocap.dashboard.models import MOBILISATION, PlanTargetChange
from phocap.dashboard.targets import Resolved, resolve, set_targets
from phocap.kit import empty
from phocap.kit.targets import Wording, against_target
from phocap.kit.years import ruled_years, year_shown
from phocap.register import series
from phocap.register.models import AdministrativeUnit
from phocap.register.views.common import (
    breadcrumbs,
    unit_in_scope,
    updating_page,
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


def _figures(unit: AdministrativeUnit, figures: series.Figures,
             targets: dict[tuple[int, str], Resolved]) -> list[FigureRow]:
    """Per indicator: counts, rate, the target that applies, where it comes from, the words;
    the rate marked approximate when the year's figures are (register/series.py)."""
    indicators = figures.result.indicators if figures.result else {}
    approximate = numbers.approximate if figures.approximate else str
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
            "rate": approximate(numbers.rate(comparison.numerator, comparison.denominator)),
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
    surveyed = sorted(series.years(found), reverse=True)
    # A plan's targets are set ahead of the survey they measure: every year the rules
    # cover, opening on the newest surveyed.
    year = year_shown(request, ruled_years(), opens_on=surveyed)
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
    own = series.figures(found, year)
    children = list(AdministrativeUnit.objects.filter(parent=found)
                    .select_related("parent__parent").order_by("code"))
    below = series.below(found, year, children)
    targets = resolve([found, *children], year)
    if allowed and form is None:
        form = TargetsForm(initial=_initial(found, targets))
    rows = _figures(found, own, targets)
    if form is not None:
        for row in rows:
            row["field"] = form[row["key"]]
    inherited = {r["inherited_from"] for r in rows if r["inherited_from"] is not None}
    return render(request, "dashboard/mobilisation.html", {
        "unit": found, "year": year, "years": surveyed,
        "breadcrumbs": breadcrumbs(found, request.user),
        "has_data": own.result is not None and any(r["denominator"] for r in rows),
        "rows": rows, "form": form, "inherited_from": sorted(inherited, key=lambda u: u.code),
        "children": [{"unit": child, "figures": _figures(child, below[child.pk], targets),
                      "notes": trend.notes(below[child.pk])} for child in children],
        "short_names": [trend.MOBILISATION_SHORT[i.key] for i in MOBILISATION],
        **_crossing(request, found, [own]),
    }, status=400 if form is not None and form.is_bound else 200)


def _crossing(request: AuthedRequest, unit: AdministrativeUnit,
              found: list[series.Figures]) -> dict[str, object]:
    """What a page says about the line of 1 July 2025: the predecessors a new unit's years
    before it are summed from, each approximate year's reasons, and, for an old unit, the
    new units that continue it (linked where the user covers them)."""
    summed = {u.pk: u for f in found for u in f.summed_from}
    return {
        "reorganised": trend.REORGANISED, "approximate_mark": numbers.APPROXIMATE,
        "summed_from": sorted(summed.values(), key=lambda u: u.code),
        "summed_years": [f.year for f in found if f.summed_from],
        "approximate_notes": [(f.year, trend.notes(f)) for f in found if f.approximate],
        "continued_by": [(u, covers(request.user, u)) for u in series.continued_by(unit)],
    }


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
@updating_page
def trends(request: AuthedRequest, pk: int) -> HttpResponse:
    """Levels, criteria rates with their thresholds, and mobilisation over every survey year
    the unit has data, as charts and as tables; a new unit's years before 2025 summed from
    its predecessors (register/series.py)."""
    found = unit_in_scope(request, pk)
    years = series.years(found)
    figures = [series.figures(found, year) for year in years]
    per_year: trend.YearResults = {f.year: f.result for f in figures}
    approximate = frozenset(f.year for f in figures if f.approximate)
    child = AdministrativeUnit.objects.filter(parent=found).first()
    below = child.type if child else "commune"
    partial = [(f.year, empty.coverage(*f.result.coverage, "district" if f.summed_from
                                       and found.type == "province" else below))
               for f in figures
               if f.result is not None and f.result.partial and f.result.coverage is not None]
    levels = trend.levels_chart(years, per_year, approximate)
    criteria = trend.criteria_charts(years, per_year, approximate)
    mobilisation_chart = trend.mobilisation_chart(years, per_year, approximate)
    trend.mark_divide([levels, *criteria, mobilisation_chart], years)
    before = [y for y in years if y < series.FIRST_YEAR_AFTER]
    return render(request, "dashboard/trends.html", {
        "unit": found, "years": years, "year": years[-1] if years else None,
        "year_heads": [numbers.approximate(numbers.year(y)) if y in approximate
                       else numbers.year(y) for y in years],
        "before_after": (len(before), len(years) - len(before))
        if before and len(before) < len(years) else None,
        "partial": partial,
        "breadcrumbs": breadcrumbs(found, request.user),
        "levels": levels, "criteria": criteria, "mobilisation": mobilisation_chart,
        **_crossing(request, found, figures),
    })
