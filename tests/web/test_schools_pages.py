"""The school pages' scope matrix: every route × role × own/sibling/other-district commune.

Each commune of the `tree` gets a school with a site, a class of 2021 with one
pupil ("Học Sinh <code>") and a teacher. The school staff account of 03319 is
linked to 03319's school, so it keeps that school and sees no other. Refusals are
404 (outside the user's units) or 403 (inside, but not theirs to do), and never
carry the pupil's name; a refused write changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from phocap.register.models import AuditEntry
from phocap.schools.models import (
    Enrolment,
    School,
    SchoolClass,
    SchoolSite,
    SchoolYearFacts,
    Staff,
)
from tests.web.roles import COVERS, PASSWORD, ROLES

YEAR = 2021
FIXTURES = Path(__file__).parent.parent / "fixtures" / "schools"


@pytest.fixture
def schools(surveyed: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for code, commune in surveyed["communes"].items():
        school = School.objects.create(code=f"S{code}", name=f"Trường {code}", level="primary",
                                       commune=commune)
        site = SchoolSite.objects.create(school=school, name="Điểm chính", main=True)
        teacher = Staff.objects.create(school=school, full_name=f"Giáo Viên {code}",
                                       role="teacher", subject="class")
        klass = SchoolClass.objects.create(school=school, site=site, school_year=YEAR,
                                           name="5A", grade="5", homeroom=teacher)
        Enrolment.objects.create(klass=klass, pupil_no=1, full_name=f"Học Sinh {code}",
                                 birth_year=2010, sex="nam")
        found[code] = {"commune": commune, "school": school, "class": klass, "staff": teacher}
    return found


def signed_in(make_user: Any, schools: dict[str, Any], role: str, unit: Any) -> Client:
    user = make_user(role, unit)
    if role == "school_staff":
        Staff.objects.create(school=schools["03319"]["school"], full_name="Cô Trường",
                             role="teacher", subject="class", user=user)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# Route name → (method, URL from the commune's objects, form data, kind).
# Kinds: "summary" (aggregates, the ministry viewer reads them), "school" (a school's pages
# with names), "commune-people" (a commune's people, not for a school's staff), "list" (the
# commune's list of schools and officer: commune staff), "details" (a school's own records:
# its staff or the commune's).
PAGES: list[tuple[str, str, Any, Any, str]] = [
    ("unit-schools", "GET", lambda t: f"/units/{t['commune'].pk}/schools/?year={YEAR}", {},
     "summary"),
    ("school", "GET", lambda t: f"/schools/{t['school'].pk}/?year={YEAR}", {}, "school"),
    ("school-class", "GET", lambda t: f"/classes/{t['class'].pk}/", {}, "school"),
    ("school-reconcile", "GET", lambda t: f"/schools/{t['school'].pk}/reconcile/?year={YEAR}",
     {}, "school"),
    ("school-reconcile:csv", "GET",
     lambda t: f"/schools/{t['school'].pk}/reconcile/?year={YEAR}&format=csv", {}, "school"),
    ("unit-reconcile", "GET", lambda t: f"/units/{t['commune'].pk}/reconcile/?year={YEAR}", {},
     "commune-people"),
    ("unit-reconcile:csv", "GET",
     lambda t: f"/units/{t['commune'].pk}/reconcile/?year={YEAR}&format=csv-pupils", {},
     "commune-people"),
    ("school-new", "GET", lambda t: f"/units/{t['commune'].pk}/schools/new/", {}, "list"),
    ("school-edit", "GET", lambda t: f"/schools/{t['school'].pk}/edit/", {}, "details"),
    ("school-year", "GET", lambda t: f"/schools/{t['school'].pk}/year/?year={YEAR}", {},
     "details"),
    ("school-staff-new", "GET", lambda t: f"/schools/{t['school'].pk}/staff/new/", {},
     "details"),
    ("staff-edit", "GET", lambda t: f"/staff/{t['staff'].pk}/edit/", {}, "details"),
    ("school-site-new", "GET", lambda t: f"/schools/{t['school'].pk}/sites/new/", {},
     "details"),
    ("school-class-new", "GET", lambda t: f"/schools/{t['school'].pk}/classes/new/?year={YEAR}",
     {}, "details"),
    ("school-class-list-import", "GET",
     lambda t: f"/schools/{t['school'].pk}/class-lists/import/?year={YEAR}", {}, "details"),
    ("school-new:post", "POST", lambda t: f"/units/{t['commune'].pk}/schools/new/",
     lambda t: {"code": "NEW01", "name": "Trường Mới", "level": "preschool", "public": "on",
                "national_standard_level": "0", "accreditation_level": "0"}, "list"),
    ("school-edit:post", "POST", lambda t: f"/schools/{t['school'].pk}/edit/",
     lambda t: {"code": t["school"].code, "name": t["school"].name, "level": "primary",
                "public": "on", "national_standard_level": "1",
                "national_standard_decision": "99/QĐ-UBND", "national_standard_date": "2021-05-04",
                "accreditation_level": "2", "version": "1"}, "details"),
    ("school-year:post", "POST", lambda t: f"/schools/{t['school'].pk}/year/?year={YEAR}",
     lambda t: {"classrooms": "3", "semi_boarding_pupils": "10", "boarding_pupils": "0",
                "monitoring_person": "Lò Văn Theo", "monitoring_decision": "12/QĐ-HT",
                "version": "0"}, "details"),
    ("school-staff-new:post", "POST", lambda t: f"/schools/{t['school'].pk}/staff/new/",
     lambda t: {"full_name": "Giáo Viên Mới", "role": "teacher", "subject": "english",
                "qualification": "standard", "active": "on"}, "details"),
    ("staff-edit:post", "POST", lambda t: f"/staff/{t['staff'].pk}/edit/",
     lambda t: {"full_name": "Giáo Viên Đổi Tên", "role": "teacher", "subject": "class",
                "qualification": "above", "active": "on", "version": "1"}, "details"),
    ("school-site-new:post", "POST", lambda t: f"/schools/{t['school'].pk}/sites/new/",
     lambda t: {"name": "Điểm bản Xa", "distance_km": "7,5"}, "details"),
    ("school-class-new:post", "POST",
     lambda t: f"/schools/{t['school'].pk}/classes/new/?year={YEAR}",
     lambda t: {"name": "4A", "grade": "4", "site": "", "homeroom": str(t["staff"].pk)},
     "details"),
    ("school-class:post", "POST", lambda t: f"/classes/{t['class'].pk}/",
     lambda t: {"full_name": "Em Mới Vào", "birth_year": "2010", "sex": "nữ"}, "details"),
    ("school-class-list-import:post", "POST",
     lambda t: f"/schools/{t['school'].pk}/class-lists/import/?year={YEAR}",
     lambda t: {"file": SimpleUploadedFile("lop.csv", (FIXTURES / "class-list.csv")
                                           .read_bytes())}, "details"),
]
READS = [p for p in PAGES if p[1] == "GET"]
WRITES = [p for p in PAGES if p[1] == "POST"]


def allowed(role: str, kind: str, code: str) -> bool:
    """Whether the role may do what the route does in the commune."""
    own = code in COVERS[role]
    if kind == "summary":
        return own or role == "ministry_viewer"
    if role == "ministry_viewer":
        return False
    if kind == "school":
        return own
    if kind == "commune-people":
        return own and role != "school_staff"
    if kind == "list":
        return own and role == "commune_staff"
    return own and role in ("commune_staff", "school_staff")


def refusal(role: str, code: str) -> set[int]:
    return {403, 404} if role == "ministry_viewer" or code in COVERS[role] else {404}


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("code", ["03319", "03322", "03370"])
@pytest.mark.parametrize(("page", "method", "url", "data", "kind"), READS,
                         ids=[p[0] for p in READS])
def test_reads_never_cross_scope(schools: dict[str, Any], make_user: Any, role: str,
                                 unit_of: Any, code: str, page: str, method: str, url: Any,
                                 data: Any, kind: str) -> None:
    client = signed_in(make_user, schools, role, unit_of(_tree(schools)))
    response = client.get(url(schools[code]))
    expected = {200} if allowed(role, kind, code) else refusal(role, code)
    assert response.status_code in expected, (response.status_code, expected)
    if response.status_code != 200:
        assert f"Học Sinh {code}".encode() not in response.content


def _tree(schools: dict[str, Any]) -> dict[str, Any]:
    """The `tree` shape roles.ROLES reads the user's unit from."""
    commune = schools["03319"]["commune"]
    district = commune.parent
    other = schools["03370"]["commune"].parent
    return {"communes": {c: s["commune"] for c, s in schools.items()},
            "districts": (district, other), "province": district.parent}


def counts() -> tuple[int, ...]:
    return (School.objects.count(), SchoolSite.objects.count(), Staff.objects.count(),
            SchoolClass.objects.count(), Enrolment.objects.count(),
            SchoolYearFacts.objects.count(),
            AuditEntry.objects.count())


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("code", ["03319", "03322", "03370"])
@pytest.mark.parametrize(("page", "method", "url", "data", "kind"), WRITES,
                         ids=[p[0] for p in WRITES])
def test_writes_only_by_whoever_keeps_the_record(
        schools: dict[str, Any], make_user: Any, role: str, unit_of: Any, code: str, page: str,
        method: str, url: Any, data: Any, kind: str) -> None:
    client = signed_in(make_user, schools, role, unit_of(_tree(schools)))
    before = counts()
    staff_name = Staff.objects.get(pk=schools[code]["staff"].pk).full_name
    response = client.post(url(schools[code]), data(schools[code]))
    if allowed(role, kind, code):
        assert response.status_code in (200, 302), response.content.decode()[:3000]
        assert counts()[-1] > before[-1], "the change is audited"
        return
    assert response.status_code in refusal(role, code)
    assert f"Học Sinh {code}".encode() not in response.content
    assert counts() == before
    assert Staff.objects.get(pk=schools[code]["staff"].pk).full_name == staff_name


def test_a_school_staff_member_is_offered_only_their_own_school(
        schools: dict[str, Any], make_user: Any) -> None:
    commune = schools["03319"]["commune"]
    other = School.objects.create(code="S03319B", name="Trường Khác", level="preschool",
                                  commune=commune)
    client = signed_in(make_user, schools, "school_staff", commune)
    page = client.get(f"/units/{commune.pk}/schools/?year={YEAR}").content.decode()
    assert f'href="/schools/{schools["03319"]["school"].pk}/' in page
    assert "Trường Khác" in page and f'href="/schools/{other.pk}/' not in page
    assert client.get(f"/schools/{other.pk}/").status_code == 404


def test_a_school_keeps_its_details_but_not_the_communes_list(
        schools: dict[str, Any], make_user: Any) -> None:
    """The school's staff set its national standard; its name and code stay the commune's."""
    school = schools["03319"]["school"]
    client = signed_in(make_user, schools, "school_staff", schools["03319"]["commune"])
    response = client.post(f"/schools/{school.pk}/edit/", {
        "code": "DOI", "name": "Tên Khác", "level": "preschool",
        "national_standard_level": "1", "national_standard_decision": "5/QĐ-UBND",
        "accreditation_level": "1", "version": "1"})
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.code, school.name, school.level) == ("S03319", "Trường 03319", "primary")
    assert (school.national_standard_level, school.accreditation_level, school.version) == (
        1, 1, 2)
    stale = client.post(f"/schools/{school.pk}/edit/", {
        "national_standard_level": "2", "national_standard_decision": "6/QĐ-UBND",
        "accreditation_level": "1", "version": "1"})
    assert stale.status_code == 400 and "vừa được người khác sửa" in stale.content.decode()
    school.refresh_from_db()
    assert school.national_standard_level == 1
