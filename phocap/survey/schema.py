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
    CHOICES = "choices"  # several values of a closed list, separated by ";" or ","


@dataclass(frozen=True)
class Column:
    key: str
    header_vi: str
    kind: Kind
    required: bool
    width: int = 0  # for CODE: number of digits
    choices: tuple[str, ...] = ()  # for CHOICE(S): canonical values, NFC Vietnamese
    low: int | None = None  # for INT: inclusive bounds
    high: int | None = None
    max_chars: int = 0  # for TEXT: the longest value the register keeps (its model's max_length)


# The eight kinds of disability the ministry's form marks (columns AJ–AQ), in its order.
DISABILITY_TYPES = (
    "vận động", "nghe nói", "nhìn", "thần kinh, tâm thần", "trí tuệ", "học tập", "tự kỷ", "khác",
)
# Vocational and higher qualifications (the form's "Bậc TN nghề"): the vocational levels of
# the Law on Vocational Education 2014, then university and postgraduate degrees.
VOCATIONAL_LEVELS = ("sơ cấp", "trung cấp", "cao đẳng", "đại học", "thạc sĩ", "tiến sĩ")

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
    Column("relationship", "Quan hệ với chủ hộ", Kind.TEXT, False, max_chars=30),
    Column("religion", "Tôn giáo", Kind.TEXT, False, max_chars=30),
    Column("priority", "Diện ưu tiên", Kind.TEXT, False, max_chars=60),
    Column("parent_name", "Họ tên cha hoặc mẹ", Kind.TEXT, False, max_chars=120),
    Column("phone", "Điện thoại", Kind.TEXT, False, max_chars=20),
    Column("address", "Địa chỉ", Kind.TEXT, False, max_chars=200),
    Column(
        "residence", "Diện cư trú", Kind.CHOICE, False, choices=("thường trú", "tạm trú", "khác"),
    ),
    Column("residence_status", "Tình trạng cư trú", Kind.TEXT, False, max_chars=30),
    Column("status", "Biến động", Kind.CHOICE, False, choices=("chuyển đến", "chuyển đi", "chết")),
    Column("status_detail", "Chi tiết hoàn cảnh", Kind.TEXT, False, max_chars=200),
    Column("disability", "Khuyết tật", Kind.CHOICE, False, choices=("học được", "không học được")),
    Column("disability_types", "Dạng khuyết tật", Kind.CHOICES, False, choices=DISABILITY_TYPES),
    Column("disability_certified", "Có chứng nhận khuyết tật", Kind.FLAG, False),
    Column("current_class", "Lớp đang học", Kind.CLASS, False),
    Column("class_name", "Tên lớp", Kind.TEXT, False, max_chars=10),
    Column("continuing", "Bổ túc", Kind.FLAG, False),
    Column("current_school", "Trường đang học", Kind.TEXT, False, max_chars=30),
    Column("school_name", "Tên trường", Kind.TEXT, False, max_chars=120),
    Column("school_district", "Quận/Huyện đang học", Kind.TEXT, False, max_chars=60),
    Column("preschool_completed", "Hoàn thành MN", Kind.YEAR, False),
    Column("primary_completed", "Hoàn thành TH", Kind.YEAR, False),
    Column("thcs_graduated", "Tốt nghiệp THCS", Kind.YEAR, False),
    Column("thpt_graduated", "Tốt nghiệp THPT", Kind.YEAR, False),
    Column(
        "vocational_level", "Trình độ nghề", Kind.CHOICE, False,
        choices=VOCATIONAL_LEVELS,
    ),
    Column("vocational_completed", "Tốt nghiệp nghề", Kind.YEAR, False),
    Column("diploma_no", "Số bằng", Kind.TEXT, False, max_chars=30),
    Column("highest_grade", "Học xong lớp", Kind.INT, False, low=0, high=12),
    Column("finished_grade", "Học xong lớp chưa có bằng", Kind.INT, False, low=0, high=12),
    Column("finished_year", "Năm học xong", Kind.YEAR, False),
    Column("dropout_grade", "Bỏ học lớp", Kind.INT, False, low=1, high=12),
    Column("dropout_year", "Bỏ học năm", Kind.YEAR, False),
    Column("literacy_stage", "Xóa mù chữ", Kind.INT, False, low=1, high=2),
    Column("literacy_year", "Năm XMC", Kind.YEAR, False),
    Column("literacy_class", "Đang học lớp XMC", Kind.INT, False, low=1, high=5),
    Column("literacy_completed", "Hoàn thành lớp XMC", Kind.INT, False, low=1, high=5),
    Column("relapsed", "Tái mù", Kind.FLAG, False),
    Column("relapse_level", "Tái mù mức", Kind.INT, False, low=1, high=2),
    Column("note", "Ghi chú", Kind.TEXT, False, max_chars=200),
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
    "relationship": pl.String(),
    "religion": pl.String(),
    "priority": pl.String(),
    "parent_name": pl.String(),
    "phone": pl.String(),
    "address": pl.String(),
    "residence": pl.String(),
    "residence_status": pl.String(),
    "status": pl.String(),
    "status_detail": pl.String(),
    "disability": pl.String(),
    "disability_types": pl.String(),
    "disability_certified": pl.Boolean(),
    "current_class": pl.String(),
    "class_level": pl.String(),
    "class_grade": pl.Int8(),
    "class_repeater": pl.Boolean(),
    "class_two_sessions": pl.Boolean(),
    "class_name": pl.String(),
    "continuing": pl.Boolean(),
    "current_school": pl.String(),
    "school_name": pl.String(),
    "school_district": pl.String(),
    "preschool_completed": pl.Int16(),
    "primary_completed": pl.Int16(),
    "thcs_graduated": pl.Int16(),
    "thpt_graduated": pl.Int16(),
    "vocational_level": pl.String(),
    "vocational_completed": pl.Int16(),
    "diploma_no": pl.String(),
    "highest_grade": pl.Int8(),
    "finished_grade": pl.Int8(),
    "finished_year": pl.Int16(),
    "dropout_grade": pl.Int8(),
    "dropout_year": pl.Int16(),
    "literacy_stage": pl.Int8(),
    "literacy_year": pl.Int16(),
    "literacy_class": pl.Int8(),
    "literacy_completed": pl.Int8(),
    "relapsed": pl.Boolean(),
    "relapse_level": pl.Int8(),
    "note": pl.String(),
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
