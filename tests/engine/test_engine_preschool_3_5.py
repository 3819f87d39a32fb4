"""Universal preschool for ages 3–5 (ND277; docs/rules.md §5), survey year 2025, ruleset nd277-2025.

The ruleset is chosen from the data (2025 → nd277-2025). Commune criteria as encoded in
nd277-2025.toml (normal / ĐBKK thresholds):
  preschool_3_5.attending   ages 3–5 in a nursery group, kindergarten class or primary  90% / 85%
  preschool_3_5.completed   ages 4–6, ONE rate (legal review D4): aged 4 in MG4 or higher,
                            aged 5 in MG5 or higher, aged 6 who completed preschool     85% / 80%
One level; a commune holds it when every applicable criterion passes.

A. Attending: twenty 3-year-olds only ("yes" at a preschool: one of them in a nursery
   group (NT), which the form's row 10 counts, the rest in MG3; the others at home). The
   completion cohort (ages 4–6) is empty → not applicable.
     normal: 17/20 = 85% < 90% → 0;  18/20 = 90% → 1;  19/20 = 95% → 1
     ĐBKK:   16/20 = 80% < 85% → 0;  17/20 = 85% → 1;  18/20 = 90% → 1
B. Completion, one age at a time: twenty children of one age; "yes" meet it, the rest
   are one class behind (4-year-olds in MG3, 5-year-olds in MG4) or, at 6, in grade 1
   without a preschool completion year. Attending (ages 3–5) is 20/20 for ages 4 and 5
   and not applicable for age 6.
     normal: 16/20 = 80% < 85% → 0;  17/20 = 85% → 1;  18/20 = 90% → 1
     ĐBKK:   15/20 = 75% < 80% → 0;  16/20 = 80% → 1;  17/20 = 85% → 1
C. Ages (commune 79900): two 2-year-olds in NT; 6 aged 3 in MG3, 7 aged 4 in MG4, 6 aged 5
   in MG5 and 1 aged 5 already in grade 1; 3 aged 6 in grade 1 who completed preschool.
   attending = 20/20 (ages 2 and 6 are outside 3–5); completed = 7 (aged 4 in MG4) + 7
   (aged 5: 6 in MG5, 1 in grade 1, which counts as MG5 or higher) + 3 (aged 6) = 17/17 → 1.
F. One rate, not three (D4): ten aged 4 all in MG4, ten aged 5 of whom k are in MG5 and the
   rest in MG4. k = 7: 17/20 = 85% → 1 (per age, 7/10 = 70% would have failed);
   k = 6: 16/20 = 80% < 85% → 0.
D. Province rule: ≥ 90% of the province's normal communes AND ≥ 85% of its ĐBKK communes.
   Each commune has one 3-year-old, in MG3 (recognised) or at home (not).
     70: normal 9/10 = 90% ✓ (at), ĐBKK 17/20 = 85% ✓ (at)          → 1
     71: normal 8/10 = 80% ✗ (below), ĐBKK 20/20 ✓                  → 0
     72: normal 10/10 ✓, ĐBKK 16/20 = 80% ✗ (below)                 → 0
     73: normal 10/10 ✓ (above), ĐBKK 18/20 = 90% ✓ (above)         → 1
     74: normal 9/10 ✓, no ĐBKK commune (share not applicable)       → 1
E. Committed fixture tests/fixtures/engine/province_preschool_3_5_2025 (README.md there):
   province 80 with the same rule exactly at both thresholds — normal 9/10 = 90%,
   ĐBKK 17/20 = 85% → 1.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from engine_builder import FIXTURES, Survey, Units, criterion, levels, run, run_files

from phocap.engine.result import Evaluation

Y = 2025
ATTENDING = "preschool_3_5.attending"
COMPLETED = "preschool_3_5.completed"
KEYS = (ATTENDING, COMPLETED)

# (commune, ĐBKK, criterion, yes of 20, level)
CASES = [
    ("79001", False, ATTENDING, 17, 0),
    ("79002", False, ATTENDING, 18, 1),
    ("79003", False, ATTENDING, 19, 1),
    ("79004", True, ATTENDING, 16, 0),
    ("79005", True, ATTENDING, 17, 1),
    ("79006", True, ATTENDING, 18, 1),
]
for offset, key in ((10, 4), (20, 5), (30, 6)):
    CASES += [
        (f"790{offset + 1:02d}", False, key, 16, 0),
        (f"790{offset + 2:02d}", False, key, 17, 1),
        (f"790{offset + 3:02d}", False, key, 18, 1),
        (f"790{offset + 4:02d}", True, key, 15, 0),
        (f"790{offset + 5:02d}", True, key, 16, 1),
        (f"790{offset + 6:02d}", True, key, 17, 1),
    ]
AGES = "79900"
# (commune, 5-year-olds of ten in MG5, level): case F
ONE_RATE = [("79951", 7, 1), ("79952", 6, 0)]
# province → (normal communes, recognised of them, ĐBKK communes, recognised of them, level)
PROVINCES = {
    "70": (10, 9, 20, 17, 1),
    "71": (10, 8, 20, 20, 0),
    "72": (10, 10, 20, 16, 0),
    "73": (10, 10, 20, 18, 1),
    "74": (10, 9, 0, 0, 1),
}


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    units = Units()
    survey = Survey(Y, units)
    units.province("79")
    for code, difficult, key, yes, _ in CASES:
        units.commune(code, "79", difficult)
        if key == ATTENDING:
            survey.add(code, yes - 1, age=3, current_class="MG3")
            survey.add(code, 1, age=3, current_class="NT")
            survey.add(code, 20 - yes, age=3)
        elif key == 4:
            survey.add(code, yes, age=4, current_class="MG4")
            survey.add(code, 20 - yes, age=4, current_class="MG3")
        elif key == 5:
            survey.add(code, yes, age=5, current_class="MG5")
            survey.add(code, 20 - yes, age=5, current_class="MG4")
        else:
            survey.add(code, yes, age=6, current_class="1", preschool_completed=Y)
            survey.add(code, 20 - yes, age=6, current_class="1")
    units.commune(AGES, "79")
    survey.add(AGES, 2, age=2, current_class="NT")
    survey.add(AGES, 6, age=3, current_class="MG3")
    survey.add(AGES, 7, age=4, current_class="MG4")
    survey.add(AGES, 6, age=5, current_class="MG5")
    survey.add(AGES, 1, age=5, current_class="1")
    survey.add(AGES, 3, age=6, current_class="1", preschool_completed=Y)
    for code, in_mg5, _ in ONE_RATE:
        units.commune(code, "79")
        survey.add(code, 10, age=4, current_class="MG4")
        survey.add(code, in_mg5, age=5, current_class="MG5")
        survey.add(code, 10 - in_mg5, age=5, current_class="MG4")
    for province, (normal, normal_yes, difficult, difficult_yes, _) in PROVINCES.items():
        units.province(province)
        for i in range(1, normal + difficult + 1):
            code = f"{province}{i:03d}"
            is_difficult = i > normal
            units.commune(code, province, is_difficult)
            yes = i <= normal_yes if not is_difficult else i - normal <= difficult_yes
            survey.add(code, 1, age=3, current_class="MG3" if yes else "")
    return run(tmp_path_factory.mktemp("preschool_3_5"), survey)


def test_ruleset_chosen_from_the_year(evaluation: Evaluation) -> None:
    assert (evaluation.year, evaluation.ruleset) == (2025, "nd277-2025")
    assert "preschool_3_5" in evaluation.unverified


@pytest.mark.parametrize(
    ("code", "difficult", "key", "yes", "level"),
    CASES,
    ids=[f"{'attending' if c[2] == ATTENDING else f'completed-age{c[2]}'}-"
         f"{'dbkk' if c[1] else 'normal'}-{c[3]}of20" for c in CASES],
)
def test_commune_threshold(
    evaluation: Evaluation, code: str, difficult: bool, key: str | int, yes: int, level: int
) -> None:
    age = None if key == ATTENDING else key
    key = ATTENDING if age is None else COMPLETED
    result = criterion(evaluation, code, key)
    assert (result.numerator, result.denominator) == (yes, 20)
    thresholds = {ATTENDING: ("0.90", "0.85")}.get(key, ("0.85", "0.80"))
    assert result.threshold == Fraction(thresholds[difficult])
    assert result.passed is (level == 1)
    attending = criterion(evaluation, code, ATTENDING)
    if age in (4, 5):
        assert (attending.numerator, attending.denominator) == (20, 20)
    elif age == 6:  # outside 3–5
        assert attending.passed is None
    assert evaluation.unit(code).standards["preschool_3_5"].level == level


def test_ages(evaluation: Evaluation) -> None:
    got = {k: (criterion(evaluation, AGES, k).numerator, criterion(evaluation, AGES, k).denominator)
           for k in KEYS}
    assert got == {ATTENDING: (20, 20), COMPLETED: (17, 17)}
    assert evaluation.unit(AGES).standards["preschool_3_5"].level == 1


@pytest.mark.parametrize(("code", "in_mg5", "level"), ONE_RATE)
def test_one_rate_over_the_three_programmes(
    evaluation: Evaluation, code: str, in_mg5: int, level: int
) -> None:
    result = criterion(evaluation, code, COMPLETED)
    assert (result.numerator, result.denominator) == (10 + in_mg5, 20)
    assert not any(c.key.startswith("preschool_3_5.completed_age")
                   for c in evaluation.unit(code).standards["preschool_3_5"].criteria)
    assert evaluation.unit(code).standards["preschool_3_5"].level == level


@pytest.mark.parametrize("province", list(PROVINCES))
def test_province_rule(evaluation: Evaluation, province: str) -> None:
    normal, normal_yes, difficult, difficult_yes, level = PROVINCES[province]
    shares = {c.key: c for c in evaluation.unit(province).standards["preschool_3_5"].criteria}
    normal_share = shares["preschool_3_5.1.share_of_normal_communes"]
    difficult_share = shares["preschool_3_5.1.share_of_especially_difficult_communes"]
    assert (normal_share.numerator, normal_share.denominator) == (normal_yes, normal)
    assert (difficult_share.numerator, difficult_share.denominator) == (difficult_yes, difficult)
    assert (normal_share.threshold, difficult_share.threshold) == (
        Fraction("0.90"), Fraction("0.85")
    )
    if difficult == 0:
        assert difficult_share.passed is None
    assert evaluation.unit(province).standards["preschool_3_5"].level == level


def test_committed_province() -> None:
    folder = FIXTURES / "province_preschool_3_5_2025"
    evaluation = run_files(folder / "survey.csv", folder / "units.csv")
    assert (evaluation.year, evaluation.ruleset) == (2025, "nd277-2025")
    assert {u.type for u in evaluation.units} == {"province", "commune"}
    recognised = {
        u.code for u in evaluation.of_type("commune") if u.level("preschool_3_5") == 1
    }
    assert recognised == {f"800{i:02d}" for i in [*range(1, 10), *range(11, 28)]}
    shares = evaluation.unit("80").standards["preschool_3_5"].criteria
    assert [(c.numerator, c.denominator, c.passed) for c in shares] == [
        (9, 10, True), (17, 20, True)
    ]
    assert levels(evaluation, "80") == {
        "preschool_5": 0, "preschool_3_5": 1, "primary": 0, "lower_secondary": 0, "literacy": 0,
    }
