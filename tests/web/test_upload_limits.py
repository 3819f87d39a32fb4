"""Every upload path keeps to the same limits (register/uploads.py): the register's import
page and jobs, the REST import, class lists and attendance sheets. A file above the size
limit is refused before it is stored, a zip bomb before it is opened, a job refused for
its limits ends refused (never "đang kiểm tra"), and one user runs a bounded number of jobs."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from phocap.attendance import importing as attendance_import
from phocap.register import jobs, uploads, worker
from phocap.register.models import BackgroundTask, ImportJob
from phocap.schools import classlists, services
from phocap.survey.limits import MIB
from phocap.survey.problems import ProblemsFound
from tests.survey.zip_bombs import zip_bomb
from tests.web.import_helpers import commune_csv
from tests.web.test_api import bearer
from tests.web.test_attendance_pages import make_school

Status = ImportJob.Status
SURVEY = Path(__file__).parent.parent / "fixtures" / "survey"


@pytest.fixture(autouse=True)
def own_var(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("bombs")
    return zip_bomb(SURVEY / "vi.xlsx", folder / "bom.xlsx", expanded=200 * MIB,
                    lie=True).read_bytes()


def staff_of(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user("commune_staff", tree["communes"]["03319"])


def checked(user: Any, name: str, content: bytes) -> ImportJob:
    job = jobs.create(user, SimpleUploadedFile(name, content), 2021)
    worker.run_inline(jobs.task(job).pk)  # its check, queued (this test's transaction is open)
    job.refresh_from_db()
    return job


def test_a_zip_bomb_ends_its_job_refused_with_the_file_named(
    tree: dict[str, Any], make_user: Any, bomb: bytes
) -> None:
    job = checked(staff_of(tree, make_user), "bom.xlsx", bomb)
    assert job.status == Status.REFUSED
    assert "Tệp “bom.xlsx” không được mở" in job.message and "bom nén" in job.message


def test_too_many_rows_end_the_job_refused(
    tree: dict[str, Any], make_user: Any, settings: Any
) -> None:
    settings.UPLOAD_MAX_ROWS = 5
    job = checked(staff_of(tree, make_user), "xa-03319.csv", commune_csv())  # 7 people
    assert job.status == Status.REFUSED and "có hơn 5 dòng" in job.message


def test_running_out_of_memory_fails_the_job_with_a_message(
    tree: dict[str, Any], make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exhausted(*args: Any, **kwargs: Any) -> None:
        raise MemoryError

    monkeypatch.setattr(jobs, "validate", exhausted)
    job = checked(staff_of(tree, make_user), "xa-03319.csv", commune_csv())
    assert job.status == Status.FAILED
    assert "cần nhiều bộ nhớ hơn" in job.message and "xa-03319.csv" in job.message


def test_a_file_above_the_size_limit_is_refused_before_it_is_stored(
    tree: dict[str, Any], make_user: Any, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 1024
    staff = staff_of(tree, make_user)
    with pytest.raises(uploads.UploadRefused, match="quá giới hạn 1 KB") as refused:
        jobs.create(staff, SimpleUploadedFile("lon.csv", b"x" * 2048), 2021)
    assert isinstance(refused.value, ProblemsFound)  # shown as every reader's problems are
    assert [(p.code, p.file) for p in refused.value.problems] == [("upload_refused", "lon.csv")]
    assert not ImportJob.objects.exists()

    client = Client()
    client.force_login(staff)
    response = client.post(reverse("import-new"), {
        "file": SimpleUploadedFile("lon.csv", b"x" * 2048), "survey_year": 2021})
    assert response.status_code == 200  # the form again, as for a file of the wrong kind
    assert "Tệp “lon.csv” nặng 2 KB, quá giới hạn 1 KB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_one_user_runs_a_bounded_number_of_jobs(
    tree: dict[str, Any], make_user: Any, settings: Any
) -> None:
    settings.UPLOAD_MAX_RUNNING_JOBS = 2
    staff = staff_of(tree, make_user)
    first = jobs.create(staff, SimpleUploadedFile("mot.csv", commune_csv()), 2021)
    jobs.create(staff, SimpleUploadedFile("hai.csv", commune_csv()), 2021)
    with pytest.raises(uploads.UploadRefused) as refused:
        jobs.create(staff, SimpleUploadedFile("ba.csv", commune_csv()), 2021)
    assert "2 lần nhập chưa xong" in str(refused.value) and "“mot.csv”" in str(refused.value)
    other = make_user("commune_staff", tree["communes"]["03322"])
    assert jobs.create(other, SimpleUploadedFile("ba.csv", commune_csv()), 2021)

    jobs.check(first.pk)  # once one is checked, the next may start
    assert jobs.create(staff, SimpleUploadedFile("ba.csv", commune_csv()), 2021)
    BackgroundTask.objects.filter(status="queued").update(  # checked by a worker that died
        status="running", attempts=1, claimed_by=f"{socket.gethostname()} {ended_process()}")
    assert jobs.create(staff, SimpleUploadedFile("bon.csv", commune_csv()), 2021)


def test_the_rest_import_keeps_to_the_same_limits(
    tree: dict[str, Any], make_user: Any, settings: Any, bomb: bytes
) -> None:
    token = bearer(staff_of(tree, make_user))
    upload = io.BytesIO(bomb)
    upload.name = "bom.xlsx"
    response = Client().post("/api/v1/imports", {"file": upload}, **token)
    assert response.status_code == 422
    assert "bom nén" in response.json()["problems"][0]["message"]

    settings.UPLOAD_MAX_BYTES = 1024
    upload = io.BytesIO(commune_csv())
    upload.name = "xa-03319.csv"
    response = Client().post("/api/v1/imports", {"file": upload}, **token)
    assert response.status_code == 413 and "quá giới hạn 1 KB" in response.json()["detail"]


def test_class_lists_keep_to_the_same_limits(
    surveyed: dict[str, Any], make_user: Any, settings: Any, bomb: bytes, tmp_path: Path
) -> None:
    officer = make_user("commune_staff", surveyed["communes"]["03319"])
    school = services.save_school(officer, surveyed["communes"]["03319"], None, None, {
        "code": "11100LC01", "name": "Trường PTCS Một", "level": "primary_lower_secondary"})
    path = tmp_path / "bom.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(ProblemsFound) as refused:
        classlists.import_file(officer, school, 2021, path, "lop-6a.xlsx")
    [problem] = refused.value.problems
    assert problem.file == "lop-6a.xlsx" and "bom nén" in problem.message

    settings.UPLOAD_MAX_BYTES = 1024
    client = Client()
    client.force_login(officer)
    response = client.post(f"/schools/{school.pk}/class-lists/import/?year=2021",
                           {"file": SimpleUploadedFile("lop.csv", b"x" * 2048)})
    assert response.status_code == 400 and "quá giới hạn 1 KB" in response.content.decode()


def test_attendance_sheets_keep_to_the_same_limits(
    tree: dict[str, Any], make_user: Any, settings: Any, bomb: bytes, tmp_path: Path
) -> None:
    made = make_school(tree["communes"]["03319"], "T1")
    keeper = make_user("school_staff", tree["communes"]["03319"])
    made["teacher"].user = keeper
    made["teacher"].save()
    (tmp_path / "diem-danh.xlsx").write_bytes(bomb)
    with pytest.raises(ProblemsFound) as refused:
        attendance_import.read(keeper, made["school"], tmp_path / "diem-danh.xlsx")
    [problem] = refused.value.problems
    assert problem.file == "diem-danh.xlsx" and "bom nén" in problem.message

    settings.UPLOAD_MAX_ROWS = 2
    rows = "Lớp,STT,Ngày,Trạng thái\n" + "6A,1,06/09/2021,C\n" * 3
    (tmp_path / "diem-danh.csv").write_text(rows, encoding="utf-8")
    with pytest.raises(ProblemsFound) as refused:
        attendance_import.read(keeper, made["school"], tmp_path / "diem-danh.csv")
    assert [p.message for p in refused.value.problems] == [
        "Tệp “diem-danh.csv” có hơn 2 dòng, quá giới hạn cho một lần tải lên. Hãy chia tệp"
        " theo xã hoặc theo thôn rồi tải từng phần."]

    settings.UPLOAD_MAX_BYTES = 1024
    client = Client()
    client.force_login(keeper)
    response = client.post(f"/attendance/schools/{made['school'].pk}/import/",
                           {"file": SimpleUploadedFile("diem-danh.csv", b"x" * 2048)})
    assert response.status_code == 400 and "quá giới hạn 1 KB" in response.content.decode()


def ended_process() -> int:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    return dead.pid


def test_a_job_whose_checking_process_died_ends_failed_at_once(
    tree: dict[str, Any], make_user: Any
) -> None:
    """A worker killed while checking (as the zip bomb's did) left its job "đang kiểm tra"
    for 30 minutes; now the next look at the job sees the process gone, and the check is
    not tried again (it would likely kill the next worker too)."""
    staff = staff_of(tree, make_user)
    dead = ended_process()
    for pid in (dead, os.getpid()):
        job = jobs.create(staff, SimpleUploadedFile(f"{pid}.csv", commune_csv()), 2021)
        ImportJob.objects.filter(pk=job.pk).update(status=Status.VALIDATING)
        BackgroundTask.objects.filter(subject=job.pk).update(
            status="running", attempts=1, claimed_by=f"{socket.gethostname()} {pid}")
    died, alive = (jobs.refresh(job) for job in ImportJob.objects.order_by("pk"))
    assert died.status == Status.FAILED and "bị dừng giữa chừng" in died.message
    assert f"“{dead}.csv”" in died.message
    assert alive.status == Status.VALIDATING  # this process still checks it


def test_checking_leaves_its_task_done(tree: dict[str, Any], make_user: Any) -> None:
    job = checked(staff_of(tree, make_user), "xa-03319.csv", commune_csv())
    assert job.status == Status.PREVIEWED
    assert jobs.task(job).status == BackgroundTask.Status.DONE
