"""Accounts and review after the line of 1 July 2025 (issue 15, item 2; docs/after-the-line.md).

The units (tests/web/conftest.py, ``tree`` and ``after_line``), linked as the official
conversion table links their codes:

    old province 11 → district 100 → communes 03319, 03322; district 101 → 03370
    old province 01 → district 001 → communes 00001, 00016 (00016 has nobody)
    new province 11: 03202 ← 03319 · 03328 ← 03322 · 03370 ← 03370   (all whole)
    new province 01: 00097 ← 00001 (whole) · 00004 and 00008 ← part of 00016 (split)

Each old commune of the tree but 00016 has one person. The page matrix of these rows
is tests/web/test_pages.py (``ACROSS``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from phocap.accounts import permissions
from phocap.accounts.models import User
from phocap.recognition import tasks, workflow
from phocap.register import lineage
from phocap.register.carry import Outcome, carry_accounts
from phocap.register.models import AuditEntry, Person, PersonYear
from tests.web.roles import signed_in

YEAR = 2021


def visible(user: Any) -> set[str]:
    return {p.household.commune.code for p in Person.objects.for_user(user)}


def signed_in_as(user: User) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def survey(person: Any, year: int) -> None:
    PersonYear.objects.create(person=person, survey_year=year, current_class="5",
                              class_level="primary", class_grade=5)


# -- the province links of the one conversion table --------------------------------------

def test_every_old_province_goes_into_exactly_one_new_province() -> None:
    """lineage.py reads the province links as the table's distinct pairs: sound only if no
    old province went into two new ones."""
    from phocap.units import conversion_links

    into: dict[str, set[str]] = defaultdict(set)
    for link in conversion_links():
        if link.old_province_code:
            into[link.old_province_code].add(link.new_province_code)
    assert len(into) == 63 and all(len(new) == 1 for new in into.values())
    # Three old provinces went into new province 25 (Phú Thọ): 17 Hòa Bình, 25, 26 Vĩnh Phúc.
    assert {old for old, new in into.items() if new == {"25"}} == {"17", "25", "26"}


def test_province_predecessor_and_successor(after_line: dict[str, Any]) -> None:
    new, old = after_line["new"]["province"], after_line["province"]
    assert lineage.province_predecessors(new) == [old]
    assert lineage.province_successor(old) == new
    assert lineage.province_predecessors(old) == [] and lineage.province_successor(new) is None


# -- item 1: a new unit's staff read their predecessors' history --------------------------

@pytest.mark.parametrize(("role", "where", "code", "expected"), [
    ("commune_staff", "communes", "03202", {"03319"}),
    ("commune_staff", "communes", "03328", {"03322"}),
    ("commune_staff", "communes", "03370", {"03370"}),   # the old commune of the same code
    ("school_staff", "communes", "03202", set()),         # no staff record: nobody, as before
    ("province_reviewer", "province", "11", {"03319", "03322", "03370"}),
    ("province_admin", "other_province", "01", {"00001"}),
])
def test_a_new_unit_reads_the_people_of_its_predecessors(
        after_line: dict[str, Any], make_user: Any, role: str, where: str, code: str,
        expected: set[str]) -> None:
    new = after_line["new"]
    unit = new["communes"][code] if where == "communes" else new[where]
    user = make_user(role, unit)
    assert visible(user) == expected
    assert not any(permissions.may_edit(user, c) for c in after_line["communes"].values())


def test_the_old_units_staff_read_what_they_read_before(after_line: dict[str, Any],
                                                       make_user: Any) -> None:
    assert visible(make_user("commune_staff", after_line["communes"]["03319"])) == {"03319"}
    assert visible(make_user("district_reviewer", after_line["districts"][0])) == {"03319",
                                                                                   "03322"}
    assert permissions.history_units(make_user("ministry_viewer", None)) == frozenset()


def test_a_split_predecessor_is_read_and_marked(after_line: dict[str, Any],
                                                make_user: Any) -> None:
    """Both new communes that received part of 00016 read its history; each page marks it
    "một phần đã chuyển sang xã khác"."""
    split = after_line["split"]
    for code in ("00004", "00008"):
        user = make_user("commune_staff", after_line["new"]["communes"][code])
        assert permissions.covers(user, split) and not permissions.may_edit(user, split)
        client = signed_in(user)
        own = client.get(f"/units/{user.unit_id}/").content.decode()
        assert f'href="/units/{split.pk}/' in own
        assert "một phần đã chuyển sang xã khác" in own
        old = client.get(f"/units/{split.pk}/").content.decode()
        assert 'id="history-note"' in old and "Một phần đã chuyển sang xã khác." in old
        assert "Thêm hộ" not in old
    # 00001 went wholly into 00097: its page carries no split mark.
    whole = signed_in(make_user("commune_staff", after_line["new"]["communes"]["00097"]))
    page = whole.get(f"/units/{after_line['communes']['00001'].pk}/").content.decode()
    assert 'id="history-note"' in page and "chuyển sang xã khác" not in page


def test_the_api_reads_the_history_and_changes_none_of_it(after_line: dict[str, Any],
                                                          make_user: Any) -> None:
    """The API asks the same scope: new commune 03202's token reads old 03319's person and
    results of 2021, may not change the person (403), and finds nothing of old 03322."""
    from django.test import Client

    from tests.web.test_api import bearer

    survey(after_line["people"]["03319"], YEAR)
    headers = bearer(make_user("commune_staff", after_line["new"]["communes"]["03202"]))
    client, person = Client(), after_line["people"]["03319"]
    assert client.get(f"/api/v1/persons/{person.pk}", **headers).status_code == 200
    refused = client.patch(f"/api/v1/persons/{person.pk}", {"version": 1, "full_name": "Đổi"},
                           content_type="application/json", **headers)
    assert refused.status_code == 403
    assert Person.objects.get(pk=person.pk).full_name == person.full_name
    assert client.get(f"/api/v1/units/03319/results?year={YEAR}", **headers).status_code == 200
    other = after_line["people"]["03322"]
    assert client.get(f"/api/v1/persons/{other.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/units/03322/results?year={YEAR}", **headers).status_code == 404


def test_a_new_province_lists_its_predecessor(after_line: dict[str, Any],
                                              make_user: Any) -> None:
    client = signed_in(make_user("province_reviewer", after_line["new"]["province"]))
    page = client.get(f"/units/{after_line['new']['province'].pk}/").content.decode()
    assert f'href="/units/{after_line["province"].pk}/' in page
    old = client.get(f"/units/{after_line['province'].pk}/").content.decode()
    assert 'id="history-note"' in old


# -- item 2: a district's account keeps its history, read-only -----------------------------

@pytest.fixture
def dossier(surveyed: dict[str, Any], make_user: Any) -> Any:
    """Commune 03319's 2021 dossier (primary level 1, explained), awaiting district 100."""
    staff = make_user("commune_staff", surveyed["communes"]["03319"])
    return workflow.submit(staff, surveyed["communes"]["03319"], "primary", YEAR, 1,
                           "Hồ sơ điều kiện đã đủ.")


@pytest.mark.parametrize("history_only", [False, True])
def test_a_history_only_district_reads_and_decides_nothing(
        surveyed: dict[str, Any], make_user: Any, dossier: Any, history_only: bool) -> None:
    district = surveyed["districts"][0]
    user = make_user("district_reviewer", district)
    User.objects.filter(pk=user.pk).update(history_only=history_only)
    user.refresh_from_db()
    acting = not history_only
    # Reading is the same on both sides.
    assert visible(user) == {"03319", "03322"}
    assert permissions.covers(user, surveyed["communes"]["03319"])
    # Acting is refused only under the flag.
    reviewer = workflow.reviewing(dossier)
    assert permissions.may_review(user, reviewer) is acting
    assert permissions.recognises_at(user, reviewer)
    assert permissions.may_set_targets(user, district) is acting
    assert permissions.may_submit(user, district) is acting
    assert permissions.reads_history(user, district) is history_only
    assert [d.pk for d in tasks.awaiting_review(user)] == ([dossier.pk] if acting else [])
    client = signed_in(user)
    page = client.get(f"/units/{district.pk}/?year={YEAR}")
    assert page.status_code == 200
    assert ('id="history-only"' in page.content.decode()) is history_only
    if history_only:
        with pytest.raises(PermissionDenied):
            workflow.decide(user, dossier, "1/QĐ", dt.date(2022, 1, 5), "Chủ tịch", 1, "Đạt.")
        with pytest.raises(PermissionDenied):
            workflow.submit(user, district, "primary", YEAR, 1, "x")
        return
    workflow.decide(user, dossier, "1/QĐ", dt.date(2022, 1, 5), "Chủ tịch UBND huyện", 1,
                    "Kiểm tra thực tế đạt.")
    # Flagged afterwards (carried across the line), it keeps its list of decisions.
    User.objects.filter(pk=user.pk).update(history_only=True)
    user.refresh_from_db()
    assert [d.pk for d in tasks.decided_by(user)] == [dossier.pk]
    listed = client.get("/recognition/decided/")
    assert listed.status_code == 200 and "1/QĐ" in listed.content.decode()


def test_a_history_only_commune_account_edits_nothing(surveyed: dict[str, Any],
                                                      make_user: Any) -> None:
    """The flag is the account's, whatever its level: an administrator may set it on a
    commune officer too (carryaccounts sets it on districts only)."""
    commune = surveyed["communes"]["03319"]
    user = make_user("commune_staff", commune)
    assert permissions.may_edit(user, commune) and permissions.may_upload(user)
    user.history_only = True
    assert not permissions.may_edit(user, commune) and not permissions.may_upload(user)
    assert permissions.covers(user, commune) and visible(user) == {"03319"}


# -- item 3: carrying the accounts across the line -------------------------------------------

@pytest.fixture
def accounts(after_line: dict[str, Any]) -> dict[str, User]:
    communes = after_line["communes"]
    made = {}
    for name, role, unit in (
            ("xa03319", "commune_staff", communes["03319"]),
            ("truong03319", "school_staff", communes["03319"]),
            ("xa00016", "commune_staff", after_line["split"]),
            ("xa00001", "commune_staff", communes["00001"]),
            ("huyen100", "district_reviewer", after_line["districts"][0]),
            ("tinh11", "province_reviewer", after_line["province"]),
            ("quantri11", "province_admin", after_line["province"]),
            ("bo", "ministry_viewer", None),
            ("xa03328", "commune_staff", after_line["new"]["communes"]["03328"])):
        made[name] = User.objects.create_user(username=name, password="x", role=role,
                                              unit=unit)
    return made


def units_now() -> dict[str, tuple[str, str, bool]]:
    return {u.username: (u.unit.vintage if u.unit else "", u.unit.code if u.unit else "",
                         u.history_only) for u in User.objects.select_related("unit")}


def test_carrying_moves_merged_communes_and_provinces_and_freezes_districts(
        after_line: dict[str, Any], accounts: dict[str, User]) -> None:
    from phocap.register.models import AdministrativeUnit

    # 00001's new commune 00097 is not loaded: nowhere to go, so it stays and is reported.
    AdministrativeUnit.objects.filter(pk=after_line["new"]["communes"]["00097"].pk).delete()
    before = units_now()
    planned = carry_accounts(dry_run=True)
    assert units_now() == before and not AuditEntry.objects.filter(model="user").exists()

    done = carry_accounts()
    assert [(c.user.username, c.outcome) for c in done] == [(c.user.username, c.outcome)
                                                          for c in planned]
    old, new = lineage.OLD, lineage.NEW
    assert units_now() == {
        "xa03319": (new, "03202", False), "truong03319": (new, "03202", False),
        "xa00016": (old, "00016", False),     # split: left for the administrator
        "xa00001": (old, "00001", False),     # no successor loaded
        "huyen100": (old, "100", True),
        "tinh11": (new, "11", False), "quantri11": (new, "11", False),
        "bo": ("", "", False), "xa03328": (new, "03328", False)}
    outcomes = {c.user.username: c.outcome for c in done}
    assert outcomes == {"huyen100": Outcome.HISTORY_ONLY, "quantri11": Outcome.MOVED,
                        "tinh11": Outcome.MOVED, "truong03319": Outcome.MOVED,
                        "xa00001": Outcome.NO_SUCCESSOR, "xa00016": Outcome.SPLIT,
                        "xa03319": Outcome.MOVED}
    split = next(c for c in done if c.outcome == Outcome.SPLIT)
    assert {u.code for u in split.candidates} == {"00004", "00008"}
    # Five changes, one audit entry each: the commune's officer and school staff moved,
    # the province's two accounts moved, the district flagged: 2 + 2 + 1 = 5.
    entries = AuditEntry.objects.filter(model="user", action="update")
    assert entries.count() == 5
    moved = entries.get(object_id=accounts["xa03319"].pk)
    assert moved.before is not None and moved.after is not None
    assert (moved.before["unit_id"], moved.after["unit_id"]) == (
        after_line["communes"]["03319"].pk, after_line["new"]["communes"]["03202"].pk)
    flagged = entries.get(object_id=accounts["huyen100"].pk)
    assert flagged.before is not None and flagged.after is not None
    assert (flagged.before["history_only"], flagged.after["history_only"]) == (False, True)

    # The moved officer keeps the old commune's history, read-only, and edits the new one.
    officer = User.objects.get(username="xa03319")
    assert visible(officer) == {"03319"}
    assert permissions.may_edit(officer, after_line["new"]["communes"]["03202"])
    assert not permissions.may_edit(officer, after_line["communes"]["03319"])

    # Carrying again changes nothing and writes nothing.
    again = carry_accounts()
    assert {c.outcome for c in again} == {Outcome.SPLIT, Outcome.NO_SUCCESSOR}
    assert AuditEntry.objects.filter(model="user").count() == 5


def test_the_command_prints_its_table_in_vietnamese(accounts: dict[str, User]) -> None:
    out = StringIO()
    call_command("carryaccounts", "--dry-run", stdout=out)
    text = out.getvalue()
    assert " ".join(text.splitlines()[0].split()) == (
        "Tài khoản Vai trò Đơn vị trước 01/7/2025 Đơn vị từ 01/7/2025 Kết quả")
    assert "Chạy thử: chưa thay đổi gì (6 tài khoản sẽ đổi)." in text
    row = next(line for line in text.splitlines() if line.startswith("xa00016"))
    assert "cán bộ xã" in row and "00004" in row and "00008" in row and "quản trị tỉnh" in row
    assert User.objects.get(username="huyen100").history_only is False
    out = StringIO()
    call_command("carryaccounts", stdout=out)
    assert "Đã đổi 6 tài khoản" in out.getvalue()
    assert "1 tài khoản giữ nguyên" in out.getvalue()


# -- item 4: recognition from 2025 goes commune → province ---------------------------------

def test_a_2025_commune_goes_to_the_province_and_a_2023_one_through_the_district(
        after_line: dict[str, Any], make_user: Any) -> None:
    """The reviewing level follows the unit's list (workflow.reviewer_of): an old commune's
    parent is its district (ND20 Art 31), a new commune's is its province (no district
    level from 1 July 2025, ND142/2025)."""
    old, new = after_line["communes"]["03319"], after_line["new"]["communes"]["03202"]
    survey(after_line["people"]["03319"], 2023)
    person = after_line["people"]["03319"]
    # The same person, continued under the new commune (as the roll-over makes them).
    from phocap.register.models import Household, Village

    village = Village.objects.create(commune=new, name="Bản Pồn")
    household = Household.objects.create(commune=new, village=village, household_no="0001")
    survey(Person.objects.create(household=household, person_no=1, full_name=person.full_name,
                                 birth_year=person.birth_year, sex=person.sex), 2025)
    district = make_user("district_reviewer", after_line["districts"][0])
    old_province = User.objects.create_user(username="tinh-cu", password="x",
                                            role="province_reviewer", unit=after_line["province"])
    new_province = make_user("province_reviewer", after_line["new"]["province"])

    before = workflow.submit(make_user("commune_staff", old), old, "primary", 2023, 1, "Đủ.")
    after = workflow.submit(make_user("commune_staff", new), new, "primary", 2025, 1, "Đủ.")
    assert workflow.reviewing(before) == workflow.Reviewer("district", after_line["districts"][0])
    assert workflow.reviewing(after) == workflow.Reviewer("province", after_line["new"]["province"])
    assert [permissions.may_review(u, workflow.reviewing(before))
            for u in (district, old_province, new_province)] == [True, False, False]
    assert [permissions.may_review(u, workflow.reviewing(after))
            for u in (district, old_province, new_province)] == [False, False, True]
    assert [d.pk for d in tasks.awaiting_review(new_province)] == [after.pk]
    assert [d.pk for d in tasks.awaiting_review(district)] == [before.pk]
    # No district step: the new province decides the 2025 dossier at once.
    decided = workflow.decide(new_province, after, "5/QĐ-UBND", dt.date(2026, 1, 5),
                              "Chủ tịch UBND tỉnh", 1, "Kiểm tra đạt.")
    assert [e.action for e in decided.events.all()] == ["submit", "decide"]


# -- item 6: the default views open on the latest year with data in the user's scope ---------

def opened_on(client: Any, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    year: int = response.context["year"]
    return year


def test_with_data_up_to_2023_the_new_units_open_on_2023(after_line: dict[str, Any],
                                                         make_user: Any) -> None:
    """Nothing surveyed under the new communes yet: a new province's page, results and
    forms open on 2023, its predecessors' latest year, and link the old province there;
    the ministry's national page opens on 2023 too."""
    for code in ("03319", "03322"):
        survey(after_line["people"][code], 2022)
        survey(after_line["people"][code], 2023)
    province = after_line["new"]["province"]
    client = signed_in(make_user("province_reviewer", province))
    for page in ("", "results/", "forms/"):
        assert opened_on(client, f"/units/{province.pk}/{page}") == 2023, page
    page = client.get(f"/units/{province.pk}/").content.decode()
    assert f'href="/units/{after_line["province"].pk}/?year=2023"' in page
    commune = after_line["new"]["communes"]["03202"]
    staff = signed_in(make_user("commune_staff", commune))
    assert opened_on(staff, f"/units/{commune.pk}/") == 2023
    ministry = signed_in(make_user("ministry_viewer", None))
    assert opened_on(ministry, "/national/") == 2023


def test_with_data_in_2025_the_new_units_open_on_2025(after_line: dict[str, Any],
                                                      make_user: Any) -> None:
    """Once 2025 is surveyed under a new commune, the new province and the ministry open on
    it; an old district, whose years end in 2023, still opens on 2023."""
    survey(after_line["people"]["03319"], 2023)
    from phocap.register.models import Household, Village

    new = after_line["new"]["communes"]["03202"]
    village = Village.objects.create(commune=new, name="Bản Pồn")
    household = Household.objects.create(commune=new, village=village, household_no="0001")
    survey(Person.objects.create(household=household, person_no=1, full_name="Lò Thị Em",
                                 birth_year=2014, sex="nữ"), 2025)
    province = after_line["new"]["province"]
    client = signed_in(make_user("province_reviewer", province))
    for page in ("", "results/", "forms/"):
        assert opened_on(client, f"/units/{province.pk}/{page}") == 2025, page
    assert opened_on(client, f"/units/{after_line['districts'][0].pk}/") == 2023
    # 03328 has nothing of its own in 2025: it opens on the newest year of its own scope,
    # old 03322's, which has nobody surveyed either: so last year's survey.
    other = signed_in(make_user("commune_staff", after_line["new"]["communes"]["03328"]))
    assert opened_on(other, f"/units/{after_line['new']['communes']['03328'].pk}/") == (
        dt.date.today().year - 1)
    assert opened_on(signed_in(make_user("ministry_viewer", None)), "/national/") == 2025


def test_the_new_provinces_administrator_places_a_split_communes_officer(
        after_line: dict[str, Any], accounts: dict[str, User]) -> None:
    """carryaccounts leaves 00016's officer on the old commune; the administrator of new
    province 01 finds the account in the list and moves it to one of the new communes
    (00004), audited like every account change. Only new units are offered."""
    from django.urls import reverse

    carry_accounts()
    admin = User.objects.create_user(username="quantri01", password="x",
                                     role="province_admin",
                                     unit=after_line["new"]["other_province"])
    client = signed_in_as(admin)
    officer = accounts["xa00016"]
    listed = client.get(reverse("admin-users")).content.decode()
    assert "xa00016" in listed and "tinh11" not in listed
    url = reverse("admin-user-edit", args=[officer.pk])
    refused = client.post(url, {"full_name": "Cán bộ xã", "role": "commune_staff",
                                "unit": after_line["split"].pk, "is_active": "on"})
    assert refused.status_code == 200  # the old commune is not a choice
    target = after_line["new"]["communes"]["00004"]
    moved = client.post(url, {"full_name": "Cán bộ xã", "role": "commune_staff",
                              "unit": target.pk, "is_active": "on"})
    assert moved.status_code == 302
    officer.refresh_from_db()
    assert officer.unit == target
    assert permissions.covers(officer, after_line["split"])
    assert AuditEntry.objects.filter(model="user", object_id=officer.pk, user=admin).exists()
