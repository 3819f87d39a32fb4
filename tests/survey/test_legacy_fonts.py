"""Vietnamese typed in TCVN3 (ABC) or VNI fonts: read as Unicode, warned in a file, converted.

Each legacy spelling below is built from its bytes, so it can be checked against the
code tables by hand: in TCVN3 "ễ" is byte 0xD4 and "à" 0xB5; in VNI "ễ" is e followed
by 0xE3 (circumflex and tilde) and "à" is a followed by 0xF8 (grave)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlsxwriter
from typer.testing import CliRunner

from phocap.cli import app
from phocap.survey import legacy_fonts
from phocap.survey.legacy_fonts import TCVN3, VNI, from_tcvn3, from_vni, legacy_reading
from phocap.survey.validate import validate
from phocap.units import registry_for_year


def latin1(raw: bytes) -> str:
    """The characters a legacy font's bytes are stored as in a spreadsheet."""
    return raw.decode("latin-1")


TCVN3_WORDS = [
    (b"Nguy\xd4n", "Nguyễn"),
    (b"H\xb5 Giang", "Hà Giang"),
    (b"\xa7i\xd6n Bi\xaan", "Điện Biên"),  # Đ 0xA7, ệ 0xD6, ê 0xAA
    (b"Tr\xad\xeang", "Trường"),  # ư 0xAD, ờ 0xEA
    (b"Nguy\xd4n V\xa8n \xa7\xf8c", "Nguyễn Văn Đức"),  # ă 0xA8, ứ 0xF8
]
VNI_WORDS = [
    (b"Nguye\xe3n", "Nguyễn"),
    (b"Ha\xf8 Giang", "Hà Giang"),
    (b"\xd1ie\xe4n Bie\xe2n", "Điện Biên"),  # Đ 0xD1, circumflex+dot 0xE4, circumflex 0xE2
    (b"Tr\xf6\xf4\xf8ng", "Trường"),  # ư 0xF6, ơ 0xF4, grave 0xF8
    (b"Nguye\xe3n Va\xean \xd1\xf6\xf9c", "Nguyễn Văn Đức"),  # breve 0xEA, acute 0xF9
    (b"NGUYE\xc3N", "NGUYỄN"),  # capitals: each byte 0x20 below its lower-case one
]


@pytest.mark.parametrize(("raw", "unicode"), TCVN3_WORDS)
def test_tcvn3_is_read_as_unicode(raw: bytes, unicode: str) -> None:
    assert from_tcvn3(latin1(raw)) == unicode
    assert legacy_reading(latin1(raw)) == (TCVN3, unicode)


@pytest.mark.parametrize(("raw", "unicode"), VNI_WORDS)
def test_vni_is_read_as_unicode(raw: bytes, unicode: str) -> None:
    assert from_vni(latin1(raw)) == unicode
    assert legacy_reading(latin1(raw)) == (VNI, unicode)


def test_the_readings_are_composed_unicode() -> None:
    assert from_vni(latin1(b"Nguye\xe3n")) == "Nguy\u1ec5n"  # one code point for ễ (NFC)


@pytest.mark.parametrize("text", ["Nguyễn Văn Hoà", "Hoàng Thị Thuý", "Đoàn Khuê", "hoãn",
                                  "Quế", "Lò Thị Ỏn", "Giàng A Páo", "Thôn Nà Hỳ", "6A",
                                  "=1+2", "McDonald"])
def test_unicode_text_is_never_suspected(text: str) -> None:
    assert legacy_reading(text) is None


def test_no_official_unit_name_is_suspected() -> None:
    names = [u.name for year in (2021, 2025) for u in registry_for_year(year).communes()]
    assert len(names) > 10_000
    assert [n for n in names if legacy_reading(n)] == []


def survey_xlsx(path: Path, fixtures: Path, name: str, village: str) -> Path:
    rows = list(csv.reader((fixtures / "en.csv").open(encoding="utf-8")))
    rows[1][rows[0].index("full_name")] = name  # file row 2
    rows[3][rows[0].index("village")] = village  # file row 4
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Phiếu")
    for index, row in enumerate(rows):
        for column, value in enumerate(row):
            sheet.write_string(index, column, value)
    book.close()
    return path


def test_a_file_with_legacy_text_is_warned_cell_by_cell(tmp_path: Path, fixtures: Path) -> None:
    name, village = latin1(TCVN3_WORDS[4][0]), latin1(b"Tho\xe2n Ha\xf8")  # VNI "Thôn Hà"
    path = survey_xlsx(tmp_path / "cu.xlsx", fixtures, name, village)
    report = validate(path, year=2021).report
    assert report.ok  # a warning: the file may still be imported
    found = report.problems.filter(pl.col("code") == "legacy_font").sort("row")
    assert found.select("file", "sheet", "row", "column", "value").rows() == [
        ("cu.xlsx", "Phiếu", 2, "full_name", name),
        ("cu.xlsx", "Phiếu", 4, "village", village),
    ]
    first, second = found["message"].to_list()
    assert "phông TCVN3" in first and "đọc là “Nguyễn Văn Đức”" in first
    assert "phông VNI" in second and "đọc là “Thôn Hà”" in second


def test_the_unicode_command_converts_the_file(tmp_path: Path, fixtures: Path) -> None:
    name, village = latin1(TCVN3_WORDS[4][0]), latin1(b"Tho\xe2n Ha\xf8")
    path = survey_xlsx(tmp_path / "cu.xlsx", fixtures, name, village)
    out = tmp_path / "moi.xlsx"
    result = CliRunner().invoke(app, ["unicode", str(path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 ô TCVN3, 1 ô VNI" in result.output
    sheet = openpyxl.load_workbook(out)["Phiếu"]
    values = {c.value for row in sheet.iter_rows() for c in row}
    assert {"Nguyễn Văn Đức", "Thôn Hà"} <= values and name not in values
    converted = validate(out, year=2021).report
    assert converted.ok and converted.rows == 10
    assert converted.problems.filter(pl.col("code") == "legacy_font").height == 0


def test_a_sheet_lists_so_many_cells_then_counts_the_rest(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phocap.survey import readers

    monkeypatch.setattr(readers, "LEGACY_CELLS_LISTED", 1)
    name, village = latin1(TCVN3_WORDS[4][0]), latin1(b"Tho\xe2n Ha\xf8")
    path = survey_xlsx(tmp_path / "cu.xlsx", fixtures, name, village)
    found = validate(path, year=2021).report.problems.filter(pl.col("code") == "legacy_font")
    assert found.height == 2 and "Còn 1 ô khác" in found["message"][1]


def test_the_suspect_pattern_works_in_polars_as_in_python() -> None:
    texts = [latin1(raw) for raw, _ in TCVN3_WORDS + VNI_WORDS] + ["Nguyễn Văn Hoà"]
    matched = pl.Series(texts).str.contains(legacy_fonts.SUSPECT).to_list()
    assert matched == [True] * (len(texts) - 1) + [False]
