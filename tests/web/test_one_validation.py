"""One validation for every write: the API, the page forms and files refuse the same values
with the same Vietnamese messages; national-ID clashes are found before anything is written."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django import forms
from django.core.cache import cache
from django.test import Client

import phocap
from phocap.register.models import AuditEntry, Person, PersonYear
from phocap.survey.problems import ProblemsFound

pytestmark = pytest.mark.usefixtures("file_villages")  # the files' household 0001: the tree's

PASSWORD = "mat-khau-du-manh-2021"
YEAR = 2021

# (API field, value sent, the page form's field, the value typed there, what the message says)
REFUSED = [
    ("sex", "XYZ", "sex", "XYZ", "“Giới tính” không hợp lệ"),
    ("birth_year", 70000, "birth_date", "70000", "“Ngày sinh” không hợp lệ"),
    ("birth_date", "2099-01-01", "birth_date", "2099-01-01", "sau ngày điều tra 30/09/2021"),
    ("full_name", "", "full_name", "", "Thiếu “Họ và tên”"),
    ("full_name", "A" * 5000, "full_name", "A" * 5000, "dài 5000 ký tự: tối đa 120 ký tự"),
    ("full_name", "Lò Văn\x00 Hòa", "full_name", "Lò Văn\x00 Hòa", "ký tự ẩn U+0000"),
    ("full_name", "Lò Văn \u202eHòa", "full_name", "Lò Văn \u202eHòa", "ký tự ẩn U+202E"),
    ("ethnicity", "Klingon", "ethnicity", "Klingon", "“Dân tộc” không hợp lệ"),
]
IDS = ["sex", "birth_year", "birth_date", "empty_name", "long_name", "nul", "bidi",
       "ethnicity"]


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def staff_user(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user("commune_staff", tree["communes"]["03319"])


def bearer(user: Any) -> dict[str, str]:
    response = Client().post("/api/v1/token", {"username": user.username, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def patch(user: Any, person: Person, **values: Any) -> Any:
    return Client().patch(f"/api/v1/persons/{person.pk}", {"version": person.version, **values},
                          content_type="application/json", **bearer(user))


def page(user: Any, person: Person, **values: str) -> Any:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    data = {"full_name": "Người 03319", "birth_date": "2010", "sex": "nam",
            "current_class": "5", "version": str(person.version)} | values
    return client.post(f"/persons/{person.pk}/?year={YEAR}", data)


def stored(person: Person) -> tuple[Any, ...]:
    person.refresh_from_db()
    return (person.full_name, person.birth_date, person.birth_year, person.sex,
            person.ethnicity, person.national_id, person.version)


@pytest.mark.parametrize(("field", "value", "form_field", "typed", "says"), REFUSED, ids=IDS)
def test_the_api_refuses_a_bad_value_with_its_field_and_stores_nothing(
        pupil: Person, staff_user: Any, field: str, value: Any, form_field: str, typed: str,
        says: str) -> None:
    before, audited = stored(pupil), AuditEntry.objects.count()
    response = patch(staff_user, pupil, **{field: value})
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert [(e["field"], e["value"]) for e in errors] == [(field, value)]
    assert says in errors[0]["message"]
    assert stored(pupil) == before
    assert AuditEntry.objects.count() == audited


@pytest.mark.parametrize(("field", "value", "form_field", "typed", "says"), REFUSED, ids=IDS)
def test_the_page_form_refuses_the_same_value_with_the_same_message(
        pupil: Person, staff_user: Any, field: str, value: Any, form_field: str, typed: str,
        says: str) -> None:
    api_message = patch(staff_user, pupil, **{field: value}).json()["errors"][0]["message"]
    before = stored(pupil)
    response = page(staff_user, pupil, **{form_field: typed})
    assert response.status_code == 200
    assert response.context["form"].errors[form_field] == [api_message]
    assert stored(pupil) == before


def test_a_good_api_edit_is_stored_as_an_import_would_store_it(pupil: Person,
                                                                staff_user: Any) -> None:
    response = patch(staff_user, pupil, full_name="  lò  văn hoà ", sex="Nữ",
                     ethnicity="thai", birth_year=2011)
    assert response.status_code == 200, response.content
    pupil.refresh_from_db()
    assert (pupil.full_name, pupil.sex, pupil.ethnicity, pupil.birth_year, pupil.birth_date) == (
        "lò văn hòa", "nữ", "Thái", 2011, None)


def test_an_identity_edit_is_checked_against_the_rest_of_the_years_record(
        pupil: Person, staff_user: Any) -> None:
    """Born 2010 and primary school completed in 2019: born 2015 would make that at 4."""
    PersonYear.objects.filter(person=pupil).update(primary_completed=2019)
    response = patch(staff_user, pupil, birth_year=2015)
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "primary_completed" and "sớm nhất là 8 tuổi" in error["message"]
    assert stored(pupil)[2] == 2010


def test_a_value_of_the_wrong_type_is_a_vietnamese_422(pupil: Person, staff_user: Any) -> None:
    response = patch(staff_user, pupil, birth_year="năm ngoái")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "birth_year" and "cần một số nguyên" in error["message"]


@pytest.mark.parametrize("year", ["1", "1989", "2101", "abc"])
def test_results_of_an_unsupported_year_are_a_vietnamese_422(tree: dict[str, Any],
                                                              staff_user: Any,
                                                              year: str) -> None:
    response = Client().get(f"/api/v1/units/03319/results?year={year}", **bearer(staff_user))
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "year"
    assert "Năm điều tra" in error["message"] or "cần một số nguyên" in error["message"]


# --- national IDs -------------------------------------------------------------------------

NATIONAL_ID = "011085000123"  # the first row of the format fixture carries it


def give_id(person: Person, national_id: str = NATIONAL_ID) -> None:
    Person.objects.filter(pk=person.pk).update(national_id=national_id)


def test_an_api_edit_taking_another_communes_national_id_is_refused_without_its_name(
        tree: dict[str, Any], pupil: Person, staff_user: Any) -> None:
    give_id(tree["people"]["03370"])
    before = stored(pupil)
    response = patch(staff_user, pupil, national_id=NATIONAL_ID)
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "national_id"
    assert "đã có ở một người ở xã khác" in error["message"]
    assert "03370" not in response.content.decode()
    assert stored(pupil) == before


def test_a_page_edit_taking_a_neighbours_national_id_names_them(
        tree: dict[str, Any], pupil: Person, staff_user: Any) -> None:
    household = pupil.household
    other = Person.objects.create(household=household, person_no=2, full_name="Lò Thị Ba",
                                  birth_year=1990, sex="nữ", national_id=NATIONAL_ID)
    response = page(staff_user, pupil, national_id=NATIONAL_ID)
    message = " ".join(response.context["form"].errors["national_id"])
    assert f"đã có ở {other.full_name} (hộ số 0001, Bản Pồn, STT 2" in message
    assert stored(pupil)[5] is None


def test_a_clash_the_database_finds_at_commit_is_a_clear_refusal(
        tree: dict[str, Any], pupil: Person, staff_user: Any, monkeypatch: Any) -> None:
    """Another writer took the ID between the check and the write: 409, in Vietnamese."""
    from phocap.register import uniqueness

    give_id(tree["people"]["03370"])
    monkeypatch.setattr(uniqueness, "edit_clash", lambda *args: None)
    response = patch(staff_user, pupil, national_id=NATIONAL_ID)
    assert response.status_code == 409, response.content
    assert response.json()["errors"][0]["message"] == uniqueness.COMMIT_REFUSED
    form = page(staff_user, pupil, national_id=NATIONAL_ID).context["form"]
    assert form.errors["national_id"] == [uniqueness.COMMIT_REFUSED]
    assert stored(pupil)[5] is None


# --- files --------------------------------------------------------------------------------


def upload(user: Any, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from phocap.register import jobs

    # Checked as soon as it is queued (JOBS_INLINE, tests/settings.py).
    job = jobs.create(user, SimpleUploadedFile("xa-03319.csv", content), YEAR)
    job.refresh_from_db()
    return job


@pytest.fixture
def own_var(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


@pytest.mark.django_db(transaction=True)
def test_a_national_id_twice_in_one_file_stops_it_at_validation(
        tree: dict[str, Any], staff_user: Any, own_var: None) -> None:
    from tests.web.import_helpers import commune_csv

    job = upload(staff_user, commune_csv({(3, "national_id"): NATIONAL_ID}))
    assert job.status == "invalid"
    assert job.errors == 1


@pytest.mark.django_db(transaction=True)
def test_a_national_id_held_in_another_commune_is_refused_at_preview_without_its_name(
        tree: dict[str, Any], staff_user: Any, own_var: None) -> None:
    from tests.web.import_helpers import commune_csv

    give_id(tree["people"]["03370"])
    job = upload(staff_user, commune_csv())
    assert job.status == "refused", job.message
    assert f"Dòng 2: số định danh {NATIONAL_ID} đã có ở một người ở xã khác" in job.message
    assert "Người 03370" not in job.message and "03370" not in job.message
    assert not PersonYear.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_national_id_held_in_the_own_commune_is_refused_at_preview_naming_the_holder(
        tree: dict[str, Any], staff_user: Any, own_var: None) -> None:
    from tests.web.import_helpers import commune_csv

    holder = tree["people"]["03319"]
    Person.objects.filter(pk=holder.pk).update(person_no=9)  # not the file's 0001/1
    give_id(holder)
    job = upload(staff_user, commune_csv())
    assert job.status == "refused", job.message
    assert "Dòng 2: số định danh" in job.message
    assert "Người 03319 (hộ số 0001, Bản Pồn, STT 9" in job.message


@pytest.mark.django_db(transaction=True)
def test_a_clash_arising_after_the_preview_refuses_the_commit_with_its_reason(
        tree: dict[str, Any], staff_user: Any, own_var: None) -> None:
    from phocap.register import jobs
    from tests.web.import_helpers import commune_csv, wait_for

    job = upload(staff_user, commune_csv())
    assert job.status == "previewed", job.message
    give_id(tree["people"]["03370"])  # someone else's import gave the ID meanwhile
    assert jobs.request_commit(staff_user, job)
    job = wait_for(job)
    assert job.status == "refused", job.message
    assert f"số định danh {NATIONAL_ID} đã có ở một người ở xã khác" in job.message
    assert not PersonYear.objects.exists()


def test_a_clash_only_the_database_sees_refuses_the_import_in_vietnamese(
        tree: dict[str, Any], staff_user: Any, monkeypatch: Any, tmp_path: Any) -> None:
    from phocap.register import importing, uniqueness
    from phocap.survey.validate import validate
    from tests.web.import_helpers import commune_csv

    path = tmp_path / "xa-03319.csv"
    path.write_bytes(commune_csv())
    records = validate(path, year=YEAR, keep_records=True).records
    give_id(tree["people"]["03370"])
    monkeypatch.setattr(uniqueness, "import_clashes", lambda *args: [])
    with pytest.raises(importing.ImportRefused, match="Sổ từ chối ghi"):
        importing.commit(records, staff_user)
    assert not PersonYear.objects.exists()


# --- every form -------------------------------------------------------------------------------


def _every_form() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(phocap.__path__, "phocap."):
        if ".migrations" not in module.name and not module.name.endswith("wsgi"):
            importlib.import_module(module.name)
    found, todo = [], list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("phocap."):
            found.append(cls)
    return found


def test_every_form_checks_its_text_fields_the_one_way(db: Any) -> None:
    from phocap.accounts.forms import ThrottledLoginForm
    from phocap.textfields import CheckedForm, CheckedModelForm

    unchecked = [f.__qualname__ for f in _every_form()
                 if not issubclass(f, CheckedForm | CheckedModelForm)
                 and f is not ThrottledLoginForm]  # sign-in: user name and password only
    assert unchecked == []


@pytest.mark.parametrize(("form", "data", "field", "says"), [
    ("phocap.schools.forms.StaffForm",
     {"full_name": "Cô \u202eLan", "role": "teacher", "qualification": "standard"},
     "full_name", "ký tự ẩn U+202E"),
    ("phocap.streaming.views.labour.LabourDemandForm",
     {"survey_year": "2021", "employer": "Công ty\x00", "trade": "May",
      "workers_wanted": "3", "qualification": "none"},
     "employer", "ký tự ẩn U+0000"),
    ("phocap.streaming.views.guidance.ActivityForm",
     {"held_on": "2021-10-01", "title": "T" * 300, "grades": "9", "participants": "30"},
     "title", "dài 300 ký tự: tối đa"),
    ("phocap.attendance.forms.FollowUpForm",
     {"date": "2021-10-01", "kind": "home_visit", "outcome": "returned",
      "note": "gặp \x07 phụ huynh"},
     "note", "ký tự ẩn U+0007"),
])
def test_school_attendance_and_streaming_forms_refuse_hidden_characters_and_long_text(
        db: Any, form: str, data: dict[str, str], field: str, says: str) -> None:
    module, name = form.rsplit(".", 1)
    bound = getattr(importlib.import_module(module), name)(data)
    assert not bound.is_valid()
    assert says in " ".join(bound.errors[field])


def test_the_survey_text_limits_are_the_registers_field_lengths() -> None:
    """A file's text is refused beyond what the register's column keeps (schema.max_chars)."""
    from phocap.register.models import Household, Village
    from phocap.survey.schema import BY_KEY, COLUMNS, Kind

    kept = {"village": Village._meta.get_field("name"),
            "household_no": Household._meta.get_field("household_no"),
            "full_name": Person._meta.get_field("full_name"),
            "address": Household._meta.get_field("address")} | {
        key: PersonYear._meta.get_field(key) for key in (
            "current_school", "relationship", "religion", "priority", "parent_name", "phone",
            "residence_status", "status_detail", "class_name", "school_name",
            "school_district", "diploma_no", "note")}
    assert {c.key for c in COLUMNS if c.kind is Kind.TEXT} == set(kept)
    assert {k: BY_KEY[k].max_chars for k in kept} == {k: f.max_length for k, f in kept.items()}


@pytest.mark.django_db(transaction=True)
def test_the_recognition_workflow_refuses_hidden_characters_and_long_decision_numbers(
        surveyed: dict[str, Any], make_user: Any) -> None:
    """Its pages post comments, decision numbers and signers without a form."""
    import datetime as dt

    from phocap.recognition import workflow
    from phocap.recognition.models import DossierEvent

    commune = surveyed["communes"]["03319"]
    staff = make_user("commune_staff", commune)
    with pytest.raises(workflow.Refused, match="“ý kiến” chứa ký tự ẩn U\\+202E"):
        workflow.submit(staff, commune, "primary", YEAR, 1, "Đủ \u202eđiều kiện")
    dossier = workflow.submit(staff, commune, "primary", YEAR, 1, "Hồ sơ điều kiện đã đủ.")
    district = make_user("district_reviewer", surveyed["districts"][0])
    with pytest.raises(workflow.Refused, match="ký tự ẩn U\\+0000"):
        workflow.return_(district, dossier, "Thiếu\x00 biên bản.")
    with pytest.raises(workflow.Refused, match="“số quyết định” dài 60 ký tự: tối đa 50"):
        workflow.decide(district, dossier, "1" * 60, dt.date(2022, 3, 1), "Chủ tịch", 1)
    assert DossierEvent.objects.count() == 1


def test_a_class_list_refuses_hidden_characters_and_long_names(
        surveyed: dict[str, Any], make_user: Any, tmp_path: Any) -> None:
    from phocap.schools import classlists, services
    from phocap.schools.models import Enrolment

    officer = make_user("commune_staff", surveyed["communes"]["03319"])
    school = services.save_school(officer, surveyed["communes"]["03319"], None, None, {
        "code": "11100LC01", "name": "Trường PTCS Một", "level": "primary_lower_secondary"})
    path = tmp_path / "lop.csv"
    path.write_text("Lớp,STT,Họ và tên,Ngày sinh,Giới tính\n"
                    "5A,1,Lò Văn \u202eMới,2010,nam\n"
                    f"5A,2,{'B' * 121},2010,nữ\n"
                    "5A\x00,3,Lò Thị Ba,2010,nữ\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        classlists.import_file(officer, school, YEAR, path, "lop.csv")
    problems = {(p.file, p.row, p.header): p.message for p in raised.value.problems}
    assert problems[("lop.csv", 2, "Họ và tên")].startswith(
        "“Họ và tên” chứa ký tự ẩn U+202E")
    assert problems[("lop.csv", 3, "Họ và tên")].startswith(
        "“Họ và tên” dài 121 ký tự: tối đa 120")
    assert problems[("lop.csv", 4, "Lớp")].startswith("“Lớp” chứa ký tự ẩn U+0000")
    assert not Enrolment.objects.exists()


def test_an_unreadable_request_body_is_the_clients_400_not_a_500(
        tree: dict[str, Any], staff_user: Any) -> None:
    response = Client().generic("POST", "/api/v1/imports", b"abc",
                                content_type="multipart/form-data", **bearer(staff_user))
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.json()["detail"]


def test_a_hidden_character_in_a_query_is_never_a_server_error(
        tree: dict[str, Any], staff_user: Any) -> None:
    """PostgreSQL refuses NUL in a query: that is the client's 422 (or nothing found)."""
    client = Client()
    headers = bearer(staff_user)
    assert client.get("/api/v1/units/0%00/results?year=2021", **headers).status_code == 404
    response = client.get("/api/v1/households?commune=0%00&year=2021", **headers)
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert "ký tự ẩn U+0000" in response.json()["errors"][0]["message"]


def test_the_year_form_refuses_a_hidden_character_in_the_relationship(
        pupil: Person, staff_user: Any) -> None:
    """The relationship is a survey column of the year: the file's text check refuses it."""
    before = stored(pupil)
    response = page(staff_user, pupil, relationship="con\u2066")
    assert response.status_code == 200
    assert "ký tự ẩn U+2066" in " ".join(response.context["form"].errors["relationship"])
    assert stored(pupil) == before
