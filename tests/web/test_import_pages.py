"""Import pages: upload, validation table and XLSX report, preview, commit, progress, scope."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from phocap.register import background
from phocap.register.models import AuditEntry, BackgroundTask, ImportJob, PersonYear
from tests.web.import_helpers import commune_csv

Status = ImportJob.Status


@pytest.fixture(autouse=True)
def own_var(settings: Any, tmp_path: Any) -> None:
    """Background tasks run in the test's own thread when its on-commit callbacks run
    (JOBS_INLINE, tests/settings.py): its transaction is visible to no other connection."""
    settings.VAR_DIR = tmp_path


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, content: bytes, capture: Any) -> ImportJob:
    with capture(execute=True):
        response = client.post(reverse("import-new"), {
            "file": SimpleUploadedFile("xa-03319.csv", content), "survey_year": 2021})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == reverse("import-detail", args=[job.pk])
    return job


def test_upload_preview_commit_in_the_browser(
    tree: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    client = signed_in(staff)
    page = client.get(reverse("import-new")).content.decode()
    assert "Năm điều tra" in page and 'type="file"' in page
    job = upload(client, commune_csv(), django_capture_on_commit_callbacks)

    page = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert "Xem trước các thay đổi" in page
    assert "Ghi vào sổ</button>" in page and "csrfmiddlewaretoken" in page
    # The register holds person 1 of household 0001 already, without a 2021
    # record: all seven people get one, so all seven count as new.
    assert '<th>Người mới</th><td class="num">7</td>' in page
    assert '<th>Không đổi</th><td class="num">0</td>' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import-commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.COMMITTED, job.message
    page = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert "Đã ghi vào sổ lúc" in page and "7 người mới" in page
    assert PersonYear.objects.count() == 7
    assert "xa-03319.csv" in client.get(reverse("import-list")).content.decode()


def test_changes_are_previewed_field_by_field_and_missing_people_listed(
    tree: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    client = signed_in(staff)
    first = upload(client, commune_csv(), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import-commit", args=[first.pk]))
    # Row 4 (person 3 of household 0001) moves up from class 3*! to 5; row 8 is left out.
    edited = commune_csv({(4, "current_class"): "5"}).decode().splitlines()
    shorter = "\n".join(edited[:-1]).encode() + b"\n"
    job = upload(client, shorter, django_capture_on_commit_callbacks)
    assert job.preview["changed"] == 1 and job.preview["missing"] == 1
    page = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert "Lớp đang học: <del>3*!</del> → <ins>5</ins>" in page
    assert "không bị xóa" in page and "Giàng A Dình" in page


def test_a_bad_cell_is_shown_in_a_table_and_highlighted_in_the_xlsx_report(
    tree: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    client = signed_in(staff)
    job = upload(client, commune_csv({(3, "birth_date"): "2030"}),
                 django_capture_on_commit_callbacks)
    assert job.status == Status.INVALID
    page = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert "Kết quả kiểm tra" in page and "<td>2030</td>" in page and "Lỗi" in page
    assert "Ghi vào sổ</button>" not in page

    response = client.get(reverse("import-report", args=[job.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    logged = AuditEntry.objects.get(action="export", user=staff)
    assert (logged.commune.code, logged.after["import_job"]) == ("03319", job.pk)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    problems = workbook.worksheets[0]
    assert any(row[2] == 3 and row[4] == "2030" for row in problems.iter_rows(values_only=True))
    copied = workbook.worksheets[1]
    header = [c.value for c in copied[1]]
    bad = copied.cell(row=2, column=header.index("birth_date") + 1)
    assert copied.cell(row=2, column=1).value == 3  # the file's row
    assert bad.value == "2030"
    assert bad.fill.fgColor.rgb.endswith("F4B6B6")  # red: an error
    message = next(row[6] for row in problems.iter_rows(values_only=True) if row[2] == 3)
    assert bad.comment is not None and bad.comment.text == message


def test_progress_fragment_polls_while_running_and_reloads_when_done(
    tree: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    client = signed_in(staff)
    job = upload(client, commune_csv(), django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.COMMITTING)
    task = BackgroundTask.objects.create(kind="import-commit", subject=job.pk, status="queued")
    fragment = client.get(reverse("import-progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "Đang chờ máy chủ nhận việc" in fragment.content.decode()  # no worker took it yet
    BackgroundTask.objects.filter(pk=task.pk).update(  # this process's worker wrote 3 of 7
        status="running", claimed_by=background.me(), progress_done=3, progress_total=7)
    url = reverse("import-progress", args=[job.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert '<progress max="7" value="3">' in text
    assert 'hx-trigger="every 1s"' in text and "HX-Refresh" not in fragment
    ImportJob.objects.filter(pk=job.pk).update(status=Status.COMMITTED)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and "every 1s" not in done.content.decode()


def test_other_users_get_404_and_reviewers_read_but_never_commit(
    tree: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    communes, (district, other_district) = tree["communes"], tree["districts"]
    staff = make_user("commune_staff", communes["03319"])
    job = upload(signed_in(staff), commune_csv(), django_capture_on_commit_callbacks)
    names = ("import-detail", "import-progress", "import-report")
    for outsider in (make_user("commune_staff", communes["03322"]),
                     make_user("district_reviewer", other_district)):
        client = signed_in(outsider)
        for name in names:
            assert client.get(reverse(name, args=[job.pk])).status_code == 404
        assert client.post(reverse("import-commit", args=[job.pk])).status_code == 404
    reviewer = signed_in(make_user("district_reviewer", district))
    page = reviewer.get(reverse("import-detail", args=[job.pk]))
    assert page.status_code == 200 and "Ghi vào sổ</button>" not in page.content.decode()
    assert reviewer.post(reverse("import-commit", args=[job.pk])).status_code == 403
    assert reviewer.get(reverse("import-new")).status_code == 403
    job.refresh_from_db()
    assert job.status == Status.PREVIEWED and not PersonYear.objects.exists()
    assert signed_in(staff).get(reverse("import-detail", args=[job.pk])).status_code == 200
    assert Client().get(reverse("import-list")).status_code == 302  # to the login page


def test_only_survey_files_are_accepted(tree: dict[str, Any], make_user: Any) -> None:
    client = signed_in(make_user("commune_staff", tree["communes"]["03319"]))
    response = client.post(reverse("import-new"), {
        "file": SimpleUploadedFile("anh.png", b"\x89PNG"), "survey_year": 2021})
    assert response.status_code == 200
    assert "Chỉ nhận tệp .csv, .xlsx, .xls, .parquet" in response.content.decode()
    assert not ImportJob.objects.exists()


# Province and district codes of each commune of the tree, as a survey file writes them.
PLACES = {"03322": ("11", "100"), "03370": ("11", "101"), "00001": ("01", "001")}


def moved_to(code: str, rows: range = range(2, 9)) -> bytes:
    """The 03319 file with ``rows`` rewritten to another commune of the tree."""
    province, district = PLACES[code]
    return commune_csv({(row, key): value for row in rows for key, value in (
        ("province_code", province), ("district_code", district), ("commune_code", code))})


@pytest.mark.parametrize("code", ["03322", "03370", "00001"], ids=["sibling", "other-district",
                                                                  "other-province"])
def test_a_file_of_another_commune_is_refused_before_validation_and_preview(
    surveyed: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any,
    code: str
) -> None:
    """The preview compared the file with that commune's register and listed its people with
    their current values; now nothing of the file is checked and nothing of the register read."""
    staff = make_user("commune_staff", surveyed["communes"]["03319"])
    client = signed_in(staff)
    job = upload(client, moved_to(code), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Status.REFUSED
    assert f"{code} (commune {code})" in job.message
    assert job.preview is None and job.rows == 0 and not job.report_path
    assert not job.communes.exists()
    page = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert f"{code} (commune {code})" in page
    assert surveyed["people"][code].full_name not in page
    assert client.get(reverse("import-report", args=[job.pk])).status_code == 404


def test_one_foreign_row_refuses_the_file_and_names_only_that_commune(
    surveyed: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(make_user("commune_staff", surveyed["communes"]["03319"]))
    job = upload(client, moved_to("03370", range(8, 9)), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Status.REFUSED and job.preview is None
    assert "03370 (commune 03370)" in job.message and "03319" not in job.message


def test_viewing_a_preview_is_a_logged_read_of_personal_data(
    surveyed: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Person 1 of household 0001 has a 2021 record under another name: the preview shows
    the register's name beside the file's, and every reader of that page is logged."""
    commune = surveyed["communes"]["03319"]
    staff = make_user("commune_staff", commune)
    job = upload(signed_in(staff), commune_csv(), django_capture_on_commit_callbacks)
    reviewer = make_user("district_reviewer", surveyed["districts"][0])
    for user in (staff, reviewer):
        page = signed_in(user).get(reverse("import-detail", args=[job.pk])).content.decode()
        assert "Người 03319" in page
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, user=user).get()
        assert entry.commune == commune
        assert entry.after["import_job"] == job.pk and entry.after["preview"] is True
    signed_in(staff).get(reverse("import-progress", args=[job.pk]))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 2


def test_an_xlsx_whose_commune_cells_are_numbers_is_the_officers_own(
    tree: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Excel drops the leading zero of 03319; the scope reads the code as validation does."""
    import polars as pl

    frame = pl.read_csv(io.BytesIO(commune_csv()), infer_schema=False).with_columns(
        pl.col("commune_code").cast(pl.Int32))
    buffer = io.BytesIO()
    frame.write_excel(buffer)
    client = signed_in(make_user("commune_staff", tree["communes"]["03319"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import-new"), {
            "file": SimpleUploadedFile("xa-03319.xlsx", buffer.getvalue()), "survey_year": 2021})
    job = ImportJob.objects.get()
    assert job.status == Status.PREVIEWED, job.message
    assert [c.code for c in job.communes.all()] == ["03319"]
