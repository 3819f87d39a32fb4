"""Employers' labour-demand surveys: a unit's entries, their summary by trade, and the entry form.

Employers are businesses, not people of the register, so whoever covers the
unit reads the list. The commune's staff record the answers of employers in
their commune (services.add_labour_demand, audited), as they keep its register.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from phocap.accounts.permissions import may_edit
from phocap.accounts.requests import AuthedRequest
from phocap.kit.once import once
from phocap.kit.years import year_shown
from phocap.register.views.common import (
    breadcrumbs,
    commune_with_people,
    communes_below,
    unit_in_scope,
)
from phocap.streaming import services
from phocap.streaming.figures import province_of
from phocap.streaming.models import LabourDemand
from phocap.streaming.views.common import school_years
from phocap.textfields import CheckedModelForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class LabourDemandForm(CheckedModelForm):
    class Meta:
        model = LabourDemand
        fields = ("survey_year", "employer", "trade", "workers_wanted", "qualification")


class TradeDemand(TypedDict):
    trade: str
    workers: int
    employers: int
    levels: list[tuple[StrOrPromise, int]]  # (qualification, workers wanted at it)


def by_trade(entries: QuerySet[LabourDemand]) -> list[TradeDemand]:
    """Workers wanted per trade (most wanted first), with how many employers ask and at
    which qualification levels."""
    levels = dict(LabourDemand.Qualification.choices)
    rows: dict[str, TradeDemand] = {}
    for row in (entries.values("trade", "qualification")
                .annotate(workers=Sum("workers_wanted"), employers=Count("id"))):
        found = rows.setdefault(row["trade"], {"trade": row["trade"], "workers": 0,
                                               "employers": 0, "levels": []})
        found["workers"] += row["workers"]
        found["employers"] += row["employers"]
        found["levels"].append((levels.get(row["qualification"], row["qualification"]),
                                row["workers"]))
    return sorted(rows.values(), key=lambda r: (-r["workers"], r["trade"]))


@login_required
def labour_demand(request: AuthedRequest, pk: int) -> HttpResponse:
    found = unit_in_scope(request, pk)
    communes = communes_below(found)
    entered = LabourDemand.objects.filter(commune__in=communes).values_list("survey_year",
                                                                            flat=True)
    year = year_shown(request, [*school_years(communes), *entered], school=True)
    entries = LabourDemand.objects.filter(commune__in=communes, survey_year=year)
    listed = list(entries.select_related("commune"))
    return render(request, "streaming/labour.html", {
        "unit": found, "year": year, "years": school_years(communes) or [year],
        "province": province_of(found), "breadcrumbs": breadcrumbs(found, request.user),
        "entries": listed, "summary": by_trade(entries),
        "total": sum(e.workers_wanted for e in listed),
        "can_add": found.type == "commune" and may_edit(request.user, found),
    })


@login_required
@once
def new_labour_demand(request: AuthedRequest, pk: int) -> HttpResponse:
    commune = commune_with_people(request, pk)
    allowed = may_edit(request.user, commune)
    if not allowed:
        raise PermissionDenied
    if request.method == "POST":
        form = LabourDemandForm(request.POST)
        if form.is_valid():
            made = services.add_labour_demand(request.user, commune, **form.cleaned_data)
            messages.success(request, _("Đã ghi nhu cầu lao động của %(employer)s.") % {
                "employer": made.employer})
            return redirect(f"{reverse('streaming-labour', args=[commune.pk])}"
                            f"?year={made.survey_year}")
    else:
        year = year_shown(request, school_years([commune]), school=True)
        form = LabourDemandForm(initial={"survey_year": year})
    return render(request, "streaming/labour_new.html", {
        "unit": commune, "form": form, "breadcrumbs": breadcrumbs(commune, request.user),
    }, status=400 if form.is_bound else 200)
