"""The command line: exit codes, the Vietnamese report, the highlighted workbook."""

import csv
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from phocap.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "survey"
runner = CliRunner()


def test_validate_a_clean_file_exits_0() -> None:
    result = runner.invoke(app, ["validate", str(FIXTURES / "vi.xlsx"), "--year", "2021"])
    assert result.exit_code == 0, result.output
    assert "10 dòng, 0 lỗi, 0 cảnh báo" in result.output


def bad_file(tmp_path: Path) -> Path:
    with (FIXTURES / "en.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index("birth_date")] = "31/02/2013"  # file row 4
    rows[4][rows[0].index("current_class")] = "6"  # file row 5: a 5-year-old in grade 6
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_validate_a_file_with_errors_exits_2_and_names_the_cell(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(bad_file(tmp_path))])
    assert result.exit_code == 2, result.output
    assert "31/02/2013" in result.output
    assert "1 lỗi, 1 cảnh báo" in result.output and "chưa thể nhập" in result.output


def test_validate_writes_the_report_with_highlighted_cells(tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["validate", str(bad_file(tmp_path)), "--xlsx", str(out)])
    assert result.exit_code == 2
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Lỗi và cảnh báo", "Dòng có vấn đề"]
    listing = list(workbook["Lỗi và cảnh báo"].iter_rows(values_only=True))
    assert listing[0][:3] == ("Tệp", "Trang", "Dòng")
    assert {(r[2], r[3], r[5]) for r in listing[1:]} == {
        (4, "birth_date", "Lỗi"), (5, "current_class", "Cảnh báo")
    }
    rows = workbook["Dòng có vấn đề"]
    header = [c.value for c in rows[1]]
    assert header[0] == "Dòng" and rows["A2"].value == 4 and rows["A3"].value == 5
    bad = rows.cell(2, header.index("birth_date") + 1)
    assert bad.value == "31/02/2013"
    assert bad.fill.fgColor.rgb.endswith("F4B6B6")
    assert bad.comment is not None and "DD/MM/YYYY" in bad.comment.text
    warned = rows.cell(3, header.index("current_class") + 1)
    assert warned.fill.fgColor.rgb.endswith("FFF2A8")


def test_summary_counts_people_by_commune() -> None:
    result = runner.invoke(app, ["summary", str(FIXTURES / "en.csv")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Mường Pồn" in result.output and "Tổng" in result.output
