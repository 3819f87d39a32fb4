"""Bulk writes of register rows: COPY on PostgreSQL, executemany on SQLite.

A district is over a hundred thousand people, each with a survey year and audit
entries: the ORM's one INSERT per row (or bulk_create building a model instance
per row) is most of an import's time. These helpers write plain tuples straight
through the database driver, inside the caller's transaction, so an import stays
all or nothing.

Primary keys are allocated before the rows are written (a sequence range on
PostgreSQL; on SQLite the next ids after the table's AUTOINCREMENT counter, safe
because the transaction holds SQLite's single write lock from BEGIN IMMEDIATE),
so the caller knows every new row's id without reading it back and can point
people at their households and audit entries at their objects.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import polars as pl
from django.db import connection, models

Adapter = Callable[[Any], Any]
Values = dict[str, Any]
"""A row as plain values, by attname (what ``read_values`` gives)."""


def _adapters(model: type[models.Model], columns: Sequence[str]) -> list[Adapter | None]:
    """Per column, how a Python value becomes what the driver should receive."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    sqlite = connection.vendor == "sqlite"
    found: list[Adapter | None] = []
    for column in columns:
        field = fields[column]
        if isinstance(field, models.JSONField):
            # Both backends receive the JSON text: SQLite stores it as is, COPY
            # parses it into jsonb; json.dumps is also what JSONField writes.
            found.append(lambda v: None if v is None else json.dumps(v))
        elif sqlite and isinstance(field, models.DateTimeField):
            # One audit time for a whole import: converted once, not per row.
            found.append(functools.lru_cache(maxsize=4)(connection.ops.adapt_datetimefield_value))
        elif sqlite and isinstance(field, models.DateField):
            found.append(lambda v: None if v is None else v.isoformat())
        else:
            found.append(None)
    return found


def _adapted(model: type[models.Model], columns: Sequence[str],
             rows: Iterable[Sequence[object]]) -> Iterable[Sequence[Any]]:
    adapters = _adapters(model, columns)
    which = [(i, adapt) for i, adapt in enumerate(adapters) if adapt is not None]
    if not which:
        yield from rows
        return
    for row in rows:
        adapted = list(row)
        for i, adapt in which:
            adapted[i] = adapt(adapted[i])
        yield adapted


def _copy_rows(statement: str, rows: Iterable[Sequence[object]]) -> None:
    """Send rows to a COPY … FROM STDIN, in the caller's transaction.

    psycopg's ``Cursor.copy`` is reached through the DB-API connection Django
    holds (``connection.connection``); its errors are wrapped as Django's
    (IntegrityError, …) like any query's, so callers catch one kind whatever
    the database. psycopg formats each row (``Copy.write_row``) in its C
    extension; benchmarks/import_register.py measured it against rows
    formatted as COPY text in Python (BENCHMARKS.md).
    """
    connection.ensure_connection()
    with (connection.wrap_database_errors, connection.connection.cursor() as cursor,
          cursor.copy(statement) as copy):
        for row in rows:
            copy.write_row(row)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, never used before."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        # AUTOINCREMENT never reuses an id, even of a deleted row: start after both
        # the counter and the largest id.
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        largest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        counter = cursor.fetchone()
        start = max(largest, counter[0] if counter else 0) + 1
    return list(range(start, start + count))


def insert_rows(model: type[models.Model], columns: Sequence[str],
                rows: Sequence[Sequence[object]]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order, ids included); returns how many."""
    if not rows:
        return 0
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    if connection.vendor == "postgresql":
        _copy_rows(f'COPY "{table}" ({names}) FROM STDIN', _adapted(model, columns, rows))
        return len(rows)
    marks = ", ".join("%s" for _ in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                           list(_adapted(model, columns, rows)))
    return len(rows)


def update_rows(model: type[models.Model], columns: Sequence[str],
                rows: Sequence[Sequence[object]], *, versioned: bool = False) -> int:
    """Set ``columns`` of the rows with the given ids; returns how many rows changed.

    Each row is ``(id, *values)``, or ``(id, version, *values)`` when
    ``versioned``: then a row is only changed if it still has that version, and
    its version goes up by one (the conditional UPDATE of editing.update_person,
    in bulk). The caller compares the count with ``len(rows)`` to see whether
    anybody changed one of them in the meantime.
    """
    if not rows:
        return 0
    table = model._meta.db_table
    keys = ["id", "version"] if versioned else ["id"]
    if connection.vendor == "postgresql":
        return _update_from_copy(model, table, keys, columns, rows)
    sets = [f'"{c}" = %s' for c in columns]
    where = '"id" = %s'
    if versioned:
        sets.append('"version" = "version" + 1')
        where += ' AND "version" = %s'
    adapted = _adapted(model, [*keys, *columns], rows)
    # executemany binds SET values first, then the WHERE ones.
    reordered = [(*row[len(keys):], *row[:len(keys)]) for row in adapted]
    with connection.cursor() as cursor:
        cursor.executemany(f'UPDATE "{table}" SET {", ".join(sets)} WHERE {where}', reordered)
        return int(cursor.rowcount)


def _update_from_copy(model: type[models.Model], table: str, keys: list[str],
                      columns: Sequence[str], rows: Sequence[Sequence[object]]) -> int:
    """PostgreSQL: COPY the new values into a temporary table, then one UPDATE … FROM.

    benchmarks/import_register.py measures this against executemany of
    single-row UPDATEs (which psycopg pipelines).
    """
    every = [*keys, *columns]
    names = ", ".join(f'"{c}"' for c in every)
    sets = [f'"{c}" = bulk_incoming."{c}"' for c in columns]
    where = f'"{table}".id = bulk_incoming.id'
    if "version" in keys:
        sets.append(f'"version" = "{table}"."version" + 1')
        where += f' AND "{table}"."version" = bulk_incoming."version"'
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bulk_incoming")
        cursor.execute(
            f'CREATE TEMPORARY TABLE bulk_incoming ON COMMIT DROP AS SELECT {names} FROM "{table}"'
            " WITH NO DATA"
        )
        _copy_rows(f"COPY bulk_incoming ({names}) FROM STDIN", _adapted(model, every, rows))
        cursor.execute(f'UPDATE "{table}" SET {", ".join(sets)} FROM bulk_incoming WHERE {where}')
        changed = int(cursor.rowcount)
        cursor.execute("DROP TABLE bulk_incoming")
    return changed


def _polars_type(field: models.Field[object, object]) -> pl.DataType:
    if isinstance(field, (models.CharField, models.TextField, models.BooleanField,
                          models.JSONField)):
        return pl.String()  # booleans and JSON are converted after reading
    if isinstance(field, models.DateTimeField):
        return pl.String()
    if isinstance(field, models.DateField):
        return pl.Date()
    return pl.Int64()


def read_values(queryset: models.QuerySet[models.Model],
                columns: Sequence[str]) -> list[Values]:
    """The queryset's rows as dicts of ``columns`` (attnames), like ``.values(*columns)``.

    On PostgreSQL the rows come through ``COPY (SELECT …) TO STDOUT`` and are
    parsed by Polars. Without psycopg's C extension the ORM took a minute to
    preview a district; with it (psycopg[binary]), ``values()`` over a
    district's audit entries still took 1.09 times as long as this
    (BENCHMARKS.md), so the COPY stays.
    """
    if connection.vendor != "postgresql":
        return list(queryset.values(*columns))
    fields = {f.attname: f for f in queryset.model._meta.concrete_fields}
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    data = io.BytesIO()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(
        f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, NULL '\\N')", params
    ) as copy:
        for block in copy:
            data.write(block)
    frame = pl.read_csv(
        data.getvalue(), has_header=False, new_columns=list(columns),
        schema={c: _polars_type(fields[c]) for c in columns},
        null_values="\\N", empty_string_is_null=False,
    ) if data.tell() else pl.DataFrame(schema={c: _polars_type(fields[c]) for c in columns})
    booleans = [c for c in columns if isinstance(fields[c], models.BooleanField)]
    frame = frame.with_columns(pl.col(c) == "t" for c in booleans)
    rows = frame.to_dicts()
    for column in columns:
        if isinstance(fields[column], models.JSONField):
            for row in rows:
                if row[column] is not None:
                    row[column] = json.loads(row[column])
    return rows
