"""Class codes of the survey record (docs/survey-format.md, "Class codes").

``NT`` nursery; ``MG3``–``MG5`` kindergarten by age group; ``1``–``12`` general
education; ``BT6``–``BT12`` continuing education (GDTX) at that grade; ``SC``,
``TC``, ``CD`` vocational elementary, intermediate and college; ``DH``
university. A trailing ``!`` marks a repeater and ``*`` two sessions a day, in
either order.

``reading`` says a code in words for the interface ("9!" → "lớp 9 (lưu ban)"): the
marks are the file's shorthand, which an officer reading a page or a printed list
should not have to decode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

# class_level values: the school level a code belongs to.
NURSERY = "nursery"
KINDERGARTEN = "kindergarten"
PRIMARY = "primary"
LOWER_SECONDARY = "lower_secondary"
UPPER_SECONDARY = "upper_secondary"
CONTINUING_LOWER_SECONDARY = "continuing_lower_secondary"
CONTINUING_UPPER_SECONDARY = "continuing_upper_secondary"
VOCATIONAL_ELEMENTARY = "vocational_elementary"
VOCATIONAL_INTERMEDIATE = "vocational_intermediate"
VOCATIONAL_COLLEGE = "vocational_college"
UNIVERSITY = "university"

PATTERN = r"^(NT|MG[345]|BT(?:[6-9]|1[0-2])|[1-9]|1[0-2]|SC|TC|CD|DH)([!*]{0,2})$"
_COMPILED = re.compile(PATTERN)
_FIXED_LEVELS = {
    "NT": NURSERY,
    "SC": VOCATIONAL_ELEMENTARY,
    "TC": VOCATIONAL_INTERMEDIATE,
    "CD": VOCATIONAL_COLLEGE,
    "DH": UNIVERSITY,
}


@dataclass(frozen=True)
class ClassCode:
    code: str  # canonical: base, then "*" if two sessions, then "!" if repeater
    level: str
    grade: int | None  # 1–12 for general and continuing education, 3–5 for MG
    repeater: bool
    two_sessions: bool


_BASE_WORDS = {
    "NT": "nhà trẻ",
    "SC": "sơ cấp nghề",
    "TC": "trung cấp",
    "CD": "cao đẳng",
    "DH": "đại học",
}
# A class_level in words, where a page shows the level itself (an audit entry's change).
LEVEL_WORDS = {
    NURSERY: "nhà trẻ",
    KINDERGARTEN: "mẫu giáo",
    PRIMARY: "tiểu học",
    LOWER_SECONDARY: "trung học cơ sở",
    UPPER_SECONDARY: "trung học phổ thông",
    CONTINUING_LOWER_SECONDARY: "bổ túc trung học cơ sở (GDTX)",
    CONTINUING_UPPER_SECONDARY: "bổ túc trung học phổ thông (GDTX)",
    VOCATIONAL_ELEMENTARY: "sơ cấp nghề",
    VOCATIONAL_INTERMEDIATE: "trung cấp",
    VOCATIONAL_COLLEGE: "cao đẳng",
    UNIVERSITY: "đại học",
}
REPEATER_WORDS = "lưu ban"
TWO_SESSIONS_WORDS = "học 2 buổi/ngày"


def reading(raw: str | None) -> str:
    """A class code in words, as the interface shows it (docs/survey-format.md, "Class
    codes"): "9!" → "lớp 9 (lưu ban)", "3*" → "lớp 3 (học 2 buổi/ngày)", "MG5" →
    "mẫu giáo 5 tuổi", "BT9" → "lớp 9 bổ túc (GDTX)". Blank stays blank; a text that is
    not a code (a school's own class name) is returned as it is."""
    if raw is None or not raw.strip():
        return ""
    found = parse(raw)
    if found is None:
        return raw
    base = found.code.rstrip("*!")
    if base in _BASE_WORDS:
        words = _BASE_WORDS[base]
    elif base.startswith("MG"):
        words = f"mẫu giáo {found.grade} tuổi"
    elif base.startswith("BT"):
        words = f"lớp {found.grade} bổ túc (GDTX)"
    else:
        words = f"lớp {found.grade}"
    marks = [w for w, on in ((TWO_SESSIONS_WORDS, found.two_sessions),
                             (REPEATER_WORDS, found.repeater)) if on]
    return words + (f" ({', '.join(marks)})" if marks else "")


def _level_of(base: str, grade: int | None) -> str:
    if base in _FIXED_LEVELS:
        return _FIXED_LEVELS[base]
    if base.startswith("MG"):
        return KINDERGARTEN
    assert grade is not None
    if base.startswith("BT"):
        return CONTINUING_LOWER_SECONDARY if grade <= 9 else CONTINUING_UPPER_SECONDARY
    if grade <= 5:
        return PRIMARY
    return LOWER_SECONDARY if grade <= 9 else UPPER_SECONDARY


def parse(raw: str) -> ClassCode | None:
    """Parse one class code; None when it is not a valid code."""
    text = raw.strip().upper().replace(" ", "")
    match = _COMPILED.match(text)
    if match is None:
        return None
    base, marks = match.group(1), match.group(2)
    if len(marks) == 2 and marks[0] == marks[1]:
        return None
    digits = base.lstrip("MGBT")
    grade = int(digits) if digits.isdigit() else None
    repeater, two_sessions = "!" in marks, "*" in marks
    code = base + ("*" if two_sessions else "") + ("!" if repeater else "")
    return ClassCode(code, _level_of(base, grade), grade, repeater, two_sessions)


def parse_expr(raw: pl.Expr) -> dict[str, pl.Expr]:
    """Column-wise ``parse``: canonical code and its parts; null where invalid."""
    text = raw.str.to_uppercase().str.replace_all(r"\s", "")
    valid = text.str.contains(PATTERN) & ~text.str.contains(r"!!|\*\*")
    base = pl.when(valid).then(text.str.extract(PATTERN, 1))
    marks = text.str.extract(PATTERN, 2)
    repeater = marks.str.contains("!", literal=True)
    two_sessions = marks.str.contains("*", literal=True)
    grade = base.str.extract(r"(\d+)$", 1).cast(pl.Int8)
    level = (
        pl.when(base == "NT").then(pl.lit(NURSERY))
        .when(base.str.starts_with("MG")).then(pl.lit(KINDERGARTEN))
        .when(base == "SC").then(pl.lit(VOCATIONAL_ELEMENTARY))
        .when(base == "TC").then(pl.lit(VOCATIONAL_INTERMEDIATE))
        .when(base == "CD").then(pl.lit(VOCATIONAL_COLLEGE))
        .when(base == "DH").then(pl.lit(UNIVERSITY))
        .when(base.str.starts_with("BT") & (grade <= 9)).then(pl.lit(CONTINUING_LOWER_SECONDARY))
        .when(base.str.starts_with("BT")).then(pl.lit(CONTINUING_UPPER_SECONDARY))
        .when(grade <= 5).then(pl.lit(PRIMARY))
        .when(grade <= 9).then(pl.lit(LOWER_SECONDARY))
        .when(grade.is_not_null()).then(pl.lit(UPPER_SECONDARY))
    )
    code = (
        base
        + pl.when(two_sessions).then(pl.lit("*")).otherwise(pl.lit(""))
        + pl.when(repeater).then(pl.lit("!")).otherwise(pl.lit(""))
    )
    return {
        "current_class": code,
        "class_level": level,
        "class_grade": pl.when(valid).then(grade),
        "class_repeater": pl.when(valid).then(repeater),
        "class_two_sessions": pl.when(valid).then(two_sessions),
    }
