"""A commune's level for each standard, from its counts (docs/rules.md §3).

A commune's level for a standard is the highest level whose criteria and
prerequisites all hold; 0 means not recognised. A criterion whose cohort is
empty is not applicable and does not block a level, but a commune whose every
cohort for a standard is empty is not recognised (docs/rules.md §1). Conditions
(TT07 Arts 3–6) are applied when they are known and reported as not assessed
otherwise, never silently treated as met.

The ruleset is first turned into a plan (which count columns each criterion
reads, for normal and especially difficult communes), so that evaluating the
ten thousand communes of a nation does no more than look numbers up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from phocap.engine.counts import Count, cohort, cohort_breakdown
from phocap.engine.result import MET, NOT_ASSESSED, NOT_MET, CriterionResult, StandardResult
from phocap.rules import Criterion, Ruleset

BREAKDOWN_KEYS = ("total", "moved_in", "moved_away", "deceased", "cannot_study", "in_scope")


@dataclass(frozen=True)
class _Read:
    """Where one criterion's numbers are, for one kind of commune."""

    criterion: Criterion
    ages: tuple[int, int]
    numerator: str
    denominator: str
    breakdown: tuple[tuple[str, str], ...]  # (key, column)


@dataclass(frozen=True)
class Plan:
    ruleset: Ruleset
    reads: dict[tuple[str, bool], tuple[_Read, ...]]  # (standard, especially difficult)
    levels: dict[str, tuple[tuple[int, tuple[tuple[str, int], ...]], ...]]  # level, requires


def plan(ruleset: Ruleset) -> Plan:
    reads: dict[tuple[str, bool], tuple[_Read, ...]] = {}
    for standard in ruleset.standards:
        for difficult in (False, True):
            found = []
            for level in ruleset.levels_of(standard):
                for criterion in ruleset.criteria_of(standard, level.level):
                    ages = criterion.cohort(difficult)
                    found.append(_Read(
                        criterion,
                        ages,
                        Count("in_scope", criterion.fact, *ages).column,
                        cohort(*ages).column,
                        tuple(zip(BREAKDOWN_KEYS, (c.column for c in cohort_breakdown(*ages)),
                                  strict=True)),
                    ))
            reads[(standard, difficult)] = tuple(found)
    levels = {
        s: tuple((lv.level, lv.requires) for lv in ruleset.levels_of(s))
        for s in ruleset.standards
    }
    return Plan(ruleset, reads, levels)


def criteria_results(
    reads: tuple[_Read, ...], counts: Mapping[str, Any], especially_difficult: bool
) -> list[CriterionResult]:
    return [
        CriterionResult(
            key=r.criterion.key,
            level=r.criterion.level,
            numerator=counts.get(r.numerator, 0),
            denominator=counts.get(r.denominator, 0),
            threshold=r.criterion.threshold_for(especially_difficult),
            source=r.criterion.source,
            mark=r.criterion.mark,
            fact=r.criterion.fact,
            ages=r.ages,
            note=r.criterion.note,
            breakdown={key: counts.get(column, 0) for key, column in r.breakdown},
        )
        for r in reads
    ]


def commune_standards(
    planned: Plan,
    counts: Mapping[str, Any],
    especially_difficult: bool,
    conditions: Mapping[str, bool] | None = None,
) -> dict[str, StandardResult]:
    """Every standard of the ruleset for one commune and year."""
    standards = planned.ruleset.standards
    criteria = {
        s: criteria_results(planned.reads[(s, especially_difficult)], counts,
                            especially_difficult)
        for s in standards
    }
    conditions = conditions or {}
    memo: dict[tuple[str, int], bool] = {}

    def own(standard: str, level: int) -> bool:
        """The level's own criteria hold (not-applicable ones do not block)."""
        return all(c.passed is not False for c in criteria[standard] if c.level == level)

    def empty(standard: str) -> bool:
        return all(not c.applicable for c in criteria[standard])

    def allowed(standard: str) -> bool:
        return conditions.get(standard, True) and not empty(standard)

    def holds(standard: str, level: int) -> bool:
        key = (standard, level)
        if key not in memo:
            memo[key] = False  # guards against cycles; the loader rejects them anyway
            requires = dict(planned.levels[standard])[level]
            memo[key] = (
                allowed(standard)
                and own(standard, level)
                and all(holds(s, lv) for s, lv in requires)
            )
        return memo[key]

    results: dict[str, StandardResult] = {}
    for standard in standards:
        levels = planned.levels[standard]
        achieved = 0
        for level, _ in levels:
            if not holds(standard, level):
                break
            achieved = level
        unmet: list[str] = []
        if achieved < len(levels):
            _, requires = levels[achieved]
            unmet = [f"{s}.{lv}" for s, lv in requires if s != standard and not holds(s, lv)]
        state = conditions.get(standard)
        results[standard] = StandardResult(
            standard=standard,
            level=achieved,
            criteria=criteria[standard],
            conditions=NOT_ASSESSED if state is None else (MET if state else NOT_MET),
            unmet_prerequisites=unmet,
            empty=empty(standard),
        )
    return results
