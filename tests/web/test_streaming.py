"""Streaming pages: the scope matrix (page × role × own/sibling/other-district commune),
the audit of every change, and the rates, gaps and summaries with hand-checked numbers.

Each commune of the `tree` fixture gets a lower-secondary school with a grade-9
class of 2021–2022 whose one pupil is the commune's person of the register
(named "Người <code>"); that person's 2022 record says class TC, so the register
suggests vocational intermediate.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from phocap.register.models import AuditEntry, PersonYear, UnitYear
from phocap.schools.models import Enrolment, School, SchoolClass, Staff
from phocap.streaming.models import (
    CareerGuidanceActivity,
    LabourDemand,
    PupilDestination,
    StreamingTarget,
)
from tests.web.roles import COVERS, PASSWORD, ROLES

YEAR = 2021


@pytest.fixture
def schools(surveyed: dict[str, Any]) -> dict[str, Any]:
    """Per commune: its school, its grade-9 class and the pupil (the register's person)."""
    found = {}
    for code, commune in surveyed["communes"].items():
        person = surveyed["people"][code]
        PersonYear.objects.create(person=person, survey_year=YEAR + 1, current_class="TC",
                                  thcs_graduated=YEAR + 1)
        school = School.objects.create(code=f"THCS{code}", name=f"Trường THCS {code}",
                                       level="lower_secondary", commune=commune)
        klass = SchoolClass.objects.create(school=school, school_year=YEAR, name="9A", grade="9")
        pupil = Enrolment.objects.create(klass=klass, person=person, pupil_no=1,
                                         full_name=person.full_name, birth_year=2006, sex="nam")
        CareerGuidanceActivity.objects.create(
            school=school, school_year=YEAR, held_on="2022-03-15", title=f"Ngày hội {code}",
            grades="9", participants=30, partners="Trường Cao đẳng nghề Điện Biên")
        LabourDemand.objects.create(commune=commune, survey_year=YEAR, employer=f"HTX {code}",
                                    trade="May công nghiệp", workers_wanted=5,
                                    qualification="elementary")
        found[code] = {"commune": commune, "school": school, "pupil": pupil}
    return surveyed | {"schools": found}


def signed_in(tree: dict[str, Any], make_user: Any, role: str, unit: Any) -> Client:
    """A client of that role; a school staff member works at the school of 03319."""
    user = make_user(role, unit)
    if role == "school_staff":
        Staff.objects.create(school=tree["schools"]["03319"]["school"], full_name="Cô Giáo",
                             role="teacher", user=user)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# Who reads a school's class list: its own staff, the commune's staff, the reviewers above.
def reads_school(role: str, code: str) -> bool:
    if role == "school_staff":
        return code == "03319"
    return code in COVERS[role]


READS: list[tuple[str, Any]] = [
    ("streaming-rates", lambda t: f"/units/{t['commune'].pk}/streaming/?year={YEAR}"),
    ("streaming-guidance", lambda t: f"/units/{t['commune'].pk}/career-guidance/?year={YEAR}"),
    ("streaming-labour", lambda t: f"/units/{t['commune'].pk}/labour-demand/?year={YEAR}"),
    ("streaming-destinations",
     lambda t: f"/schools/{t['school'].pk}/streaming/?year={YEAR}"),
    ("streaming-guidance-new", lambda t: f"/schools/{t['school'].pk}/career-guidance/new/"),
    ("streaming-labour-new", lambda t: f"/units/{t['commune'].pk}/labour-demand/new/"),
]


def expected_read(role: str, page: str, code: str) -> set[int]:
    covered = role == "ministry_viewer" or code in COVERS[role]
    if page in ("streaming-rates", "streaming-guidance", "streaming-labour"):
        return {200} if covered else {404}  # aggregates and businesses, no pupil
    if page == "streaming-labour-new":
        if not covered:
            return {404}
        return {200} if role == "commune_staff" else {403}
    if role == "ministry_viewer":
        return {403}  # knows every school by name (unit summaries), reads no pupil
    if not reads_school(role, code):
        return {404}
    if page == "streaming-guidance-new":
        return {200} if role == "school_staff" else {403}
    return {200}


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("code", ["03319", "03322", "03370"])
@pytest.mark.parametrize(("page", "url"), READS, ids=[p[0] for p in READS])
def test_reads_never_cross_scope(schools: Any, make_user: Any, role: str, unit_of: Any,
                                 code: str, page: str, url: Any) -> None:
    client = signed_in(schools, make_user, role, unit_of(schools))
    response = client.get(url(schools["schools"][code]))
    assert response.status_code in expected_read(role, page, code), response.status_code
    name = schools["people"][code].full_name.encode()
    if response.status_code != 200 or page != "streaming-destinations":
        assert name not in response.content
    else:
        assert name in response.content


WRITES: list[tuple[str, str, Any, Any]] = [
    ("streaming-destinations:post", "school_staff",
     lambda t: f"/schools/{t['school'].pk}/streaming/?year={YEAR}",
     lambda t: {f"dest-{t['pupil'].pk}": "working", f"grad-{t['pupil'].pk}": "on"}),
    ("streaming-guidance-new:post", "school_staff",
     lambda t: f"/schools/{t['school'].pk}/career-guidance/new/",
     lambda t: {"held_on": "2021-11-20", "title": "Tham quan trường nghề", "grades": "9",
                "participants": "40", "partners": "Trường Trung cấp Điện Biên"}),
    ("streaming-labour-new:post", "commune_staff",
     lambda t: f"/units/{t['commune'].pk}/labour-demand/new/",
     lambda t: {"survey_year": str(YEAR), "employer": "Công ty Hàn Việt", "trade": "Hàn",
                "workers_wanted": "12", "qualification": "intermediate"}),
]


def counts() -> tuple[int, ...]:
    return (PupilDestination.objects.count(), CareerGuidanceActivity.objects.count(),
            LabourDemand.objects.count(), StreamingTarget.objects.count(),
            AuditEntry.objects.count())


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("code", ["03319", "03322", "03370"])
@pytest.mark.parametrize(("page", "writer", "url", "data"), WRITES, ids=[p[0] for p in WRITES])
def test_writes_only_by_the_keeper_in_their_own_place(
        schools: Any, make_user: Any, role: str, unit_of: Any, code: str, page: str,
        writer: str, url: Any, data: Any) -> None:
    client = signed_in(schools, make_user, role, unit_of(schools))
    target = schools["schools"][code]
    before = counts()
    response = client.post(url(target), data(target))
    if role == writer and code == "03319":
        assert response.status_code == 302, response.content.decode()[:2000]
        entry = AuditEntry.objects.latest("id")
        assert entry.commune_id == target["commune"].pk and entry.action == "create"
        return
    if page == "streaming-labour-new:post":
        readable = role == "ministry_viewer" or code in COVERS[role]
    else:  # the school's pages, known to the ministry viewer by name (403)
        readable = role == "ministry_viewer" or reads_school(role, code)
    assert response.status_code == (403 if readable else 404)
    assert schools["people"][code].full_name.encode() not in response.content
    assert counts() == before


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
def test_targets_are_the_provinces(schools: Any, make_user: Any, role: str,
                                   unit_of: Any) -> None:
    """Read by whoever covers the province, set by its reviewers and administrator only;
    a district or commune has no targets page of its own."""
    client = signed_in(schools, make_user, role, unit_of(schools))
    province = schools["province"]
    url = f"/units/{province.pk}/streaming/targets/?year={YEAR}"
    covers = role in ("province_reviewer", "province_admin", "ministry_viewer")
    assert client.get(url).status_code == (200 if covers else 404)
    for unit in (schools["districts"][0], schools["communes"]["03319"]):
        found = client.get(f"/units/{unit.pk}/streaming/targets/")
        assert found.status_code == 404
    before = counts()
    response = client.post(url, {"vocational-normal": "45", "vocational-difficult": "30"})
    if role in ("province_reviewer", "province_admin"):
        assert response.status_code == 302
        target = StreamingTarget.objects.get()
        assert (target.stream, target.especially_difficult, target.rate) == (
            "vocational", False, Decimal(45))
        entry = AuditEntry.objects.latest("id")
        assert (entry.model, entry.action, entry.commune_id) == ("streamingtarget", "create",
                                                                 None)
        return
    assert response.status_code == (403 if covers else 404)
    assert counts() == before


def test_every_streaming_route_is_in_this_matrix() -> None:
    from django.urls import get_resolver

    names = {k for k in get_resolver().reverse_dict if isinstance(k, str)
             and k.startswith("streaming-")}
    here = {p[0] for p in READS} | {"streaming-targets"}
    assert names == here


# --- the pages' numbers --------------------------------------------------------------------


def staff_of(tree: dict[str, Any], code: str) -> Client:
    from phocap.accounts.models import User

    user = User.objects.create_user(username=f"gv-{code}", password=PASSWORD,
                                    role="school_staff", unit=tree["communes"][code])
    Staff.objects.create(school=tree["schools"][code]["school"], full_name="Thầy Giáo",
                         role="teacher", user=user)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def add_pupils(tree: dict[str, Any], code: str, pupils: list[tuple[str, bool]]) -> None:
    """More pupils of the commune's 9A with a confirmed destination (no register link)."""
    klass = tree["schools"][code]["pupil"].klass
    for no, (destination, graduated) in enumerate(pupils, start=2):
        pupil = Enrolment.objects.create(klass=klass, pupil_no=no, full_name=f"Em {no}",
                                         birth_year=2006, sex="nữ")
        PupilDestination.objects.create(enrolment=pupil, destination=destination,
                                        graduated=graduated)


@pytest.fixture
def cohorts(schools: dict[str, Any]) -> dict[str, Any]:
    """03319 (normal): 8 graduates: 5 THPT, 2 TC, 1 working, and 1 repeating grade 9.
    03322 (ĐBKK): 4 graduates: 2 THPT, 1 SC, 1 CĐ 9+. 03370: nothing entered.
    Each commune's first pupil (the register's person) is left without a destination."""
    UnitYear.objects.create(unit=schools["communes"]["03322"], survey_year=YEAR,
                            especially_difficult=True)
    add_pupils(schools, "03319", [("upper_secondary", True)] * 5
               + [("vocational_intermediate", True)] * 2 + [("working", True)]
               + [("repeating", False)])
    add_pupils(schools, "03322", [("upper_secondary", True)] * 2
               + [("vocational_elementary", True), ("college_9plus", True)])
    return schools


def reviewer(tree: dict[str, Any], role: str, unit: Any) -> Client:
    from phocap.accounts.models import User

    user = User.objects.create_user(username=f"r-{role}", password=PASSWORD, role=role,
                                    unit=unit)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_commune_rates_against_the_historic_target(cohorts: Any) -> None:
    """03319: vocational 2/8 = 25%, 15 points below the historic 40%; THPT 5/8 = 62,5%."""
    client = reviewer(cohorts, "district_reviewer", cohorts["districts"][0])
    page = client.get(f"/units/{cohorts['communes']['03319'].pk}/streaming/?year={YEAR}")
    text = page.content.decode()
    assert "vào học nghề 25,00%, thấp hơn mục tiêu 15 điểm" in text
    assert "vào THPT 62,50%, chưa có mục tiêu" in text
    assert "8 học sinh tốt nghiệp THCS (mẫu số); 1 chưa tốt nghiệp; 1 chưa nhập hướng đi." in text
    assert 'id="historic-note"' in text and "522/QĐ-TTg" in text


def test_difficult_commune_gets_the_difficult_target(cohorts: Any) -> None:
    """03322 is ĐBKK: vocational (1 SC + 1 CĐ 9+)/4 = 50%, 20 points above 30%."""
    client = reviewer(cohorts, "district_reviewer", cohorts["districts"][0])
    page = client.get(f"/units/{cohorts['communes']['03322'].pk}/streaming/?year={YEAR}")
    assert "vào học nghề 50,00%, cao hơn mục tiêu 20 điểm" in page.content.decode()


def test_district_target_weighs_normal_and_difficult_communes(cohorts: Any) -> None:
    """District 100: vocational 4/12 = 33,33%; target (8·40 + 4·30)/12 = 36,67%;
    gap 33,33 − 36,67 = 3,33 points below (exactly 10/3). Its communes are listed
    with their gaps: 03319 −15, 03322 +20."""
    client = reviewer(cohorts, "district_reviewer", cohorts["districts"][0])
    text = client.get(f"/units/{cohorts['districts'][0].pk}/streaming/?year={YEAR}"
                      ).content.decode()
    assert "vào học nghề 33,33%, thấp hơn mục tiêu 3,33 điểm" in text
    assert "−15" in text and "+20" in text


def test_province_adds_a_district_without_graduates(cohorts: Any) -> None:
    """Province 11 = district 100 (above) + district 101, whose one pupil is not entered:
    the same 4/12 against (8·40 + 4·30 + 0·40)/12, and 101 is not applicable."""
    client = reviewer(cohorts, "province_reviewer", cohorts["province"])
    text = client.get(f"/units/{cohorts['province'].pk}/streaming/?year={YEAR}"
                      ).content.decode()
    assert "vào học nghề 33,33%, thấp hơn mục tiêu 3,33 điểm" in text
    assert "12 học sinh tốt nghiệp THCS (mẫu số); 1 chưa tốt nghiệp; 3 chưa nhập hướng đi." in text
    assert "vào học nghề: không áp dụng (chưa có học sinh tốt nghiệp)" in text


def test_a_province_target_replaces_the_historic_one(cohorts: Any) -> None:
    """The province sets 45% for normal communes: 03319's 25% is now 20 points below;
    the ĐBKK commune keeps the historic 30%. The default left as is stores nothing."""
    client = reviewer(cohorts, "province_admin", cohorts["province"])
    url = f"/units/{cohorts['province'].pk}/streaming/targets/?year={YEAR}"
    assert 'value="40"' in client.get(url).content.decode()  # pre-filled default
    response = client.post(url, {"vocational-normal": "45", "vocational-difficult": "30",
                                 "upper_secondary-normal": "", "continuing-difficult": ""})
    assert response.status_code == 302
    assert [(t.stream, t.especially_difficult, t.hundredths)
            for t in StreamingTarget.objects.all()] == [("vocational", False, 4500)]
    text = client.get(f"/units/{cohorts['communes']['03319'].pk}/streaming/?year={YEAR}"
                      ).content.decode()
    assert "vào học nghề 25,00%, thấp hơn mục tiêu 20 điểm" in text
    text = client.get(f"/units/{cohorts['communes']['03322'].pk}/streaming/?year={YEAR}"
                      ).content.decode()
    assert "vào học nghề 50,00%, cao hơn mục tiêu 20 điểm" in text
    # Back to the default: clearing the field removes the province's own target, audited.
    client.post(url, {"vocational-normal": "", "vocational-difficult": "30"})
    assert not StreamingTarget.objects.exists()
    assert AuditEntry.objects.filter(model="streamingtarget", action="delete").count() == 1


def test_a_target_is_a_percentage(cohorts: Any) -> None:
    client = reviewer(cohorts, "province_admin", cohorts["province"])
    url = f"/units/{cohorts['province'].pk}/streaming/targets/?year={YEAR}"
    response = client.post(url, {"vocational-normal": "140"})
    assert response.status_code == 400 and not StreamingTarget.objects.exists()


def test_school_staff_confirm_the_suggestion_then_correct_it_audited(cohorts: Any) -> None:
    """The register's person is in TC in 2022: "học trung cấp" is pre-selected; saving
    confirms it; a correction to "working" is audited with the value before."""
    client = staff_of(cohorts, "03319")
    pupil = cohorts["schools"]["03319"]["pupil"]
    url = f"/schools/{cohorts['schools']['03319']['school'].pk}/streaming/?year={YEAR}"
    text = client.get(url).content.decode()
    assert '<option value="vocational_intermediate" selected>' in text
    assert "1 học sinh chưa được xác nhận hướng đi." in text
    assert f'name="ver-{pupil.pk}" value="0"' in text
    client.post(url, {f"dest-{pupil.pk}": "vocational_intermediate", f"grad-{pupil.pk}": "on",
                      f"ver-{pupil.pk}": "0"})
    saved = PupilDestination.objects.get(enrolment=pupil)
    assert (saved.destination, saved.graduated, saved.suggested) == (
        "vocational_intermediate", True, "vocational_intermediate")
    client.post(url, {f"dest-{pupil.pk}": "working", f"grad-{pupil.pk}": "on",
                      f"ver-{pupil.pk}": "1"})
    entry = AuditEntry.objects.filter(model="pupildestination", object_id=saved.pk).first()
    assert entry is not None and entry.action == "update"
    assert (entry.before["destination"], entry.after["destination"]) == (
        "vocational_intermediate", "working")
    assert entry.commune_id == cohorts["communes"]["03319"].pk
    assert "đã sửa so với gợi ý" in client.get(url).content.decode()
    # A form opened before that correction (version 1), or before anything was saved
    # (version 0), no longer saves.
    for stale in ("1", "0"):
        response = client.post(url, {f"dest-{pupil.pk}": "unknown", f"ver-{pupil.pk}": stale},
                                follow=True)
        assert "đã được người khác sửa" in response.content.decode()
    assert PupilDestination.objects.get(enrolment=pupil).destination == "working"


def test_labour_demand_summary_by_trade(schools: Any) -> None:
    """District 100: May công nghiệp 5 + 5 (two communes' cooperatives) = 10 workers by
    2 employers; Hàn 4 (trung cấp) + 3 (sơ cấp) = 7 by 2 employers; 17 in all."""
    commune = schools["communes"]["03319"]
    for employer, workers, level in (("Công ty A", 4, "intermediate"),
                                     ("Xưởng B", 3, "elementary")):
        LabourDemand.objects.create(commune=commune, survey_year=YEAR, employer=employer,
                                    trade="Hàn", workers_wanted=workers, qualification=level)
    from phocap.streaming.views.labour import by_trade

    found = by_trade(LabourDemand.objects.filter(
        commune__in=[commune, schools["communes"]["03322"]], survey_year=YEAR))
    assert [(r["trade"], r["workers"], r["employers"]) for r in found] == [
        ("May công nghiệp", 10, 2), ("Hàn", 7, 2)]
    client = reviewer(schools, "district_reviewer", schools["districts"][0])
    text = client.get(f"/units/{schools['districts'][0].pk}/labour-demand/?year={YEAR}"
                      ).content.decode()
    assert "cần tuyển 17 lao động" in text


def test_guidance_list_counts_activities_and_participants(schools: Any) -> None:
    """District 100: two schools' activities of 30 pupils each = 60 participants."""
    client = reviewer(schools, "district_reviewer", schools["districts"][0])
    text = client.get(f"/units/{schools['districts'][0].pk}/career-guidance/?year={YEAR}"
                      ).content.decode()
    assert "2 hoạt động ở 2 trường, 60 lượt học sinh tham gia" in text
    assert "Ngày hội 03319" in text and "Ngày hội 03370" not in text


def test_the_sentence_at_below_and_above_the_target() -> None:
    """40% against 40% is on target; 39,996% is below by less than a hundredth (and reads
    40,00%, as every rate reads with two decimals, docs/numbers.md); no
    graduates is not applicable; no target says so."""
    from fractions import Fraction

    from phocap.kit.targets import against_target
    from phocap.streaming.views.common import WORDING

    def sentence(label: str, rate: Fraction | None, target: Fraction | None) -> tuple[str, str]:
        return against_target(rate, target, WORDING, label)

    assert sentence("vào học nghề", Fraction(40), Fraction(40)) == (
        "equal", "vào học nghề 40,00%, bằng mục tiêu")
    assert sentence("vào học nghề", Fraction(39996, 1000), Fraction(40)) == (
        "below", "vào học nghề 40,00%, thấp hơn mục tiêu chưa đến 0,01 điểm")
    assert sentence("vào học nghề", Fraction(81, 2), Fraction(40))[1] == (
        "vào học nghề 40,50%, cao hơn mục tiêu 0,5 điểm")
    assert sentence("vào THPT", Fraction(50), None)[0] == "none"
    assert sentence("vào THPT", None, Fraction(40))[0] == "n/a"


@pytest.mark.parametrize(("day", "year"), [("2021-09-01", 2021), ("2022-08-31", 2021),
                                           ("2022-03-15", 2021), ("2021-08-31", 2020)])
def test_an_activity_belongs_to_the_school_year_of_its_date(day: str, year: int) -> None:
    import datetime as dt

    from phocap.streaming.views.guidance import school_year_of

    assert school_year_of(dt.date.fromisoformat(day)) == year


def test_only_a_grade_nine_pupil_has_a_destination(schools: Any) -> None:
    from phocap.accounts.models import User
    from phocap.streaming.rates import Destination
    from phocap.streaming.services import set_destination

    school = schools["schools"]["03319"]["school"]
    user = User.objects.create_user(username="gv", password=PASSWORD, role="school_staff",
                                    unit=schools["communes"]["03319"])
    Staff.objects.create(school=school, full_name="Thầy", role="teacher", user=user)
    eight = SchoolClass.objects.create(school=school, school_year=YEAR, name="8A", grade="8")
    pupil = Enrolment.objects.create(klass=eight, pupil_no=1, full_name="Em lớp 8",
                                     birth_year=2007, sex="nữ")
    with pytest.raises(ValueError, match="not a grade-9 class"):
        set_destination(user, pupil, Destination.WORKING, True, None)
    assert not PupilDestination.objects.exists()


def test_a_pupil_of_2024_is_read_in_2025_where_the_crossing_carried_them(
        tree: dict[str, Any]) -> None:
    """Lò Văn Chín, in grade 9 in 2024 in Xã Mường Pồn (03319, old list), continues in 2025
    as a person of the merged Xã Mường Pồn (03202), whose record says class 10: the
    register suggests upper secondary, a graduate (class 10 needs the THCS diploma)."""
    from phocap.register import lineage
    from phocap.register.models import AdministrativeUnit, Household, Person, Village
    from phocap.streaming.services import suggestions

    old = tree["communes"]["03319"]
    new = AdministrativeUnit.objects.create(vintage=lineage.NEW, code="03202",
                                            name="Xã Mường Pồn", type="commune", kind="Xã")

    def person(commune: Any, continues: Any = None) -> Any:
        village = Village.objects.create(commune=commune, name="Bản Pồn",
                                         continues=continues and continues.household.village)
        household = Household.objects.create(commune=commune, village=village,
                                             household_no="0009",
                                             continues=continues and continues.household)
        return Person.objects.create(household=household, person_no=1,
                                     full_name="Lò Văn Chín", birth_year=2009, sex="nam",
                                     continues=continues, superseded=False)

    before = person(old)
    PersonYear.objects.create(person=before, survey_year=2024, current_class="9",
                              class_level="lower_secondary", class_grade=9)
    Person.objects.filter(pk=before.pk).update(superseded=True)
    after = person(new, before)
    PersonYear.objects.create(person=after, survey_year=2025, current_class="10",
                              class_level="upper_secondary", class_grade=10)
    school = School.objects.create(code="11100CS09", name="Trường THCS Mường Pồn",
                                   level=School.Level.LOWER_SECONDARY, commune=old)
    klass = SchoolClass.objects.create(school=school, school_year=2024, name="9A", grade="9")
    pupil = Enrolment.objects.create(klass=klass, person=before, pupil_no=1,
                                     full_name="Lò Văn Chín", birth_year=2009, sex="nam")
    found = suggestions([pupil])[pupil.pk]
    assert (found.destination, found.graduated, found.reason) == (
        "upper_secondary", True, "class")
