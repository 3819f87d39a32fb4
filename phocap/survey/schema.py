"""The survey record: one row per person per survey year (docs/survey-format.md).

This module is the single definition of the contract. Readers map file headers
onto these keys, validation turns raw text into these types, the synthetic
generator writes them, and the engine reads them. No second shape of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import polars as pl


class Kind(Enum):
    """How a column's raw text is parsed."""

    YEAR = "year"  # a calendar year, e.g. 2021
    CODE = "code"  # digits, zero-padded to a fixed width
    TEXT = "text"
    INT = "int"
    DATE = "date"  # DD/MM/YYYY, YYYY-MM-DD or a year alone
    CHOICE = "choice"  # one of a closed list of Vietnamese values
    ETHNICITY = "ethnicity"
    CLASS = "class"  # class code, see classes.py
    FLAG = "flag"  # "x" or blank
    NATIONAL_ID = "national_id"


@dataclass(frozen=True)
class Column:
    key: str
    header_vi: str
    kind: Kind
    required: bool
    width: int = 0  # for CODE: number of digits
    choices: tuple[str, ...] = ()  # for CHOICE: canonical values, NFC Vietnamese
    low: int | None = None  # for INT: inclusive bounds
    high: int | None = None
    max_chars: int = 0  # for TEXT: the longest value the register keeps (its model's max_length)


COLUMNS: tuple[Column, ...] = (
    Column("survey_year", "Năm điều tra", Kind.YEAR, True),
    Column("province_code", "Mã tỉnh", Kind.CODE, True, width=2),
    # Required before 2025 only; the year-dependent rule lives in validation.
    Column("district_code", "Mã huyện", Kind.CODE, False, width=3),
    Column("commune_code", "Mã xã", Kind.CODE, True, width=5),
    Column("village", "Thôn/xóm", Kind.TEXT, True, max_chars=120),
    Column("household_no", "Số phiếu", Kind.TEXT, True, max_chars=20),
    Column("person_no", "STT", Kind.INT, True, low=1, high=99),
    Column("national_id", "Số định danh", Kind.NATIONAL_ID, False),
    Column("full_name", "Họ và tên", Kind.TEXT, True, max_chars=120),
    Column("birth_date", "Ngày sinh", Kind.DATE, True),
    Column("sex", "Giới tính", Kind.CHOICE, True, choices=("nam", "nữ")),
    Column("ethnicity", "Dân tộc", Kind.ETHNICITY, False),
    Column("residence", "Diện cư trú", Kind.CHOICE, False, choices=("thường trú", "tạm trú")),
    Column("status", "Biến động", Kind.CHOICE, False, choices=("chuyển đến", "chuyển đi", "chết")),
    Column("disability", "Khuyết tật", Kind.CHOICE, False, choices=("học được", "không học được")),
    Column("current_class", "Lớp đang học", Kind.CLASS, False),
    Column("current_school", "Trường đang học", Kind.TEXT, False, max_chars=30),
    Column("preschool_completed", "Hoàn thành MN", Kind.YEAR, False),
    Column("primary_completed", "Hoàn thành TH", Kind.YEAR, False),
    Column("thcs_graduated", "Tốt nghiệp THCS", Kind.YEAR, False),
    Column("thpt_graduated", "Tốt nghiệp THPT", Kind.YEAR, False),
    Column(
        "vocational_level", "Trình độ nghề", Kind.CHOICE, False,
        choices=("sơ cấp", "trung cấp", "cao đẳng"),
    ),
    Column("vocational_completed", "Tốt nghiệp nghề", Kind.YEAR, False),
    Column("highest_grade", "Học xong lớp", Kind.INT, False, low=0, high=12),
    Column("dropout_grade", "Bỏ học lớp", Kind.INT, False, low=1, high=12),
    Column("dropout_year", "Bỏ học năm", Kind.YEAR, False),
    Column("literacy_stage", "Xóa mù chữ", Kind.INT, False, low=1, high=2),
    Column("literacy_year", "Năm XMC", Kind.YEAR, False),
    Column("relapsed", "Tái mù", Kind.FLAG, False),
)

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)

# The typed record. Codes stay text (leading zeros matter); years are Int16;
# choices are their canonical NFC Vietnamese value. Derived columns follow the
# contract's own columns: birth_year is always known, birth_date only when the
# file gave a full date; the class code is split into its parts so that no
# consumer has to parse it again.
SCHEMA: dict[str, pl.DataType] = {
    "survey_year": pl.Int16(),
    "province_code": pl.String(),
    "district_code": pl.String(),
    "commune_code": pl.String(),
    "village": pl.String(),
    "household_no": pl.String(),
    "person_no": pl.Int16(),
    "national_id": pl.String(),
    "full_name": pl.String(),
    "birth_date": pl.Date(),
    "birth_year": pl.Int16(),
    "sex": pl.String(),
    "ethnicity": pl.String(),
    "residence": pl.String(),
    "status": pl.String(),
    "disability": pl.String(),
    "current_class": pl.String(),
    "class_level": pl.String(),
    "class_grade": pl.Int8(),
    "class_repeater": pl.Boolean(),
    "class_two_sessions": pl.Boolean(),
    "current_school": pl.String(),
    "preschool_completed": pl.Int16(),
    "primary_completed": pl.Int16(),
    "thcs_graduated": pl.Int16(),
    "thpt_graduated": pl.Int16(),
    "vocational_level": pl.String(),
    "vocational_completed": pl.Int16(),
    "highest_grade": pl.Int8(),
    "dropout_grade": pl.Int8(),
    "dropout_year": pl.Int16(),
    "literacy_stage": pl.Int8(),
    "literacy_year": pl.Int16(),
    "relapsed": pl.Boolean(),
}

# Provenance travels with each record so that every later message can point
# back to the cell it came from.
PROVENANCE: dict[str, pl.DataType] = {
    "source_sheet": pl.String(),  # null for CSV and Parquet
    "source_row": pl.Int32(),
    "warnings": pl.List(pl.String()),
    "extra": pl.String(),  # JSON object of unknown columns, or null
}

RECORD_SCHEMA: dict[str, pl.DataType] = {**SCHEMA, **PROVENANCE}

# The survey years the system accepts anywhere (pages, API, imports): the register
# starts with the universal-education surveys of the 1990s.
FIRST_SURVEY_YEAR, LAST_SURVEY_YEAR = 1990, 2100

# The date the survey describes (ND20 Art 31): 30 September of the survey year.
REFERENCE_MONTH = 9
REFERENCE_DAY = 30

# From 1 July 2025 there are no districts (Decrees 142/2025, 143/2025); a survey
# year is in the two-level era when its reference date falls after that.
FIRST_TWO_LEVEL_YEAR = 2025


def is_two_level(year: int) -> bool:
    return year >= FIRST_TWO_LEVEL_YEAR
