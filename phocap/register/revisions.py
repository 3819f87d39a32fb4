"""Each commune's revision: a counter raised after every audited change to the commune's data.

The audit module asks for it (audit.record, audit.record_many), so nothing else
has to remember to invalidate a cached result: every change to a household,
person or survey year is audited. Cached results (register/results.py) are
keyed on the revisions of the communes they cover, so an edit in one commune
invalidates that commune's cached counts and nothing else.

The counter is raised once the change has committed, in a statement of its
own. A reader reads the revisions before the data, so whatever it caches under
a revision includes every change committed before that revision was raised: a
change committed later raises it again afterwards and the entry is never read
again. Raising it inside the change's transaction would be safe too, but the
row lock would then be held for the whole transaction: an officer's edit would
wait for a province's import to finish, and deadlock with it when both touch the
same person. A key on the newest audit entry's id is not safe: ids are handed
out before commit, so an edit holding id 100 can commit after one holding 101,
and an answer cached under 101 in between would never include it. What is
lost is a crash between the commit and the raise, which leaves the commune's
cached rows stale until its next change.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from phocap.register.models import CommuneRevision, ImportHold

_TABLE = CommuneRevision._meta.db_table

# One statement on SQLite (3.24+) and PostgreSQL: the first change creates the
# row, later ones raise it.
_RAISE = (f"INSERT INTO {_TABLE} (commune_id, revision) VALUES (%s, 1) "
          f"ON CONFLICT (commune_id) DO UPDATE SET revision = {_TABLE}.revision + 1")


def bump(commune_ids: Iterable[int | None]) -> None:
    """Raise the revision of each commune once the caller's transaction commits.

    Nothing is raised for a transaction that rolls back: nothing changed.
    """
    wanted = sorted({pk for pk in commune_ids if pk is not None})
    if wanted:
        transaction.on_commit(lambda: _raise(wanted))


def _raise(commune_ids: list[int]) -> None:
    """Raise the revisions, then have the worker recompute the pages above these communes
    (register/warming.py), so that the next visitor does not wait for them."""
    from phocap.register import warming  # warming reads the results, which read the revisions

    with transaction.atomic(), connection.cursor() as cursor:
        for pk in commune_ids:
            cursor.execute(_RAISE, [pk])
    warming.changed(commune_ids)


def of(commune_ids: Iterable[int]) -> dict[int, int]:
    """The revision of each commune; 0 for one never changed since revisions exist.

    A commune held by an import in progress (register/import_runs.py) answers
    the revision it had when the import began, whatever is raised meanwhile:
    what is cached under it is the register before the import, and nothing
    counted from half of it is ever cached under a revision a reader asks for.
    """
    wanted = list(commune_ids)
    found = dict(CommuneRevision.objects.filter(commune_id__in=wanted)
                 .values_list("commune_id", "revision"))
    found |= dict(ImportHold.objects.filter(commune_id__in=wanted)
                  .values_list("commune_id", "revision"))
    return {pk: found.get(pk, 0) for pk in wanted}
