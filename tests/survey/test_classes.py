"""Class codes: level, grade, repeater and two-session flags."""

import polars as pl
import pytest

from phocap.survey import classes

CASES = [
    ("NT", "NT", classes.NURSERY, None, False, False),
    ("MG5", "MG5", classes.KINDERGARTEN, 5, False, False),
    ("1", "1", classes.PRIMARY, 1, False, False),
    ("5*", "5*", classes.PRIMARY, 5, False, True),
    ("3*!", "3*!", classes.PRIMARY, 3, True, True),
    ("3!*", "3*!", classes.PRIMARY, 3, True, True),
    ("9!", "9!", classes.LOWER_SECONDARY, 9, True, False),
    ("10", "10", classes.UPPER_SECONDARY, 10, False, False),
    ("bt9", "BT9", classes.CONTINUING_LOWER_SECONDARY, 9, False, False),
    ("BT12", "BT12", classes.CONTINUING_UPPER_SECONDARY, 12, False, False),
    ("SC", "SC", classes.VOCATIONAL_ELEMENTARY, None, False, False),
    ("tc", "TC", classes.VOCATIONAL_INTERMEDIATE, None, False, False),
    ("CD", "CD", classes.VOCATIONAL_COLLEGE, None, False, False),
    ("DH", "DH", classes.UNIVERSITY, None, False, False),
]
INVALID = ["13", "0", "MG2", "MG6", "BT5", "BT13", "3!!", "3**", "lớp 3", "X", ""]


@pytest.mark.parametrize(("raw", "code", "level", "grade", "repeater", "two"), CASES)
def test_valid_codes(
    raw: str, code: str, level: str, grade: int | None, repeater: bool, two: bool
) -> None:
    parsed = classes.parse(raw)
    assert parsed == classes.ClassCode(code, level, grade, repeater, two)


@pytest.mark.parametrize("raw", INVALID)
def test_invalid_codes(raw: str) -> None:
    assert classes.parse(raw) is None


def test_column_parser_agrees_with_scalar_parser() -> None:
    raws = [c[0] for c in CASES] + INVALID
    frame = pl.DataFrame({"c": raws}).select(**classes.parse_expr(pl.col("c")))
    for raw, row in zip(raws, frame.iter_rows(named=True), strict=True):
        parsed = classes.parse(raw)
        if parsed is None:
            assert row["class_level"] is None, raw
        else:
            assert (
                row["current_class"], row["class_level"], row["class_grade"],
                row["class_repeater"], row["class_two_sessions"],
            ) == (parsed.code, parsed.level, parsed.grade, parsed.repeater, parsed.two_sessions)


@pytest.mark.parametrize(("raw", "words"), [
    ("9!", "lớp 9 (lưu ban)"),                        # the example
    ("3*", "lớp 3 (học 2 buổi/ngày)"),
    ("3!*", "lớp 3 (học 2 buổi/ngày, lưu ban)"),      # either order, one reading
    ("MG5", "mẫu giáo 5 tuổi"), ("NT", "nhà trẻ"), ("bt9", "lớp 9 bổ túc (GDTX)"),
    ("12", "lớp 12"), ("SC", "sơ cấp nghề"), ("DH", "đại học"),
    ("", ""), (None, ""),
    ("Lớp 5A", "Lớp 5A"),                             # a school's own name stays as it is
])
def test_a_class_code_reads_in_words(raw: str | None, words: str) -> None:
    """docs/survey-format.md, "Class codes": "!" repeater (lưu ban), "*" two sessions."""
    assert classes.reading(raw) == words
