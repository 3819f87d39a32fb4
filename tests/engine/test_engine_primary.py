"""Primary levels 1–3 (ND20 Arts 9–11; docs/rules.md §3) at, below and above every threshold.

Survey year 2021, ruleset nd20-2014, one commune per case.

A. Grade 1 or higher at age 6 (levels 1/2/3: 90% / 95% / 98%, the same for ĐBKK).
   Only 6-year-olds live in these communes ("yes" in grade 1, the rest still in MG5),
   so every other primary criterion (ages 11 and 14) is not applicable and does not
   block; the level is the highest threshold the one rate reaches (normal communes
   90101–90107):
     17/20 = 85%   < 90%                      → level 0   (90%: below)
     18/20 = 90%   = 90%, < 95%               → level 1   (90%: at; 95%: below)
     19/20 = 95%   > 90%, = 95%, < 98%        → level 2   (90%: above; 95%: at)
     39/40 = 97.5% > 95%, < 98%               → level 2   (95%: above)
     48/50 = 96%   < 98%                      → level 2   (98%: below)
     49/50 = 98%   = 98%                      → level 3   (98%: at)
     50/50 = 100%  > 98%                      → level 3   (98%: above)
   ĐBKK communes (90151–90157) get the same levels from the same rates: primary has no
   separate ĐBKK threshold for grade 1 at 6.

B. Completed primary at 14 (level 1: 80% / ĐBKK 70%). Ten 14-year-olds ("yes" completed
   primary in 2018, the rest dropped out in grade 4), plus twenty 6-year-olds of whom 18
   are in grade 1 (90%: passes level 1, fails level 2), so the level is 1 or 0:
     normal: 7/10 = 70% < 80% → 0;   8/10 = 80% → 1;   9/10 = 90% → 1
     ĐBKK:   6/10 = 60% < 70% → 0;   7/10 = 70% → 1;   8/10 = 80% → 1

C. Completed primary at 11 (level 2: 80% / 70%; level 3: 90% / 80%). Background that
   passes everything else: 20/20 six-year-olds in grade 1, 10/10 fourteen-year-olds who
   completed primary. Ten 11-year-olds: "yes" completed primary in 2021 (now in grade 6),
   the rest in grade 5, so "every other 11-year-old in a primary class" is 10/10:
     normal: 7/10 = 70% < 80%              → 1
             8/10 = 80% = 80%, < 90%       → 2   (level 2 at; level 3 below)
             9/10 = 90% > 80%, = 90%       → 3   (level 2 above; level 3 at)
            10/10 = 100% > 90%             → 3   (level 3 above)
     ĐBKK:   6/10 = 60% < 70%              → 1
             7/10 = 70% = 70%, < 80%       → 2
             8/10 = 80% > 70%, = 80%       → 3
             9/10 = 90% > 80%              → 3

D. Every other 11-year-old in PPC is in a primary class (levels 2 and 3: 100%). Same
   background; ten 11-year-olds, 9 completed primary (90%: passes levels 2 and 3, both
   kinds of commune), and the tenth
     is in grade 4                     → completed or in primary 10/10 = 100% → 3  (at)
     neither completed nor attends     → 9/10 = 90% < 100% → fails levels 2 and 3 → 1
   ("above" 100% is impossible.)

E. Age is 2021 − year of birth, whatever the day and month (docs/rules.md §1): children born
   01/01/2015, 30/09/2015, 01/10/2015 and 31/12/2015 are all 6 (4 in the cohort, all in
   grade 1); those born 31/12/2014 (7, grade 2) and 01/01/2016 (5, MG5) are not
   → grade 1 at 6: 4/4.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from engine_builder import Survey, Units, criterion, run

from phocap.engine.result import Evaluation

Y = 2021

# (yes, total, level)
GRADE_1_RATES = [(17, 20, 0), (18, 20, 1), (19, 20, 2), (39, 40, 2), (48, 50, 2), (49, 50, 3),
                 (50, 50, 3)]
# (commune, ĐBKK, yes, total, level)
GRADE_1 = [
    (f"901{i + (50 if difficult else 1):02d}", difficult, yes, total, level)
    for difficult in (False, True)
    for i, (yes, total, level) in enumerate(GRADE_1_RATES)
]
COMPLETED_14 = [
    ("90111", False, 7, 10, 0),
    ("90112", False, 8, 10, 1),
    ("90113", False, 9, 10, 1),
    ("90114", True, 6, 10, 0),
    ("90115", True, 7, 10, 1),
    ("90116", True, 8, 10, 1),
]
COMPLETED_11 = [
    ("90121", False, 7, 10, 1),
    ("90122", False, 8, 10, 2),
    ("90123", False, 9, 10, 3),
    ("90124", False, 10, 10, 3),
    ("90125", True, 6, 10, 1),
    ("90126", True, 7, 10, 2),
    ("90127", True, 8, 10, 3),
    ("90128", True, 9, 10, 3),
]
# (commune, ĐBKK, tenth child in a primary class, level)
OTHERS_11 = [
    ("90131", False, True, 3),
    ("90132", False, False, 1),
    ("90133", True, True, 3),
    ("90134", True, False, 1),
]

BIRTH_DATES = "90141"


def _background(survey: Survey, code: str) -> None:
    survey.add(code, 20, age=6, current_class="1")
    survey.add(code, 10, age=14, primary_completed=Y - 3)


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    units = Units()
    units.province("90")
    units.district("901", "90")
    survey = Survey(Y, units)
    for code, difficult, yes, total, _ in GRADE_1:
        units.commune(code, "901", difficult)
        survey.add(code, yes, age=6, current_class="1")
        survey.add(code, total - yes, age=6, current_class="MG5")
    for code, difficult, yes, total, _ in COMPLETED_14:
        units.commune(code, "901", difficult)
        survey.add(code, 18, age=6, current_class="1")
        survey.add(code, 2, age=6, current_class="MG5")
        survey.add(code, yes, age=14, primary_completed=Y - 3)
        survey.add(code, total - yes, age=14, highest_grade=3, dropout_grade=4,
                   dropout_year=Y - 4)
    for code, difficult, yes, total, _ in COMPLETED_11:
        units.commune(code, "901", difficult)
        _background(survey, code)
        survey.add(code, yes, age=11, primary_completed=Y, current_class="6")
        survey.add(code, total - yes, age=11, current_class="5")
    for code, difficult, in_primary, _ in OTHERS_11:
        units.commune(code, "901", difficult)
        _background(survey, code)
        survey.add(code, 9, age=11, primary_completed=Y, current_class="6")
        if in_primary:
            survey.add(code, 1, age=11, current_class="4")
        else:
            survey.add(code, 1, age=11, highest_grade=3, dropout_grade=4, dropout_year=Y)
    units.commune(BIRTH_DATES, "901")
    for born in ("01/01/2015", "30/09/2015", "01/10/2015", "31/12/2015"):
        survey.add(BIRTH_DATES, 1, age=6, birth_date=born, current_class="1")
    survey.add(BIRTH_DATES, 1, age=7, birth_date="31/12/2014", current_class="2")
    survey.add(BIRTH_DATES, 1, age=5, birth_date="01/01/2016", current_class="MG5")
    return run(tmp_path_factory.mktemp("primary"), survey)


def _rates(evaluation: Evaluation, code: str) -> dict[str, tuple[int, int, bool | None]]:
    return {
        c.key: (c.numerator, c.denominator, c.passed)
        for c in evaluation.unit(code).standards["primary"].criteria
    }


@pytest.mark.parametrize(("code", "difficult", "yes", "total", "level"), GRADE_1,
                         ids=[f"{'dbkk' if c[1] else 'normal'}-{c[2]}of{c[3]}" for c in GRADE_1])
def test_grade_1_at_6(
    evaluation: Evaluation, code: str, difficult: bool, yes: int, total: int, level: int
) -> None:
    rates = _rates(evaluation, code)
    rate = Fraction(yes, total)
    assert rates == {
        "primary.1.grade_1_at_6": (yes, total, rate >= Fraction("0.90")),
        "primary.1.completed_at_14": (0, 0, None),
        "primary.2.grade_1_at_6": (yes, total, rate >= Fraction("0.95")),
        "primary.2.completed_at_11": (0, 0, None),
        "primary.2.others_at_11_in_primary": (0, 0, None),
        "primary.3.grade_1_at_6": (yes, total, rate >= Fraction("0.98")),
        "primary.3.completed_at_11": (0, 0, None),
        "primary.3.others_at_11_in_primary": (0, 0, None),
    }
    assert evaluation.unit(code).especially_difficult is difficult
    assert evaluation.unit(code).standards["primary"].level == level


@pytest.mark.parametrize(("code", "difficult", "yes", "total", "level"), COMPLETED_14,
                         ids=[f"{c[0]}-{'dbkk' if c[1] else 'normal'}-{c[2]}of{c[3]}"
                              for c in COMPLETED_14])
def test_completed_at_14(
    evaluation: Evaluation, code: str, difficult: bool, yes: int, total: int, level: int
) -> None:
    result = criterion(evaluation, code, "primary.1.completed_at_14")
    assert (result.numerator, result.denominator) == (yes, total)
    assert result.passed is (level == 1)
    assert str(result.threshold) == ("7/10" if difficult else "4/5")
    assert criterion(evaluation, code, "primary.2.grade_1_at_6").passed is False  # 18/20
    assert evaluation.unit(code).standards["primary"].level == level


@pytest.mark.parametrize(("code", "difficult", "yes", "total", "level"), COMPLETED_11,
                         ids=[f"{c[0]}-{'dbkk' if c[1] else 'normal'}-{c[2]}of{c[3]}"
                              for c in COMPLETED_11])
def test_completed_at_11(
    evaluation: Evaluation, code: str, difficult: bool, yes: int, total: int, level: int
) -> None:
    level_2 = criterion(evaluation, code, "primary.2.completed_at_11")
    level_3 = criterion(evaluation, code, "primary.3.completed_at_11")
    assert (level_2.numerator, level_2.denominator) == (yes, total)
    assert (level_3.numerator, level_3.denominator) == (yes, total)
    assert (level_2.passed, level_3.passed) == (level >= 2, level >= 3)
    assert criterion(evaluation, code, "primary.2.others_at_11_in_primary").numerator == 10
    assert evaluation.unit(code).standards["primary"].level == level


@pytest.mark.parametrize(("code", "difficult", "in_primary", "level"), OTHERS_11,
                         ids=[f"{c[0]}-{'dbkk' if c[1] else 'normal'}-{c[2]}" for c in OTHERS_11])
def test_every_other_11_year_old_in_primary(
    evaluation: Evaluation, code: str, difficult: bool, in_primary: bool, level: int
) -> None:
    rates = _rates(evaluation, code)
    expected = (10 if in_primary else 9, 10, in_primary)
    assert rates["primary.2.others_at_11_in_primary"] == expected
    assert rates["primary.3.others_at_11_in_primary"] == expected
    assert rates["primary.2.completed_at_11"] == (9, 10, True)
    assert rates["primary.3.completed_at_11"] == (9, 10, True)
    assert evaluation.unit(code).standards["primary"].level == level


def test_age_is_the_year_difference(evaluation: Evaluation) -> None:
    result = criterion(evaluation, BIRTH_DATES, "primary.1.grade_1_at_6")
    assert (result.numerator, result.denominator) == (4, 4)
