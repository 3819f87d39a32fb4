"""The ministry's figures read from a workbook in the layout phocap writes (reports/xlsx.py):
matched by sheet and row label, and every bad cell named by file, sheet, row, column, value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from reconcile_fixture import COMMUNE, YEAR, table_and_units

from phocap.engine.evaluate import evaluate
from phocap.reports.figures import compute
from phocap.reports.forms import forms_for
from phocap.reports.ministry import NOT_A_COUNT, count, read_workbook
from phocap.reports.model import Form
from phocap.reports.xlsx import write_forms
from phocap.survey.limits import Limits
from phocap.survey.problems import ERROR, Problem, ProblemsFound

BOUNDS = Limits(max_bytes=5_000_000, max_rows=10_000, max_expanded=50_000_000)
NAME = "so-lieu-bo.xlsx"


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> list[Form]:
    table, units = table_and_units(tmp_path_factory.mktemp("ministry"))
    return forms_for(evaluate(table, YEAR, units=units), compute(table, YEAR), COMMUNE)


def workbook(forms: list[Form], folder: Path, edit: Any = None) -> Path:
    """phocap's own workbook of the forms, changed by ``edit(book)`` as an officer would."""
    path = write_forms(forms, folder / NAME)
    if edit is not None:
        book = openpyxl.load_workbook(path)
        edit(book)
        book.save(path)
    return path


def problems_of(path: Path, forms: list[Form], bounds: Limits = BOUNDS) -> list[Problem]:
    with pytest.raises(ProblemsFound) as refused:
        read_workbook(path, forms, bounds)
    return refused.value.problems


def th_m1_row(sheet: Any, label: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == label)


def test_phocap_s_own_workbook_reads_back_as_its_figures(forms: list[Form],
                                                          tmp_path: Path) -> None:
    found = read_workbook(workbook(forms, tmp_path), forms, BOUNDS)
    th = next(f for f in forms if f.code == "TH-M1")
    # PPC at 11: P1 and P3 (reconcile_fixture.py); grade 2 at 7: P4.
    assert found["TH-M1"]["in_scope"]["a11"] == th.row("in_scope").values["a11"] == 2
    assert found["TH-M1"]["grade_2"]["a7"] == 1
    assert found["TH-02"]["total"]["ppc_11_14"] == 3  # the 'Cộng' row, by its label
    assert "grade1_6_rate" not in found["TH-02"]["total"]  # rates follow from the counts
    assert set(found) == {f.code for f in forms}


def test_a_changed_cell_is_read_as_the_ministry_s(forms: list[Form], tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        sheet = book["TH-M1"]
        sheet.cell(th_m1_row(sheet, "Số trẻ phải phổ cập"), 7).value = 1  # column G = age 11

    found = read_workbook(workbook(forms, tmp_path, edit), forms, BOUNDS)
    assert found["TH-M1"]["in_scope"]["a11"] == 1


def test_an_unknown_sheet_and_row_are_named(forms: list[Form], tmp_path: Path) -> None:
    def edit(book: Any) -> None:
        book.create_sheet("Bìa")
        sheet = book["TH-M1"]
        sheet.cell(th_m1_row(sheet, "Lưu ban"), 1).value = "Lưu ban hai năm"

    problems = problems_of(workbook(forms, tmp_path, edit), forms)
    assert [(p.code, p.file, p.sheet, p.column, p.value) for p in problems] == [
        ("unknown_row", NAME, "TH-M1", "A", "Lưu ban hai năm"),
        ("unknown_sheet", NAME, "Bìa", None, None)]
    assert problems[0].message == ("Cần tên một dòng của biểu TH-M1 như phocap ghi; biểu không"
                                   " có dòng này.")
    assert problems[1].message == (
        f"Cần trang tính mang mã một biểu của phocap ({', '.join(f.code for f in forms)}); "
        "trang này không phải biểu nào.")


def test_a_word_in_a_figure_cell_is_named_by_file_sheet_row_column_and_value(
        forms: list[Form], tmp_path: Path) -> None:
    row: dict[str, int] = {}

    def edit(book: Any) -> None:
        sheet = book["TH-M1"]
        row["n"] = th_m1_row(sheet, "Chuyển đi")
        sheet.cell(row["n"], 5).value = "một"  # column E = age 9

    assert problems_of(workbook(forms, tmp_path, edit), forms) == [Problem(
        ERROR, "not_a_count", NOT_A_COUNT, NAME, "TH-M1", row["n"], "E",
        "E (“Độ tuổi – năm sinh – 9 tuổi – Sinh năm 2012”)", "một")]
    assert NOT_A_COUNT == "Cần số người: một số nguyên không âm, hoặc để trống."


def test_a_file_that_is_not_a_workbook(forms: list[Form], tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(b"not a workbook")
    assert problems_of(path, forms) == [Problem(
        ERROR, "unreadable", "Không đọc được tệp: cần tệp Excel (.xlsx) của các biểu.", NAME)]


@pytest.mark.parametrize(("raw", "expected"), [
    (None, None), ("", None), (12, 12), (12.0, 12), ("12", 12), ("1.234", 1234), (" 7 ", 7)])
def test_counts_as_written(raw: Any, expected: int | None) -> None:
    assert count(raw) == expected


@pytest.mark.parametrize("raw", ["một", 1.5, -1, "1,5", "12%", True])
def test_what_is_not_a_count(raw: Any) -> None:
    with pytest.raises(ValueError):
        count(raw)


def test_a_sheet_beyond_the_row_bound_is_refused(forms: list[Form], tmp_path: Path) -> None:
    """TH-M1 as phocap writes it has more than 20 rows (22 figures under a 3-row header)."""
    small = Limits(max_bytes=5_000_000, max_rows=20, max_expanded=50_000_000)
    th = [f for f in forms if f.code == "TH-M1"]
    assert problems_of(workbook(th, tmp_path), th, small) == [Problem(
        ERROR, "too_many_rows", "Quá nhiều dòng: tối đa 20 dòng một trang.", NAME, "TH-M1")]
