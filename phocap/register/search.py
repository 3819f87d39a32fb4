"""Searching the register as officers type: without tones, in any case (issue 14).

A name or village is compared through ``phocap_fold``, a database function that
lowers the text and takes each Vietnamese letter to its bare letter
(``survey.text.search_fold``, built from the same table). On PostgreSQL it is a SQL
function (``translate`` and ``lower``, immutable, no extension) created by migration
0012; on SQLite it is the Python function, registered on every connection Django
opens. Computed at query time, it needs no stored copy kept in step with every
write path (imports write in bulk), and a search reads one commune's rows only.
"""

from __future__ import annotations

import sqlite3

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func

from phocap.survey.text import SEARCH_FOLD_FROM, SEARCH_FOLD_TO, search_fold

FUNCTION = "phocap_fold"

CREATE_POSTGRESQL = (
    f"CREATE OR REPLACE FUNCTION {FUNCTION}(value text) RETURNS text"
    f" LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
    f" AS $$ SELECT lower(translate(value, '{SEARCH_FOLD_FROM}', '{SEARCH_FOLD_TO}')) $$"
)
DROP_POSTGRESQL = f"DROP FUNCTION IF EXISTS {FUNCTION}(text)"


class Folded(Func):
    """A text column as a search compares it (``search_fold`` in the database)."""

    function = FUNCTION
    output_field = CharField()


def query_key(typed: str) -> str:
    """What the officer typed, folded, with its spaces made single: compared by ``contains``."""
    return search_fold(" ".join(typed.split()))


def register_sqlite(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """connection_created: give a new SQLite connection the folding function."""
    if connection.vendor == "sqlite":
        raw: sqlite3.Connection = connection.connection
        raw.create_function(FUNCTION, 1, _fold_or_null, deterministic=True)


def _fold_or_null(value: str | None) -> str | None:
    return None if value is None else search_fold(value)
