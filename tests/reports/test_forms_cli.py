"""`phocap forms`: the workbook of a unit's forms, the name lists, and the check's verdict."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from phocap.cli import app
from phocap.reports.forms import CODES_BEFORE_ND277

SURVEY = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"
runner = CliRunner()


def test_forms_of_a_district_and_its_name_lists(tmp_path: Path) -> None:
    """District 100 has communes 03319 and 03322 in the fixture: ten forms, 2 × 4 lists."""
    out, names = tmp_path / "bieu.xlsx", tmp_path / "danh-sach.xlsx"
    result = runner.invoke(app, ["forms", str(SURVEY), "--unit", "100", "--output", str(out),
                                 "--names", str(names)])
    assert result.exit_code == 0, result.output
    assert "Các biểu khớp với kết quả tính và khớp nhau" in result.output
    assert openpyxl.load_workbook(out).sheetnames == list(CODES_BEFORE_ND277)
    assert len(openpyxl.load_workbook(names).sheetnames) == 8


def test_an_unknown_unit_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["forms", str(SURVEY), "--unit", "99999",
                                 "--output", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2
    assert "Không có đơn vị “99999”" in result.output
