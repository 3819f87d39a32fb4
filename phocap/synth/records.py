"""Survey records as Arrow batches: exactly the contract's columns, in its order.

Column names, order and value lists come from :mod:`phocap.survey.schema`; the
types are the typed record's (codes as zero-padded text, years Int16, small
integers Int8), except the columns that keep the contract's *raw* form because
the typed one cannot hold every valid value: ``birth_date`` is text, DD/MM/YYYY
or a year alone, and the marks (``relapsed``…) are "x" or blank.

Every text column is built by ``take`` from a small vocabulary (names, codes,
class codes, Vietnamese choices), so a million rows cost a few C++ passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Final

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from phocap.survey import ethnicity
from phocap.survey.schema import BY_KEY, KEYS, SCHEMA, is_two_level
from phocap.synth.draws import Bools, Ints
from phocap.synth.plan import CommunePlan
from phocap.synth.population import Population
from phocap.synth.profiles import MAX_AGE
from phocap.synth.schooling import CLASS_CODES, Schooled

_ARROW_TYPES: Final[dict[type[pl.DataType], pa.DataType]] = {
    pl.Int8: pa.int8(),
    pl.Int16: pa.int16(),
    pl.String: pa.string(),
}
_RAW_TEXT: Final = ("birth_date", "relapsed", "disability_certified", "continuing")


def _arrow_type(key: str) -> pa.DataType:
    if key in _RAW_TEXT:
        return pa.string()
    return _ARROW_TYPES[type(SCHEMA[key])]


ARROW_SCHEMA: Final = pa.schema([pa.field(key, _arrow_type(key)) for key in KEYS])
"""The Arrow schema of generated records (and of the Parquet files written)."""
POLARS_SCHEMA: Final = pl.Schema(
    {key: pl.String() if key in _RAW_TEXT else SCHEMA[key] for key in KEYS})
"""The same in Polars' types."""


@cache
def _household_labels() -> pa.Array:
    """Built when first needed: any pa.array makes pyarrow import pandas, a fifth of a
    second that every ``phocap`` command paid at start for importing the synth commands."""
    return pa.array([f"{i:04d}" for i in range(10_000)], pa.string())


def _take(vocabulary: pa.Array, index: Ints) -> pa.Array:
    """vocabulary[index], null where index < 0."""
    indices = pa.array(index, pa.int64(), mask=index < 0)
    return vocabulary.take(indices)


def _choice(key: str, code: Ints) -> pa.Array:
    """The contract's Vietnamese value number ``code`` of a choice column, null for -1."""
    return _take(pa.array(BY_KEY[key].choices, pa.string()), code)


def _int(values: Ints, key: str) -> pa.Array:
    arrow_type = _arrow_type(key)
    return pa.array(values.astype(arrow_type.to_pandas_dtype()), arrow_type, mask=values < 0)


def _padded(numbers: Ints, width: int) -> pa.Array:
    return pc.utf8_lpad(pa.array(numbers, pa.int64()).cast(pa.string()), width=width, padding="0")


def _households(commune: Ints, household: Ints) -> pa.Array:
    """Zero-padded household numbers: 4 digits, more in a commune with more households."""
    most = np.zeros(int(commune.max()) + 1 if commune.size else 0, np.int64)
    np.maximum.at(most, commune, household)
    width = np.maximum(4, np.char.str_len(most.astype(str)))[commune] if commune.size else commune
    labels = _take(_household_labels(), np.where(household < 10_000, household, 0))
    for w in np.unique(width):
        if w > 4:
            labels = pc.if_else(pa.array(width == w), _padded(household, int(w)), labels)
    return labels


def _birth_dates(people: Population, year: int) -> pa.Array:
    """DD/MM/YYYY, or YYYY alone, from a vocabulary of every date of the 61 birth years."""
    first_year = year - MAX_AGE
    first = np.datetime64(f"{first_year}-01-01")
    dates = np.arange(first, np.datetime64(f"{year + 1}-01-01"))
    texts = np.datetime_as_string(dates)  # YYYY-MM-DD
    labels = [f"{t[8:10]}/{t[5:7]}/{t[:4]}" for t in texts.tolist()]
    years = [str(y) for y in range(first_year, year + 1)]
    vocabulary = pa.array(labels + years, pa.string())
    offset = (
        np.array([np.datetime64(f"{y}-01-01") for y in range(first_year, year + 1)]) - first
    ).astype(np.int64)
    index = np.where(
        people.year_only,
        len(labels) + people.birth_year - first_year,
        offset[people.birth_year - first_year] + people.birth_day,
    )
    return _take(vocabulary, index)


def _national_ids(ids: Ints) -> pa.Array:
    text = _padded(np.maximum(ids, 0), 12)
    return pc.if_else(pa.array(ids < 0), pa.scalar(None, pa.string()), text)


def _flag(values: Bools) -> pa.Array:
    return _take(pa.array(["x"], pa.string()), np.where(values, 0, -1))


def _heads(people: Population) -> Ints:
    """Each person's household head: the household's first row (person 1; rows are in
    commune, household, person order)."""
    n = people.age.size
    if n == 0:
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, (np.diff(people.commune) != 0)
                                  | (np.diff(people.household) != 0)])
    return np.repeat(starts, np.diff(np.r_[starts, n]))


_RELATIONSHIPS: Final = ("Chủ hộ", "Vợ", "Chồng", "Con", "Người thân")


def _relationships(people: Population, head: Ints) -> pa.Array:
    """How each member relates to the head: the survey's "Quan hệ với chủ hộ"."""
    row = np.arange(head.size)
    wife_of = np.full(head.size, -1)
    wives = np.flatnonzero(people.husband >= 0)
    wife_of[people.husband[wives]] = wives  # a husband's row → his wife's row
    head_wife = wife_of[head]
    code = np.select(
        [row == head, people.husband == head, people.husband[head] == row,
         (people.mother >= 0) & ((people.mother == head) | (people.mother == head_wife))],
        [0, 1, 2, 3], default=4,
    )
    return _take(pa.array(_RELATIONSHIPS, pa.string()), code)


def _phones(people: Population, head: Ints) -> pa.Array:
    """A mobile number for each head (10 digits from 09), none for the other members."""
    row = np.arange(head.size)
    digits = 90_000_000 + (row * 7_919 + people.commune * 104_729) % 10_000_000
    numbers = pc.binary_join_element_wise("09", _padded(digits % 100_000_000, 8), "")
    return pc.if_else(pa.array(row == head), numbers, pa.scalar(None, pa.string()))


def _disability_types(people: Population) -> tuple[pa.Array, pa.Array]:
    """A kind of disability for each disabled person, and a certificate for every other one."""
    row = np.arange(people.age.size)
    disabled = people.disability > 0
    kinds = pa.array(BY_KEY["disability_types"].choices, pa.string())
    return (_take(kinds, np.where(disabled, row % len(kinds), -1)),
            _flag(disabled & (row % 2 == 0)))


def record_batch(
    plans: Sequence[CommunePlan],
    year: int,
    people: Population,
    names: pa.Array,
    national_ids: Ints,
    school: Schooled,
) -> pa.RecordBatch:
    """One batch of survey records in the contract's column order."""
    n = people.age.size
    communes = [p.commune for p in plans]
    head = _heads(people)
    disability_types, certified = _disability_types(people)
    child = (people.age < 18) & (people.mother >= 0)
    parents = names.take(pa.array(np.where(child, people.mother, 0), pa.int64()))
    classes = _take(pa.array(CLASS_CODES, pa.string()), school.current_class)
    c = people.commune
    columns: dict[str, pa.Array] = {
        "survey_year": pa.array(np.full(n, year, np.int16), pa.int16()),
        "province_code": _take(pa.array([x.province_code for x in communes]), c),
        "district_code": (
            pa.nulls(n, pa.string()) if is_two_level(year)
            else _take(pa.array([x.district_code for x in communes]), c)
        ),
        "commune_code": _take(pa.array([x.code for x in communes]), c),
        "village": _take(pa.array(people.villages, pa.string()), people.village),
        "household_no": _households(c, people.household),
        "person_no": _int(people.person_no, "person_no"),
        "national_id": _national_ids(national_ids),
        "full_name": names,
        "birth_date": _birth_dates(people, year),
        "sex": _choice("sex", people.female.astype(np.int64)),
        "ethnicity": _take(pa.array(ethnicity.NAMES, pa.string()), people.ethnicity),
        "relationship": _relationships(people, head),
        "religion": pa.nulls(n, pa.string()),
        "priority": pa.nulls(n, pa.string()),
        "parent_name": pc.if_else(pa.array(child), parents, pa.scalar(None, pa.string())),
        "phone": _phones(people, head),
        "address": pa.nulls(n, pa.string()),
        "residence": _choice("residence", people.temporary.astype(np.int64)),
        "residence_status": pa.nulls(n, pa.string()),
        "status": _choice("status", people.status - 1),
        "status_detail": pa.nulls(n, pa.string()),
        "disability": _choice("disability", people.disability - 1),
        "disability_types": disability_types,
        "disability_certified": certified,
        "current_class": classes,
        "class_name": pa.nulls(n, pa.string()),
        "continuing": _flag(np.asarray(pc.fill_null(pc.starts_with(classes, "BT"), False))),
        "current_school": _take(pa.array(school.schools, pa.string()), school.current_school),
        "school_name": pa.nulls(n, pa.string()),
        "school_district": pa.nulls(n, pa.string()),
        "preschool_completed": _int(school.preschool_completed, "preschool_completed"),
        "primary_completed": _int(school.primary_completed, "primary_completed"),
        "thcs_graduated": _int(school.thcs_graduated, "thcs_graduated"),
        "thpt_graduated": _int(school.thpt_graduated, "thpt_graduated"),
        "vocational_level": _choice("vocational_level", school.vocational_level),
        "vocational_completed": _int(school.vocational_completed, "vocational_completed"),
        "diploma_no": pa.nulls(n, pa.string()),
        "highest_grade": _int(school.highest_grade, "highest_grade"),
        "finished_grade": pa.nulls(n, pa.int8()),
        "finished_year": pa.nulls(n, pa.int16()),
        "dropout_grade": _int(school.dropout_grade, "dropout_grade"),
        "dropout_year": _int(school.dropout_year, "dropout_year"),
        "literacy_stage": _int(school.literacy_stage, "literacy_stage"),
        "literacy_year": _int(school.literacy_year, "literacy_year"),
        "literacy_class": pa.nulls(n, pa.int8()),
        "literacy_completed": pa.nulls(n, pa.int8()),
        "relapsed": _flag(school.relapsed),
        "relapse_level": pa.nulls(n, pa.int8()),
        "note": pa.nulls(n, pa.string()),
    }
    return pa.RecordBatch.from_arrays([columns[k] for k in KEYS], schema=ARROW_SCHEMA)
