"""Import jobs: validate, preview and commit an uploaded survey file in the background.

Validating a district takes seconds and committing it tens of seconds, longer
than a page should wait; so the upload only stores the file and starts a
thread, and the page polls the job's row. Each step runs in its own daemon
thread with its own database connection, closed when the step ends, so the web
worker keeps serving other users meanwhile (on SQLite, WAL lets them read while
the import writes).

While the commit runs, its progress goes to a small file beside the upload
rather than to the job's row: on PostgreSQL the commit is one transaction, and
a progress row written from inside it would be seen by nobody until it ends.
The file also names the thread writing (import_runs.owner): a commit whose
process died is reported failed as soon as its page is next looked at, once
what it wrote is undone (on SQLite, register/import_runs.py), instead of
showing its last progress for half an hour.

A job is seen by its owner, and read (never committed) by the reviewers of a
district or province that contains its communes; anyone else gets "not found".
Only the owner commits, and only if permissions.may_commit allows them every commune
of the file (the commune's own staff), as importing.commit checks again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from phocap import numbers
from phocap.accounts.permissions import may_commit, opens_others_imports
from phocap.register import import_runs, importing, scope, uploads
from phocap.register.models import AdministrativeUnit, ImportJob, Person
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
ABANDONED_AFTER = dt.timedelta(minutes=30)
"""A running step whose thread has not reported for this long died with its process
(a restart, a killed worker): the transaction rolled back, so nothing was written."""
COMMIT_FAILED = ("Ghi vào sổ gặp sự cố ngoài dự kiến; chưa có gì được ghi (mọi thay đổi đã được"
                 " hoàn tác). Hãy thử lại hoặc báo quản trị hệ thống.")
INTERRUPTED = ("Lần ghi vào sổ bị gián đoạn sau {done}/{total} bản ghi (máy chủ dừng giữa chừng);"
               " phần đã ghi đã được hoàn tác, sổ như trước khi nhập. Hãy tải tệp lên lại.")


def folder(job: ImportJob) -> Path:
    return Path(settings.VAR_DIR) / "imports" / str(job.pk)


def records_path(job: ImportJob) -> Path:
    return folder(job) / "records.parquet"


def problems_path(job: ImportJob) -> Path:
    return folder(job) / "problems.parquet"


def progress_path(job: ImportJob) -> Path:
    return folder(job) / "progress"


def checker_path(job: ImportJob) -> Path:
    """Which process checks the file ("host pid"), while it does."""
    return folder(job) / "checker"


def visible_jobs(user: Any) -> models.QuerySet[ImportJob]:
    """The jobs a user may open: their own, and for reviewers those of their communes."""
    if not getattr(user, "is_authenticated", False):
        return ImportJob.objects.none()
    mine = models.Q(user=user)
    if opens_others_imports(user):
        mine |= models.Q(communes__in=visible_communes(user))
    return ImportJob.objects.filter(mine).distinct()


def committable(user: Any, job: ImportJob) -> bool:
    """Whether the user may commit the job now: its preview is ready, and they may
    (permissions.may_commit)."""
    return job.status == Status.PREVIEWED and may_commit(user, job)


def running(user: Any) -> list[ImportJob]:
    """The user's jobs still being checked or committed (those whose thread died end here)."""
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


def create(user: Any, files: UploadedFile | list[UploadedFile], survey_year: int,
           village: str = "") -> ImportJob:
    """Store uploaded survey files (or ZIPs of them) as one new job; their content is
    checked later, by ``check``.

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
    job.save(update_fields=["path", "file_name", "updated"])
    return job


def store_files(files: list[UploadedFile], where: Path, bounds: limits.Limits) -> list[Path]:
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
            if _same(upload, target / name):
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


def _same(upload: UploadedFile, stored: Path) -> bool:
    if upload.size != stored.stat().st_size:
        return False
    with stored.open("rb") as held:
        return all(chunk == held.read(len(chunk)) for chunk in upload.chunks())


def start(step: Callable[[int], None], job: ImportJob) -> threading.Thread:
    """Run ``step(job.pk)`` in a daemon thread; returned so that tests can join it."""
    def run() -> None:
        try:
            step(job.pk)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=run, name=f"import-{job.pk}", daemon=True)
    thread.start()
    return thread


def start_after_commit(step: Callable[[int], None], job: ImportJob) -> None:
    """Start the step once the request's transaction (if any) has made the job visible."""
    transaction.on_commit(lambda: start(step, job))


def _finish(job: ImportJob, status: Any, message: str = "") -> None:
    # ``status`` is an ImportJob.Status member (Any: Django ships no type information).
    job.status = status
    job.message = message
    job.save()


def check(job_id: int) -> None:
    """Validate the file, write the XLSX report, and preview what importing it would do.

    First of all the scope: a file naming a commune its uploader may not edit is
    refused before it is validated or compared with the register (scope.py).
    """
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    job.status = Status.VALIDATING
    job.save(update_fields=["status", "updated"])
    paths = sources(job)
    checker = checker_path(job)
    checker.parent.mkdir(parents=True, exist_ok=True)
    checker.write_text(f"{socket.gethostname()} {os.getpid()}")
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
    finally:
        checker.unlink(missing_ok=True)


def _checker_died(job: ImportJob) -> bool:
    """Whether the process that took the job on this machine no longer runs."""
    try:
        host, pid = checker_path(job).read_text().split()
    except (OSError, ValueError):
        return False
    if host != socket.gethostname():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError):
        return False
    return False


def _refusal(found: pl.DataFrame) -> str | None:
    """The message of a limit the file broke (size, rows, zip bomb), if it broke one."""
    broken = found.filter(pl.col("code").is_in(limits.REFUSALS))
    return broken["message"][0] if broken.height else None


def _vintage(year: int) -> str:
    from phocap.units import vintage_for_year

    return vintage_for_year(year).value


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return numbers.date(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _summarise(planned: importing.Preview, records: pl.DataFrame) -> dict[str, Any]:
    """JSON for the job: complete counts, and a sample of who changes and who is missing."""
    shown = list(planned.changed.items())[:SAMPLE]
    wanted = {key for key, _ in shown}
    names = {
        (row["commune_code"], row["household_no"], row["person_no"]): row["full_name"]
        for row in records.select("commune_code", "household_no", "person_no", "full_name")
        .iter_rows(named=True)
        if (row["commune_code"], row["household_no"], row["person_no"]) in wanted
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


def _by_village(planned: importing.Preview, records: pl.DataFrame) -> list[dict[str, Any]]:
    """New, changed, unchanged and missing people per village (of the file; of the register
    for the missing), so that a commune's twenty villages can be checked one by one, in
    the order of the files."""
    new, changed = set(planned.new), set(planned.changed)
    counts: dict[tuple[str, str], dict[str, Any]] = {}

    def count(code: str, village: str | None) -> dict[str, Any]:
        return counts.setdefault((code, village or ""), {
            "commune": code, "village": village or "", "new": 0, "changed": 0,
            "unchanged": 0, "missing": 0})

    for row in records.select("commune_code", "household_no", "person_no", "village").iter_rows():
        key = (row[0], row[1], row[2])
        kind = "new" if key in new else "changed" if key in changed else "unchanged"
        count(row[0], row[3])[kind] += 1
    if planned.missing:
        where = _villages(planned.missing)
        for key in planned.missing:
            count(key[0], where.get(key))["missing"] += 1
    return list(counts.values())  # in file order ("01. …", "02. …"), then the register's


def _villages(keys: list[importing.Key]) -> dict[importing.Key, str]:
    return {
        (code, number, person_no): village
        for code, number, person_no, village in Person.objects.filter(
            household__commune__code__in={k[0] for k in keys},
            household__household_no__in={k[1] for k in keys},
        ).values_list("household__commune__code", "household__household_no", "person_no",
                      "household__village__name")
    }


def _names(keys: list[importing.Key]) -> list[tuple[importing.Key, str]]:
    if not keys:
        return []
    found = {
        (code, number, person_no): name
        for code, number, person_no, name in Person.objects.filter(
            household__commune__code__in={k[0] for k in keys},
            household__household_no__in={k[1] for k in keys},
        ).values_list("household__commune__code", "household__household_no", "person_no",
                      "full_name")
    }
    return [(key, found.get(key, "")) for key in keys]


def request_commit(user: Any, job: ImportJob) -> bool:
    """Move a previewed job to committing (once: a second click finds it taken) and start it."""
    if not committable(user, job):
        return False
    taken = ImportJob.objects.filter(pk=job.pk, status=Status.PREVIEWED).update(
        status=Status.COMMITTING, progress_done=0, updated=timezone.now())
    if not taken:
        return False
    start_after_commit(commit, job)
    return True


def commit(job_id: int) -> None:
    """Write the previewed records into the register: all, or nothing and a reason."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    marker = progress_path(job)
    writer = import_runs.owner()

    def report(done: int, total: int) -> None:
        partial = marker.with_suffix(".tmp")
        partial.write_text(f"{done} {total} {writer}")
        partial.replace(marker)

    try:
        report(0, job.progress_total)
        records = pl.read_parquet(records_path(job))
        done = importing.commit(records, job.user, progress=report,
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
    finally:
        marker.unlink(missing_ok=True)


def _report(job: ImportJob) -> tuple[int, int, str] | None:
    """The running commit's last report: records written, in all, and who writes them
    ("" when the report does not say)."""
    try:
        done, total, *writer = progress_path(job).read_text().split(maxsplit=2)
        return int(done), int(total), "".join(writer)
    except (OSError, ValueError):
        return None


def progress(job: ImportJob) -> tuple[int, int]:
    """Records written so far and in all (the commit's own report while it runs)."""
    if job.status == Status.COMMITTING:
        found = _report(job)
        return (found[0], found[1]) if found else (0, job.progress_total)
    return job.progress_done, job.progress_total


def refresh(job: ImportJob) -> ImportJob:
    """The job, marked failed if its thread died (with its process, or on its own).

    A check names its process in a marker beside the upload, and a commit its
    thread in its progress file: once that process or thread is gone, the job
    says it failed at once (and whatever a commit wrote is undone,
    import_runs.recover_abandoned). Any other step, or a commit that died before
    its first report, is taken for dead when it has not reported for ABANDONED_AFTER.
    """
    if job.status not in RUNNING:
        return job
    if job.status == Status.VALIDATING and _checker_died(job):
        _finish(job, Status.FAILED, gettext(
            "Việc kiểm tra tệp “%(name)s” bị dừng giữa chừng (tiến trình máy chủ đã dừng);"
            " chưa có gì được ghi vào sổ. Hãy tải tệp lên lại; nếu lặp lại, hãy chia tệp"
            " theo xã hoặc theo thôn.") % {"name": job.file_name})
        return job
    found = _report(job) if job.status == Status.COMMITTING else None
    if found is not None and found[2] and not import_runs.alive(found[2]):
        import_runs.recover_abandoned()
        _finish(job, Status.FAILED, INTERRUPTED.format(done=found[0], total=found[1]))
        progress_path(job).unlink(missing_ok=True)
        return job
    last = job.updated
    marker = progress_path(job)
    if marker.exists():
        last = max(last, dt.datetime.fromtimestamp(os.path.getmtime(marker), dt.UTC))
    if timezone.now() - last > ABANDONED_AFTER:
        import_runs.recover_abandoned()
        _finish(job, Status.FAILED, "Lần nhập bị gián đoạn (máy chủ khởi động lại); chưa có"
                                    " gì được ghi vào sổ. Hãy tải tệp lên lại.")
    return job
