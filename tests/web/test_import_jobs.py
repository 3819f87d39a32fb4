"""Import jobs run as background tasks (inline in the suite: tests/settings.py); scope decides
who sees them; a task whose worker died ends its job failed, or runs again."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from phocap.register import jobs
from phocap.register.editing import update_person
from phocap.register.models import AuditEntry, BackgroundTask, ImportJob, PersonYear
from tests.web.import_helpers import commune_csv, wait_for

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("file_villages")]  # the files' household 0001: the tree's
Status = ImportJob.Status


@pytest.fixture(autouse=True)
def own_var(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


def upload(user: Any, content: bytes, name: str = "xa-03319.csv") -> ImportJob:
    job = jobs.create(user, SimpleUploadedFile(name, content), 2021)  # checked once queued
    job.refresh_from_db()
    return job


def test_a_file_is_checked_previewed_and_committed_in_the_background(
    tree: dict[str, Any], make_user: Any
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    job = upload(staff, commune_csv())
    assert job.status == Status.PREVIEWED, job.message
    assert (job.rows, job.errors) == (7, 0)
    assert {k: job.preview[k] for k in ("new", "changed", "unchanged", "missing")} == {
        "new": 7, "changed": 0, "unchanged": 0, "missing": 0}
    assert [c.code for c in job.communes.all()] == ["03319"]
    assert jobs.committable(staff, job)

    assert jobs.request_commit(staff, job)
    assert not jobs.request_commit(staff, job)  # a second click finds it taken
    job = wait_for(job)
    assert job.status == Status.COMMITTED, job.message
    assert job.result == {"new": 7, "changed": 0, "unchanged": 0, "missing": 0}
    assert (job.progress_done, job.progress_total) == (7, 7)
    assert PersonYear.objects.filter(survey_year=2021).count() == 7
    assert jobs.task(job).status == BackgroundTask.Status.DONE

    entries = AuditEntry.objects.count()
    again = upload(staff, commune_csv())
    assert (again.preview["new"], again.preview["unchanged"]) == (0, 7)
    assert jobs.request_commit(staff, again)
    assert wait_for(again).status == Status.COMMITTED
    assert AuditEntry.objects.count() == entries  # re-importing the same file writes nothing


def test_a_file_with_errors_stops_at_validation_with_its_report(
    tree: dict[str, Any], make_user: Any
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    job = upload(staff, commune_csv({(3, "birth_date"): "2030"}))
    assert job.status == Status.INVALID
    assert job.errors >= 1 and "có lỗi" in job.message
    assert job.report_path.endswith(".xlsx")
    assert not jobs.committable(staff, job)
    assert not jobs.request_commit(staff, job)
    assert not PersonYear.objects.exists()


def test_jobs_are_seen_by_their_owner_and_the_reviewers_above_only(
    tree: dict[str, Any], make_user: Any
) -> None:
    communes, (district, other_district) = tree["communes"], tree["districts"]
    staff = make_user("commune_staff", communes["03319"])
    job = upload(staff, commune_csv())
    neighbour = make_user("commune_staff", communes["03322"])
    reviewer = make_user("district_reviewer", district)
    outsider = make_user("district_reviewer", other_district)
    province = make_user("province_reviewer", tree["province"])
    school = make_user("school_staff", communes["03319"])
    assert list(jobs.visible_jobs(staff)) == [job]
    assert list(jobs.visible_jobs(reviewer)) == [job]
    assert list(jobs.visible_jobs(province)) == [job]
    for user in (neighbour, outsider, school):
        assert not jobs.visible_jobs(user).exists()
    for user in (reviewer, province, neighbour):
        assert not jobs.committable(user, job)
        assert not jobs.request_commit(user, job)
    job.refresh_from_db()
    assert job.status == Status.PREVIEWED


def test_an_edit_after_the_preview_makes_the_job_refused_and_keeps_the_edit(
    tree: dict[str, Any], make_user: Any
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    job = upload(staff, commune_csv())
    person = tree["people"]["03319"]
    update_person(staff, person.pk, 1, {"full_name": "Sửa trong lúc chờ"})
    assert jobs.request_commit(staff, job)
    job = wait_for(job)
    assert job.status == Status.REFUSED
    assert "hãy xem trước lại" in job.message
    person.refresh_from_db()
    assert person.full_name == "Sửa trong lúc chờ"
    assert not PersonYear.objects.exists()


def test_a_file_of_a_commune_missing_from_the_register_is_refused_before_validation(
    tree: dict[str, Any], make_user: Any
) -> None:
    # 03323 is an official commune of district 100, but not in this register's units.
    staff = make_user("commune_staff", tree["communes"]["03319"])
    job = upload(staff, commune_csv({(r, "commune_code"): "03323" for r in range(2, 9)}))
    assert job.status == Status.REFUSED
    assert "03323" in job.message and "không có trong danh mục đơn vị" in job.message
    assert job.preview is None and not job.report_path  # refused before validation


def dead_pid() -> int:
    """The number of a process that has ended."""
    import subprocess
    import sys

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def test_a_commit_whose_last_worker_died_is_reported_failed(
    tree: dict[str, Any], make_user: Any
) -> None:
    import socket

    staff = make_user("commune_staff", tree["communes"]["03319"])
    job = upload(staff, commune_csv())
    ImportJob.objects.filter(pk=job.pk).update(status=Status.COMMITTING)
    # The commit's second worker (COMMIT.attempts) died after writing 2 of 7 records.
    BackgroundTask.objects.create(
        kind="import-commit", subject=job.pk, status="running", attempts=2,
        claimed_by=f"{socket.gethostname()} {dead_pid()}", progress_done=2, progress_total=7)
    job.refresh_from_db()
    assert jobs.refresh(job).status == Status.FAILED
    assert "gián đoạn sau 2/7 bản ghi" in job.message and "đã được hoàn tác" in job.message
    assert jobs.task(job).status == BackgroundTask.Status.FAILED
    assert not PersonYear.objects.exists()
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert "gián đoạn sau 2/7 bản ghi" in page and "Đang chờ máy chủ" not in page


def test_a_commit_whose_first_worker_stopped_beating_elsewhere_waits_for_another(
    tree: dict[str, Any], make_user: Any, settings: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    staff = make_user("commune_staff", tree["communes"]["03319"])
    job = upload(staff, commune_csv())
    ImportJob.objects.filter(pk=job.pk).update(status=Status.COMMITTING)
    settings.JOBS_STALE_SECONDS = 30
    beat = timezone.now() - dt.timedelta(seconds=20)
    task = BackgroundTask.objects.create(
        kind="import-commit", subject=job.pk, status="running", attempts=1,
        claimed_by="another-host 4242", heartbeat_at=beat)
    job.refresh_from_db()
    assert jobs.refresh(job).status == Status.COMMITTING  # 20 s without a beat: still alive
    assert not jobs.waiting(job)
    BackgroundTask.objects.filter(pk=task.pk).update(heartbeat_at=beat - dt.timedelta(seconds=11))
    assert jobs.refresh(job).status == Status.COMMITTING  # 31 s: dead, and queued again
    assert jobs.waiting(job)
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == ("queued", "")
