"""Import jobs run in background threads on their own connections; scope decides who sees them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from phocap.register import jobs
from phocap.register.editing import update_person
from phocap.register.models import AuditEntry, ImportJob, PersonYear
from tests.web.import_helpers import commune_csv, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
Status = ImportJob.Status


@pytest.fixture(autouse=True)
def own_var(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


def upload(user: Any, content: bytes, name: str = "xa-03319.csv") -> ImportJob:
    job = jobs.create(user, SimpleUploadedFile(name, content), 2021)
    jobs.start(jobs.check, job).join()
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
    assert not jobs.progress_path(job).exists()

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


def test_a_step_that_died_with_its_process_is_reported_failed(
    tree: dict[str, Any], make_user: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    staff = make_user("commune_staff", tree["communes"]["03319"])
    job = upload(staff, commune_csv())
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.COMMITTING, updated=timezone.now() - dt.timedelta(hours=1))
    job.refresh_from_db()
    assert jobs.refresh(job).status == Status.FAILED
    assert "gián đoạn" in job.message
