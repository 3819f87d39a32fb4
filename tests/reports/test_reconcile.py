"""Reconciling the forms of commune 70101 (reconcile_fixture.py) with figures typed as the
ministry's system would report them: every difference is explained by the named people."""

from __future__ import annotations

import dataclasses
from typing import Any

import ibis.expr.types as ir
import pytest
from reconcile_fixture import COMMUNE, NAMES, YEAR, table_and_units

from phocap.engine.evaluate import evaluate
from phocap.reports.figures import compute
from phocap.reports.forms import forms_for
from phocap.reports.model import Form
from phocap.reports.reconcile import Comparison, Reconciliation, reconcile, traced_forms


@dataclasses.dataclass
class Built:
    table: ir.Table
    forms: dict[str, Form]  # traced, by code
    plain: dict[str, Form]  # as the forms pages build them


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    table, units = table_and_units(tmp_path_factory.mktemp("reconcile"))
    evaluation, figures = evaluate(table, YEAR, units=units), compute(table, YEAR)
    return Built(table, {f.code: f for f in traced_forms(evaluation, figures, COMMUNE)},
                 {f.code: f for f in forms_for(evaluation, figures, COMMUNE)})


# The ministry's TH-M1, cell by cell (row code → column key → count), with the arithmetic.
TH_M1 = {
    # phocap: P1, P3 = 2; the ministry removes every disabled person: 2 − P1 = 1.
    "in_scope": {"a11": 1,
                 # phocap: 0 (P2 moved away); the ministry ignores the move: 0 + P2 = 1.
                 "a9": 1,
                 # phocap: P4 = 1; + P2 (move ignored); P4 stays in 6–10 at age 6: 1 + 1 = 2.
                 "a6_10": 2,
                 # phocap: P1, P3, P6 = 3; − P1 (disabled) = 2.
                 "a11_14": 2},
    # phocap: P1, P3 = 2; the same two on the ministry's: no difference.
    "total": {"a11": 2},
    # phocap: P2 = 1; the ministry records no move: 0.
    "moved_away": {"a9": 0},
    # P4 is 7 by birth year, 6 at 30/9/2021: phocap a7 = 1, a6 = 0; the ministry a7 = 0, a6 = 1.
    "grade_2": {"a7": 0, "a6": 1},
    # phocap: P6 = 1 (7!); the ministry's record of 2021–2022 lacks the mark: 0.
    "repeating": {"a13": 0},
}
THCS_M1 = {
    # phocap: P5, P8, P10 = 3; − P8 (disabled) − P10 (14 at 30/9/2021) = 1.
    "in_scope": {"a15_18": 1},
    # phocap: 0 (P5 finished grade 9 without a diploma); the ministry counts P5: 1.
    "lower_secondary_graduate": {"a16": 1},
}


def cells(result: Reconciliation) -> dict[tuple[str, str], Comparison]:
    return {(c.row_code, c.column_key): c for c in result.cells}


def named(comparison: Comparison) -> dict[str, Any]:
    """Each accepted rule with the names it counts on phocap's side only and the ministry's."""
    return {e.rule.code: ([p.full_name for p in e.ours_only], [p.full_name for p in e.theirs_only])
            for e in comparison.explanations if e.accepted}


def test_the_traced_forms_are_the_forms(built: Built) -> None:
    """Tracing where a count comes from changes no count."""
    for code, form in built.forms.items():
        assert [r.values for r in form.rows] == [r.values for r in built.plain[code].rows], code


def test_each_difference_is_explained_by_the_named_people(built: Built) -> None:
    th = cells(reconcile(built.table, built.forms["TH-M1"], TH_M1))
    thcs = cells(reconcile(built.table, built.forms["THCS-M1"], THCS_M1))
    one, two, four, six = NAMES["P1"], NAMES["P2"], NAMES["P4"], NAMES["P6"]
    expected = {
        ("in_scope", "a11"): (2, -1, {"disabled_can_study": ([one], [])}),
        ("in_scope", "a9"): (0, 1, {"moves_ignored": ([], [two])}),
        ("in_scope", "a6_10"): (1, 1, {"moves_ignored": ([], [two])}),
        ("in_scope", "a11_14"): (3, -1, {"disabled_can_study": ([one], [])}),
        ("moved_away", "a9"): (1, -1, {"moves_ignored": ([two], [])}),
        ("grade_2", "a7"): (1, -1, {"age_at_reference_date": ([four], [])}),
        ("grade_2", "a6"): (0, 1, {"age_at_reference_date": ([], [four])}),
        ("repeating", "a13"): (1, -1, {"repeater_mark": ([six], [])}),
    }
    for key, (ours, difference, why) in expected.items():
        assert (th[key].ours, th[key].difference, named(th[key])) == (ours, difference, why), key
        assert th[key].unexplained == 0
        assert all(e.exact for e in th[key].explanations if e.accepted), key
    assert th[("total", "a11")].difference == 0
    assert th[("total", "a11")].explanations == ()
    assert {k for k, c in th.items() if c.difference} == set(expected)

    both = thcs[("in_scope", "a15_18")]
    assert (both.ours, both.difference, both.unexplained) == (3, -2, 0)
    assert named(both) == {"disabled_can_study": ([NAMES["P8"]], []),
                           "age_at_reference_date": ([NAMES["P10"]], [])}
    assert not any(e.exact for e in both.explanations)  # each is one of the two
    diploma = thcs[("lower_secondary_graduate", "a16")]
    assert (diploma.difference, named(diploma)) == (
        1, {"grade_9_without_diploma": ([], [NAMES["P5"]])})
    assert diploma.explanations[0].exact


def test_a_difference_no_rule_explains_stays_unexplained(built: Built) -> None:
    """Grade 5 at 11: phocap counts P1 and P3 (2). A ministry's 4 is 2 more, and no rule adds
    anyone (the disabled rule would take one away): all of it is unexplained. In PPC at 11,
    a ministry's 0 is 2 fewer: P1's disability explains one, the other is unexplained."""
    result = cells(reconcile(built.table, built.forms["TH-M1"],
                             {"grade_5": {"a11": 4}, "in_scope": {"a11": 0}}))
    more = result[("grade_5", "a11")]
    assert (more.ours, more.difference, more.explanations, more.unexplained) == (2, 2, (), 2)
    fewer = result[("in_scope", "a11")]
    assert (fewer.difference, fewer.unexplained) == (-2, -1)
    assert named(fewer) == {"disabled_can_study": ([NAMES["P1"]], [])}
    assert not fewer.explanations[0].exact


def test_a_second_candidate_for_the_same_person_count_is_listed_not_accepted(
        built: Built) -> None:
    """PPC 15–18 is 3 (P5, P8, P10); a ministry's 2 is one fewer. P8's disability accounts for
    it, and so would P10's birth date: the first is accepted, the second is listed as a
    candidate that alone matches too, so the officer sees both and can check which."""
    result = cells(reconcile(built.table, built.forms["THCS-M1"], {"in_scope": {"a15_18": 2}}))
    cell = result[("in_scope", "a15_18")]
    assert (cell.difference, cell.unexplained) == (-1, 0)
    assert [(e.rule.code, e.accepted, e.exact) for e in cell.explanations] == [
        ("disabled_can_study", True, True), ("age_at_reference_date", False, True)]


def test_a_total_row_summed_by_the_forms_is_traced_through_its_rows(built: Built) -> None:
    """TH-02's 'Cộng' row sums the units' rows: PPC 11–14 is the commune's 3 (P1, P3, P6),
    and a ministry's 2 is P1's disability."""
    summary = cells(reconcile(built.table, built.forms["TH-02"], {"total": {"ppc_11_14": 2}}))
    total = summary[("total", "ppc_11_14")]
    assert (total.ours, total.difference, total.unexplained) == (3, -1, 0)
    assert named(total) == {"disabled_can_study": ([NAMES["P1"]], [])}


def test_cells_not_entered_are_not_compared(built: Built) -> None:
    result = reconcile(built.table, built.forms["TH-M1"], {})
    assert result.entered == [] and result.differing == []
    assert len(result.cells) == len(built.forms["TH-M1"].rows) * 11  # ages 6–14, two bands
