"""How every figure reads, on pages, forms, XLSX, PDF, charts and the command line.

One module, so a figure an officer copies from one output matches every other: the
same fraction printed "1,87%" on the results page and "1,88%" in the dossier is a
discrepancy someone has to explain in a sealed report. The rule (docs/numbers.md):

- a rate is a percentage of the exact fraction a/b, rounded **half-up to two
  decimals** and written with a decimal comma, "95,24%" (the ministry's own tool, one
  source: docs/numbers.md, "Source and confidence"); an empty denominator is "—",
  never 0%. Arithmetic is exact (Fraction, Decimal): binary floats turn the tie
  3/160 = 1,875% into 1,87 in one place and 1,88 in another;
- a threshold or a plan target is written as the law or the plan states it, without
  needless zeros ("95%", "92,5%"): it is a given, not a computed rate;
- whole numbers take "." between thousands ("14.804"); a year never does ("2008"),
  a school year is "2023–2024", a date "31/05/2023";
- a figure that is not exact (a sum over predecessors of which one was split or has no
  data) is marked "≈ 95,24%" (``approximate``), on every output the same way;
- levels are decided on exact fractions (docs/rules.md §1), so a rate a hair under its
  threshold can print as the threshold: ``rounds_across`` finds those, and the pages
  say so.

Its home is the package root, not a core package: every layer needs it (survey's
problem reports, engine's exports, reports' forms, PDF and charts, the Django apps'
template filters), and survey, the lowest core package, must not import reports or
engine. It imports nothing from phocap and never Django (tests/test_architecture.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

DASH = "—"
"""What a rate without a denominator shows: not applicable, not zero."""

APPROXIMATE = "≈"
"""What marks a figure that is not exact: a new commune's year before 1 July 2025 summed
from predecessors of which one was split or had no data (register/series.py)."""

Exact = int | Fraction | Decimal


class Year(int):
    """A year among counts (a form's "Năm sinh" column): shown "2008", never "2.008"."""


def exact(value: Exact | float) -> Fraction:
    """The number a value stands for; a float (a threshold read back from stored JSON)
    by its shortest decimal form, 0.95 → 19/20, never by its binary neighbour."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def rounded(value: Exact, places: int = 2) -> Decimal:
    """Half away from zero at ``places`` decimals, exactly: 1.875 → 1.88, −0.125 → −0.13.

    The official tool's Math.round is half-up on the non-negative rates it rounds;
    for differences (points below a target) the magnitude is rounded the same way.
    """
    exact = Fraction(value)
    scaled = abs(exact) * 10**places
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    sign = -1 if exact < 0 else 1
    return Decimal(sign * whole).scaleb(-places)


def _grouped(digits: str) -> str:
    """"14804" → "14.804" (digits only, no sign)."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return ".".join(groups)


def decimal(value: Exact, places: int = 2, trim: bool = False) -> str:
    """A number with "." between thousands and "," before ``places`` decimals, half-up:
    0.275 → "0,28"; with ``trim``, no trailing zeros: 1.10 → "1,1", 2 → "2"."""
    number = rounded(value, places)
    text = f"{abs(number):f}"
    whole, _, fraction = text.partition(".")
    if trim:
        fraction = fraction.rstrip("0")
    sign = "-" if number < 0 else ""
    return sign + _grouped(whole) + ("," + fraction if fraction else "")


def integer(value: int) -> str:
    """14804 → "14.804"."""
    if isinstance(value, Year):
        return year(value)
    return ("-" if value < 0 else "") + _grouped(str(abs(int(value))))


def year(value: int) -> str:
    """2008 → "2008": a year is a name, never grouped."""
    return str(int(value))


def school_year(start: int) -> str:
    """2023 → "2023–2024" (the school year that starts in September ``start``)."""
    return f"{int(start)}–{int(start) + 1}"


def date(day: dt.date) -> str:
    """31/05/2023."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def percent_value(ratio: Fraction) -> Decimal:
    """The rate as shown, in percent: 20/21 → Decimal("95.24")."""
    return rounded(Fraction(ratio) * 100)


def percent(ratio: Fraction | None, places: int = 2) -> str:
    """A rate from its exact fraction: 20/21 → "95,24%", 3/160 → "1,88%"; None → "—"."""
    if ratio is None:
        return DASH
    return decimal(Fraction(ratio) * 100, places) + "%"


def rate(numerator: int, denominator: int) -> str:
    """numerator/denominator as a rate: (20, 21) → "95,24%"; (0, 0) → "—"."""
    return percent(Fraction(numerator, denominator) if denominator else None)


def approximate(text: str) -> str:
    """A figure shown as approximate: "95,24%" → "≈ 95,24%"; "—" (nothing to mark) stays."""
    return text if text == DASH or text.startswith(APPROXIMATE) else f"{APPROXIMATE} {text}"


def points(value: Exact | None) -> str:
    """A value already in percent (a stored target, 27.5) as a rate: "27,50%"; None → "—"."""
    return DASH if value is None else decimal(value) + "%"


def target(value: Exact | None) -> str:
    """A given percentage (a plan target, 50.5) as typed: "50,5%", 40 → "40%"; None → "—"."""
    return DASH if value is None else decimal(value, trim=True) + "%"


def threshold(ratio: Exact | float) -> str:
    """A threshold as the law writes it: 19/20 (or 0.95) → "95%", 37/40 → "92,5%"."""
    return target(exact(ratio) * 100)


def difference(value: Exact) -> str:
    """How far a rate is from a target, in percentage points, without sign or needless
    zeros (the sentence says above or below): −0.4 → "0,4", 1.10 → "1,1"."""
    return decimal(abs(Fraction(value)), trim=True)


def cell_rate(ratio: Fraction) -> float:
    """The value an XLSX rate cell holds: the rate as shown, so a "0.00%" format shows
    the same digits as every other output whatever the spreadsheet's own rounding."""
    return float(percent_value(ratio) / 100)


def rounds_across(numerator: int, denominator: int, needed: Exact | float) -> bool:
    """True when the printed rate and the exact one fall on different sides of the
    threshold: 1899/1999 = 94,9975% prints "95,00%" yet fails 95%."""
    if not denominator:
        return False
    ratio, limit = Fraction(numerator, denominator), exact(needed)
    return (ratio >= limit) != (percent_value(ratio) >= limit * 100)
