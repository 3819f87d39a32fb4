"""Literacy levels 1–2 (ND20 Arts 19–21; docs/rules.md §2–3) at every threshold and age range.

Survey year 2021, ruleset nd20-2014, one commune per case. Both levels need 90%; an
ĐBKK commune counts other ages: level 1 over 15–35 (ĐBKK 15–25), level 2 over 15–60
(ĐBKK 15–35). "Literate level 1" = completed grade 3 (highest_grade ≥ 3), or literacy
stage 1, or anything higher; "level 2" = completed primary or literacy stage 2; a
relapsed person ("Tái mù" = x) is neither.

A. Level 1: twenty 20-year-olds (inside every range), "yes" completed grade 3 only
   (literate level 1, not level 2), the rest never went to school. Level 2 is 0/20, so
   the level is 1 exactly when level 1 passes:
     17/20 = 85% < 90% → 0;   18/20 = 90% → 1 (at);   19/20 = 95% → 1 (above)
   the same in an ĐBKK commune.
B. Level 2: twenty 20-year-olds, all literate level 1 (level 1: 20/20); "yes" completed
   primary in 2012, the rest completed grade 3 only:
     17/20 = 85% → 1;   18/20 = 90% → 2 (at);   19/20 = 95% → 2 (above)
   the same in an ĐBKK commune.
C. The ĐBKK age ranges, same people in a normal and an ĐBKK commune:
   C1: 18 aged 20 who completed grade 3 only, 3 illiterate aged 30.
       normal: level 1 over 15–35 = 18/21 = 85.71% < 90% → 0
       ĐBKK:   level 1 over 15–25 = 18/18 = 100% → passes; level 2 over 15–35 = 0/21 → 1
   C2: 18 aged 20 who completed primary, 3 aged 50 who completed grade 3 only.
       normal: level 1 = 18/18; level 2 over 15–60 = 18/21 = 85.71% < 90% → 1
       ĐBKK:   level 1 = 18/18; level 2 over 15–35 = 18/18 → 2
D. Boundaries: one literate person of each age 14, 15, 25, 26, 35, 36, 60, 61:
   level 1 normal (15–35): 15, 25, 26, 35 → 4;   ĐBKK (15–25): 15, 25 → 2
   level 2 normal (15–60): 15, 25, 26, 35, 36, 60 → 6;   ĐBKK (15–35): 4
E. Relapse: twenty 20-year-olds.
   E1: 17 completed primary, 1 literacy stage 2, 2 completed primary but relapsed
       → 18/20 = 90% at both levels → 2 (without the flag it would be 20/20)
   E2: 17 completed primary, the stage-2 learner relapsed too, 2 relapsed as in E1
       → 17/20 = 85% at both levels → 0
G. Relapse levels (the ministry's "Tái mù chữ mức"), twenty 20-year-olds each; a level-2
   relapse loses level 2 only:
   G1: 17 completed primary, 3 completed primary but relapsed at level 2
       → level 1: 20/20; level 2: 17/20 = 85% < 90% → 1
   G2: 18 completed primary, 2 relapsed at level 2 → level 1: 20/20; level 2: 18/20 = 90% → 2
   G3: 17 completed primary, 3 relapsed at level 1 → 17/20 at both levels → 0
H. University degrees count as completed primary, twenty 25-year-olds: 18 hold a
   university degree (2019) and nothing else recorded, 2 never studied
       → 18/20 = 90% at both levels → 2; the same with 18 master's degrees.
F. What counts, nine 15-year-olds: literate level 1 — completed grade 3; in grade 4 now;
   in grade 7 now; literacy stage 1; literacy stage 2; completed primary (6); not — completed
   grade 2 only; in grade 3 now; never studied (3). Literate level 2: stage 2 and completed
   primary (2). Level 1: 6/9, level 2: 2/9.
"""

from __future__ import annotations

import pytest
from engine_builder import Survey, Units, criterion, run

from phocap.engine.result import Evaluation

Y = 2021
L1 = "literacy.1.literate"
L2 = "literacy.2.literate"
COMPLETED_PRIMARY_AT_20 = {"primary_completed": Y - 9}

# (commune, ĐBKK, criterion, yes of 20, level)
THRESHOLDS = [
    ("90101", False, L1, 17, 0),
    ("90102", False, L1, 18, 1),
    ("90103", False, L1, 19, 1),
    ("90104", True, L1, 17, 0),
    ("90105", True, L1, 18, 1),
    ("90106", True, L1, 19, 1),
    ("90111", False, L2, 17, 1),
    ("90112", False, L2, 18, 2),
    ("90113", False, L2, 19, 2),
    ("90114", True, L2, 17, 1),
    ("90115", True, L2, 18, 2),
    ("90116", True, L2, 19, 2),
]
# (commune, ĐBKK, (level 1 num, den), (level 2 num, den), level)
RANGES = [
    ("90121", False, (18, 21), (0, 21), 0),
    ("90122", True, (18, 18), (0, 21), 1),
    ("90123", False, (18, 18), (18, 21), 1),
    ("90124", True, (18, 18), (18, 18), 2),
]
BOUNDARIES = {"90131": False, "90132": True}
RELAPSE = {"90141": (18, 2), "90142": (17, 0)}
FACTS = "90150"
# commune → (relapsed at level, how many of 20, literate level 1, literate level 2, level)
RELAPSE_LEVELS = {"90171": (2, 3, 20, 17, 1), "90172": (2, 2, 20, 18, 2),
                  "90173": (1, 3, 17, 17, 0)}
DEGREES = {"90181": "đại học", "90182": "thạc sĩ"}


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    units = Units()
    units.province("90")
    units.district("901", "90")
    survey = Survey(Y, units)
    for code, difficult, key, yes, _ in THRESHOLDS:
        units.commune(code, "901", difficult)
        if key == L1:
            survey.add(code, yes, age=20, highest_grade=3)
            survey.add(code, 20 - yes, age=20)
        else:
            survey.add(code, yes, age=20, **COMPLETED_PRIMARY_AT_20)
            survey.add(code, 20 - yes, age=20, highest_grade=3)
    for code, difficult, *_ in RANGES[:2]:
        units.commune(code, "901", difficult)
        survey.add(code, 18, age=20, highest_grade=3)
        survey.add(code, 3, age=30)
    for code, difficult, *_ in RANGES[2:]:
        units.commune(code, "901", difficult)
        survey.add(code, 18, age=20, **COMPLETED_PRIMARY_AT_20)
        survey.add(code, 3, age=50, highest_grade=3)
    for code, difficult in BOUNDARIES.items():
        units.commune(code, "901", difficult)
        for age in (14, 15, 25, 26, 35, 36, 60, 61):
            survey.add(code, 1, age=age, primary_completed=Y - age + 11)
    for code in RELAPSE:
        units.commune(code, "901")
        survey.add(code, 17, age=20, **COMPLETED_PRIMARY_AT_20)
        survey.add(code, 1, age=20, literacy_stage=2, literacy_year=Y - 2,
                   relapsed="x" if code == "90142" else "")
        survey.add(code, 2, age=20, relapsed="x", **COMPLETED_PRIMARY_AT_20)
    for code, (relapse, relapsed, *_) in RELAPSE_LEVELS.items():
        units.commune(code, "901")
        survey.add(code, 20 - relapsed, age=20, **COMPLETED_PRIMARY_AT_20)
        survey.add(code, relapsed, age=20, relapse_level=relapse, relapsed="x",
                   **COMPLETED_PRIMARY_AT_20)
    for code, degree in DEGREES.items():
        units.commune(code, "901")
        survey.add(code, 18, age=25, vocational_level=degree, vocational_completed=Y - 2)
        survey.add(code, 2, age=25)
    units.commune(FACTS, "901")
    for fields in [
        {"highest_grade": 3},
        {"current_class": "4"},
        {"current_class": "7"},
        {"literacy_stage": 1, "literacy_year": Y - 1},
        {"literacy_stage": 2, "literacy_year": Y - 1},
        {"primary_completed": Y - 4},
        {"highest_grade": 2},
        {"current_class": "3"},
        {},
    ]:
        survey.add(FACTS, 1, age=15, **fields)
    return run(tmp_path_factory.mktemp("literacy"), survey)


@pytest.mark.parametrize(("code", "difficult", "key", "yes", "level"), THRESHOLDS,
                         ids=[f"{c[2]}-{'dbkk' if c[1] else 'normal'}-{c[3]}of20"
                              for c in THRESHOLDS])
def test_threshold(
    evaluation: Evaluation, code: str, difficult: bool, key: str, yes: int, level: int
) -> None:
    result = criterion(evaluation, code, key)
    assert (result.numerator, result.denominator) == (yes, 20)
    assert result.passed is (yes >= 18)
    other = criterion(evaluation, code, L2 if key == L1 else L1)
    assert other.numerator == (0 if key == L1 else 20)
    assert evaluation.unit(code).standards["literacy"].level == level


@pytest.mark.parametrize(("code", "difficult", "level_1", "level_2", "level"), RANGES,
                         ids=[f"{c[0]}-{'dbkk' if c[1] else 'normal'}" for c in RANGES])
def test_especially_difficult_age_ranges(
    evaluation: Evaluation, code: str, difficult: bool, level_1: tuple[int, int],
    level_2: tuple[int, int], level: int,
) -> None:
    one, two = criterion(evaluation, code, L1), criterion(evaluation, code, L2)
    assert (one.ages, two.ages) == (((15, 25), (15, 35)) if difficult else ((15, 35), (15, 60)))
    assert (one.numerator, one.denominator) == level_1
    assert (two.numerator, two.denominator) == level_2
    assert evaluation.unit(code).standards["literacy"].level == level


@pytest.mark.parametrize("code", list(BOUNDARIES))
def test_age_boundaries(evaluation: Evaluation, code: str) -> None:
    difficult = BOUNDARIES[code]
    assert criterion(evaluation, code, L1).denominator == (2 if difficult else 4)
    assert criterion(evaluation, code, L2).denominator == (4 if difficult else 6)


@pytest.mark.parametrize("code", list(RELAPSE))
def test_relapse_makes_a_literate_person_not_literate(evaluation: Evaluation, code: str) -> None:
    literate, level = RELAPSE[code]
    for key in (L1, L2):
        result = criterion(evaluation, code, key)
        assert (result.numerator, result.denominator) == (literate, 20)
    assert evaluation.unit(code).standards["literacy"].level == level


def test_what_counts_as_literate(evaluation: Evaluation) -> None:
    one, two = criterion(evaluation, FACTS, L1), criterion(evaluation, FACTS, L2)
    assert (one.numerator, one.denominator) == (6, 9)
    assert (two.numerator, two.denominator) == (2, 9)


@pytest.mark.parametrize("code", list(RELAPSE_LEVELS))
def test_a_relapse_at_level_2_keeps_level_1(evaluation: Evaluation, code: str) -> None:
    _, _, one, two, level = RELAPSE_LEVELS[code]
    assert criterion(evaluation, code, L1).numerator == one
    assert criterion(evaluation, code, L2).numerator == two
    assert evaluation.unit(code).standards["literacy"].level == level


@pytest.mark.parametrize("code", list(DEGREES))
def test_a_university_degree_counts_as_completed_primary(evaluation: Evaluation,
                                                         code: str) -> None:
    for key in (L1, L2):
        result = criterion(evaluation, code, key)
        assert (result.numerator, result.denominator) == (18, 20)
    assert evaluation.unit(code).standards["literacy"].level == 2
