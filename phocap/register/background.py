"""Long work done by a worker process (``manage.py runjobs``), not by the web request.

An import runs for tens of seconds to minutes. Run in a thread of the gunicorn
worker that took the upload, it died with that worker (a restart, a recycled
worker, the kernel reclaiming memory), was declared dead only after thirty
silent minutes, and could be taken over by no other process. So a request only
adds a BackgroundTask row (``enqueue``) and a worker (register/worker.py) runs it:

- **Claimed once.** A worker takes a queued task with a conditional UPDATE
  (queued → running, naming itself in ``claimed_by``): of two workers asking
  for the same row, the database lets exactly one update it.
- **Alive, visibly.** While it runs, the worker writes ``heartbeat_at`` and the
  task's progress every few seconds, on a connection of its own, so they are
  seen even while the work itself sits in one long transaction (PostgreSQL).
- **Died, noticed.** A task whose worker is gone is reclaimed (``reclaim``):
  queued again while its kind allows another attempt, otherwise failed, and its
  kind says so on its own row (for an import, a Vietnamese message on the
  import's page). A worker on this machine is gone when its process is; one on
  another machine, when its heartbeat is older than JOBS_STALE_SECONDS. Workers
  look for such tasks every time they poll, and so does an import's page.

What a kind does is registered here (``KINDS``) by the module that owns the
work; imports are the first (register/jobs.py). The worker finds them all
because the register app imports jobs.py when it starts (apps.py).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from phocap.register.models import BackgroundTask

Status = BackgroundTask.Status
_HOST = socket.gethostname()


class Interrupted(BaseException):
    """Raised inside a running task at its next progress report when the worker is stopping
    (SIGTERM) or lost the task to another: the work unwinds and undoes what it wrote.

    A BaseException, so that the work's own ``except Exception`` (which would record a
    failure) lets it through, as it does KeyboardInterrupt."""


@dataclass(frozen=True)
class Kind:
    """One sort of long work.

    ``run(subject, progress)`` does it; ``progress(done, total)`` reports how far it is,
    and raises Interrupted when it must stop. ``abandoned(subject, task)`` records on
    the subject that the work died for good (its last attempt's worker is gone).
    ``attempts``: how many workers may try it; more than one only if a run that died
    left nothing half-written, so that the next simply starts again. ``idle``: work
    nobody waits for (warming pages), taken only when no other task is queued, so that
    an officer's import never queues behind it.
    """

    name: str
    run: Callable[[int, Callable[[int, int], None]], None]
    abandoned: Callable[[int, BackgroundTask], None]
    attempts: int = 1
    idle: bool = False


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def me() -> str:
    """This worker, as ``claimed_by`` names it: host and process."""
    return f"{_HOST} {os.getpid()}"


def enqueue(kind: Kind, subject: int) -> BackgroundTask:
    """Queue the work on ``subject``. In the caller's transaction, so that the task exists
    exactly when the change that asked for it does. With JOBS_INLINE (the test suite's
    settings) the task runs in this process once that transaction commits."""
    task = BackgroundTask.objects.create(kind=kind.name, subject=subject)
    if settings.JOBS_INLINE:
        from phocap.register import worker

        transaction.on_commit(lambda: worker.run_inline(task.pk))
    return task


def enqueue_missing(kind: Kind, subjects: list[int]) -> int:
    """Queue the work on each subject that has none of this kind waiting yet; how many were
    queued. For work that reads the subject's state when it runs (warming the pages,
    register/warming.py): a second task queued behind the first would only do it again,
    so a burst of changes to one subject leaves one task. Two processes racing may both
    queue one; the second run then finds everything done and costs a few cache reads."""
    waiting = set(BackgroundTask.objects.filter(kind=kind.name, status=Status.QUEUED,
                                                subject__in=subjects)
                  .values_list("subject", flat=True))
    missing = [s for s in dict.fromkeys(subjects) if s not in waiting]
    for subject in missing:
        enqueue(kind, subject)
    return len(missing)


def pending(kind: str, subjects: list[int], patience: int) -> bool:
    """Whether work of ``kind`` on one of the subjects is still to come: queued for less than
    ``patience`` seconds (longer, and no worker may be there to take it), or running for a
    worker that is alive (reclaim)."""
    now = timezone.now()
    for task in BackgroundTask.objects.filter(kind=kind, subject__in=subjects,
                                              status__in=(Status.QUEUED, Status.RUNNING)):
        if task.status == Status.RUNNING:
            task = reclaim(task)
        if task.status == Status.RUNNING or (
                task.status == Status.QUEUED
                and now - task.created < dt.timedelta(seconds=patience)):
            return True
    return False


def latest(kinds: tuple[Kind, ...], subject: int) -> BackgroundTask | None:
    """The newest task of these kinds on ``subject``."""
    return (BackgroundTask.objects.filter(kind__in=[k.name for k in kinds], subject=subject)
            .order_by("-pk").first())


def claim(who: str, pk: int | None = None) -> BackgroundTask | None:
    """Take the oldest queued task (or task ``pk``) for worker ``who``, an idle kind's only
    when no other is queued; None if none is left.

    The UPDATE names the status it expects: when two workers pick the same row, the
    second finds it running already, updates nothing and tries the next.
    """
    queued = BackgroundTask.objects.filter(status=Status.QUEUED)
    if pk is not None:
        queued = queued.filter(pk=pk)
    idle = [k.name for k in KINDS.values() if k.idle]
    candidates = [*queued.exclude(kind__in=idle).order_by("pk").values_list("pk", flat=True)[:20],
                  *queued.filter(kind__in=idle).order_by("pk").values_list("pk", flat=True)[:20]]
    for candidate in candidates:
        now = timezone.now()
        taken = BackgroundTask.objects.filter(pk=candidate, status=Status.QUEUED).update(
            status=Status.RUNNING, claimed_by=who, heartbeat_at=now,
            attempts=models.F("attempts") + 1)
        if taken:
            return BackgroundTask.objects.get(pk=candidate)
    return None


def beat(task: BackgroundTask, who: str, done: int, total: int) -> bool:
    """Record that ``who`` still runs the task, and how far it is; False if it lost it."""
    return bool(BackgroundTask.objects.filter(pk=task.pk, status=Status.RUNNING,
                                              claimed_by=who).update(
        heartbeat_at=timezone.now(), progress_done=done, progress_total=total))


def finish(task: BackgroundTask, who: str, status: object) -> bool:
    """End the task (DONE or FAILED, a Status member), if ``who`` still holds it."""
    return bool(BackgroundTask.objects.filter(pk=task.pk, status=Status.RUNNING,
                                              claimed_by=who).update(
        status=status, finished=timezone.now()))


def release(task: BackgroundTask, who: str) -> bool:
    """Put the task back in the queue (the worker is stopping and its work was undone): the
    next worker starts it again, and this try does not count as an attempt."""
    return bool(BackgroundTask.objects.filter(pk=task.pk, status=Status.RUNNING,
                                              claimed_by=who).update(
        status=Status.QUEUED, claimed_by="", heartbeat_at=None,
        attempts=models.F("attempts") - 1))


def gone(task: BackgroundTask, now: dt.datetime | None = None) -> bool:
    """Whether the worker running the task is gone: its process, when it ran on this machine
    (known exactly; a live one that is slow is left alone), else its heartbeat."""
    host, _, pid = task.claimed_by.partition(" ")
    if host == _HOST and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    stale = dt.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return task.heartbeat_at is None or (now or timezone.now()) - task.heartbeat_at > stale


def reclaim(task: BackgroundTask) -> BackgroundTask:
    """The task, queued again or failed if it was running for a worker that is gone.

    The UPDATE names the claim and heartbeat it saw, so that of two processes noticing
    the same dead worker one acts; a failed task's kind records why on its subject.
    """
    if task.status != Status.RUNNING or not gone(task):
        return task
    kind = KINDS.get(task.kind)
    again = kind is not None and task.attempts < kind.attempts
    changes: dict[str, object] = (
        {"status": Status.QUEUED, "claimed_by": "", "heartbeat_at": None} if again
        else {"status": Status.FAILED, "finished": timezone.now()})
    taken = BackgroundTask.objects.filter(
        pk=task.pk, status=Status.RUNNING, claimed_by=task.claimed_by,
        heartbeat_at=task.heartbeat_at).update(**changes)
    task.refresh_from_db()
    if taken and not again and kind is not None:
        kind.abandoned(task.subject, task)
    return task


def reclaim_all() -> int:
    """Reclaim every running task whose worker is gone; how many there were."""
    found = 0
    for task in BackgroundTask.objects.filter(status=Status.RUNNING):
        if reclaim(task).status != Status.RUNNING:
            found += 1
    return found


def finished_deleted(cutoff: dt.datetime) -> int:
    """Forget the tasks that ended before ``cutoff`` (the nightly cleanup); how many."""
    return BackgroundTask.objects.filter(status__in=(Status.DONE, Status.FAILED),
                                         finished__lt=cutoff).delete()[0]
