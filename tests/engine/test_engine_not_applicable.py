"""Empty cohorts (docs/rules.md §1): a denominator of 0 makes a criterion "not applicable".

Survey year 2021, ruleset nd20-2014. A not-applicable criterion has passed None (never
a division by zero) and does not block its level; a commune whose every cohort of a
standard is empty is not recognised for that standard (level 0).

90101 twenty 6-year-olds, all in grade 1 (20/20). The criteria at ages 11 and 14 have
      denominator 0 → not applicable, gap 0, rate None; grade 1 at 6 passes 90/95/98%
      → primary level 3. Nobody aged 5, 14 or 15–18: preschool (age 6 completion 0/20
      fails), lower secondary (empty) → 0.
90102 five adults aged 40 who completed primary, normal commune:
      preschool, primary and THCS: every cohort empty → 0;
      literacy 1 over 15–35: empty → not applicable, does not block;
      literacy 2 over 15–60: 5/5 = 100% → literacy level 2.
90103 the same five adults in an ĐBKK commune: literacy 1 over 15–25 and literacy 2 over
      15–35 are both empty → literacy 0 (empty).
90104 three 5-year-olds who all moved away: total 3, PPC 0 → attending not applicable;
      the age-6 cohort is empty too → preschool 0 (empty).
90105 listed in the units file, nobody in the survey → every standard 0 (empty).
District 902: commune 90201 at every top level (see engine_builder.add_commune_at) and
      commune 90202 with nobody in the survey. A commune without data is left out of the
      roll-up (issue 14; docs/rules.md §4), never counted as failing: 1 of the 1 commune
      with data = 100% ≥ 90% → the district holds 90201's levels, on 1 of its 2 communes
      (coverage 1/2). Before, the empty commune counted: 1/2 = 50% < 90%, no level.
District 901: 90101–90104 have people, 90105 none → coverage 4/5.
"""

from __future__ import annotations

import pytest
from engine_builder import Survey, Units, add_commune_at, criterion, levels, run

from phocap.engine.result import Evaluation

Y = 2021


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    units = Units()
    units.province("90")
    units.district("901", "90")
    units.district("902", "90")
    survey = Survey(Y, units)
    units.commune("90101", "901")
    survey.add("90101", 20, age=6, current_class="1")
    units.commune("90102", "901")
    survey.add("90102", 5, age=40, primary_completed=Y - 29)
    units.commune("90103", "901", especially_difficult=True)
    survey.add("90103", 5, age=40, primary_completed=Y - 29)
    units.commune("90104", "901")
    survey.add("90104", 3, age=5, status="chuyển đi")
    units.commune("90105", "901")
    units.commune("90201", "902")
    add_commune_at(survey, "90201")
    units.commune("90202", "902")
    return run(tmp_path_factory.mktemp("not_applicable"), survey)


def test_empty_cohort_is_not_applicable_and_does_not_block(evaluation: Evaluation) -> None:
    primary = evaluation.unit("90101").standards["primary"]
    for c in primary.criteria:
        if c.key.endswith("grade_1_at_6"):
            assert (c.numerator, c.denominator, c.passed) == (20, 20, True)
        else:
            assert (c.numerator, c.denominator) == (0, 0)
            assert (c.applicable, c.passed, c.rate, c.gap) == (False, None, None, 0)
    assert primary.level == 3
    assert not primary.empty


def test_not_applicable_in_json(evaluation: Evaluation) -> None:
    unit = next(u for u in evaluation.to_json()["units"] if u["code"] == "90101")
    at_14 = unit["standards"]["primary"]["criteria"][1]
    assert at_14["key"] == "primary.1.completed_at_14"
    assert (at_14["passed"], at_14["rate"], at_14["denominator"], at_14["gap"]) == (
        None, None, 0, 0
    )


def test_only_adults(evaluation: Evaluation) -> None:
    unit = evaluation.unit("90102")
    assert levels(evaluation, "90102") == {
        "preschool_5": 0, "primary": 0, "lower_secondary": 0, "literacy": 2,
    }
    assert [s for s, r in unit.standards.items() if r.empty] == [
        "preschool_5", "primary", "lower_secondary"
    ]
    assert criterion(evaluation, "90102", "literacy.1.literate").passed is None
    two = criterion(evaluation, "90102", "literacy.2.literate")
    assert (two.numerator, two.denominator, two.passed) == (5, 5, True)


def test_only_adults_especially_difficult(evaluation: Evaluation) -> None:
    literacy = evaluation.unit("90103").standards["literacy"]
    assert [c.denominator for c in literacy.criteria] == [0, 0]
    assert literacy.empty
    assert literacy.level == 0


def test_everyone_excluded(evaluation: Evaluation) -> None:
    attending = criterion(evaluation, "90104", "preschool_5.attending")
    assert attending.breakdown["total"] == 3
    assert attending.breakdown["moved_away"] == 3
    assert (attending.denominator, attending.passed) == (0, None)
    assert evaluation.unit("90104").standards["preschool_5"].empty
    assert evaluation.unit("90104").standards["preschool_5"].level == 0


def test_commune_with_nobody(evaluation: Evaluation) -> None:
    unit = evaluation.unit("90105")
    assert not unit.has_data
    assert all(r.empty and r.level == 0 for r in unit.standards.values())
    assert all(c.passed is None for r in unit.standards.values() for c in r.criteria)


def test_commune_with_nobody_is_left_out_of_the_roll_up(evaluation: Evaluation) -> None:
    top = {"preschool_5": 1, "primary": 3, "lower_secondary": 3, "literacy": 2}
    assert levels(evaluation, "90201") == top
    district = evaluation.unit("902")
    assert levels(evaluation, "902") == top  # 1/1 commune with data, not 1/2
    share = district.standards["primary"].criteria[0]
    assert (share.key, share.numerator, share.denominator) == ("primary.1.share_of_communes", 1, 1)
    assert (district.has_data, district.coverage, district.partial) == (True, (1, 2), True)
    assert evaluation.unit("901").coverage == (4, 5)
    province = evaluation.unit("90")
    assert (province.coverage, province.partial) == ((2, 2), False)
    assert all(u.has_data for u in evaluation.units if u.code != "90105" and u.code != "90202")


def test_a_form_names_a_commune_without_data_as_such(evaluation: Evaluation) -> None:
    """The official forms' level column: 90105 (nobody surveyed) reads "Chưa có dữ liệu",
    not "Chưa đạt" (issue 14); 90102 (people, every primary cohort empty) still fails."""
    from phocap.reports.forms.common import level_text

    assert level_text(evaluation.unit("90105"), "primary") == "Chưa có dữ liệu"
    assert level_text(evaluation.unit("90102"), "primary") == "Chưa đạt"
