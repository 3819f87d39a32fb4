"""Roll-up to districts and provinces (docs/rules.md §4).

Before 1 July 2025 a district holds a level when a share of its communes hold
it or a higher one, and a province when a share of its districts do. From 1 July
2025 there are no districts and a province is judged on its communes directly.
The shares come from the ruleset; the answer is expressed as criteria like a
commune's ("19 of 21 communes", threshold 90%), so it explains itself the same
way.
"""

from __future__ import annotations

from phocap.engine.result import CriterionResult, StandardResult, UnitResult
from phocap.rules import Ruleset

UNIT_WORD = {"commune": "communes", "district": "districts"}


def _share_criteria(
    ruleset: Ruleset, standard: str, level: int, children: list[UnitResult], parent_type: str
) -> list[CriterionResult]:
    share = ruleset.share(standard, level)
    at_level = [c for c in children if c.level(standard) >= level]
    child_type = children[0].type if children else "commune"
    word = UNIT_WORD[child_type]
    if parent_type == "district":
        threshold = share.district
        assert threshold is not None, "checked by the ruleset loader"
    else:
        threshold = share.province
    if share.province_especially_difficult is not None and parent_type == "province":
        # ND277: separate shares for communes that are and are not especially difficult.
        groups = (
            ("normal", [c for c in children if not c.especially_difficult], threshold),
            ("especially_difficult", [c for c in children if c.especially_difficult],
             share.province_especially_difficult),
        )
        return [
            CriterionResult(
                key=f"{standard}.{level}.share_of_{group}_{word}",
                level=level,
                numerator=sum(1 for c in members if c.level(standard) >= level),
                denominator=len(members),
                threshold=group_threshold,
                source=share.source,
                mark=share.mark,
                note=share.note,
            )
            for group, members, group_threshold in groups
        ]
    return [
        CriterionResult(
            key=f"{standard}.{level}.share_of_{word}",
            level=level,
            numerator=len(at_level),
            denominator=len(children),
            threshold=threshold,
            source=share.source,
            mark=share.mark,
            note=share.note,
        )
    ]


def short_of(criterion: CriterionResult, standard: str,
             children: list[UnitResult]) -> list[UnitResult]:
    """The units a roll-up share counts that do not hold its level: the communes (or
    districts) a district (or province) is waiting for, named on its results page.

    Of an ND277 share, the units of its group only (``_share_criteria``'s keys).
    """
    if ".share_of_especially_difficult_" in criterion.key:
        counted = [c for c in children if c.especially_difficult]
    elif ".share_of_normal_" in criterion.key:
        counted = [c for c in children if not c.especially_difficult]
    else:
        counted = children
    return [c for c in counted
            if standard in c.standards and c.level(standard) < criterion.level]


def rolled_up(
    ruleset: Ruleset, standard: str, children: list[UnitResult], parent_type: str
) -> StandardResult:
    """A district's or province's result for one standard, from its units below."""
    criteria: list[CriterionResult] = []
    achieved = 0
    climbing = True
    for level in ruleset.levels_of(standard):
        level_criteria = _share_criteria(ruleset, standard, level.level, children, parent_type)
        criteria.extend(level_criteria)
        applicable = [c for c in level_criteria if c.applicable]
        holds = bool(applicable) and all(c.passed for c in applicable)
        if climbing and holds:
            achieved = level.level
        else:
            climbing = False
    return StandardResult(standard=standard, level=achieved, criteria=criteria,
                          empty=not children)

