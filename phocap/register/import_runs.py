"""An import on SQLite written in short transactions, still all or nothing.

SQLite has one writer at a time. Committing a district (150,000 records, about
twenty seconds) in one transaction held that single write lock throughout:
every other officer's edit, and any request that wrote at all, waited for it
and failed once the busy timeout ran out. So on SQLite importing.commit writes
each batch in a transaction of its own (a fraction of a second), and this
module keeps the import one logical, all-or-nothing change:

- **A hold on its communes.** Before anything is written the import holds
  each commune of the file (ImportHold, one import per commune). Every write
  path asks register/freezing.py before it writes, and freezing asks here
  (``in_progress``): an edit, a move, a merge, a roll-over or another import of
  a held commune is refused with a Vietnamese message saying why and until
  when. Other communes are edited freely between the import's batches. Since
  nobody else writes the held communes, the import plans from the register
  outside a transaction and its preview fingerprint and versioned updates keep
  the guarantees of importing.py.
- **Short batches.** A batch should hold the write lock for about a quarter
  of a second (smaller batches follow a slow one), and the import pauses
  after each so that writers waiting for the lock get it (``PAUSE``).
- **An undo log.** Each batch writes, in its own transaction, how to undo it
  (ImportUndo): the id ranges it created in each table (ids are allocated
  inside the batch's transaction, so a range is the batch's alone) and every
  row it changed as it was before. If a batch fails, the batches already
  written are undone newest first, each in a short transaction of its own
  that also deletes its log row, so an undo interrupted in turn resumes where
  it stopped. The register is then exactly as before, audit trail and
  versions included.
- **A process that died.** A run records its owner (host, process, thread).
  When that process or thread no longer exists, the run is abandoned: the next
  look at it (``in_progress`` from an edit, an import job's page, another
  import) undoes it. SQLite is a file on one machine, so the owner is always
  on this host and its liveness is known exactly; a run owned elsewhere is
  never undone automatically.
- **Results.** A held commune's results are read under the revision it had
  when the import began (register/revisions.py), whatever raises it meanwhile
  (each batch's audit entries do); the revision readers see moves on only
  when the import is done or undone. Before its first batch the import counts
  the held communes' rows for every survey year they have (results.count_now),
  so what is cached under that revision is the register before the import: a
  results page read during the import shows that, never half of it.

Why an undo log rather than staging tables swapped in at the end: the swap
would copy every row and audit entry of the import in one transaction, and on
SQLite that copy is itself seconds under the write lock, the very wait this
removes. Lists of households and people of a held commune do show what is
written so far while the import runs; only its counts are kept from it.

PostgreSQL keeps one transaction (importing.py): its row locks stop only the
writes to the rows an import changes, MVCC shows every reader the register as
it was until the commit, and a crash rolls back on its own.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from collections.abc import Iterable, Mapping, Sequence

from django.db import connection, connections, models, transaction
from django.utils import timezone

from phocap.register import bulk, revisions
from phocap.register.models import (
    AdministrativeUnit,
    AuditEntry,
    Household,
    ImportHold,
    ImportRun,
    ImportUndo,
    Person,
    PersonYear,
    Village,
)

TABLES: dict[str, type[models.Model]] = {
    m._meta.model_name or "": m for m in (Village, Household, Person, PersonYear, AuditEntry)
}
# Undone in this order: what refers to a row goes before the row.
UNDO_ORDER = ("auditentry", "personyear", "person", "household", "village")

HELD = ("{commune} đang được nhập dữ liệu từ tệp (bắt đầu lúc {time}): chưa sửa được dữ liệu"
        " của xã cho đến khi nhập xong, thường trong vài phút. Hãy thử lại sau.")
INTERRUPTED = ("Lần nhập dữ liệu vào {commune} bị gián đoạn; hệ thống đang hoàn tác phần đã"
               " ghi để sổ trở lại như trước. Hãy thử lại sau ít phút.")

_HOST = socket.gethostname()

BATCH_SECONDS = 0.25
"""How long a batch should hold SQLite's write lock: a batch that took longer (a busy
machine) makes the next one smaller, down to SMALLEST_BATCH records."""
SMALLEST_BATCH = 100
PAUSE = 0.1
"""Seconds the import waits after each batch. SQLite does not queue writers: one that
waits sleeps and retries, every 100 ms once it has waited a while, and an import that
began its next batch at once would take the lock again before them, batch after batch,
until their busy timeout ran out."""


def chunked() -> bool:
    """Whether imports on this database are written in short transactions (SQLite)."""
    return connection.vendor == "sqlite"


def owner() -> str:
    """Who is writing: this host, process and thread."""
    return f"{_HOST} {os.getpid()} {threading.get_ident()}"


def alive(who: str) -> bool:
    """Whether the writer named by ``owner()`` still runs (a writer on another host: assumed)."""
    host, pid, thread = who.split()
    if host != _HOST:
        return True
    if int(pid) == os.getpid():
        return int(thread) in {t.ident for t in threading.enumerate()}
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def in_progress(commune: AdministrativeUnit) -> str | None:
    """Why the commune may not be changed now because an import holds it, or None."""
    hold = ImportHold.objects.filter(commune_id=commune.pk).select_related("run").first()
    if hold is None:
        return None
    if not alive(hold.run.owner):
        recover_soon()
        return INTERRUPTED.format(commune=commune.name)
    started = timezone.localtime(hold.run.started)
    return HELD.format(commune=commune.name, time=started.strftime("%H:%M"))


def next_batch(size: int, seconds: float, largest: int) -> int:
    """The size of the next batch, after one of ``size`` records took ``seconds``."""
    if seconds <= BATCH_SECONDS:
        return min(largest, size * 2)
    return max(min(largest, SMALLEST_BATCH), int(size * BATCH_SECONDS / seconds))


def hold(communes: Iterable[AdministrativeUnit], year: int) -> ImportRun:
    """Hold the communes for a new run. Inside the caller's transaction, after it has asked
    ``in_progress`` (through freezing.frozen) of each: nobody else holds them."""
    wanted = list(communes)
    revision = revisions.of(c.pk for c in wanted)
    run = ImportRun.objects.create(owner=owner(), survey_year=year)
    ImportHold.objects.bulk_create(ImportHold(run=run, commune=c, revision=revision[c.pk])
                                   for c in wanted)
    return run


def _ranges(ids: Sequence[int]) -> list[list[int]]:
    found: list[list[int]] = []
    for pk in sorted(ids):
        if found and found[-1][1] == pk - 1:
            found[-1][1] = pk
        else:
            found.append([pk, pk])
    return found


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def log(run: ImportRun, batch: int, created: Mapping[str, Sequence[int]],
        before: Mapping[str, Sequence[dict[str, object]]]) -> None:
    """Record how to undo a batch, in the batch's own transaction."""
    ImportUndo.objects.create(
        run=run, batch=batch,
        created={name: _ranges(ids) for name, ids in created.items() if ids},
        before={name: [{k: _json(v) for k, v in row.items()} for row in rows]
                for name, rows in before.items() if rows},
    )


def _restore(model: type[models.Model], rows: list[dict[str, object]]) -> None:
    fields = [f for f in model._meta.concrete_fields if f.attname != "id"]
    columns = [f.attname for f in fields]
    bulk.update_rows(model, columns,
                     [(row["id"], *(_typed(f, row[f.attname]) for f in fields)) for row in rows])


def _typed(field: models.Field[object, object], value: object) -> object:
    """A value as read from the log's JSON, back to what the column holds (dates)."""
    if value is not None and isinstance(field, models.DateField):
        return field.to_python(value)
    return value


def _undo_batch(step: ImportUndo) -> None:
    table_of = {name: model._meta.db_table for name, model in TABLES.items()}
    with connection.cursor() as cursor:
        for name in UNDO_ORDER:
            if name in step.before:
                _restore(TABLES[name], step.before[name])
            for first, last in step.created.get(name, []):
                cursor.execute(f'DELETE FROM "{table_of[name]}" WHERE id BETWEEN %s AND %s',
                               [first, last])


def undo(run: ImportRun) -> None:
    """Undo every batch the run wrote, newest first, then end the run."""
    while True:
        with transaction.atomic():
            step = ImportUndo.objects.filter(run_id=run.pk).order_by("-batch").first()
            if step is None:
                break
            _undo_batch(step)
            step.delete()
    release(run)


def release(run: ImportRun) -> None:
    """End the run (done or undone): free its communes, forget its log, and raise the
    communes' revisions so that their results are counted again."""
    with transaction.atomic():
        communes = list(ImportHold.objects.filter(run_id=run.pk)
                        .values_list("commune_id", flat=True))
        ImportRun.objects.filter(pk=run.pk).delete()
        revisions.bump(communes)


def recover_abandoned() -> int:
    """Undo every run whose writer no longer exists; how many there were."""
    abandoned = [run for run in ImportRun.objects.all() if not alive(run.owner)]
    for run in abandoned:
        undo(run)
    return len(abandoned)


_RECOVERING = threading.Lock()


def recover_soon() -> None:
    """``recover_abandoned`` on a thread of its own (one at a time in a process): the request
    that noticed an abandoned run answers at once."""
    if not _RECOVERING.acquire(blocking=False):
        return

    def run() -> None:
        try:
            recover_abandoned()
        finally:
            _RECOVERING.release()
            connections.close_all()

    threading.Thread(target=run, name="import-recovery", daemon=True).start()
