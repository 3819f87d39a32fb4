"""A commune's village files imported at once: the ministry's workbooks (several, or a ZIP),
given the uploader's commune, the year chosen and each file's village; previewed village by
village, committed all or nothing, and the same files again change nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from phocap.register import scope
from phocap.register.models import Household, ImportJob, Person, PersonYear
from phocap.survey.official.reading import Context
from tests.survey.official_template import build
from tests.survey.test_official_bad import HEAD, WIFE
from tests.survey.test_official_read import VILLAGES
from tests.web.import_helpers import village_workbooks
from tests.web.test_api import bearer
from tests.web.test_import_pages import moved_to

Status = ImportJob.Status


@pytest.fixture(autouse=True)
def own_var(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path / "var"


def village_files(folder: Path, suffixes: tuple[str, ...] = (".xls", ".xlsx"),
                  text: bool = False) -> list[Path]:
    """The two villages of commune 03319 (seven people), alternately .xls and .xlsx."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = [(v, people) for v, (code, people) in VILLAGES.items() if code == "03319"]
    return [build(folder / f"{i + 1:02d}. {village}{suffixes[i % len(suffixes)]}", people,
                  text=text)
            for i, (village, people) in enumerate(chosen)]


def uploaded(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def zipped(name: str, members: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return SimpleUploadedFile(name, buffer.getvalue())


def post(client: Client, files: list[SimpleUploadedFile], capture: Any,
         **fields: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("import-new"), {"file": files, "survey_year": 2021, **fields})


def imported(client: Client, files: list[SimpleUploadedFile], capture: Any) -> ImportJob:
    response = post(client, files, capture)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = ImportJob.objects.latest("pk")
    job.refresh_from_db()
    return job


def commit(client: Client, job: ImportJob, capture: Any) -> ImportJob:
    with capture(execute=True):
        client.post(reverse("import-commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Status.COMMITTED, job.message
    return job


@pytest.fixture
def staff_client(tree: dict[str, Any], make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("commune_staff", tree["communes"]["03319"]))
    return client


def check_import_then_reimport(client: Client, files: Any, capture: Any) -> None:
    job = imported(client, files(), capture)
    assert job.status == Status.PREVIEWED, job.message
    assert job.preview["new"] == 7 and job.preview["changed"] == 0
    villages = [(v["village"], v["new"], v["changed"], v["unchanged"], v["missing"])
                for v in job.preview["villages"]]
    assert villages == [("Bản Pồn", 4, 0, 0, 0), ("Bản Pá Ngam", 3, 0, 0, 0)]  # files' order
    page = client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert "Nhập 2 tệp (năm điều tra 2021)" in page and "Bản Pá Ngam" in page
    assert "Xã nhập" not in page
    commit(client, job, capture)
    assert PersonYear.objects.count() == 7
    assert Person.objects.filter(household__village__name="Bản Pá Ngam").count() == 3
    people = list(Person.objects.order_by("pk").values())
    years = list(PersonYear.objects.order_by("pk").values())

    again = imported(client, files(), capture)
    assert again.status == Status.PREVIEWED, again.message
    assert (again.preview["new"], again.preview["changed"], again.preview["unchanged"]) == \
        (0, 0, 7)
    again = commit(client, again, capture)
    assert again.result["new"] == 0 and again.result["changed"] == 0
    assert list(Person.objects.order_by("pk").values()) == people
    assert list(PersonYear.objects.order_by("pk").values()) == years


@pytest.mark.parametrize("text", [False, True], ids=["numbers", "text"])
def test_several_official_village_files_preview_commit_and_reimport_nothing(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any, text: bool
) -> None:
    paths = village_files(tmp_path / "files", text=text)
    check_import_then_reimport(staff_client, lambda: [uploaded(p) for p in paths],
                               django_capture_on_commit_callbacks)


def test_a_zip_of_the_village_files_imports_the_same(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    paths = village_files(tmp_path / "files")
    members = {f"Xã 03319/{p.name}": p.read_bytes() for p in paths}
    members["__MACOSX/._x.xls"] = b"junk"
    check_import_then_reimport(staff_client, lambda: [zipped("xa-03319.zip", members)],
                               django_capture_on_commit_callbacks)


def test_the_upload_form_shows_the_commune_and_takes_several_files(
    staff_client: Client
) -> None:
    page = staff_client.get(reverse("import-new")).content.decode()
    assert "Xã nhập" in page and "03319" in page
    assert 'type="file"' in page and "multiple" in page and ".zip" in page


def test_a_single_file_may_name_its_village(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    path = build(tmp_path / "tep-1.xlsx", VILLAGES["Bản Pồn"][1])
    response = post(staff_client, [uploaded(path)], django_capture_on_commit_callbacks,
                    village="Bản Mới")
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    assert job.status == Status.PREVIEWED, job.message
    assert [v["village"] for v in job.preview["villages"] if v["new"]] == ["Bản Mới"]


def test_twenty_villages_are_previewed_one_line_each(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    files = [uploaded(p) for p in village_workbooks(tmp_path / "files")]
    job = imported(staff_client, files, django_capture_on_commit_callbacks)
    assert job.status == Status.PREVIEWED, job.message
    counts = [(v["village"], v["new"]) for v in job.preview["villages"]]
    assert counts == [(f"Bản {i}", 1 + i % 3) for i in range(1, 21)]
    page = staff_client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert "Nhập 20 tệp" in page
    assert all(f"<td>Bản {i}</td>" in page for i in range(1, 21))
    assert '<td>Bản 5</td><td class="num">3</td>' in page


@pytest.mark.parametrize(("members", "said"), [
    ({"../ngoai.xls": b"x"}, "“../ngoai.xls” trỏ ra ngoài thư mục"),
    ({"/etc/ngoai.xls": b"x"}, "“/etc/ngoai.xls” trỏ ra ngoài thư mục"),
    ({"trong.zip": b"PK"}, "“trong.zip” lại là một tệp nén"),
    ({"bom.csv": bytes(3 * 1024 * 1024)}, "phần “bom.csv” bên trong tệp ZIP"),
], ids=["escape", "absolute", "nested", "bomb"])
def test_a_bad_zip_is_refused_before_extraction_naming_the_file(
    staff_client: Client, settings: Any, django_capture_on_commit_callbacks: Any,
    members: dict[str, bytes], said: str
) -> None:
    settings.UPLOAD_MAX_EXPANDED = 2 * 1024 * 1024
    response = post(staff_client, [zipped("xa-03319.zip", members)],
                    django_capture_on_commit_callbacks)
    assert response.status_code == 200
    page = response.content.decode()
    assert "xa-03319.zip" in page and said in page
    assert not ImportJob.objects.exists()
    assert not (Path(settings.VAR_DIR) / "imports").exists() or not any(
        (Path(settings.VAR_DIR) / "imports").rglob("*.*"))


def test_one_bad_cell_in_one_village_file_writes_nothing_and_names_that_file(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    good = village_files(tmp_path / "files")
    bad_people = [dict(p) for p in VILLAGES["Bản Pá Ngam"][1]]
    bad_people[1]["G"] = "X"
    bad = build(tmp_path / "02. Bản Pá Ngam.xlsx", bad_people)
    job = imported(staff_client, [uploaded(good[0]), uploaded(bad)],
                   django_capture_on_commit_callbacks)
    assert job.status == Status.INVALID
    assert job.preview is None and not job.communes.exists()
    assert PersonYear.objects.count() == 0
    page = staff_client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert ('<td>02. Bản Pá Ngam.xlsx</td><td>MauNhapLieu</td><td class="num">6</td>\n'
            "        <td>G (Năm sinh)</td><td>X</td>") in page
    report = staff_client.get(reverse("import-report", args=[job.pk]))
    assert f"bao-cao-nhap-{job.pk}.xlsx" in report["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    # The problems, then the faulty row copied from the one file that has it.
    assert book.sheetnames == ["Lỗi và cảnh báo", "1. 02. Bản Pá Ngam"]
    assert [c.value for c in book["1. 02. Bản Pá Ngam"]["A"]] == ["Dòng", 6]


def test_another_communes_file_among_them_is_refused_before_validation(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    paths = village_files(tmp_path / "files")
    foreign = SimpleUploadedFile("xa-khac.csv", moved_to("03322"))
    job = imported(staff_client, [*(uploaded(p) for p in paths), foreign],
                   django_capture_on_commit_callbacks)
    assert job.status == Status.REFUSED
    assert "03322 (commune 03322)" in job.message and "03319" not in job.message
    assert job.preview is None and job.rows == 0 and not job.report_path


def test_the_scope_check_sees_the_commune_given_to_the_ministrys_workbooks(
    tree: dict[str, Any], make_user: Any, tmp_path: Path
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    paths = village_files(tmp_path / "files")
    scope.refuse_foreign_upload(staff, paths, 2021, context=Context(commune_code="03319"))
    with pytest.raises(scope.OutOfScope, match="03322"):
        scope.refuse_foreign_upload(staff, paths, 2021, context=Context(commune_code="03322"))


def test_the_same_file_twice_is_one_file_and_two_files_of_one_name_are_refused(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = village_files(tmp_path / "files")
    job = imported(staff_client, [uploaded(first), uploaded(first), uploaded(second)],
                   django_capture_on_commit_callbacks)
    assert job.status == Status.PREVIEWED and job.preview["new"] == 7
    assert job.file_name == f"{first.name}, {second.name}"
    other = SimpleUploadedFile(first.name, second.read_bytes())
    response = post(staff_client, [uploaded(first), other], django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert f"Có hai tệp khác nhau cùng tên “{first.name}”" in response.content.decode()
    assert ImportJob.objects.count() == 1


# --- the same files through the REST API ---------------------------------------------------

def api_post(staff: Any, files: list[SimpleUploadedFile], **fields: Any) -> Any:
    return Client().post("/api/v1/imports", {"file": files, **fields}, **staff)


@pytest.fixture
def api_staff(tree: dict[str, Any], make_user: Any) -> dict[str, str]:
    return bearer(make_user("commune_staff", tree["communes"]["03319"]))


@pytest.mark.parametrize("as_zip", [False, True], ids=["files", "zip"])
def test_the_api_imports_a_communes_village_files_with_their_context(
    api_staff: dict[str, str], tmp_path: Path, as_zip: bool
) -> None:
    paths = village_files(tmp_path / "files")

    def files() -> list[SimpleUploadedFile]:
        if as_zip:
            return [zipped("xa-03319.zip", {p.name: p.read_bytes() for p in paths})]
        return [uploaded(p) for p in paths]

    done = api_post(api_staff, files(), survey_year=2021)
    assert done.status_code == 200, done.content
    assert (done.json()["survey_year"], done.json()["new"]) == (2021, 7)
    assert PersonYear.objects.filter(survey_year=2021).count() == 7
    assert Person.objects.filter(household__village__name="Bản Pá Ngam").count() == 3
    years = list(PersonYear.objects.order_by("pk").values())
    again = api_post(api_staff, files(), survey_year=2021, commune="03319")
    assert again.status_code == 200, again.content
    assert (again.json()["new"], again.json()["changed"], again.json()["unchanged"]) == (0, 0, 7)
    assert list(PersonYear.objects.order_by("pk").values()) == years


def test_the_api_takes_the_village_of_a_single_file(
    api_staff: dict[str, str], tmp_path: Path
) -> None:
    path = build(tmp_path / "tep-1.xls", VILLAGES["Bản Pá Ngam"][1])
    done = api_post(api_staff, [uploaded(path)], survey_year=2021, village="Bản Mới")
    assert done.status_code == 200, done.content
    assert Person.objects.filter(household__village__name="Bản Mới").count() == 3
    assert not Person.objects.filter(household__village__name="tep-1").exists()
    paths = village_files(tmp_path / "files")
    refused = api_post(api_staff, [uploaded(p) for p in paths], survey_year=2021,
                       village="Bản Mới")
    assert refused.status_code == 422
    assert "chỉ dùng khi gửi một tệp" in refused.json()["problems"][0]["message"]


def test_the_api_says_what_the_ministrys_files_lack_and_writes_nothing(
    api_staff: dict[str, str], tmp_path: Path
) -> None:
    paths = village_files(tmp_path / "files")
    response = api_post(api_staff, [uploaded(p) for p in paths])
    assert response.status_code == 422
    assert "official_year_missing" in {p["code"] for p in response.json()["problems"]}
    bad_people = [dict(p) for p in VILLAGES["Bản Pá Ngam"][1]]
    bad_people[1]["G"] = "X"
    bad = build(tmp_path / "02. Bản Pá Ngam.xlsx", bad_people)
    response = api_post(api_staff, [uploaded(paths[0]), uploaded(bad)], survey_year=2021)
    assert response.status_code == 422
    problem = next(p for p in response.json()["problems"] if p["severity"] == "error")
    assert (problem["file"], problem["sheet"], problem["row"], problem["header"],
            problem["value"]) == ("02. Bản Pá Ngam.xlsx", "MauNhapLieu", 6, "G (Năm sinh)", "X")
    assert not PersonYear.objects.exists() and not ImportJob.objects.exists()


def test_the_api_refuses_the_files_for_a_commune_not_the_callers(
    api_staff: dict[str, str], tmp_path: Path
) -> None:
    paths = village_files(tmp_path / "files")
    response = api_post(api_staff, [uploaded(p) for p in paths], survey_year=2021,
                        commune="03322")
    assert response.status_code == 403 and "03322" in response.json()["detail"]
    assert not PersonYear.objects.exists()


# Each bad input of the issue, on the import page: named at its cell, and nothing written.
BAD_INPUTS = {
    "shifted column": ([HEAD, WIFE], {"insert_at": "H"}, 2, "H (Nữ)", "Tuổi"),
    "X in a year cell": ([{**HEAD, "W": "THCS", "Y": "X"}], {}, 5, "Y (Năm tốt nghiệp)", "X"),
    "31 February": ([HEAD, {**WIFE, "E": 31, "F": 2, "G": 2000}], {}, 6,
                    "E–G (Ngày, Tháng, Năm sinh)", "31/2/2000"),
    "no head": ([{**HEAD, "AV": "Chồng"}, WIFE], {}, 5, "AV (Quan hệ với chủ hộ)", "1"),
    "two heads": ([HEAD, {**WIFE, "AV": "Chủ hộ"}], {}, 6, "AV (Quan hệ với chủ hộ)", "Chủ hộ"),
    "no such household": ([HEAD, WIFE, {**WIFE, "D": "Hoa", "O": "7", "AV": "Con"}], {}, 7,
                          "O (Số phiếu)", "7"),
    "unknown Khối học": ([HEAD, {**WIFE, "G": 2012, "R": "Lớp năm"}], {}, 6, "R (Khối học)",
                         "Lớp năm"),
    "school year backwards": ([{**HEAD, "AE": 7, "AF": "2024-2023"}], {}, 5,
                              "AF (Bỏ học – Năm)", "2024-2023"),
}


@pytest.mark.parametrize(("people", "options", "row", "header", "value"),
                         list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_each_bad_input_is_named_on_the_page_and_nothing_is_written(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any,
    people: list[dict[str, object]], options: dict[str, Any], row: int, header: str,
    value: str
) -> None:
    held = (Household.objects.count(), Person.objects.count(), PersonYear.objects.count())
    path = build(tmp_path / "03. Bản Cang.xls", people, **options)
    job = imported(staff_client, [uploaded(path)], django_capture_on_commit_callbacks)
    assert job.status == Status.INVALID, job.message
    assert job.preview is None and not job.communes.exists()
    assert (Household.objects.count(), Person.objects.count(),
            PersonYear.objects.count()) == held
    page = staff_client.get(reverse("import-detail", args=[job.pk])).content.decode()
    assert (f'<td>03. Bản Cang.xls</td><td>MauNhapLieu</td><td class="num">{row}</td>\n'
            f"        <td>{header}</td><td>{value}</td>") in page
