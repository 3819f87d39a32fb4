"""Home, unit pages (a province, district or commune) and a unit's results.

A province or district page lists its units with their levels; a commune page
adds its villages and households for the roles that read person-level data.
Levels come from the engine, computed in-database and cached until the data
beneath the unit change (results.cached_results).
"""

from __future__ import annotations

import io
from dataclasses import asdict
from typing import Any, TypedDict

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from phocap.accounts.models import User
from phocap.accounts.permissions import (
    follows_rounds,
    is_school_staff,
    is_surveyor,
    may_edit,
    reads_whole_units,
    reviews_dossiers,
    sees_people,
)
from phocap.accounts.requests import AuthedRequest
from phocap.engine.outlook import KEEP
from phocap.engine.result import CriterionResult, UnitResult
from phocap.engine.rollup import short_of
from phocap.kit import empty
from phocap.kit.years import year_shown
from phocap.register import audit, hooks, lineage
from phocap.register.downloads import XLSX, PersonData, download
from phocap.register.models import (
    AdministrativeUnit,
    Household,
    Person,
    PersonYear,
    UnitYear,
    Village,
)
from phocap.register.records import FIELD_LABELS
from phocap.register.results import (
    behind,
    cached_next_year,
    cached_results,
    cached_villages,
    survey_years,
)
from phocap.register.search import Folded, query_key
from phocap.register.views.common import (
    breadcrumbs,
    commune_with_people,
    communes_below,
    lineage_of,
    page_of,
    unit_in_scope,
    updating_page,
    whole_unit,
    year_of,
)
from phocap.rules import STANDARD_NAMES_VI, citation, ruleset_title
from phocap.rules.words import SHORT_VI, counted, deciding, explained, label, verdict_note
from phocap.survey.cells import Workbook


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Each role lands on its work (issue 14): a school's staff member on their class's
    attendance today (hooks.landing: the attendance app knows classes and school days),
    a commune's officer on the commune's register, a district's or province's staff on
    their units' results with what waits for them, the ministry on national totals."""
    user: User = request.user
    if is_school_staff(user) and (landing := hooks.landing(user)) is not None:
        return redirect(landing)
    if is_surveyor(user):  # its households, on the survey round's page (phocap/rounds)
        return redirect("round-mine")
    if user.unit_id is not None:
        return redirect("unit", user.unit_id)
    return redirect("national")


class StandardLevel(TypedDict):
    key: str
    name: str
    short: str
    level: int
    has_data: bool


class ChildLevels(TypedDict):
    unit: AdministrativeUnit
    standards: list[StandardLevel]


def standards_of(result: UnitResult) -> list[StandardLevel]:
    return [
        {"key": key, "name": STANDARD_NAMES_VI.get(key, key), "short": SHORT_VI.get(key, key),
         "level": standard.level, "has_data": result.has_data}
        for key, standard in result.standards.items()
    ]


def _coverage(own: UnitResult | None, child_type: str) -> dict[str, object]:
    """Whether the unit has data, and the coverage note of a roll-up that leaves out some
    of its units for want of data (kit/empty.py)."""
    context: dict[str, object] = {"has_data": bool(own and own.has_data)}
    if own is not None and own.coverage is not None and own.partial and own.has_data:
        context |= {"coverage_note": empty.coverage(*own.coverage, child_type),
                    "coverage_with": own.coverage[0], "coverage_total": own.coverage[1]}
    return context


@login_required
@updating_page
def unit(request: AuthedRequest, pk: int) -> HttpResponse:
    found = unit_in_scope(request, pk)
    communes = communes_below(found)
    year = year_of(request, survey_years(communes))
    evaluation = cached_results(found, year)
    by_code = {u.code: u for u in evaluation.units}
    own = by_code.get(found.code)
    context: dict[str, Any] = lineage_of(request.user, found) | {
        "unit": found, "year": year, "years": survey_years(communes),
        "breadcrumbs": breadcrumbs(found, request.user)[:-1],
        "standards": standards_of(own) if own else [],
        "sees_people": sees_people(request.user),
        "reads_whole": reads_whole_units(request.user),
        "tasks": hooks.unit_tasks(request.user, found),
        "reviews_dossiers": reviews_dossiers(request.user),
        "follows_rounds": follows_rounds(request.user, found),
    }
    if found.type == AdministrativeUnit.Type.COMMUNE:
        context |= _commune_context(request, found, year) | _coverage(own, "commune")
        return render(request, "register/commune.html", context)
    children = AdministrativeUnit.objects.filter(parent=found).order_by("code")
    context |= _coverage(own, children[0].type if children else "commune")
    context["children"] = [
        {"unit": child, "standards": standards_of(by_code[child.code])
         if child.code in by_code else []}
        for child in children
    ]
    context["standard_names"] = [s["short"] for s in context["standards"]]
    context["summaries"] = summaries(context["children"])
    return render(request, "register/unit.html", context)


def summaries(children: list[ChildLevels]) -> list[dict[str, object]]:
    """Per standard, how many units stand at each level or above ("21/21 xã đạt mức 3"),
    of the units with data: one without is not counted as failing (kit/empty.py)."""
    rated = [c for c in children if c["standards"] and c["standards"][0]["has_data"]]
    found = []
    for index, standard in enumerate(rated[0]["standards"] if rated else []):
        levels = [c["standards"][index]["level"] for c in rated]
        found.append({"name": standard["name"], "total": len(levels), "levels": [
            {"level": level, "count": sum(1 for x in levels if x >= level)}
            for level in range(1, max(levels) + 1)]})
    return found


def _commune_context(request: AuthedRequest, commune: AdministrativeUnit,
                     year: int) -> dict[str, object]:
    flag = UnitYear.objects.filter(unit=commune, survey_year=year).first()
    context: dict[str, object] = {
        "especially_difficult": bool(flag and flag.especially_difficult),
        "can_edit": may_edit(request.user, commune),
        # Across 1 July 2025: a new commune opens its first year from its predecessors,
        # a split old commune's villages are given their new commune (register/crossing.py).
        "crosses": bool(lineage.predecessors(commune)),
        "split": lineage.is_split(commune),
    }
    if not sees_people(request.user):
        return context
    surveyed = Q(households__members__years__survey_year=year)
    context["villages"] = (
        Village.objects.for_user(request.user).filter(commune=commune)
        .annotate(households_n=Count("households", distinct=True),
                  people_n=Count("households__members", filter=surveyed, distinct=True))
        .order_by("name")
    )
    context |= _household_page(request, commune, year)
    return context


def _household_page(request: AuthedRequest, commune: AdministrativeUnit,
                    year: int) -> dict[str, object]:
    # Members counted by a subquery of their own: whatever the search joins, each
    # member surveyed in the year counts once.
    surveyed = (PersonYear.objects.filter(person__household=OuterRef("pk"), survey_year=year)
                .values("person__household").annotate(n=Count("pk")).values("n"))
    households = (
        Household.objects.for_user(request.user).filter(commune=commune)
        .select_related("village")
        .annotate(members_n=Coalesce(Subquery(surveyed), 0))
        .order_by("village__name", "household_no")
    )
    query = request.GET.get("q", "").strip()
    if query:  # members through for_user: a school's staff find their pupils by name only
        key = query_key(query)
        named = (Person.objects.for_user(request.user).filter(household__commune=commune)
                 .annotate(key=Folded("full_name")).filter(key__contains=key))
        households = households.annotate(
            head_key=Folded("head_name"), village_key=Folded("village__name")).filter(
            Q(household_no__icontains=query) | Q(head_key__contains=key)
            | Q(village_key__contains=key) | Q(pk__in=named.values("household_id"))
        )
    village = request.GET.get("village", "")
    if village.isdigit():
        households = households.filter(village_id=int(village))
    return {"households": page_of(request, households), "q": query, "village": village}


@login_required
def households(request: AuthedRequest, pk: int) -> HttpResponse:
    """The household list alone: what the search box and the pager swap in (htmx)."""
    commune = commune_with_people(request, pk, whole=False)
    year = year_shown(request, survey_years([commune]))
    context = {"unit": commune, "year": year} | _household_page(request, commune, year)
    return render(request, "register/_households.html", context)


def _criterion_row(c: CriterionResult, standard: str, children: list[UnitResult],
                   links: dict[str, int]) -> dict[str, object]:
    """A criterion as the results table shows it: in words with its age group, its legal
    source as officers cite it, what its shortfall counts (people, communes, districts),
    what its mark means for the result (rules/words.py) and, for a district's or province's
    share, the units below it is short of."""
    below = short_of(c, standard, children) if c.ages is None else []
    return {"result": c, "label": label(c.key, c.ages), "source": citation(c.source),
            "counts": counted(c.key), "caveat": explained(c.key, c.mark),
            "below": [{"name": u.name, "pk": links.get(u.code)} for u in below]}


def _verdict_note(level: int, criteria: list[CriterionResult]) -> str:
    found = deciding(level, criteria)
    return verdict_note(found, [label(c.key, c.ages) for c in found])


@login_required
@updating_page
def results(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every standard's level with its criteria: numerator, denominator, rate, threshold,
    source, the gap, the people (or the communes) behind it, why the conditions fail,
    and next year's outlook; beside a level resting on an [unverified] or [interpretation]
    criterion, which and what it means (rules/words.py)."""
    found = whole_unit(request, pk)
    communes = communes_below(found)
    year = year_of(request, survey_years(communes))
    evaluation = cached_results(found, year)
    own = next((u for u in evaluation.units if u.code == found.code), None)
    children = [u for u in evaluation.units if u.parent_code == found.code]
    links = dict(AdministrativeUnit.objects.filter(parent=found).values_list("code", "pk"))
    is_commune = found.type == AdministrativeUnit.Type.COMMUNE
    unmet = hooks.unmet_conditions(found, year) if is_commune else {}
    ahead = {(c.code, c.standard): c for c in cached_next_year(found, year)}
    standards: list[dict[str, Any]] = []
    for key, result in (own.standards if own else {}).items():
        standards.append({"key": key, "name": STANDARD_NAMES_VI.get(key, key),
                          "level": result.level, "conditions": result.conditions,
                          "unmet": unmet.get(key, []),
                          "caveat": _verdict_note(result.level, result.criteria),
                          "criteria": [_criterion_row(c, key, children, links)
                                       for c in result.criteria],
                          "next": ahead.get((found.code, key))})
    children_next = [asdict(c) | {"pk": links.get(c.code)} for c in ahead.values()
                     if c.code != found.code and c.change != KEEP]
    if own is not None and not own.has_data:
        standards = []  # nothing to judge: the page says so (kit/empty.py)
    child = AdministrativeUnit.objects.filter(parent=found).first()
    return render(request, "register/results.html", _coverage(own, child.type if child else
                                                             "commune")
                  | lineage_of(request.user, found) | {
        "unit": found, "year": year, "years": survey_years(communes),
        "breadcrumbs": breadcrumbs(found, request.user),
        "standards": standards, "ruleset": ruleset_title(evaluation.ruleset),
        "indicators": own.indicators if own else {},
        "lists_people": is_commune and sees_people(request.user),
        # A school's pages open to those who read people (permissions.opens_school).
        "opens_schools": sees_people(request.user),
        "children_next": sorted(children_next, key=lambda c: (c["change"], c["code"])),
        "villages": cached_villages(found, year) if is_commune else [],
        "short_names": [SHORT_VI.get(s["key"], s["key"]) for s in standards],
    })


@login_required
def people(request: AuthedRequest, pk: int, criterion: str) -> HttpResponse:
    """Who is missing from a criterion's numerator, and what could close the gap; as XLSX
    with ?format=xlsx (a download of personal data, logged)."""
    commune = commune_with_people(request, pk)
    years = survey_years([commune])
    year = year_shown(request, years)
    try:
        frame = behind(commune, year, criterion)
    except KeyError:
        raise Http404 from None
    if request.GET.get("format") == "xlsx":
        name = f"danh-sach-{commune.code}-{year}-{criterion}.xlsx"
        buffer = io.BytesIO()
        book = Workbook(buffer)
        frame.rename(FIELD_LABELS, strict=False).write_excel(book, worksheet="Danh sách")
        book.close()
        return download(buffer.getvalue(), name, XLSX, PersonData(
            request.user, [commune], {"year": year, "criterion": criterion,
                                      "rows": frame.height, "file": name}))
    if frame.height:  # a name list on a page is the same read as its download
        audit.exported(request.user, commune, {"year": year, "criterion": criterion,
                                               "rows": frame.height, "page": True})
    return render(request, "register/people.html", {
        "unit": commune, "year": year, "criterion": criterion, "label": label(criterion),
        "breadcrumbs": breadcrumbs(commune, request.user),
        "people": frame.to_dicts(), "count": frame.height, "has_data": year in years,
    })
