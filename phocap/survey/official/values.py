"""Cell values of the ministry's template, read into the survey record's terms.

Officers type numbers that Excel keeps as numbers (1991, 1991.0) while tools
write every cell as text ("1991"); both read the same here. Years of study are
school years, "2023-2024", meaning the year that ends in June 2024: the
survey record keeps that closing year, as it keeps calendar years of
completion. Each reader returns the value, or the Vietnamese sentence saying
what the cell must hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from phocap.survey.parse import CHOICE_ALIASES
from phocap.survey.schema import BY_KEY
from phocap.survey.text import fold

_WHOLE = re.compile(r"^\s*(\d+)(?:\.0+)?\s*$")
_SCHOOL_YEAR = re.compile(r"^\s*(\d{4})\s*[-–/]\s*(\d{4})\s*$")
_FLAG_TRUE = {"x", "co", "1", "yes", "true"}
MIN_YEAR, MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class Bad:
    """A cell that cannot be read: what it must hold instead."""

    expected: str


def whole(text: str | None) -> int | None:
    """A whole number typed as a number or as text, else None."""
    match = _WHOLE.match(text or "")
    return int(match.group(1)) if match else None


def whole_text(text: str | None) -> str | None:
    """Text as written, a number stored as "12.0" spelt "12"; leading zeros stay."""
    if text is None:
        return None
    return re.sub(r"^(\d+)\.0+$", r"\1", text.strip())


def calendar_year(text: str) -> int | Bad:
    year = whole(text)
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        return Bad(f"cần một năm gồm 4 chữ số, từ {MIN_YEAR} đến {MAX_YEAR}")
    return year


def school_year(text: str) -> tuple[int | Bad, bool]:
    """(closing year, whether it was written as a school year).

    "2023-2024" → 2024. A lone year is accepted as that calendar year and
    flagged, since the template asks for school years.
    """
    match = _SCHOOL_YEAR.match(text)
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        if second != first + 1 or not MIN_YEAR <= first <= MAX_YEAR:
            return Bad(
                "năm học ghi năm đầu rồi năm sau liền kề, ví dụ 2023-2024"
            ), True
        return second, True
    year = calendar_year(text)
    if isinstance(year, Bad):
        return Bad("cần năm học dạng 2023-2024"), False
    return year, False


def school_year_text(closing_year: int) -> str:
    """2024 → "2023-2024"."""
    return f"{closing_year - 1}-{closing_year}"


def flag(text: str | None) -> bool | Bad:
    """A mark: "X" (or x, có, 1) is set, blank is not."""
    if text is None or not text.strip():
        return False
    if fold(text) in _FLAG_TRUE:
        return True
    return Bad("cần đánh dấu X hoặc để trống")


# Khối học (column R): what the template's list holds, folded → the record's class base.
# "N tuổi" names a kindergarten age group; nursery and post-secondary values are
# not confirmed by any source (docs/official-files.md) and are read leniently.
_KINDERGARTEN = re.compile(r"^(\d) tuoi$")
_NURSERY = {"nha tre", "nt"}
_POST_SECONDARY = {
    "so cap": "SC",
    "trung cap": "TC",
    "thcn": "TC",
    "cao dang": "CD",
    "dai hoc": "DH",
    "sv": "DH",
}
KHOI_EXPECTED = (
    "cần một giá trị của danh mục Khối học: 3 tuổi, 4 tuổi, 5 tuổi (mẫu giáo), Nhà trẻ,"
    " 1 đến 12 (lớp phổ thông), Sơ cấp, Trung cấp, Cao đẳng, Đại học"
)


def khoi(text: str) -> str | Bad:
    """Column R → the base of the record's class code (MG5, 7, TC…)."""
    key = fold(text)
    grade = whole(text)
    if grade is not None:
        return str(grade) if 1 <= grade <= 12 else Bad(KHOI_EXPECTED)
    age = _KINDERGARTEN.match(key)
    if age:
        years = int(age.group(1))
        if 3 <= years <= 5:
            return f"MG{years}"
        if years <= 2:
            return "NT"
        return Bad(KHOI_EXPECTED)
    if key in _NURSERY or key.endswith(" thang"):
        return "NT"
    if key in _POST_SECONDARY:
        return _POST_SECONDARY[key]
    compact = key.replace(" ", "").upper()
    if re.fullmatch(r"MG[345]", compact):
        return compact
    return Bad(KHOI_EXPECTED)


KHOI_OF_BASE = {
    "NT": "Nhà trẻ",
    "MG3": "3 tuổi",
    "MG4": "4 tuổi",
    "MG5": "5 tuổi",
    "SC": "Sơ cấp",
    "TC": "Trung cấp",
    "CD": "Cao đẳng",
    "DH": "Đại học",
}

# Bậc tốt nghiệp (column W) → the record's completion column.
LEVELS = {
    "mn": "preschool_completed",
    "th": "primary_completed",
    "thcs": "thcs_graduated",
    "thpt": "thpt_graduated",
}
LEVEL_OF_KEY = {
    "preschool_completed": "MN",
    "primary_completed": "TH",
    "thcs_graduated": "THCS",
    "thpt_graduated": "THPT",
}
LEVEL_EXPECTED = "cần một trong MN, TH, THCS, THPT (hoặc để trống)"

# Bậc TN nghề (column Z) → the record's vocational or higher qualification: the record's
# own values and the spellings its validation accepts (parse.CHOICE_ALIASES), one list.
VOCATIONAL = {fold(level): level for level in BY_KEY["vocational_level"].choices} | (
    CHOICE_ALIASES["vocational_level"])
VOCATIONAL_EXPECTED = (
    "cần một trong Sơ cấp, Trung cấp (THCN), Cao đẳng, Đại học, Thạc sĩ, Tiến sĩ"
)
VOCATIONAL_OF_LEVEL = {
    "sơ cấp": "Sơ cấp", "trung cấp": "Trung cấp", "cao đẳng": "Cao đẳng",
    "đại học": "Đại học", "thạc sĩ": "Thạc sĩ", "tiến sĩ": "Tiến sĩ",
}


def phone(text: str | None) -> str | None:
    """A phone number as written; one Excel kept as a number lost its leading 0
    (Vietnamese numbers have ten digits from 0), which is put back."""
    written = whole_text(text)
    if written is not None and written.isdigit() and len(written) == 9:
        return "0" + written
    return written

# Hoàn thành lớp (column AH): literacy classes 1–3 are stage 1, 4–5 stage 2
# (docs/official-files.md); a stage alone is written as its last class.
CLASS_OF_STAGE = {1: 3, 2: 5}
