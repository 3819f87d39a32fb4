"""The worker process: claim queued tasks, run them one at a time, keep their heartbeat.

``manage.py runjobs`` runs ``Worker.serve``. Each poll it first reclaims tasks
whose worker is gone (background.reclaim), then claims the oldest queued one.
While a task runs, a heartbeat thread writes the heartbeat and the progress
every JOBS_HEARTBEAT_SECONDS (and soon after each progress report) on a
database connection of its own: the task's own connection may sit inside one
long transaction (an import on PostgreSQL), whose writes nobody would see.

SIGTERM or SIGINT asks the worker to stop: it takes no new task, and the
running one stops at its next progress report (background.Interrupted), undoes
what it wrote (the import's transaction rolls back, or its batches are undone)
and goes back to the queue for the next worker. Work that reports no progress
(checking a file) is finished first. The same happens when the heartbeat finds
the task taken by another worker, which had taken this one for dead.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections

from phocap.register import background
from phocap.register.models import BackgroundTask

log = logging.getLogger(__name__)
Status = BackgroundTask.Status


class _Heartbeat(threading.Thread):
    """Writes the task's heartbeat and progress until told to stop; notices a lost claim."""

    def __init__(self, task: BackgroundTask, who: str) -> None:
        super().__init__(name=f"heartbeat-{task.pk}", daemon=True)
        self.task, self.who = task, who
        self.done, self.total = 0, 0
        self.lost = False
        self.changed = threading.Event()
        self.ending = threading.Event()

    def report(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self.changed.set()

    def run(self) -> None:
        every = settings.JOBS_HEARTBEAT_SECONDS
        try:
            while not self.ending.is_set():
                self.changed.wait(every)
                self.changed.clear()
                if self.ending.is_set():
                    break
                try:
                    close_old_connections()  # one broken since the last beat (a restart)
                    if not background.beat(self.task, self.who, self.done, self.total):
                        self.lost = True
                        return
                except DatabaseError:  # SQLite busy past its timeout, a lost connection: next beat
                    log.warning("task %s: heartbeat not written", self.task.pk, exc_info=True)
                self.ending.wait(min(1.0, every))  # progress at most once a second
        finally:
            connections.close_all()  # this thread's connection only


class Worker:
    """Runs tasks for ``who`` (this process by default) until asked to stop."""

    def __init__(self, who: str | None = None) -> None:
        self.who = who or background.me()
        self.stopping = threading.Event()

    def stop(self, *_: object) -> None:
        """Stop after (or, at its next progress report, in the middle of) the running task."""
        self.stopping.set()

    def serve(self, poll: float, once: bool = False) -> int:
        """Run tasks until stopped; with ``once``, until none is queued. How many ran."""
        ran = 0
        while not self.stopping.is_set():
            # As a request would: drop a connection that broke or outlived CONN_MAX_AGE.
            close_old_connections()
            background.reclaim_all()
            task = background.claim(self.who)
            if task is None:
                if once:
                    break
                self.stopping.wait(poll)
                continue
            self.execute(task)
            ran += 1
        return ran

    def execute(self, task: BackgroundTask, heartbeat: bool = True) -> None:
        """Run a claimed task to its end: done, failed, or back in the queue."""
        kind = background.KINDS.get(task.kind)
        if kind is None:
            log.error("task %s: no kind %r in this worker", task.pk, task.kind)
            background.finish(task, self.who, Status.FAILED)
            return
        beating = _Heartbeat(task, self.who)

        def progress(done: int, total: int) -> None:
            beating.report(done, total)
            if self.stopping.is_set() or beating.lost:
                raise background.Interrupted

        if heartbeat:
            beating.start()
        try:
            kind.run(task.subject, progress)
        except background.Interrupted:
            if not beating.lost:
                background.release(task, self.who)
            log.info("task %s (%s %s): interrupted, its work undone", task.pk, task.kind,
                     task.subject)
        except Exception:
            log.exception("task %s (%s %s) failed", task.pk, task.kind, task.subject)
            if background.finish(task, self.who, Status.FAILED):
                kind.abandoned(task.subject, task)
        else:
            background.finish(task, self.who, Status.DONE)
        finally:
            beating.ending.set()
            beating.changed.set()
            if heartbeat:
                beating.join()


def run_inline(pk: int) -> None:
    """Run task ``pk`` here and now, without a heartbeat (JOBS_INLINE: the test suite)."""
    runner = Worker()
    task = background.claim(runner.who, pk=pk)
    if task is not None:
        runner.execute(task, heartbeat=False)
