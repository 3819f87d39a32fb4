"""The register's pages: the scope matrix (every page × role × own/sibling/parent unit),
editing through the same validation as a file, optimistic locking, moves, audit, export.

Every refusal is a 404 (the thing does not exist for this user) or a 403 (it
exists but the role may not do this), and the refused response never carries
the person's name.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from phocap.register.models import AuditEntry, Household, Person, PersonYear
from tests.web.roles import COVERS, PASSWORD, ROLES

YEAR = 2021
# Own commune, its sibling, a commune of another district, a commune of another province.
CODES = ["03319", "03322", "03370", "00001"]


def signed_in(make_user: Any, role: str, unit: Any) -> Client:
    client = Client()
    user = make_user(role, unit)
    assert client.login(username=user.username, password=PASSWORD)
    return client


# Page name → (method, how to build its URL from the target commune's objects, form data).
# GET pages read; POST pages change a person or household.
def targets(tree: dict[str, Any], code: str) -> dict[str, Any]:
    commune = tree["communes"][code]
    person = tree["people"][code]
    return {"commune": commune, "person": person, "household": person.household}


PAGES: list[tuple[str, str, Any, Any]] = [
    ("unit", "GET", lambda t: f"/units/{t['commune'].pk}/?year={YEAR}", {}),
    ("unit-results", "GET", lambda t: f"/units/{t['commune'].pk}/results/?year={YEAR}", {}),
    ("unit-people", "GET",
     lambda t: f"/units/{t['commune'].pk}/people/primary.2.completed_at_11/?year={YEAR}", {}),
    ("unit-people:xlsx", "GET",
     lambda t: f"/units/{t['commune'].pk}/people/primary.2.completed_at_11/"
               f"?year={YEAR}&format=xlsx", {}),
    ("unit-forms", "GET", lambda t: f"/units/{t['commune'].pk}/forms/?year={YEAR}", {}),
    ("unit-form", "GET", lambda t: f"/units/{t['commune'].pk}/forms/TH-M1/?year={YEAR}", {}),
    ("unit-forms-xlsx", "GET", lambda t: f"/units/{t['commune'].pk}/forms.xlsx?year={YEAR}", {}),
    ("unit-form-reconcile", "GET",
     lambda t: f"/units/{t['commune'].pk}/forms/TH-M1/reconcile/?year={YEAR}", {}),
    ("unit-name-lists-xlsx", "GET",
     lambda t: f"/units/{t['commune'].pk}/name-lists.xlsx?year={YEAR}", {}),
    ("unit-households", "GET", lambda t: f"/units/{t['commune'].pk}/households/?year={YEAR}",
     {}),
    ("unit-audit", "GET", lambda t: f"/units/{t['commune'].pk}/audit/", {}),
    ("unit-export", "GET", lambda t: f"/units/{t['commune'].pk}/export.xlsx?year={YEAR}", {}),
    ("unit-rollover", "GET", lambda t: f"/units/{t['commune'].pk}/rollover/?year={YEAR}", {}),
    ("unit-field-forms", "GET",
     lambda t: f"/units/{t['commune'].pk}/field-forms.zip?year={YEAR}", {}),
    ("village-field-forms-pdf", "GET",
     lambda t: f"/villages/{t['household'].village_id}/field-forms.pdf?year={YEAR}", {}),
    ("village-field-forms-xlsx", "GET",
     lambda t: f"/villages/{t['household'].village_id}/field-forms.xlsx?year={YEAR}", {}),
    ("household", "GET", lambda t: f"/households/{t['household'].pk}/?year={YEAR}", {}),
    ("household-edit", "GET", lambda t: f"/households/{t['household'].pk}/edit/", {}),
    ("person", "GET", lambda t: f"/persons/{t['person'].pk}/?year={YEAR}", {}),
    ("household-new", "GET", lambda t: f"/units/{t['commune'].pk}/households/new/", {}),
    ("person-new", "GET", lambda t: f"/households/{t['household'].pk}/members/new/?year={YEAR}",
     {}),
    ("person-move", "GET",
     lambda t: f"/persons/{t['person'].pk}/move/?year={YEAR}&event=moved_out", {}),
    ("household-new:post", "POST", lambda t: f"/units/{t['commune'].pk}/households/new/",
     {"household_no": "0999", "new_village": "Bản Mới", "head_name": "Quàng Văn Chủ"}),
    ("household-edit:post", "POST", lambda t: f"/households/{t['household'].pk}/edit/",
     lambda t: {"household_no": "0001", "village": str(t["household"].village_id),
                "head_name": "Tên Mới Của Chủ Hộ", "version": "1"}),
    ("person:post", "POST", lambda t: f"/persons/{t['person'].pk}/?year={YEAR}",
     {"full_name": "Tên Đã Đổi", "birth_date": "2010", "sex": "nam", "current_class": "5",
      "version": "1"}),
    ("person-move:post", "POST",
     lambda t: f"/persons/{t['person'].pk}/move/?year={YEAR}&event=moved_out",
     {"event": "moved_out", "date": "15/03/2021", "place": "xã Mường Phăng", "version": "1",
      "confirmed": "on"}),
    ("person-new:post", "POST",
     lambda t: f"/households/{t['household'].pk}/members/new/?year={YEAR}&event=born",
     {"event": "born", "full_name": "Em Bé Mới", "birth_date": "01/08/2021", "sex": "nữ",
      "confirmed": "on"}),
    ("unit-form-reconcile:post", "POST",
     lambda t: f"/units/{t['commune'].pk}/forms/TH-M1/reconcile/?year={YEAR}",
     {"c:in_scope:a11": "2"}),
    ("unit-rollover:post", "POST", lambda t: f"/units/{t['commune'].pk}/rollover/?year={YEAR}",
     {"action": "open"}),
]
READS = [p for p in PAGES if p[1] == "GET"]
WRITES = [p for p in PAGES if p[1] == "POST"]
# Pages that read person-level data (the ministry viewer sees aggregates only).
AGGREGATE_PAGES = {"unit", "unit-results", "unit-forms", "unit-form", "unit-forms-xlsx",
                   "unit-form-reconcile"}
# Pages only an editor may open even to read (forms to create or change).
EDITOR_PAGES = {"household-edit", "household-new", "person-new", "person-move"}
# Pages about everyone of a unit: a school's staff, who read their own pupils only, are refused.
WHOLE_UNIT_PAGES = {"unit-results", "unit-people", "unit-people:xlsx", "unit-forms", "unit-form",
                    "unit-forms-xlsx", "unit-form-reconcile", "unit-name-lists-xlsx", "unit-audit",
                    "unit-export", "unit-rollover", "unit-field-forms",
                    "village-field-forms-pdf", "village-field-forms-xlsx"}
# Pages of one household or person: for a school's staff, only their pupils' exist.
PERSON_PAGES = {"household", "household-edit", "person", "person-new", "person-move"}


def expected_read(role: str, page: str, code: str) -> set[int]:
    if role == "ministry_viewer":
        return {200} if page in AGGREGATE_PAGES else {403, 404}
    if code not in COVERS[role]:
        return {404}
    if role == "school_staff":  # the matrix's account teaches nobody of the commune
        if page in PERSON_PAGES:
            return {404}
        if page in WHOLE_UNIT_PAGES or page in EDITOR_PAGES:
            return {403}
    if page in EDITOR_PAGES:
        return {200} if role == "commune_staff" else {403}
    return {200}


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(("page", "method", "url", "data"), READS, ids=[p[0] for p in READS])
def test_reads_never_cross_scope(surveyed: Any, make_user: Any, role: str, unit_of: Any,
                                 code: str, page: str, method: str, url: Any,
                                 data: dict[str, str]) -> None:
    client = signed_in(make_user, role, unit_of(surveyed))
    response = client.get(url(targets(surveyed, code)))
    assert response.status_code in expected_read(role, page, code), response.status_code
    if response.status_code != 200:
        assert surveyed["people"][code].full_name.encode() not in response.content


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(("page", "method", "url", "data"), WRITES, ids=[p[0] for p in WRITES])
def test_writes_only_by_commune_staff_in_their_commune(
        surveyed: Any, make_user: Any, role: str, unit_of: Any, code: str, page: str,
        method: str, url: Any, data: dict[str, Any]) -> None:
    client = signed_in(make_user, role, unit_of(surveyed))
    target = targets(surveyed, code)
    before = (Household.objects.count(), Person.objects.count(), PersonYear.objects.count(),
              AuditEntry.objects.count())
    person = Person.objects.get(pk=target["person"].pk)
    response = client.post(url(target), data(target) if callable(data) else data)
    if role == "commune_staff" and code == "03319":
        assert response.status_code == 302, response.content.decode()[:2000]
        assert AuditEntry.objects.count() > before[3]
        return
    allowed = {403, 404} if role == "ministry_viewer" or code in COVERS[role] else {404}
    assert response.status_code in allowed
    assert person.full_name.encode() not in response.content
    after = (Household.objects.count(), Person.objects.count(), PersonYear.objects.count(),
             AuditEntry.objects.count())
    assert after == before
    assert Person.objects.get(pk=person.pk).full_name == person.full_name


# Across the line of 1 July 2025 (permissions.history_units, docs/after-the-line.md): the
# staff of a new unit (after_line fixture) read their predecessors' history and never
# change it. (role, their new unit, the old commune tried, whether they read it)
ACROSS: list[tuple[str, Any, str, bool]] = [
    # New commune 03202 continues old 03319: its history, read-only.
    ("commune_staff", lambda t: t["new"]["communes"]["03202"], "03319", True),
    # Old 03322 went into new 03328, not 03202: it does not exist for 03202's staff.
    ("commune_staff", lambda t: t["new"]["communes"]["03202"], "03322", False),
    # New province 11 continues old province 11: old district 101's commune 03370.
    ("province_reviewer", lambda t: t["new"]["province"], "03370", True),
]


@pytest.mark.parametrize(("role", "unit_of", "code", "reads"), ACROSS,
                         ids=["predecessor", "not-a-predecessor", "new-province-old-district"])
@pytest.mark.parametrize(("page", "method", "url", "data"), PAGES, ids=[p[0] for p in PAGES])
def test_a_new_unit_reads_its_predecessors_history_and_changes_nothing(
        after_line: Any, make_user: Any, role: str, unit_of: Any, code: str, reads: bool,
        page: str, method: str, url: Any, data: Any) -> None:
    from phocap.accounts.permissions import covers, may_edit

    PersonYear.objects.create(person=after_line["people"][code], survey_year=YEAR,
                              current_class="5", class_level="primary", class_grade=5)
    user = make_user(role, unit_of(after_line))
    commune = after_line["communes"][code]
    assert (covers(user, commune), may_edit(user, commune)) == (reads, False)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    target = targets(after_line, code)
    person = Person.objects.get(pk=target["person"].pk)
    before = AuditEntry.objects.filter(action__in=["create", "update", "delete"]).count()
    if method == "GET":
        response = client.get(url(target))
        expected = ({403} if page in EDITOR_PAGES else {200}) if reads else {404}
    else:
        response = client.post(url(target), data(target) if callable(data) else data)
        expected = {403} if reads else {404}
    assert response.status_code in expected, response.status_code
    assert AuditEntry.objects.filter(action__in=["create", "update", "delete"]).count() == before
    assert Person.objects.get(pk=person.pk).full_name == person.full_name
    if not reads:
        assert person.full_name.encode() not in response.content


def test_a_new_province_opens_an_old_district_of_its_predecessor(after_line: Any,
                                                                   make_user: Any) -> None:
    client = signed_in(make_user, "province_reviewer", after_line["new"]["province"])
    for district in after_line["districts"]:
        assert client.get(f"/units/{district.pk}/").status_code == 200
    assert client.get(f"/units/{after_line['province'].pk}/").status_code == 200
    far = after_line["communes"]["00001"]
    assert client.get(f"/units/{far.parent_id}/").status_code == 404
    assert client.get(f"/units/{far.pk}/").status_code == 404


def school_reads(tree: dict[str, Any], login: str, page: str,
                 target: dict[str, Any]) -> tuple[int, bytes]:
    client = Client()
    client.force_login(tree["logins"][login])
    response = client.get(next(url for name, _, url, _ in READS if name == page)(target))
    return response.status_code, response.content


@pytest.mark.parametrize("login", ["own", "other"])
@pytest.mark.parametrize("pupil", ["own", "other", "none"])
@pytest.mark.parametrize("page", sorted(PERSON_PAGES - EDITOR_PAGES))
def test_a_school_reads_its_own_pupils_only(two_schools: Any, login: str, pupil: str,
                                            page: str) -> None:
    """The primary school's and the preschool's accounts each open their own pupil's person
    and household pages; another school's pupil and a person on no class list do not exist
    for them, although all three live in the school's commune."""
    person = two_schools["pupils"][pupil]
    target = {"commune": person.household.commune, "person": person,
              "household": person.household}
    status, content = school_reads(two_schools, login, page, target)
    assert status == (200 if login == pupil else 404)
    if status == 404:
        assert person.full_name.encode() not in content


@pytest.mark.parametrize("login", ["own", "other"])
@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(("page", "method", "url", "data"), READS, ids=[p[0] for p in READS])
def test_school_accounts_never_cross_scope(two_schools: Any, login: str, code: str, page: str,
                                           method: str, url: Any, data: Any) -> None:
    """Every page × own commune, sibling, other district, other province, for both schools'
    accounts: the commune-wide pages refuse them, the other communes do not exist, and no
    page of their commune shows a person who is not their pupil."""
    status, content = school_reads(two_schools, login, page, targets(two_schools, code))
    if code != "03319":
        assert status == 404
    elif page in WHOLE_UNIT_PAGES or page in EDITOR_PAGES - PERSON_PAGES:
        assert status == 403
    elif page in PERSON_PAGES:
        assert status == (200 if login == "own" and page not in EDITOR_PAGES
                          else 403 if login == "own" else 404)
    else:
        assert status == 200
    mine = two_schools["pupils"][login]
    for key, person in two_schools["pupils"].items():
        if key != login:
            assert person.full_name.encode() not in content, (key, page)
    if status == 200 and page in ("unit", "unit-households"):
        assert mine.household.household_no.encode() in content


def test_a_schools_household_page_shows_its_pupil_not_the_other_members(
        two_schools: Any) -> None:
    from phocap.register.models import Person

    pupil = two_schools["pupils"]["own"]
    parent = Person.objects.create(household=pupil.household, person_no=2,
                                   full_name="Cha Của Học Sinh", birth_year=1980, sex="nam")
    status, content = school_reads(two_schools, "own", "household",
                                   {"household": pupil.household})
    assert status == 200
    assert pupil.full_name.encode() in content and parent.full_name.encode() not in content
    status, _ = school_reads(two_schools, "own", "person",
                             {"person": parent})
    assert status == 404


def test_parent_unit_pages_are_not_found_for_a_commune(surveyed: Any, make_user: Any) -> None:
    client = signed_in(make_user, "commune_staff", surveyed["communes"]["03319"])
    for unit in (surveyed["districts"][0], surveyed["province"]):
        for url in (f"/units/{unit.pk}/", f"/units/{unit.pk}/results/",
                    f"/units/{unit.pk}/audit/", f"/units/{unit.pk}/export.xlsx",
                    f"/units/{unit.pk}/forms/", f"/units/{unit.pk}/forms/TH-02/",
                    f"/units/{unit.pk}/forms.xlsx"):
            assert client.get(url).status_code == 404, url


def test_district_reviewer_cannot_open_the_province(surveyed: Any, make_user: Any) -> None:
    client = signed_in(make_user, "district_reviewer", surveyed["districts"][0])
    assert client.get(f"/units/{surveyed['districts'][0].pk}/?year={YEAR}").status_code == 200
    assert client.get(f"/units/{surveyed['province'].pk}/").status_code == 404
    assert client.get(f"/units/{surveyed['districts'][1].pk}/").status_code == 404


def test_anonymous_is_sent_to_login(surveyed: Any) -> None:
    person = surveyed["people"]["03319"]
    response = Client().get(f"/persons/{person.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# Import jobs belong to the officer who uploaded them; reviewers over the commune read them.
IMPORT_READERS = {"district_reviewer", "province_reviewer"}


@pytest.fixture
def jobs(surveyed: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """A previewed import job of each commune's own officer (never committed here)."""
    from phocap.accounts.models import User
    from phocap.register.models import ImportJob

    found = {}
    for code, commune in surveyed["communes"].items():
        owner = User.objects.create_user(username=f"chu-tep-{code}", password=PASSWORD,
                                         role="commune_staff", unit=commune)
        job = ImportJob.objects.create(user=owner, unit=commune, path="/nonexistent.csv",
                                       file_name=f"{code}.csv", survey_year=YEAR,
                                       status=ImportJob.Status.PREVIEWED,
                                       preview={"new": 0, "changed": 0, "unchanged": 0,
                                                "missing": 0, "sample": []})
        job.communes.add(commune)
        found[code] = (owner, job)
    return found


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("code", CODES)
def test_import_jobs_never_cross_scope(surveyed: Any, jobs: dict[str, Any], make_user: Any,
                                       role: str, unit_of: Any, code: str) -> None:
    """Someone else's job: readable by the reviewers over its commune, committed by nobody."""
    from phocap.register.models import ImportJob

    client = signed_in(make_user, role, unit_of(surveyed))
    job = jobs[code][1]
    reads = role in IMPORT_READERS and code in COVERS[role]
    for url in (f"/imports/{job.pk}/", f"/imports/{job.pk}/progress/"):
        assert client.get(url).status_code == (200 if reads else 404), url
    refused = client.post(f"/imports/{job.pk}/commit/")
    assert refused.status_code == (403 if reads else 404)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.PREVIEWED
    assert client.get("/imports/new/").status_code == (200 if role == "commune_staff" else 403)
    listing = client.get("/imports/")
    if listing.status_code == 200 and not reads:
        assert job.file_name.encode() not in listing.content


def test_every_route_is_in_a_scope_matrix() -> None:
    """A new page cannot slip in untested: each named route is in this module's matrix or
    in the named module that holds its own (role × own/sibling/parent) matrix; and each
    operation of the REST API is in tests/web/test_api.py's matrix."""
    from pathlib import Path

    from django.urls import get_resolver

    elsewhere = {
        "duplicates": "test_duplicates.py", "duplicates-merge": "test_duplicates.py",
        "admin-users": "test_admin_pages.py", "admin-user-new": "test_admin_pages.py",
        "admin-user-edit": "test_admin_pages.py", "admin-difficult": "test_admin_pages.py",
        "import-report": "test_import_pages.py",
        "dossier-list": "test_recognition.py", "dossier": "test_recognition.py",
        "dossier-pdf": "test_recognition.py",
        "queue": "test_recognition.py",
        "dashboard-mobilisation": "test_dashboard.py", "dashboard-trends": "test_dashboard.py",
        "dashboard-target-history": "test_dashboard.py",
        "attendance-school": "test_attendance_pages.py",
        "attendance-import": "test_attendance_pages.py",
        "attendance-day": "test_attendance_pages.py",
        "attendance-pupil": "test_attendance_pages.py",
        "attendance-commune": "test_attendance_pages.py",
        "attendance-mine": "test_attendance_pages.py",
        "attendance-calendar": "test_attendance_pages.py",
        "attendance-at-risk-export": "test_attendance_pages.py",
        "attendance-unit": "test_landings.py",
        "national": "test_landings.py", "decided": "test_landings.py",
        **{name: "test_schools_pages.py" for name in (
            "unit-schools", "school-new", "unit-reconcile", "school",
            "school-edit", "school-year", "school-staff-new", "school-site-new",
            "school-class-new", "school-class-list-import", "school-reconcile", "staff-edit",
            "school-class")},
        "streaming-rates": "test_streaming.py", "streaming-targets": "test_streaming.py",
        "streaming-destinations": "test_streaming.py", "streaming-guidance": "test_streaming.py",
        "streaming-guidance-new": "test_streaming.py", "streaming-labour": "test_streaming.py",
        "streaming-labour-new": "test_streaming.py",
        # Across 1 July 2025: units of both lists, the new ones continuing the old.
        "unit-crossing": "test_crossing_pages.py", "unit-village-homes": "test_crossing_pages.py",
        # The survey round (issue 17): the commune's, the surveyor's, the district's or
        # province's pages, with the surveyor's column.
        "round": "test_rounds.py", "round-surveyors": "test_rounds.py",
        "round-overview": "test_rounds.py", "round-mine": "test_rounds.py",
        # One's own second factor: province and ministry accounts only, each its own secret.
        "two-factor": "test_two_factor.py", "login-code": "test_two_factor.py",
        # Signing in and out and the language switch show no one's data.
        "login": None, "logout": None, "set_language": None, "home": None,
    }
    here = {name.split(":")[0] for name, *_ in PAGES} | {
        "import-detail", "import-progress", "import-commit", "import-new", "import-list"}
    names = {key for key in get_resolver().reverse_dict if isinstance(key, str)}
    assert {"unit", "person", "import-detail", "duplicates"} <= names
    api = {n for n in names if n.startswith("api-v1") or "openapi" in n}
    missing = names - api - here - set(elsewhere)
    assert not missing, f"pages without a scope test: {sorted(missing)}"
    folder = Path(__file__).parent
    for name, module in elsewhere.items():
        if module is not None:
            assert name in (folder / module).read_text(), f"{name} not tested in {module}"
    # The API's operations (uploads included) are routes too: each is a row of
    # tests/web/test_api.py's API_MATRIX, and each row names a real operation.
    from phocap.api import api as api_v1
    from tests.web.test_api import API_MATRIX

    operations = {operation.view_func.__name__
                  for _, router in api_v1._routers
                  for view in router.path_operations.values()
                  for operation in view.operations}
    assert {"households", "import_file", "person"} <= operations
    missing = operations - set(API_MATRIX)
    assert not missing, f"API operations without a scope test: {sorted(missing)}"
    assert set(API_MATRIX) <= operations, sorted(set(API_MATRIX) - operations)


def test_vietnamese_unless_english_is_chosen(surveyed: Any) -> None:
    """A browser asking for English still gets Vietnamese until the user switches."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in client.get("/login/").content.decode()


def test_a_commune_page_leads_to_every_part_of_the_commune(surveyed: Any, make_user: Any
                                                           ) -> None:
    """Results, trends, forms, schools, attendance and streaming are one click away; the
    ministry viewer, who reads no one's attendance, gets no link to it."""
    commune = surveyed["communes"]["03319"]
    for role, attendance in (("commune_staff", True), ("ministry_viewer", False)):
        page = signed_in(make_user, role, commune if role != "ministry_viewer" else None).get(
            f"/units/{commune.pk}/?year={YEAR}").content.decode()
        for path in ("results/", "trends/", "forms/", "schools/", "streaming/"):
            assert f"/units/{commune.pk}/{path}" in page, (role, path)
        assert (f"/attendance/communes/{commune.pk}/" in page) is attendance, role


def test_a_school_staff_member_finds_their_attendance_in_the_menu(surveyed: Any,
                                                                  make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    page = signed_in(make_user, "school_staff", commune).get("/", follow=True).content.decode()
    assert 'href="/attendance/mine/"' in page
    page = signed_in(make_user, "commune_staff", commune).get("/", follow=True).content.decode()
    assert 'href="/attendance/mine/"' not in page
