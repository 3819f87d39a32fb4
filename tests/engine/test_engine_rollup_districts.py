"""Roll-up before 1 July 2025 (docs/rules.md §4), survey year 2021, ruleset nd20-2014.

Shares of communes a district needs: 90% for every level except THCS 2 (95%) and THCS 3
(100%). Shares of districts a province needs: 100% except literacy 1 (90%). Commune
levels come from engine_builder.add_commune_at (the fewest people per level);
"full" = preschool 1, primary 3, THCS 3, literacy 2; "zero" = 0 everywhere.

1. Committed fixture tests/fixtures/engine/district_rollup_2021 (README.md there):
   district 901 = 8 full + (1, 2, 2, 1) + (0, 1, 0, 0):
     preschool 9/10 = 90% → 1
     primary   L1 10/10, L2 9/10 = 90% ✓, L3 8/10 = 80% ✗ → 2
     THCS      L1 9/10 = 90% ✓, L2 9/10 = 90% < 95% ✗ → 1
     literacy  L1 9/10 ✓, L2 8/10 ✗ → 1
   province 90 has only district 901 → the same levels (1/1 or 0/1).

2. Built here:
   province 91 = district 911 (19 full + 1 commune with THCS 1, else full) and district
     912 (10 full).
     911: THCS L1 20/20, L2 19/20 = 95% = 95% ✓ (at), L3 19/20 = 95% < 100% ✗ → 2;
          preschool 20/20, primary 20/20 at every level, literacy 20/20 → 1, 3, 2.
     912: THCS L3 10/10 = 100% ✓ → 3 (THCS 2 above: 10/10 > 95%).
     91:  districts at THCS ≥ 3: 1/2 < 100% → THCS 2; everything else 2/2 → 1, 3, 2.
   province 92 = ten districts 921–930 of one commune each, 9 full + 1 zero:
     literacy L1 9/10 = 90% ≥ 90% ✓, L2 9/10 < 100% ✗ → 1;
     preschool, primary, THCS: 9/10 < 100% → 0.
   province 93 = ten one-commune districts 931–940, 8 full + 2 zero:
     literacy L1 8/10 = 80% < 90% → 0 (and every other standard 0).
   district 941 (province 94) = 8 full + 2 zero: 8/10 = 80% < 90% for every standard's
     level 1 → all 0.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from engine_builder import FIXTURES, Survey, Units, add_commune_at, levels, run, run_files

from phocap.engine.result import Evaluation

Y = 2021
FOLDER = FIXTURES / "district_rollup_2021"
FULL = (1, 3, 3, 2)
ZERO = (0, 0, 0, 0)
STANDARDS = ("preschool_5", "primary", "lower_secondary", "literacy")


@pytest.fixture(scope="module")
def committed() -> Evaluation:
    return run_files(FOLDER / "survey.csv", FOLDER / "units.csv")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Evaluation, dict[str, tuple]]:
    units = Units()
    survey = Survey(Y, units)
    profiles: dict[str, tuple[int, int, int, int]] = {}

    def district(code: str, province: str, communes: list[tuple[int, int, int, int]]) -> None:
        units.district(code, province)
        for i, profile in enumerate(communes, start=1):
            commune = f"{code}{i:02d}"
            units.commune(commune, code)
            add_commune_at(survey, commune, *profile)
            profiles[commune] = profile

    for province in ("91", "92", "93", "94"):
        units.province(province)
    district("911", "91", [FULL] * 19 + [(1, 3, 1, 2)])
    district("912", "91", [FULL] * 10)
    for i, number in enumerate(range(921, 931)):
        district(str(number), "92", [ZERO if i == 9 else FULL])
    for i, number in enumerate(range(931, 941)):
        district(str(number), "93", [ZERO if i >= 8 else FULL])
    district("941", "94", [FULL] * 8 + [ZERO] * 2)
    return run(tmp_path_factory.mktemp("rollup_districts"), survey), profiles


def _share(evaluation: Evaluation, code: str, standard: str, level: int) -> tuple:
    unit = evaluation.unit(code)
    found = [c for c in unit.standards[standard].criteria if c.level == level]
    assert len(found) == 1
    c = found[0]
    return c.numerator, c.denominator, c.threshold, c.passed


def test_commune_profiles_have_the_levels_asked_for(
    built: tuple[Evaluation, dict[str, tuple]], committed: Evaluation
) -> None:
    evaluation, profiles = built
    for code, profile in profiles.items():
        assert levels(evaluation, code) == dict(zip(STANDARDS, profile, strict=True)), code
    assert [tuple(levels(committed, f"901{i:02d}").values()) for i in range(1, 11)] == (
        [FULL] * 8 + [(1, 2, 2, 1), (0, 1, 0, 0)]
    )


@pytest.mark.parametrize(
    ("standard", "level", "share"),
    [
        ("preschool_5", 1, (9, 10, Fraction("0.9"), True)),
        ("primary", 1, (10, 10, Fraction("0.9"), True)),
        ("primary", 2, (9, 10, Fraction("0.9"), True)),
        ("primary", 3, (8, 10, Fraction("0.9"), False)),
        ("lower_secondary", 1, (9, 10, Fraction("0.9"), True)),
        ("lower_secondary", 2, (9, 10, Fraction("0.95"), False)),
        ("lower_secondary", 3, (8, 10, Fraction(1), False)),
        ("literacy", 1, (9, 10, Fraction("0.9"), True)),
        ("literacy", 2, (8, 10, Fraction("0.9"), False)),
    ],
)
def test_district_of_ten_communes(
    committed: Evaluation, standard: str, level: int, share: tuple
) -> None:
    assert _share(committed, "901", standard, level) == share


def test_district_and_province_levels_from_the_committed_fixture(committed: Evaluation) -> None:
    expected = {"preschool_5": 1, "primary": 2, "lower_secondary": 1, "literacy": 1}
    assert levels(committed, "901") == expected
    assert levels(committed, "90") == expected
    share = committed.unit("90").standards["primary"].criteria[0]
    assert (share.key, share.numerator, share.denominator) == ("primary.1.share_of_districts", 1, 1)


def test_thcs_level_2_needs_95_and_level_3_all_communes(
    built: tuple[Evaluation, dict[str, tuple]],
) -> None:
    evaluation, _ = built
    assert _share(evaluation, "911", "lower_secondary", 2) == (19, 20, Fraction("0.95"), True)
    assert _share(evaluation, "911", "lower_secondary", 3) == (19, 20, Fraction(1), False)
    assert levels(evaluation, "911") == {
        "preschool_5": 1, "primary": 3, "lower_secondary": 2, "literacy": 2,
    }
    assert _share(evaluation, "912", "lower_secondary", 3) == (10, 10, Fraction(1), True)
    assert levels(evaluation, "912") == dict(zip(STANDARDS, FULL, strict=True))


def test_province_needs_all_its_districts(built: tuple[Evaluation, dict[str, tuple]]) -> None:
    evaluation, _ = built
    assert _share(evaluation, "91", "lower_secondary", 3) == (1, 2, Fraction(1), False)
    assert levels(evaluation, "91") == {
        "preschool_5": 1, "primary": 3, "lower_secondary": 2, "literacy": 2,
    }


def test_province_literacy_1_needs_90_percent_of_districts(
    built: tuple[Evaluation, dict[str, tuple]],
) -> None:
    evaluation, _ = built
    assert _share(evaluation, "92", "literacy", 1) == (9, 10, Fraction("0.9"), True)
    assert _share(evaluation, "92", "literacy", 2) == (9, 10, Fraction(1), False)
    assert _share(evaluation, "92", "primary", 1) == (9, 10, Fraction(1), False)
    assert levels(evaluation, "92") == {
        "preschool_5": 0, "primary": 0, "lower_secondary": 0, "literacy": 1,
    }
    assert _share(evaluation, "93", "literacy", 1) == (8, 10, Fraction("0.9"), False)
    assert levels(evaluation, "93") == dict.fromkeys(STANDARDS, 0)


def test_eight_of_ten_communes_is_not_enough(built: tuple[Evaluation, dict[str, tuple]]) -> None:
    evaluation, _ = built
    for standard in STANDARDS:
        assert _share(evaluation, "941", standard, 1) == (8, 10, Fraction("0.9"), False)
    assert levels(evaluation, "941") == dict.fromkeys(STANDARDS, 0)
