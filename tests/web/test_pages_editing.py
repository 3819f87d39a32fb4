"""Editing on the register's pages: file-grade validation, stale forms, moves, households,
the audit shown on pages, the logged export, and results that follow the edits."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from phocap.register.models import AuditEntry, Household, Person, PersonYear, Village

PASSWORD = "mat-khau-du-manh-2021"
YEAR = 2021


@pytest.fixture
def staff(tree: dict[str, Any], make_user: Any) -> Client:
    client = Client()
    user = make_user("commune_staff", tree["communes"]["03319"])
    client.login(username=user.username, password=PASSWORD)
    return client


def form(**changes: str) -> dict[str, str]:
    return {"full_name": "Người 03319", "birth_date": "2010", "sex": "nam",
            "current_class": "5", "version": "1"} | changes


def test_a_bad_value_is_refused_with_the_file_validation_message(pupil: Person,
                                                                 staff: Client) -> None:
    audited = AuditEntry.objects.count()
    response = staff.post(f"/persons/{pupil.pk}/?year={YEAR}", form(current_class="5X"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "current_class" in errors
    assert "“Lớp đang học” không hợp lệ" in " ".join(errors["current_class"])
    assert PersonYear.objects.get(person=pupil).current_class == "5"
    assert AuditEntry.objects.count() == audited


def test_a_rule_across_columns_is_checked_too(pupil: Person, staff: Client) -> None:
    """Born 2010, primary completed in 2005: the same refusal an import gives."""
    response = staff.post(f"/persons/{pupil.pk}/?year={YEAR}", form(primary_completed="2005"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert PersonYear.objects.get(person=pupil).primary_completed is None


def test_a_good_edit_is_stored_as_an_import_would_and_audited(pupil: Person,
                                                              staff: Client) -> None:
    response = staff.post(f"/persons/{pupil.pk}/?year={YEAR}",
                          form(current_class="6*", full_name="Lò Văn Mới"))
    assert response.status_code == 302
    record = PersonYear.objects.get(person=pupil)
    assert (record.current_class, record.class_level, record.class_grade,
            record.class_two_sessions) == ("6*", "lower_secondary", 6, True)
    pupil.refresh_from_db()
    assert (pupil.full_name, pupil.version) == ("Lò Văn Mới", 2)
    models = set(AuditEntry.objects.values_list("model", flat=True))
    assert {"person", "personyear"} <= models
    page = staff.get(f"/persons/{pupil.pk}/?year={YEAR}").content.decode()
    assert "Lịch sử thay đổi" in page and "commune_staff-03319" in page
    log = staff.get(f"/units/{pupil.household.commune_id}/audit/").content.decode()
    assert "Lò Văn Mới" in log and "<del>Người 03319</del>" in log


def test_two_users_edit_one_person_the_second_is_refused_and_nothing_is_lost(
        pupil: Person, staff: Client) -> None:
    """Both opened the form at version 1; the first save wins, the second is told why."""
    from phocap.accounts.models import User

    colleague = User.objects.create_user(username="dong-nghiep", password=PASSWORD,
                                         role="commune_staff", unit=pupil.household.commune)
    other = Client()
    other.login(username=colleague.username, password=PASSWORD)
    assert staff.post(f"/persons/{pupil.pk}/?year={YEAR}",
                      form(full_name="Sửa Lần Một")).status_code == 302
    stale = other.post(f"/persons/{pupil.pk}/?year={YEAR}", form(full_name="Sửa Lần Hai"))
    assert stale.status_code == 200
    assert "vừa được người khác sửa" in stale.content.decode()
    pupil.refresh_from_db()
    assert pupil.full_name == "Sửa Lần Một"


def test_a_member_is_added_with_the_next_number(pupil: Person, staff: Client) -> None:
    household = pupil.household
    response = staff.post(f"/households/{household.pk}/members/new/?year={YEAR}",
                          {"full_name": "Lò Thị Mới Sinh", "birth_date": "15/08/2021",
                           "sex": "nữ", "relationship": "con", "event": "born",
                           "confirmed": "on"})
    assert response.status_code == 302
    newborn = Person.objects.get(full_name="Lò Thị Mới Sinh")
    surveyed = PersonYear.objects.get(person=newborn, survey_year=YEAR)
    assert (newborn.person_no, newborn.birth_year, surveyed.relationship) == (2, 2021, "con")


def test_households_are_created_and_edited_with_clear_refusals(pupil: Person,
                                                               staff: Client) -> None:
    commune = pupil.household.commune
    village = pupil.household.village
    taken = staff.post(f"/units/{commune.pk}/households/new/",
                       {"household_no": "0001", "village": str(village.pk)})
    assert taken.status_code == 200
    assert f"{village.name} đã có hộ số 0001" in taken.content.decode()
    created = staff.post(f"/units/{commune.pk}/households/new/",
                         {"household_no": "0002", "new_village": "Bản Mới",
                          "head_name": "Quàng Văn Chủ", "residence": "thường trú"})
    assert created.status_code == 302
    household = Household.objects.get(commune=commune, household_no="0002")
    assert household.village.name == "Bản Mới"
    edit = {"household_no": "0002", "village": str(household.village_id),
            "head_name": "Quàng Văn Chủ Mới", "version": "1"}
    assert staff.post(f"/households/{household.pk}/edit/", edit).status_code == 302
    again = staff.post(f"/households/{household.pk}/edit/", edit | {"head_name": "Khác"})
    assert "vừa được người khác sửa" in again.content.decode()
    household.refresh_from_db()
    assert household.head_name == "Quàng Văn Chủ Mới"
    page = staff.get(f"/households/{household.pk}/").content.decode()
    assert "Lịch sử thay đổi" in page and "sửa" in page


def test_a_relationship_change_from_the_person_form_is_audited(pupil: Person,
                                                               staff: Client) -> None:
    """The relationship is a survey answer of the year (a frozen year keeps its own)."""
    response = staff.post(f"/persons/{pupil.pk}/?year={YEAR}", form(relationship="con"))
    assert response.status_code == 302
    pupil.refresh_from_db()
    surveyed = PersonYear.objects.get(person=pupil, survey_year=YEAR)
    assert surveyed.relationship == "con" and pupil.version == 2
    entry = AuditEntry.objects.filter(model="personyear", object_id=surveyed.pk).latest("pk")
    assert (entry.before["relationship"], entry.after["relationship"]) == ("", "con")


def test_a_new_village_is_audited_with_the_household_that_made_it(pupil: Person,
                                                                   staff: Client) -> None:
    commune = pupil.household.commune
    created = staff.post(f"/units/{commune.pk}/households/new/",
                         {"household_no": "0002", "new_village": "Bản Mới"})
    assert created.status_code == 302
    village = Village.objects.get(commune=commune, name="Bản Mới")
    entry = AuditEntry.objects.get(model="village", object_id=village.pk)
    assert entry.action == "create" and entry.commune == commune
    assert entry.after["name"] == "Bản Mới"


def test_a_refused_household_save_creates_no_village(pupil: Person, staff: Client) -> None:
    """A stale form: nothing is written, not even the village the form named. A number
    already taken cannot be one of a village the save creates (households are numbered per
    village), so naming the existing village as new is refused, and creates no other."""
    household = pupil.household
    commune = household.commune
    stale = staff.post(f"/households/{household.pk}/edit/",
                       {"household_no": "0001", "new_village": "Bản Cũ Quá", "version": "7"})
    assert "vừa được người khác sửa" in stale.content.decode()
    taken = staff.post(f"/units/{commune.pk}/households/new/",
                       {"household_no": "0001", "new_village": household.village.name})
    assert f"{household.village.name} đã có hộ số 0001" in taken.content.decode()
    assert not Village.objects.filter(name="Bản Cũ Quá").exists()
    assert Village.objects.filter(commune=commune).count() == 1
    assert not AuditEntry.objects.filter(model="village").exists()


def test_the_household_search_finds_members_by_name(pupil: Person, staff: Client) -> None:
    commune = pupil.household.commune
    found = staff.get(f"/units/{commune.pk}/households/?year={YEAR}&q=Người 03319")
    assert pupil.household.household_no in found.content.decode()
    none = staff.get(f"/units/{commune.pk}/households/?year={YEAR}&q=không có ai")
    assert "Không có hộ nào" in none.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_export_is_the_survey_file_and_is_logged(tree: dict[str, Any], make_user: Any
                                                     ) -> None:
    person = tree["people"]["03319"]
    PersonYear.objects.create(person=person, survey_year=YEAR, current_class="5",
                              class_level="primary", class_grade=5)
    client = Client()
    reviewer = make_user("district_reviewer", tree["districts"][0])
    client.login(username=reviewer.username, password=PASSWORD)
    response = client.get(f"/units/{tree['districts'][0].pk}/export.xlsx?year={YEAR}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Năm điều tra", "Mã tỉnh", "Mã huyện", "Mã xã")
    assert [r[8] for r in rows[1:]] == ["Người 03319"]  # only surveyed people of district 100
    logged = AuditEntry.objects.filter(action="export", user=reviewer)
    assert {e.commune.code for e in logged} == {"03319", "03322"}
    assert all(e.after["rows"] == 1 for e in logged)


@pytest.mark.django_db(transaction=True)
def test_results_follow_an_edit(tree: dict[str, Any], make_user: Any) -> None:
    """The commune's only 11-year-old (born 2010) is in grade 6 with no completion recorded:
    primary level 2's "completed at 11" is 0/1. Recording completion in 2021 makes it 1/1."""
    person = tree["people"]["03319"]
    PersonYear.objects.create(person=person, survey_year=YEAR, current_class="6",
                              class_level="lower_secondary", class_grade=6)
    client = Client()
    staff = make_user("commune_staff", tree["communes"]["03319"])
    client.login(username=staff.username, password=PASSWORD)
    commune = tree["communes"]["03319"]

    def completed() -> tuple[int, int]:
        page = client.get(f"/units/{commune.pk}/results/?year={YEAR}")
        return next((c["result"].numerator, c["result"].denominator)
                    for s in page.context["standards"] for c in s["criteria"]
                    if c["result"].key == "primary.2.completed_at_11")

    assert completed() == (0, 1)
    saved = client.post(f"/persons/{person.pk}/?year={YEAR}",
                        {"full_name": person.full_name, "birth_date": "2010", "sex": "nam",
                         "current_class": "6", "primary_completed": "2021", "highest_grade": "5",
                         "version": "1"})
    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert completed() == (1, 1)


def test_the_history_names_fields_as_the_survey_form_does(pupil: Person, staff: Client) -> None:
    """An officer reads "Biến động: ∅ → chuyển đi", not the code key "status"."""
    staff.post(f"/persons/{pupil.pk}/move/?year={YEAR}",
               {"event": "moved_out", "date": "15/03/2021", "place": "xã Mường Phăng",
                "version": "1", "confirmed": "on"})
    page = staff.get(f"/persons/{pupil.pk}/").content.decode()
    assert "Biến động: <del>∅</del> → <ins>chuyển đi</ins>" in page
    assert "status: " not in page


def test_the_person_form_groups_every_field_as_the_ministrys_form_does(pupil: Person,
                                                                       staff: Client) -> None:
    """Six groups, in the order of the form's row 1; no field left out or shown twice."""
    from phocap.register.forms import GROUPS, RecordForm
    from phocap.register.records import RAW_PERSON_COLUMNS, RAW_YEAR_COLUMNS

    grouped = [key for _, keys in GROUPS for key in keys]
    assert sorted(grouped) == sorted(RAW_PERSON_COLUMNS + RAW_YEAR_COLUMNS)
    assert len(RecordForm().groups()) == 6
    page = staff.get(f"/persons/{pupil.pk}/?year={YEAR}").content.decode()
    legends = ["Thông tin đối tượng", "Nơi đang ở", "Thông tin học tập", "Xóa mù chữ",
               "Khuyết tật", "Thông tin liên lạc"]
    assert [page.index(f"<legend>{title}</legend>") for title in legends] == sorted(
        page.index(f"<legend>{title}</legend>") for title in legends)
