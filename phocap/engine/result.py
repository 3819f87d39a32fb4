"""What the engine answers, with every number explained.

Rates are exact fractions; they are rounded only when shown (docs/rules.md §1), by
phocap.numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

NOT_ASSESSED = "not_assessed"
MET = "met"
NOT_MET = "not_met"


def gap(numerator: int, denominator: int, threshold: Fraction) -> int:
    """The fewest more people who must meet a criterion for its rate to reach the threshold.

    The smallest whole k with (numerator + k) / denominator ≥ threshold.
    """
    if denominator == 0:
        return 0
    # ceil(p·d / q) in integers: the same number without building a Fraction, which a
    # nation's 10,000 communes × 30 criteria made a third of writing their JSON.
    needed = -(-threshold.numerator * denominator // threshold.denominator)
    return max(0, needed - numerator)


@dataclass
class CriterionResult:
    key: str
    level: int
    numerator: int
    denominator: int
    threshold: Fraction
    source: str
    mark: str = "law"
    fact: str = ""
    ages: tuple[int, int] | None = None
    note: str = ""
    breakdown: dict[str, int] = field(default_factory=dict)  # total, moved_in, exclusions

    @property
    def applicable(self) -> bool:
        return self.denominator > 0

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def passed(self) -> bool | None:
        """None when not applicable (an empty cohort), never a division by zero.

        numerator / denominator ≥ p / q, compared exactly as n·q ≥ p·d.
        """
        if self.denominator == 0:
            return None
        threshold = self.threshold
        return self.numerator * threshold.denominator >= threshold.numerator * self.denominator

    @property
    def gap(self) -> int:
        return gap(self.numerator, self.denominator, self.threshold)

    def to_json(self) -> dict[str, Any]:
        # n / d of two ints is correctly rounded, as float(Fraction(n, d)) is.
        out: dict[str, Any] = {
            "key": self.key,
            "level": self.level,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": round(self.numerator / self.denominator, 4) if self.denominator else None,
            "threshold": float(self.threshold),
            "passed": self.passed,
            "source": self.source,
            "mark": self.mark,
            "gap": self.gap,
        }
        if self.ages is not None:
            out["ages"] = list(self.ages)
        if self.fact:
            out["fact"] = self.fact
        if self.breakdown:
            out["breakdown"] = dict(self.breakdown)
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class StandardResult:
    standard: str
    level: int
    criteria: list[CriterionResult]
    conditions: str = NOT_ASSESSED
    unmet_prerequisites: list[str] = field(default_factory=list)
    empty: bool = False  # every cohort empty: not recognised (docs/rules.md §1)

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "conditions": self.conditions,
            "unmet_prerequisites": self.unmet_prerequisites,
            "criteria": [c.to_json() for c in self.criteria],
        }


@dataclass
class IndicatorResult:
    key: str
    label_vi: str
    numerator: int
    denominator: int
    source: str
    mark: str = "law"

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    def to_json(self) -> dict[str, Any]:
        # n / d of two ints is correctly rounded, as float(Fraction(n, d)) is.
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": round(self.numerator / self.denominator, 4) if self.denominator else None,
            "source": self.source,
            "mark": self.mark,
        }


@dataclass
class UnitResult:
    code: str
    name: str
    type: str
    parent_code: str | None
    especially_difficult: bool
    standards: dict[str, StandardResult]
    indicators: dict[str, IndicatorResult] = field(default_factory=dict)
    # Whether anyone was surveyed in the unit that year (a larger unit: below it). A unit
    # without data is neither judged nor counted by its parent (docs/rules.md §1).
    has_data: bool = True
    # A larger unit: how many of the units its roll-up judges have data, of how many.
    coverage: tuple[int, int] | None = None

    def level(self, standard: str) -> int:
        return self.standards[standard].level

    @property
    def partial(self) -> bool:
        """A roll-up that leaves out some of its units for want of data."""
        return self.coverage is not None and self.coverage[0] < self.coverage[1]

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type,
            "parent_code": self.parent_code,
            "especially_difficult": self.especially_difficult,
            "standards": {k: v.to_json() for k, v in self.standards.items()},
            "indicators": {k: v.to_json() for k, v in self.indicators.items()},
        }


@dataclass
class Evaluation:
    year: int
    ruleset: str
    units: list[UnitResult]
    unverified: list[str] = field(default_factory=list)

    def unit(self, code: str) -> UnitResult:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise KeyError(code)

    def communes_below(self, code: str) -> list[str]:
        """Every commune at or below a unit, following parent codes, sorted."""
        if self.unit(code).type == "commune":
            return [code]
        found: list[str] = []
        for child in self.units:
            if child.parent_code == code:
                found.extend(self.communes_below(child.code))
        return sorted(found)

    def of_type(self, unit_type: str) -> list[UnitResult]:
        return [u for u in self.units if u.type == unit_type]

    def head_json(self) -> dict[str, Any]:
        """What the JSON says before its units (export.json_parts writes them one by one)."""
        return {"year": self.year, "ruleset": self.ruleset, "unverified": self.unverified}

    def to_json(self) -> dict[str, Any]:
        return {**self.head_json(), "units": [u.to_json() for u in self.units]}
