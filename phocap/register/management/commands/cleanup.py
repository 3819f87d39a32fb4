"""cleanup [--days N]: delete what has outlived its use, keep what the audit needs.

Run it daily (cron or a systemd timer, see docs/deploy.md). Deleted:

- sessions past their expiry (Django leaves them in the table for ever);
- API tokens past their expiry (they no longer open anything);
- login throttle counters whose window has passed (they would restart anyway);
- second-factor secrets never confirmed, a day after they were shown;
- of every import finished (committed, invalid, failed or refused) more than
  N days ago (30 by default), the uploaded file and the typed records under
  VAR_DIR/imports/<id>/: a full copy of every person in the file, which the
  register now holds (or which was never imported), and need not be kept twice;
- folders under VAR_DIR/imports left by a job that no longer exists, older
  than N days;
- background tasks (register/background.py) that ended more than N days ago:
  the job they ran keeps its outcome.

Kept: every ImportJob row (who imported which file, when, for which communes,
the counts, the preview's summary and the outcome) and its validation report
(the XLSX and the list of problems the job's page shows), because the audit
trail refers to them and an inspector may ask what a file contained wrong.
An import still waiting (uploaded, checking, previewed, committing) keeps its
files: its owner may still commit it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from phocap.accounts import throttle, tokens
from phocap.accounts.models import TotpDevice
from phocap.register import background, jobs
from phocap.register.models import ImportJob

FINISHED = (ImportJob.Status.COMMITTED, ImportJob.Status.INVALID, ImportJob.Status.FAILED,
            ImportJob.Status.REFUSED)
UNCONFIRMED_FOR = dt.timedelta(days=1)


def _kept(job: ImportJob) -> set[Path]:
    return {jobs.problems_path(job), *([Path(job.report_path)] if job.report_path else [])}


def import_files_deleted(cutoff: dt.datetime) -> int:
    """Delete the uploaded files and records of imports finished before ``cutoff``; how many
    files and orphan folders went."""
    deleted = 0
    for job in ImportJob.objects.filter(status__in=FINISHED, updated__lt=cutoff):
        folder = jobs.folder(job)
        if not folder.is_dir():
            continue
        kept = _kept(job)
        for path in folder.iterdir():
            if path in kept:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            deleted += 1
    root = Path(settings.VAR_DIR) / "imports"
    if root.is_dir():
        known = {str(pk) for pk in ImportJob.objects.values_list("pk", flat=True)}
        for folder in root.iterdir():
            modified = dt.datetime.fromtimestamp(folder.stat().st_mtime, tz=dt.UTC)
            if folder.is_dir() and folder.name.isdigit() and folder.name not in known \
                    and modified < cutoff:
                shutil.rmtree(folder)
                deleted += 1
    return deleted


def sessions_deleted() -> int:
    before = Session.objects.count()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return before - Session.objects.count()


class Command(BaseCommand):
    help = ("Xóa phiên đăng nhập và mã truy cập API đã hết hạn, bộ đếm đăng nhập cũ và tệp "
            "nhập liệu và việc nền của các lần nhập đã xong quá N ngày (giữ lại lần nhập và báo cáo"
            " kiểm tra).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30,
                            help="giữ tệp nhập liệu bao nhiêu ngày sau khi lần nhập xong "
                                 "(mặc định 30)")

    def handle(self, *args: object, **options: Any) -> None:
        now = timezone.now()
        counts = {
            "phiên đăng nhập hết hạn": sessions_deleted(),
            "mã truy cập API hết hạn": tokens.expired_deleted(now),
            "bộ đếm đăng nhập cũ": throttle.old_rows_deleted(now),
            "khóa xác thực hai lớp chưa xác nhận": TotpDevice.objects.filter(
                confirmed__isnull=True, created__lt=now - UNCONFIRMED_FOR).delete()[0],
            "tệp và thư mục nhập liệu": import_files_deleted(
                now - dt.timedelta(days=options["days"])),
            "việc nền đã xong": background.finished_deleted(
                now - dt.timedelta(days=options["days"])),
        }
        for what, n in counts.items():
            self.stdout.write(f"Đã xóa {n} {what}.")
