"""Preschool for 5-year-olds (ND20 Art 6; docs/rules.md §3) at, below and above each threshold.

Survey year 2021, ruleset nd20-2014. One commune per case, holding only the cohort
of the criterion under test; the other criterion of the standard has an empty
cohort, so it is not applicable and does not block (docs/rules.md §1). The standard has
one level, so the level is 1 exactly when the criterion under test passes.

preschool_5.attending — age 5, 20 children, "yes" in an MG5 class, the rest at home:
  normal, threshold 95% (19/20):  18/20 = 90%  < 95% → fails, level 0   (below)
                                  19/20 = 95%  = 95% → passes, level 1  (at)
                                  20/20 = 100% > 95% → passes, level 1  (above)
  ĐBKK, threshold 90% (18/20):    17/20 = 85%  < 90% → fails, level 0   (below)
                                  18/20 = 90%  = 90% → passes, level 1  (at)
                                  19/20 = 95%  > 90% → passes, level 1  (above)
preschool_5.completed — age 6 (the 5-year-olds of the school year that ended in Y),
20 children all in grade 1, "yes" have preschool_completed = 2021:
  normal, threshold 85% (17/20):  16/20 = 80% → fails 0;  17/20 = 85% → 1;  18/20 = 90% → 1
  ĐBKK, threshold 80% (16/20):    15/20 = 75% → fails 0;  16/20 = 80% → 1;  17/20 = 85% → 1

The same 18 of 20 attending fail a normal commune (90% < 95%) and pass an ĐBKK one
(90% ≥ 90%): the threshold follows the commune's flag, not the data.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from engine_builder import Survey, Units, criterion, run

from phocap.engine.result import Evaluation

Y = 2021
ATTENDING = "preschool_5.attending"
COMPLETED = "preschool_5.completed"

# (commune, ĐBKK, criterion, yes, total, passed, level)
CASES = [
    ("90101", False, ATTENDING, 18, 20, False, 0),
    ("90102", False, ATTENDING, 19, 20, True, 1),
    ("90103", False, ATTENDING, 20, 20, True, 1),
    ("90104", True, ATTENDING, 17, 20, False, 0),
    ("90105", True, ATTENDING, 18, 20, True, 1),
    ("90106", True, ATTENDING, 19, 20, True, 1),
    ("90107", False, COMPLETED, 16, 20, False, 0),
    ("90108", False, COMPLETED, 17, 20, True, 1),
    ("90109", False, COMPLETED, 18, 20, True, 1),
    ("90110", True, COMPLETED, 15, 20, False, 0),
    ("90111", True, COMPLETED, 16, 20, True, 1),
    ("90112", True, COMPLETED, 17, 20, True, 1),
]
FACTS_COMMUNE = "90120"


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    units = Units()
    units.province("90")
    units.district("901", "90")
    survey = Survey(Y, units)
    for code, difficult, key, yes, total, _, _ in CASES:
        units.commune(code, "901", especially_difficult=difficult)
        if key == ATTENDING:
            survey.add(code, yes, age=5, current_class="MG5")
            survey.add(code, total - yes, age=5)
        else:
            survey.add(code, yes, age=6, current_class="1", preschool_completed=Y)
            survey.add(code, total - yes, age=6, current_class="1")
    # "Attends preschool" = in a kindergarten (mẫu giáo) class or already in primary
    # (docs/rules.md §2): 18 in MG5 + 1 in grade 1 count, 1 in a nursery (NT) class does not
    # → 19/20 = 95% → passes at a normal commune's 95%.
    units.commune(FACTS_COMMUNE, "901")
    survey.add(FACTS_COMMUNE, 18, age=5, current_class="MG5")
    survey.add(FACTS_COMMUNE, 1, age=5, current_class="1")
    survey.add(FACTS_COMMUNE, 1, age=5, current_class="NT")
    return run(tmp_path_factory.mktemp("preschool"), survey)


@pytest.mark.parametrize(
    ("code", "difficult", "key", "yes", "total", "passed", "level"),
    CASES,
    ids=[f"{c[2]}-{'dbkk' if c[1] else 'normal'}-{c[3]}of{c[4]}" for c in CASES],
)
def test_threshold(
    evaluation: Evaluation, code: str, difficult: bool, key: str, yes: int, total: int,
    passed: bool, level: int,
) -> None:
    unit = evaluation.unit(code)
    assert unit.especially_difficult is difficult
    result = criterion(evaluation, code, key)
    assert (result.numerator, result.denominator) == (yes, total)
    assert result.passed is passed
    assert unit.standards["preschool_5"].level == level
    other = criterion(evaluation, code, COMPLETED if key == ATTENDING else ATTENDING)
    assert other.denominator == 0
    assert other.passed is None


def test_thresholds_follow_the_commune_flag(evaluation: Evaluation) -> None:
    normal = criterion(evaluation, "90101", ATTENDING)
    difficult = criterion(evaluation, "90105", ATTENDING)
    assert (normal.numerator, normal.denominator) == (difficult.numerator, difficult.denominator)
    assert (normal.threshold, difficult.threshold) == (Fraction("0.95"), Fraction("0.90"))
    assert (normal.passed, difficult.passed) == (False, True)


def test_attending_counts_kindergarten_and_primary_not_nursery(evaluation: Evaluation) -> None:
    result = criterion(evaluation, FACTS_COMMUNE, ATTENDING)
    assert (result.numerator, result.denominator, result.passed) == (19, 20, True)
    assert evaluation.unit(FACTS_COMMUNE).standards["preschool_5"].level == 1
