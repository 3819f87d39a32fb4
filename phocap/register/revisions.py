"""Each commune's revision: a counter raised by every audited change to the commune's data.

The audit module raises it (audit.record, audit.record_many) in the change's own
transaction, so nothing else has to remember to invalidate a cached result:
every change to a household, person or survey year is audited. Cached results
(register/results.py) are keyed on the revisions of the communes they cover, so
an edit in one commune invalidates that commune's cached counts and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from phocap.register.models import CommuneRevision

_TABLE = CommuneRevision._meta.db_table

# One statement on SQLite (3.24+) and PostgreSQL: the first change creates the
# row, later ones raise it. The row lock it takes on PostgreSQL is what orders
# concurrent writers of one commune (see models.CommuneRevision).
_BUMP = (f"INSERT INTO {_TABLE} (commune_id, revision) VALUES (%s, 1) "
         f"ON CONFLICT (commune_id) DO UPDATE SET revision = {_TABLE}.revision + 1")


def bump(commune_ids: Iterable[int | None]) -> None:
    """Raise the revision of each commune, in the caller's transaction.

    Sorted, so that two transactions raising several communes take the row
    locks in the same order and cannot deadlock.
    """
    with connection.cursor() as cursor:
        for pk in sorted({pk for pk in commune_ids if pk is not None}):
            cursor.execute(_BUMP, [pk])


def of(commune_ids: Iterable[int]) -> dict[int, int]:
    """The revision of each commune; 0 for one never changed since revisions exist."""
    wanted = list(commune_ids)
    found = dict(CommuneRevision.objects.filter(commune_id__in=wanted)
                 .values_list("commune_id", "revision"))
    return {pk: found.get(pk, 0) for pk in wanted}
