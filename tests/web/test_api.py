"""REST API v1: tokens, scope on every endpoint (404/403, never data), locking, imports.

API_MATRIX names every operation of phocap.api.api with how it is tested against each
role × own commune, sibling, other district, other province (and the two schools'
accounts); tests/web/test_pages.py::test_every_route_is_in_a_scope_matrix fails when an
operation is missing from it.
"""

import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.usefixtures("file_villages")  # the files' household 0001: the tree's

FIXTURE = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"
PASSWORD = "mat-khau-du-manh-2021"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def bearer(user: Any) -> dict[str, str]:
    response = Client().post("/api/v1/token", {"username": user.username, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def commune_file(commune: str = "03319") -> bytes:
    frame = pl.read_csv(FIXTURE, infer_schema=False).filter(pl.col("commune_code") == commune)
    buffer = io.BytesIO()
    frame.write_csv(buffer)
    return buffer.getvalue()


def test_token_needs_the_right_password_and_throttles_guessing(tree: Any, make_user: Any
                                                               ) -> None:
    user = make_user("commune_staff", tree["communes"]["03319"])
    client = Client()
    wrong = {"username": user.username, "password": "sai-mat-khau"}
    for _ in range(5):
        assert client.post("/api/v1/token", wrong,
                           content_type="application/json").status_code == 401
    refused = client.post("/api/v1/token", {"username": user.username, "password": PASSWORD},
                          content_type="application/json")
    assert refused.status_code == 429 and "15 phút" in refused.json()["detail"]


def test_no_token_no_data(tree: Any) -> None:
    person = tree["people"]["03319"]
    assert Client().get(f"/api/v1/persons/{person.pk}").status_code == 401


@pytest.mark.parametrize(
    ("role", "unit", "own", "sibling", "other_district"),
    [
        ("commune_staff", ("communes", "03319"), 200, 404, 404),
        ("district_reviewer", ("districts", 0), 200, 200, 404),
        ("province_reviewer", ("province", None), 200, 200, 200),
        ("ministry_viewer", None, 404, 404, 404),
    ],
)
def test_reading_a_person_respects_scope(tree: Any, make_user: Any, role: str,
                                         unit: Any, own: int, sibling: int,
                                         other_district: int) -> None:
    where = None
    if unit is not None:
        where = tree[unit[0]] if unit[1] is None else tree[unit[0]][unit[1]]
    headers = bearer(make_user(role, where))
    client = Client()
    for code, expected in (("03319", own), ("03322", sibling), ("03370", other_district)):
        response = client.get(f"/api/v1/persons/{tree['people'][code].pk}", **headers)
        assert response.status_code == expected, (code, response.content)
        if expected == 404:
            assert "Người" not in response.content.decode()


def test_patch_is_scoped_locked_and_role_checked(tree: Any, make_user: Any) -> None:
    client = Client()
    staff = bearer(make_user("commune_staff", tree["communes"]["03319"]))
    own, sibling = tree["people"]["03319"], tree["people"]["03322"]
    ok = client.patch(f"/api/v1/persons/{own.pk}", {"version": 1, "full_name": "Tên mới"},
                      content_type="application/json", **staff)
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/api/v1/persons/{own.pk}", {"version": 1, "full_name": "Đè"},
                         content_type="application/json", **staff)
    assert stale.status_code == 409 and "vừa được người khác sửa" in stale.json()["detail"]
    assert client.patch(f"/api/v1/persons/{sibling.pk}", {"version": 1, "full_name": "x"},
                        content_type="application/json", **staff).status_code == 404
    reviewer = bearer(make_user("district_reviewer", tree["districts"][0]))
    assert client.patch(f"/api/v1/persons/{own.pk}", {"version": 2, "full_name": "x"},
                        content_type="application/json", **reviewer).status_code == 403
    own.refresh_from_db()
    assert own.full_name == "Tên mới"


@pytest.mark.django_db(transaction=True)
def test_import_then_households_and_results(tree: Any, make_user: Any) -> None:
    client = Client()
    staff = bearer(make_user("commune_staff", tree["communes"]["03319"]))
    upload = io.BytesIO(commune_file())
    upload.name = "03319.csv"
    done = client.post("/api/v1/imports", {"file": upload}, **staff)
    assert done.status_code == 200, done.content
    assert done.json()["new"] == 7 and done.json()["survey_year"] == 2021

    listed = client.get("/api/v1/households?commune=03319&year=2021", **staff).json()
    # By village, then number: Bản Pá Ngam's household 0002, then Bản Pồn's 0001.
    assert [(h["village"], h["household_no"]) for h in listed] == [
        ("Bản Pá Ngam", "0002"), ("Bản Pồn", "0001")]
    assert [m["person_no"] for m in listed[1]["members"]] == [1, 2, 3, 4]
    assert {m["village"] for m in listed[1]["members"]} == {"Bản Pồn"}
    assert client.get("/api/v1/households?commune=03322&year=2021", **staff).json() == []

    result = client.get("/api/v1/units/03319/results?year=2021", **staff)
    assert result.status_code == 200, result.content
    units = {u["code"]: u for u in result.json()["units"]}
    assert units["03319"]["standards"]["literacy"]["level"] == 1
    assert client.get("/api/v1/units/03322/results?year=2021", **staff).status_code == 404
    ministry = bearer(make_user("ministry_viewer", None))
    assert client.get("/api/v1/units/100/results?year=2021", **ministry).status_code == 200


def test_a_bad_file_returns_the_validation_report(tree: Any, make_user: Any) -> None:
    staff = bearer(make_user("commune_staff", tree["communes"]["03319"]))
    upload = io.BytesIO(commune_file().replace(b"12/03/1985", b"31/02/1985"))
    upload.name = "bad.csv"
    response = Client().post("/api/v1/imports", {"file": upload}, **staff)
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert (problem["row"], problem["column"], problem["value"]) == (2, "birth_date",
                                                                    "31/02/1985")


def test_importing_another_communes_file_is_refused(tree: Any, make_user: Any) -> None:
    staff = bearer(make_user("commune_staff", tree["communes"]["03322"]))
    upload = io.BytesIO(commune_file("03319"))
    upload.name = "03319.csv"
    assert Client().post("/api/v1/imports", {"file": upload}, **staff).status_code == 403


def test_the_openapi_schema_is_served(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/token", "/api/v1/persons/{person_id}", "/api/v1/imports",
            "/api/v1/households", "/api/v1/units/{code}/results"} <= set(schema["paths"])


def test_a_nul_character_in_the_credentials_is_a_failed_login_not_a_server_error(
        tree: Any, make_user: Any) -> None:
    """PostgreSQL refuses NUL in a query; schemathesis found the token endpoint sending one."""
    user = make_user("commune_staff", tree["communes"]["03319"])
    for credentials in ({"username": "a\x00b", "password": PASSWORD},
                        {"username": user.username, "password": "x\x00"}):
        response = Client().post("/api/v1/token", credentials, content_type="application/json")
        assert response.status_code == 401


def test_importing_a_file_with_another_communes_rows_is_refused_before_validation(
        tree: Any, make_user: Any) -> None:
    """A bad date used to be reported (422, the file's problems) before the scope refusal:
    the file was validated first. Now the refusal comes first and names the commune."""
    from phocap.register.models import AuditEntry, PersonYear

    staff = bearer(make_user("commune_staff", tree["communes"]["03322"]))
    upload = io.BytesIO(commune_file("03319").replace(b"12/03/1985", b"31/02/1985"))
    upload.name = "03319.csv"
    response = Client().post("/api/v1/imports", {"file": upload}, **staff)
    assert response.status_code == 403
    assert "03319 (commune 03319)" in response.json()["detail"]
    assert not PersonYear.objects.exists() and not AuditEntry.objects.exists()


def test_listing_households_is_a_logged_read(surveyed: Any, make_user: Any) -> None:
    """GET /api/v1/households reads what export.xlsx does: logged the same way, per commune."""
    from phocap.register.models import AuditEntry

    user = make_user("district_reviewer", surveyed["districts"][0])
    listed = Client().get("/api/v1/households?commune=03322&year=2021", **bearer(user))
    assert [m["full_name"] for h in listed.json() for m in h["members"]] == ["Người 03322"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.user, entry.commune) == (user, surveyed["communes"]["03322"])
    assert entry.after["rows"] == 1 and entry.after["api"] == "GET /api/v1/households"
    Client().get("/api/v1/households?commune=03370&year=2021", **bearer(user))
    assert AuditEntry.objects.count() == 1  # nothing read, nothing logged


CODES = ["03319", "03322", "03370", "00001"]
ROLE_UNITS = {"commune_staff": ("communes", "03319"), "school_staff": ("communes", "03319"),
              "district_reviewer": ("districts", 0), "province_reviewer": ("province", None),
              "province_admin": ("province", None), "ministry_viewer": None}
COVERS = {"commune_staff": {"03319"}, "school_staff": {"03319"},
          "district_reviewer": {"03319", "03322"},
          "province_reviewer": {"03319", "03322", "03370"},
          "province_admin": {"03319", "03322", "03370"}, "ministry_viewer": set()}


def _expected(role: str, operation: str, code: str) -> int:
    """The status each role gets from each operation against a commune's data. The school
    account of the matrix teaches nobody; test_school_accounts_read_their_pupils_only
    covers the schools with pupils."""
    covered = code in COVERS[role]
    if operation == "unit_results":
        if role == "ministry_viewer":
            return 200
        return 404 if not covered else 403 if role == "school_staff" else 200
    if operation == "households":
        return 200  # a list: empty outside the scope (checked below)
    if operation == "person":
        return 200 if covered and role != "school_staff" else 404
    if operation == "update_person":
        if not covered or role in ("ministry_viewer", "school_staff"):
            return 404
        return 200 if role == "commune_staff" else 403
    if operation == "import_file":
        return 200 if role == "commune_staff" and code == "03319" else 403
    raise AssertionError(operation)


API_MATRIX = {
    # Exchanging credentials reads no one's data: test_token_needs_the_right_password…
    "token": None,
    "unit_results": "GET /api/v1/units/{code}/results?year=2021",
    "households": "GET /api/v1/households?commune={code}&year=2021",
    "person": "GET /api/v1/persons/{person}",
    "update_person": "PATCH /api/v1/persons/{person}",
    "import_file": "POST /api/v1/imports",
    # The survey round's operations, scoped to a surveyor's assignment: tests/web/test_rounds.py
    # (test_surveyor_reads_and_edits_only_its_assignment, test_round_api_never_crosses_scope).
    "round_assignment": None,
    "record_visit": None,
}
OPERATIONS = [name for name, call in API_MATRIX.items() if call is not None]


@pytest.mark.parametrize("role", list(ROLE_UNITS))
@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_api_never_crosses_scope(surveyed: Any, make_user: Any, role: str, code: str,
                                 operation: str) -> None:
    from phocap.register.models import AuditEntry, Person, PersonYear

    where = ROLE_UNITS[role]
    unit = None if where is None else (surveyed[where[0]] if where[1] is None
                                       else surveyed[where[0]][where[1]])
    headers = bearer(make_user(role, unit))
    person = surveyed["people"][code]
    method, url = API_MATRIX[operation].split(" ")
    url = url.format(code=code, person=person.pk)
    before = (Person.objects.get(pk=person.pk).full_name, PersonYear.objects.count())
    client = Client()
    if method == "GET":
        response = client.get(url, **headers)
    elif method == "PATCH":
        response = client.patch(url, {"version": 1, "full_name": "Tên Mới"},
                                content_type="application/json", **headers)
    else:
        upload = io.BytesIO(commune_file("03319").replace(b",03319,", f",{code},".encode()))
        upload.name = "tep.csv"
        response = client.post(url, {"file": upload}, **headers)
    assert response.status_code == _expected(role, operation, code), response.content
    content = json.dumps(response.json(), ensure_ascii=False)  # names unescaped
    reads = code in COVERS[role] and role != "school_staff"
    if operation == "households":
        assert (person.full_name in content) == reads
        assert AuditEntry.objects.filter(action="export").exists() == reads
    elif response.status_code != 200:
        assert person.full_name not in content
    if operation not in ("update_person", "import_file") or response.status_code != 200:
        assert (Person.objects.get(pk=person.pk).full_name, PersonYear.objects.count()) == before


def test_school_accounts_read_their_pupils_only(two_schools: Any) -> None:
    """Through the API as on the pages: the primary school's account lists and reads its
    pupil's household, not the preschool's pupil nor the adult on no class list."""
    client = Client()
    for login, other in (("own", "other"), ("other", "own")):
        headers = bearer(two_schools["logins"][login])
        mine, theirs = two_schools["pupils"][login], two_schools["pupils"][other]
        listed = client.get("/api/v1/households?commune=03319&year=2021", **headers).json()
        assert [[m["full_name"] for m in h["members"]] for h in listed] == [[mine.full_name]]
        assert client.get(f"/api/v1/persons/{mine.pk}", **headers).status_code == 200
        for person in (theirs, two_schools["pupils"]["none"]):
            response = client.get(f"/api/v1/persons/{person.pk}", **headers)
            assert response.status_code == 404
            assert person.full_name not in json.dumps(response.json(), ensure_ascii=False)
        assert client.get("/api/v1/units/03319/results?year=2021",
                          **headers).status_code == 403
