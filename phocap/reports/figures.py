"""The figures the report forms print: one GROUP BY per commune and age, in the database.

The official forms break every cohort down by age (one column per birth year),
by sex and ethnic minority, and by class. They must agree with the engine's
criteria to the person, so every figure here is a condition built from the
engine's own fact definitions (phocap.engine.facts): the same PPC ("in_scope"),
the same "completed primary", the same exclusions. Because the counts are kept
per single age, a form's age band is a sum of ages and equals the engine's
count over the same band by construction.

The aggregation is one Ibis expression, so it runs on DuckDB for files and
in-database on the web application's SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ibis.expr.types as ir
import numpy as np
import polars as pl

from phocap.engine import facts
from phocap.survey import classes

Condition = Callable[[ir.Table], ir.BooleanValue]
KINH = "Kinh"
MAX_AGE = 60  # the register holds people aged 0–60 (docs/rules.md §1)


def _true(value: ir.BooleanValue) -> ir.BooleanValue:
    return value.fill_null(False)


def everyone(t: ir.Table) -> ir.BooleanValue:
    """Every record of the year (a column, not a literal, so that it can be summed)."""
    return t.survey_year.notnull()


def female(t: ir.Table) -> ir.BooleanValue:
    return _true(t.sex == "nữ")


def minority(t: ir.Table) -> ir.BooleanValue:
    """An ethnic minority (dân tộc thiểu số): any recorded group other than Kinh."""
    return _true(t.ethnicity.notnull() & (t.ethnicity != KINH))


def disabled(t: ir.Table) -> ir.BooleanValue:
    """A resident with a recorded disability, whether or not they can study."""
    return facts.resident(t) & _true(t.disability.notnull())


def _class(level: tuple[str, ...], grade: int) -> Condition:
    return lambda t: facts.level_in(t, level) & _true(t.class_grade == grade)


def _ppc(condition: Condition) -> Condition:
    return lambda t: facts.in_scope(t) & condition(t)


def _not(condition: Condition) -> Condition:
    return lambda t: ~condition(t)


def dropped_out(t: ir.Table) -> ir.BooleanValue:
    """Not at school now and a dropout grade recorded (bỏ học) [interpretation]."""
    return ~facts.enrolled(t) & _true(t.dropout_grade.notnull())


def _breakdowns(name: str, condition: Condition) -> dict[str, Condition]:
    """A condition, and the same among women, ethnic minorities and minority women."""
    return {
        name: condition,
        f"{name}__female": lambda t: condition(t) & female(t),
        f"{name}__minority": lambda t: condition(t) & minority(t),
        f"{name}__female_minority": lambda t: condition(t) & female(t) & minority(t),
    }


def _metrics() -> dict[str, Condition]:
    """Every figure, by name. PPC figures hold the engine's facts among the in-scope."""
    metrics: dict[str, Condition] = {}
    metrics.update(_breakdowns("total", everyone))
    for population in ("moved_in", "moved_away", "deceased", "cannot_study",
                       "disabled_can_study", "disabled_can_study_enrolled"):
        metrics[population] = facts.POPULATIONS[population]
    metrics["disabled"] = disabled
    metrics.update(_breakdowns("in_scope", facts.in_scope))
    for name, fact in facts.FACTS.items():
        metrics.update(_breakdowns(name, _ppc(fact)))
    for level, literate in ((1, facts.literate_1), (2, facts.literate_2)):
        metrics.update(_breakdowns(f"illiterate_{level}", _ppc(_not(literate))))
    for name in ("in_nursery", "in_kindergarten", "in_primary", "in_lower_secondary",
                 "in_upper_secondary", "not_enrolled"):
        metrics[name] = _ppc(facts.POPULATIONS[name])
    metrics["in_vocational"] = _ppc(lambda t: facts.level_in(t, facts.VOCATIONAL))
    for grade in (3, 4, 5):
        metrics[f"mg{grade}"] = _ppc(_class((classes.KINDERGARTEN,), grade))
    for grade in range(1, 6):
        metrics[f"grade_{grade}"] = _ppc(_class((classes.PRIMARY,), grade))
    for grade in range(6, 10):
        metrics[f"grade_{grade}"] = _ppc(_class(facts.LOWER_SECONDARY_ANY, grade))
    metrics["repeating"] = _ppc(lambda t: facts.enrolled(t) & _true(t.class_repeater))
    metrics["dropped_out"] = _ppc(dropped_out)
    return metrics


METRICS: dict[str, Condition] = _metrics()


def figures_expr(table: ir.Table, year: int) -> ir.Table:
    """The aggregation as an Ibis expression: one row per commune and age of year ``year``."""
    t = table.filter(table.survey_year == year)
    t = t.mutate(age=facts.age(t))
    t = t.filter(t.age.between(0, MAX_AGE))
    return t.group_by(["commune_code", "age"]).aggregate(
        **{name: condition(t).ifelse(1, 0).sum().cast("int64")
           for name, condition in METRICS.items()}
    )


@dataclass(frozen=True)
class UnitFigures:
    """The figures of one unit (a commune, or the sum of the communes below a larger unit)."""

    ages: dict[str, np.ndarray]  # metric → counts by age 0–MAX_AGE

    def get(self, metric: str, lo: int, hi: int | None = None) -> int:
        """A metric summed over the ages lo–hi (hi defaults to lo)."""
        hi = lo if hi is None else hi
        return int(self.ages[metric][lo:hi + 1].sum())


@dataclass(frozen=True)
class Figures:
    """Per-commune, per-age figures of one survey year."""

    year: int
    by_commune: dict[str, UnitFigures]

    def of(self, communes: Iterable[str]) -> UnitFigures:
        """The sum over some communes; a commune with no one surveyed adds zeros."""
        summed = {name: np.zeros(MAX_AGE + 1, dtype=np.int64) for name in METRICS}
        for code in communes:
            found = self.by_commune.get(code)
            if found is None:
                continue
            for name in METRICS:
                summed[name] += found.ages[name]
        return UnitFigures(summed)


def compute(table: ir.Table, year: int) -> Figures:
    """Run the aggregation on the table's backend; keep the small result as arrays by age."""
    frame = pl.from_arrow(figures_expr(table, year).to_pyarrow())
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_columns(
        pl.col("commune_code").cast(pl.String),
        pl.col("age").cast(pl.Int64),
        *[pl.col(name).fill_null(0).cast(pl.Int64) for name in METRICS],
    )
    by_commune: dict[str, UnitFigures] = {}
    for (code,), group in frame.group_by(["commune_code"]):
        ages = group["age"].to_numpy()
        arrays = {}
        for name in METRICS:
            values = np.zeros(MAX_AGE + 1, dtype=np.int64)
            values[ages] = group[name].to_numpy()
            arrays[name] = values
        by_commune[str(code)] = UnitFigures(arrays)
    return Figures(year, by_commune)
