"""The pages of crossing 1 July 2025: a split commune's villages given their new commune
(unit-village-homes) and a new commune's 2025 opened from its predecessors (unit-crossing).

Their own scope matrix (tests/web/test_pages.py sends their routes here): every role,
attached to the new commune, its sibling, the old commune, another province, a new
or an old province, opens and posts each page, and only those the permissions name
(permissions.may_edit, may_place_villages) change anything. The units are the split of
tests/web/test_crossing.py: Phường Ngọc Hà 00016 into Phường Ba Đình 00004 and the new
Phường Ngọc Hà 00008, all of Hà Nội.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from phocap.accounts.models import User
from phocap.accounts.permissions import may_place_villages
from phocap.register import crossing
from phocap.register.models import AuditEntry, Household, Person, Village, VillageHome
from tests.web.roles import PASSWORD
from tests.web.test_crossing import split, units  # noqa: F401  (fixtures)
from tests.web.test_plain_words import problems, visible

# Who signs in (role, the unit they are attached to, as the `units` fixture names it).
ACCOUNTS = {
    "staff of Ba Đình": ("commune_staff", "ba_dinh"),
    "staff of the new Ngọc Hà": ("commune_staff", "ngoc_ha"),
    "staff of the old Ngọc Hà": ("commune_staff", "old_ngoc_ha"),
    "staff of Buôn Đôn": ("commune_staff", "new_buon_don"),
    "a school of Ba Đình": ("school_staff", "ba_dinh"),
    "the old district": ("district_reviewer", "old_district"),
    "the new province": ("province_reviewer", "new_hanoi"),
    "the new province's administrator": ("province_admin", "new_hanoi"),
    "the old province": ("province_reviewer", "old_hanoi"),
    "another new province": ("province_reviewer", "new_dak_lak"),
    "the ministry": ("ministry_viewer", None),
}
# GET of Ba Đình's crossing page: its staff and its province read it; a school's staff
# and the ministry know the commune but are refused (a page of everyone, person counts
# by village); nobody else knows it exists.
CROSSING_READS = {"staff of Ba Đình": 200, "a school of Ba Đình": 403, "the new province": 200,
                  "the new province's administrator": 200, "the ministry": 403}
# GET of the old Ngọc Hà's villages: whoever covers the old commune (a successor's
# accounts, a school's too, read their predecessors' history: docs/after-the-line.md; the
# page counts households and people, it names nobody), and those who may place its
# villages (the successors' staff, the new province's staff).
HOMES_READS = {"staff of Ba Đình": 200, "a school of Ba Đình": 200, "staff of the new Ngọc Hà": 200,
               "staff of the old Ngọc Hà": 200, "the old district": 200, "the old province": 200,
               "the new province": 200, "the new province's administrator": 200,
               "the ministry": 200}
HOMES_WRITERS = {"staff of Ba Đình", "staff of the new Ngọc Hà", "the new province",
                 "the new province's administrator"}


@pytest.fixture
def world(split: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """The split, with the old district and provinces named, and an account each."""
    from phocap.register.models import AdministrativeUnit

    old = split["old_ngoc_ha"]
    found = split | {"old_district": old.parent, "old_hanoi": old.parent.parent,
                     "new_dak_lak": AdministrativeUnit.objects.get(vintage="2025-07-01",
                                                                   code="66")}
    found["users"] = {
        who: User.objects.create_user(username=f"u{n}", password=PASSWORD, role=role,
                                      unit=found[unit] if unit else None)
        for n, (who, (role, unit)) in enumerate(ACCOUNTS.items())}
    return found


def client_of(world: dict[str, Any], who: str) -> Client:
    client = Client()
    client.force_login(world["users"][who])
    return client


def tu(world: dict[str, Any], name: str) -> Village:
    return Village.objects.get(commune=world["old_ngoc_ha"], name=name)


@pytest.mark.parametrize("who", list(ACCOUNTS))
def test_the_crossing_page_scope(world: dict[str, Any], who: str) -> None:
    crossing.place(None, world["old_ngoc_ha"], {tu(world, "Tổ 3").pk: world["ngoc_ha"]})
    url = f"/units/{world['ba_dinh'].pk}/crossing/"
    client = client_of(world, who)
    status = CROSSING_READS.get(who, 404)
    response = client.get(url)
    assert response.status_code == status
    if status != 200:
        assert "Đỗ Văn Khánh".encode() not in response.content
    posted = client.post(url, {"confirmed": "on"})
    if who == "staff of Ba Đình":
        assert posted.status_code == 302
        assert Person.objects.filter(household__commune=world["ba_dinh"]).count() == 2
        return
    assert posted.status_code == (404 if status == 404 else 403)
    assert not Household.objects.filter(commune=world["ba_dinh"]).exists()


@pytest.mark.parametrize("who", list(ACCOUNTS))
def test_the_village_homes_page_scope(world: dict[str, Any], who: str) -> None:
    url = f"/units/{world['old_ngoc_ha'].pk}/village-homes/"
    client = client_of(world, who)
    status = HOMES_READS.get(who, 404)
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert ('name="home-' in response.content.decode()) == (who in HOMES_WRITERS)
    village = tu(world, "Tổ 3")
    posted = client.post(url, {f"home-{village.pk}": str(world["ba_dinh"].pk)})
    home = VillageHome.objects.filter(village=village).first()
    if who in HOMES_WRITERS:
        assert posted.status_code == 302
        assert home is not None and home.commune == world["ba_dinh"]
        assert home.decided_by == world["users"][who]
        return
    assert posted.status_code == (404 if status == 404 else 403)
    assert home is None


def test_who_may_place_villages(world: dict[str, Any]) -> None:
    """permissions.may_place_villages: the successors' staff and the new province's staff,
    for the successors of the split commune only."""
    successors = crossing.homes_for(world["old_ngoc_ha"])
    assert {who for who, user in world["users"].items()
            if may_place_villages(user, successors)} == HOMES_WRITERS
    assert not may_place_villages(world["users"]["staff of Ba Đình"], [world["new_buon_don"]])
    assert not may_place_villages(world["users"]["the new province"], [])


def test_villages_are_assigned_then_the_year_opens_after_a_confirmation(
        world: dict[str, Any]) -> None:
    placer = client_of(world, "staff of the new Ngọc Hà")
    homes_url = f"/units/{world['old_ngoc_ha'].pk}/village-homes/"
    page = placer.get(homes_url).content.decode()
    # Tổ 1: Khánh and Lan (1 household, 2 people); Tổ 2: Minh (Nam died); Tổ 3: Oanh.
    assert "Còn 1 thôn chưa chọn xã mới." in page
    staff = client_of(world, "staff of Ba Đình")
    url = f"/units/{world['ba_dinh'].pk}/crossing/"
    refused = staff.get(url).content.decode()
    assert 'id="refusal"' in refused and "Phường Ngọc Hà (1 thôn)" in refused
    assert 'id="crossing-form"' not in refused
    assert staff.post(url, {"confirmed": "on"}).status_code == 302
    assert not Household.objects.filter(commune=world["ba_dinh"]).exists()

    response = placer.post(homes_url, {f"home-{tu(world, 'Tổ 3').pk}": str(world["ngoc_ha"].pk),
                                       f"home-{tu(world, 'Tổ 1').pk}": str(world["ba_dinh"].pk)})
    assert response.status_code == 302
    assert "Mọi thôn đã có xã mới." in placer.get(homes_url).content.decode()
    assert AuditEntry.objects.filter(model="villagehome", user=world["users"][
        "staff of the new Ngọc Hà"]).count() == 1  # Tổ 1 already went to Ba Đình

    preview = staff.get(url).content.decode()
    assert 'id="plan"' in preview and 'id="crossing-confirm"' not in preview
    asked = staff.post(url, {})
    assert asked.status_code == 200 and 'id="crossing-confirm"' in asked.content.decode()
    assert "với 1 thôn, 1 hộ và 2 người" in asked.content.decode()
    assert not Household.objects.filter(commune=world["ba_dinh"]).exists()
    done = staff.post(url, {"confirmed": "on"}, follow=True).content.decode()
    assert "Đã mở năm 2025 của Phường Ba Đình: 1 thôn, 1 hộ, 2 người" in done
    assert 'id="carried"' in done
    # Ba Đình has crossed: the old commune's villages keep the homes they crossed with.
    locked = placer.get(homes_url).content.decode()
    assert 'id="locked"' in locked and 'name="home-' not in locked
    placer.post(homes_url, {f"home-{tu(world, 'Tổ 3').pk}": str(world["ba_dinh"].pk)})
    assert VillageHome.objects.get(village=tu(world, "Tổ 3")).commune == world["ngoc_ha"]
    # A second confirmation opens nothing twice.
    again = staff.post(url, {"confirmed": "on"}, follow=True).content.decode()
    assert "đã được mở" in again
    assert Person.objects.filter(household__commune=world["ba_dinh"]).count() == 2


def test_the_person_page_shows_the_years_under_the_old_commune(world: dict[str, Any]) -> None:
    crossing.place(None, world["old_ngoc_ha"], {tu(world, "Tổ 3").pk: world["ngoc_ha"]})
    crossing.cross(None, world["ba_dinh"])
    new = Person.objects.get(household__commune=world["ba_dinh"], full_name="Đỗ Văn Khánh")
    page = client_of(world, "staff of Ba Đình").get(f"/persons/{new.pk}/").content.decode()
    assert "Các năm trước 01/7/2025, ở Phường Ngọc Hà" in page
    assert "Từ năm 2025, ở Phường Ba Đình" in page
    earlier = page.index("Các năm trước 01/7/2025")
    assert earlier < page.index("Từ năm 2025, ở")
    # 2024: grade 7; 2025: grade 8, in the new commune's table.
    assert "<td>2024</td><td>lớp 7</td>" in page
    # Ba Đình's staff read their predecessors' history (docs/after-the-line.md): the old
    # person's page is one link away.
    assert "Xem ở xã cũ" in page
    old = new.continues
    assert old is not None
    old_page = client_of(world, "the old district").get(f"/persons/{old.pk}/").content.decode()
    assert "Từ năm 2025 người này được chuyển sang Phường Ba Đình" in old_page
    assert "Xem ở xã mới" not in old_page
    old_staff = client_of(world, "staff of the old Ngọc Hà")
    editor = old_staff.get(f"/persons/{old.pk}/").content.decode()
    assert 'id="frozen"' in editor and 'id="record-form"' not in editor
    household = old_staff.get(f"/households/{old.household_id}/").content.decode()
    assert "Hộ số 1 đã được chuyển sang Phường Ba Đình" in household
    assert "Thêm trẻ mới sinh" not in household


def test_the_pages_read_as_plain_vietnamese(world: dict[str, Any]) -> None:
    """What tests/web/test_plain_words.py checks of every page the demo reaches (the demo
    has no commune of the new list to open these with: NOT_WALKED says so)."""
    staff = client_of(world, "staff of Ba Đình")
    pages = [staff.get(f"/units/{world['ba_dinh'].pk}/crossing/"),
             staff.get(f"/units/{world['old_ngoc_ha'].pk}/village-homes/")]
    crossing.place(None, world["old_ngoc_ha"], {tu(world, "Tổ 3").pk: world["ngoc_ha"]})
    pages += [staff.get(f"/units/{world['ba_dinh'].pk}/crossing/"),
              staff.post(f"/units/{world['ba_dinh'].pk}/crossing/", {})]
    pages.append(staff.post(f"/units/{world['ba_dinh'].pk}/crossing/", {"confirmed": "on"},
                            follow=True))
    new = Person.objects.get(household__commune=world["ba_dinh"], full_name="Đỗ Văn Khánh")
    pages += [staff.get(f"/persons/{new.pk}/"),
              staff.get(f"/units/{world['old_ngoc_ha'].pk}/village-homes/")]
    for response in pages:
        assert response.status_code == 200
        assert list(problems(visible(response.content.decode()))) == []
