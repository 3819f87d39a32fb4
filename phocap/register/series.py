"""A unit's figures for a survey year, wherever the register keeps them, across 1 July 2025.

The register keeps a survey year under the units in force on its reference
date (register/lineage.py): up to 2024 the old communes, districts and
provinces, from 2025 the new communes and provinces. A page that follows a new
commune over the years must therefore read 2021–2024 from the old communes it
continues; this module is where that is done, so the trends and the
mobilisation pages ask one question, ``figures(unit, year)``, and never know
where the counts were kept.

A new unit's year before 2025 is judged on the **summed counts** of its
predecessors, never on an average of their rates: every count of the engine
(engine/counts.py) is a number of people, so the predecessors' rows are added
column by column and the engine computes each rate, level and indicator from
the sums, as it would for a commune of that size (engine.evaluate_counts). Two
communes at 9/10 and 1/2 are 10/12 = 83,33% together, not (90% + 50%) / 2 =
70%. Such a year is **approximate**, and says why, when

- a predecessor was split among several new communes (a ``part`` link): its
  whole count is included, the part that went elsewhere with it;
- a predecessor has no one surveyed that year: it is left out.

A new province's year before 2025 is its old provinces' communes, judged under
that year's rules and roll-up (their districts, re-attached to the new
province): provinces were merged whole, so only a predecessor without data
makes it approximate. An old unit's figures stop at 2024 (``continued_by``
names where they go on); nothing after is invented for it.

Judging a summed commune needs two things that do not add up: whether it is
especially difficult (ĐBKK) and whether its recognition conditions hold. It is
ĐBKK only when every predecessor counted was that year, and a standard's
conditions hold only when they held in every predecessor that recorded them
[interpretation: the law judges communes as they were; a sum is a hypothetical
commune, and the stricter reading never shows a level none of them reached].
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import polars as pl

from phocap.engine.evaluate import evaluate_counts
from phocap.engine.result import UnitResult
from phocap.engine.units import UNITS_SCHEMA
from phocap.register import commune_counts, hooks, lineage, revisions
from phocap.register.commune_counts import NOW, cached_counts
from phocap.register.models import AdministrativeUnit, UnitYear
from phocap.register.results import ANSWER_FORMAT as RESULT_FORMAT
from phocap.register.results import cached_results, remembered, subtree, survey_years
from phocap.rules import RulesetError

FIRST_YEAR_AFTER = lineage.FIRST_YEAR_AFTER
ANSWER_FORMAT = 1
"""Raised when the shape of a cached ``Figures`` changes (the engine's result inside it
follows results.ANSWER_FORMAT, which the key holds too)."""
T = TypeVar("T")

PART = "part"
"""A predecessor split among several new units: its whole count is included."""
MISSING = "missing"
"""A predecessor with no one surveyed that year: left out."""


@dataclass(frozen=True)
class Note:
    """Why a year's figures of a new unit are approximate, and which predecessor it is."""

    kind: str  # PART or MISSING
    unit: AdministrativeUnit


@dataclass(frozen=True)
class Figures:
    """A unit's result for one survey year, and where it came from.

    ``summed_from`` is empty when the unit's own units hold the year; otherwise
    the predecessors whose counts were added up.
    """

    year: int
    result: UnitResult | None
    summed_from: tuple[AdministrativeUnit, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def approximate(self) -> bool:
        return bool(self.notes)


def crosses(unit: AdministrativeUnit, year: int) -> bool:
    """Whether ``unit``'s year is kept under other units: a new unit before 2025."""
    return not lineage.is_old(unit) and year < FIRST_YEAR_AFTER


def _old_communes(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """Every old commune whose counts a new unit's years before 2025 are made of."""
    if unit.type == AdministrativeUnit.Type.COMMUNE:
        return [link.old for link in lineage.predecessors(unit)]
    if unit.type == AdministrativeUnit.Type.PROVINCE:
        return [u for province in lineage.province_predecessors(unit)
                for u in subtree(province) if u.type == AdministrativeUnit.Type.COMMUNE]
    return []


def years(unit: AdministrativeUnit) -> list[int]:
    """The survey years of the unit's series, oldest first.

    An old unit's own years up to 2024; a new unit's own years from 2025 and,
    before them, every year any of its predecessors has.
    """
    own = [c for c in ([unit] if unit.type == AdministrativeUnit.Type.COMMUNE
                       else subtree(unit)) if c.type == AdministrativeUnit.Type.COMMUNE]
    found = survey_years(own)
    if lineage.is_old(unit):
        return sorted(y for y in found if y < FIRST_YEAR_AFTER)
    before = survey_years(_old_communes(unit))
    return sorted({y for y in found if y >= FIRST_YEAR_AFTER}
                  | {y for y in before if y < FIRST_YEAR_AFTER})


def figures(unit: AdministrativeUnit, year: int) -> Figures:
    """The unit's result in ``year``: its own, or summed from its predecessors before 2025."""
    if not crosses(unit, year):
        evaluation = cached_results(unit, year)
        return Figures(year, next((u for u in evaluation.units if u.code == unit.code), None))
    if unit.type == AdministrativeUnit.Type.PROVINCE:
        return _cached("province", [unit], year, _old_communes(unit), _province)
    return _summed([unit], year)[unit.pk]


def below(unit: AdministrativeUnit, year: int,
          children: list[AdministrativeUnit]) -> dict[int, Figures]:
    """Each child's figures in ``year`` (the mobilisation page's table of units below),
    by child pk: from the unit's own evaluation, or for a new province before 2025 each
    new commune summed from its predecessors, all judged at once."""
    if not children:
        return {}
    if not crosses(unit, year):
        own = {u.code: u for u in cached_results(unit, year).units}
        return {c.pk: Figures(year, own.get(c.code)) for c in children}
    summed = _summed([c for c in children if c.type == AdministrativeUnit.Type.COMMUNE], year)
    return {c.pk: summed.get(c.pk, Figures(year, None)) for c in children}


def _summed(communes: list[AdministrativeUnit], year: int) -> dict[int, Figures]:
    links = lineage.predecessors_of(communes)
    olds = list({link.old.pk: link.old for found in links.values() for link in found}.values())
    return _cached("communes", communes, year, olds,
                   lambda units, y: _communes(units, y, links, olds))


def _cached(kind: str, units: list[AdministrativeUnit], year: int,
            olds: list[AdministrativeUnit],
            compute: Callable[[list[AdministrativeUnit], int], T]) -> T:
    """``compute(units, year)``, reused until a predecessor's data or ĐBKK flag changes.

    The key holds the predecessors' revisions (raised by every audited change,
    register/revisions.py) and ĐBKK flags, as results._revision does for a
    unit's own communes; the counts under it are cached per commune already.
    Kept by results.remembered, as every computed answer: warmed by the worker,
    and the last answer shown while it recomputes (register/warming.py).
    """
    state = (kind, [u.pk for u in units], sorted(revisions.of(c.pk for c in olds).items()),
             sorted(_difficult(olds, year)))
    digest = hashlib.sha1(repr(state).encode()).hexdigest()
    asked = hashlib.sha1(repr((kind, [u.pk for u in units])).encode()).hexdigest()
    prefix = f"series:{ANSWER_FORMAT}.{RESULT_FORMAT}:{year}"
    return remembered(f"{prefix}:{digest}", f"{prefix}:last:{asked}",
                      lambda: olds, lambda: compute(units, year))


def _difficult(communes: list[AdministrativeUnit], year: int) -> set[int]:
    return set(UnitYear.objects.filter(unit__in=communes, survey_year=year,
                                       especially_difficult=True)
               .values_list("unit_id", flat=True))


def _communes(communes: list[AdministrativeUnit], year: int, links: dict[int, list[lineage.Link]],
              olds: list[AdministrativeUnit]) -> dict[int, Figures]:
    """New communes in a year before 2025, each from its predecessors' summed counts."""
    try:
        q, counts = cached_counts(NOW, olds, year)
    except RulesetError:
        return {c.pk: Figures(year, None) for c in communes}
    columns = [c.column for c in q.counts]
    rows = {row["commune_code"]: row for row in counts.iter_rows(named=True)}
    difficult = _difficult(olds, year)
    recorded = hooks.school_conditions(olds, year)
    summed: dict[str, tuple[int, ...]] = {}
    units, conditions, found = [], {}, {}
    for commune in communes:
        counted = [link for link in links[commune.pk] if link.old.code in rows]
        notes = tuple(
            [Note(PART, link.old) for link in counted if not link.whole]
            + [Note(MISSING, link.old) for link in links[commune.pk] if link not in counted])
        found[commune.pk] = (tuple(link.old for link in counted), notes)
        if not counted:
            continue
        # Numerators and denominators alike are numbers of people: they add up.
        summed[commune.code] = tuple(sum(int(rows[link.old.code][column]) for link in counted)
                                     for column in columns)
        units.append((commune.code, commune.name, "commune", None,
                      all(link.old.pk in difficult for link in counted)))
        conditions[commune.code] = _all_held([recorded.get(link.old.code, {})
                                              for link in counted])
    results = {}
    if summed:
        evaluation = evaluate_counts(commune_counts.frame(q, year, summed), year, q.ruleset,
                                     pl.DataFrame(units, schema=UNITS_SCHEMA, orient="row"),
                                     conditions)
        results = {u.code: u for u in evaluation.units}
    return {c.pk: Figures(year, results.get(c.code), *found[c.pk]) for c in communes}


def _all_held(recorded: list[dict[str, bool]]) -> dict[str, bool]:
    """Each standard's conditions: held only where every predecessor recording them held."""
    standards = {s for r in recorded for s in r}
    return {s: all(r[s] for r in recorded if s in r) for s in standards}


def _province(units: list[AdministrativeUnit], year: int) -> Figures:
    """A new province in a year before 2025: its old provinces' districts and communes,
    judged under that year's rules with the districts re-attached to the new province."""
    (unit,) = units
    provinces = lineage.province_predecessors(unit)
    beneath = {p.pk: subtree(p)[1:] for p in provinces}
    communes = [u for found in beneath.values() for u in found
                if u.type == AdministrativeUnit.Type.COMMUNE]
    try:
        q, counts = cached_counts(NOW, communes, year)
    except RulesetError:
        return Figures(year, None)
    with_data = set(counts["commune_code"].to_list())
    counted = tuple(p for p in provinces if any(u.code in with_data for u in beneath[p.pk]))
    notes = tuple(Note(MISSING, p) for p in provinces if p not in counted)
    if not counted:
        return Figures(year, None, (), notes)
    difficult = _difficult(communes, year)
    rows: list[tuple[str, str, str, str | None, bool]] = [
        (unit.code, unit.name, "province", None, False)]
    rows += [(u.code, u.name, u.type, unit.code if u.parent_id == p.pk else u.parent.code,  # type: ignore[union-attr]  # every unit below a province has a parent
              u.pk in difficult) for p in provinces for u in beneath[p.pk]]
    frame = pl.DataFrame(rows, schema=UNITS_SCHEMA, orient="row")
    evaluation = evaluate_counts(counts, year, q.ruleset, frame,
                                 hooks.school_conditions(communes, year))
    result = next((u for u in evaluation.units if u.code == unit.code), None)
    return Figures(year, result, counted, notes)


def continued_by(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """Where an old unit's series goes on from 2025 (lineage.continued_by)."""
    return lineage.continued_by(unit)
