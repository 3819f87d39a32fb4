"""MN-01-TE and MN-01-TC,ĐK on a hand-counted province (nd277_fixture.py: who is who).

Every figure below is counted from the fixture's docstring; the arithmetic is beside it.
Columns of MN-01-TE: ages 0, 1, 2, 3, 4, 5, 6, then "Tổng cộng 0-5 tuổi" (6 left out).
"""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction as F
from pathlib import Path

import openpyxl
import pytest
from nd277_fixture import YEAR, pupils, table_and_units
from test_dossier_pdf import content  # the dossier test's own content, its forms replaced

from phocap.engine.evaluate import evaluate
from phocap.engine.result import Evaluation
from phocap.reports import pdf
from phocap.reports.consistency import check
from phocap.reports.figures import Figures, compute, school_side
from phocap.reports.forms import forms_for
from phocap.reports.ministry import read_workbook
from phocap.reports.model import Form
from phocap.reports.xlsx import write_forms
from phocap.survey.limits import Limits

_ = None  # an empty cell: completion is counted for ages 3–5 only, a rate over nobody

# Commune 95001, row → (a0, a1, a2, a3, a4, a5, a6, total 0–5).
TE_95001 = {
    # 3: residents: P1 | P2 | P3 | P4 P5 P6 | P7 P8 P9 (P16 died) | P10 P11 P12 P15 |
    #    P13 (P14 moved away); 0–5: 1+1+1+3+3+4 = 13
    "resident": (1, 1, 1, 3, 3, 4, 1, 13),
    # 4: girls P1 | – | P3 | P4 | P7 | P10 P15 | P13; 0–5: 1+0+1+1+1+2 = 6
    "resident__female": (1, 0, 1, 1, 1, 2, 1, 6),
    # 5: minority (Thái) P2 | P3 | P4 | P8 | P10; 0–5 = 5
    "resident__minority": (0, 1, 1, 1, 1, 1, 0, 5),
    # 6: disabled P9 | P11 P12
    "disabled": (0, 0, 0, 0, 1, 2, 0, 3),
    # 7: able to study P9 | P12
    "disabled_can_study": (0, 0, 0, 0, 1, 1, 0, 2),
    # 8: access to education: P12 (in MG5); P9 is at home
    "disabled_can_study_enrolled": (0, 0, 0, 0, 0, 1, 0, 1),
    # 9: to be mobilised = residents − cannot study (P11): 5-year-olds 4 − 1 = 3; 13 − 1 = 12
    "in_scope": (1, 1, 1, 3, 3, 3, 1, 12),
    # 10: attending P2 (NT) | P3 (NT) | P4 P5 P6 | P7 P8 | P10 P12 P15 | P13 (grade 1);
    #     0–5: 0+1+1+3+2+3 = 10
    "attends_early_education": (0, 1, 1, 3, 2, 3, 1, 10),
    # 11: on a list of a school of 95001: P2 | – (P3 on none) | P4 P5 P6 | P7 | P10 P12 P15
    "studying_in_commune": (0, 1, 0, 3, 1, 3, 0, 8),
    # 12: only on lists elsewhere: P8 (95002)
    "studying_elsewhere": (0, 0, 0, 0, 1, 0, 0, 1),
    # 13 = 10/9: 0/1, 1/1, 1/1, 3/3, 2/3, 3/3, 1/1; 10/12 = 5/6
    "attending_rate": (F(0), F(1), F(1), F(1), F(2, 3), F(1), F(1), F(5, 6)),
    # 14: attending girls P3 | P4 | P7 | P10 P15 | P13; 0–5: 1+1+1+2 = 5
    "attends_early_education__female": (0, 0, 1, 1, 1, 2, 1, 5),
    # 15: attending minority P2 | P3 | P4 | P8 | P10
    "attends_early_education__minority": (0, 1, 1, 1, 1, 1, 0, 5),
    # 16: minority, attending, TCTV on the list: P4 (Q1 is counted in 95002)
    "vietnamese_preparation": (0, 0, 0, 1, 0, 0, 0, 1),
    # 17: from elsewhere on a list of 95001: Q1 (95002, aged 4)
    "from_elsewhere": (0, 0, 0, 0, 1, 0, 0, 1),
    # 18: two sessions P3 | P4 P5 | P7 P8 | P10 P12 P15; 0–5: 1+2+2+3 = 8
    "two_sessions": (0, 0, 1, 2, 2, 3, 0, 8),
    # 19 = 18/10: 0/0 → empty, 0/1, 1/1, 2/3, 2/2, 3/3, 0/1; 8/10 = 4/5
    "two_sessions_rate": (_, F(0), F(1), F(2, 3), F(1), F(1), F(0), F(4, 5)),
    # 20–22: P16 died (4) | P14 moved away (6, outside 0–5) | P15 moved in (5)
    "deceased": (0, 0, 0, 0, 1, 0, 0, 1),
    "moved_away": (0, 0, 0, 0, 0, 0, 1, 0),
    "moved_in": (0, 0, 0, 0, 0, 1, 0, 1),
    # 23: completing (two sessions, class for age, records, ≤ 45 days, still on a list):
    #     P4 (45 days, at the limit) | P8 (10 days, at a school elsewhere) | P10 (0), P15 (20);
    #     not P5 (46 days), P6 (one session), P7 (nothing recorded), P12 (left the list)
    "completed_programme": (_, _, _, 1, 1, 2, _, 4),
    # 24 = 23/10 for ages 3–5: 1/3, 1/2, 2/3; total 4/(3+2+3) = 1/2
    "completed_rate": (_, _, _, F(1, 3), F(1, 2), F(2, 3), _, F(1, 2)),
    # 25: from elsewhere completing here: Q1 (5 days)
    "from_elsewhere_completed": (_, _, _, 0, 1, 0, _, 1),
}
TE_NUMBERS = ("3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17",
              "18", "19", "20", "21", "22", "23", "24", "25")
# MN-01-TE's criteria block of 95001, by the fact and ages it counts: (count, rate)
CRITERIA_95001 = {
    "attends_preschool:5_5": (3, F(1)),  # P10 P12 P15 in kindergarten / PPC 5 = 3
    "completed_preschool:6_6": (1, F(1)),  # P13 / PPC 6 = 1
    "disabled_can_study_enrolled:5_5": (1, F(1)),  # P12 / able to study 1
    "two_sessions:5_5": (3, F(1)),  # P10 P12 P15 / attending 3
    "attends_early_education:3_4": (5, F(5, 6)),  # 3 + 2 / PPC 3 + 3
    "completed_programme:3_4": (2, F(2, 5)),  # P4 P8 / attending 5
    "two_sessions:3_4": (4, F(4, 5)),  # P4 P5 P7 P8 / attending 5
}
# MN-01-TC,ĐK age rows: (need 10, attending 11, rate 12, completed 13, rate 14,
#                        disabled 15, able 16, access 17, rate 18)
TCDK = {
    # 95001, 3–4: PPC 3+3, attending 3+2, completed P4 P8, disabled P9 (able, at home)
    "95001:3_4": (6, 5, F(5, 6), 2, F(2, 5), 1, 1, 0, F(0)),
    # 95001, 5: PPC 3, attending 3, completed P10 P15, disabled P11 P12, able P12 (in MG5)
    "95001:5": (3, 3, F(1), 2, F(2, 3), 2, 1, 1, F(1)),
    # 95002, 3–4: Q2 (3) and Q1 (4), both attending and completing; nobody disabled
    "95002:3_4": (2, 2, F(1), 2, F(1), 0, 0, 0, _),
    "95002:5": (0, 0, _, 0, _, 0, 0, 0, _),
    # the province: the sums
    "total:3_4": (8, 7, F(7, 8), 4, F(4, 7), 1, 1, 0, F(0)),
    "total:5": (3, 3, F(1), 2, F(2, 3), 2, 1, 1, F(1)),
}
# The schools' records: 95001 has one preschool with two sites, classes MG3, MG4 and MG5;
# 95002 one preschool on one site with one MG3 class.
ESTABLISHMENTS = {"95001": {"schools": 1, "sites": 2, "classes_3_4": 2, "classes_5": 1},
                  "95002": {"schools": 1, "sites": 1, "classes_3_4": 1, "classes_5": 0}}
TCDK_KEYS = ("need", "attending", "attending_rate", "completed", "completed_rate", "disabled",
             "dis_can", "dis_access", "dis_rate")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Evaluation, Figures]:
    table, units = table_and_units(tmp_path_factory.mktemp("nd277"))
    evaluation = evaluate(table, YEAR, units=units)
    figures = (compute(table, YEAR).with_school_side(school_side(table, YEAR, pupils()))
               .with_establishments(ESTABLISHMENTS))
    return evaluation, figures


def forms(built: tuple[Evaluation, Figures], unit: str) -> dict[str, Form]:
    return {f.code: f for f in forms_for(*built, unit)}


def test_the_year_has_the_nd277_forms(built: tuple[Evaluation, Figures]) -> None:
    evaluation, _ = built
    assert evaluation.ruleset == "nd277-2025"
    codes = list(forms(built, "95001"))
    assert codes[:2] == ["MN-01-TE", "MN-01-TCDK"] and "MN-01" not in codes


def test_te_every_cell(built: tuple[Evaluation, Figures]) -> None:
    te = forms(built, "95001")["MN-01-TE"]
    keys = ("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a0_5")
    assert [r.code for r in te.rows] == list(TE_95001)
    assert tuple(r.values["no"] for r in te.rows) == TE_NUMBERS
    for code, expected in TE_95001.items():
        assert tuple(te.row(code).values[k] for k in keys) == expected, code
    assert {r.code for r in te.rows if r.rate} == {"attending_rate", "two_sessions_rate",
                                                  "completed_rate"}
    appendix = {r.code: (r.values["count"], r.values["rate"]) for r in te.appendix if r.code}
    assert appendix == CRITERIA_95001


def test_te_of_the_other_commune_and_the_province(built: tuple[Evaluation, Figures]) -> None:
    other = forms(built, "95002")["MN-01-TE"]
    # Q1 (4, TCTV, studies in 95001), Q2 (3, studies at home); P8 of 95001 studies here
    assert other.row("vietnamese_preparation").values["a4"] == 1
    assert other.row("studying_in_commune").values["a3"] == 1  # Q2
    assert other.row("studying_elsewhere").values["a4"] == 1  # Q1
    assert other.row("from_elsewhere").values["a4"] == 1  # P8
    assert other.row("from_elsewhere_completed").values["a4"] == 1  # P8, 10 days
    assert other.row("completed_programme").values["a0_5"] == 2  # Q1, Q2
    province = forms(built, "95")["MN-01-TE"]
    # the province's cells are the sums: residents 13 + 2, completing 4 + 2 (ages 3–5)
    assert province.row("resident").values["a0_5"] == 15
    assert province.row("completed_programme").values["a0_5"] == 6
    assert province.row("completed_rate").values["a0_5"] == F(6, 8 + 2)


def test_tcdk_every_cell(built: tuple[Evaluation, Figures]) -> None:
    tcdk = forms(built, "95")["MN-01-TCDK"]
    # TOÀN TỈNH and its two age rows, then each commune and its two
    assert [r.code for r in tcdk.rows] == ["total", "total:3_4", "total:5", "95001",
                                           "95001:3_4", "95001:5", "95002", "95002:3_4",
                                           "95002:5"]
    for code, expected in TCDK.items():
        assert tuple(tcdk.row(code).values[k] for k in TCDK_KEYS) == expected, code
    heads = {r.code: (r.values["stt"], r.values["label"], r.values["difficult"],
                      r.values["recognised"]) for r in tcdk.rows if ":" not in r.code}
    assert heads == {
        # 95001: attending 3–5 = 8/9 = 88,9% < 90% → not recognised
        "95001": (1, "Tên xã: Xã Một", "", "Không đạt"),
        # 95002 (ĐBKK): attending 2/2 ≥ 85%; completion (engine: aged 4 in MG4+) 1/1 ≥ 80%
        "95002": (2, "Tên xã: Xã Hai", "x", "Đạt"),
        # the province: its one normal commune is not recognised, 0/1 < 90% → not
        "total": ("", "TOÀN TỈNH", "", "Không đạt"),
    }
    assert tcdk.row("95001:5").values["difficult"] == "x"  # "x": not per age
    # columns 4, 6, 7: schools, sites (1 + 1, 2 + 1) and classes by age group (2 + 1, 1 + 0);
    # what the schools do not record stays empty (5, 8, 9, 19–21)
    assert [tcdk.row("total").values[k] for k in ("schools", "independent", "sites")] == [
        2, None, 3]
    assert [tcdk.row(f"total:{g}").values["classes"] for g in ("3_4", "5")] == [3, 1]
    assert [tcdk.row("95001:3_4").values[k] for k in ("classes", "classes_single",
                                                       "classes_combined", "teachers")] == [
        2, None, None, None]
    assert tcdk.column_numbers[6] == "7=8+9" and tcdk.column_numbers[13] == "14=13/11"
    assert len(tcdk.column_numbers) == len(tcdk.columns) == 22
    # a commune's own form holds its block alone
    own = forms(built, "95002")["MN-01-TCDK"]
    assert [r.code for r in own.rows] == ["95002", "95002:3_4", "95002:5"]


def test_engine_criteria_of_the_fixture(built: tuple[Evaluation, Figures]) -> None:
    """ND277's criteria on the same children: attending 3–5 (nursery groups count) and the
    one completion rate, read a year older (aged 4 in MG4+, 5 in MG5+, 6 completed)."""
    evaluation, _ = built
    got = {c.key: (c.numerator, c.denominator)
           for c in evaluation.unit("95001").standards["preschool_3_5"].criteria}
    # attending: 3+2+3 of 3+3+3; completed: P7 P8 (4) + P10 P12 P15 (5) + P13 (6) of 3+3+1
    assert got == {"preschool_3_5.attending": (8, 9), "preschool_3_5.completed": (6, 7)}


def test_forms_agree_with_the_engine_and_each_other(built: tuple[Evaluation, Figures]) -> None:
    every = [f for unit in ("95", "95001", "95002") for f in forms_for(*built, unit)]
    assert check(every, built[0]) == []


def test_the_check_finds_a_changed_cell(built: tuple[Evaluation, Figures]) -> None:
    """TE row 23 against TC,ĐK column 13, and TE row 10 against the engine's numerator."""
    evaluation = built[0]
    te = forms(built, "95001")["MN-01-TE"]
    tcdk = forms(built, "95001")["MN-01-TCDK"]
    changed = Form(**{**te.__dict__, "rows": tuple(
        type(r)(r.label, {**r.values, "a3": 2}, r.total, r.code, r.rate)
        if r.code in ("completed_programme", "attends_early_education") else r
        for r in te.rows)})
    problems = check([changed, tcdk], evaluation)
    # row 23, aged 3: 1 → 2, so 3–4: 2 → 3 against column 13's 2
    assert ("MN-01-TCDK (95001), dòng “- Độ tuổi 3, 4 tuổi”, cột “Tỉ lệ trẻ hoàn thành CTGDMN "
            "theo độ tuổi – Số trẻ”: ghi 2, nhưng dòng “Trẻ 3, 4, 5 tuổi hoàn thành chương "
            "trình GDMN (*)” 3–4 tuổi trên biểu MN-01-TE là 3.") in problems
    # row 10, aged 3: 3 → 2, so 3–5: 8 → 7 against the engine's 8
    assert ("MN-01-TE (95001), “Số trẻ đến trường (nhóm, lớp)” 3–5 tuổi: ghi 7, nhưng tử số "
            "của tiêu chí preschool_3_5.attending là 8.") in problems
    # and the total column, the rates beside the changed cells, the criteria block
    assert len(problems) == 10, problems
    block = Form(**{**te.__dict__, "appendix": tuple(
        type(r)(r.label, {**r.values, "count": 4}, r.total, r.code, r.rate)
        if r.code == "attends_preschool:5_5" else r for r in te.appendix)})
    # the block's 5-year-olds in kindergarten against ND20's criterion (3 of 3)
    assert check([block], evaluation) == [
        "MN-01-TE (95001), tiêu chí “- Trẻ 5 tuổi ra lớp”: ghi 4, nhưng tử số của tiêu chí "
        "preschool_5.attending là 3."]


def test_without_class_lists_the_school_side_is_empty(tmp_path: Path) -> None:
    """A survey file alone (the command line): rows 11, 12, 16, 17, 23 and 25 stay empty,
    and so do their rates; nothing is printed as 0 that nobody counted."""
    table, units = table_and_units(tmp_path)
    evaluation = evaluate(table, YEAR, units=units)
    te = next(f for f in forms_for(evaluation, compute(table, YEAR), "95001")
              if f.code == "MN-01-TE")
    for code in ("studying_in_commune", "studying_elsewhere", "vietnamese_preparation",
                 "from_elsewhere", "completed_programme", "completed_rate",
                 "from_elsewhere_completed"):
        assert te.row(code).values["a3"] is None, code
    assert te.row("resident").values["a0_5"] == 13
    assert check([te], evaluation) == []


def test_xlsx_read_back(built: tuple[Evaluation, Figures], tmp_path: Path) -> None:
    path = write_forms(forms_for(*built, "95001")[:2], tmp_path / "forms.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["MN-01-TE", "MN-01-TCDK"]
    te = book["MN-01-TE"]
    cells = {(c.row, c.column): c.value for row in te.iter_rows() for c in row
             if c.value is not None}
    text = list(cells.values())
    # the template's code top right, its title, the commune and province lines
    assert cells[(1, 10)] == "Mẫu: MN-01-TE"
    assert "THỐNG KÊ TRẺ EM MẦM NON THEO ĐỘ TUỔI" in text
    assert cells[(1, 1)] == "Xã: Xã Một" and cells[(2, 1)] == "Tỉnh: Tỉnh Chín Lăm"
    # header: birth years over ages, then "Tổng cộng" over "0-5 tuổi"
    header = next(r for r, c in cells if cells[(r, c)] == "TT")
    assert [cells[(header, c)] for c in range(3, 11)] == [
        "2025", "2024", "2023", "2022", "2021", "2020", "2019", "Tổng cộng"]
    assert [cells[(header + 1, c)] for c in range(3, 11)] == [
        "0 tuổi", "1 tuổi", "2 tuổi", "3 tuổi", "4 tuổi", "5 tuổi", "6 tuổi", "0-5 tuổi"]
    # rows numbered 3–25 in column B, the figures beside them
    first = header + 2
    assert [cells[(first + i, 2)] for i in range(23)] == list(TE_NUMBERS)
    assert [cells[(first, c)] for c in range(3, 11)] == [1, 1, 1, 3, 3, 4, 1, 13]
    completed = first + list(TE_95001).index("completed_programme")
    assert [cells.get((completed, c)) for c in range(3, 11)] == [
        None, None, None, 1, 1, 2, None, 4]
    rate = te.cell(first + list(TE_95001).index("completed_rate"), 10)
    assert rate.value == 0.5 and rate.number_format == "0.00%"
    # the footnote, the criteria block and the signatures
    assert any(isinstance(v, str) and v.startswith("(*) Trẻ em hoàn thành") for v in text)
    assert "Tiêu chí" in text and "- Trẻ 3–4 tuổi hoàn thành chương trình theo độ tuổi" in text
    assert {"NGƯỜI LẬP BIỂU", "TM. BAN CHỈ ĐẠO PCGD-XMC", "(Kí, họ tên và đóng dấu UBND)"} \
        <= set(text)
    tcdk = book["MN-01-TCDK"]
    values = [c.value for row in tcdk.iter_rows() for c in row if c.value is not None]
    assert "Mẫu: MN-01-TC, ĐK" in values
    numbers_row = next(r for r in tcdk.iter_rows() if r[6].value == "7=8+9")
    assert [c.value for c in numbers_row][:4] == ["1", "2", "3", "4"]
    assert [c.value for c in numbers_row][-1] == "22"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_dossier_prints_them_as_the_templates(built: tuple[Evaluation, Figures],
                                                  tmp_path: Path) -> None:
    """The printed dossier: the template's code, the column numbers, the footnote and the
    criteria block of MN-01-TE, as in the workbook."""
    path = tmp_path / "ho-so.pdf"
    path.write_bytes(pdf.render(content(forms=tuple(forms_for(*built, "95001"))[:2],
                                        standard="preschool_3_5")))
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    for expected in ("Mẫu: MN-01-TE", "Mẫu: MN-01-TC, ĐK", "THỐNG KÊ TRẺ EM MẦM NON THEO ĐỘ",
                     "14=13/11", "Tiêu chí", "- Trẻ 3–4 tuổi học 2 buổi/ngày",
                     "TM. BAN CHỈ ĐẠO PCGD-XMC"):
        assert expected in text, expected


def test_the_ministry_s_figures_read_back_from_phocap_s_workbook(
        built: tuple[Evaluation, Figures], tmp_path: Path) -> None:
    """The reconciliation reads the ministry's figures from phocap's own workbook: rate rows
    are skipped (they follow from the counts), TC,ĐK's column numbers are not a row, and
    its repeated age rows are matched in order, commune by commune."""
    province = forms_for(*built, "95")[:2]
    found = read_workbook(write_forms(province, tmp_path / "bo.xlsx"), province, Limits(
        max_bytes=5_000_000, max_rows=10_000, max_expanded=50_000_000))
    assert found["MN-01-TE"]["completed_programme"]["a4"] == 2  # P8 and Q1
    assert "completed_rate" not in found["MN-01-TE"]
    assert found["MN-01-TCDK"]["95001:3_4"]["completed"] == 2
    assert found["MN-01-TCDK"]["95002:3_4"]["completed"] == 2
    assert found["MN-01-TCDK"]["total:5"]["need"] == 3
