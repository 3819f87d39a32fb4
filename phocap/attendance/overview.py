"""A district's or province's attendance, early warnings and return after Tết, by unit below.

Districts hold conferences on exactly these figures (issue 14: `/attendance/communes/130/`
was a 404). Each row is a commune (of a district) or a unit below a province: how many
of its classes took attendance (the coverage every rate rests on), the attendance rate
counted over pupil-days, the pupils at risk of dropping out, and the return after Tết.
Aggregates for every role covering the unit, the ministry viewer included; the names
of the pupils at risk only for a role that reads people (permissions.sees_people),
read through the register's scope (schools/scope.classes_for) and logged as a name
list shown on a page is. The figures are the commune report's (views.py: rates.py,
at_risk.py), summed, never averaged from the communes' rates.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from phocap import numbers
from phocap.accounts.permissions import sees_people
from phocap.accounts.requests import AuthedRequest
from phocap.attendance import rates
from phocap.attendance.at_risk import PupilWarning, as_of_day, warnings_for
from phocap.attendance.frames import frames
from phocap.attendance.summaries import REASON_NAMES, TET_DAYS, attendance_years, tet_return
from phocap.kit.years import year_shown
from phocap.register import audit
from phocap.register.models import AdministrativeUnit
from phocap.register.results import cached
from phocap.register.views.common import breadcrumbs, communes_below, unit_in_scope
from phocap.schools.models import SchoolClass


@dataclass
class Row:
    """One unit below: its figures, counted (rates are shown from the counts)."""

    unit: AdministrativeUnit
    classes: int = 0
    recorded: int = 0
    recorded_week: int = 0
    present: int = 0
    pupil_days: int = 0
    at_risk: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    tet_expected: int = 0
    tet_recorded: int = 0  # of them, pupils whose class recorded the first school days
    tet_returned: int = 0

    @property
    def rate(self) -> str:
        return numbers.rate(self.present, self.pupil_days)

    @property
    def tet_rate(self) -> str:
        """Over the pupils whose class recorded attendance (summaries.tet_return): a class that
        recorded nothing after the break is not a class that did not come back."""
        return numbers.rate(self.tet_returned, self.tet_recorded)

    def add(self, other: Row) -> None:
        for name in ("classes", "recorded", "recorded_week", "present", "pupil_days",
                     "at_risk", "tet_expected", "tet_recorded", "tet_returned"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.reasons.update(other.reasons)


def _child_of(unit: AdministrativeUnit, communes: list[AdministrativeUnit]
              ) -> dict[int, AdministrativeUnit]:
    """Each commune's unit directly below ``unit`` (itself, or its district)."""
    children = {c.pk: c for c in AdministrativeUnit.objects.filter(parent=unit)}
    return {c.pk: children[c.pk] if c.pk in children else children[c.parent_id]  # type: ignore[index]  # a commune below a district has a parent
            for c in communes if c.pk in children or c.parent_id in children}


def _url(child: AdministrativeUnit, people: bool, year: int) -> str | None:
    if child.type != AdministrativeUnit.Type.COMMUNE:
        return f"{reverse('attendance-unit', args=[child.pk])}?year={year}"
    return f"{reverse('attendance-commune', args=[child.pk])}?year={year}" if people else None


def _coverage(classes: dict[int, int], days: pl.DataFrame, as_of: dt.date
              ) -> tuple[Counter[int], Counter[int], Counter[int]]:
    """Per commune: its classes, those that took attendance this school year, and those
    that took it in the week of ``as_of`` (the last day anyone took it), from the class
    days ``days`` (klass, date) of ``classes`` (class → commune)."""
    monday = as_of - dt.timedelta(days=as_of.weekday())
    ever = set(days["klass"].to_list())
    week = set(days.filter(pl.col("date").is_between(monday, as_of))["klass"].to_list())
    total: Counter[int] = Counter(classes.values())
    recorded: Counter[int] = Counter(c for k, c in classes.items() if k in ever)
    this_week: Counter[int] = Counter(c for k, c in classes.items() if k in week)
    return total, recorded, this_week


@dataclass
class Figures:
    """What the page shows: a row per unit below, the unit's total, and the at-risk pupils
    (for a reader of people only)."""

    rows: list[Row]
    total: Row
    as_of: dt.date
    at_risk: list[AtRisk]


@dataclass(frozen=True)
class AtRisk:
    """A pupil at risk with where they learn, for the list a reader of people sees."""

    warning: PupilWarning
    school: str
    commune: AdministrativeUnit


def figures(unit: AdministrativeUnit, year: int) -> Figures:
    """The unit's figures for school year ``year`` from all of its classes that year, by
    the units directly below it, the at-risk pupils listed (the page drops them for a
    reader of aggregates only)."""
    communes = communes_below(unit)
    classes = SchoolClass.objects.filter(school__commune__in=communes, school_year=year)
    child_of = _child_of(unit, communes)
    rows = {child.pk: Row(child) for child in sorted(set(child_of.values()),
                                                      key=lambda c: (c.name, c.code))}
    by_class = dict(classes.values_list("pk", "school__commune_id"))
    school_of = dict(classes.values_list("pk", "school__name"))
    commune_named = {c.pk: c for c in communes}
    data = frames(classes)
    as_of = as_of_day(classes)
    total, recorded, this_week = _coverage(by_class, data[1], as_of)
    for commune, below in child_of.items():
        row = rows[below.pk]
        row.classes += total[commune]
        row.recorded += recorded[commune]
        row.recorded_week += this_week[commune]
    days = rates.pupil_days(*data)
    for found in rates.rates(days, "commune", "all").iter_rows(named=True):
        if (child := child_of.get(found["commune"])) is not None:
            rows[child.pk].present += found["present"]
            rows[child.pk].pupil_days += found["school_days"]
    flagged = [w for w in warnings_for(classes, as_of, data=data) if w.warning.flagged]
    for w in flagged:
        if (child := child_of.get(by_class[w.enrolment.klass_id])) is not None:
            rows[child.pk].at_risk += 1
            rows[child.pk].reasons.update(r.key for r in w.warning.reasons)
    for found_tet in tet_return(classes, data, year, "commune"):
        if (child := child_of.get(found_tet["key"])) is not None:
            rows[child.pk].tet_expected += found_tet["expected"]
            rows[child.pk].tet_recorded += found_tet["recorded"]
            rows[child.pk].tet_returned += found_tet["returned"][TET_DAYS - 1][0]
    whole = Row(unit)
    for row in rows.values():
        whole.add(row)
    listed = [AtRisk(w, school_of[w.enrolment.klass_id],
                     commune_named[by_class[w.enrolment.klass_id]]) for w in flagged]
    return Figures(list(rows.values()), whole, as_of, listed)


def _years_of(unit: AdministrativeUnit) -> list[int]:
    return attendance_years(SchoolClass.objects.filter(school__commune__in=communes_below(unit)))


@login_required
def unit_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """A district's or province's attendance, at-risk and Tết-return page, by unit below.

    Every pupil's early warning of a whole district is scored here (seconds), so the
    figures are cached until any data of its communes change (results.cached, keyed on
    the communes' revisions, which every audited attendance, class-list and register
    change raises) or the day turns. They are computed from all the unit's classes: a
    role covering the unit reads all of them (register/scope.visible_communes), and one
    that reads no person (the ministry) is shown the counts without the names.
    """
    unit = unit_in_scope(request, pk)
    if unit.type == AdministrativeUnit.Type.COMMUNE:
        query = request.GET.urlencode()
        return redirect(reverse("attendance-commune", args=[unit.pk])
                        + (f"?{query}" if query else ""))
    people = sees_people(request.user)
    years = _years_of(unit)
    year = year_shown(request, years, school=True)
    found: Figures = cached(f"attendance-unit:{dt.date.today().isoformat()}", unit, year,
                            figures)
    listed = Counter(a.commune for a in found.at_risk) if people else Counter()
    for commune, n in listed.items():  # a name list on a page, logged per commune
        audit.exported(request.user, commune, {
            "what": "attendance_at_risk", "unit": unit.code, "school_year": year,
            "pupils": n, "page": True})
    return render(request, "attendance/unit.html", {
        "unit": unit, "year": year, "years": years, "figures": found, "people": people,
        "at_risk": found.at_risk if people else [],
        "rows": [(row, _url(row.unit, people, year)) for row in found.rows],
        "reasons": [(REASON_NAMES.get(k, k), n) for k, n in found.total.reasons.most_common()],
        "breadcrumbs": breadcrumbs(unit, request.user),
    })
