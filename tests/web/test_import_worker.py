"""Imports run by real worker processes (``manage.py runjobs``) against the test database.

A worker killed mid-commit leaves nothing half-written (SQLite: its first batch
is undone; PostgreSQL: its transaction rolled back), its page says the commit
waits for another worker, and the next worker runs it in full; a worker asked
to stop (SIGTERM) puts its commit back in the queue, undone; two workers never
claim the same task. The tests are transactional: the workers see what they commit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from phocap.register import background, import_runs, importing, jobs
from phocap.register.models import (
    AuditEntry,
    BackgroundTask,
    Household,
    ImportHold,
    ImportJob,
    ImportRun,
    ImportUndo,
    Person,
    PersonYear,
    Village,
)
from phocap.survey.validate import validate
from tests.web.import_helpers import FIXTURE, commune_csv
from tests.web.threads import started

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
Status = ImportJob.Status

# A worker whose commit writes batches of two records and, after the first, says so and
# waits ``argv[1]`` seconds (killed or stopped meanwhile by the test).
STALLING = """
import sys, time
import django
django.setup()
from django.core.management import execute_from_command_line
from phocap.register import importing

importing.BATCH_ROWS = 2
stall = float(sys.argv[1])
commit = importing.commit

def stalling(records, user, progress=None, expected=None):
    def stall_after_first(done, total):
        progress(done, total)
        if done == 2:
            print(f"written {done} of {total}", flush=True)
            time.sleep(stall)
    return commit(records, user, progress=stall_after_first, expected=expected)

importing.commit = stalling
execute_from_command_line(["manage.py", "runjobs", "--poll", "0.2"])
"""


@pytest.fixture(autouse=True)
def own_var(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


def environment(settings: Any) -> dict[str, str]:
    """A worker's environment: this test database and VAR folder, a heartbeat every second."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "PHOCAP_TEST_WORKER_DB": str(connection.settings_dict["NAME"]),
            "PHOCAP_VAR": str(settings.VAR_DIR), "PHOCAP_JOBS_HEARTBEAT_SECONDS": "1"}


def stalling_worker(settings: Any, stall: float) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", STALLING, str(stall)], cwd=ROOT,
                            env=environment(settings), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def drain(settings: Any) -> subprocess.CompletedProcess[str]:
    """``manage.py runjobs --once``: a worker that runs what is queued, then exits."""
    done = subprocess.run([sys.executable, "manage.py", "runjobs", "--once", "--poll", "0.2"],
                          cwd=ROOT, env=environment(settings), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def first_batch_written(worker: subprocess.Popen[str]) -> None:
    """Wait for the worker to say it wrote its first batch (killing it after 120 s)."""
    assert worker.stdout is not None
    watchdog = threading.Timer(120, worker.kill)
    watchdog.start()
    try:
        for line in worker.stdout:  # its own "runjobs …" line comes first
            if line.startswith("written"):
                assert line.strip() == "written 2 of 4"
                return
    finally:
        watchdog.cancel()
    worker.kill()
    raise AssertionError(worker.stderr.read()[-3000:] if worker.stderr else "no first batch")


def until(condition: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} not seen within {timeout} s"
        time.sleep(0.1)


def state() -> dict[str, list[dict[str, Any]]]:
    return {model.__name__: list(model.objects.order_by("pk").values())
            for model in (Village, Household, Person, PersonYear, AuditEntry)}


def page(user: Any, job: ImportJob) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("import-detail", args=[job.pk])).content.decode()


@pytest.fixture
def confirmed(tree: dict[str, Any], make_user: Any, settings: Any) -> tuple[Any, ImportJob]:
    """Four people of 03319 in the register, then their file with person 1 renamed, checked
    (inline) and confirmed: a commit of 4 records (1 changed, 3 new) queued for a worker."""
    staff = make_user("commune_staff", tree["communes"]["03319"])
    records = validate(FIXTURE, keep_records=True).records
    assert records is not None
    importing.commit(records.filter(pl.col("commune_code") == "03319").head(4), staff)
    job = jobs.create(staff, SimpleUploadedFile(
        "xa-03319.csv", commune_csv({(2, "full_name"): "Lò Văn Hòa (sửa)"})), 2021)
    job.refresh_from_db()
    assert job.status == Status.PREVIEWED, job.message
    settings.JOBS_INLINE = False  # from here on, the workers run the tasks
    assert jobs.request_commit(staff, job)
    return staff, job


def committed_in_full(job: ImportJob, before: dict[str, list[dict[str, Any]]]) -> None:
    """The commit is in once, whole: seven people with their 2021 records, the rename, each
    new person created and audited once (none left of an undone try), and no run, hold or
    undo step left."""
    job.refresh_from_db()
    assert job.status == Status.COMMITTED, job.message
    assert job.result == {"new": 3, "changed": 1, "unchanged": 3, "missing": 0}
    people = Person.objects.filter(household__commune__code="03319")
    assert people.count() == 7 and PersonYear.objects.filter(survey_year=2021).count() == 7
    assert people.filter(full_name="Lò Văn Hòa (sửa)").count() == 1
    audited = {row["id"] for row in before["AuditEntry"]}
    created = sorted(AuditEntry.objects.filter(action="create", model="person")
                     .exclude(pk__in=audited).values_list("object_id", flat=True))
    old = {row["id"] for row in before["Person"]}
    assert created == sorted(Person.objects.exclude(pk__in=old).values_list("pk", flat=True))
    assert len(created) == 3
    assert AuditEntry.objects.filter(action="update", model="person").exclude(
        pk__in=audited).count() == 1
    assert not (ImportRun.objects.exists() or ImportHold.objects.exists()
                or ImportUndo.objects.exists())


def test_a_worker_killed_mid_commit_leaves_nothing_and_the_next_worker_commits_it(
    confirmed: tuple[Any, ImportJob], settings: Any
) -> None:
    staff, job = confirmed
    before = state()
    worker = stalling_worker(settings, 600)
    try:
        first_batch_written(worker)
        task = jobs.task(job)
        assert task is not None and task.status == BackgroundTask.Status.RUNNING
        # The heartbeat thread writes the progress and keeps beating while the commit waits.
        until(lambda: jobs.progress(ImportJob.objects.get(pk=job.pk)) == (2, 4), "2/4 written")
        beat = BackgroundTask.objects.get(pk=task.pk).heartbeat_at
        until(lambda: BackgroundTask.objects.get(pk=task.pk).heartbeat_at > beat, "a heartbeat")
        # On SQLite the first batch is in, on its own; PostgreSQL's transaction is open.
        assert (state() != before) == import_runs.chunked()
        assert '<progress max="4" value="2">' in page(staff, job)  # (logs a read: a change)
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait(30)
    assert worker.returncode == -signal.SIGKILL

    # The import's page notices the worker gone at once (this machine) and queues the commit
    # again (COMMIT.attempts); on SQLite the first batch stays until a worker undoes it.
    assert "Đang chờ máy chủ nhận việc" in page(staff, job)
    task.refresh_from_db()
    assert (task.status, task.attempts) == (BackgroundTask.Status.QUEUED, 1)

    began = time.monotonic()
    drain(settings)
    assert time.monotonic() - began < 60
    committed_in_full(job, before)
    assert state() != before
    task.refresh_from_db()
    assert (task.status, task.attempts) == (BackgroundTask.Status.DONE, 2)
    assert "Đã ghi vào sổ lúc" in page(staff, job)


def test_a_commit_killed_on_its_last_attempt_is_undone_and_reported_failed(
    confirmed: tuple[Any, ImportJob], settings: Any
) -> None:
    staff, job = confirmed
    BackgroundTask.objects.filter(kind=jobs.COMMIT.name, subject=job.pk).update(
        attempts=jobs.COMMIT.attempts - 1)  # a worker died on it once already
    before = state()
    worker = stalling_worker(settings, 600)
    try:
        first_batch_written(worker)
        until(lambda: jobs.progress(ImportJob.objects.get(pk=job.pk)) == (2, 4), "2/4 written")
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait(30)

    job.refresh_from_db()
    job = jobs.refresh(job)  # what the import's page does first
    assert job.status == Status.FAILED
    assert "bị gián đoạn sau 2/4 bản ghi" in job.message and "đã được hoàn tác" in job.message
    assert state() == before  # SQLite's first batch undone; PostgreSQL rolled back
    assert not (ImportRun.objects.exists() or ImportHold.objects.exists())
    shown = page(staff, job)
    assert "bị gián đoạn sau 2/4 bản ghi" in shown and "Đang chờ máy chủ" not in shown


def test_a_worker_asked_to_stop_mid_commit_undoes_it_and_puts_it_back_in_the_queue(
    confirmed: tuple[Any, ImportJob], settings: Any
) -> None:
    staff, job = confirmed
    before = state()
    worker = stalling_worker(settings, 2)
    try:
        first_batch_written(worker)
        worker.send_signal(signal.SIGTERM)  # taken at the commit's next report
        worker.wait(60)
    finally:
        worker.kill()
    assert worker.returncode == 0, worker.stderr.read() if worker.stderr else ""
    assert state() == before  # what it wrote is undone (SQLite) or rolled back
    task = jobs.task(job)
    assert task is not None
    assert (task.status, task.attempts, task.claimed_by) == ("queued", 0, "")
    job.refresh_from_db()
    assert job.status == Status.COMMITTING
    assert "Đang chờ máy chủ nhận việc" in page(staff, job)

    drain(settings)
    committed_in_full(job, before)


def test_two_workers_never_claim_the_same_task() -> None:
    BackgroundTask.objects.create(kind=jobs.CHECK.name, subject=1)
    ready = threading.Barrier(2)
    outcomes: list[dict[str, Any]] = [{}, {}]

    def claim(who: str) -> Any:
        ready.wait(10)
        return background.claim(who)

    for thread in [started(lambda who=who: claim(who), outcome)  # type: ignore[misc]
                   for who, outcome in zip(("host-a 1", "host-b 2"), outcomes, strict=True)]:
        thread.join(60)
    assert not any("error" in outcome for outcome in outcomes), outcomes
    taken = [outcome["value"] for outcome in outcomes if outcome["value"] is not None]
    assert len(taken) == 1
    assert BackgroundTask.objects.get().claimed_by == taken[0].claimed_by


def test_two_worker_processes_run_each_queued_task_once(
    tree: dict[str, Any], make_user: Any, settings: Any
) -> None:
    settings.JOBS_INLINE = False
    settings.UPLOAD_MAX_RUNNING_JOBS = 4
    staff = make_user("commune_staff", tree["communes"]["03319"])
    for n in range(4):
        jobs.create(staff, SimpleUploadedFile(f"xa-{n}.csv", commune_csv()), 2021)
    workers = [subprocess.Popen([sys.executable, "manage.py", "runjobs", "--once", "--poll",
                                 "0.2"], cwd=ROOT, env=environment(settings),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors[-3000:]
    tasks = list(BackgroundTask.objects.all())
    assert len(tasks) == 4
    # A task claimed twice would count two attempts.
    assert {(t.status, t.attempts) for t in tasks} == {(BackgroundTask.Status.DONE, 1)}
    assert set(ImportJob.objects.values_list("status", flat=True)) == {Status.PREVIEWED}
