"""The gap of a failed criterion: the fewest extra people (or units) that reach the threshold.

gap = the smallest whole k with (numerator + k) / denominator ≥ threshold; 0 when the
criterion passes or is not applicable. Survey year 2021, ruleset nd20-2014.

  90101 attending at 5, normal (95%): 17/20 → 19/20 needed → gap 2
  90102                                18/20                → gap 1
  90103                                19/20 passes         → gap 0
  90104 the same, ĐBKK (90%):          17/20 → 18/20 needed → gap 1
  90105 attending, normal (95%):        7/10 → 0.95 × 10 = 9.5 → 10/10 needed → gap 3
        (9/10 = 90% is still below 95%)
  90106 literacy 1 (90%), 8 of 21 aged 20 literate: 0.9 × 21 = 18.9 → 19 needed → gap 11
        (19/21 = 90.48% ≥ 90%; 18/21 = 85.71% < 90%)
  90107 every other 11-year-old in primary (100%): 9/10 → gap 1
  district 902 (8 full communes + 2 zero): primary level 1, 8/10 communes at 90%
        → 9 needed → gap 1
  district 903 (9 full + 1 with THCS level 1): THCS level 2, 9/10 at 95% → 9.5 → 10 needed
        → gap 1; THCS level 3, 9/10 at 100% → gap 1
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from engine_builder import Survey, Units, add_commune_at, criterion, run
from hypothesis import given
from hypothesis import strategies as st

from phocap.engine.result import Evaluation, gap
from phocap.numbers import percent

Y = 2021
FULL = (1, 3, 3, 2)


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    units = Units()
    survey = Survey(Y, units)
    units.province("90")
    units.district("901", "90")
    for code, difficult, yes, total in (
        ("90101", False, 17, 20),
        ("90102", False, 18, 20),
        ("90103", False, 19, 20),
        ("90104", True, 17, 20),
        ("90105", False, 7, 10),
    ):
        units.commune(code, "901", difficult)
        survey.add(code, yes, age=5, current_class="MG5")
        survey.add(code, total - yes, age=5)
    units.commune("90106", "901")
    survey.add("90106", 8, age=20, primary_completed=Y - 9)
    survey.add("90106", 13, age=20)
    units.commune("90107", "901")
    survey.add("90107", 9, age=11, primary_completed=Y, current_class="6")
    survey.add("90107", 1, age=11)
    for district, profiles in (
        ("902", [FULL] * 8 + [(0, 0, 0, 0)] * 2),
        ("903", [FULL] * 9 + [(1, 3, 1, 2)]),
    ):
        units.district(district, "90")
        for i, profile in enumerate(profiles, start=1):
            units.commune(f"{district}{i:02d}", district)
            add_commune_at(survey, f"{district}{i:02d}", *profile)
    return run(tmp_path_factory.mktemp("gap"), survey)


@pytest.mark.parametrize(
    ("code", "key", "fraction", "expected"),
    [
        ("90101", "preschool_5.attending", (17, 20), 2),
        ("90102", "preschool_5.attending", (18, 20), 1),
        ("90103", "preschool_5.attending", (19, 20), 0),
        ("90104", "preschool_5.attending", (17, 20), 1),
        ("90105", "preschool_5.attending", (7, 10), 3),
        ("90106", "literacy.1.literate", (8, 21), 11),
        ("90107", "primary.2.others_at_11_in_primary", (9, 10), 1),
        ("902", "primary.1.share_of_communes", (8, 10), 1),
        ("903", "lower_secondary.2.share_of_communes", (9, 10), 1),
        ("903", "lower_secondary.3.share_of_communes", (9, 10), 1),
    ],
)
def test_gap(
    evaluation: Evaluation, code: str, key: str, fraction: tuple[int, int], expected: int
) -> None:
    result = criterion(evaluation, code, key)
    assert (result.numerator, result.denominator) == fraction
    assert result.gap == expected
    assert result.to_json()["gap"] == expected
    assert result.passed is (expected == 0)


THRESHOLDS = [Fraction(t) for t in ("0.7", "0.8", "0.81", "0.85", "0.9", "0.95", "0.98", "1")]


@pytest.mark.parametrize("threshold", THRESHOLDS, ids=str)
def test_gap_is_the_smallest_number_that_reaches_the_threshold(threshold: Fraction) -> None:
    for denominator in range(1, 61):
        for numerator in range(denominator + 1):
            k = gap(numerator, denominator, threshold)
            assert Fraction(numerator + k, denominator) >= threshold
            assert k == 0 or Fraction(numerator + k - 1, denominator) < threshold


def test_not_applicable_has_no_gap() -> None:
    assert gap(0, 0, Fraction("0.95")) == 0


def test_rates_are_rounded_only_for_display() -> None:
    assert percent(Fraction(20, 21)) == "95,24%"
    assert percent(Fraction(19, 20)) == "95,00%"
    assert percent(None) == "—"


@given(st.integers(0, 10**7), st.integers(1, 10**7))
def test_a_rate_in_json_is_the_exact_fraction_rounded(numerator: int, denominator: int) -> None:
    """JSON writes n / d of the two ints, which must be float(Fraction(n, d)) itself."""
    assert numerator / denominator == float(Fraction(numerator, denominator))
