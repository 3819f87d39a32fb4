"""The engine's counts per commune, computed in-database and cached per commune revision.

Everything the engine decides about a unit (levels, roll-up, next year's
outlook) follows from one row of counts per commune (engine.counts); only that
row needs the people. So a unit's results are assembled from its communes'
rows, each cached under the commune's revision (register/revisions.py): a page
reuses every row whose commune has not changed and recomputes the others,
all of them in one query. An edit in one commune of a province recomputes one
commune, not the province.

The count is the engine's own Ibis expression (engine.counts.by_age_expr,
over engine.outlook.roll_forward for next year's counts), compiled once per
process for each kind, survey year (its ruleset) and dialect over a slice of
the survey_record view whose year and commune codes are bound parameters, and
run on Django's connection (register/engine_table.py compile_over_slice and
run). Building and compiling the expression on every
recount cost more than counting a commune. tests/web/test_results_cache.py
checks that it counts exactly what the engine's evaluate counts. It sums each
population and fact per age and adds the ages up here (engine.counts.
totals_from_ages): a third of the conditions per person that count_expr
evaluates, which halves the time to count a large commune on PostgreSQL.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

import ibis.expr.types as ir
import polars as pl
from django.core.cache import cache

from phocap.engine import counts as counting
from phocap.engine.evaluate import needed_counts
from phocap.engine.outlook import roll_forward
from phocap.register import engine_table, revisions
from phocap.register.models import AdministrativeUnit
from phocap.rules import Ruleset, for_year
from phocap.survey.schema import SCHEMA

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

NOW, NEXT = "now", "next"
"""This survey year's counts, and next year's if nothing but time passes (engine.outlook)."""

_CHUNK = 500  # commune codes per query: a province's list in a few statements of modest size
_TIMEOUT = 7 * 24 * 3600  # a row stays right until its commune changes; this only bounds disk


@dataclass(frozen=True)
class Query:
    """What the count of one kind and survey year asks for."""

    kind: str
    year: int
    dialect: str
    ruleset: Ruleset
    counts: tuple[counting.Count, ...]  # in the order of a cached row
    digest: str  # of the compiled SQL: a new engine or ruleset never reads an old row

    def stages(self) -> tuple[engine_table.Stage, ...]:
        """The count per commune, year and age, over typed survey records; next year's
        rolls the records forward first (engine.outlook)."""
        def by_age(records: ir.Table) -> ir.Table:
            return counting.by_age_expr(records, self.counts)

        if self.kind == NEXT:
            def rolled(records: ir.Table) -> ir.Table:
                return roll_forward(records, self.year).select(*SCHEMA)
            return rolled, by_age
        return (by_age,)

    def sql(self, communes: int, villages: bool = False) -> str:
        """The statement for ``communes`` codes (parameters: the year, then the codes)."""
        return _sql(self.kind, self.year, self.dialect, communes, villages)


@functools.lru_cache(maxsize=32)
def _draft(kind: str, year: int, dialect: str) -> Query:
    ruleset = for_year(year)
    return Query(kind, year, dialect, ruleset, tuple(needed_counts(ruleset)), "")


@functools.lru_cache(maxsize=32)
def _compiled(kind: str, year: int, dialect: str, villages: bool) -> engine_table.Compiled:
    """Compiled once per process for each kind, year and dialect."""
    return engine_table.compile_over_slice(_draft(kind, year, dialect).stages(), dialect,
                                           villages)


@functools.lru_cache(maxsize=256)
def _sql(kind: str, year: int, dialect: str, communes: int, villages: bool) -> str:
    return _compiled(kind, year, dialect, villages).sql(communes)


@functools.lru_cache(maxsize=32)
def _query(kind: str, year: int, dialect: str) -> Query:
    """The count's ruleset and columns, and a digest of its SQL in the dialect."""
    digest = hashlib.sha1(_sql(kind, year, dialect, 1, False).encode()).hexdigest()[:16]
    return replace(_draft(kind, year, dialect), digest=digest)


def query(kind: str, year: int) -> Query:
    return _query(kind, year, engine_table.dialect())


def count(q: Query, year: int, codes: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Run the count for these communes: each code with people → its counts."""
    ages: dict[str, list[tuple[int | None, dict[str, int]]]] = {}
    for start in range(0, len(codes), _CHUNK):
        chunk = list(codes[start:start + _CHUNK])
        _collect(engine_table.run(q.sql(len(chunk)), [year, *chunk]), ages)
    return _totals(q, ages)


def count_villages(q: Query, year: int, commune_code: str) -> dict[str, tuple[int, ...]]:
    """Run the count over one commune's villages: each village name → its counts.

    A commune's results page shows each village measured as a commune would be:
    the slice names the village where the commune's code stands.
    """
    ages: dict[str, list[tuple[int | None, dict[str, int]]]] = {}
    _collect(engine_table.run(q.sql(1, villages=True), [year, commune_code]), ages)
    return _totals(q, ages)


def _collect(rows: list[dict[str, object]],
             ages: dict[str, list[tuple[int | None, dict[str, int]]]]) -> None:
    for row in rows:
        values = cast("dict[str, int]", row)  # the sums, besides the code and the age
        age = values[counting.AGE]
        ages.setdefault(str(values["commune_code"]), []).append(
            (None if age is None else int(age), values))


def _totals(q: Query, ages: dict[str, list[tuple[int | None, dict[str, int]]]]
            ) -> dict[str, tuple[int, ...]]:
    found = {}
    for code, rows in ages.items():
        totals = counting.totals_from_ages(rows, q.counts)
        found[code] = tuple(int(totals[c.column]) for c in q.counts)
    return found


def frame(q: Query, year: int, rows: dict[str, tuple[int, ...]]) -> pl.DataFrame:
    """Rows as the frame engine.counts.compute returns, for engine.evaluate_counts."""
    schema: dict[str, PolarsDataType] = {"survey_year": pl.Int32, "commune_code": pl.String}
    schema |= {c.column: pl.Int64 for c in q.counts}
    return pl.DataFrame([(year, code, *values) for code, values in sorted(rows.items())],
                        schema=schema, orient="row")


def cached_counts(kind: str, communes: Sequence[AdministrativeUnit],
                  year: int) -> tuple[Query, pl.DataFrame]:
    """The communes' counts, reusing each cached row whose commune is unchanged.

    The revisions are read before the counts: a row is then never older than
    the revision it is stored under (a change committed in between is counted
    early, which only makes the row fresher than its key).
    """
    q = query(kind, year)
    revision = revisions.of(c.pk for c in communes)
    keys = {c.code: f"counts:{kind}:{q.digest}:{year}:{c.pk}:{revision[c.pk]}" for c in communes}
    found = cache.get_many(list(keys.values()))
    stale = [code for code, key in keys.items() if key not in found]
    if stale:
        fresh = count(q, year, stale)
        # A commune without anyone surveyed that year is cached as such (an empty row).
        stored = {keys[code]: fresh.get(code, ()) for code in stale}
        cache.set_many(stored, _TIMEOUT)
        found |= stored
    rows = {code: found[key] for code, key in keys.items() if found[key]}
    return q, frame(q, year if kind == NOW else year + 1, rows)
