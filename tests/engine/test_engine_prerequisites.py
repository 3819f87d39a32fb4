"""Prerequisites between levels (docs/rules.md §3), ruleset nd20-2014, survey year 2021.

1. Committed fixture tests/fixtures/engine/thcs_blocked_by_literacy (see its README.md):
   the same 24 people in a normal commune (90101) and an ĐBKK one (90102) — one
   14-year-old who completed primary, twenty 16-year-old THCS graduates in grade 11,
   three illiterate 30-year-olds.
     normal: THCS 20/20 graduates, 20/20 beyond; literacy 1 over 15–35 = 20/23 = 86.96%
             < 90% → literacy 0 → THCS 0 with unmet prerequisite "literacy.1"
     ĐBKK:   literacy 1 over 15–25 = 20/20 → literacy 1 → THCS 3

2. Built here (normal communes unless said):
   90111 primary level 1 fails, levels 2–3 pass: 6-year-olds 20/20 in grade 1; 11-year-olds
         10/10 completed primary; 14-year-olds 7/10 completed = 70% < 80% → level 1 fails
         → primary 0, although every level 2 and 3 criterion passes.
   90112 the same people, ĐBKK: 7/10 = 70% ≥ 70% → primary 3.
   90113 THCS perfect (20/20 graduates in grade 11, all literate), primary fails: one
         14-year-old who did not complete primary (0/1) → THCS 0, unmet "primary.1".
   90114 THCS perfect, primary fails as in 90113 and literacy fails (3 illiterate aged 30:
         20/23) → THCS 0, unmet "primary.1" and "literacy.1".
   90115 THCS perfect but nobody aged 6, 11 or 14: every primary cohort is empty → primary
         not recognised (docs/rules.md §1) → THCS 0, unmet "primary.1".
   90116 literacy 2 passes, literacy 1 fails: aged 20, 1 literate and 1 illiterate (15–35:
         1/2 = 50%); 18 aged 50 who completed primary (15–60: 19/20 = 95% ≥ 90%)
         → literacy 0: level 2 needs level 1 [interpretation, docs/rules.md §3].

3. "Level n needs level n − 1" as a mechanism: in nd20-2014 the level 3 primary criteria
   are stricter versions of level 2's, so level 3 can never pass while level 2 fails on
   its own criteria. A hand-made ruleset (one standard, level 1: grade 1 at 6 ≥ 50%,
   level 2: completed primary at 14 ≥ 80%, level 3: grade 1 at 6 ≥ 90%) shows it: ten
   6-year-olds in grade 1 (100%) and one 14-year-old who did not complete primary (0%)
   → level 1 passes, level 2 fails, level 3's criterion passes → level 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_builder import FIXTURES, Survey, Units, criterion, run, run_files

from phocap.engine.backends import connect, load
from phocap.engine.evaluate import evaluate
from phocap.engine.result import Evaluation
from phocap.engine.units import read_units_file
from phocap.rules.ruleset import parse
from phocap.survey.validate import validate

Y = 2021
FOLDER = FIXTURES / "thcs_blocked_by_literacy"
GRADUATE = {"primary_completed": Y - 5, "thcs_graduated": Y - 1, "current_class": "11"}


@pytest.fixture(scope="module")
def committed() -> Evaluation:
    return run_files(FOLDER / "survey.csv", FOLDER / "units.csv")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    units = Units()
    units.province("90")
    units.district("901", "90")
    survey = Survey(Y, units)
    for code, difficult in (("90111", False), ("90112", True)):
        units.commune(code, "901", difficult)
        survey.add(code, 20, age=6, current_class="1")
        survey.add(code, 10, age=11, primary_completed=Y, current_class="6")
        survey.add(code, 7, age=14, primary_completed=Y - 3)
        survey.add(code, 3, age=14, highest_grade=4)
    for code in ("90113", "90114", "90115"):
        units.commune(code, "901")
        survey.add(code, 20, age=16, **GRADUATE)
    for code in ("90113", "90114"):
        survey.add(code, 1, age=14, highest_grade=4)
    survey.add("90114", 3, age=30)
    units.commune("90116", "901")
    survey.add("90116", 1, age=20, primary_completed=Y - 9)
    survey.add("90116", 1, age=20)
    survey.add("90116", 18, age=50, primary_completed=Y - 39)
    return run(tmp_path_factory.mktemp("prerequisites"), survey)


def test_thcs_perfect_but_literacy_fails(committed: Evaluation) -> None:
    unit = committed.unit("90101")
    thcs = unit.standards["lower_secondary"]
    assert [c.passed for c in thcs.criteria] == [True, True, True, True]
    assert all(c.numerator == c.denominator == 20 for c in thcs.criteria)
    literacy = criterion(committed, "90101", "literacy.1.literate")
    assert (literacy.numerator, literacy.denominator, literacy.passed) == (20, 23, False)
    assert literacy.gap == 1
    assert unit.standards["literacy"].level == 0
    assert unit.standards["primary"].level == 3
    assert thcs.level == 0
    assert thcs.unmet_prerequisites == ["literacy.1"]
    as_json = {u["code"]: u for u in committed.to_json()["units"]}
    assert as_json["90101"]["standards"]["lower_secondary"]["unmet_prerequisites"] == [
        "literacy.1"
    ]


def test_same_people_in_an_especially_difficult_commune(committed: Evaluation) -> None:
    unit = committed.unit("90102")
    literacy = criterion(committed, "90102", "literacy.1.literate")
    assert (literacy.ages, literacy.numerator, literacy.denominator) == ((15, 25), 20, 20)
    assert unit.standards["literacy"].level == 1
    assert unit.standards["lower_secondary"].level == 3
    assert unit.standards["lower_secondary"].unmet_prerequisites == []


def test_primary_level_1_blocks_levels_2_and_3(built: Evaluation) -> None:
    primary = built.unit("90111").standards["primary"]
    passed = {c.key: c.passed for c in primary.criteria}
    assert passed.pop("primary.1.completed_at_14") is False
    assert all(passed.values())
    assert primary.level == 0
    assert built.unit("90112").standards["primary"].level == 3


@pytest.mark.parametrize(
    ("code", "primary", "literacy", "unmet"),
    [
        ("90113", 0, 2, ["primary.1"]),
        ("90114", 0, 0, ["primary.1", "literacy.1"]),
        ("90115", 0, 2, ["primary.1"]),
    ],
)
def test_lower_secondary_needs_primary_and_literacy(
    built: Evaluation, code: str, primary: int, literacy: int, unmet: list[str]
) -> None:
    unit = built.unit(code)
    assert criterion(built, code, "lower_secondary.3.graduates").passed is True
    assert criterion(built, code, "lower_secondary.3.beyond").passed is True
    assert (unit.standards["primary"].level, unit.standards["literacy"].level) == (
        primary, literacy
    )
    assert unit.standards["lower_secondary"].level == 0
    assert unit.standards["lower_secondary"].unmet_prerequisites == unmet


def test_empty_primary_is_not_recognised(built: Evaluation) -> None:
    primary = built.unit("90115").standards["primary"]
    assert primary.empty
    assert all(c.passed is None for c in primary.criteria)


def test_literacy_level_2_needs_level_1(built: Evaluation) -> None:
    one = criterion(built, "90116", "literacy.1.literate")
    two = criterion(built, "90116", "literacy.2.literate")
    assert (one.numerator, one.denominator, one.passed) == (1, 2, False)
    assert (two.numerator, two.denominator, two.passed) == (19, 20, True)
    assert built.unit("90116").standards["literacy"].level == 0


def _toy_ruleset() -> dict[str, object]:
    def criterion_(level: int, fact: str, age: int, threshold: str) -> dict[str, object]:
        return {"key": f"primary.{level}.toy", "standard": "primary", "level": level,
                "fact": fact, "ages": [age, age], "threshold": threshold, "source": "toy",
                "mark": "law"}

    return {
        "ruleset": {"name": "toy", "title": "Toy", "sources": ["toy"], "first_year": 2014,
                    "rollup": "district", "standards": ["primary"]},
        "levels": [
            {"standard": "primary", "level": 1, "source": "toy"},
            {"standard": "primary", "level": 2, "requires": [["primary", 1]], "source": "toy"},
            {"standard": "primary", "level": 3, "requires": [["primary", 2]], "source": "toy"},
        ],
        "criteria": [
            criterion_(1, "in_grade_1_or_higher", 6, "0.5"),
            criterion_(2, "completed_primary", 14, "0.8"),
            criterion_(3, "in_grade_1_or_higher", 6, "0.9"),
        ],
        "rollup": [{"standard": "primary", "level": n, "district": "0.9", "province": "1",
                    "source": "toy"} for n in (1, 2, 3)],
    }


def test_a_level_needs_the_level_below_it(tmp_path: Path) -> None:
    units = Units()
    units.province("90")
    units.district("901", "90")
    units.commune("90101", "901")
    survey = Survey(Y, units)
    survey.add("90101", 10, age=6, current_class="1")
    survey.add("90101", 1, age=14, highest_grade=4)
    result = validate(survey.write(tmp_path / "survey.csv"), keep_records=True,
                      check_units=False)
    assert result.records is not None
    toy = parse(_toy_ruleset(), "toy")
    evaluation = evaluate(load(connect("duckdb"), result.records), ruleset=toy,
                          units=read_units_file(units.write(tmp_path / "units.csv")))
    primary = evaluation.unit("90101").standards["primary"]
    assert [c.passed for c in primary.criteria] == [True, False, True]
    assert primary.level == 1
