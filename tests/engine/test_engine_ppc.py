"""Who is counted (docs/rules.md §1): PPC exclusions and relapsed illiteracy.

Fixture tests/fixtures/engine/ppc_exclusions (survey year 2021, one normal commune
90101); its README.md has the table of people. In short:

age 5: total 25 = 16 in MG5 + 2 moved in (1 in MG5) + 2 disabled who can study (in MG5)
       + 2 disabled who cannot study + 2 moved away + 1 deceased
       PPC = 25 − 2 − 2 − 1 = 20; attending 16 + 1 + 2 = 19 → 19/20 = 95% ≥ 95%
       → preschool_5 level 1 (the age-6 criterion is not applicable).
15–35 and 15–60: total 23 = 17 completed primary + 1 literacy stage 2 + 2 relapsed
       + 1 moved away + 1 deceased + 1 cannot study
       PPC = 20; literate 18 → 18/20 = 90% ≥ 90% at both levels → literacy level 2.
"""

from __future__ import annotations

import pytest
from engine_builder import FIXTURES, criterion, run_files

from phocap.engine.result import Evaluation

FOLDER = FIXTURES / "ppc_exclusions"


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return run_files(FOLDER / "survey.csv", FOLDER / "units.csv")


def test_year_and_ruleset_come_from_the_data(evaluation: Evaluation) -> None:
    assert (evaluation.year, evaluation.ruleset) == (2021, "nd20-2014")


def test_exclusions_leave_the_denominator_and_moved_in_stay(evaluation: Evaluation) -> None:
    result = criterion(evaluation, "90101", "preschool_5.attending")
    assert result.breakdown == {
        "total": 25,
        "moved_in": 2,
        "moved_away": 2,
        "deceased": 1,
        "cannot_study": 2,
        "in_scope": 20,
    }
    assert (result.numerator, result.denominator) == (19, 20)
    assert result.passed is True
    assert result.gap == 0
    assert evaluation.unit("90101").standards["preschool_5"].level == 1


@pytest.mark.parametrize("key", ["literacy.1.literate", "literacy.2.literate"])
def test_relapsed_people_stay_in_ppc_but_are_not_literate(
    evaluation: Evaluation, key: str
) -> None:
    result = criterion(evaluation, "90101", key)
    assert result.breakdown == {
        "total": 23,
        "moved_in": 0,
        "moved_away": 1,
        "deceased": 1,
        "cannot_study": 1,
        "in_scope": 20,
    }
    assert (result.numerator, result.denominator, result.passed) == (18, 20, True)


def test_levels(evaluation: Evaluation) -> None:
    unit = evaluation.unit("90101")
    assert {s: r.level for s, r in unit.standards.items()} == {
        "preschool_5": 1,
        "primary": 0,
        "lower_secondary": 0,
        "literacy": 2,
    }
    assert unit.standards["primary"].empty and unit.standards["lower_secondary"].empty
