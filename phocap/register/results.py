"""The engine on the register: results for a unit and its children, computed in-database.

The people never leave the database. A unit's results and next year's outlook
are levels and roll-ups over one row of counts per commune; those rows are
computed in-database by the engine's count expression and cached per commune
revision (register/commune_counts.py), so a province page after an edit
recomputes the edited commune only, then judges levels and rolls up in Python
(engine.evaluate_counts), which takes milliseconds. The finished answer for a
unit is cached too (the engine's Evaluation itself, and the outlook and village
breakdown as frozen dataclasses: Outlook, VillageResult), under the revisions of
all its communes and their ĐBKK flags, so an unchanged province is one cache read.
Every read of the people goes through the survey_record view as an Ibis table
on Django's connection (register/engine_table.py).
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TypeVar

import polars as pl
from django.core.cache import cache

from phocap.accounts.models import Role, User
from phocap.accounts.permissions import has_role
from phocap.engine.evaluate import evaluate_counts
from phocap.engine.outlook import compare
from phocap.engine.people import people_behind
from phocap.engine.result import Evaluation
from phocap.engine.units import UNITS_SCHEMA
from phocap.register import commune_counts, hooks, revisions
from phocap.register.commune_counts import NEXT, NOW, cached_counts
from phocap.register.engine_table import survey_record
from phocap.register.models import AdministrativeUnit, Household, PersonYear, UnitYear, Village
from phocap.register.scope import visible_communes
from phocap.rules import STANDARD_NAMES_VI, Ruleset, RulesetError, for_year
from phocap.rules.words import counted, label
from phocap.units import vintage_for_year


def subtree(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The unit and every unit below it."""
    found, frontier = [unit], [unit]
    while frontier:
        frontier = list(AdministrativeUnit.objects.filter(parent_id__in=[u.pk for u in frontier])
                        .select_related("parent"))
        found += frontier
    return found


def _units_frame(unit: AdministrativeUnit, units: list[AdministrativeUnit],
                 year: int) -> pl.DataFrame:
    difficult = _difficult(units, year)
    return pl.DataFrame(
        [(u.code, u.name, u.type, u.parent.code if u.parent_id and u != unit else None,  # type: ignore[union-attr]  # parent_id is set
          u.pk in difficult) for u in units],
        schema=UNITS_SCHEMA, orient="row",
    )


def _difficult(units: list[AdministrativeUnit], year: int) -> set[int]:
    return set(
        UnitYear.objects.filter(unit_id__in=[u.pk for u in units], survey_year=year,
                                especially_difficult=True)
        .values_list("unit_id", flat=True)
    )


def _communes(units: list[AdministrativeUnit]) -> list[AdministrativeUnit]:
    return [u for u in units if u.type == AdministrativeUnit.Type.COMMUNE]


def _beneath(unit: AdministrativeUnit, units: list[AdministrativeUnit]) -> set[str]:
    return {unit.code} | {u.code for u in units if u.parent_id == unit.pk}


_EVALUATIONS: dict[tuple[object, ...], Evaluation] = {}
_EVALUATIONS_LOCK = threading.Lock()
_KEPT = 8


def _evaluated(counts: pl.DataFrame, year: int, ruleset: Ruleset,
               units: pl.DataFrame,
               conditions: dict[str, dict[str, bool]] | None = None) -> Evaluation:
    """engine.evaluate_counts, remembered for the last few inputs in this process.

    A results page needs this year's evaluation twice, for the results and for
    the outlook; over a province that is a tenth of a second each time. The key
    is the inputs themselves, so a remembered evaluation is always the right one.
    The evaluation is shared: callers must not change it.
    """
    key = (year, ruleset.name, tuple(counts.columns), tuple(counts.rows()),
           tuple(units.rows()), repr(sorted((conditions or {}).items())))
    with _EVALUATIONS_LOCK:
        found = _EVALUATIONS.get(key)
    if found is None:
        found = evaluate_counts(counts, year, ruleset, units, conditions)
        with _EVALUATIONS_LOCK:
            if len(_EVALUATIONS) >= _KEPT:
                del _EVALUATIONS[next(iter(_EVALUATIONS))]
            _EVALUATIONS[key] = found
    return found


def _conditions(units: list[AdministrativeUnit], year: int) -> dict[str, dict[str, bool]]:
    """The recognition conditions the schools and communes entered (schools/conditions.py,
    reached through hooks.school_conditions: the register does not import schools).

    Every change to them is audited under its commune, which raises the revision
    the cached answers are keyed on, so they need no invalidation of their own.
    """
    return hooks.school_conditions(_communes(units), year)


def existed(unit: AdministrativeUnit, year: int) -> bool:
    """Whether the unit belongs to the list of units in force in ``year``: a district (or a
    commune before its merger) has no survey from 2025 on, and is judged on nothing then,
    not under rules that know no districts (Decrees 142/2025, 143/2025)."""
    return unit.vintage == vintage_for_year(year).value


def results(unit: AdministrativeUnit, year: int) -> Evaluation:
    """The engine's evaluation of ``unit`` and its direct children in survey year ``year``.

    The same answer as engine.evaluate over the unit's communes (tested), from
    the communes' counts, cached or counted now.
    """
    if not existed(unit, year):
        return Evaluation(year, for_year(year).name, [])
    units = subtree(unit)
    q, counts = cached_counts(NOW, _communes(units), year)
    evaluation = _evaluated(counts, year, q.ruleset, _units_frame(unit, units, year),
                            _conditions(units, year))
    # Only the unit and its children are shown; the rest is not worth caching.
    wanted = _beneath(unit, units)
    return replace(evaluation, units=[u for u in evaluation.units if u.code in wanted])


@dataclass(frozen=True)
class Shortfall:
    """A criterion that would fail next year, and by how many of what it counts (people, or
    communes and districts for a roll-up share: rules.words.counted)."""

    key: str
    label: str
    gap: int
    counts: str


@dataclass(frozen=True)
class Outlook:
    """One standard of one unit: its level now and next year if nothing but time passes
    (engine.outlook's Change, with the names a page shows). Cached: it pickles."""

    code: str
    name: str
    standard: str
    standard_name: str
    level_now: int
    level_next: int
    change: str  # engine.outlook's LOSE, GAIN or KEEP
    shortfalls: tuple[Shortfall, ...]


@dataclass(frozen=True)
class VillageCriterion:
    key: str
    numerator: int
    denominator: int
    passed: bool | None  # None for an empty cohort (engine.result.CriterionResult)


@dataclass(frozen=True)
class VillageStandard:
    key: str
    level: int
    criteria: tuple[VillageCriterion, ...]

    def criterion(self, key: str) -> VillageCriterion:
        return next(c for c in self.criteria if c.key == key)


@dataclass(frozen=True)
class VillageResult:
    """One village of a commune judged as a commune would be. Cached: it pickles."""

    name: str
    has_data: bool
    standards: tuple[VillageStandard, ...]


def next_year(unit: AdministrativeUnit, year: int) -> list[Outlook]:
    """Each standard's level now and next year if nothing but time passes (engine.outlook),
    with the criteria that would fail and by how many people, for the unit and its children.

    As engine.outlook, from the communes' counts of this year and of the survey
    rolled forward (both cached per commune): next year is judged with this
    year's ruleset and units.
    """
    if not existed(unit, year):
        return []
    units = subtree(unit)
    communes, frame = _communes(units), _units_frame(unit, units, year)
    q, current = cached_counts(NOW, communes, year)
    _, rolled = cached_counts(NEXT, communes, year)
    conditions = _conditions(units, year)
    changes = compare(_evaluated(current, year, q.ruleset, frame, conditions),
                      evaluate_counts(rolled, year + 1, q.ruleset, frame, conditions))
    wanted = _beneath(unit, units)
    return [
        Outlook(c.code, c.name, c.standard, STANDARD_NAMES_VI.get(c.standard, c.standard),
                c.level_now, c.level_next, c.change,
                tuple(Shortfall(key, label(key), gap, counted(key)) for key, gap in c.shortfalls))
        for c in changes if c.code in wanted
    ]


def villages(commune: AdministrativeUnit, year: int) -> list[VillageResult]:
    """Each village of a commune measured as if it were a commune (engine rules unchanged).

    The law recognises communes, not villages (ND20 Art 16); the village figures
    show an officer where in the commune a rate is made or lost.
    """
    # A frozen year reads the village names pinned when it froze (recognition/freeze.py).
    names = sorted(set(Village.objects.filter(commune=commune).values_list("name", flat=True))
                   | set(PersonYear.objects.filter(person__household__commune=commune,
                                                   survey_year=year, pinned=True)
                         .values_list("pinned_village", flat=True).distinct()))
    if not names:
        return []
    difficult = UnitYear.objects.filter(unit=commune, survey_year=year,
                                        especially_difficult=True).exists()
    q = commune_counts.query(NOW, year)
    counts = commune_counts.frame(q, year, commune_counts.count_villages(q, year, commune.code))
    units = pl.DataFrame([(n, n, "commune", None, difficult) for n in names],
                         schema=UNITS_SCHEMA, orient="row")
    evaluation = evaluate_counts(counts, year, q.ruleset, units)
    return [
        VillageResult(u.name, u.has_data, tuple(
            VillageStandard(key, result.level, tuple(
                VillageCriterion(c.key, c.numerator, c.denominator, c.passed)
                for c in result.criteria))
            for key, result in u.standards.items()))
        for u in evaluation.units
    ]


def behind(commune: AdministrativeUnit, year: int, criterion_key: str) -> pl.DataFrame:
    """The people of a commune behind one criterion, with their situation (engine.people)."""
    criterion = next((c for c in for_year(year).criteria if c.key == criterion_key), None)
    if criterion is None:
        raise KeyError(criterion_key)
    difficult = UnitYear.objects.filter(unit=commune, survey_year=year,
                                        especially_difficult=True).exists()
    return people_behind(survey_record(year, [commune.code]), criterion, commune.code, year,
                         difficult)


def _revision(unit: AdministrativeUnit, year: int) -> str:
    """What a cached answer about the unit depends on.

    The revision of each of its communes (raised by every audited change,
    register/revisions.py) and the ĐBKK flags of the year; nothing has to
    remember to invalidate the answer. Hashed: a province has hundreds of communes.
    """
    units = subtree(unit)
    communes = _communes(units)
    state = (sorted(revisions.of(c.pk for c in communes).items()),
             sorted(_difficult(communes, year)), [u.pk for u in units])
    return f"{unit.pk}:{year}:{hashlib.sha1(repr(state).encode()).hexdigest()}"


def survey_years(communes: list[AdministrativeUnit]) -> list[int]:
    """The survey years with anyone surveyed in these communes, newest first.

    Each commune's years are cached under its revision, as its counts are: over
    a province of a million people the query takes seconds, and a page shows
    the years on every view.
    """
    revision = revisions.of(c.pk for c in communes)
    keys = {c.pk: f"years:{c.pk}:{revision[c.pk]}" for c in communes}
    found = cache.get_many(list(keys.values()))
    stale = [pk for pk, key in keys.items() if key not in found]
    if stale:
        years: dict[int, set[int]] = {pk: set() for pk in stale}
        for pk, year in (PersonYear.objects.filter(person__household__commune_id__in=stale)
                         .values_list("person__household__commune_id", "survey_year")
                         .distinct()):
            years[pk].add(year)
        stored = {keys[pk]: sorted(found_years) for pk, found_years in years.items()}
        cache.set_many(stored, 7 * 24 * 3600)
        found |= stored
    return sorted({year for key in keys.values() for year in found[key]}, reverse=True)


def scope_years(user: User) -> list[int]:
    """The survey years with data anywhere the user reads, newest first: where a page
    with no data of its own opens (kit/years.year_shown's ``scope``). The communes are
    the user's scope (scope.visible_communes, a new unit's predecessors included); the
    ministry, which reads no person but every unit's aggregates, reads every commune
    with a household."""
    if has_role(user, Role.MINISTRY_VIEWER):
        communes = AdministrativeUnit.objects.filter(
            type=AdministrativeUnit.Type.COMMUNE,
            pk__in=Household.objects.values("commune_id").distinct())
    else:
        communes = visible_communes(user)
    return survey_years(list(communes))


def count_now(communes: list[AdministrativeUnit], year: int) -> None:
    """Count the communes' rows now, for every survey year they have and ``year``, and cache
    them under the communes' current revisions.

    An import on SQLite (register/import_runs.py) calls this once it holds the
    communes and before its first batch: it raises their revisions only when it
    is done, so a page read meanwhile finds these counts, the register before
    the import, instead of counting half of it.
    """
    for wanted in sorted({*survey_years(communes), year}):
        for kind in (NOW, NEXT):
            try:
                cached_counts(kind, communes, wanted)
            except RulesetError:
                continue  # a year no ruleset judges is never shown with results


T = TypeVar("T")

ANSWER_FORMAT = 2
"""Raised when the shape of a cached answer changes (2: ``UnitResult.has_data`` and
``coverage``), so an answer pickled by the code before is never read by the code after."""

_LOCKS: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
_LOCKS_LOCK = threading.Lock()


def _lock(key: str) -> threading.Lock:
    with _LOCKS_LOCK:
        found = _LOCKS.get(key)
        if found is None:
            found = _LOCKS[key] = threading.Lock()
        return found


@dataclass
class Serving:
    """What a page that accepts the last figures while new ones are computed was served
    (``stale_allowed``): ``stale`` once any answer it read was such a last figure."""

    stale: bool = False


_SERVING: ContextVar[Serving | None] = ContextVar("phocap_serving", default=None)


@contextmanager
def stale_allowed() -> Iterator[Serving]:
    """Within this, ``cached`` may answer with the last figures computed for a unit and year
    while the worker recomputes them (register/warming.py), instead of computing them
    here. Only pages that say so, and show it, enter it (views.common.updating_page):
    a dossier's snapshot or a download never reads a figure being replaced."""
    serving = Serving()
    token = _SERVING.set(serving)
    try:
        yield serving
    finally:
        _SERVING.reset(token)


def serving_stale() -> bool:
    """Whether the page being served (``stale_allowed``) was answered with a last figure."""
    serving = _SERVING.get()
    return serving is not None and serving.stale


def _last_key(kind: str, unit: AdministrativeUnit, year: int) -> str:
    return f"{kind}:{ANSWER_FORMAT}:last:{unit.pk}:{year}"


def cached(kind: str, unit: AdministrativeUnit, year: int,
           compute: Callable[[AdministrativeUnit, int], T]) -> T:
    """``compute(unit, year)``, reused until the data beneath the unit change (``_revision``),
    as ``remembered`` keeps it."""
    return remembered(f"{kind}:{ANSWER_FORMAT}:{_revision(unit, year)}",
                      _last_key(kind, unit, year), lambda: _communes(subtree(unit)),
                      lambda: compute(unit, year))


def remembered(key: str, last: str, beneath: Callable[[], list[AdministrativeUnit]],
               compute: Callable[[], T]) -> T:
    """The answer cached under ``key`` (a state of the data it is computed from), or
    ``compute()`` cached under it; every computed answer of the register goes through here.

    A missing answer is computed by one thread of the process while the others
    asking for it wait: after an edit, everyone viewing the province asks at
    once, and each recomputing the same answer would only slow the others down.
    The worker computes it first, as a rule (register/warming.py): meanwhile a
    page that accepts it (``stale_allowed``) is answered with the answer last
    computed under ``last`` (the same question whatever the data: kind, unit and
    year), and says it is being updated, while a warm task on one of the communes
    ``beneath()`` is to come; with no such answer, or no warming to come, the
    answer is computed here.
    """
    found: T | None = cache.get(key)
    if found is not None:
        return found
    serving = _SERVING.get()
    if serving is not None:
        previous: T | None = cache.get(last)
        if previous is not None and _updating(beneath()):
            serving.stale = True
            return previous
    with _lock(key):
        found = cache.get(key)
        if found is None:
            found = compute()
            cache.set_many({key: found, last: found}, _KEEP_SECONDS)
    return found


def _updating(communes: list[AdministrativeUnit]) -> bool:
    """Whether the worker is to recompute the answers about these communes (a warm task on
    one of them is queued or running: register/warming.py)."""
    from phocap.register import warming  # warming computes through this module

    return warming.pending(communes)


_KEEP_SECONDS = 7 * 24 * 3600
"""How long an answer is kept: it stays right until the data beneath change; this bounds disk."""


def cached_results(unit: AdministrativeUnit, year: int) -> Evaluation:
    """``results``, reused until the data beneath the unit change.

    The evaluation is cached as itself (the engine's dataclasses, pickled by the
    cache), so pages read typed results with exact fractions, not the JSON.
    """
    found: Evaluation = cached("evaluation", unit, year, results)
    return found


def cached_villages(unit: AdministrativeUnit, year: int) -> list[VillageResult]:
    """``villages``, reused until the data beneath the commune change."""
    return cached("village-results", unit, year, villages)


def cached_next_year(unit: AdministrativeUnit, year: int) -> list[Outlook]:
    """``next_year``, reused until the data beneath the unit change."""
    return cached("outlook", unit, year, next_year)
