"""Bounds on reading a file: zip bombs, oversized files and too many rows are refused
before they are read, in bounded memory, with a message naming the file."""

from __future__ import annotations

import struct
import tracemalloc
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from phocap.cli import app
from phocap.survey import readers
from phocap.survey.limits import DEFAULT, MIB, Limits
from phocap.survey.official import workbook
from phocap.survey.problems import ERROR
from phocap.survey.validate import validate
from tests.survey.zip_bombs import far_cell, rewritten, zip_bomb


def only_error(path: Path, limits: Limits = DEFAULT) -> dict[str, Any]:
    errors = validate(path, check_units=False, limits=limits).report.problems.filter(
        pl.col("severity") == ERROR)
    assert errors.height == 1, errors
    return errors.row(0, named=True)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bombs")
    fixtures = Path(__file__).parent.parent / "fixtures" / "survey"
    return zip_bomb(fixtures / "vi.xlsx", folder / "bom.xlsx", expanded=200 * MIB)


@pytest.fixture(scope="module")
def lying_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bombs")
    fixtures = Path(__file__).parent.parent / "fixtures" / "survey"
    return zip_bomb(fixtures / "vi.xlsx", folder / "noi-doi.xlsx", expanded=200 * MIB,
                    lie=True)


def test_the_bomb_is_small_and_would_inflate_to_hundreds_of_megabytes(bomb: Path) -> None:
    assert bomb.stat().st_size < MIB


@pytest.mark.parametrize("which", ["bomb", "lying_bomb"])
def test_a_zip_bomb_is_refused_before_it_is_expanded(
    which: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    path: Path = request.getfixturevalue(which)

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the spreadsheet library opened a zip bomb")

    monkeypatch.setattr(workbook.fastexcel, "read_excel", never)
    tracemalloc.start()
    try:
        problem = only_error(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problem["code"] == "zip_bomb"
    assert f"Tệp “{path.name}”" in problem["message"]
    assert "xl/sharedStrings.xml" in problem["message"] and "bom nén" in problem["message"]
    assert peak < 8 * MIB  # the check inflates in 64 KB pieces and keeps none of them


def test_a_member_beyond_the_expanded_bound_is_refused_whatever_its_ratio(
    tmp_path: Path, fixtures: Path
) -> None:
    path = zip_bomb(fixtures / "vi.xlsx", tmp_path / "lon.xlsx", expanded=3 * MIB)
    problem = only_error(path, Limits(max_expanded=2 * MIB, max_ratio=10_000))
    assert problem["code"] == "zip_bomb" and "vượt quá 2 MB" in problem["message"]


def test_ordinary_workbooks_pass_the_zip_check(fixtures: Path) -> None:
    result = validate(fixtures / "vi.xlsx", year=2021, limits=Limits(max_expanded=MIB))
    assert result.report.ok and result.report.rows == 10


def test_the_command_line_prints_the_refusal_and_exits_2(lying_bomb: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(lying_bomb)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "bom nén" in result.output


def test_a_file_over_the_size_limit_is_refused_without_reading_it(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lon.csv"
    path.write_bytes((fixtures / "en.csv").read_bytes() * 20)

    def never(self: Path) -> bytes:
        raise AssertionError(f"{self.name} was read")

    monkeypatch.setattr(Path, "read_bytes", never)
    problem = only_error(path, Limits(max_bytes=4096))
    assert problem["code"] == "file_too_large"
    assert "Tệp “lon.csv”" in problem["message"] and "quá giới hạn 4 KB" in problem["message"]


def csv_with_rows(path: Path, fixtures: Path, copies: int) -> Path:
    lines = (fixtures / "en.csv").read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], *lines[1:] * copies]) + "\n", encoding="utf-8")
    return path


def test_rows_beyond_the_limit_are_refused_and_left_unread(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = csv_with_rows(tmp_path / "dai.csv", fixtures, 3)  # 30 rows
    asked: list[int | None] = []
    read_csv = pl.read_csv

    def counted(*args: Any, **kwargs: Any) -> pl.DataFrame:
        asked.append(kwargs.get("n_rows"))
        return read_csv(*args, **kwargs)

    monkeypatch.setattr(readers.pl, "read_csv", counted)
    problem = only_error(path, Limits(max_rows=25))
    assert problem["code"] == "too_many_rows" and "hơn 25 dòng" in problem["message"]
    assert asked == [25 + readers.HEADER_SCAN_ROWS + 1]
    assert validate(path, check_units=False, limits=Limits(max_rows=30)).report.rows == 30


def test_rows_are_counted_in_xlsx_xls_and_parquet(fixtures: Path) -> None:
    for name in ("vi.xlsx", "en.xls", "en.parquet"):
        problem = only_error(fixtures / name, Limits(max_rows=9))
        assert problem["code"] == "too_many_rows", name
        assert validate(fixtures / name, year=2021, limits=Limits(max_rows=10)).report.ok


def test_cells_far_apart_are_refused_before_the_sheet_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 5 KB file with a header and one cell at XFD1048576 made the library ask for
    512 GB and abort the process; a row far down without cell references, or a shared
    strings count of billions, did the same."""
    far = far_cell(tmp_path / "xa.xlsx")
    far_row = rewritten(far_cell(tmp_path / "gan.xlsx", 1, 1), tmp_path / "dong.xlsx",
                        "xl/worksheets/sheet1.xml", b'<row r="2" spans="1:5"><c r="B2"',
                        b'<row r="300000000"><c')
    counted = rewritten(far_cell(tmp_path / "gan2.xlsx", 1, 1), tmp_path / "chuoi.xlsx",
                        "xl/sharedStrings.xml", b'uniqueCount="6"', b'uniqueCount="4000000000"')

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the spreadsheet library opened the file")

    monkeypatch.setattr(workbook.fastexcel, "read_excel", never)
    for path, words in ((far, "dòng 1.048.576, cột 16.384"),
                        (far_row, "vượt quá giới hạn của Excel"),
                        (counted, "khai báo 4.000.000.000 chuỗi")):
        problem = only_error(path)
        assert problem["code"] == "sheet_too_large", path.name
        assert f"Tệp “{path.name}”" in problem["message"] and words in problem["message"]


def test_a_sheet_within_the_cell_bound_passes(tmp_path: Path) -> None:
    path = far_cell(tmp_path / "vua.xlsx", 99, 25)  # Z100: 2,600 cells

    def codes(limits: Limits) -> list[str]:
        return validate(path, check_units=False, limits=limits).report.problems[
            "code"].to_list()

    assert "sheet_too_large" not in codes(Limits(max_cells=2_600))
    assert codes(Limits(max_cells=2_599)) == ["sheet_too_large"]


def patched_xls(fixtures: Path, target: Path, record: bytes, values: bytes) -> Path:
    """The fixture XLS with the body of its first ``record`` (id and length) overwritten."""
    raw = bytearray((fixtures / "en.xls").read_bytes())
    at = raw.find(record)
    assert at > 0
    raw[at + 4: at + 4 + len(values)] = values
    target.write_bytes(bytes(raw))
    return target


def test_an_xls_claiming_billions_of_rows_is_refused_before_it_is_opened(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DIMENSIONS (0x0200, 14 bytes): first row, last row + 1, first column, last column + 1.
    Two billion rows in the 10 KB fixture made the library ask for 22 TB and abort."""
    huge = patched_xls(fixtures, tmp_path / "dai.xls", b"\x00\x02\x0e\x00",
                       struct.pack("<IIHH", 0, 2_147_483_647, 0, 29))
    monkeypatch.setattr(workbook.fastexcel, "read_excel", lambda *a, **k: 1 / 0)
    problem = only_error(huge)
    assert problem["code"] == "sheet_too_large"
    assert "Tệp “dai.xls”" in problem["message"] and "2.147.483.647 dòng" in problem["message"]


def test_an_xls_within_the_format_passes_the_check(fixtures: Path) -> None:
    assert validate(fixtures / "en.xls", year=2021, limits=Limits(max_cells=11 * 32)).report.ok
    assert only_error(fixtures / "en.xls", Limits(max_cells=11 * 29 - 1))["code"] == (
        "sheet_too_large")


def test_the_check_names_the_sheets_that_may_hold_formulas(tmp_path: Path) -> None:
    """The reader looks for formulas without a value only in the sheets the check saw one in."""
    import xlsxwriter

    from phocap.survey.limits import check_zip

    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Plain").write("A1", "Lò Văn An")
    book.add_worksheet("Sums").write_formula("A1", "=1+1")
    book.close()
    assert check_zip(path, path.name, DEFAULT) == {"xl/worksheets/sheet2.xml"}
