"""The reconciliation page: the ministry's figures typed or uploaded, kept, audited, refused
for a frozen year, and the people behind a difference named within the user's scope.

Commune 03319 of the `tree` fixture, survey year 2021: the tree's person (born 2010, grade 5)
and Lò Thị Khuyết (born 2010, grade 5, disabled and able to study). phocap counts both in
PPC at age 11 (TH-M1 row "Số trẻ phải phổ cập", column 11 tuổi): 2. The ministry's system
removes every disabled person from PPC, so it reports 2 − 1 = 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from phocap.recognition.models import Dossier
from phocap.register.models import AuditEntry, Household, MinistryFigures, Person, PersonYear
from tests.web.problem_rows import problem_rows

# The forms and the people behind them are read through their own connection to the
# database, which sees committed data only.
pytestmark = pytest.mark.django_db(transaction=True)
YEAR = 2021
URL = "/units/{pk}/forms/TH-M1/reconcile/?year=2021"


@pytest.fixture
def commune(surveyed: dict[str, Any]) -> Any:
    commune = surveyed["communes"]["03319"]
    household = Household.objects.get(commune=commune)
    disabled = Person.objects.create(household=household, person_no=2,
                                     full_name="Lò Thị Khuyết", birth_year=2010, sex="nữ")
    PersonYear.objects.create(person=disabled, survey_year=YEAR, current_class="5",
                              class_level="primary", class_grade=5, disability="học được")
    return commune


def client_for(make_user: Any, role: str, unit: Any) -> Client:
    client = Client()
    client.force_login(make_user(role, unit))
    return client


def test_typed_figures_are_kept_audited_and_explained_by_name(commune: Any,
                                                               make_user: Any) -> None:
    staff = client_for(make_user, "commune_staff", commune)
    url = URL.format(pk=commune.pk)
    page = staff.get(url).content.decode()
    assert 'name="c:in_scope:a11"' in page and 'placeholder="2"' in page  # phocap's as hint
    assert "Lò Thị Khuyết" not in page  # nothing entered, nobody named

    response = staff.post(url, {"c:in_scope:a11": "1", "c:total:a11": "2"})
    assert response.status_code == 302
    kept = MinistryFigures.objects.get(unit=commune, survey_year=YEAR, form_code="TH-M1")
    assert kept.cells == {"in_scope": {"a11": 1}, "total": {"a11": 2}}
    created = AuditEntry.objects.get(model="ministryfigures", object_id=kept.pk)
    assert (created.action, created.commune_id, created.after["cells"]) == (
        "create", commune.pk, kept.cells)

    page = staff.get(url).content.decode()
    disabled = Person.objects.get(full_name="Lò Thị Khuyết")
    assert "Đã đối chiếu 2 ô; 1 ô khác nhau, trong đó 1 ô được giải thích trọn vẹn" in page
    assert "Khuyết tật có khả năng học tập" in page
    assert f'href="/persons/{disabled.pk}/?year={YEAR}">Lò Thị Khuyết</a>' in page
    assert "phocap tính, Bộ không tính" in page
    assert 'value="1"' in page  # the form reopens with the ministry's figures
    read = AuditEntry.objects.filter(action="export", commune=commune).get()
    assert read.after == {"year": YEAR, "form": "TH-M1", "rows": 1, "page": "reconcile"}

    staff.post(url, {"c:in_scope:a11": "2"})
    kept.refresh_from_db()
    assert kept.cells == {"in_scope": {"a11": 2}}
    assert AuditEntry.objects.filter(model="ministryfigures", action="update").count() == 1
    log = staff.get(f"/units/{commune.pk}/audit/").content.decode()
    assert f'số liệu của Bộ: <a href="{url.split("?")[0]}?year={YEAR}">TH-M1</a> 2021' in log


def test_a_word_typed_in_a_cell_is_refused_naming_row_column_and_value(
        commune: Any, make_user: Any) -> None:
    staff = client_for(make_user, "commune_staff", commune)
    response = staff.post(URL.format(pk=commune.pk), {"c:in_scope:a11": "một"})
    assert response.status_code == 400
    assert problem_rows(response.content.decode()) == [
        ("", "", "", "Độ tuổi – năm sinh – 11 tuổi – Sinh năm 2010", "một",
         "Dòng “Số trẻ phải phổ cập”: cần số người: một số nguyên không âm, hoặc để trống.")]
    assert not MinistryFigures.objects.exists()


def test_a_district_page_counts_the_people_without_naming_them(commune: Any,
                                                                make_user: Any) -> None:
    """Figures entered for the district (here directly) are compared like a commune's; the
    people are counted, their names are on the commune's page only."""
    district = commune.parent
    MinistryFigures.objects.create(unit=district, survey_year=YEAR, form_code="TH-M1",
                                   cells={"in_scope": {"a11": 1}})
    reviewer = client_for(make_user, "district_reviewer", district)
    page = reviewer.get(URL.format(pk=district.pk)).content.decode()
    assert "Khuyết tật có khả năng học tập" in page
    assert "1 người; xem tên trên trang đối chiếu của từng xã." in page
    assert "Lò Thị Khuyết" not in page
    assert not AuditEntry.objects.filter(action="export").exists()
    assert reviewer.post(URL.format(pk=district.pk), {"c:in_scope:a11": "3"}).status_code == 403


def test_another_commune_s_reconciliation_does_not_exist(commune: Any, make_user: Any,
                                                          surveyed: dict[str, Any]) -> None:
    sibling = surveyed["communes"]["03322"]
    MinistryFigures.objects.create(unit=commune, survey_year=YEAR, form_code="TH-M1",
                                   cells={"in_scope": {"a11": 1}})
    other = client_for(make_user, "commune_staff", sibling)
    response = other.get(URL.format(pk=commune.pk))
    assert response.status_code == 404
    assert "Lò Thị Khuyết" not in response.content.decode()
    assert other.post(URL.format(pk=commune.pk), {"c:in_scope:a11": "5"}).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_an_unknown_form_does_not_exist(commune: Any, make_user: Any) -> None:
    staff = client_for(make_user, "commune_staff", commune)
    assert staff.get(f"/units/{commune.pk}/forms/TH-M9/reconcile/").status_code == 404


def test_a_frozen_year_refuses_the_ministry_s_figures(commune: Any, make_user: Any) -> None:
    Dossier.objects.create(unit=commune, standard="primary", survey_year=YEAR,
                           status=Dossier.Status.SUBMITTED, level_claimed=1, snapshot={})
    staff = client_for(make_user, "commune_staff", commune)
    response = staff.post(URL.format(pk=commune.pk), {"c:in_scope:a11": "1"})
    assert response.status_code == 400
    assert "bị khóa cho đến khi hồ sơ được trả lại" in response.content.decode()
    assert not MinistryFigures.objects.exists()


def _workbook(staff: Client, commune: Any, tmp_path: Path, edit: Any) -> Path:
    """phocap's own forms workbook of the commune, as downloaded, edited by an officer."""
    path = tmp_path / "bieu-mau-bo.xlsx"
    path.write_bytes(staff.get(f"/units/{commune.pk}/forms.xlsx?year={YEAR}").content)
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


def _row(sheet: Any, label: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == label)


def test_an_uploaded_workbook_is_kept_for_each_of_its_forms(commune: Any, make_user: Any,
                                                            tmp_path: Path) -> None:
    staff = client_for(make_user, "commune_staff", commune)

    def edit(book: Any) -> None:
        sheet = book["TH-M1"]
        sheet.cell(_row(sheet, "Số trẻ phải phổ cập"), 7).value = 1  # G: 11 tuổi

    path = _workbook(staff, commune, tmp_path, edit)
    with path.open("rb") as handle:
        response = staff.post(URL.format(pk=commune.pk), {"file": handle})
    assert response.status_code == 302
    kept = MinistryFigures.objects.get(unit=commune, form_code="TH-M1")
    assert kept.cells["in_scope"]["a11"] == 1 and kept.source == "bieu-mau-bo.xlsx"
    assert MinistryFigures.objects.filter(unit=commune).count() == 11  # every form's sheet
    page = staff.get(URL.format(pk=commune.pk)).content.decode()
    assert "Lò Thị Khuyết" in page and "Từ tệp “bieu-mau-bo.xlsx”" in page


def test_an_uploaded_workbook_with_an_unknown_sheet_or_a_word_is_refused_whole(
        commune: Any, make_user: Any, tmp_path: Path) -> None:
    staff = client_for(make_user, "commune_staff", commune)
    at: dict[str, int] = {}

    def edit(book: Any) -> None:
        book.create_sheet("Ghi chú")
        sheet = book["TH-M1"]
        at["row"] = _row(sheet, "Chuyển đi")
        sheet.cell(at["row"], 7).value = "hai"

    path = _workbook(staff, commune, tmp_path, edit)
    with path.open("rb") as handle:
        response = staff.post(URL.format(pk=commune.pk), {"file": handle})
    assert response.status_code == 400
    rows = problem_rows(response.content.decode())
    assert rows[0] == ("bieu-mau-bo.xlsx", "TH-M1", str(at["row"]),
                       "G (“Độ tuổi – năm sinh – 11 tuổi – Sinh năm 2010”)", "hai",
                       "Cần số người: một số nguyên không âm, hoặc để trống.")
    assert rows[1][:3] == ("bieu-mau-bo.xlsx", "Ghi chú", "")
    assert rows[1][5].startswith("Cần trang tính mang mã một biểu của phocap (")
    assert len(rows) == 2
    assert not MinistryFigures.objects.exists()


def test_an_upload_above_the_limit_is_refused_before_it_is_read(
        commune: Any, make_user: Any, settings: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOAD_MAX_BYTES = 10
    staff = client_for(make_user, "commune_staff", commune)
    response = staff.post(URL.format(pk=commune.pk),
                          {"file": SimpleUploadedFile("lon.xlsx", b"x" * 11)})
    assert response.status_code == 400
    assert "quá giới hạn" in response.content.decode()
    assert not MinistryFigures.objects.exists()


def test_the_forms_pages_link_to_the_reconciliation(commune: Any, make_user: Any) -> None:
    staff = client_for(make_user, "commune_staff", commune)
    link = f'/units/{commune.pk}/forms/TH-M1/reconcile/?year={YEAR}'
    assert link in staff.get(f"/units/{commune.pk}/forms/?year={YEAR}").content.decode()
    assert link in staff.get(f"/units/{commune.pk}/forms/TH-M1/?year={YEAR}").content.decode()
