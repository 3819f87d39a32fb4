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
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
from django.db import connection

from phocap.engine.backends import survey_schema, typed
from phocap.survey.schema import SCHEMA

VIEW = "survey_record"

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
