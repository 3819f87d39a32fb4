"""phocap.numbers, the one formatter: the rule checked by hand, and a guard against a second.

Every expected value below is worked out in the comment beside it; none comes from
the function under test.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from phocap import numbers

PACKAGE = Path(__file__).parent.parent / "phocap"


def test_the_ties_of_the_issue_round_half_up() -> None:
    # 3 of 160: 3 × 100 / 160 = 300 / 160 = 1.875 exactly, a tie: half-up gives 1.88.
    assert numbers.percent(Fraction(3, 160)) == "1,88%"
    # 1 of 32: 100 / 32 = 3.125 exactly, a tie: half-up gives 3.13.
    assert numbers.percent(Fraction(1, 32)) == "3,13%"
    assert numbers.rate(1, 32) == "3,13%"
    # The binary-float route every copy took turns the second tie down (3.125 is exact in
    # binary and Python formats ties to even): that is the disagreement of the issue.
    assert f"{float(Fraction(1, 32)) * 100:.2f}" == "3.12"
    # 1 of 160: 0.625 → 0.63; 7 of 160: 4.375 → 4.38; 1234 of 1600: 77.125 → 77.13.
    assert [numbers.rate(n, d) for n, d in ((1, 160), (7, 160), (1234, 1600))] == [
        "0,63%", "4,38%", "77,13%"]


def test_rates_read_as_the_ministry_writes_them() -> None:
    # 20 / 21 = 0.952380… → 95.238… % → 95.24 (the 8 below 5 rounds down).
    assert numbers.rate(20, 21) == "95,24%"
    # 1 / 3 = 33.333… % → 33.33; 2 / 3 = 66.666… % → 66.67.
    assert (numbers.rate(1, 3), numbers.rate(2, 3)) == ("33,33%", "66,67%")
    assert numbers.rate(7, 7) == "100,00%" and numbers.rate(0, 7) == "0,00%"
    # Nobody to count is not applicable, never 0%.
    assert numbers.rate(0, 0) == "—" and numbers.percent(None) == "—"
    # A rate already in percent (a comparison, a stored figure): 51.605 → 51.61.
    assert numbers.points(Fraction(51605, 1000)) == "51,61%"
    # The value an XLSX cell holds is the shown rate, 1.88% = 0.0188.
    assert numbers.cell_rate(Fraction(3, 160)) == 0.0188


def test_a_hair_under_the_threshold_prints_as_the_threshold_and_is_found() -> None:
    # 1899 / 1999 = 0.949974987… → 94.9975 % at four decimals, 95.00 at two, yet < 95%.
    assert numbers.rate(1899, 1999) == "95,00%"
    assert numbers.percent(Fraction(1899, 1999), places=4) == "94,9975%"
    assert numbers.rounds_across(1899, 1999, Fraction(19, 20))
    # At the threshold (1900 / 2000 = 95%), just above (1901 / 2000 = 95.05%) and clearly
    # below (1898 / 2000 = 94.90%) print what they are: nothing to say.
    assert not numbers.rounds_across(1900, 2000, Fraction(19, 20))
    assert not numbers.rounds_across(1901, 2000, Fraction(19, 20))
    assert not numbers.rounds_across(1898, 2000, Fraction(19, 20))
    # A threshold read back from JSON as the float 0.95 is 19/20, not its binary neighbour.
    assert numbers.rounds_across(1899, 1999, 0.95)
    assert not numbers.rounds_across(0, 0, 0.95)


def test_every_fraction_up_to_400_matches_decimal_arithmetic() -> None:
    """An independent route: Decimal division (28 digits, exact for every tie, which has
    at most three decimals here) quantized half-up."""
    for denominator in range(1, 401):
        for numerator in range(denominator + 1):
            exact = Decimal(numerator * 100) / Decimal(denominator)
            expected = str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            assert numbers.rate(numerator, denominator) == expected.replace(".", ",") + "%"


def test_integers_years_school_years_and_dates() -> None:
    assert numbers.integer(14804) == "14.804"
    assert numbers.integer(1234567) == "1.234.567"
    assert numbers.integer(999) == "999" and numbers.integer(0) == "0"
    assert numbers.integer(-1234) == "-1.234"
    # A year is never grouped, even where counts are (a form's "Năm sinh" column).
    assert numbers.year(2008) == "2008" and numbers.integer(numbers.Year(2008)) == "2008"
    assert numbers.school_year(2023) == "2023–2024"
    assert numbers.date(dt.date(2023, 5, 31)) == "31/05/2023"
    assert numbers.date(dt.date(2021, 3, 5)) == "05/03/2021"


def test_an_approximate_figure_is_marked_one_way() -> None:
    """A sum over predecessors of which one was split (register/series.py): "≈ 60,00%";
    nothing to mark on "—", and a figure is never marked twice."""
    assert numbers.approximate(numbers.rate(6, 10)) == "≈ 60,00%"
    assert numbers.approximate(numbers.year(2023)) == "≈ 2023"
    assert numbers.approximate(numbers.rate(0, 0)) == "—"
    assert numbers.approximate(numbers.approximate("60,00%")) == "≈ 60,00%"


def test_norms_thresholds_targets_and_differences() -> None:
    # 0.275 rooms per class is a tie: 0.28; 1 room per class reads "1" without zeros.
    assert numbers.decimal(Fraction(275, 1000)) == "0,28"
    assert numbers.decimal(1, trim=True) == "1"
    assert numbers.decimal(Decimal("1234.5"), 1) == "1.234,5"
    assert numbers.threshold(Fraction(19, 20)) == "95%"
    assert numbers.threshold(Fraction(37, 40)) == "92,5%"
    assert numbers.threshold(0.9) == "90%"
    assert numbers.target(Decimal("50.5")) == "50,5%" and numbers.target(None) == "—"
    # 51.6 − 52 = −0.4 points: the sentence says "below", the figure is 0,4.
    assert numbers.difference(Fraction(-4, 10)) == "0,4"
    # Half away from zero on a negative tie: −0.125 → −0.13.
    assert numbers.rounded(Fraction(-1, 8)) == Decimal("-0.13")


# Patterns that format a number by hand. A new one outside phocap/numbers.py fails here:
# route it through phocap.numbers (or the template filters in register/templatetags/figures.py).
FORMATTERS = {
    "python": re.compile(
        r"def vi_(number|percent|rate|points)\b"          # the copies this module replaced
        r"|\{[^{}]*:,[^{}]*\}"                            # f"{n:,}" thousands
        r"|\{[^{}]*:[^{}]*\.\d+[f%]\}"                    # f"{x:.2f}", f"{x:.1%}"
        r"|\.replace\(\"[.,]\", \"[.,]\"\)"               # swapping the marks by hand
        r"|%\.\d+f"                                       # "%.2f" % x
        r"|% 100:02d"                                     # hundredths split by hand
        r"|strftime\(\"%d/%m/%Y\"\)"                         # a date by hand
        r"|≈"),                                            # approximate, marked by hand
    "html": re.compile(r"floatformat|intcomma|date:[\"']d/m/Y[\"']|≈"),
}
# Not a figure an officer compares: elapsed seconds of the demo loader, SVG coordinates,
# and reading a typed target ("50,5" → 50.5), which is parsing, not showing.
ALLOWED = {("demo/management/commands/loaddemo.py", "giây"),
           ("reports/charts.py", 'text = f"{value:.1f}"'),
           ("ratefield.py", 'rstrip("%")'),
           # The official reader hands a typed date on as the text the parser reads.
           ("survey/official/cells.py", 'person.raw["birth_date"]')}


def offenders() -> list[str]:
    found = []
    for kind, suffix in (("python", "*.py"), ("html", "*.html")):
        for path in sorted(PACKAGE.rglob(suffix)):
            relative = str(path.relative_to(PACKAGE))
            if relative == "numbers.py" or relative.startswith(("synth/", "locale/")):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not FORMATTERS[kind].search(line):
                    continue
                if any(relative == where and word in line for where, word in ALLOWED):
                    continue
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_number_is_formatted_outside_the_one_formatter() -> None:
    assert offenders() == []


def test_the_guard_sees_a_formatter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Guard against the guard passing because it looks in the wrong place or matches nothing.
    samples = ['x = f"{value:,}"', 'x = f"{rate * 100:.2f}%"', 'x = s.replace(".", ",")',
               "def vi_percent(value):", 'x = "%.1f" % y', 'day.strftime("%d/%m/%Y")',
               'x = "≈ " + rate']
    assert all(FORMATTERS["python"].search(s) for s in samples)
    assert FORMATTERS["html"].search("{{ c.rate_pct|floatformat:2 }}")
    assert FORMATTERS["html"].search("≈ {{ r.rate }}")
    assert not FORMATTERS["python"].search('x = f"{day.day:02d}/{year}"')
    assert (PACKAGE / "reports" / "dossier.py").exists()


def test_the_engine_sentence_says_when_rounding_crosses_the_threshold() -> None:
    """`phocap evaluate` prints 1899/1999 as 95,00% like every output, and since that is
    below 95% (94,9975…%), says so rather than "95,00% < 95,00%" alone."""
    from phocap.engine.export import criterion_sentence
    from phocap.engine.result import CriterionResult

    failing = CriterionResult("primary.1.grade_1_at_6", 1, 1899, 1999, Fraction(19, 20),
                              "ND20 Art 9", ages=(6, 6))
    assert "1.899/1.999 = 95,00% < 95,00% (94,9975% trước khi làm tròn)" in (
        criterion_sentence(failing))
    at = CriterionResult("primary.1.grade_1_at_6", 1, 1900, 2000, Fraction(19, 20),
                         "ND20 Art 9", ages=(6, 6))
    assert "1.900/2.000 = 95,00% ≥ 95,00% [" in criterion_sentence(at)


def test_every_fraction_up_to_2000_reads_the_same_on_screen_on_paper_and_in_a_spreadsheet(
) -> None:
    """Every rate n/d with d ≤ 2000 (n ≤ d, in lowest terms, so every value once): the
    string pages, forms, the PDF and the charts print (numbers.rate/percent, the only
    formatter they may use: tests/test_architecture.py) is the official half-up rounding
    worked out here in integers, and the XLSX cell holds exactly those hundredths, so a
    "0.00%" format shows the same digits. The rendering of each output is checked on
    fractions chosen for their ties in tests/web/test_numbers_everywhere.py.

    Half-up to hundredths of a percent: h = floor((n · 10000 · 2 + d) / (2d)).
    """
    from math import gcd

    checked = 0
    for d in range(1, 2001):
        for n in range(d + 1):
            if gcd(n, d) != 1:
                continue
            hundredths = (2 * n * 10000 + d) // (2 * d)
            expected = f"{hundredths // 100},{hundredths % 100:02d}%"
            shown = numbers.rate(n, d)
            cell = numbers.cell_rate(Fraction(n, d))
            assert (shown, round(cell * 10000)) == (expected, hundredths), (n, d)
            assert abs(cell * 10000 - hundredths) < 1e-6, (n, d)
            checked += 1
    assert checked == 1_216_589  # 0/1 and φ(1) + … + φ(2000): each value once
