"""A corpus of broken files: each gets the right message, never a traceback."""

import csv
import io
from pathlib import Path

import openpyxl
import polars as pl
import xlsxwriter

from phocap.survey.problems import ERROR
from phocap.survey.validate import Result, validate


def only_error(result: Result, code: str) -> dict[str, object]:
    errors = result.report.problems.filter(pl.col("severity") == ERROR)
    assert errors["code"].to_list() == [code], errors
    return errors.row(0, named=True)


def english_rows(fixtures: Path) -> list[list[str]]:
    with (fixtures / "en.csv").open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_windows_1258_csv(tmp_path: Path, fixtures: Path) -> None:
    path = tmp_path / "cp1258.csv"
    path.write_bytes((fixtures / "en.csv").read_text(encoding="utf-8").encode("cp1258", "replace"))
    problem = only_error(validate(path), "encoding")
    assert "không phải UTF-8" in str(problem["message"])
    assert "Windows-1258" in str(problem["message"])
    assert problem["row"] == 2  # the first Vietnamese letter is on line 2


def test_utf16_csv(tmp_path: Path, fixtures: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes((fixtures / "en.csv").read_text(encoding="utf-8").encode("utf-16"))
    problem = only_error(validate(path), "encoding")
    assert "UTF-16" in str(problem["message"]) and "UTF-8" in str(problem["message"])


def test_truncated_csv_reports_the_cut_row(tmp_path: Path, fixtures: Path) -> None:
    content = (fixtures / "en.csv").read_text(encoding="utf-8")
    path = tmp_path / "cut.csv"
    path.write_text(content[: content.index("Lò Thị Hoa") + 4], encoding="utf-8")
    errors = validate(path).report.problems.filter(pl.col("severity") == ERROR)
    assert set(errors["row"].to_list()) == {5}
    assert "required_birth_date" in errors["code"].to_list()


def test_truncated_xlsx(tmp_path: Path, fixtures: Path) -> None:
    data = (fixtures / "vi.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    problem = only_error(validate(path), "excel_broken")
    assert "bị hỏng" in str(problem["message"])


def test_not_really_an_excel_file(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("this is not a workbook", encoding="utf-8")
    only_error(validate(path), "excel_broken")


def test_truncated_parquet(tmp_path: Path, fixtures: Path) -> None:
    data = (fixtures / "en.parquet").read_bytes()
    path = tmp_path / "cut.parquet"
    path.write_bytes(data[: len(data) - 100])
    problem = only_error(validate(path), "parquet_broken")
    assert "Parquet" in str(problem["message"])


def test_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Trang 1")
    workbook.add_worksheet("Trang 2")
    workbook.close()
    problem = only_error(validate(path), "no_survey_sheet")
    assert "“Trang 1”" in str(problem["message"]) and "“Trang 2”" in str(problem["message"])


def test_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"\xef\xbb\xbf\n\n")
    only_error(validate(path), "empty")


def test_empty_sheet_beside_a_data_sheet_is_skipped(tmp_path: Path, fixtures: Path) -> None:
    path = tmp_path / "two.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Hướng dẫn")
    sheet = workbook.add_worksheet("Dữ liệu")
    for r, row in enumerate(english_rows(fixtures)):
        sheet.write_row(r, 0, row)
    workbook.close()
    result = validate(path)
    assert result.report.ok and result.report.rows == 10


def test_merged_header_cells(tmp_path: Path, fixtures: Path) -> None:
    rows = english_rows(fixtures)
    path = tmp_path / "merged.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Phiếu")
    header = rows[0]
    at = header.index("preschool_completed")
    sheet.write_row(0, 0, header[:at])
    sheet.write_row(0, at + 2, header[at + 2 :])
    sheet.merge_range(0, at, 0, at + 1, "Hoàn thành")  # "MN" and "TH" under one caption
    for r, row in enumerate(rows[1:], start=1):
        sheet.write_row(r, 0, row)
    workbook.close()
    errors = validate(path).report.problems.filter(pl.col("severity") == ERROR)
    assert "header_empty" in errors["code"].to_list()
    message = errors.filter(pl.col("code") == "header_empty")["message"][0]
    assert "gộp" in message and f"Cột thứ {at + 2}" in message


def test_formulas_without_values(tmp_path: Path, fixtures: Path) -> None:
    rows = english_rows(fixtures)
    path = tmp_path / "formula.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    sheet["A3"] = "=A2"  # survey_year of row 3 computed, never saved by Excel
    workbook.save(path)
    problem = only_error(validate(path), "formula_without_value")
    assert problem["row"] == 3 and problem["column"] == "survey_year"
    assert problem["value"] == "=A2" and "lưu lại" in str(problem["message"])


def test_missing_required_column(tmp_path: Path, fixtures: Path) -> None:
    frame = pl.read_csv(fixtures / "en.csv", infer_schema=False).drop("full_name")
    path = tmp_path / "no-name.csv"
    frame.write_csv(path)
    problem = only_error(validate(path), "column_missing")
    assert "Họ và tên" in str(problem["message"])


def test_no_header_at_all(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("1,2,3\n4,5,6\n", encoding="utf-8")
    problem = only_error(validate(path), "header_missing")
    assert "dòng tiêu đề" in str(problem["message"])


def test_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "survey.docx"
    path.write_bytes(b"PK")
    only_error(validate(path), "file_type")


def test_fifty_thousand_rows_with_one_bad_cell_in_the_last_row(
    tmp_path: Path, fixtures: Path
) -> None:
    header, first = english_rows(fixtures)[:2]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    household = header.index("household_no")
    birth = header.index("birth_date")
    national_id = header.index("national_id")
    for i in range(50_000):
        row = list(first)
        row[household] = f"{i:05d}"
        row[national_id] = ""
        if i == 49_999:
            row[birth] = "31/02/1985"
        writer.writerow(row)
    path = tmp_path / "big.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    problem = only_error(validate(path), "invalid_birth_date")
    assert problem["row"] == 50_001
    assert problem["value"] == "31/02/1985"
    assert problem["header"] == "birth_date"
