"""The people behind a criterion: who is missing from a numerator.

For a failed (or at-risk) criterion an officer needs names, villages and
households, and what can still be done: for the 15–18-year-olds without a
lower-secondary diploma, who is in grade 9 now (will graduate this year) and
who dropped out and could return through continuing education (GDTX).
"""

from __future__ import annotations

import ibis.expr.types as ir
import polars as pl

from phocap.engine import facts
from phocap.rules import Criterion

COLUMNS = (
    "commune_code", "village", "household_no", "person_no", "full_name", "birth_date",
    "birth_year", "sex", "ethnicity", "current_class", "current_school", "class_level",
    "class_grade", "highest_grade", "dropout_grade", "dropout_year", "literacy_stage",
    "relapsed", "disability", "status",
)
# The grade a cohort is finishing, per fact: those in it now close the gap next year.
FINAL_GRADE = {
    "completed_preschool": ("kindergarten", 5),
    "completed_primary": ("primary", 5),
    "completed_or_in_primary": ("primary", 5),
    "literate_2": ("primary", 5),
    "lower_secondary_graduate": ("lower_secondary", 9),
}


def missing(
    table: ir.Table, criterion: Criterion, commune_code: str, year: int,
    especially_difficult: bool,
) -> ir.Table:
    """People in the criterion's cohort (in PPC) who do not hold its fact, as a query."""
    lo, hi = criterion.cohort(especially_difficult)
    t = table.filter((table.survey_year == year) & (table.commune_code == commune_code))
    condition = facts.in_scope(t) & facts.age(t).between(lo, hi) & ~facts.fact(criterion.fact)(t)
    return t.filter(condition).select(*COLUMNS).order_by(["village", "household_no", "person_no"])


def situation(people: pl.DataFrame, criterion: Criterion, year: int) -> pl.DataFrame:
    """Add what each person's situation is and what could close the gap, in Vietnamese."""
    level, grade = FINAL_GRADE.get(criterion.fact, (None, None))
    final_grade = (
        (pl.col("class_level") == level) & (pl.col("class_grade") == grade)
        if level else pl.lit(False)
    )
    continuing = pl.col("class_level").str.starts_with("continuing")
    text = (
        pl.when(final_grade)
        .then(pl.format("Đang học lớp {} năm học {}–{}: hoàn thành nếu lên lớp",
                        pl.col("current_class"), pl.lit(year), pl.lit(year + 1)))
        .when(continuing)
        .then(pl.format("Đang học GDTX lớp {}", pl.col("current_class")))
        .when(pl.col("class_level").is_not_null())
        .then(pl.format("Đang học lớp {}", pl.col("current_class")))
        .when(pl.col("relapsed").fill_null(False))
        .then(pl.lit("Tái mù chữ: cần học lại chương trình xóa mù chữ"))
        .when(pl.col("dropout_grade").is_not_null())
        .then(pl.format("Bỏ học lớp {} năm {}: có thể học lại qua GDTX",
                        pl.col("dropout_grade"), pl.col("dropout_year")))
        .otherwise(pl.lit("Không đi học"))
    )
    return people.with_columns(
        final_grade.fill_null(False).alias("in_final_grade"),
        pl.col("dropout_grade").is_not_null().alias("dropped_out"),
        text.alias("situation"),
    )


def people_behind(
    table: ir.Table, criterion: Criterion, commune_code: str, year: int,
    especially_difficult: bool,
) -> pl.DataFrame:
    """The list of people behind a criterion, with their situation."""
    query = missing(table, criterion, commune_code, year, especially_difficult)
    frame = pl.from_arrow(query.to_pyarrow())
    assert isinstance(frame, pl.DataFrame)
    return situation(frame, criterion, year)
