"""A rate against its plan target, in exact arithmetic (no Django: plain numbers).

The rate is numerator / denominator kept as a fraction and the target a decimal
percentage, so "129/250 against 50.5%" is exactly 51.6 − 50.5 = 1.1 points;
rounding happens only when shown, by phocap.numbers (docs/rules.md §1: two decimals
for a rate, half-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Comparison:
    numerator: int
    denominator: int
    target: Decimal | None

    @property
    def rate_pct(self) -> Fraction | None:
        """The rate in percent; None when nobody is of that age (not applicable)."""
        if self.denominator == 0:
            return None
        return Fraction(self.numerator * 100, self.denominator)

    @property
    def points(self) -> Fraction | None:
        """Percentage points above (positive) or below (negative) the target."""
        rate = self.rate_pct
        if rate is None or self.target is None:
            return None
        return rate - Fraction(self.target)

