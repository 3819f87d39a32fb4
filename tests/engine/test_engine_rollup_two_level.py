"""Roll-up from 1 July 2025 (docs/rules.md §4): no districts, a province judged on its communes.

Survey year 2025 (district_code blank; communes' parent is the province), ruleset
nd20-2014+2025-two-level chosen explicitly. Shares of the province's communes (ND20's
district share carried up, D1 of the legal review): preschool 5 90%, primary 90/90/90%,
THCS 90/95/100%, literacy 90/90%. Commune levels come from engine_builder.add_commune_at: "full" =
preschool 1, primary 3, THCS 3, literacy 2; "zero" = 0 everywhere.

Provinces 80–83: twenty communes each, g full and 20 − g zero:
  g = 17 (85%): preschool 85% < 90 → 0; primary 85% < 90 → 0; THCS 85% < 90 → 0;
                literacy 1: 85% < 90 ✗ (below; the product reading's 81% would pass)
                → literacy 0
  g = 18 (90%): preschool ✓ (at) → 1; primary 90% at every level → 3;
                THCS 1: 90% ✓ (at), 2: 90% < 95 ✗ (below) → 1; literacy 2: 90% (at) → 2
  g = 19 (95%): preschool, primary above → 1, 3; THCS 2: 95% (at), 3: 95% < 100 (below)
                → 2; literacy 2 above → 2
  g = 20 (100%): THCS 3: 100% (at) → 3; everything at its top level.
Provinces 84–86: one hundred communes each with one 20-year-old, literate at level 2
(completed primary) in g communes and illiterate in the others:
  g = 89: 89% < 90% → literacy 0 (below: 89% ≥ 81% would have passed level 1 before D1);
  g = 90: 90% = 90% → 2 (at, levels 1 and 2 alike); g = 91: 91% > 90% → 2 (above).
  Nobody else lives there: preschool, primary and THCS are empty → 0.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from engine_builder import Survey, Units, add_commune_at, levels, run_files

from phocap.engine.result import Evaluation

Y = 2025
RULESET = "nd20-2014+2025-two-level"
FULL = (1, 3, 3, 2)
ZERO = (0, 0, 0, 0)
TWENTY = {"80": 17, "81": 18, "82": 19, "83": 20}
HUNDRED = {"84": 89, "85": 90, "86": 91}
EXPECTED = {
    "80": {"preschool_5": 0, "primary": 0, "lower_secondary": 0, "literacy": 0},
    "81": {"preschool_5": 1, "primary": 3, "lower_secondary": 1, "literacy": 2},
    "82": {"preschool_5": 1, "primary": 3, "lower_secondary": 2, "literacy": 2},
    "83": {"preschool_5": 1, "primary": 3, "lower_secondary": 3, "literacy": 2},
    "84": {"preschool_5": 0, "primary": 0, "lower_secondary": 0, "literacy": 0},
    "85": {"preschool_5": 0, "primary": 0, "lower_secondary": 0, "literacy": 2},
    "86": {"preschool_5": 0, "primary": 0, "lower_secondary": 0, "literacy": 2},
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("rollup_two_level")
    units = Units()
    survey = Survey(Y, units)
    for province, good in TWENTY.items():
        units.province(province)
        for i in range(1, 21):
            code = f"{province}{i:03d}"
            units.commune(code, province)
            add_commune_at(survey, code, *(FULL if i <= good else ZERO))
    for province, good in HUNDRED.items():
        units.province(province)
        for i in range(1, 101):
            code = f"{province}{i:03d}"
            units.commune(code, province)
            if i <= good:
                survey.add(code, 1, age=20, primary_completed=Y - 9)
            else:
                survey.add(code, 1, age=20)
    return survey.write(folder / "survey.csv"), units.write(folder / "units.csv")


@pytest.fixture(scope="module")
def evaluation(files: tuple[Path, Path]) -> Evaluation:
    return run_files(*files, ruleset=RULESET)


@pytest.mark.parametrize("province", list(EXPECTED))
def test_province_levels(evaluation: Evaluation, province: str) -> None:
    assert levels(evaluation, province) == EXPECTED[province]


def test_no_districts(evaluation: Evaluation) -> None:
    assert evaluation.ruleset == RULESET
    assert {u.type for u in evaluation.units} == {"province", "commune"}
    share = evaluation.unit("80").standards["primary"].criteria[0]
    assert (share.key, share.numerator, share.denominator) == (
        "primary.1.share_of_communes", 17, 20
    )


@pytest.mark.parametrize(
    ("province", "standard", "level", "expected"),
    [
        ("80", "preschool_5", 1, (17, 20, "9/10", False)),
        ("81", "preschool_5", 1, (18, 20, "9/10", True)),
        ("82", "preschool_5", 1, (19, 20, "9/10", True)),
        ("80", "primary", 1, (17, 20, "9/10", False)),
        ("81", "primary", 3, (18, 20, "9/10", True)),
        ("82", "primary", 3, (19, 20, "9/10", True)),
        ("80", "lower_secondary", 1, (17, 20, "9/10", False)),
        ("81", "lower_secondary", 1, (18, 20, "9/10", True)),
        ("81", "lower_secondary", 2, (18, 20, "19/20", False)),
        ("82", "lower_secondary", 2, (19, 20, "19/20", True)),
        ("83", "lower_secondary", 2, (20, 20, "19/20", True)),
        ("82", "lower_secondary", 3, (19, 20, "1", False)),
        ("83", "lower_secondary", 3, (20, 20, "1", True)),
        ("80", "literacy", 1, (17, 20, "9/10", False)),
        ("80", "literacy", 2, (17, 20, "9/10", False)),
        ("81", "literacy", 2, (18, 20, "9/10", True)),
        ("82", "literacy", 2, (19, 20, "9/10", True)),
        ("84", "literacy", 1, (89, 100, "9/10", False)),
        ("85", "literacy", 1, (90, 100, "9/10", True)),
        ("85", "literacy", 2, (90, 100, "9/10", True)),
        ("86", "literacy", 1, (91, 100, "9/10", True)),
    ],
)
def test_shares_of_communes(
    evaluation: Evaluation, province: str, standard: str, level: int, expected: tuple
) -> None:
    found = [c for c in evaluation.unit(province).standards[standard].criteria
             if c.level == level]
    assert len(found) == 1
    share = found[0]
    assert (share.numerator, share.denominator, share.threshold, share.passed) == (
        expected[0], expected[1], Fraction(expected[2]), expected[3]
    )


def test_default_ruleset_for_2025_keeps_the_same_province_levels(
    files: tuple[Path, Path], evaluation: Evaluation
) -> None:
    default = run_files(*files)
    assert default.ruleset == "nd277-2025"
    for province, expected in EXPECTED.items():
        got = levels(default, province)
        # A full commune's 5-year-old in MG5 and 6-year-old who completed preschool also
        # give it preschool 3–5 (ages 3 and 4 are empty); a zero commune's 5-year-old is at
        # home. No commune is ĐBKK, so the province needs 90% of its communes, as for
        # preschool 5.
        assert got.pop("preschool_3_5") == expected["preschool_5"]
        assert got == expected
