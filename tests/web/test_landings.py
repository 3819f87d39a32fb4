"""Each role lands on its work, and the workflow's edges (issue 14, items 4 and 6).

The hand-made tree (tests/web/conftest.py): district 100 holds communes 03319 and
03322, district 101 commune 03370, all in province 11; province 01 is another.
Here each of the three communes of province 11 gets a lower secondary school with a
class 6A of school year 2021–2022. The pages and their scope matrices: the
ministry's national totals ("national"), a reviewer's decided dossiers ("decided"),
a district's or province's attendance by commune ("attendance-unit").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from phocap.accounts.models import Role
from phocap.attendance.models import Absence, ClassDay
from phocap.recognition import workflow
from phocap.register.models import AuditEntry
from phocap.schools.models import Enrolment, School, SchoolClass, SchoolSite, Staff
from tests.web.roles import COVERS, ROLES, signed_in

YEAR = 2021
MONDAY, TUESDAY = dt.date(2021, 9, 6), dt.date(2021, 9, 7)  # 2021–2022's first school days




def account(make_user: Any, role: str, unit: Any) -> Any:
    """The role's account of the unit, made once (fixtures and tests both ask)."""
    from phocap.accounts.models import User

    found = User.objects.filter(username=f"{role}-{unit.code if unit else 'all'}").first()
    return found or make_user(role, unit)


def user_for(make_user: Any, tree: dict[str, Any], role: str) -> Any:
    unit_of = dict(ROLES)[role]
    return make_user(role, unit_of(tree))


def class_of(commune: Any, code: str, pupils: list[tuple[str, int, bool]]) -> SchoolClass:
    """A school of the commune with class 6A of 2021–2022 and its pupils (name, birth year,
    repeating)."""
    school = School.objects.create(code=code, name=f"Trường THCS {code}",
                                   level="lower_secondary", commune=commune)
    site = SchoolSite.objects.create(school=school, name="Điểm chính", main=True)
    klass = SchoolClass.objects.create(school=school, site=site, school_year=YEAR, name="6A",
                                       grade="6")
    for n, (name, born, repeating) in enumerate(pupils, start=1):
        Enrolment.objects.create(klass=klass, pupil_no=n, full_name=name, birth_year=born,
                                 sex="nam", village=commune.villages.first(),
                                 repeating=repeating)
    return klass


@pytest.fixture
def classes(surveyed: dict[str, Any]) -> dict[str, SchoolClass]:
    """03319: two pupils, attendance taken on Monday and Tuesday, Quàng Văn Hai absent
    without leave on Tuesday: 3 of 4 pupil-days present, 75,00%. Quàng Văn Hai repeats
    grade 6 at two years over its age (2021 − 2008 − 11 = 2): 2 + 2 points, on the
    warning list (flag_at = 4, attendance/data/warning.toml) whatever his attendance;
    Lò Văn Một, always present, is not.
    03322: one pupil, no attendance taken: its class is not covered, its rate "—";
    Lường Văn Ba repeats at three years over age: at risk too.
    03370 (district 101): one pupil, nobody at risk."""
    communes = surveyed["communes"]
    made = {
        "03319": class_of(communes["03319"], "T1", [("Lò Văn Một", 2010, False),
                                                    ("Quàng Văn Hai", 2008, True)]),
        "03322": class_of(communes["03322"], "T2", [("Lường Văn Ba", 2007, True)]),
        "03370": class_of(communes["03370"], "T3", [("Cà Văn Bốn", 2010, False)]),
    }
    for day in (MONDAY, TUESDAY):
        ClassDay.objects.create(klass=made["03319"], date=day)
    Absence.objects.create(enrolment=made["03319"].pupils.get(pupil_no=2), date=TUESDAY,
                           kind="unexcused")
    return made


# --- Each role lands on its work ---------------------------------------------------------

def test_a_homeroom_teacher_lands_on_their_class_today_or_the_nearest_school_day(
        classes: dict[str, SchoolClass], make_user: Any, surveyed: dict[str, Any]) -> None:
    """Not on the commune's household register: on the grid of their class, the last
    school day of 2021–2022 (today is later), said so, with the school's at-risk list
    linked."""
    klass = classes["03319"]
    teacher = make_user("school_staff", surveyed["communes"]["03319"])
    klass.homeroom = Staff.objects.create(school=klass.school, full_name="Cô Chủ Nhiệm",
                                          role="teacher", user=teacher)
    klass.save()
    client = signed_in(teacher)
    landed = client.get("/")
    assert landed.status_code == 302
    assert landed["Location"].startswith(f"/attendance/classes/{klass.pk}/2022-")
    page = client.get(landed["Location"]).content.decode()
    assert 'id="nearest-day"' in page
    assert f"/attendance/schools/{klass.school_id}/?year={YEAR}#at-risk" in page
    # The menu offers no page a school's account is refused (a commune's dossiers: 403).
    assert "/dossiers/" not in page


def test_a_school_account_keeping_no_class_lands_on_its_commune(
        two_schools: dict[str, Any]) -> None:
    client = Client()
    client.force_login(two_schools["logins"]["own"])
    commune = two_schools["communes"]["03319"]
    assert client.get("/")["Location"] == f"/units/{commune.pk}/"


@pytest.mark.parametrize(("role", "landing"), [
    ("commune_staff", "/units/{commune}/"), ("district_reviewer", "/units/{district}/"),
    ("province_reviewer", "/units/{province}/"), ("ministry_viewer", "/national/")])
def test_every_other_role_lands_on_its_units(surveyed: dict[str, Any], make_user: Any,
                                             role: str, landing: str) -> None:
    where = landing.format(commune=surveyed["communes"]["03319"].pk,
                           district=surveyed["districts"][0].pk,
                           province=surveyed["province"].pk)
    assert signed_in(user_for(make_user, surveyed, role)).get("/")["Location"] == where


def test_a_units_home_shows_the_dossiers_that_need_its_staff(surveyed: dict[str, Any],
                                                             make_user: Any) -> None:
    """The commune's dossier waits for district 100: its home says so and links it; once
    returned, the commune's home shows it returned; the province's home, which does not
    decide it, shows nothing of it."""
    commune = surveyed["communes"]["03319"]
    staff = make_user("commune_staff", commune)
    district = make_user("district_reviewer", surveyed["districts"][0])
    province = make_user("province_reviewer", surveyed["province"])
    dossier = workflow.submit(staff, commune, "primary", YEAR, 1, "Đủ điều kiện.")
    link = f'href="/dossiers/{dossier.pk}/"'

    home = signed_in(district).get("/", follow=True).content.decode()
    assert 'id="tasks"' in home and link in home and "Chờ bạn xét" in home
    assert link not in signed_in(province).get("/", follow=True).content.decode()
    waiting = signed_in(staff).get("/", follow=True).content.decode()
    assert link in waiting and "chờ" in waiting

    workflow.return_(district, dossier, "Thiếu biên bản kiểm tra.")
    home = signed_in(staff).get("/", follow=True).content.decode()
    assert link in home and "bị trả lại" in home
    assert link not in signed_in(district).get("/", follow=True).content.decode()


# --- The ministry's national totals --------------------------------------------------------

@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
def test_national_totals_scope(surveyed: dict[str, Any], make_user: Any, role: str,
                               unit_of: Any) -> None:
    """Only the ministry viewer reads the nation; the others know the provinces exist (403)."""
    response = signed_in(make_user(role, unit_of(surveyed))).get(f"/national/?year={YEAR}")
    assert response.status_code == (200 if role == "ministry_viewer" else 403)
    assert surveyed["people"]["03319"].full_name.encode() not in response.content


def test_national_totals_list_provinces_with_data_and_never_fail_the_others(
        surveyed: dict[str, Any], make_user: Any) -> None:
    """Every commune of the tree has a 2021 record, so provinces 11 and 01 are rows, 11 with
    the levels its own page shows; a third province with no one is listed apart, as
    without data, never as "Chưa đạt"; the totals count the two."""
    from phocap.register.models import AdministrativeUnit

    empty = AdministrativeUnit.objects.create(vintage="2025-01-04", code="02", name="Tỉnh Trống",
                                              type="province", kind="province")
    page = signed_in(make_user("ministry_viewer", None)).get(f"/national/?year={YEAR}")
    assert page.status_code == 200
    rows = {row["unit"].code: row for row in page.context["rows"]}
    assert set(rows) == {"11", "01"}
    own = signed_in(make_user("province_reviewer", surveyed["province"])).get(
        f"/units/{surveyed['province'].pk}/?year={YEAR}").context["standards"]
    assert rows["11"]["standards"] == own
    assert [p.pk for p in page.context["without_data"]] == [empty.pk]
    html = page.content.decode()
    assert 'id="without-data"' in html and "Tỉnh Trống" in html
    assert sum(s["total"] for s in page.context["summaries"][:1]) == 2


# --- What a reviewer decided ---------------------------------------------------------------

@pytest.fixture
def decided(surveyed: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """District 100 recognised 03319 and refused 03322 (2021); 03370's dossier waits for
    district 101."""
    communes = surveyed["communes"]
    found = {}
    for code in ("03319", "03322", "03370"):
        staff = make_user("commune_staff", communes[code])
        found[code] = workflow.submit(staff, communes[code], "primary", YEAR, 1, "Đủ.")
    district = make_user("district_reviewer", surveyed["districts"][0])
    workflow.decide(district, found["03319"], "12/QĐ-UBND", dt.date(2022, 3, 1), "Chủ tịch",
                    1, "Kiểm tra thực tế đạt.")
    workflow.decide(district, found["03322"], "13/QĐ-UBND", dt.date(2022, 3, 2), "Chủ tịch",
                    0, "Chưa đạt.")
    return found


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
def test_decided_lists_what_the_reviewers_level_decided(decided: dict[str, Any],
                                                        surveyed: dict[str, Any],
                                                        make_user: Any, role: str,
                                                        unit_of: Any) -> None:
    """District 100 lists its two decisions with number and date; no other role decided
    anything here; roles that review nothing are refused (403), as from the queue."""
    client = signed_in(account(make_user, role, unit_of(surveyed)))
    response = client.get("/recognition/decided/")
    if role in ("commune_staff", "school_staff"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    listed = [row["dossier"].pk for row in response.context["decided"]]
    if role == "district_reviewer":
        assert listed == [decided["03322"].pk, decided["03319"].pk]  # newest decision first
        html = response.content.decode()
        assert "12/QĐ-UBND" in html and "01/03/2022" in html and "13/QĐ-UBND" in html
        assert decided["03370"].pk not in listed
        assert client.get("/recognition/decided/?year=2022").context["decided"] == []
    else:
        assert listed == []


def test_the_queue_links_the_decisions(decided: dict[str, Any], surveyed: dict[str, Any],
                                       make_user: Any) -> None:
    reviewer = signed_in(account(make_user, "district_reviewer", surveyed["districts"][0]))
    assert 'href="/recognition/decided/"' in reviewer.get("/recognition/queue/").content.decode()


# --- District and province attendance by commune ------------------------------------------

UNITS = {"district 100": lambda t: t["districts"][0], "district 101": lambda t: t["districts"][1],
         "province 11": lambda t: t["province"], "province 01": lambda t: t["other_province"]}
UNIT_COVERS = {"district 100": {"03319", "03322"}, "district 101": {"03370"},
               "province 11": {"03319", "03322", "03370"}, "province 01": {"00001"}}


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("target", list(UNITS))
def test_attendance_unit_scope_matrix(classes: dict[str, SchoolClass], surveyed: dict[str, Any],
                                      make_user: Any, role: str, unit_of: Any,
                                      target: str) -> None:
    """200 where the role covers the unit (the ministry viewer: counts without names), 404
    elsewhere (a school's or commune's account covers no district)."""
    unit = UNITS[target](surveyed)
    response = signed_in(make_user(role, unit_of(surveyed))).get(
        f"/attendance/units/{unit.pk}/")
    covers = role == "ministry_viewer" or UNIT_COVERS[target] <= COVERS[role]
    assert response.status_code == (200 if covers else 404)
    names = ("Quàng Văn Hai", "Lường Văn Ba")
    if response.status_code != 200 or role == "ministry_viewer":
        assert not any(n.encode() in response.content for n in names)
    elif target in ("district 100", "province 11"):
        assert all(n.encode() in response.content for n in names)


def test_a_districts_attendance_by_commune_by_hand(classes: dict[str, SchoolClass],
                                                   surveyed: dict[str, Any],
                                                   make_user: Any) -> None:
    """03319: 1/1 class recorded, 3/4 pupil-days, 75,00%, 1 at risk; 03322: 0/1, "—", 1 at
    risk; the district: 1/2 classes, 3/4, 75,00%, 2 at risk. The names are logged as a
    name list shown on a page, per commune."""
    district = surveyed["districts"][0]
    reviewer = make_user("district_reviewer", district)
    response = signed_in(reviewer).get(f"/attendance/units/{district.pk}/?year={YEAR}")
    assert response.status_code == 200
    rows = {row.unit.code: row for row, _url in response.context["rows"]}
    one, two, total = rows["03319"], rows["03322"], response.context["figures"].total
    assert (one.recorded, one.classes, one.present, one.pupil_days, one.rate, one.at_risk) == (
        1, 1, 3, 4, "75,00%", 1)
    assert (two.recorded, two.classes, two.pupil_days, two.rate, two.at_risk) == (
        0, 1, 0, "—", 1)
    assert (total.recorded, total.classes, total.rate, total.at_risk) == (1, 2, "75,00%", 2)
    html = response.content.decode()
    assert 'id="coverage"' in html and "1/2" in html
    for code in ("03319", "03322"):
        assert f"/attendance/communes/{surveyed['communes'][code].pk}/?year={YEAR}" in html
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, user=reviewer)
    assert sorted(e.commune.code for e in logged) == ["03319", "03322"]


def test_the_district_agrees_with_its_communes_reports(classes: dict[str, SchoolClass],
                                                       surveyed: dict[str, Any],
                                                       make_user: Any) -> None:
    """The district's at-risk counts are the communes' own reports' counts, summed."""
    client = signed_in(make_user("district_reviewer", surveyed["districts"][0]))
    rows = {row.unit.code: row for row, _url in client.get(
        f"/attendance/units/{surveyed['districts'][0].pk}/?year={YEAR}").context["rows"]}
    for code in ("03319", "03322"):
        report = client.get(f"/attendance/communes/{surveyed['communes'][code].pk}/"
                            f"?year={YEAR}").context
        assert rows[code].at_risk == report["flagged"], code


def test_a_district_attendance_address_is_no_longer_a_404(surveyed: dict[str, Any],
                                                          make_user: Any) -> None:
    """`/attendance/communes/<district>/` was a 404: it leads to the district's page, which
    the district's home links."""
    district = surveyed["districts"][0]
    client = signed_in(make_user("district_reviewer", district))
    response = client.get(f"/attendance/communes/{district.pk}/?year={YEAR}")
    assert response.status_code == 302
    assert response["Location"] == f"/attendance/units/{district.pk}/?year={YEAR}"
    home = client.get(f"/units/{district.pk}/?year={YEAR}").content.decode()
    assert f"/attendance/units/{district.pk}/" in home


# --- Role labels; frozen years read-only before anyone types ------------------------------

def test_role_labels_say_what_each_role_does() -> None:
    labels = dict(Role.choices)
    assert not any("xem, không sửa" in str(label) for label in labels.values())
    for role in (Role.DISTRICT_REVIEWER, Role.PROVINCE_REVIEWER):
        assert "kế hoạch" in str(labels[role]) and "công nhận" in str(labels[role])


@pytest.fixture
def frozen_2021(surveyed: dict[str, Any], make_user: Any) -> Any:
    """Commune 03319's primary dossier of 2021 submitted: its 2021 data are frozen."""
    staff = make_user("commune_staff", surveyed["communes"]["03319"])
    workflow.submit(staff, surveyed["communes"]["03319"], "primary", YEAR, 1, "Đủ.")
    return staff


def test_a_frozen_years_edit_pages_are_read_only_before_anyone_types(
        frozen_2021: Any, surveyed: dict[str, Any]) -> None:
    """The person's record, a new member, the household's moves, the school's facts, a new
    class, a class list and the ministry's figures of 2021 (the monitoring person is on the
    school's facts): no
    form to type into, the reason shown; 2022 of the same pages stays editable."""
    commune = surveyed["communes"]["03319"]
    person = surveyed["people"]["03319"]
    school = School.objects.create(code="T9", name="Trường TH T9", level="primary",
                                   commune=commune)
    client = signed_in(frozen_2021)
    pages = {
        "person": f"/persons/{person.pk}/?year={YEAR}",
        "person-new": f"/households/{person.household_id}/members/new/?year={YEAR}",
        "household": f"/households/{person.household_id}/?year={YEAR}",
        "school-year": f"/schools/{school.pk}/year/?year={YEAR}",
        "school-class-new": f"/schools/{school.pk}/classes/new/?year={YEAR}",
        "school-class-list-import": f"/schools/{school.pk}/class-lists/import/?year={YEAR}",
        "unit-form-reconcile": f"/units/{commune.pk}/forms/TH-M1/reconcile/?year={YEAR}",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        html = response.content.decode()
        assert 'id="frozen"' in html, name
        assert 'id="record-form"' not in html and "person-move" not in html
        assert 'fieldset class="form-body" disabled' in html or name in ("person",
                                                                          "household"), name
    open_year = client.get(f"/schools/{school.pk}/year/?year={YEAR + 1}").content.decode()
    assert 'id="frozen"' not in open_year and "disabled" not in open_year
