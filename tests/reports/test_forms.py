"""The report forms of a small district, cell by cell (people in forms_fixture.py)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
from forms_fixture import YEAR, table_and_units

from phocap.engine.evaluate import evaluate
from phocap.engine.result import Evaluation
from phocap.reports.consistency import check
from phocap.reports.figures import Figures, compute
from phocap.reports.forms import CODES_BEFORE_ND277, forms_for, name_lists_for
from phocap.reports.model import Form, shown


@dataclasses.dataclass
class Built:
    evaluation: Evaluation
    figures: Figures
    forms: dict[tuple[str, str], Form]  # (unit, code) → form
    lists: dict[tuple[str, str], Form]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    table, units = table_and_units(tmp_path_factory.mktemp("forms"))
    evaluation = evaluate(table, YEAR, units=units)
    figures = compute(table, YEAR)
    forms = {(f.unit_code, f.code): f
             for unit in ("90", "901", "90101", "90102")
             for f in forms_for(evaluation, figures, unit)}
    lists = {(f.unit_code, f.code): f for f in name_lists_for(table, evaluation, figures, "901")}
    return Built(evaluation, figures, forms, lists)


def cell(form: Form, row: str, key: str) -> object:
    return form.row(row).values[key]


def test_every_unit_gets_the_eleven_forms(built: Built) -> None:
    assert {code for unit, code in built.forms if unit == "90101"} == set(CODES_BEFORE_ND277)


def test_mn_01_of_commune_90101(built: Built) -> None:
    """6-year-olds: A, B, C and C2 → total 4; C2 moved away → PPC 3; A and B completed
    preschool → 2; girls A, C2 → 2; minority A (Thái) → 1."""
    form = built.forms[("90101", "MN-01")]
    assert [cell(form, m, "a6") for m in ("total", "moved_away", "in_scope",
                                          "completed_preschool", "total__female",
                                          "total__minority")] == [4, 1, 3, 2, 2, 1]
    assert form.column("a6").header == ("Độ tuổi – năm sinh", "6 tuổi", "Sinh năm 2015")


def test_mn_02_of_the_district(built: Built) -> None:
    """5-year-olds in PPC: none in 90101, K in 90102 (in MG5) → 1 of 1; 6-year-olds who
    completed preschool: A, B of 3 in 90101, J of 1 in 90102 → 3/4 in total."""
    form = built.forms[("901", "MN-02")]
    assert [cell(form, c, "ppc_5") for c in ("90101", "90102", "total")] == [0, 1, 1]
    assert cell(form, "90101", "attending_rate") is None
    assert cell(form, "90102", "attending_rate") == Fraction(1, 1)
    assert [cell(form, c, "completed_6") for c in ("90101", "90102", "total")] == [2, 1, 3]
    assert cell(form, "total", "completed_rate") == Fraction(3, 4)


def test_a_level_resting_on_an_interpretation_is_said_under_the_levels(built: Built) -> None:
    """Issue 15: the preschool completion rate is counted on the 6-year-olds of 2021
    [interpretation]. Xã Một: 2 of 3 (66,67% < 85%) fails level 1 on it → level 0 rests on
    it; Xã Hai: 1 of 1 passes and K attends (1/1) → level 1 rests on it too. The district's
    own share (2 communes, law) rests on no mark. One note names both communes, then what
    the mark means, once."""
    from phocap.rules import words

    what = "MN 5 tuổi mức 1: trẻ 6 tuổi đã hoàn thành chương trình giáo dục mầm non"
    form = built.forms[("901", "MN-02")]
    assert [cell(form, c, "level") for c in ("90101", "90102")] == ["Chưa đạt", "Đạt chuẩn"]
    marked = form.notes[-2:]
    assert marked == (
        f"Xã Một, Xã Hai: Mức này dựa vào: {what} (cách hiểu của phocap). Nếu văn bản chính"
        " thức hoặc cơ quan công nhận khác, mức này có thể thay đổi.",
        f"{what}: {words.explained('preschool_5.completed', 'interpretation')}")
    # Primary: Xã Hai reaches level 3 on J in grade 1 (1/1 ≥ 98%), an [unverified] level-3
    # criterion, so its level rests on it; Xã Một is at level 0 (C not at school: 2/3 < 90%
    # at level 1), and level 3's criteria, three levels up, decide nothing there.
    primary = [n for n in built.forms[("901", "TH-02")].notes if "Mức này dựa vào" in n]
    assert primary == ["Xã Hai: Mức này dựa vào: Tiểu học mức 3: trẻ 6 tuổi đang học lớp 1"
                       " trở lên (chưa kiểm chứng). Nếu văn bản chính thức hoặc cơ quan công"
                       " nhận khác, mức này có thể thay đổi."]


def test_th_m1_of_commune_90101(built: Built) -> None:
    """Grade 1 at 6: A, B of 3 in PPC; completed at 11: D of D, E; D or E in primary: 2;
    completed at 14: F; band 11–14 completed: D + F = 2; E is in grade 5."""
    form = built.forms[("90101", "TH-M1")]
    assert cell(form, "in_grade_1_or_higher", "a6") == 2
    assert cell(form, "completed_primary", "a11") == 1
    assert cell(form, "completed_or_in_primary", "a11") == 2
    assert cell(form, "completed_primary", "a14") == 1
    assert cell(form, "completed_primary", "a11_14") == 2
    assert cell(form, "grade_5", "a11") == 1
    assert cell(form, "in_scope", "a6_10") == 3


def test_th_02_of_the_district_lists_its_communes_and_a_total(built: Built) -> None:
    """6-year-olds in PPC: 3 in 90101 (A, B, C) and 1 in 90102 (J) → 4; in grade 1: 2 + 1 = 3,
    rate 3/4. 11-year-olds completed: D of 2 in 90101; none in 90102 → 1/2."""
    form = built.forms[("901", "TH-02")]
    assert [r.code for r in form.rows] == ["90101", "90102", "total"]
    assert [cell(form, c, "ppc_6") for c in ("90101", "90102", "total")] == [3, 1, 4]
    assert [cell(form, c, "grade1_6") for c in ("90101", "90102", "total")] == [2, 1, 3]
    assert cell(form, "90101", "grade1_6_rate") == Fraction(2, 3)
    assert cell(form, "total", "grade1_6_rate") == Fraction(3, 4)
    assert cell(form, "total", "done_11_rate") == Fraction(1, 2)
    assert cell(form, "90102", "done_11_rate") is None  # no 11-year-olds: a dash, not 0%
    assert form.rows[-1].total and form.column("grade1_6_rate").rate


def test_thcs_m2_and_xmc_4_follow_each_communes_cohort(built: Built) -> None:
    """15–18 in 90101: G (graduate, grade 11) and H (dropped out) → 1/2 graduates, 1/2 beyond.
    Literacy in 90102 (ĐBKK, level 1 judged on 15–25): M literate, L not → 1/2."""
    thcs = built.forms[("901", "THCS-M2")]
    assert (cell(thcs, "90101", "grad_15_18"), cell(thcs, "90101", "ppc_15_18")) == (1, 2)
    assert cell(thcs, "total", "grad_15_18") == 2  # G and M
    xmc = built.forms[("901", "XMC-4")]
    assert (cell(xmc, "90102", "l1_15_25"), cell(xmc, "90102", "ppc_15_25")) == (1, 2)
    criterion = next(c for c in built.evaluation.unit("90102").standards["literacy"].criteria
                     if c.key == "literacy.1.literate")
    assert criterion.ages == (15, 25) and (criterion.numerator, criterion.denominator) == (1, 2)


def test_xmc_3_rows_by_age_with_running_totals(built: Built) -> None:
    """90101, 15–60: G, H (16) and I (40) in PPC → 3; literate level 2: G, H → 2; I completed
    grade 3 only → illiterate at level 2, a woman: 1. Birth year of age 16: 2005."""
    form = built.forms[("90101", "XMC-3")]
    assert cell(form, "a16", "birth_year") == 2005
    # A year, printed "2005" on every output, never "2.005" like a count (docs/numbers.md).
    assert shown(cell(form, "a16", "birth_year")) == "2005"
    assert cell(form, "a15_60", "in_scope") == 3
    assert cell(form, "a15_60", "literate_2") == 2
    assert cell(form, "a15_60", "illiterate_2__female") == 1
    assert cell(form, "a15_35", "illiterate_1") == 0
    assert form.row("a15_35").total


def test_headings_and_signatures_name_the_units(built: Built) -> None:
    commune = built.forms[("90101", "TH-M1")]
    assert commune.headings[:3] == ("Tỉnh: Tỉnh Chín Mươi", "Huyện: Huyện Chín Linh Một",
                                    "Xã: Xã Một")
    assert [s.title for s in commune.signatures] == ["NGƯỜI LẬP BIỂU",
                                                     "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"]
    district = built.forms[("901", "TH-02")]
    assert district.signatures[1].title == "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    assert district.signatures[1].seal
    assert district.place_date == "Huyện Chín Linh Một, ngày … tháng … năm 2021"


def test_name_lists(built: Built) -> None:
    """90101: lower-secondary graduates 15–18: G alone (2020); literate 15–60: G and H at
    level 2 (completed primary), I at level 1 (grade 3 only)."""
    graduates = built.lists[("90101", "DS-THCS")]
    assert [(r.values["full_name"], r.values["year"]) for r in graduates.rows] == [
        ("Người G", "2020")]
    literate = built.lists[("90101", "DS-XMC")]
    assert sorted((r.values["full_name"], r.values["level"]) for r in literate.rows) == [
        ("Người G", "Mức độ 2"), ("Người H", "Mức độ 2"), ("Người I", "Mức độ 1")]
    assert [r.values["full_name"] for r in built.lists[("90102", "DS-MN")].rows] == ["Người J"]


def test_the_forms_are_consistent(built: Built) -> None:
    assert check([*built.forms.values(), *built.lists.values()], built.evaluation) == []


def test_a_tampered_cell_is_caught(built: Built) -> None:
    """One 6-year-old more in 90101's row of the district's TH-02: its total, its rate, the
    commune's own TH-02 and the engine's denominator all disagree."""
    form = built.forms[("901", "TH-02")]
    row = form.row("90101")
    tampered = dataclasses.replace(row, values={**row.values, "ppc_6": 4})
    forms = {**built.forms,
             ("901", "TH-02"): dataclasses.replace(form, rows=(tampered, *form.rows[1:]))}
    problems = check(list(forms.values()), built.evaluation)
    assert any("dòng “Cộng”" in p and "tổng các dòng là 5" in p for p in problems)
    assert any("mẫu số của tiêu chí primary.1.grade_1_at_6 là 3" in p for p in problems)
    assert any("dòng Cộng trên biểu TH-02 của chính đơn vị 90101 là 3" in p for p in problems)


def test_a_name_list_missing_a_person_is_caught(built: Built) -> None:
    listed = built.lists[("90101", "DS-THCS")]
    short = dataclasses.replace(listed, rows=())
    problems = check([*built.forms.values(), short], built.evaluation)
    assert any(p.startswith("DS-THCS (90101)") and "THCS-M1" in p for p in problems)
    assert any("tử số của tiêu chí lower_secondary.1.graduates là 1" in p for p in problems)


def test_a_criterion_differs_between_two_forms(built: Built) -> None:
    """XMC-3 and XMC-4 both print the literate 15–35 of 90101 (G, H: 2)."""
    form = built.forms[("90101", "XMC-3")]
    row = form.row("a15_35")
    changed = dataclasses.replace(row, values={**row.values, "literate_1": 1})
    rows = tuple(changed if r.code == "a15_35" else r for r in form.rows)
    forms = {**built.forms, ("90101", "XMC-3"): dataclasses.replace(form, rows=rows)}
    problems = check(list(forms.values()), built.evaluation)
    assert any("cùng số liệu trên biểu XMC-4" in p for p in problems)



def replaced(form: Form, row_code: str, key: str, value: object) -> Form:
    rows = tuple(dataclasses.replace(r, values={**r.values, key: value})
                 if r.code == row_code else r for r in form.rows)
    return dataclasses.replace(form, rows=rows)


def test_a_band_that_is_not_the_sum_of_its_ages_is_caught(built: Built) -> None:
    """TH-M1 of 90101: 11–14 completed = D (11) + F (14) = 2; printed 3."""
    forms = {**built.forms, ("90101", "TH-M1"): replaced(
        built.forms[("90101", "TH-M1")], "completed_primary", "a11_14", 3)}
    problems = check(list(forms.values()), built.evaluation)
    assert any("TH-M1 (90101)" in p and "tổng các độ tuổi là 2" in p for p in problems)


def test_a_district_form_that_is_not_the_sum_of_its_communes_is_caught(built: Built) -> None:
    """THCS-M1 of district 901, graduates aged 16: G (90101) + M (90102) = 2; printed 1."""
    forms = {**built.forms, ("901", "THCS-M1"): replaced(
        built.forms[("901", "THCS-M1")], "lower_secondary_graduate", "a16", 1)}
    problems = check(list(forms.values()), built.evaluation)
    assert any("THCS-M1 (901)" in p and "tổng của các xã trên cùng biểu là 2" in p
               for p in problems)


def test_a_wrong_level_is_caught(built: Built) -> None:
    """The engine's levels of 90101: the level column must say the same."""
    form = built.forms[("901", "XMC-4")]
    forms = {**built.forms, ("901", "XMC-4"): replaced(form, "90101", "level", "Mức độ 2")}
    expected = form.row("90101").values["level"]
    assert expected != "Mức độ 2"
    problems = check(list(forms.values()), built.evaluation)
    assert any(f"mức đạt chuẩn theo kết quả tính là {expected}" in p for p in problems)
