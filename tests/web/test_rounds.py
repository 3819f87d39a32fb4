"""The survey round (issue 17, point 1): its lifecycle, its progress counts, the surveyor's
scope (its assignment only, on every route and the API), the API for the offline app
(idempotent posts, conflicts, size), the province's list of the late, and the scope
matrix of the round's own routes: round, round-surveyors, round-overview, round-mine.

The field: commune 03319 with villages "Thôn A" (households A1, A2, A3) and "Thôn B"
(B1, B2), one person each with a 2021 record; its surveyor is assigned Thôn A and the
household B1, so four households (B2 is nobody's).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver

from phocap.accounts.models import User
from phocap.register.models import AuditEntry, Household, Person, PersonYear, Village
from phocap.rounds import services
from phocap.rounds.models import Reminder, SurveyRound, Visit
from tests.web.roles import COVERS, PASSWORD, ROLES, signed_in
from tests.web.test_api import bearer
from tests.web.test_pages import CODES as PAGE_CODES
from tests.web.test_pages import PAGES, targets

YEAR = 2021
LATE = dt.date(2021, 11, 30)  # long past
FUTURE = dt.date.today() + dt.timedelta(days=30)


def household(commune: Any, village: Village, number: str, name: str,
              people: int = 1) -> Household:
    found = Household.objects.create(commune=commune, village=village, household_no=number,
                                     head_name=name)
    for no in range(1, people + 1):
        person = Person.objects.create(household=found, person_no=no,
                                       full_name=name if no == 1 else f"{name} {no}",
                                       birth_year=2010, sex="nam", ethnicity="Thái")
        PersonYear.objects.create(person=person, survey_year=YEAR, current_class="5",
                                  class_level="primary", class_grade=5, residence="thường trú")
    return found


def build_field(tree: dict[str, Any], make_user: Any, deadline: dt.date = FUTURE
                ) -> dict[str, Any]:
    commune = tree["communes"]["03319"]
    a = Village.objects.create(commune=commune, name="Thôn A")
    b = Village.objects.create(commune=commune, name="Thôn B")
    homes = {f"A{i}": household(commune, a, f"000{i}", f"Chủ Hộ A{i}") for i in (1, 2, 3)}
    homes |= {f"B{i}": household(commune, b, f"000{i}", f"Chủ Hộ B{i}") for i in (1, 2)}
    officer = (User.objects.filter(role="commune_staff", unit=commune).first()
               or make_user("commune_staff", commune))
    surveyor = make_user("surveyor", commune)
    survey_round = services.open_round(officer, commune, YEAR, deadline)
    services.assign(officer, survey_round, surveyor, village=a)
    services.assign(officer, survey_round, surveyor, household=homes["B1"])
    return {"commune": commune, "villages": (a, b), "homes": homes, "officer": officer,
            "surveyor": surveyor, "round": survey_round}


@pytest.fixture
def field(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    return tree | build_field(tree, make_user)


def person_of(home: Household) -> Person:
    return Person.objects.get(household=home, person_no=1)


def test_progress_counts_by_village_and_surveyor(field: dict[str, Any]) -> None:
    """A1, A2 unchanged, A3 changed, B1 not found, B2 not visited.
    Thôn A: 3 households, 2 + 1 + 0 = 3 visited, 0 left; Thôn B: 2, 1 not found, 1 left;
    the commune: 5, 4 visited, 1 left; the surveyor (A1–A3, B1): 4, all 4 visited."""
    surveyor, homes = field["surveyor"], field["homes"]
    for name, outcome in (("A1", "unchanged"), ("A2", "unchanged"), ("A3", "changed"),
                          ("B1", "not_found")):
        services.record_visit(surveyor, homes[name].pk, outcome, 0)
    response = signed_in(field["officer"]).get(
        f"/units/{field['commune'].pk}/round/?year={YEAR}")
    assert response.status_code == 200
    progress = response.context["progress"]

    def counts(t: Any) -> tuple[int, ...]:
        return (t.total, t.visited, t.unchanged, t.changed, t.not_found, t.unvisited)

    assert {k: counts(t) for k, t in progress.by_village.items()} == {
        "Thôn A": (3, 3, 2, 1, 0, 0), "Thôn B": (2, 1, 0, 0, 1, 1)}
    assert counts(progress.total) == (5, 4, 2, 1, 1, 1)
    assert [(u.username, counts(t)) for u, t in progress.by_surveyor.items()] == [
        ("surveyor-03319", (4, 4, 2, 1, 1, 0))]
    page = response.content.decode()
    assert '<tfoot><tr><th>Cả xã</th><td class="num">5</td><td class="num">4</td>' in page


def test_round_lifecycle(tree: dict[str, Any], make_user: Any) -> None:
    """Opened for a year that exists, surveyor made, village assigned, visits, closing
    refused while one household is left (saying how many), then confirmed; every step
    audited; after closing the surveyor reads nothing."""
    commune = tree["communes"]["03319"]
    village = Village.objects.create(commune=commune, name="Thôn A")
    first, second = (household(commune, village, f"000{i}", f"Chủ Hộ {i}") for i in (1, 2))
    staff = make_user("commune_staff", commune)
    with pytest.raises(services.RoundRefused, match="chưa có dữ liệu năm 2022"):
        services.open_round(staff, commune, 2022, dt.date(2022, 11, 30))  # no roll-over yet
    officer = signed_in(staff)
    url = f"/units/{commune.pk}/round/?year={YEAR}"
    assert officer.post(url, {"action": "open", "deadline": "30/11/2021"}).status_code == 302
    survey_round = SurveyRound.objects.get()
    assert (survey_round.survey_year, survey_round.deadline) == (YEAR, dt.date(2021, 11, 30))
    made = officer.post(f"/units/{commune.pk}/surveyors/", {
        "username": "dtv-a", "full_name": "Lò Văn Điều", "password1": PASSWORD,
        "password2": PASSWORD})
    assert made.status_code == 302, made.content.decode()[:2000]
    surveyor = User.objects.get(username="dtv-a")
    assert (surveyor.role, surveyor.unit_id) == ("surveyor", commune.pk)
    assert officer.post(url, {"action": "assign", "assignee": surveyor.pk,
                              "village": village.pk}).status_code == 302
    field_client = signed_in(surveyor)
    mine = field_client.get("/round/mine/")
    assert "Chủ Hộ 1" in mine.content.decode() and "Chủ Hộ 2" in mine.content.decode()
    assert field_client.post("/round/mine/", {"household": first.pk, "outcome": "unchanged",
                                              "version": "0"}).status_code == 302
    refused = officer.post(url, {"action": "close", "version": "1"}, follow=True)
    assert "Còn 1 hộ chưa được thăm" in refused.content.decode()
    assert SurveyRound.objects.get().closed_at is None
    assert officer.post(url, {"action": "close", "version": "1",
                              "confirmed": "on"}).status_code == 302
    assert SurveyRound.objects.get().closed_at is not None
    models = set(AuditEntry.objects.values_list("model", "action"))
    assert {("surveyround", "create"), ("surveyround", "update"), ("user", "create"),
            ("assignment", "create"), ("visit", "create")} <= models
    assert field_client.get(f"/households/{second.pk}/").status_code == 404
    assert "Chủ Hộ 2" not in field_client.get("/round/mine/").content.decode()


def test_surveyor_reads_and_edits_only_its_assignment(field: dict[str, Any]) -> None:
    homes, commune = field["homes"], field["commune"]
    client = signed_in(field["surveyor"])
    assert client.get("/").url == "/round/mine/"
    a1, b2 = person_of(homes["A1"]), person_of(homes["B2"])
    for url in (f"/households/{homes['A1'].pk}/", f"/households/{homes['B1'].pk}/",
                f"/persons/{a1.pk}/?year={YEAR}", f"/households/{homes['A1'].pk}/edit/"):
        assert client.get(url).status_code == 200, url
    changed = client.post(f"/persons/{a1.pk}/?year={YEAR}", {
        "full_name": "Tên Đã Sửa", "birth_date": "2010", "sex": "nam", "current_class": "5",
        "version": "1"})
    assert changed.status_code == 302
    assert Person.objects.get(pk=a1.pk).full_name == "Tên Đã Sửa"
    assert AuditEntry.objects.filter(model="person", object_id=a1.pk,
                                     user=field["surveyor"]).exists()
    other = field["people"]["03322"]
    for url in (f"/households/{homes['B2'].pk}/", f"/persons/{b2.pk}/?year={YEAR}",
                f"/households/{homes['B2'].pk}/edit/", f"/persons/{other.pk}/",
                f"/households/{other.household_id}/",
                f"/units/{commune.pk}/", f"/units/{commune.pk}/households/?q=Chu",
                f"/units/{commune.pk}/export.xlsx?year={YEAR}",
                f"/units/{commune.pk}/audit/", f"/units/{commune.pk}/households/new/",
                f"/units/{commune.pk}/round/", f"/units/{commune.pk}/surveyors/",
                f"/units/{field['province'].pk}/rounds/"):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert b"Chu\xcc\x89 Ho\xcc\xa3 B2" not in response.content
        assert "Chủ Hộ B2".encode() not in response.content
    assert client.post(f"/persons/{b2.pk}/?year={YEAR}", {
        "full_name": "Không Được", "birth_date": "2010", "sex": "nam", "current_class": "5",
        "version": "1"}).status_code == 404
    assert client.post(f"/units/{commune.pk}/households/new/", {
        "household_no": "0999", "new_village": "Bản Mới", "head_name": "X"}).status_code == 404
    # The API: its assignment, nothing else.
    headers = bearer(field["surveyor"])
    api = Client()
    listed = api.get(f"/api/v1/households?commune=03319&year={YEAR}", **headers).json()
    assert sorted(h["head_name"] for h in listed) == ["Chủ Hộ A1", "Chủ Hộ A2", "Chủ Hộ A3",
                                                       "Chủ Hộ B1"]
    assert api.get(f"/api/v1/persons/{b2.pk}", **headers).status_code == 404
    assert api.get(f"/api/v1/units/03319/results?year={YEAR}", **headers).status_code == 404
    assert api.patch(f"/api/v1/persons/{b2.pk}", {"version": 1, "full_name": "X"},
                     content_type="application/json", **headers).status_code == 404
    assert api.patch(f"/api/v1/persons/{person_of(homes['A2']).pk}",
                     {"version": 1, "full_name": "Tên Mới Qua API"},
                     content_type="application/json", **headers).status_code == 200
    assert api.post("/api/v1/round/visits", {"cid": str(uuid.uuid4()), "h": homes["B2"].pk,
                                             "o": "unchanged", "v": 0},
                    content_type="application/json", **headers).status_code == 404


def test_a_surveyor_is_refused_every_other_page(field: dict[str, Any]) -> None:
    """Every named page, asked with the commune's id (and every id the field holds),
    answers the surveyor 403 or 404, but its own page and the landing that leads there."""
    client = signed_in(field["surveyor"])
    own = {"round-mine", "home", "login", "logout", "set_language", "two-factor",
           "login-code", "household", "household-edit", "person", "person-new",
           "person-move"}
    ids = {field["commune"].pk, field["province"].pk, field["districts"][0].pk}
    tried = 0
    for key, values in get_resolver().reverse_dict.lists():
        if not isinstance(key, str) or key in own or key.startswith("api-v1"):
            continue
        for _, pattern, _defaults, converters in values:
            for unit in ids:
                args = {name: (unit if isinstance(c.regex, str) and "0-9" in c.regex
                               else "TH-M1") for name, c in converters.items()}
                path = "/" + pattern % {name: str(v) for name, v in args.items()}
                response = client.get(path)
                tried += 1
                assert response.status_code in (403, 404, 405), (key, path,
                                                                  response.status_code)
    assert tried > 100


def test_visits_posted_twice_are_recorded_once(field: dict[str, Any]) -> None:
    headers = bearer(field["surveyor"])
    home = field["homes"]["A1"]
    change = {"cid": str(uuid.uuid4()), "h": home.pk, "o": "unchanged", "v": 0,
              "hv": home.version}
    first = Client().post("/api/v1/round/visits", change, content_type="application/json",
                          **headers)
    again = Client().post("/api/v1/round/visits", change, content_type="application/json",
                          **headers)
    assert first.status_code == again.status_code == 200
    assert first.json() | {"replayed": True} == again.json()
    assert (first.json()["replayed"], first.json()["v"]) == (False, 1)
    assert Visit.objects.count() == 1
    assert AuditEntry.objects.filter(model="visit").count() == 1
    # A later visit of the same household, based on the first, replaces it (audited).
    later = change | {"cid": str(uuid.uuid4()), "o": "changed", "v": 1}
    assert Client().post("/api/v1/round/visits", later, content_type="application/json",
                         **headers).json()["v"] == 2
    assert list(Visit.objects.values_list("outcome", "version")) == [("changed", 2)]
    assert AuditEntry.objects.filter(model="visit", action="update").count() == 1


def test_a_stale_visit_is_a_conflict_never_an_overwrite(field: dict[str, Any]) -> None:
    home = field["homes"]["A1"]
    services.record_visit(field["officer"], home.pk, "not_found", 0)  # the commune, meanwhile
    headers = bearer(field["surveyor"])
    stale = {"cid": str(uuid.uuid4()), "h": home.pk, "o": "unchanged", "v": 0}
    response = Client().post("/api/v1/round/visits", stale, content_type="application/json",
                             **headers)
    assert response.status_code == 409
    assert response.json()["current"] == {"h": home.pk, "hv": 1, "v": 1, "o": "not_found"}
    assert list(Visit.objects.values_list("outcome", flat=True)) == ["not_found"]
    # The household edited since the download (version 1 → 2): a conflict too.
    Household.update_if_unchanged(home.pk, 1, head_name="Chủ Hộ Mới")
    edited = stale | {"cid": str(uuid.uuid4()), "v": 1, "hv": 1}
    response = Client().post("/api/v1/round/visits", edited, content_type="application/json",
                             **headers)
    assert (response.status_code, response.json()["current"]["hv"]) == (409, 2)
    assert list(Visit.objects.values_list("outcome", flat=True)) == ["not_found"]


def test_a_village_of_150_households_downloads_in_under_200_kb(
        tree: dict[str, Any], make_user: Any) -> None:
    """150 households of 5 people each (750 people, each with a 2021 record)."""
    commune = tree["communes"]["03319"]
    village = Village.objects.create(commune=commune, name="Bản Phiêng Đông Rất Dài")
    homes = Household.objects.bulk_create(
        Household(commune=commune, village=village, household_no=f"{i:04d}",
                  head_name=f"Lò Văn Chủ Hộ {i}", address="Bản Phiêng Đông") for i in range(150))
    people = Person.objects.bulk_create(
        Person(household=h, person_no=n, full_name=f"Lò Thị Thành Viên {h.household_no} {n}",
               birth_date=dt.date(2000 + n, 5, 17), birth_year=2000 + n, sex="nữ",
               ethnicity="Thái", national_id=f"011{i:04d}{n:05d}")
        for i, h in enumerate(homes) for n in range(1, 6))
    PersonYear.objects.bulk_create(
        PersonYear(person=p, survey_year=YEAR, residence="thường trú", current_class="9",
                   class_level="lower_secondary", class_grade=9, primary_completed=2017,
                   relationship="con")
        for p in people)
    officer, surveyor = make_user("commune_staff", commune), make_user("surveyor", commune)
    survey_round = services.open_round(officer, commune, YEAR, FUTURE)
    services.assign(officer, survey_round, surveyor, village=village)
    response = Client().get("/api/v1/round/assignment", **bearer(surveyor))
    body = response.json()
    assert len(body["hh"]) == 150 and sum(len(h["m"]) for h in body["hh"]) == 750
    assert body["hh"][0]["m"][0]["r"]["cl"] == "9"
    assert len(response.content) < 200_000, len(response.content)
    assert AuditEntry.objects.filter(action="export", commune=commune).count() == 1


def test_the_province_sees_the_late_and_reminds_them(tree: dict[str, Any],
                                                     make_user: Any) -> None:
    """03319's round ended on 30/11/2021 and is open: late. 03322's ends in the future;
    03370 has none."""
    late = build_field(tree, make_user, deadline=LATE)["round"]
    sibling = tree["communes"]["03322"]
    PersonYear.objects.create(person=tree["people"]["03322"], survey_year=YEAR)
    on_time = services.open_round(make_user("commune_staff", sibling), sibling, YEAR, FUTURE)
    province = signed_in(make_user("province_reviewer", tree["province"]))
    url = f"/units/{tree['province'].pk}/rounds/?year={YEAR}"
    page = province.get(url)
    assert page.status_code == 200
    assert [r.pk for r in page.context["late"]] == [late.pk]
    assert {c.code: r.pk if r else None for c, r, _ in page.context["rows"]} == {
        "03319": late.pk, "03322": on_time.pk, "03370": None}
    assert province.post(url, {"round": late.pk, "text": "Đề nghị xã hoàn thành."}
                         ).status_code == 302
    reminder = Reminder.objects.get()
    assert (reminder.round, reminder.text) == (late, "Đề nghị xã hoàn thành.")
    assert AuditEntry.objects.filter(model="reminder", commune=late.commune).exists()
    officer = signed_in(User.objects.get(username="commune_staff-03319"))
    assert "Đề nghị xã hoàn thành." in officer.get(
        f"/units/{late.commune_id}/round/?year={YEAR}").content.decode()
    # The district follows its communes' rounds of years before 2025 (03319, 03322).
    district = signed_in(make_user("district_reviewer", tree["districts"][0]))
    rows = district.get(f"/units/{tree['districts'][0].pk}/rounds/?year={YEAR}").context["rows"]
    assert [c.code for c, _, _ in rows] == ["03319", "03322"]


def test_surveyor_accounts_are_the_communes_and_audited(field: dict[str, Any]) -> None:
    officer = signed_in(field["officer"])
    surveyor = field["surveyor"]
    url = f"/units/{field['commune'].pk}/surveyors/"
    assert surveyor.username in officer.get(url).content.decode()
    assert officer.post(url, {"action": "deactivate", "account": surveyor.pk}).status_code == 302
    assert not User.objects.get(pk=surveyor.pk).is_active
    entry = AuditEntry.objects.filter(model="user", object_id=surveyor.pk).latest("pk")
    assert (entry.before["is_active"], entry.after["is_active"]) == (True, False)
    assert not Client().login(username=surveyor.username, password=PASSWORD)


# The scope matrix of the round's routes: role × own commune, sibling, other district.
# (route, method, url from the field and the target commune, form data)
CODES = ["03319", "03322", "03370"]
ROUND_ROUTES: list[tuple[str, str, Any, Any]] = [
    ("round", "GET", lambda f, c: f"/units/{c.pk}/round/?year={YEAR}", None),
    ("round-surveyors", "GET", lambda f, c: f"/units/{c.pk}/surveyors/", None),
    ("round-overview", "GET", lambda f, c: f"/units/{c.parent.pk}/rounds/?year={YEAR}", None),
    ("round-mine", "GET", lambda f, c: "/round/mine/", None),
    ("round:post", "POST", lambda f, c: f"/units/{c.pk}/round/?year={YEAR}",
     lambda f: {"action": "deadline", "deadline": "01/12/2021",
                "version": str(f["round"].version)}),
    ("round-surveyors:post", "POST", lambda f, c: f"/units/{c.pk}/surveyors/",
     lambda f: {"username": "dtv-moi", "full_name": "Người Mới", "password1": PASSWORD,
                "password2": PASSWORD}),
    ("round-overview:post", "POST", lambda f, c: f"/units/{c.parent.pk}/rounds/?year={YEAR}",
     lambda f: {"round": str(f["round"].pk), "text": "Nhắc xã."}),
    ("round-mine:post", "POST", lambda f, c: "/round/mine/",
     lambda f: {"household": str(f["homes"]["A1"].pk), "outcome": "unchanged",
                "version": "0"}),
]
MATRIX_ROLES = [*ROLES, ("surveyor", lambda t: t["communes"]["03319"])]


def expected(role: str, route: str, code: str) -> set[int]:
    """Who opens and changes what: the commune's own staff run its round and surveyors;
    the district (its communes' parent) and the province follow the rounds; a surveyor
    has its own page only; nobody else anything."""
    name, _, post = route.partition(":")
    done = {302 if post else 200}
    if name == "round-mine":
        return done if role == "surveyor" else {404}
    if role == "ministry_viewer":  # knows every unit, runs and follows none
        return {403}
    if name in ("round", "round-surveyors"):
        if role == "commune_staff" and code == "03319":
            return done
        return {403} if role != "surveyor" and code in COVERS[role] else {404}
    # round-overview, asked of the commune's district (03319 and 03322 are in district
    # 100, 03370 in 101): the district's own staff follow it; the province covers it.
    if role == "district_reviewer":
        return done if code in ("03319", "03322") else {404}
    return {403} if role in ("province_reviewer", "province_admin") else {404}


@pytest.mark.parametrize(("role", "unit_of"), MATRIX_ROLES, ids=[r[0] for r in MATRIX_ROLES])
@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(("route", "method", "url", "data"), ROUND_ROUTES,
                         ids=[r[0] for r in ROUND_ROUTES])
def test_round_routes_never_cross_scope(field: dict[str, Any], make_user: Any, role: str,
                                        unit_of: Any, code: str, route: str, method: str,
                                        url: Any, data: Any) -> None:
    unit = unit_of(field)
    user = (User.objects.filter(role=role, unit=unit).first()  # the field's own officer
            or make_user(role, unit))
    client = signed_in(user)
    commune = field["communes"][code]
    before = (AuditEntry.objects.exclude(action="export").count(), Visit.objects.count(),
              Reminder.objects.count(), User.objects.count())
    if method == "GET":
        response = client.get(url(field, commune))
    else:
        response = client.post(url(field, commune), data(field))
    assert response.status_code in expected(role, route, code), response.status_code
    changed = (AuditEntry.objects.exclude(action="export").count(), Visit.objects.count(),
               Reminder.objects.count(), User.objects.count()) != before
    assert changed == (method == "POST" and response.status_code == 302)
    if response.status_code != 200:
        assert "Chủ Hộ A1".encode() not in response.content



API_ROLES = [*ROLES, ("surveyor", lambda t: t["communes"]["03319"])]


@pytest.mark.parametrize(("role", "unit_of"), API_ROLES, ids=[r[0] for r in API_ROLES])
@pytest.mark.parametrize("target", ["A1", "03319", "03322", "03370", "00001"])
def test_round_api_never_crosses_scope(field: dict[str, Any], make_user: Any, role: str,
                                       unit_of: Any, target: str) -> None:
    """The round's operations (test_api.py's API_MATRIX sends them here), role × a
    household: A1 (the surveyor's), or the tree's household of each commune (nobody's
    assignment). The assignment is a list: the surveyor's households, nobody else's."""
    unit = unit_of(field)
    user = (User.objects.filter(role=role, unit=unit).first() or make_user(role, unit))
    headers = bearer(user)
    listed = Client().get("/api/v1/round/assignment", **headers)
    assert listed.status_code == 200
    names = {h.get("hd") for h in listed.json()["hh"]}
    assert names == ({"Chủ Hộ A1", "Chủ Hộ A2", "Chủ Hộ A3", "Chủ Hộ B1"}
                     if role == "surveyor" else set())
    home = (field["homes"]["A1"] if target == "A1"
            else Household.objects.get(pk=field["people"][target].household_id))
    code = "03319" if target == "A1" else target
    posted = Client().post("/api/v1/round/visits",
                           {"cid": str(uuid.uuid4()), "h": home.pk, "o": "unchanged", "v": 0},
                           content_type="application/json", **headers)
    if (role, code) == ("commune_staff", "03319") or (role, target) == ("surveyor", "A1"):
        expected = 200  # the commune's staff record a visit too; the surveyor, its own
    elif role in ("surveyor", "ministry_viewer", "school_staff") or code not in COVERS[role]:
        expected = 404  # a household it does not read
    else:
        expected = 403  # reads it, may not record
    assert posted.status_code == expected, posted.content
    assert Visit.objects.count() == (1 if expected == 200 else 0)


# The surveyor's column of the register's own matrix (tests/web/test_pages.py's PAGES):
# every page and write on each commune's person of the tree, none of them assigned.


@pytest.mark.parametrize("code", PAGE_CODES)
@pytest.mark.parametrize(("page", "method", "url", "data"), PAGES, ids=[p[0] for p in PAGES])
def test_the_surveyors_column_of_the_register_matrix(field: dict[str, Any], code: str,
                                                     page: str, method: str, url: Any,
                                                     data: Any) -> None:
    for person in field["people"].values():
        PersonYear.objects.create(person=person, survey_year=YEAR, current_class="5",
                                  class_level="primary", class_grade=5)
    client = signed_in(field["surveyor"])
    target = targets(field, code)
    before = (AuditEntry.objects.count(), Person.objects.get(pk=target["person"].pk).full_name)
    if method == "GET":
        response = client.get(url(target))
    else:
        response = client.post(url(target), data(target) if callable(data) else data)
    assert response.status_code in (403, 404), response.status_code
    assert target["person"].full_name.encode() not in response.content
    assert (AuditEntry.objects.count(),
            Person.objects.get(pk=target["person"].pk).full_name) == before


def test_assigning_one_household_and_taking_it_back(field: dict[str, Any]) -> None:
    """B2 assigned by its village and number, then unassigned; a junk id names nothing."""
    officer, b = signed_in(field["officer"]), field["villages"][1]
    url = f"/units/{field['commune'].pk}/round/?year={YEAR}"
    officer.post(url, {"action": "assign", "assignee": field["surveyor"].pk, "village": b.pk,
                       "household_no": "0002"})
    surveyor = signed_in(field["surveyor"])
    assert surveyor.get(f"/households/{field['homes']['B2'].pk}/").status_code == 200
    assignment = field["round"].assignments.get(household=field["homes"]["B2"])
    assert officer.post(url, {"action": "unassign", "assignment": "x1"}).status_code == 404
    officer.post(url, {"action": "unassign", "assignment": assignment.pk})
    assert surveyor.get(f"/households/{field['homes']['B2'].pk}/").status_code == 404
    assert AuditEntry.objects.filter(model="assignment", action="delete").count() == 1
    assert surveyor.post("/round/mine/", {"household": "x", "outcome": "unchanged",
                                          "version": "0"}).status_code == 404


def test_a_new_province_follows_its_predecessors_rounds_without_reminding(
        after_line: dict[str, Any], make_user: Any) -> None:
    """New province 11 continues old province 11: its staff open the old province's rounds
    of 2021 (03319 late) and may not send a reminder there."""
    late = build_field(after_line, make_user, deadline=LATE)["round"]
    old = after_line["province"]
    client = signed_in(make_user("province_reviewer", after_line["new"]["province"]))
    page = client.get(f"/units/{old.pk}/rounds/?year={YEAR}")
    assert page.status_code == 200 and [r.pk for r in page.context["late"]] == [late.pk]
    assert not page.context["can_remind"]
    assert client.post(f"/units/{old.pk}/rounds/?year={YEAR}",
                       {"round": late.pk, "text": "Nhắc."}).status_code == 403
    assert not Reminder.objects.exists()


def test_the_round_is_linked_from_the_commune_and_the_province(field: dict[str, Any],
                                                               make_user: Any) -> None:
    commune, province = field["commune"], field["province"]
    page = signed_in(field["officer"]).get(f"/units/{commune.pk}/?year={YEAR}")
    assert f"/units/{commune.pk}/round/?year=" in page.content.decode()
    page = signed_in(make_user("province_reviewer", province)).get(
        f"/units/{province.pk}/?year={YEAR}")
    assert f"/units/{province.pk}/rounds/?year=" in page.content.decode()
