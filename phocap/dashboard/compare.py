"""A rate against its plan target, in exact arithmetic (no Django: plain numbers).

The rate is numerator / denominator kept as a fraction and the target a decimal
percentage, so "129/250 against 50.5%" is exactly 51.6 − 50.5 = 1.1 points;
rounding happens only when shown (rules.md §1: two decimals for a rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from phocap.reports.charts import vi_number

HUNDREDTH = Decimal("0.01")


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


def rounded(value: Fraction, places: Decimal = HUNDREDTH) -> Decimal:
    """Half away from zero, as officers round by hand (51,605 → 51,61)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(places, rounding=ROUND_HALF_UP)


def vi_rate(rate: Fraction | None) -> str:
    """"51,60%"; "—" when not applicable."""
    return "—" if rate is None else f"{vi_number(float(rounded(rate)))}%"


def vi_points(value: Decimal | Fraction) -> str:
    """1.10 → "1,1"; 2 → "2"; at most two decimals, none that say nothing."""
    number = abs(rounded(Fraction(value)))
    text = f"{number:f}".rstrip("0").rstrip(".") if "." in f"{number:f}" else f"{number:f}"
    return text.replace(".", ",")
