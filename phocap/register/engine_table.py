"""The register's survey_record view as an Ibis table on Django's own connection.

The engine reads the register in place through Ibis (engine.backends.typed
over the survey_record view). The Ibis backend wraps the connection Django
already holds for this thread (``from_connection``), so the engine's queries
run in the request's transaction and see its uncommitted writes, and no second
connection is opened per call. Django keeps one connection per thread and may
replace it (CONN_MAX_AGE, a lost server); the wrapper is remembered per thread
and rebuilt when the underlying connection changes.

Two things Ibis does to a connection it is handed are undone or avoided:

- Ibis's SQLite backend turns on ``PRAGMA case_sensitive_like``; Django's
  ``icontains`` on SQLite is a LIKE that relies on SQLite's default (ASCII
  case folding), so the pragma is set back to its default at once. The
  engine's expressions use no LIKE.
- On PostgreSQL every Ibis query runs in psycopg's ``transaction()`` block:
  inside Django's atomic block that is a savepoint, released after the read.
  Ibis also sets the session's time zone to UTC, which Django (USE_TZ) has
  already set.

The table is declared with the survey record's schema rather than inspected:
SQLite cannot type a view's computed columns while the view has no rows, and a
register with nobody in it must still answer (with nothing). Only the record's
own columns (phocap.survey.schema.SCHEMA) are read, so columns the view gains
for other readers change nothing here.

Queries a page runs on every recount (register/commune_counts.py) do not go
through the Ibis backend: building and compiling the engine's expression costs
a tenth of a second and more, longer than counting a commune, and the backend
reads through a server-side cursor. ``compile_over_slice`` compiles an
expression once into a sqlglot tree over a slice of the view whose survey year
and commune codes are bound parameters (placeholders in the tree, never values
written into SQL text), and ``run`` executes it on Django's connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.backends.sql.compilers as sql_compilers
import ibis.expr.types as ir
import sqlglot.expressions as sge
from django.db import connection
from sqlglot.optimizer.pushdown_projections import pushdown_projections
from sqlglot.optimizer.qualify import qualify

from phocap.engine.backends import survey_schema, typed
from phocap.survey.schema import SCHEMA

VIEW = "survey_record"
SLICE = "phocap_slice"
"""The name a compiled statement reads the view's slice under (a common table expression)."""

_DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres"}

_local = threading.local()


def backend() -> Any:
    """The Ibis backend over this thread's Django connection."""
    connection.ensure_connection()
    raw = connection.connection
    found = getattr(_local, "backend", None)
    if found is None or found.con is not raw:
        if connection.vendor == "sqlite":
            found = ibis.sqlite.from_connection(raw)
            raw.execute("PRAGMA case_sensitive_like = OFF")
        elif connection.vendor == "postgresql":
            found = ibis.postgres.from_connection(raw)
        else:
            raise NotImplementedError(f"the engine does not run on {connection.vendor}")
        _local.backend = found
    return found


def raw_records() -> ir.Table:
    """The view's record columns as Ibis reads them, before typing (for filters that
    should reach the view's own columns and their indexes)."""
    return backend().sql(f"SELECT {', '.join(SCHEMA)} FROM {VIEW}", schema=survey_schema())


def survey_record(year: int | None = None,
                  communes: Sequence[str] | None = None) -> ir.Table:
    """The typed survey records, of one survey year and some communes when given.

    The filters apply to the view before the columns are cast to their types
    (engine.backends.typed), so the database compares its own columns.
    """
    table = raw_records()
    if year is not None:
        table = table.filter(table.survey_year == year)
    if communes is not None:
        table = table.filter(table.commune_code.isin(list(communes)))
    return typed(table)


def dialect() -> str:
    """Ibis's name for the SQL dialect of Django's database."""
    return _DIALECTS[connection.vendor]


Stage = Callable[[ir.Table], ir.Table]
"""One step of a compiled statement: typed survey records in, a table out."""


@dataclass(frozen=True)
class Compiled:
    """A statement compiled once over the slice, written out for any number of codes."""

    tree: sge.Query
    sql_dialect: str

    def sql(self, communes: int) -> str:
        """The statement for ``communes`` codes: parameters are the year, then the codes."""
        tree = self.tree.copy()
        codes = tree.ctes[0].this.find(sge.In)  # the slice's commune_code IN (…)
        assert codes is not None
        codes.set("expressions", [sge.Placeholder() for _ in range(communes)])
        text: str = tree.sql(dialect=getattr(sql_compilers, self.sql_dialect).compiler.dialect)
        return text


def compile_over_slice(stages: Sequence[Stage], sql_dialect: str,
                       villages: bool = False) -> Compiled:
    """``stages`` compiled over the survey records of one year and some communes.

    Its parameters are the survey year, then the codes. With ``villages`` the
    slice is one commune's (one code) and names each village where the
    commune's code stands, so that the stages measure villages as communes.

    The first stage reads the slice, each later one the stage before it, all as
    common table expressions; on PostgreSQL the later ones are MATERIALIZED, so
    that the planner does not inline next year's rolled-forward columns into
    every sum of the count (a third longer), and each keeps only the columns
    read after it (sqlglot's pushdown_projections: next year's count took 30%
    less of the server's time over a province once the roll stopped carrying
    every column of the record). The tree is put together by sqlglot from
    Ibis's own compiled trees: no SQL text is cut or joined.
    """
    compiler = getattr(sql_compilers, sql_dialect).compiler
    columns = [sge.alias_(sge.column("village", quoted=True), "commune_code", quoted=True)
               if villages and name == "commune_code" else sge.column(name, quoted=True)
               for name in SCHEMA]
    ctes: list[tuple[str, sge.Query]] = [(SLICE, sge.select(*columns).from_(
        sge.table_(VIEW, quoted=True)).where(
        sge.column("survey_year", quoted=True).eq(sge.Placeholder()),
        sge.column("commune_code", quoted=True).isin(sge.Placeholder())))]
    for number, stage in enumerate(stages):
        tree = compiler.to_sqlglot(stage(typed(ibis.table(survey_schema(), name=ctes[-1][0]))))
        if tree.ctes:
            raise AssertionError("Ibis compiled a stage with its own WITH clause")
        if any(isinstance(node, sge.Mod) or (isinstance(node, sge.Literal) and "%" in node.this)
               for node in tree.walk()):
            # Django's cursors read % as the start of a parameter on both databases.
            raise AssertionError("a compiled stage holds a %")
        if number == len(stages) - 1:
            break
        ctes.append((f"{SLICE}_{number + 1}", tree))
    for position, (name, query) in enumerate(ctes):
        fence = True if sql_dialect == "postgres" and position > 0 else None
        tree = tree.with_(name, as_=query, materialized=fence, append=True, copy=False)
    # Each common table expression keeps only the columns read after it: a materialised
    # stage would otherwise write every column of the record for every person.
    # (A WHERE reads the view's columns, never the slice's names: no alias expansion.)
    tree = pushdown_projections(qualify(tree, dialect=compiler.dialect, expand_alias_refs=False,
                                        validate_qualify_columns=False),
                                dialect=compiler.dialect)
    assert isinstance(tree, sge.Query)
    return Compiled(tree, sql_dialect)


def run(sql: str, params: Sequence[int | str]) -> list[dict[str, object]]:
    """Execute a compiled statement on Django's connection: each row as a dict."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
