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
from dataclasses import dataclass, field

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
    metrics.update(_breakdowns("resident", facts.resident))
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

    def side(self, metric: str, lo: int, hi: int | None = None) -> int | None:
        """A school-side figure (SCHOOL_SIDE) summed over ages lo–hi, or None when the
        survey came without the schools' class lists and attendance (a file on the
        command line): the form leaves the cell empty rather than print a 0 it does
        not know."""
        if metric not in self.ages:
            return None
        hi = lo if hi is None else hi
        return int(self.ages[metric][lo:hi + 1].sum())


ESTABLISHMENTS = ("schools", "sites", "classes_3_4", "classes_5")
"""What MN-01-TC,ĐK asks of a commune's preschools (columns 4, 6, 7), from the schools'
own records: preschool schools, their school sites, and their kindergarten classes of the
school year for ages 3–4 (MG3, MG4) and 5 (MG5)."""


@dataclass(frozen=True)
class Figures:
    """Per-commune, per-age figures of one survey year; ``establishments`` per commune when
    the schools' records came with them (ESTABLISHMENTS)."""

    year: int
    by_commune: dict[str, UnitFigures]
    establishments: dict[str, dict[str, int]] = field(default_factory=dict)

    def establishments_of(self, communes: Iterable[str]) -> dict[str, int] | None:
        """The communes' preschool establishments summed, or None without the schools'
        records (the form leaves the cells empty)."""
        if not self.establishments:
            return None
        found = [self.establishments.get(code, {}) for code in communes]
        return {name: sum(f.get(name, 0) for f in found) for name in ESTABLISHMENTS}

    def of(self, communes: Iterable[str]) -> UnitFigures:
        """The sum over some communes; a commune with no one surveyed adds zeros."""
        found = [self.by_commune[code] for code in communes if code in self.by_commune]
        names = [*METRICS, *(name for name in SCHOOL_SIDE
                             if any(name in f.ages for f in self.by_commune.values()))]
        summed = {name: np.zeros(MAX_AGE + 1, dtype=np.int64) for name in names}
        for figures in found:
            for name in names:
                if name in figures.ages:
                    summed[name] += figures.ages[name]
        return UnitFigures(summed)

    def with_school_side(self, side: dict[str, dict[str, np.ndarray]]) -> Figures:
        """These figures and the school-side ones (``school_side``) of the same year; a
        commune the school side names but nobody surveyed gets zeros for the rest."""
        merged: dict[str, UnitFigures] = {}
        for code in {*self.by_commune, *side}:
            own = self.by_commune.get(code)
            ages = dict(own.ages) if own is not None else {
                name: np.zeros(MAX_AGE + 1, dtype=np.int64) for name in METRICS}
            for name in SCHOOL_SIDE:
                ages[name] = side.get(code, {}).get(name, np.zeros(MAX_AGE + 1, dtype=np.int64))
            merged[code] = UnitFigures(ages)
        return type(self)(self.year, merged, self.establishments)

    def with_establishments(self, establishments: dict[str, dict[str, int]]) -> Figures:
        """These figures and the communes' preschool establishments (ESTABLISHMENTS)."""
        return type(self)(self.year, self.by_commune, establishments)


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


# --- What the survey record does not hold: the schools' class lists and attendance -------
#
# MN-01-TE and MN-01-TC,ĐK (the 2025/2026 forms, docs/report-forms.md) ask for four figures
# the household survey cannot answer. They come from the register's schools side: each
# pupil on a preschool class list of school year Y–(Y+1) (the survey year Y) linked to a
# person of the register, with the days the class recorded and the pupil's absences
# (attendance/programme.py builds the frame, PUPILS_SCHEMA). Each is counted per age of the
# pupil's own survey record, so it sits in the same columns as the survey's figures.

MAX_DAYS_ABSENT = 45
"""MN-01-TE's footnote: completing the programme allows at most 45 days absent."""

PUPILS_SCHEMA: dict[str, pl.DataType] = {
    "commune_code": pl.String(),  # the pupil's household, as in the survey record
    "village": pl.String(),
    "household_no": pl.String(),
    "person_no": pl.Int16(),
    "school_commune_code": pl.String(),  # the commune of the school whose list it is
    "recorded_days": pl.Int32(),  # days the class recorded while the pupil was on it
    "days_absent": pl.Int32(),  # the pupil's absences on them, excused or not
    "still_enrolled": pl.Boolean(),  # on the list without a leaving date
    "vietnamese_preparation": pl.Boolean(),  # the school gave tăng cường tiếng Việt
}
IDENTITY = ["commune_code", "village", "household_no", "person_no"]
PRESCHOOL_AGES = (0, 6)

SCHOOL_SIDE = (
    "studying_in_commune", "studying_elsewhere", "completed_programme",
    "vietnamese_preparation", "from_elsewhere", "from_elsewhere_completed",
)
"""The school-side figures, by name:

- ``studying_in_commune`` and ``studying_elsewhere`` (MN-01-TE rows 11 and 12), by the
  child's own commune: a child in PPC attending (``facts.attends_early_education``) on the
  class list of a school of their own commune; or only on lists of schools elsewhere.
  A child attending whom no class list of the register names is in neither
  [interpretation: the template's two rows split those attending by where they study].

- ``completed_programme`` (MN-01-TE row 23, MN-01-TC,ĐK column 13), by the child's own
  commune: a child aged 3–5 in PPC, in the kindergarten class for their age (MG3 at 3,
  MG4 at 4, MG5 at 5: "theo độ tuổi", ND277) taught two sessions a day (the survey
  record's "*"), still on a class list of the school year, with attendance recorded and
  at most 45 days absent over all their class lists of the year (the form's footnote).
  A child whose class never recorded attendance cannot be counted: nothing shows the 45
  days [interpretation]. Excused and unexcused absences both count: the footnote does not
  distinguish them [interpretation]. Until the school year ends the figure counts the
  children within 45 days so far, and can only fall.
- ``vietnamese_preparation`` (row 16), by the child's own commune: an ethnic-minority
  child in PPC attending (``facts.attends_early_education``) whom a school's class list
  marks as given Vietnamese-language preparation (tăng cường tiếng Việt) this school year.
- ``from_elsewhere`` (row 17), by the school's commune: a child in PPC attending, on the
  class list of a school of this commune while their household is in another commune.
- ``from_elsewhere_completed`` (row 25): of those, the ones completing the programme as
  above.
"""


def _children(table: ir.Table, year: int) -> pl.DataFrame:
    """Each child aged 0–6 of the year: identity, age and the survey's facts the school-side
    figures need, from the engine's own definitions."""
    t = table.filter(table.survey_year == year)
    t = t.mutate(age=facts.age(t))
    t = t.filter(t.age.between(*PRESCHOOL_AGES))
    in_class_for_age = _true((t.class_level == classes.KINDERGARTEN) & (t.class_grade == t.age))
    selected = t.select(
        *IDENTITY, "age",
        attending=facts.in_scope(t) & facts.attends_early_education(t),
        minority=minority(t),
        on_course=facts.in_scope(t) & in_class_for_age & facts.two_sessions(t),
    )
    frame = pl.from_arrow(selected.to_pyarrow())
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(pl.col("commune_code").cast(pl.String),
                              pl.col("person_no").cast(pl.Int16), pl.col("age").cast(pl.Int64))


def _by_age(frame: pl.DataFrame, commune: str, condition: pl.Expr) -> dict[str, np.ndarray]:
    counted = frame.filter(condition).group_by(commune, "age").len()
    found: dict[str, np.ndarray] = {}
    for row in counted.iter_rows(named=True):
        values = found.setdefault(row[commune], np.zeros(MAX_AGE + 1, dtype=np.int64))
        values[row["age"]] += row["len"]
    return found


SchoolSide = dict[str, dict[str, np.ndarray]]  # commune → figure → counts by age


def school_side(table: ir.Table, year: int, pupils: pl.DataFrame) -> SchoolSide:
    """The SCHOOL_SIDE figures per commune and age. ``table`` must hold the survey records of
    every pupil's household (a school's pupils may live in another commune); ``pupils`` is
    one row per class list entry of school year ``year`` (PUPILS_SCHEMA)."""
    children = _children(table, year)
    pupils = pupils.select(list(PUPILS_SCHEMA)).cast(pl.Schema(PUPILS_SCHEMA))
    per_child = pupils.group_by(IDENTITY).agg(
        recorded=pl.col("recorded_days").sum() > 0,
        days_absent=pl.col("days_absent").sum(),
        still_enrolled=pl.col("still_enrolled").any(),
        prepared=pl.col("vietnamese_preparation").any(),
        local=(pl.col("school_commune_code") == pl.col("commune_code")).any(),
    )
    joined = children.join(per_child, on=IDENTITY, how="inner").with_columns(
        completed=pl.col("on_course") & pl.col("recorded") & pl.col("still_enrolled")
        & (pl.col("days_absent") <= MAX_DAYS_ABSENT))
    here = (pupils.select(*IDENTITY, "school_commune_code").unique()
            .filter(pl.col("school_commune_code") != pl.col("commune_code"))
            .join(joined.select(*IDENTITY, "age", "attending", "completed"), on=IDENTITY,
                  how="inner"))
    figures: dict[str, dict[str, np.ndarray]] = {}
    for name, frame, commune, condition in (
        ("studying_in_commune", joined, "commune_code", pl.col("attending") & pl.col("local")),
        ("studying_elsewhere", joined, "commune_code", pl.col("attending") & ~pl.col("local")),
        ("completed_programme", joined, "commune_code", pl.col("completed")),
        ("vietnamese_preparation", joined, "commune_code",
         pl.col("attending") & pl.col("minority") & pl.col("prepared")),
        ("from_elsewhere", here, "school_commune_code", pl.col("attending")),
        ("from_elsewhere_completed", here, "school_commune_code",
         pl.col("attending") & pl.col("completed")),
    ):
        for code, values in _by_age(frame, commune, condition).items():
            figures.setdefault(code, {})[name] = values
    return figures
