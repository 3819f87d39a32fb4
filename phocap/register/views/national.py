"""The ministry's national totals: each province's levels, from the engine's roll-up.

The ministry viewer lands here (views/units.home). Each province's results are the
same cached evaluation its own page shows (results.cached_results rolls its communes
up), so the two never disagree; a province without survey data in the year shown is
listed as such, never as failing. Aggregates only: the page names no person.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from phocap.accounts.permissions import reads_nation, refuse
from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import year_shown
from phocap.register.models import AdministrativeUnit, Household
from phocap.register.results import cached_results, survey_years
from phocap.register.views.common import communes_below
from phocap.register.views.units import ChildLevels, standards_of, summaries
from phocap.units import vintage_for_year


@login_required
def national(request: AuthedRequest) -> HttpResponse:
    """Every province of the list of units in force in the year shown, with each
    standard's level, and how many provinces stand at each level."""
    refuse(knows=True, may=reads_nation(request.user))
    provinces = list(AdministrativeUnit.objects.filter(type=AdministrativeUnit.Type.PROVINCE)
                     .order_by("vintage", "code"))
    # Only provinces with a household can have survey data: the others' thousands of
    # communes are not asked for their years one by one.
    peopled = {pk for pair in Household.objects.values_list(
        "commune__parent_id", "commune__parent__parent_id").distinct() for pk in pair}
    years_of = {p.pk: set(survey_years(communes_below(p))) if p.pk in peopled else set()
                for p in provinces}
    years = sorted(set().union(*years_of.values()), reverse=True)
    year = year_shown(request, years)
    in_force = [p for p in provinces if p.vintage == vintage_for_year(year).value]
    rows: list[ChildLevels] = []
    for province in in_force:
        if year not in years_of[province.pk]:
            continue
        own = next((u for u in cached_results(province, year).units
                    if u.code == province.code), None)
        rows.append({"unit": province, "standards": standards_of(own) if own else []})
    surveyed = {row["unit"].pk for row in rows}
    return render(request, "register/national.html", {
        "year": year, "years": years, "rows": rows, "summaries": summaries(rows),
        "standard_names": [s["short"] for s in next(
            (r["standards"] for r in rows if r["standards"]), [])],
        "without_data": [p for p in in_force if p.pk not in surveyed],
    })
