"""Every rate with a denominator up to 2,000 reads alike through every output's own code.

Issue 13 found one rate printed "1,87%" on the results page and "1,88%" in the PDF and
the XLSX forms. The pages' own tests (tests/web/test_numbers_everywhere.py) render real
pages; this one puts all 1,216,589 fractions through each output's formatting path. It
needs no database, so it lives outside tests/web and runs once in CI, not again on
PostgreSQL.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

NINETY_FIVE = Fraction(19, 20)


@pytest.mark.slow
def test_every_fraction_up_to_2000_reads_alike_through_every_outputs_own_path() -> None:
    """Every rate n/d with d ≤ 2000 (n ≤ d, in lowest terms: 1,216,589 values) through
    the code each output prints it with, not through phocap.numbers alone: the template
    filter pages use (``{{ n|rate:d }}``, rendered in a template for d ≤ 200 and called as
    the registered filter for all), the form cell (``reports.model.shown``), the dossier's
    criterion (its PDF table and sentences), the XLSX cell writer (``reports.xlsx._value``
    under "0.00%"), and the trends chart's label of the value the dashboard hands it
    (``trends._rate`` → ``charts.percent_label``). Each gives the official half-up
    rounding worked out here in integers: h = floor((n · 10000 · 2 + d) / (2d))
    hundredths of a percent."""
    from math import gcd

    from django.template import Context, Template

    from phocap.dashboard.trends import _rate
    from phocap.register.templatetags.figures import register as figures
    from phocap.reports import charts, xlsx
    from phocap.reports.dossier import Criterion
    from phocap.reports.model import shown

    page = Template("{% load figures %}{% for n in numerators %}{{ n|rate:d }}\n{% endfor %}")
    page_filter = figures.filters["rate"]
    checked = 0
    for d in range(1, 2001):
        numerators = [n for n in range(d + 1) if gcd(n, d) == 1]
        expected = []
        for n in numerators:
            hundredths = (2 * n * 10000 + d) // (2 * d)
            expected.append(f"{hundredths // 100},{hundredths % 100:02d}%")
        if d <= 200:
            rendered = page.render(Context({"numerators": numerators, "d": d}))
            assert rendered.split("\n")[:-1] == expected, d
        for n, want in zip(numerators, expected, strict=True):
            ratio = Fraction(n, d)
            in_pdf = Criterion("k", "", 1, n, d, NINETY_FIVE, "", None).shown_rate
            cell = xlsx._value(ratio)
            in_xlsx = round(cell * 10000)
            assert abs(cell * 10000 - in_xlsx) < 1e-6, (n, d)
            chart = _rate(n, d)
            assert chart is not None
            assert (page_filter(n, d), shown(ratio), in_pdf,
                    f"{in_xlsx // 100},{in_xlsx % 100:02d}%", charts.percent_label(chart)
                    ) == (want, want, want, want, want), (n, d)
        checked += len(numerators)
    assert checked == 1_216_589  # 0/1 and φ(1) + … + φ(2000): each value once
