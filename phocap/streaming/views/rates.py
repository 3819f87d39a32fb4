"""The streaming rates of a unit and the units or schools below it, against the targets.

Aggregates only (counts of pupils, never a name), so whoever covers the unit
reads it, the ministry viewer included, as on the results pages.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TypedDict

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from phocap import numbers
from phocap.accounts.requests import AuthedRequest
from phocap.kit.targets import against_target
from phocap.kit.years import year_shown
from phocap.register.views.common import breadcrumbs, communes_below, unit_in_scope
from phocap.schools.scope import schools_for
from phocap.streaming.figures import Figures, UnitFigures, province_of
from phocap.streaming.models import STREAM_CHOICES
from phocap.streaming.rates import HISTORIC_SOURCE, TARGETED, Stream, gap
from phocap.streaming.views.common import WORDING, school_years

LABELS = dict(STREAM_CHOICES)


class Row(TypedDict):
    """A unit's line of the rates table: its figures and, per stream, the cells shown."""

    figures: Figures
    graduates: int
    not_graduated: int
    not_entered: int
    streams: list[dict[str, object]]


def _row(figures: Figures) -> Row:
    found = figures.tally
    streams: list[dict[str, object]] = []
    for stream in Stream:
        rate = found.rate(stream)
        target = figures.targets.get(stream)
        sign, words = against_target(rate, target, WORDING, str(LABELS[stream.value]))
        streams.append({
            "key": stream.value, "label": LABELS[stream.value], "count": found.count(stream),
            "rate": numbers.points(rate), "target": numbers.target(target),
            "targeted": stream in TARGETED, "sign": sign, "words": words,
            "rate_sort": "" if rate is None else repr(float(rate)),
            "delta": _delta(gap(rate, target)),
        })
    return {"figures": figures, "graduates": found.graduate_count,
            "not_graduated": found.not_graduated, "not_entered": found.not_entered,
            "streams": streams}


def _delta(points: Fraction | None) -> str:
    """The difference in a table cell: "+1,1", "−12,5", "±0"."""
    if points is None:
        return ""
    if points == 0:
        return "±0"
    return ("+" if points > 0 else "−") + numbers.difference(points)


@login_required
def rates(request: AuthedRequest, pk: int) -> HttpResponse:
    found = unit_in_scope(request, pk)
    communes = communes_below(found)
    year = year_shown(request, school_years(communes), school=True)
    figures = UnitFigures(found, communes, year)
    total = _row(figures.total())
    readable = set(schools_for(request.user).values_list("pk", flat=True))
    children = [_row(f) for f in figures.children()]
    province = province_of(found)
    own_targets = {(s.value, d) for s, d in figures.set_by_province}
    return render(request, "streaming/rates.html", {
        "unit": found, "year": year, "years": school_years(communes) or [year],
        "breadcrumbs": breadcrumbs(found, request.user),
        "total": total, "children": children, "readable": readable,
        "headline": [s for s in total["streams"] if s["targeted"]],
        "short_names": [LABELS[s.value] for s in Stream],
        "province": province, "historic_source": HISTORIC_SOURCE,
        "uses_historic": any((s.value, d) not in own_targets
                             for s in TARGETED for d in (False, True)),
        "has_difficult": bool(figures.difficult),
        "has_data": bool(total["graduates"] or total["not_graduated"] or total["not_entered"]),
    })
