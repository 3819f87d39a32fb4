"""The pre-filled field forms of a small village, read back as text (poppler's pdftotext),
and the same records as the ministry's workbook, read back by the official reader.

The village (Bản Pồn of commune 03319, survey year 2024) has three households,
numbered 1, 2 and 10 so that an order by text ("10" before "2") would show:

- household 1: Lò Văn Pọm (head, born 1980) and Lò Thị Ún (his wife, born 1984);
- household 2: Quàng Văn Khang (head, born 1970) and eleven children, Quàng Văn Con 1
  to 11, born 2005 to 2015: twelve members, more than one sheet holds (nine members
  and the rows for new members fit on one), so this household takes two pages;
- household 10: Giàng Thị Mỷ (alone, born 1990, female).

So the PDF has 1 + 2 + 1 = 4 pages, in the order 1, 2, 2 (continued), 10.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from phocap.reports import field_forms, typeface
from phocap.reports.field_forms import Place
from phocap.survey.official import writing
from phocap.survey.official.reading import Context
from phocap.survey.schema import SCHEMA
from phocap.survey.validate import validate

YEAR = 2024
VILLAGE = "Bản Pồn"
PLACE = Place("Điện Biên", "Điện Biên", "Mường Phăng", VILLAGE)
KEY = ["village", "household_no", "person_no"]


def person(household: str, number: int, name: str, born: int, **more: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(SCHEMA)
    row |= {"survey_year": YEAR, "province_code": "11", "district_code": "094",
            "commune_code": "03319", "village": VILLAGE, "household_no": household,
            "person_no": number, "full_name": name, "birth_year": born,
            "birth_date": dt.date(born, 3, 1), "sex": "nam", "ethnicity": "Thái",
            "residence": "thường trú", "address": f"Bản Pồn, nhà {household}",
            "disability_certified": False, "class_repeater": False,
            "class_two_sessions": False, "continuing": False, "relapsed": False}
    return row | more


def village() -> pl.DataFrame:
    rows = [
        person("10", 1, "Giàng Thị Mỷ", 1990, sex="nữ", ethnicity="Mông",
               relationship="Chủ hộ", primary_completed=2002),
        person("1", 1, "Lò Văn Pọm", 1980, relationship="Chủ hộ", thcs_graduated=1996),
        person("1", 2, "Lò Thị Ún", 1984, sex="nữ", relationship="Vợ",
               primary_completed=1995),
        person("2", 1, "Quàng Văn Khang", 1970, relationship="Chủ hộ", primary_completed=1982),
    ]
    for child in range(1, 12):
        born = 2004 + child
        rows.append(person("2", child + 1, f"Quàng Văn Con {child}", born, relationship="Con",
                           parent_name="Quàng Văn Khang"))
    return pl.DataFrame(rows, schema=SCHEMA)


def pages_text(content: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "forms.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]  # a form feed ends every page


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")


def test_households_follow_their_numbers_as_numbers() -> None:
    sheets = field_forms.households(village())
    assert [s.household_no for s in sheets] == ["1", "2", "10"]
    assert [s.head for s in sheets] == ["Lò Văn Pọm", "Quàng Văn Khang", "Giàng Thị Mỷ"]
    assert [len(s.members) for s in sheets] == [2, 12, 1]


@needs_poppler
def test_a_sheet_per_household_and_a_second_for_the_long_one(tmp_path: Path) -> None:
    pages = pages_text(field_forms.pdf(village(), PLACE, YEAR), tmp_path)
    assert len(pages) == 4  # 1 + 2 + 1, the module's docstring
    numbers = [next(line.split("Số phiếu:")[1].strip() for line in page.splitlines()
                    if "Số phiếu:" in line) for page in pages]
    assert numbers == ["1", "2", "2 (tiếp theo, tờ 2)", "10"]
    for page in pages:  # the household's block and the signatures on every sheet
        assert "PHIẾU ĐIỀU TRA PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ" in page
        assert "Xã: Mường Phăng" in page and f"Thôn/xóm: {VILLAGE}" in page
        assert "Năm điều tra 2024, thời điểm 30/9/2024" in page
        assert "Người điều tra" in page and "Chủ hộ" in page
        assert "Biến động (đánh dấu ×)" in page  # the column headers repeat
    assert "Họ và tên chủ hộ: Lò Văn Pọm" in pages[0]
    assert "Lò Thị Ún" in pages[0] and "01/03/1984" in pages[0]
    assert "Họ và tên chủ hộ: Quàng Văn Khang" in pages[2]  # repeated on the second sheet
    everyone = "".join(pages[1:3])
    for child in range(1, 12):
        assert everyone.count(f"Quàng Văn Con {child} ") == 1, child
    assert pages[3].count("Giàng Thị Mỷ") == 2  # the head's name and her row
    assert "Người mới của hộ" in pages[2] and "Người mới của hộ" not in pages[1]


def test_the_workbook_reads_back_as_the_records(tmp_path: Path) -> None:
    records = village()
    path = tmp_path / f"{VILLAGE}.xlsx"
    path.write_bytes(writing.workbook(records, ".xlsx"))
    result = validate([path], year=YEAR, keep_records=True,
                      context=Context(commune_code="03319"))
    assert result.report.ok, result.report.problems.to_dicts()
    assert result.records is not None
    expected = writing.carried(records).sort(KEY).select(list(SCHEMA))
    actual = result.records.sort(KEY).select(list(SCHEMA))
    for column in ("full_name", "household_no", "person_no", "birth_date", "sex",
                   "relationship", "primary_completed", "thcs_graduated", "address"):
        assert actual[column].to_list() == expected[column].to_list(), column


@pytest.mark.parametrize("column", ["full_name", "address"])  # a row's text, the block's
def test_a_character_the_typeface_lacks_is_refused_before_drawing(column: str) -> None:
    odd = village().with_columns(pl.lit("Lò Văn ☃").alias(column))
    with pytest.raises(typeface.MissingGlyphs, match="☃"):
        field_forms.pdf(odd, PLACE, YEAR)


@needs_poppler
def test_units_named_with_their_kind_print_as_named_and_no_district_after_the_line(
        tmp_path: Path) -> None:
    """From 1 July 2025 a commune sits under its province: no district line."""
    place = Place("Tỉnh Điện Biên", None, "Xã Mường Phăng", VILLAGE)
    first = pages_text(field_forms.pdf(village(), place, YEAR), tmp_path)[0]
    assert "Tỉnh Điện Biên" in first and "Xã Mường Phăng" in first
    assert "Tỉnh: " not in first and "Xã: " not in first and "Huyện" not in first


def test_a_continuing_education_class_reads_as_its_grade_and_bo_tuc() -> None:
    """The template writes BT9 as grade 9 in R with X in Bổ túc: the sheet shows both."""
    records = village().with_columns(
        pl.when(pl.col("full_name") == "Giàng Thị Mỷ").then(pl.lit("BT9")).otherwise(None)
        .alias("current_class"))
    (member,) = field_forms.households(records)[2].members
    khoi = next(c for c in field_forms.COLUMNS if c.header == "Khối học")
    assert khoi.value is not None and khoi.value(member.cells) == "9\nbổ túc"
