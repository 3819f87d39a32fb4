"""``manage.py cleanup``: what has outlived its use goes, what the audit needs stays."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from phocap.accounts import tokens
from phocap.accounts.models import ApiToken, LoginThrottle, TotpDevice
from phocap.register import jobs
from phocap.register.models import ImportJob

Status = ImportJob.Status


def cleanup(days: int = 30) -> str:
    out = io.StringIO()
    call_command("cleanup", days=days, stdout=out)
    return out.getvalue()


def test_expired_sessions_go_and_live_ones_stay(db: Any) -> None:
    live, dead = SessionStore(), SessionStore()
    live.create()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert "Đã xóa 1 phiên đăng nhập hết hạn." in cleanup()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_expired_tokens_go_and_valid_ones_still_work(tree: Any, make_user: Any) -> None:
    user = make_user("commune_staff", tree["communes"]["03319"])
    valid, spent = tokens.issue(user), tokens.issue(user)
    ApiToken.objects.filter(key_hash=tokens._digest(spent)).update(
        expires=timezone.now() - dt.timedelta(minutes=1))
    assert "Đã xóa 1 mã truy cập API hết hạn." in cleanup()
    assert ApiToken.objects.count() == 1 and tokens.user_for(valid) == user


def test_throttle_counters_past_their_window_go(db: Any, settings: Any) -> None:
    now = timezone.now()
    LoginThrottle.objects.create(key="global", started=now - dt.timedelta(minutes=2), count=3)
    LoginThrottle.objects.create(key="address:10.0.0.1", count=5,
                                 started=now - dt.timedelta(seconds=settings.LOGIN_WINDOW + 1))
    assert "Đã xóa 1 bộ đếm đăng nhập cũ." in cleanup()
    assert list(LoginThrottle.objects.values_list("key", flat=True)) == ["global"]


def test_second_factor_secrets_never_confirmed_go_after_a_day(tree: Any,
                                                              make_user: Any) -> None:
    abandoned = make_user("province_admin", tree["province"])
    confirmed = make_user("province_reviewer", tree["province"])
    fresh = make_user("ministry_viewer", None)
    for user in (abandoned, confirmed, fresh):
        TotpDevice.objects.create(user=user, secret="GEZDGNBVGY3TQOJQ")
    TotpDevice.objects.exclude(user=fresh).update(created=timezone.now() - dt.timedelta(days=2))
    TotpDevice.objects.filter(user=confirmed).update(confirmed=timezone.now())
    cleanup()
    assert set(TotpDevice.objects.values_list("user__username", flat=True)) == {
        confirmed.username, fresh.username}


def job_with_files(user: Any, status: str, days_ago: float) -> tuple[ImportJob, Path]:
    """A job as jobs.check leaves it: the upload, the typed records, the report and the
    problems, finished ``days_ago``."""
    job = ImportJob.objects.create(user=user, unit=user.unit, file_name="xa.csv",
                                   survey_year=2021, status=status)
    folder = jobs.folder(job)
    folder.mkdir(parents=True)
    for name in ("xa.csv", "records.parquet", "bao-cao-kiem-tra.xlsx", "problems.parquet",
                 "progress"):
        (folder / name).write_bytes(b"x")
    ImportJob.objects.filter(pk=job.pk).update(
        path=str(folder / "xa.csv"), report_path=str(folder / "bao-cao-kiem-tra.xlsx"),
        updated=timezone.now() - dt.timedelta(days=days_ago))
    job.refresh_from_db()
    return job, folder


def test_import_files_of_old_finished_jobs_go_and_reports_stay(
        tree: Any, make_user: Any, settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    user = make_user("commune_staff", tree["communes"]["03319"])
    old_done = {status: job_with_files(user, status, 31)
                for status in (Status.COMMITTED, Status.INVALID, Status.FAILED, Status.REFUSED)}
    _recent, recent_folder = job_with_files(user, Status.COMMITTED, 29)
    _waiting, waiting_folder = job_with_files(user, Status.PREVIEWED, 60)
    orphan = tmp_path / "imports" / "999999"
    orphan.mkdir()
    (orphan / "xa.csv").write_bytes(b"x")
    long_ago = (timezone.now() - dt.timedelta(days=40)).timestamp()
    os.utime(orphan, (long_ago, long_ago))

    out = cleanup(days=30)
    assert f"Đã xóa {4 * 3 + 1} tệp và thư mục nhập liệu." in out
    everything = {"xa.csv", "records.parquet", "bao-cao-kiem-tra.xlsx", "problems.parquet",
                  "progress"}
    for _job, folder in old_done.values():
        assert {p.name for p in folder.iterdir()} == {"bao-cao-kiem-tra.xlsx", "problems.parquet"}
    assert {p.name for p in recent_folder.iterdir()} == everything
    assert {p.name for p in waiting_folder.iterdir()} == everything
    assert not orphan.exists()
    # Every job row stays, with what it recorded.
    assert ImportJob.objects.count() == 6
    assert ImportJob.objects.get(pk=old_done[Status.COMMITTED][0].pk).file_name == "xa.csv"


@pytest.mark.parametrize("days", [0, 7])
def test_the_days_are_the_operators_choice(tree: Any, make_user: Any, settings: Any,
                                           tmp_path: Path, days: int) -> None:
    settings.VAR_DIR = tmp_path
    user = make_user("commune_staff", tree["communes"]["03319"])
    _job, folder = job_with_files(user, Status.COMMITTED, 3)
    cleanup(days=days)
    assert (folder / "xa.csv").exists() == (days == 7)


def test_background_tasks_ended_long_ago_go_and_others_stay(db: Any) -> None:
    from phocap.register.models import BackgroundTask

    now = timezone.now()
    for status, days in (("done", 31), ("failed", 31), ("done", 29), ("queued", None),
                         ("running", None)):
        BackgroundTask.objects.create(
            kind="import-check", subject=1, status=status,
            finished=now - dt.timedelta(days=days) if days is not None else None)
    assert "Đã xóa 2 việc nền đã xong." in cleanup(days=30)
    assert sorted(BackgroundTask.objects.values_list("status", flat=True)) == [
        "done", "queued", "running"]
