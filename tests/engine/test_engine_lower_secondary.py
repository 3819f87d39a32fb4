"""Lower secondary (THCS) levels 1–3 (ND20 Arts 14–16; docs/rules.md §3) at every threshold.

Survey year 2021, ruleset nd20-2014, one commune per case.

THCS level 1 needs primary level 1 and literacy level 1 of the same commune (those
prerequisites are tested in test_engine_prerequisites.py). Here they always hold:
every commune has one 14-year-old who completed primary (primary: completed at 14
1/1, every other primary criterion not applicable), and everyone aged 15–18 is
literate (graduates completed primary; non-graduates completed primary and are in
grade 9), so literacy level 1 is 20/20.

Cohort: twenty 16-year-olds (cohort 15–18). Graduates have thcs_graduated = 2020.

A. THCS graduates (levels 1/2/3: 80/90/95%; ĐBKK 70/80/90%). Every graduate is in
   grade 11, so "studying beyond THCS" equals the graduates' rate and never blocks
   (≥ 18/20 = 90% wherever level 3 is at stake, ≥ 80% / 70%).
     normal: 15/20 = 75% < 80%          → 0
             16/20 = 80% = 80%          → 1   (level 1 at)
             17/20 = 85% > 80%, < 90%   → 1   (level 1 above; level 2 below)
             18/20 = 90% = 90%, < 95%   → 2   (level 2 at; level 3 below)
             19/20 = 95% = 95%          → 3   (level 2 above; level 3 at)
             20/20 = 100%               → 3   (level 3 above)
     ĐBKK:   13/20 = 65% < 70%          → 0
             14/20 = 70%                → 1   (level 1 at)
             15/20 = 75% > 70%, < 80%   → 1   (level 1 above; level 2 below)
             16/20 = 80%                → 2   (level 2 at)
             17/20 = 85% > 80%, < 90%   → 2   (level 2 above; level 3 below)
             18/20 = 90%                → 3   (level 3 at)
             19/20 = 95%                → 3   (level 3 above)

B. Studying beyond THCS (level 3: 80% / ĐBKK 70%). All 20 are graduates (levels 1–3 of
   the graduates' criterion pass); "yes" are in grade 11, the rest do not study:
     normal: 15/20 = 75% → 2;  16/20 = 80% → 3;  17/20 = 85% → 3
     ĐBKK:   13/20 = 65% → 2;  14/20 = 70% → 3;  15/20 = 75% → 3

C. What counts (docs/rules.md §2), commune 90150, ages 15–18, eleven people:
     graduates (THCS 2020 or earlier) studying beyond THCS (8): in grade 10; grade 12;
       GDTX grade 10 (BT10); sơ cấp (SC); trung cấp (TC); cao đẳng (CD); university (DH,
       THPT diploma 2021); holding a sơ cấp certificate of 2020, not studying
     holding only a THPT diploma of 2021, no THCS year, not studying (1): a graduate
       ("or holds an upper-secondary diploma") and beyond ("already holds …")
     graduate, not studying (1): graduate only
     non-graduate in GDTX grade 9 (BT9) (1): neither
   graduates 10/11 = 90.91% (≥ 90%, < 95%) → level 2; beyond 9/11 = 81.82%.

D. The cohort is 15–18 (commune 90160): two 14-year-olds in grade 8 and three
   19-year-olds without a THCS diploma are outside it; five graduates aged 15 and five
   aged 18 are inside: graduates 10/10 (not 10/15) → level 3.
"""

from __future__ import annotations

import pytest
from engine_builder import Survey, Units, criterion, run

from phocap.engine.result import Evaluation

Y = 2021
GRADUATE = {"primary_completed": Y - 5, "thcs_graduated": Y - 1}

# (commune, ĐBKK, graduates of 20, level)
GRADUATES = [
    ("90101", False, 15, 0),
    ("90102", False, 16, 1),
    ("90103", False, 17, 1),
    ("90104", False, 18, 2),
    ("90105", False, 19, 3),
    ("90106", False, 20, 3),
    ("90111", True, 13, 0),
    ("90112", True, 14, 1),
    ("90113", True, 15, 1),
    ("90114", True, 16, 2),
    ("90115", True, 17, 2),
    ("90116", True, 18, 3),
    ("90117", True, 19, 3),
]
# (commune, ĐBKK, studying beyond of 20 graduates, level)
BEYOND = [
    ("90121", False, 15, 2),
    ("90122", False, 16, 3),
    ("90123", False, 17, 3),
    ("90131", True, 13, 2),
    ("90132", True, 14, 3),
    ("90133", True, 15, 3),
]
FACTS = "90150"
AGES = "90160"


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    units = Units()
    units.province("90")
    units.district("901", "90")
    survey = Survey(Y, units)

    def commune(code: str, difficult: bool = False) -> None:
        units.commune(code, "901", difficult)
        survey.add(code, 1, age=14, primary_completed=Y - 3)

    for code, difficult, graduates, _ in GRADUATES:
        commune(code, difficult)
        survey.add(code, graduates, age=16, current_class="11", **GRADUATE)
        survey.add(code, 20 - graduates, age=16, primary_completed=Y - 5, current_class="9")
    for code, difficult, beyond, _ in BEYOND:
        commune(code, difficult)
        survey.add(code, beyond, age=16, current_class="11", **GRADUATE)
        survey.add(code, 20 - beyond, age=16, **GRADUATE)

    commune(FACTS)
    for age, fields in [
        (16, {"current_class": "10"}),
        (17, {"current_class": "12"}),
        (16, {"current_class": "BT10"}),
        (17, {"current_class": "SC"}),
        (17, {"current_class": "TC"}),
        (18, {"current_class": "CD"}),
        (18, {"current_class": "DH", "thpt_graduated": Y}),
        (18, {"vocational_level": "sơ cấp", "vocational_completed": Y - 1}),
        (16, {}),
    ]:
        survey.add(FACTS, 1, age=age, primary_completed=Y - age + 11,
                   thcs_graduated=Y - age + 15, **fields)
    survey.add(FACTS, 1, age=18, primary_completed=Y - 7, thpt_graduated=Y)
    survey.add(FACTS, 1, age=16, primary_completed=Y - 5, current_class="BT9")

    commune(AGES)
    survey.add(AGES, 2, age=14, primary_completed=Y - 3, current_class="8")
    survey.add(AGES, 5, age=15, primary_completed=Y - 4, thcs_graduated=Y, current_class="10")
    survey.add(AGES, 5, age=18, primary_completed=Y - 7, thcs_graduated=Y - 3,
               current_class="12")
    survey.add(AGES, 3, age=19, primary_completed=Y - 8)
    return run(tmp_path_factory.mktemp("lower_secondary"), survey)


def _check_prerequisites_hold(evaluation: Evaluation, code: str) -> None:
    unit = evaluation.unit(code)
    assert unit.standards["primary"].level >= 1
    assert unit.standards["literacy"].level >= 1
    assert unit.standards["lower_secondary"].unmet_prerequisites == []


@pytest.mark.parametrize(("code", "difficult", "graduates", "level"), GRADUATES,
                         ids=[f"{c[0]}-{'dbkk' if c[1] else 'normal'}-{c[2]}of20"
                              for c in GRADUATES])
def test_graduates(
    evaluation: Evaluation, code: str, difficult: bool, graduates: int, level: int
) -> None:
    _check_prerequisites_hold(evaluation, code)
    for n in (1, 2, 3):
        result = criterion(evaluation, code, f"lower_secondary.{n}.graduates")
        assert (result.numerator, result.denominator) == (graduates, 20)
        assert result.passed is (level >= n)
    beyond = criterion(evaluation, code, "lower_secondary.3.beyond")
    assert (beyond.numerator, beyond.denominator) == (graduates, 20)
    assert evaluation.unit(code).standards["lower_secondary"].level == level


@pytest.mark.parametrize(("code", "difficult", "beyond", "level"), BEYOND,
                         ids=[f"{c[0]}-{'dbkk' if c[1] else 'normal'}-{c[2]}of20"
                              for c in BEYOND])
def test_studying_beyond(
    evaluation: Evaluation, code: str, difficult: bool, beyond: int, level: int
) -> None:
    _check_prerequisites_hold(evaluation, code)
    assert criterion(evaluation, code, "lower_secondary.3.graduates").numerator == 20
    result = criterion(evaluation, code, "lower_secondary.3.beyond")
    assert (result.numerator, result.denominator) == (beyond, 20)
    assert result.passed is (level == 3)
    assert evaluation.unit(code).standards["lower_secondary"].level == level


def test_what_counts_as_graduate_and_beyond(evaluation: Evaluation) -> None:
    graduates = criterion(evaluation, FACTS, "lower_secondary.3.graduates")
    beyond = criterion(evaluation, FACTS, "lower_secondary.3.beyond")
    assert (graduates.numerator, graduates.denominator) == (10, 11)
    assert (beyond.numerator, beyond.denominator) == (9, 11)
    assert [criterion(evaluation, FACTS, f"lower_secondary.{n}.graduates").passed
            for n in (1, 2, 3)] == [True, True, False]
    assert evaluation.unit(FACTS).standards["lower_secondary"].level == 2


def test_cohort_is_15_to_18(evaluation: Evaluation) -> None:
    result = criterion(evaluation, AGES, "lower_secondary.1.graduates")
    assert result.ages == (15, 18)
    assert (result.numerator, result.denominator) == (10, 10)
    assert result.breakdown["total"] == 10
    assert evaluation.unit(AGES).standards["lower_secondary"].level == 3
