"""One pass over the people: every count the rules and indicators need, per commune.

A count is "how many people of a population, aged lo–hi, hold a fact". The
criteria of a ruleset, their cohorts' totals and exclusions, and the indicators
of docs/rules.md §7 are all such counts; they are gathered, de-duplicated and
computed in a single GROUP BY over the survey so that a national store is read
once. Everything after this works on a few thousand rows per year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ibis.expr.types as ir
import polars as pl

from phocap.engine import facts
from phocap.rules import Ruleset

ALL_AGES = (0, 200)
GROUP = ("survey_year", "commune_code")


@dataclass(frozen=True, order=True)
class Count:
    population: str  # a key of facts.POPULATIONS
    fact: str  # a key of facts.FACTS or facts.POPULATIONS
    lo: int
    hi: int

    @property
    def column(self) -> str:
        return f"{self.population}__{self.fact}__{self.lo}_{self.hi}"


def cohort(lo: int, hi: int) -> Count:
    """PPC of a cohort: the denominator of every criterion."""
    return Count("in_scope", "everyone", lo, hi)


def cohort_breakdown(lo: int, hi: int) -> list[Count]:
    """Total and exclusions of a cohort, so that a denominator explains itself."""
    return [
        Count("everyone", "everyone", lo, hi),
        Count("everyone", "moved_in", lo, hi),
        Count("everyone", "moved_away", lo, hi),
        Count("everyone", "deceased", lo, hi),
        Count("everyone", "cannot_study", lo, hi),
        cohort(lo, hi),
    ]


def ruleset_counts(ruleset: Ruleset) -> list[Count]:
    """Numerators and denominators of every criterion, for both kinds of commune."""
    wanted: set[Count] = set()
    for criterion in ruleset.criteria:
        for ages in {criterion.ages, criterion.ages_especially_difficult}:
            wanted.add(Count("in_scope", criterion.fact, *ages))
            wanted.update(cohort_breakdown(*ages))
    return sorted(wanted)


def _condition(t: ir.Table, count: Count, person_age: ir.IntegerValue) -> ir.BooleanValue:
    condition = facts.fact(count.population)(t)
    if count.fact != "everyone":
        condition = condition & facts.fact(count.fact)(t)
    if (count.lo, count.hi) != ALL_AGES:
        condition = condition & person_age.between(count.lo, count.hi)
    return condition


def count_expr(t: ir.Table, counts: Iterable[Count]) -> ir.Table:
    """The aggregation, as an Ibis expression (one row per year and commune)."""
    person_age = facts.age(t)
    metrics = {
        c.column: _condition(t, c, person_age).ifelse(1, 0).sum().cast("int64")
        for c in sorted(set(counts))
    }
    return t.group_by(list(GROUP)).aggregate(**metrics)


def compute(t: ir.Table, counts: Iterable[Count]) -> pl.DataFrame:
    """Run the aggregation on the table's backend; return it as a small Polars frame."""
    wanted = sorted(set(counts))
    frame = pl.from_arrow(count_expr(t, wanted).to_pyarrow())
    assert isinstance(frame, pl.DataFrame)
    return (
        frame.with_columns(
            pl.col("survey_year").cast(pl.Int32),
            pl.col("commune_code").cast(pl.String),
            *[pl.col(c.column).fill_null(0).cast(pl.Int64) for c in wanted],
        )
        .select([*GROUP, *[c.column for c in wanted]])
        .sort(list(GROUP))
    )


AGE = "person_age"


def pair_column(population: str, fact: str) -> str:
    return f"{population}__{fact}"


def by_age_expr(t: ir.Table, counts: Iterable[Count]) -> ir.Table:
    """The counts' populations and facts per age: one row per year, commune and age.

    The same information as ``count_expr`` in fewer sums: the counts of a
    ruleset share about thirty (population, fact) pairs over some twenty age
    ranges, so summing each pair once per age and adding the ages up afterwards
    (``totals_from_ages``) evaluates a third of the conditions per person. It
    is how the register counts a few communes at a time (register/commune_counts.py).
    """
    person_age = facts.age(t)
    metrics = {}
    for population, fact in sorted({(c.population, c.fact) for c in counts}):
        condition = _condition(t, Count(population, fact, *ALL_AGES), person_age)
        # Everyone at every age is a constant condition: a count of the rows.
        summed = (condition.ifelse(1, 0).sum() if isinstance(condition, ir.Column)
                  else t.count())
        metrics[pair_column(population, fact)] = summed.cast("int64")
    return t.group_by([*GROUP, person_age.name(AGE)]).aggregate(**metrics)


def totals_from_ages(by_age: Iterable[tuple[int | None, Mapping[str, int]]],
                     counts: Iterable[Count]) -> dict[str, int]:
    """Each count of one commune and year, from its rows of ``by_age_expr`` (age, sums).

    A count over all ages takes every row, that of a person without an age
    included, as ``count_expr`` does; an age range takes the rows of its ages.
    """
    rows = list(by_age)
    # The ninety-odd counts share some twenty age ranges: each range picks its rows once.
    in_range: dict[tuple[int, int], list[Mapping[str, int]]] = {}
    found = {}
    for c in counts:
        ages = (c.lo, c.hi)
        if ages not in in_range:
            in_range[ages] = [sums for age, sums in rows if ages == ALL_AGES
                              or (age is not None and c.lo <= age <= c.hi)]
        pair = pair_column(c.population, c.fact)
        found[c.column] = sum(sums[pair] or 0 for sums in in_range[ages])
    return found
