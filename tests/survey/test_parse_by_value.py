"""Parsing each distinct text once (validate._by_value) gives what parsing every cell gives.

The shortcut is only sound if no parser reads anything but its own cell; this
compares the two ways on columns of repeated, odd and blank texts, of every
column kind, and on a column of distinct texts (which is parsed cell by cell).
"""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from phocap.survey import validate
from phocap.survey.schema import COLUMNS

POOL = [None, "", "1", "01", "2021", "2021.0", "x", "X", "có", "không", "9!", "MG5*", "BT7",
        "15/03/2010", "2010-03-15", "2010", "31/02/2010", "Nữ", "nu", "Kinh", "Thái", "01",
        "Lò Văn An", "Hoà  Bình ", "0912 345 678", "012345678901", "12345678901", "thường trú",
        "chết", "vận động; nhìn", "học được", "abc", "\u202eabc", "thuỷ"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(POOL), min_size=1, max_size=40))
def test_each_distinct_text_parsed_once_gives_every_cell_its_value(cells: list[str | None]) -> None:
    raw = pl.DataFrame({validate._raw(c.key): cells for c in COLUMNS},
                       schema={validate._raw(c.key): pl.String for c in COLUMNS})
    for column in COLUMNS:
        shortcut = validate._by_value(raw, column)
        direct = raw.select(**validate._parsers(column)).get_columns()
        assert [s.name for s in shortcut] == [s.name for s in direct]
        for got, expected in zip(shortcut, direct, strict=True):
            assert got.to_list() == expected.to_list(), column.key


def test_a_column_of_distinct_texts_is_parsed_cell_by_cell_to_the_same_values() -> None:
    ids = [f"{n:012d}" for n in range(validate.SAMPLE_ROWS)] + ["12345678901", None]
    raw = pl.DataFrame({validate._raw("national_id"): ids})
    column = next(c for c in COLUMNS if c.key == "national_id")
    (parsed,) = validate._by_value(raw, column)
    assert parsed[0] == "000000000000" and parsed[-2] == "012345678901"  # padded: 11 digits
    assert parsed[-1] is None


def test_a_blank_or_constant_column_takes_its_one_value_on_every_row() -> None:
    raw = pl.DataFrame({validate._raw("relapsed"): [None, None, None],
                        validate._raw("survey_year"): ["2024", "2024", "2024"]},
                       schema={validate._raw("relapsed"): pl.String,
                               validate._raw("survey_year"): pl.String})
    by_key = {c.key: c for c in COLUMNS}
    (relapsed,) = validate._by_value(raw, by_key["relapsed"])
    (year,) = validate._by_value(raw, by_key["survey_year"])
    assert relapsed.to_list() == [False, False, False]  # a blank flag is "no"
    assert year.to_list() == [2024, 2024, 2024] and year.dtype == pl.Int16
