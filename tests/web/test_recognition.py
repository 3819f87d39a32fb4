"""The recognition workflow: who submits, who reviews, what freezes, in both eras.

Before 1 July 2025 a commune's dossier goes to its district (ND20 Art 31); from
then on, with no districts, to its province (docs/rules.md §4). The page matrix
(role × own/sibling/parent) is here too, and test_pages.py checks every route
of this app is in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from phocap.accounts import permissions
from phocap.recognition import workflow
from phocap.recognition.models import Dossier, DossierEvent
from phocap.register import editing, rollover
from phocap.register.freezing import Frozen, frozen
from phocap.register.models import AdministrativeUnit, PersonYear
from tests.web.roles import COVERS, PASSWORD, ROLES

YEAR = 2021
NEW = "2025-07-01"


def submit(user: Any, unit: Any, year: int = YEAR) -> Dossier:
    """A claim of primary level 1, explained (one pupil makes no computed level)."""
    return workflow.submit(user, unit, "primary", year, 1, "Hồ sơ điều kiện đã đủ.")


# Transactional: the engine reads committed data, and a commune's cached counts are
# invalidated when its change commits (register/revisions.py).
@pytest.mark.django_db(transaction=True)
def test_2021_commune_submits_district_returns_commune_resubmits_district_decides(
        surveyed: dict[str, Any], make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    staff = make_user("commune_staff", commune)
    district = make_user("district_reviewer", surveyed["districts"][0])
    person = surveyed["people"]["03319"]

    dossier = submit(staff, commune)
    assert dossier.status == Dossier.Status.SUBMITTED
    assert dossier.snapshot["ruleset"] == "nd20-2014"
    assert dossier.snapshot["result"]["criteria"]
    assert workflow.reviewer_of(commune, "primary", 1).unit == surveyed["districts"][0]

    # Frozen while submitted: no edit of the year, with the reason in Vietnamese.
    assert "chờ cấp trên xét" in (frozen(commune, YEAR) or "")
    with pytest.raises(Frozen, match="bị khóa"):
        editing.move(staff, person.pk, person.version, YEAR, "moved_out",
                     day=dt.date(YEAR, 3, 1), place="xã Mường Phăng")
    assert frozen(commune, YEAR + 1) is None
    assert frozen(surveyed["communes"]["03322"], YEAR) is None

    with pytest.raises(workflow.Refused, match="ý kiến"):
        workflow.return_(district, dossier, "  ")
    workflow.return_(district, dossier, "Thiếu biên bản kiểm tra.")
    assert frozen(commune, YEAR) is None
    editing.move(staff, person.pk, person.version, YEAR, "moved_out",
                 day=dt.date(YEAR, 3, 1), place="xã Mường Phăng")

    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.RETURNED
    # The resubmission takes the result afresh (as if the rules had changed meanwhile).
    Dossier.objects.filter(pk=dossier.pk).update(snapshot={"ruleset": "cũ", "level": 0})
    dossier.refresh_from_db()
    resubmitted = workflow.resubmit(staff, dossier, "Đã bổ sung.")
    assert resubmitted.status == Dossier.Status.SUBMITTED
    after = workflow.snapshot_of(commune, "primary", YEAR)
    assert resubmitted.snapshot == after == dossier.events.get(action="resubmit").snapshot

    with pytest.raises(workflow.Refused, match="cao hơn"):
        workflow.decide(district, dossier, "12/QĐ-UBND", dt.date(2022, 3, 1), "Chủ tịch", 1)
    with pytest.raises(workflow.Refused, match="chỉ đề nghị"):
        workflow.decide(district, dossier, "12/QĐ-UBND", dt.date(2022, 3, 1), "Chủ tịch", 2,
                        "thử")
    decided = workflow.decide(district, dossier, "12/QĐ-UBND", dt.date(2022, 3, 1),
                              "Chủ tịch UBND huyện", 1, "Kiểm tra thực tế đạt.")
    assert (decided.status, decided.level_granted) == (Dossier.Status.RECOGNISED, 1)
    assert [e.action for e in decided.events.all()] == ["submit", "return", "resubmit",
                                                        "decide"]
    decision = decided.events.get(action="decide")
    assert decision.snapshot == decided.snapshot == after
    # Later edits do not change what was certified.
    Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.RETURNED)
    editing.move(staff, person.pk, person.version + 1, YEAR, "stays")
    Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.RECOGNISED)
    decided.refresh_from_db()
    assert decided.snapshot == after
    assert "công nhận" in (frozen(commune, YEAR) or "")
    with pytest.raises(workflow.Refused):
        submit(staff, commune)


def test_outside_the_role_every_step_is_refused(surveyed: dict[str, Any],
                                                make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    with pytest.raises(PermissionDenied):
        submit(make_user("commune_staff", surveyed["communes"]["03322"]), commune)
    for role, unit in (("school_staff", commune), ("district_reviewer", surveyed["districts"][0]),
                       ("province_admin", surveyed["province"])):
        with pytest.raises(PermissionDenied):
            submit(make_user(role, unit), commune)
    staff = make_user("commune_staff", commune)
    dossier = submit(staff, commune)
    with pytest.raises(workflow.Refused, match="đang chờ"):
        submit(staff, commune)
    outsiders = [staff, make_user("district_reviewer", surveyed["districts"][1]),
                 make_user("province_reviewer", surveyed["province"]),
                 make_user("ministry_viewer", None)]
    for user in outsiders:
        with pytest.raises(PermissionDenied):
            workflow.return_(user, dossier, "không phải việc của tôi")
        with pytest.raises(PermissionDenied):
            workflow.decide(user, dossier, "1", dt.date(2022, 1, 1), "X", 1, "x")
    assert list(DossierEvent.objects.values_list("action", flat=True)) == ["submit"]


def test_a_district_dossier_goes_to_the_province_and_freezes_its_communes(
        surveyed: dict[str, Any], make_user: Any) -> None:
    district = surveyed["districts"][0]
    dossier = submit(make_user("district_reviewer", district), district)
    assert not permissions.may_review(make_user("district_reviewer", surveyed["districts"][1]),
                                      workflow.reviewing(dossier))
    assert frozen(surveyed["communes"]["03322"], YEAR)
    assert frozen(surveyed["communes"]["03370"], YEAR) is None
    workflow.return_(make_user("province_reviewer", surveyed["province"]), dossier, "Bổ sung.")
    assert frozen(surveyed["communes"]["03322"], YEAR) is None


def test_the_province_and_the_ministry_share_a_province_by_level() -> None:
    old = AdministrativeUnit(vintage="2025-01-04", code="11", name="Tỉnh cũ", type="province")
    new = AdministrativeUnit(vintage=NEW, code="11", name="Tỉnh mới", type="province")
    assert workflow.reviewer_of(old, "primary", 1).type == "ministry"
    assert workflow.reviewer_of(new, "primary", 2).unit is new
    assert workflow.reviewer_of(new, "primary", 3).type == "ministry"
    assert workflow.reviewer_of(new, "literacy", 1).unit is new
    assert workflow.reviewer_of(new, "literacy", 2).type == "ministry"


OLD = "2025-01-04"
ND20_30, ND20_25 = "Điều 30 Nghị định 20/2014/NĐ-CP", "Điều 25 Nghị định 20/2014/NĐ-CP"
ND142, ND143 = "Nghị định 142/2025/NĐ-CP", "Nghị định 143/2025/NĐ-CP"
CHAIRMAN, MINISTER = "Chủ tịch Ủy ban nhân dân tỉnh Điện Biên", "Bộ trưởng Bộ Giáo dục và Đào tạo"


def era_units(vintage: str) -> dict[str, AdministrativeUnit]:
    """A province, (before 1 July 2025) a district in it, and a commune below, unsaved."""
    province = AdministrativeUnit(vintage=vintage, code="11", name="Tỉnh Điện Biên",
                                  type="province", kind="tỉnh")
    units = {"province": province}
    parent = province
    if vintage == OLD:
        parent = units["district"] = AdministrativeUnit(
            vintage=vintage, code="100", name="Huyện Điện Biên", type="district", kind="huyện",
            parent=province)
    units["commune"] = AdministrativeUnit(vintage=vintage, code="03158", name="Xã Mường Pồn",
                                          type="commune", kind="xã", parent=parent)
    return units


# D3 (legal review): who recognises, by era, unit and level (docs/rules.md §4).
@pytest.mark.parametrize(("vintage", "unit", "standard", "level", "who", "source", "caveat"), [
    # Before 1 July 2025 (ND20): district → communes, province → districts, Ministry.
    (OLD, "commune", "primary", 3, "Ủy ban nhân dân huyện Điện Biên", ND20_30, None),
    (OLD, "district", "literacy", 2, "Ủy ban nhân dân tỉnh Điện Biên", ND20_30, None),
    (OLD, "province", "primary", 1, "Bộ Giáo dục và Đào tạo", ND20_25, None),
    # From then on: the province recognises its communes (ND142, which body: not found).
    (NEW, "commune", "lower_secondary", 3, "Ủy ban nhân dân tỉnh Điện Biên", ND142,
     "commune_from_2025"),
    # The Chairman: PCGD levels 1–2, literacy level 1; the Minister: level 3, literacy 2
    # (ND143, amending ND20 Art 25) — at and just above each limit.
    (NEW, "province", "primary", 1, CHAIRMAN, ND143, None),
    (NEW, "province", "lower_secondary", 2, CHAIRMAN, ND143, None),
    (NEW, "province", "lower_secondary", 3, MINISTER, ND143, None),
    (NEW, "province", "primary", 3, MINISTER, ND143, None),
    (NEW, "province", "literacy", 1, CHAIRMAN, ND143, None),
    (NEW, "province", "literacy", 2, MINISTER, ND143, None),
    # Preschool has one level, read as level 1 [interpretation].
    (NEW, "province", "preschool_5", 1, CHAIRMAN, ND143, "one_level_from_2025"),
    (NEW, "province", "preschool_3_5", 1, CHAIRMAN, ND143, "one_level_from_2025"),
])
def test_who_decides_by_era_unit_and_level(vintage: str, unit: str, standard: str,
                                           level: int, who: str, source: str,
                                           caveat: str | None) -> None:
    from phocap.recognition.printing import authority_of
    from phocap.rules.words import AUTHORITY_CAVEATS

    found = authority_of(era_units(vintage)[unit], standard, level)
    assert (found.who, found.source) == (who, source)
    assert found.caveat == (AUTHORITY_CAVEATS[caveat] if caveat else "")


@pytest.fixture
def two_level(db: Any) -> dict[str, Any]:
    """From 1 July 2025: a province and a commune directly below it, surveyed in 2025."""
    from phocap.register.models import Household, Person, Village

    province = AdministrativeUnit.objects.create(vintage=NEW, code="11", name="Tỉnh Điện Biên",
                                                 type="province", kind="tỉnh")
    commune = AdministrativeUnit.objects.create(vintage=NEW, code="03158", name="Xã Mường Pồn",
                                                type="commune", kind="xã", parent=province)
    village = Village.objects.create(commune=commune, name="Bản Pồn")
    household = Household.objects.create(commune=commune, village=village, household_no="0001")
    person = Person.objects.create(household=household, person_no=1, full_name="Lò Thị Em",
                                   birth_year=2014, sex="nữ")
    PersonYear.objects.create(person=person, survey_year=2025, current_class="5",
                              class_level="primary", class_grade=5)
    return {"province": province, "commune": commune, "person": person}


def recorded_names(commune: AdministrativeUnit, year: int) -> list[str]:
    """The names the survey_record view (what the engine and the forms read) gives."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM survey_record WHERE commune_code = %s"
                       " AND survey_year = %s ORDER BY full_name", [commune.code, year])
        return [row[0] for row in cursor.fetchall()]


def test_2025_commune_is_reviewed_by_its_province(two_level: dict[str, Any],
                                                  make_user: Any) -> None:
    commune, province = two_level["commune"], two_level["province"]
    staff = make_user("commune_staff", commune)
    dossier = submit(staff, commune, 2025)
    assert dossier.snapshot["ruleset"] != "nd20-2014"
    assert workflow.reviewer_of(commune, "primary", 1).unit == province
    with pytest.raises(PermissionDenied):
        workflow.return_(make_user("ministry_viewer", None), dossier, "x")
    person = two_level["person"]
    # The shared identity may be corrected (for the open years): the frozen year keeps
    # the name it was submitted with until the reviewer returns it (freeze.py).
    editing.save_household(staff, commune, person.household_id, 1, {"head_name": "Mới"})
    editing.update_person(staff, person.pk, person.version, {"full_name": "Lò Thị Én"})
    assert recorded_names(commune, 2025) == ["Lò Thị Em"]
    workflow.return_(make_user("province_reviewer", province), dossier, "Sửa tên.")
    assert recorded_names(commune, 2025) == ["Lò Thị Én"]
    workflow.resubmit(staff, dossier, "Đã sửa tên.")
    decided = workflow.decide(make_user("province_admin", province), dossier, "5/QĐ-UBND",
                              dt.date(2026, 1, 5), "Chủ tịch UBND tỉnh", 0)
    assert decided.status == Dossier.Status.REFUSED
    assert frozen(commune, 2025) is None


def test_a_frozen_year_is_not_rolled_over_into(surveyed: dict[str, Any], make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    staff = make_user("commune_staff", commune)
    # A year without data cannot be submitted (issue 14): 2022 gets its one record first.
    PersonYear.objects.create(person=surveyed["people"]["03319"], survey_year=YEAR + 1,
                              current_class="6", class_level="lower_secondary", class_grade=6)
    submit(staff, commune, YEAR + 1)
    with pytest.raises(rollover.RolloverRefused, match="bị khóa"):
        rollover.open_year(staff, commune, YEAR)
    assert PersonYear.objects.filter(survey_year=YEAR + 1).count() == 1
    with pytest.raises(rollover.RolloverRefused, match="bị khóa"):
        rollover.confirm_graduates(staff, commune, YEAR + 1, [])


def test_a_frozen_year_refuses_a_merge_that_moves_it(surveyed: dict[str, Any],
                                                     make_user: Any) -> None:
    from django.db import connection

    from phocap.register import duplicates
    from phocap.register.models import Person

    commune = surveyed["communes"]["03319"]
    staff = make_user("commune_staff", commune)
    kept = surveyed["people"]["03319"]
    twin = Person.objects.create(household=kept.household, person_no=2, national_id="011210000001",
                                 full_name=kept.full_name, birth_year=2010, sex="nam")
    submit(staff, commune)
    with pytest.raises(Frozen):  # the frozen 2021 record would become the twin's
        duplicates.merge(staff, commune, twin.pk, twin.version, kept.pk, kept.version)
    assert Person.objects.filter(pk=kept.pk).exists()
    # The twin has no year of its own: folding it in changes the person, not 2021.
    duplicates.merge(staff, commune, kept.pk, kept.version, twin.pk, twin.version)
    assert not Person.objects.filter(pk=twin.pk).exists()
    assert Person.objects.get(pk=kept.pk).national_id == "011210000001"
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id FROM survey_record WHERE commune_code = '03319'")
        assert cursor.fetchall() == [(None,)]


def test_a_frozen_year_refuses_the_import(surveyed: dict[str, Any], make_user: Any) -> None:
    from pathlib import Path

    import polars as pl

    from phocap.register import importing
    from phocap.survey.validate import validate

    commune = surveyed["communes"]["03319"]
    staff = make_user("commune_staff", commune)
    fixture = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"
    records = validate(fixture, keep_records=True).records
    assert records is not None
    submit(staff, commune)
    with pytest.raises(importing.ImportRefused, match="bị khóa"):
        importing.commit(records.filter(pl.col("commune_code") == "03319"), staff)
    assert PersonYear.objects.filter(person__household__commune=commune).count() == 1


# The scope matrix: each role against a dossier of its own commune (03319), of the
# sibling commune (03322) and of the parent district (100), all of 2021.
TARGETS = ("03319", "03322", "100")
REVIEWS = {"03319": {"district_reviewer"}, "03322": {"district_reviewer"},
           "100": {"province_reviewer", "province_admin"}}
SUBMITS = {"03319": {"commune_staff"}, "03322": set(), "100": {"district_reviewer"}}


def account(make_user: Any, role: str, unit: Any) -> Any:
    """The role's user at the unit, made once (the dossiers fixture makes the submitters)."""
    from phocap.accounts.models import User

    return User.objects.filter(role=role, unit=unit).first() or make_user(role, unit)


def _covers(role: str, target: str) -> bool:
    if role == "ministry_viewer":
        return True  # aggregates of every unit; a dossier holds no person
    if target == "100":
        return role in {"district_reviewer", "province_reviewer", "province_admin"}
    return target in COVERS[role]


@pytest.fixture
def dossiers(surveyed: dict[str, Any], make_user: Any) -> dict[str, Dossier]:
    units = {**surveyed["communes"], "100": surveyed["districts"][0]}
    submitters = {"03319": "commune_staff", "03322": "commune_staff", "100": "district_reviewer"}
    return {code: submit(account(make_user, submitters[code], units[code]), units[code])
            for code in TARGETS}


@pytest.mark.parametrize("role, unit_of", ROLES, ids=[r for r, _ in ROLES])
@pytest.mark.parametrize("target", TARGETS)
def test_dossier_pages_scope_matrix(role: str, unit_of: Any, target: str,
                                    dossiers: dict[str, Dossier], surveyed: dict[str, Any],
                                    make_user: Any) -> None:
    dossier = dossiers[target]
    unit = dossier.unit
    user = account(make_user, role, unit_of(surveyed))
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    inside = _covers(role, target)
    # A school's account reads its pupils only: a unit's dossiers are refused (403).
    read = (403 if role == "school_staff" else 200) if inside else 404

    assert client.get(f"/units/{unit.pk}/dossiers/").status_code == read, "dossier-list"
    assert client.get(f"/dossiers/{dossier.pk}/").status_code == read, "dossier"

    posted = client.post(f"/units/{unit.pk}/dossiers/",
                         {"standard": "literacy", "survey_year": str(YEAR), "level": "1",
                          "comment": "Đủ điều kiện."})
    may_submit = role in SUBMITS[target]
    assert posted.status_code == (302 if may_submit else 403 if inside else 404), "submit"
    assert Dossier.objects.filter(unit=unit, standard="literacy").exists() == may_submit

    returned = client.post(f"/dossiers/{dossier.pk}/",
                           {"action": "return", "comment": "Bổ sung biên bản."})
    may_review = role in REVIEWS[target]
    assert returned.status_code == (302 if may_review else 403 if inside else 404), "return"
    dossier.refresh_from_db()
    assert (dossier.status == Dossier.Status.RETURNED) == may_review

    decided = client.post(f"/dossiers/{dossier.pk}/", {
        "action": "decide", "decision_number": "1/QĐ", "decision_date": "2022-01-10",
        "signer": "Chủ tịch", "level": "0"})
    assert decided.status_code == (302 if may_review else 403 if inside else 404), "decide"
    dossier.refresh_from_db()
    # A reviewer who returned it cannot decide it any more: the dossier is not awaiting them.
    assert dossier.status in (Dossier.Status.RETURNED if may_review
                              else Dossier.Status.SUBMITTED,)

    resubmitted = client.post(f"/dossiers/{dossier.pk}/",
                              {"action": "resubmit", "comment": "Đã bổ sung."})
    assert resubmitted.status_code == (302 if may_submit else 403 if inside else 404)


@pytest.mark.parametrize("role, unit_of", ROLES, ids=[r for r, _ in ROLES])
def test_queue_lists_what_awaits_each_reviewer(role: str, unit_of: Any,
                                               dossiers: dict[str, Dossier],
                                               surveyed: dict[str, Any],
                                               make_user: Any) -> None:
    user = account(make_user, role, unit_of(surveyed))
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get("/recognition/queue/")
    if role in {"commune_staff", "school_staff"}:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    listed = {code for code, d in dossiers.items() if f"/dossiers/{d.pk}/" in
              response.content.decode()}
    assert listed == {code for code in TARGETS if role in REVIEWS[code]}
    filtered = client.get("/recognition/queue/?standard=literacy").content.decode()
    assert not any(f"/dossiers/{d.pk}/" in filtered for d in dossiers.values())


def test_dossier_page_warns_when_the_register_changed_since(
        dossiers: dict[str, Dossier], surveyed: dict[str, Any], make_user: Any) -> None:
    dossier = dossiers["03319"]
    client = Client()
    reviewer = account(make_user, "district_reviewer", surveyed["districts"][0])
    assert client.login(username=reviewer.username, password=PASSWORD)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert 'id="differs"' not in page and 'id="decide-form"' in page
    stale = dossier.snapshot | {"level": 2, "result": dossier.snapshot["result"] | {"level": 2}}
    Dossier.objects.filter(pk=dossier.pk).update(snapshot=stale)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert 'id="differs"' in page and 'id="current"' in page


@pytest.mark.django_db(transaction=True)
def test_two_colleagues_submitting_one_new_dossier_at_once(surveyed: dict[str, Any]) -> None:
    """Both start together: exactly one dossier and one event come out, and the other
    colleague is refused in Vietnamese (never a server error), on SQLite and PostgreSQL."""
    import threading

    from django.db import connection

    from phocap.accounts.models import User

    commune = surveyed["communes"]["03319"]
    colleagues = [User.objects.create_user(username=f"can-bo-{n}", password=PASSWORD,
                                           role="commune_staff", unit=commune)
                  for n in (1, 2)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def submit_as(user: Any) -> None:
        try:
            start.wait()
            submit(user, commune)
            outcomes.append("submitted")
        except workflow.Refused as refused:
            outcomes.append(f"refused: {refused}")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit_as, args=(u,)) for u in colleagues]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "submitted"], outcomes
    assert Dossier.objects.filter(unit=commune, standard="primary", survey_year=YEAR).count() == 1
    assert DossierEvent.objects.filter(dossier__unit=commune).count() == 1


def test_the_queue_lists_the_oldest_submission_first(surveyed: dict[str, Any],
                                                     make_user: Any) -> None:
    communes = surveyed["communes"]
    first = submit(account(make_user, "commune_staff", communes["03322"]), communes["03322"])
    second = submit(account(make_user, "commune_staff", communes["03319"]), communes["03319"])
    reviewer = Client()
    reviewer.login(username=account(make_user, "district_reviewer",
                                    surveyed["districts"][0]).username, password=PASSWORD)

    def order() -> list[int]:
        return [d.pk for d, _ in reviewer.get("/recognition/queue/").context["awaiting"]]

    Dossier.objects.filter(pk=first.pk).update(updated=dt.datetime(2021, 10, 1, tzinfo=dt.UTC))
    Dossier.objects.filter(pk=second.pk).update(updated=dt.datetime(2021, 10, 2, tzinfo=dt.UTC))
    assert order() == [first.pk, second.pk]
    Dossier.objects.filter(pk=first.pk).update(updated=dt.datetime(2021, 10, 3, tzinfo=dt.UTC))
    assert order() == [second.pk, first.pk]


# The printed dossier (route "dossier-pdf"): the same scope as the dossier page; the
# name lists inside it are personal data, for readers who see people, and logged.
def _pdf_text(data: bytes) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


@pytest.fixture
def pupil(surveyed: dict[str, Any]) -> Any:
    """A 13-year-old of commune 03319 who completed primary in 2020: on its name list."""
    from phocap.register.models import Person

    person = surveyed["people"]["03319"]
    hường = Person.objects.create(household=person.household, person_no=2, sex="nữ",
                                  full_name="Lò Thị Ngọc Hường", birth_year=2008)
    PersonYear.objects.create(person=hường, survey_year=YEAR, current_class="8",
                              class_level="lower_secondary", class_grade=8,
                              primary_completed=2020)
    return hường


@pytest.mark.parametrize("role, unit_of", ROLES, ids=[r for r, _ in ROLES])
@pytest.mark.parametrize("target", TARGETS)
def test_dossier_pdf_scope_matrix(role: str, unit_of: Any, target: str,
                                  dossiers: dict[str, Dossier], surveyed: dict[str, Any],
                                  make_user: Any) -> None:
    from phocap.register.models import AuditEntry

    dossier = dossiers[target]
    user = account(make_user, role, unit_of(surveyed))
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/dossiers/{dossier.pk}/pdf/")
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, user=user)
    if not _covers(role, target) or role == "school_staff":
        # The PDF carries the commune's name lists: not a school's to read.
        assert response.status_code == (403 if _covers(role, target) else 404), "dossier-pdf"
        assert not response.content.startswith(b"%PDF")
        assert not logged.exists()
        return
    assert response.status_code == 200, "dossier-pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"ho-so-{dossier.unit.code}-tieu-hoc-{YEAR}.pdf" in response["Content-Disposition"]
    # A commune's dossier carries its name lists, except for the Ministry's viewer.
    with_lists = target != "100" and role != "ministry_viewer"
    assert logged.count() == (1 if with_lists else 0)
    if with_lists:
        entry = logged.get()
        assert entry.commune == dossier.unit
        assert entry.after["lists"] == ["DS-TH"] and entry.after["dossier"] == dossier.pk


@pytest.mark.django_db(transaction=True)  # the forms read the register through Ibis
def test_the_pdf_prints_the_certified_result_the_forms_and_the_names(
        pupil: Any, surveyed: dict[str, Any], make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    dossier = submit(make_user("commune_staff", commune), commune)
    reviewer = make_user("district_reviewer", surveyed["districts"][0])
    workflow.decide(reviewer, dossier, "12/QĐ-UBND", dt.date(2022, 3, 1),
                    "Chủ tịch UBND huyện", 1, "Kiểm tra thực tế đạt.")
    # What was certified, not today's register: a snapshot saying 7 of 9 six-year-olds.
    dossier.refresh_from_db()
    snapshot = dossier.snapshot
    criteria = [c | {"numerator": 7, "denominator": 9} if c["key"] == "primary.1.grade_1_at_6"
                else c for c in snapshot["result"]["criteria"]]
    Dossier.objects.filter(pk=dossier.pk).update(
        snapshot=snapshot | {"result": snapshot["result"] | {"criteria": criteria}})

    client = Client()
    assert client.login(username=reviewer.username, password=PASSWORD)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert f'href="/dossiers/{dossier.pk}/pdf/"' in page
    text = _pdf_text(client.get(f"/dossiers/{dossier.pk}/pdf/").content)
    for expected in ("Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "7/9 người",
                     "BIÊN BẢN TỰ KIỂM TRA", "BIÊN BẢN KIỂM TRA",
                     "Quyết định số 12/QĐ-UBND ngày 01/03/2022", "Lò Thị Ngọc Hường",
                     "DANH SÁCH HỌC SINH HOÀN THÀNH CHƯƠNG TRÌNH TIỂU HỌC", "Biểu TH-M1"):
        assert expected in text, expected
    assert "Biểu MN-01" not in text  # the forms of the dossier's standard only

    viewer = Client()
    assert viewer.login(username=make_user("ministry_viewer", None).username,
                        password=PASSWORD)
    withheld = _pdf_text(viewer.get(f"/dossiers/{dossier.pk}/pdf/").content)
    assert "Lò Thị Ngọc Hường" not in withheld and "không được in" in withheld
    assert "7/9 người" in withheld


def test_a_name_the_font_cannot_print_is_a_message_not_a_server_error(
        dossiers: dict[str, Dossier], surveyed: dict[str, Any], make_user: Any) -> None:
    dossier = dossiers["03319"]
    AdministrativeUnit.objects.filter(pk=dossier.unit_id).update(name="Xã ☃")
    client = Client()
    assert client.login(username=account(make_user, "commune_staff", dossier.unit).username,
                        password=PASSWORD)
    response = client.get(f"/dossiers/{dossier.pk}/pdf/", follow=True)
    assert response.redirect_chain == [(f"/dossiers/{dossier.pk}/", 302)]
    assert "Không in được hồ sơ" in response.content.decode()
    assert "☃" in response.content.decode()


def test_a_2025_commune_dossier_is_addressed_to_its_province(two_level: dict[str, Any],
                                                             make_user: Any) -> None:
    from phocap.recognition import printing

    commune, province = two_level["commune"], two_level["province"]
    dossier = submit(make_user("commune_staff", commune), commune, 2025)
    printed = printing.content_of(dossier, with_people=True)
    assert printed.reviewer == "Ủy ban nhân dân tỉnh Điện Biên"
    assert "chưa đọc được cơ quan nào của tỉnh ký quyết định" in printed.reviewer_caveat
    # The dossier's page names who decides, the text that says so, and what is open (D3).
    client = Client()
    assert client.login(username=make_user("province_reviewer", province).username,
                        password=PASSWORD)
    page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert ("cấp xét, công nhận: Ủy ban nhân dân tỉnh Điện Biên (Nghị định 142/2025/NĐ-CP)"
            in page)
    assert f'<p class="caveat" id="authority-caveat">{printed.reviewer_caveat}</p>' in page
    assert 'placeholder="Ủy ban nhân dân tỉnh Điện Biên"' in page
    assert (printed.place, printed.parents) == ("Mường Pồn", ("Tỉnh Điện Biên",))
    assert [m.kind for m in printed.minutes] == ["self_check"]
    assert [s.action for s in printed.history] == ["submit"]
    workflow.decide(make_user("province_admin", province), dossier, "5/QĐ-UBND",
                    dt.date(2026, 1, 5), "Chủ tịch UBND tỉnh", 0)
    dossier.refresh_from_db()
    printed = printing.content_of(dossier, with_people=False)
    assert [m.kind for m in printed.minutes] == ["self_check", "inspection"]
    assert printed.minutes[1].body == "Ủy ban nhân dân\nTỉnh Điện Biên"
    assert printed.name_lists == () and printed.name_lists_withheld
