"""A commune's level for each standard, from its counts (rules.md §3).

A commune's level for a standard is the highest level whose criteria and
prerequisites all hold; 0 means not recognised. A criterion whose cohort is
empty is not applicable and does not block a level, but a commune whose every
cohort for a standard is empty is not recognised (rules.md §1). Conditions
(TT07 Arts 3–6) are applied when they are known and reported as not assessed
otherwise, never silently treated as met.
"""

from __future__ import annotations

from collections.abc import Mapping

from phocap.engine.counts import Count, cohort, cohort_breakdown
from phocap.engine.result import MET, NOT_ASSESSED, NOT_MET, CriterionResult, StandardResult
from phocap.rules import Ruleset

BREAKDOWN_KEYS = ("total", "moved_in", "moved_away", "deceased", "cannot_study", "in_scope")


def criteria_results(
    ruleset: Ruleset, standard: str, counts: Mapping[str, int], especially_difficult: bool
) -> list[CriterionResult]:
    results = []
    for level in ruleset.levels_of(standard):
        for criterion in ruleset.criteria_of(standard, level.level):
            ages = criterion.cohort(especially_difficult)
            breakdown = {
                key: counts.get(c.column, 0)
                for key, c in zip(BREAKDOWN_KEYS, cohort_breakdown(*ages), strict=True)
            }
            results.append(
                CriterionResult(
                    key=criterion.key,
                    level=criterion.level,
                    numerator=counts.get(Count("in_scope", criterion.fact, *ages).column, 0),
                    denominator=counts.get(cohort(*ages).column, 0),
                    threshold=criterion.threshold_for(especially_difficult),
                    source=criterion.source,
                    mark=criterion.mark,
                    fact=criterion.fact,
                    ages=ages,
                    note=criterion.note,
                    breakdown=breakdown,
                )
            )
    return results


def commune_standards(
    ruleset: Ruleset,
    counts: Mapping[str, int],
    especially_difficult: bool,
    conditions: Mapping[str, bool] | None = None,
) -> dict[str, StandardResult]:
    """Every standard of the ruleset for one commune and year."""
    criteria = {
        s: criteria_results(ruleset, s, counts, especially_difficult) for s in ruleset.standards
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
            definition = next(lv for lv in ruleset.levels_of(standard) if lv.level == level)
            memo[key] = (
                allowed(standard)
                and own(standard, level)
                and all(holds(s, lv) for s, lv in definition.requires)
            )
        return memo[key]

    results: dict[str, StandardResult] = {}
    for standard in ruleset.standards:
        levels = ruleset.levels_of(standard)
        achieved = 0
        for level in levels:
            if holds(standard, level.level):
                achieved = level.level
            else:
                break
        unmet: list[str] = []
        if achieved < len(levels):
            following = levels[achieved]
            unmet = [f"{s}.{lv}" for s, lv in following.requires
                     if s != standard and not holds(s, lv)]
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
