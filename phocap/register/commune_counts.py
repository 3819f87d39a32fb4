"""The engine's counts per commune, computed in-database and cached per commune revision.

Everything the engine decides about a unit (levels, roll-up, next year's
outlook) follows from one row of counts per commune (engine.counts); only that
row needs the people. So a unit's results are assembled from its communes'
rows, each cached under the commune's revision (register/revisions.py): a page
reuses every row whose commune has not changed and recomputes the others,
all of them in one query. An edit in one commune of a province recomputes one
commune, not the province.

The query is the engine's own Ibis expression (engine.counts.by_age_expr, over
engine.outlook.roll_forward for next year's counts), compiled to SQL once per
process for each kind, survey year (its ruleset) and database dialect, over a
named slice of the survey_record view. Building and compiling that expression
costs about half a second, far more than counting a commune's people; a
request only binds the survey year and the commune codes and runs the text
through Django's connection. tests/web/test_results_cache.py checks that it
counts exactly what the engine's evaluate counts through Ibis. It sums each
population and fact per age and adds the ages up here (engine.counts.
totals_from_ages): a third of the conditions per person that count_expr
evaluates, which halves the time to count a large commune on PostgreSQL.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import polars as pl
from django.core.cache import cache
from django.db import connection

from phocap.engine import counts as counting
from phocap.engine.backends import survey_schema, typed
from phocap.engine.evaluate import needed_counts
from phocap.engine.outlook import roll_forward
from phocap.register import revisions
from phocap.register.models import AdministrativeUnit
from phocap.rules import Ruleset, for_year
from phocap.survey.schema import SCHEMA

NOW, NEXT = "now", "next"
"""This survey year's counts, and next year's if nothing but time passes (engine.outlook)."""

SLICE, ROLLED = "phocap_commune_slice", "phocap_rolled_slice"
_DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres"}
_CHUNK = 500  # commune codes per statement, well under SQLite's limit on parameters
_TIMEOUT = 7 * 24 * 3600  # a row stays right until its commune changes; this only bounds disk


@dataclass(frozen=True)
class Query:
    """The compiled count query of one kind, survey year and dialect."""

    ruleset: Ruleset
    counts: tuple[counting.Count, ...]  # in the order of a cached row
    body: str  # the rest of the statement after the slice, '%' escaped for the driver
    digest: str  # of the SQL text: a new engine or ruleset never reads an old row

    def sql(self, communes: int) -> str:
        """The statement for ``communes`` codes: parameters are the year, then the codes."""
        marks = ", ".join(["%s"] * communes)
        return (f"WITH {SLICE} AS (SELECT {', '.join(SCHEMA)} FROM survey_record"
                f" WHERE survey_year = %s AND commune_code IN ({marks})){self.body}")

    def village_sql(self) -> str:
        """The same statement over one commune's villages, each counted as if a commune:
        the slice names the village where the commune's code stands. Parameters are the
        year and the commune's code."""
        columns = ", ".join("village AS commune_code" if c == "commune_code" else c
                            for c in SCHEMA)
        return (f"WITH {SLICE} AS (SELECT {columns} FROM survey_record"
                f" WHERE survey_year = %s AND commune_code = %s){self.body}")


def _sql(expr: Any, dialect: str) -> str:
    text = ibis.to_sql(expr, dialect=dialect)
    # Put after our own WITH clause: Ibis must not have started one itself.
    if text.lstrip().upper().startswith("WITH"):
        raise AssertionError("the compiled count query starts with its own WITH clause")
    return text


@functools.lru_cache(maxsize=32)
def compiled(kind: str, year: int, dialect: str) -> Query:
    """Build and compile the count query once per process (see the module's docstring).

    Next year's counts read the slice rolled forward as a second common table
    expression, materialised on PostgreSQL: otherwise the planner inlines the
    roll's expressions into each of the thirty sums, and the query takes a
    third longer.
    """
    ruleset = for_year(year)
    wanted = needed_counts(ruleset)
    table = typed(ibis.table(survey_schema(), name=SLICE))
    if kind == NOW:
        body = " " + _sql(counting.by_age_expr(table, wanted), dialect)
    else:
        rolled = _sql(roll_forward(table, year).select(*SCHEMA), dialect)
        counted = _sql(counting.by_age_expr(typed(ibis.table(survey_schema(), name=ROLLED)),
                                            wanted), dialect)
        fence = "MATERIALIZED " if dialect == "postgres" else ""
        body = f", {ROLLED} AS {fence}({rolled}) {counted}"
    return Query(ruleset, tuple(wanted), body.replace("%", "%%"),
                 hashlib.sha1(body.encode()).hexdigest()[:16])


def query(kind: str, year: int) -> Query:
    return compiled(kind, year, _DIALECTS[connection.vendor])


def count(q: Query, year: int, codes: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Run the count query for these communes: each code with people → its counts."""
    ages: dict[str, list[tuple[int | None, dict[str, int]]]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(codes), _CHUNK):
            chunk = list(codes[start:start + _CHUNK])
            cursor.execute(q.sql(len(chunk)), [year, *chunk])
            _collect(cursor, ages)
    return _totals(q, ages)


def count_villages(q: Query, year: int, commune_code: str) -> dict[str, tuple[int, ...]]:
    """Run the count query over one commune's villages: each village name → its counts.

    A commune's results page shows each village measured as a commune would be;
    the compiled query serves it too, so an edit costs that page one query, not
    building and compiling the engine's expression again.
    """
    ages: dict[str, list[tuple[int | None, dict[str, int]]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(q.village_sql(), [year, commune_code])
        _collect(cursor, ages)
    return _totals(q, ages)


def _collect(cursor: Any, ages: dict[str, list[tuple[int | None, dict[str, int]]]]) -> None:
    names = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        values = dict(zip(names, row, strict=True))
        age = values[counting.AGE]
        ages.setdefault(str(values["commune_code"]), []).append(
            (None if age is None else int(age), values))


def _totals(q: Query,
            ages: dict[str, list[tuple[int | None, dict[str, int]]]]) -> dict[str, tuple[int, ...]]:
    found = {}
    for code, rows in ages.items():
        totals = counting.totals_from_ages(rows, q.counts)
        found[code] = tuple(int(totals[c.column]) for c in q.counts)
    return found


def frame(q: Query, year: int, rows: dict[str, tuple[int, ...]]) -> pl.DataFrame:
    """Rows as the frame engine.counts.compute returns, for engine.evaluate_counts."""
    schema: dict[str, Any] = {"survey_year": pl.Int32, "commune_code": pl.String}
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
