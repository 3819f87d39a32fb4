"""Import jobs: validate, preview and commit an uploaded survey file in the background.

Validating a district takes seconds and committing it tens of seconds, longer
than a page should wait; so the upload only stores the file and queues its
check, the confirmation only queues the commit, and a worker process runs them
(register/background.py, ``manage.py runjobs``) while the page polls the job's
row. The worker keeps the commit's progress on its task's row (``progress``),
written on a connection of its own: on PostgreSQL the commit is one
transaction, and a progress written from inside it would be seen by nobody
until it ends.

A worker that dies mid-way leaves nothing half-written: the check writes only
files and the job's row at its end, the commit on PostgreSQL is one
transaction, and on SQLite its batches are undone (register/import_runs.py).
So a commit whose worker died is simply run again by the next worker, once
(COMMIT.attempts); a check is not, since what kills a checking worker is most
often the file itself (its size in memory). A task that may not run again ends
the job failed, with a message saying what happened (``_check_abandoned``,
``_commit_abandoned``).

A job is seen by its owner, and read (never committed) by the reviewers of a
district or province that contains its communes; anyone else gets "not found".
Only the owner commits, and only if permissions.may_commit allows them every commune
of the file (the commune's own staff), as importing.commit checks again.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from phocap import numbers
from phocap.accounts.models import User
from phocap.accounts.permissions import may_commit, opens_others_imports
from phocap.register import background, import_runs, importing, scope, uploads
from phocap.register.models import AdministrativeUnit, BackgroundTask, ImportJob, Person
from phocap.register.records import field_label
from phocap.register.scope import visible_communes
from phocap.survey import limits
from phocap.survey.official.reading import Context
from phocap.survey.report import ordered, summary, write_xlsx
from phocap.survey.validate import validate

log = logging.getLogger(__name__)
Status = ImportJob.Status
SAMPLE = 200  # changed and missing people listed in a preview; the counts are complete
RUNNING = (Status.UPLOADED, Status.VALIDATING, Status.COMMITTING)
COMMIT_FAILED = ("Ghi vào sổ gặp sự cố ngoài dự kiến; chưa có gì được ghi (mọi thay đổi đã được"
                 " hoàn tác). Hãy thử lại hoặc báo quản trị hệ thống.")
INTERRUPTED = ("Lần ghi vào sổ bị gián đoạn sau {done}/{total} bản ghi (máy chủ dừng giữa chừng"
               " hai lần); phần đã ghi đã được hoàn tác, sổ như trước khi nhập. Hãy tải tệp lên"
               " lại; nếu lặp lại, hãy báo quản trị hệ thống.")


def folder(job: ImportJob) -> Path:
    return Path(settings.VAR_DIR) / "imports" / str(job.pk)


def records_path(job: ImportJob) -> Path:
    return folder(job) / "records.parquet"


def problems_path(job: ImportJob) -> Path:
    return folder(job) / "problems.parquet"


def visible_jobs(user: User) -> models.QuerySet[ImportJob]:
    """The jobs a user may open: their own, and for reviewers those of their communes."""
    if not getattr(user, "is_authenticated", False):
        return ImportJob.objects.none()
    mine = models.Q(user=user)
    if opens_others_imports(user):
        mine |= models.Q(communes__in=visible_communes(user))
    return ImportJob.objects.filter(mine).distinct()


def committable(user: User, job: ImportJob) -> bool:
    """Whether the user may commit the job now: its preview is ready, and they may
    (permissions.may_commit)."""
    return job.status == Status.PREVIEWED and may_commit(user, job)


def running(user: User) -> list[ImportJob]:
    """The user's jobs still being checked or committed (those whose worker died end here)."""
    return [job for job in ImportJob.objects.filter(user=user, status__in=RUNNING)
            if refresh(job).status in RUNNING]


SUFFIXES = (".csv", ".xlsx", ".xls", ".parquet")
"""Survey files an upload may hold; a ZIP may hold them too."""


def files_folder(job: ImportJob) -> Path:
    return folder(job) / "files"


def sources(job: ImportJob) -> list[Path]:
    """The job's survey files, by name (a job from before several files held one file)."""
    stored = Path(job.path)
    if stored.is_dir():
        return sorted((p for p in stored.iterdir() if p.is_file()), key=lambda p: p.name)
    return [stored]


def survey_context(job: ImportJob) -> Context:
    """What a ministry's workbook lacks, from the import page: the uploader's commune, the
    year chosen, and the village when one file was named for it."""
    unit = job.user.unit
    return Context(commune_code=unit.code if unit is not None else None,
                   year=job.survey_year, village=job.village or None)


def create(user: User, files: UploadedFile[bytes] | list[UploadedFile[bytes]], survey_year: int,
           village: str = "") -> ImportJob:
    """Store uploaded survey files (or ZIPs of them) as one new job, and queue its check
    (``check``, run by a worker).

    Refused (uploads.UploadRefused) while the user already has
    UPLOAD_MAX_RUNNING_JOBS jobs running, when a file is above the size limit, or
    when a ZIP is not what a commune's village files make (uploads.unpack): one
    user cannot hold every worker, nor fill the disk. Nothing stays of a refused
    upload.
    """
    files = files if isinstance(files, list) else [files]
    busy = running(user)
    if len(busy) >= settings.UPLOAD_MAX_RUNNING_JOBS:
        raise uploads.UploadRefused(
            gettext("Bạn đang có %(count)d lần nhập chưa xong (%(files)s): hãy chờ chúng kiểm"
                    " tra hoặc ghi xong rồi tải tệp tiếp theo.")
            % {"count": len(busy), "files": ", ".join(f"“{job.file_name}”" for job in busy)})
    bounds = uploads.limits()
    for upload in files:
        uploads.refuse_large(upload, bounds)
    job = ImportJob.objects.create(user=user, unit_id=user.unit_id, survey_year=survey_year,
                                   village=village,
                                   file_name=", ".join(uploads.file_name(f.name) for f in files))
    target = files_folder(job)
    # A folder left under this number (a database restored or reset) must not join the import.
    shutil.rmtree(folder(job), ignore_errors=True)
    try:
        stored = store_files(files, folder(job), bounds)
    except BaseException:
        shutil.rmtree(folder(job), ignore_errors=True)
        job.delete()
        raise
    job.path = str(target)
    job.file_name = ", ".join(p.name for p in stored)
    with transaction.atomic():
        job.save(update_fields=["path", "file_name", "updated"])
        background.enqueue(CHECK, job.pk)
    return job


def store_files(files: list[UploadedFile[bytes]], where: Path, bounds: limits.Limits) -> list[Path]:
    """The survey files of one upload, stored under ``where``/files: each file as it came,
    each ZIP unpacked (uploads.unpack); the same file picked twice is kept once, two
    different files of one name are refused (uploads.UploadRefused), as is an upload
    with no survey file at all. The import page and the REST API both store through here."""
    target = where / "files"
    stored: list[Path] = []
    for upload in files:
        name = uploads.file_name(upload.name)
        if name.lower().endswith(".zip"):
            archive = uploads.store(upload, where / "archives" / name, bounds)
            stored += uploads.unpack(archive, target, SUFFIXES, bounds)
        elif (target / name).exists():
            if uploads.same(upload, target / name):
                continue  # the same file picked twice is one file
            raise uploads.UploadRefused(gettext(
                "Có hai tệp khác nhau cùng tên “%(name)s”; mỗi thôn một tệp, tên khác"
                " nhau.") % {"name": name})
        else:
            stored.append(uploads.store(upload, target / name, bounds))
    if not stored:
        raise uploads.UploadRefused(gettext("Tệp nén không có tệp phiếu điều tra nào."))
    return stored


def several(names: list[str]) -> bool:
    """Whether an upload holds several survey files (or may: a ZIP), so that no one village
    can be given for all of them."""
    return len(names) > 1 or any(n.lower().endswith(".zip") for n in names)


def _finish(job: ImportJob, status: ImportJob.Status, message: str = "") -> None:
    job.status = status
    job.message = message
    job.save()


def check(job_id: int, progress: importing.Progress | None = None) -> None:
    """Validate the file, write the XLSX report, and preview what importing it would do.

    First of all the scope: a file naming a commune its uploader may not edit is
    refused before it is validated or compared with the register (scope.py).
    Only the job's row records the outcome, at the end: a check that dies leaves
    files that the next check overwrites. (It reports no progress.)
    """
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status not in (Status.UPLOADED, Status.VALIDATING):
        return  # checked already
    job.status = Status.VALIDATING
    job.save(update_fields=["status", "updated"])
    paths = sources(job)
    try:
        bounds = uploads.limits()
        scope.refuse_foreign_upload(job.user, paths, job.survey_year, limits=bounds,
                                    context=survey_context(job))
        result = validate(paths, year=job.survey_year, keep_records=True, limits=bounds,
                          context=survey_context(job))
        report = result.report
        refusal = _refusal(report.problems)
        if refusal is not None:
            job.rows, job.errors, job.warnings = 0, report.errors, report.warnings
            _finish(job, Status.REFUSED, refusal)
            return
        report_file = folder(job) / "bao-cao-kiem-tra.xlsx"
        write_xlsx(report, paths, report_file, survey_context(job))
        ordered(report.problems).write_parquet(problems_path(job))
        job.rows, job.errors, job.warnings = report.rows, report.errors, report.warnings
        job.report_path = str(report_file)
        if not report.ok or result.records is None:
            _finish(job, Status.INVALID, summary(report))
            return
        records = result.records
        records.write_parquet(records_path(job))
        codes = records["commune_code"].unique().to_list()
        planned = importing.preview(records, job.user)
        job.preview = _summarise(planned, records)
        job.progress_total = len(planned.new) + len(planned.changed)
        job.communes.set(AdministrativeUnit.objects.filter(
            vintage=_vintage(job.survey_year), code__in=codes))
        _finish(job, Status.PREVIEWED, summary(report))
    except (importing.ImportRefused, scope.OutOfScope) as exc:
        _finish(job, Status.REFUSED, str(exc))
    except MemoryError:
        log.exception("import job %s: out of memory while checking", job_id)
        _finish(job, Status.FAILED, gettext(
            "Tệp “%(name)s” cần nhiều bộ nhớ hơn máy chủ có để kiểm tra; chưa có gì được ghi"
            " vào sổ. Hãy chia tệp theo xã hoặc theo thôn rồi tải từng phần.")
            % {"name": job.file_name})
    except Exception:
        log.exception("import job %s: checking failed", job_id)
        _finish(job, Status.FAILED, "Kiểm tra tệp gặp sự cố ngoài dự kiến; chưa có gì được"
                                    " ghi vào sổ. Hãy thử lại hoặc báo quản trị hệ thống.")
    except BaseException:  # the worker is stopping: the job must not stay "checking"
        _finish(job, Status.FAILED, "Lần nhập bị gián đoạn (máy chủ khởi động lại); chưa có"
                                    " gì được ghi vào sổ. Hãy tải tệp lên lại.")
        raise


def _check_abandoned(job_id: int, task: BackgroundTask) -> None:
    """The worker checking the file died (often of the file's size in memory): say so."""
    job = ImportJob.objects.filter(pk=job_id, status__in=RUNNING).first()
    if job is not None:
        _finish(job, Status.FAILED, gettext(
            "Việc kiểm tra tệp “%(name)s” bị dừng giữa chừng (tiến trình máy chủ đã dừng);"
            " chưa có gì được ghi vào sổ. Hãy tải tệp lên lại; nếu lặp lại, hãy chia tệp"
            " theo xã hoặc theo thôn.") % {"name": job.file_name})


def _refusal(found: pl.DataFrame) -> str | None:
    """The message of a limit the file broke (size, rows, zip bomb), if it broke one."""
    broken = found.filter(pl.col("code").is_in(limits.REFUSALS))
    return broken["message"][0] if broken.height else None


def _vintage(year: int) -> str:
    from phocap.units import vintage_for_year

    return vintage_for_year(year).value


def _json(value: object) -> object:
    if isinstance(value, dt.date):
        return numbers.date(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _summarise(planned: importing.Preview, records: pl.DataFrame) -> dict[str, object]:
    """JSON for the job: complete counts, and a sample of who changes and who is missing."""
    shown = list(planned.changed.items())[:SAMPLE]
    wanted = {key for key, _ in shown}
    names = {
        key: full_name
        for *key_values, full_name in records.select(
            "commune_code", "village", "household_no", "person_no", "full_name").iter_rows()
        if (key := tuple(key_values)) in wanted
    }
    missing = planned.missing[:SAMPLE]
    return {
        "villages": _by_village(planned, records),
        "survey_year": planned.survey_year,
        "fingerprint": planned.fingerprint,
        "new": len(planned.new),
        "changed": len(planned.changed),
        "unchanged": planned.unchanged,
        "missing": len(planned.missing),
        "changed_sample": [
            {"key": list(key), "full_name": names.get(key, ""),
             "fields": [[field_label(f), _json(old), _json(new)]
                        for f, (old, new) in changes.items()]}
            for key, changes in shown
        ],
        "missing_sample": [
            {"key": list(key), "full_name": name} for key, name in _names(missing)
        ],
    }


def _by_village(planned: importing.Preview, records: pl.DataFrame) -> list[dict[str, object]]:
    """New, changed, unchanged and missing people per village (of the file; of the register
    for the missing), so that a commune's twenty villages can be checked one by one, in
    the order of the files."""
    new, changed = set(planned.new), set(planned.changed)
    counts: dict[tuple[str, str], dict[str, object]] = {}

    def count(code: str, village: str | None) -> dict[str, Any]:
        return counts.setdefault((code, village or ""), {
            "commune": code, "village": village or "", "new": 0, "changed": 0,
            "unchanged": 0, "missing": 0})

    for key in records.select("commune_code", "village", "household_no", "person_no").iter_rows():
        kind = "new" if key in new else "changed" if key in changed else "unchanged"
        count(key[0], key[1])[kind] += 1
    for key in planned.missing:
        count(key[0], key[1])["missing"] += 1
    return list(counts.values())  # in file order ("01. …", "02. …"), then the register's


def _names(keys: list[importing.Key]) -> list[tuple[importing.Key, str]]:
    if not keys:
        return []
    found = {
        (code, village, number, person_no): name
        for code, village, number, person_no, name in Person.objects.filter(
            household__commune__code__in={k[0] for k in keys},
            household__village__name__in={k[1] for k in keys},
            household__household_no__in={k[2] for k in keys},
        ).values_list("household__commune__code", "household__village__name",
                      "household__household_no", "person_no", "full_name")
    }
    return [(key, found.get(key, "")) for key in keys]


def request_commit(user: User, job: ImportJob) -> bool:
    """Move a previewed job to committing (once: a second click finds it taken) and queue
    the commit, in one transaction."""
    if not committable(user, job):
        return False
    with transaction.atomic():
        taken = ImportJob.objects.filter(pk=job.pk, status=Status.PREVIEWED).update(
            status=Status.COMMITTING, progress_done=0, updated=timezone.now())
        if taken:
            background.enqueue(COMMIT, job.pk)
    return bool(taken)


def commit(job_id: int, progress: importing.Progress | None = None) -> None:
    """Write the previewed records into the register: all, or nothing and a reason.

    ``progress`` is the worker's: it records how far the commit is, and interrupts it
    (background.Interrupted, through everything here) when the worker stops; then
    the commit is undone and the job stays committing, queued for the next worker.
    """
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status != Status.COMMITTING:
        return  # committed, or ended, already
    try:
        if progress is not None:
            progress(0, job.progress_total)
        records = pl.read_parquet(records_path(job))
        done = importing.commit(records, job.user, progress=progress,
                                expected=(job.preview or {}).get("fingerprint"))
    except (importing.ImportRefused, PermissionDenied) as exc:
        _finish(job, Status.REFUSED, str(exc))
    except Exception:
        log.exception("import job %s: commit failed", job_id)
        _finish(job, Status.FAILED, COMMIT_FAILED)
    else:
        job.result = {"new": len(done.new), "changed": len(done.changed),
                      "unchanged": done.unchanged, "missing": len(done.missing)}
        job.progress_done = job.progress_total = len(done.new) + len(done.changed)
        job.committed_at = timezone.now()
        _finish(job, Status.COMMITTED)


def _commit_abandoned(job_id: int, task: BackgroundTask) -> None:
    """The commit's last worker died: undo what it wrote (SQLite's batches; PostgreSQL rolled
    back already) and say so."""
    import_runs.recover_abandoned()
    job = ImportJob.objects.filter(pk=job_id, status__in=RUNNING).first()
    if job is not None:
        _finish(job, Status.FAILED, INTERRUPTED.format(done=task.progress_done,
                                                       total=task.progress_total))


CHECK = background.register(background.Kind("import-check", check, _check_abandoned))
COMMIT = background.register(background.Kind("import-commit", commit, _commit_abandoned,
                                              attempts=2))
KINDS = (CHECK, COMMIT)


def task(job: ImportJob) -> BackgroundTask | None:
    """The job's latest step for the worker (its check or its commit)."""
    return background.latest(KINDS, job.pk)


def waiting(job: ImportJob) -> bool:
    """Whether the job's step waits for a worker to take it."""
    found = task(job) if job.status in RUNNING else None
    return found is not None and found.status == BackgroundTask.Status.QUEUED


def progress(job: ImportJob) -> tuple[int, int]:
    """Records written so far and in all (as the worker last reported, while it commits)."""
    if job.status == Status.COMMITTING:
        found = task(job)
        if found is not None and found.status == BackgroundTask.Status.RUNNING \
                and found.progress_total:
            return found.progress_done, found.progress_total
        return 0, job.progress_total
    return job.progress_done, job.progress_total


def refresh(job: ImportJob) -> ImportJob:
    """The job, as it is once a step whose worker died has been queued again or ended
    failed (background.reclaim): its page does not wait for a worker to notice."""
    if job.status not in RUNNING:
        return job
    found = task(job)
    if found is not None and found.status == BackgroundTask.Status.RUNNING \
            and background.reclaim(found).status != BackgroundTask.Status.RUNNING:
        job.refresh_from_db()
    return job
