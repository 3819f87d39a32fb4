"""Every write leaves an audit entry, and a write of a commune's data raises its revision.

The cached results (register/results.py) are keyed on each commune's revision,
which only register/audit.py raises, with the entry it writes
(tests/test_architecture.py checks that nothing else writes one). So a write
path that skipped the audit would leave the results stale without a sound. Here
every route that takes a POST (found from the URL resolver) and every REST
operation that writes is run once with valid input by a user allowed to do it,
and must leave an entry and, for a commune's data, a higher revision of the
commune. A route that writes nothing of anyone's data is listed with the reason.
"""

from __future__ import annotations

import inspect
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from phocap.accounts import totp
from phocap.accounts.models import User
from phocap.register import revisions
from phocap.register.models import (
    AdministrativeUnit,
    AuditEntry,
    ImportJob,
    PersonYear,
    Village,
)
from phocap.schools.models import Enrolment, School, SchoolClass, SchoolSite, Staff
from tests.web.import_helpers import commune_csv
from tests.web.test_api import bearer, commune_file
from tests.web.test_pages import WRITES as REGISTER_WRITES
from tests.web.test_pages import targets
from tests.web.test_rounds import build_field
from tests.web.test_schools_pages import WRITES as SCHOOL_WRITES
from tests.web.test_streaming import WRITES as STREAMING_WRITES

YEAR = 2021
STRONG = "Ngay-mai-troi-lai-sang-2025"

# POST routes that write nothing of a commune's data nor an account, and why.
NOT_AUDITED = {
    "set_language": "remembers the interface language in a cookie",
    "login": "signs in: a session, and the throttle's counters",
    "login-code": "signs in with the second factor: a session, and the throttle's counters",
    "logout": "ends a session",
    "import-new": "an upload is only checked and previewed (its preview logged as a read by "
                  "audit.exported); the register changes at import-commit, run below",
    "dossier-list": "a dossier's workflow, with its own history (DossierEvent); it freezes "
                    "the year but changes no record (the pinned identity is a copy, and a "
                    "release raises the revisions itself, recognition/freeze.py)",
    "dossier": "the same dossier workflow: return, resubmit, decide (DossierEvent)",
    "dashboard-mobilisation": "a unit's plan targets, with their own history "
                              "(PlanTargetChange); no cached result reads them",
}


@dataclass
class Write:
    """One write to try: who, what request, and whose data it changes (None: no commune's)."""

    user: Any
    url: str
    data: Any = field(default_factory=dict)
    commune: Any = None
    method: str = "post"
    api: bool = False


@pytest.fixture
def world(surveyed: dict[str, Any], make_user: Any, settings: Any, tmp_path: Any,
          monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
          ) -> dict[str, Any]:
    """Commune 03319 of the tree with a primary school (a site, a teacher whose login is
    the school's staff account, a class of 2021 with one pupil) and its commune staff."""
    settings.VAR_DIR = tmp_path
    commune = surveyed["communes"]["03319"]
    school = School.objects.create(code="S03319", name="Trường 03319", level="primary",
                                   commune=commune)
    site = SchoolSite.objects.create(school=school, name="Điểm chính", main=True)
    keeper = make_user("school_staff", commune)
    staff = Staff.objects.create(school=school, full_name="Giáo Viên 03319", role="teacher",
                                 subject="class", user=keeper)
    klass = SchoolClass.objects.create(school=school, site=site, school_year=YEAR, name="5A",
                                       grade="5", homeroom=staff)
    pupil = Enrolment.objects.create(klass=klass, pupil_no=1, full_name="Học Sinh 03319",
                                     birth_year=2010, sex="nam",
                                     village=commune.villages.first())
    return surveyed | {"commune": commune, "school": school, "class": klass, "staff": staff,
                       "pupil": pupil, "keeper": keeper, "make_user": make_user,
                       "officer": make_user("commune_staff", commune),
                       "capture": django_capture_on_commit_callbacks}


def register_write(name: str) -> Callable[[dict[str, Any]], Write]:
    _, _, url, data = next(row for row in REGISTER_WRITES if row[0] == f"{name}:post")

    def make(w: dict[str, Any]) -> Write:
        target = targets(w, "03319")
        return Write(w["officer"], url(target), data(target) if callable(data) else data,
                     w["commune"])
    return make


def school_write(name: str) -> Callable[[dict[str, Any]], Write]:
    _, _, url, data, kind = next(row for row in SCHOOL_WRITES if row[0] == f"{name}:post")

    def make(w: dict[str, Any]) -> Write:
        writer = w["officer"] if kind == "list" else w["keeper"]
        return Write(writer, url(w), data(w), w["commune"])
    return make


def streaming_write(name: str) -> Callable[[dict[str, Any]], Write]:
    _, _, url, data = next(row for row in STREAMING_WRITES if row[0] == f"{name}:post")

    def make(w: dict[str, Any]) -> Write:
        """A lower secondary school whose grade-9 pupil is the register's person, who is
        at a vocational school the next year (as tests/web/test_streaming.py builds it)."""
        person = w["people"]["03319"]
        PersonYear.objects.create(person=person, survey_year=YEAR + 1, current_class="TC",
                                  thcs_graduated=YEAR + 1)
        school = School.objects.create(code="THCS03319", name="Trường THCS 03319",
                                       level="lower_secondary", commune=w["commune"])
        keeper = User.objects.create_user(username="truong-thcs", password=STRONG,
                                          role="school_staff", unit=w["commune"])
        Staff.objects.create(school=school, full_name="Cô Giáo", role="teacher", user=keeper)
        klass = SchoolClass.objects.create(school=school, school_year=YEAR, name="9A",
                                           grade="9")
        pupil = Enrolment.objects.create(klass=klass, person=person, pupil_no=1,
                                         full_name=person.full_name, birth_year=2006,
                                         sex="nam")
        target = {"commune": w["commune"], "school": school, "pupil": pupil}
        writer = w["officer"] if name == "streaming-labour-new" else keeper
        return Write(writer, url(target), data(target), w["commune"])
    return make


def attendance_day(w: dict[str, Any]) -> Write:
    return Write(w["keeper"], f"/attendance/classes/{w['class'].pk}/2021-09-06/",
                 {f"s-{w['pupil'].pk}": "unexcused"}, w["commune"])


def attendance_pupil(w: dict[str, Any]) -> Write:
    return Write(w["keeper"], f"/attendance/pupils/{w['pupil'].pk}/",
                 {"date": "2021-09-07", "kind": "home_visit", "outcome": "returned"},
                 w["commune"])


def attendance_calendar(w: dict[str, Any]) -> Write:
    return Write(w["keeper"], f"/attendance/schools/{w['school'].pk}/calendar/?year={YEAR}",
                 {"first_day": "2021-09-06", "last_day": "2022-05-31",
                  "tet_first_day": "2022-01-24", "tet_last_day": "2022-02-06"}, w["commune"])


def attendance_import(w: dict[str, Any]) -> Write:
    rows = "Lớp,STT,Ngày,Trạng thái\n5A,1,06/09/2021,K\n"
    return Write(w["keeper"], f"/attendance/schools/{w['school'].pk}/import/",
                 {"file": SimpleUploadedFile("chuyen-can.csv", rows.encode())}, w["commune"])


def ministry_figures(w: dict[str, Any]) -> Write:
    """The commune officer types one of the ministry's figures of a form."""
    return Write(w["officer"], f"/units/{w['commune'].pk}/forms/TH-M1/reconcile/?year={YEAR}",
                 {"c:in_scope:a11": "1"}, w["commune"])


def import_commit(w: dict[str, Any]) -> Write:
    """The officer's file of 03319, uploaded and previewed first (import-new)."""
    client = Client()
    client.force_login(w["officer"])
    with w["capture"](execute=True):
        uploaded = client.post(reverse("import-new"), {
            "file": SimpleUploadedFile("xa-03319.csv", commune_csv()), "survey_year": YEAR})
    assert uploaded.status_code == 302, uploaded.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.PREVIEWED, job.message
    return Write(w["officer"], reverse("import-commit", args=[job.pk]), {}, w["commune"])


def new_unit(code: str, name: str, type_: str, parent: Any = None) -> Any:
    """A unit of the list of 1 July 2025."""
    return AdministrativeUnit.objects.create(vintage="2025-07-01", code=code, name=name,
                                             type=type_, kind=name.split()[0], parent=parent)


def unit_crossing(w: dict[str, Any]) -> Write:
    """Xã Mường Pồn 03319 went wholly into the new Xã Mường Pồn 03202 (the conversion
    table): its person, given a record of 2024, crosses when 03202's staff confirm."""
    PersonYear.objects.create(person=w["people"]["03319"], survey_year=2024)
    new = new_unit("03202", "Xã Mường Pồn", "commune", new_unit("11", "Tỉnh Điện Biên",
                                                                   "province"))
    return Write(w["make_user"]("commune_staff", new), f"/units/{new.pk}/crossing/",
                 {"confirmed": "on"}, new)


def unit_village_homes(w: dict[str, Any]) -> Write:
    """Phường Ngọc Hà 00016 (in the tree's district 001) went in part into Phường Ba Đình
    00004 and in part into the new Phường Ngọc Hà 00008: Ba Đình's staff give its
    village a home."""
    old = AdministrativeUnit.objects.create(vintage="2025-01-04", code="00016",
                                            name="Phường Ngọc Hà", type="commune",
                                            kind="Phường",
                                            parent=w["communes"]["00001"].parent)
    village = Village.objects.create(commune=old, name="Tổ 1")
    hanoi = new_unit("01", "Thành phố Hà Nội", "province")
    ba_dinh = new_unit("00004", "Phường Ba Đình", "commune", hanoi)
    new_unit("00008", "Phường Ngọc Hà", "commune", hanoi)
    return Write(w["make_user"]("commune_staff", ba_dinh), f"/units/{old.pk}/village-homes/",
                 {f"home-{village.pk}": str(ba_dinh.pk)}, old)


def duplicates_merge(w: dict[str, Any]) -> Write:
    household = w["people"]["03319"].household
    twins = [household.members.create(person_no=n, full_name="Cà Thị Lan", birth_year=2015,
                                      sex="nữ") for n in (2, 3)]
    return Write(w["officer"], reverse("duplicates-merge", args=[w["commune"].pk]),
                 {"first": twins[0].pk, "first_version": 1, "second": twins[1].pk,
                  "second_version": 1, "keep": twins[0].pk}, w["commune"])


def admin_difficult(w: dict[str, Any]) -> Write:
    return Write(w["make_user"]("province_admin", w["province"]), reverse("admin-difficult"),
                 {"year": YEAR, "difficult": [w["commune"].pk]}, w["commune"])


def admin_user_new(w: dict[str, Any]) -> Write:
    return Write(w["make_user"]("province_admin", w["province"]), reverse("admin-user-new"),
                 {"username": "can-bo-moi", "full_name": "Cán Bộ Mới", "role": "commune_staff",
                  "unit": w["commune"].pk, "password1": STRONG, "password2": STRONG})


def admin_user_edit(w: dict[str, Any]) -> Write:
    return Write(w["make_user"]("province_admin", w["province"]),
                 reverse("admin-user-edit", args=[w["officer"].pk]),
                 {"full_name": "Tên Đã Đổi", "role": "commune_staff", "unit": w["commune"].pk,
                  "is_active": "on", "password1": "", "password2": ""})


def two_factor(w: dict[str, Any]) -> Write:
    """A province reviewer turns the second factor on with a code of the secret shown."""
    user = w["make_user"]("province_reviewer", w["province"])
    client = Client()
    client.force_login(user)
    page = client.get(reverse("two-factor")).content.decode()
    found = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page)
    assert found is not None
    secret = totp.decode(found.group(1).replace(" ", ""))
    return Write(user, reverse("two-factor"),
                 {"code": totp.totp(secret, timezone.now().timestamp())})


def streaming_targets(w: dict[str, Any]) -> Write:
    return Write(w["make_user"]("province_reviewer", w["province"]),
                 f"/units/{w['province'].pk}/streaming/targets/?year={YEAR}",
                 {"vocational-normal": "45", "vocational-difficult": "30"})


def api_update_person(w: dict[str, Any]) -> Write:
    person = w["people"]["03319"]
    return Write(w["officer"], f"/api/v1/persons/{person.pk}",
                 {"version": 1, "full_name": "Tên Mới"}, w["commune"], method="patch",
                 api=True)


def api_import_file(w: dict[str, Any]) -> Write:
    upload = io.BytesIO(commune_file("03319"))
    upload.name = "03319.csv"
    return Write(w["officer"], "/api/v1/imports", {"file": upload}, w["commune"], api=True)


# Route name (or API operation) → the write to try.
def round_open(w: dict[str, Any]) -> Write:
    return Write(w["officer"], f"/units/{w['commune'].pk}/round/?year={YEAR}",
                 {"action": "open", "deadline": "30/11/2021"}, w["commune"])


def round_surveyors(w: dict[str, Any]) -> Write:
    return Write(w["officer"], f"/units/{w['commune'].pk}/surveyors/",
                 {"username": "dtv-moi", "full_name": "Lò Văn Điều", "password1": STRONG,
                  "password2": STRONG})


def round_mine(w: dict[str, Any]) -> Write:
    found = build_field(w, w["make_user"])
    return Write(found["surveyor"], "/round/mine/",
                 {"household": found["homes"]["A1"].pk, "outcome": "unchanged",
                  "version": "0"}, w["commune"])


def round_overview(w: dict[str, Any]) -> Write:
    found = build_field(w, w["make_user"])
    return Write(w["make_user"]("province_reviewer", w["province"]),
                 f"/units/{w['province'].pk}/rounds/?year={YEAR}",
                 {"round": found["round"].pk, "text": "Đề nghị xã hoàn thành."}, w["commune"])


def api_record_visit(w: dict[str, Any]) -> Write:
    found = build_field(w, w["make_user"])
    return Write(found["surveyor"], "/api/v1/round/visits",
                 {"cid": "6f1c2a52-3f7e-4f53-9a59-0b7f0c3d9e11",
                  "h": found["homes"]["A1"].pk, "o": "unchanged", "v": 0}, w["commune"],
                 method="post-json", api=True)


WRITES: dict[str, Callable[[dict[str, Any]], Write]] = {
    **{name: register_write(name) for name in (
        "household-new", "household-edit", "person", "person-move", "person-new",
        "unit-rollover")},
    **{name: school_write(name) for name in (
        "school-new", "school-edit", "school-year",
        "school-staff-new", "staff-edit", "school-site-new", "school-class-new",
        "school-class", "school-class-list-import")},
    **{name: streaming_write(name) for name in (
        "streaming-destinations", "streaming-guidance-new", "streaming-labour-new")},
    "streaming-targets": streaming_targets,
    "attendance-day": attendance_day,
    "attendance-pupil": attendance_pupil,
    "attendance-calendar": attendance_calendar,
    "attendance-import": attendance_import,
    "import-commit": import_commit,
    "unit-form-reconcile": ministry_figures,
    "unit-crossing": unit_crossing,
    "unit-village-homes": unit_village_homes,
    "duplicates-merge": duplicates_merge,
    "admin-difficult": admin_difficult,
    "admin-user-new": admin_user_new,
    "admin-user-edit": admin_user_edit,
    "two-factor": two_factor,
    "api:update_person": api_update_person,
    "api:import_file": api_import_file,
    "round": round_open,
    "round-surveyors": round_surveyors,
    "round-mine": round_mine,
    "round-overview": round_overview,
    "api:record_visit": api_record_visit,
}
# API operations that write nothing of anyone's data, and why.
API_NOT_AUDITED = {"api:token": "exchanges a password for a token (the throttle's counters)"}


def named_routes(patterns: list[Any]) -> Iterator[URLPattern]:
    """The named pages; the REST API's routes are its operations, taken from the API."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) != "api/v1/":
                yield from named_routes(pattern.url_patterns)
        elif pattern.name:
            yield pattern


def takes_post(pattern: URLPattern) -> bool:
    """Whether a page's view handles a POST: a class-based view with a post method, or a
    view function whose source reads one (``request.POST``, ``require_http_methods``)."""
    view = pattern.callback
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    return "POST" in inspect.getsource(inspect.unwrap(view))


def test_every_post_route_and_writing_api_operation_is_tried_or_excused() -> None:
    from phocap.api import api

    routes = {p.name for p in named_routes(get_resolver().url_patterns)}
    posting = {p.name for p in named_routes(get_resolver().url_patterns) if takes_post(p)}
    assert {"person", "admin-difficult", "import-commit", "login"} <= posting
    assert "unit-audit" in routes - posting  # a page that only reads
    writing_api = {f"api:{operation.view_func.__name__}"
                   for _, router in api._routers
                   for view in router.path_operations.values()
                   for operation in view.operations
                   if set(operation.methods) - {"GET"}}
    assert posting | writing_api == set(WRITES) | set(NOT_AUDITED) | set(API_NOT_AUDITED)


@pytest.mark.parametrize("route", sorted(WRITES))
def test_a_write_is_audited_and_raises_its_communes_revision(world: dict[str, Any],
                                                             route: str) -> None:
    write = WRITES[route](world)
    client = Client()
    headers: dict[str, str] = {}
    if write.api:
        headers = bearer(write.user)
    else:
        client.force_login(write.user)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    commune_ids = sorted({world["commune"].pk} | ({write.commune.pk} if write.commune else set()))
    before = revisions.of(commune_ids)
    with world["capture"](execute=True):
        if write.method in ("patch", "post-json"):  # a JSON body
            response = getattr(client, write.method.split("-")[0])(
                write.url, write.data, content_type="application/json", **headers)
        else:
            response = client.post(write.url, write.data, **headers)
    assert response.status_code in (200, 302), response.content.decode()[:3000]
    new = AuditEntry.objects.filter(pk__gt=last).exclude(action=AuditEntry.Action.EXPORT)
    if write.commune is None:
        assert new.filter(commune__isnull=True).exists(), "the change is audited"
        assert revisions.of(commune_ids) == before  # no commune's data changed
        return
    assert new.filter(commune=write.commune).exists(), "the change is audited"
    assert revisions.of(commune_ids)[write.commune.pk] > before[write.commune.pk]
