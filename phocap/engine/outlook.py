"""Next-year outlook: which communes keep, lose or gain a level if nothing else changes.

The survey of year Y is rolled forward to Y + 1 assuming normal progression of
everyone enrolled (grade 5 now → completes primary; grade 9 → lower-secondary
graduate; MG5 → completes preschool and enters grade 1; every class one grade
up) and no other change: nobody enrols, drops out, moves, is born or dies.
Every cohort is then one year older, which is exactly what makes a commune
lose a level it holds today. The same engine evaluates the rolled survey.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import polars as pl

from phocap.engine import counts as counting
from phocap.engine.evaluate import evaluate_counts, needed_counts, resolve
from phocap.engine.facts import age
from phocap.engine.result import Evaluation
from phocap.engine.units import official_units
from phocap.rules import Ruleset
from phocap.survey import classes

KEEP, LOSE, GAIN = "keep", "lose", "gain"


def roll_forward(table: ir.Table, year: int) -> ir.Table:
    """The survey as it would be on 30 September of the next year."""
    t = table.filter(table.survey_year == year)
    level, grade = t.class_level, t.class_grade
    nxt = ibis.literal(year + 1).cast("int16")
    general = level.isin((classes.PRIMARY, classes.LOWER_SECONDARY, classes.UPPER_SECONDARY))
    continuing = level.isin(
        (classes.CONTINUING_LOWER_SECONDARY, classes.CONTINUING_UPPER_SECONDARY)
    )
    finishing = {
        "preschool_completed": (level == classes.KINDERGARTEN) & (grade == 5),
        "primary_completed": (level == classes.PRIMARY) & (grade == 5),
        "thcs_graduated": level.isin(
            (classes.LOWER_SECONDARY, classes.CONTINUING_LOWER_SECONDARY)
        ) & (grade == 9),
        "thpt_graduated": level.isin(
            (classes.UPPER_SECONDARY, classes.CONTINUING_UPPER_SECONDARY)
        ) & (grade == 12),
    }
    completed = {
        column: ibis.ifelse(condition.fill_null(False) & t[column].isnull(), nxt, t[column])
        for column, condition in finishing.items()
    }
    new_grade = ibis.cases(
        ((level == classes.NURSERY) & (age(t) + 1 >= 3), 3),
        (level == classes.NURSERY, grade),
        ((level == classes.KINDERGARTEN) & (grade == 5), 1),
        ((general | continuing | (level == classes.KINDERGARTEN)) & (grade < 12), grade + 1),
        else_=grade,
    ).cast("int8")
    new_level = ibis.cases(
        ((level == classes.NURSERY) & (age(t) + 1 >= 3), classes.KINDERGARTEN),
        ((level == classes.KINDERGARTEN) & (grade == 5), classes.PRIMARY),
        ((level == classes.PRIMARY) & (grade == 5), classes.LOWER_SECONDARY),
        ((level == classes.LOWER_SECONDARY) & (grade == 9), classes.UPPER_SECONDARY),
        ((level == classes.CONTINUING_LOWER_SECONDARY) & (grade == 9),
         classes.CONTINUING_UPPER_SECONDARY),
        ((general | continuing) & (grade == 12), ibis.null("string")),
        else_=level,
    )
    highest = ibis.ifelse(
        (general | continuing).fill_null(False), grade.cast("int8"), t.highest_grade
    )
    return t.mutate(
        survey_year=nxt,
        class_level=new_level,
        class_grade=ibis.ifelse(new_level.isnull(), ibis.null("int8"), new_grade),
        class_repeater=ibis.ifelse(new_level.isnull(), ibis.null("boolean"), False),
        highest_grade=highest,
        **completed,
    )


@dataclass
class Change:
    code: str
    name: str
    type: str
    standard: str
    level_now: int
    level_next: int
    shortfalls: list[tuple[str, int]]  # failing criteria next year and how many people short

    @property
    def change(self) -> str:
        if self.level_next < self.level_now:
            return LOSE
        return GAIN if self.level_next > self.level_now else KEEP


def compare(now: Evaluation, following: Evaluation) -> list[Change]:
    changes = []
    for unit in now.units:
        ahead = following.unit(unit.code)
        for standard, result in unit.standards.items():
            nxt = ahead.standards[standard]
            failing = [
                (c.key, c.gap) for c in nxt.criteria
                if c.level == nxt.level + 1 and c.passed is False
            ]
            changes.append(Change(unit.code, unit.name, unit.type, standard, result.level,
                                  nxt.level, failing))
    return changes


def outlook(
    table: ir.Table,
    year: int | None = None,
    ruleset: str | Ruleset | None = None,
    units: pl.DataFrame | None = None,
    conditions: Mapping[str, Mapping[str, bool]] | None = None,
) -> tuple[Evaluation, Evaluation, list[Change]]:
    """This year's evaluation, next year's under normal progression, and the changes.

    Next year is judged with this year's ruleset and units: the question is what
    happens to these communes if nothing but time passes.
    """
    year, chosen = resolve(table, year, ruleset)
    wanted = needed_counts(chosen)
    current = counting.compute(table.filter(table.survey_year == year), wanted)
    if units is None:
        units = official_units(year, current["commune_code"].to_list())
    now = evaluate_counts(current, year, chosen, units, conditions)
    rolled = counting.compute(roll_forward(table, year), wanted)
    following = evaluate_counts(rolled, year + 1, chosen, units, conditions)
    return now, following, compare(now, following)
