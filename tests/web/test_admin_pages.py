"""The province administrator's pages: who opens them, which accounts and ĐBKK flags they touch."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from phocap.accounts.models import ApiToken, User
from phocap.register.models import AdministrativeUnit, AuditEntry, UnitYear

STRONG = "Ngay-mai-troi-lai-sang-2025"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def other_province(tree: dict[str, Any]) -> dict[str, Any]:
    """Province 12 → district 200 → commune 04000, outside the administrator's province."""

    def unit(code: str, type_: str, parent: Any = None) -> Any:
        return AdministrativeUnit.objects.create(vintage="2025-01-04", code=code,
                                                 name=f"{type_} {code}", type=type_, kind=type_,
                                                 parent=parent)

    province = unit("12", "province")
    district = unit("200", "district", province)
    return {"province": province, "district": district,
            "commune": unit("04000", "commune", district)}


@pytest.fixture
def admin(tree: dict[str, Any], make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("province_admin", tree["province"]))
    return client


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


NON_ADMINS = [
    ("commune_staff", ("communes", "03319")),
    ("school_staff", ("communes", "03319")),
    ("district_reviewer", ("districts", 0)),
    ("province_reviewer", ("province", None)),
    ("ministry_viewer", None),
]


def _unit(tree: dict[str, Any], where: tuple[str, Any] | None) -> Any:
    if where is None:
        return None
    kind, key = where
    return tree[kind] if key is None else tree[kind][key]


@pytest.mark.parametrize(("role", "where"), NON_ADMINS)
def test_every_other_role_is_refused_every_admin_page(tree: dict[str, Any], make_user: Any,
                                                      role: str, where: Any) -> None:
    client = _as(make_user(role, _unit(tree, where)))
    staff = make_user("commune_staff", tree["communes"]["03322"])
    pages = [reverse("admin-users"), reverse("admin-user-new"),
             reverse("admin-user-edit", args=[staff.pk]), reverse("admin-difficult")]
    for url in pages:
        assert client.get(url).status_code == 403, url
    commune = tree["communes"]["03319"]
    assert client.post(reverse("admin-difficult"),
                       {"year": 2023, "difficult": [commune.pk]}).status_code == 403
    assert client.post(reverse("admin-user-new"), {
        "username": "ke-gian", "full_name": "Kẻ Gian", "role": "commune_staff",
        "unit": commune.pk, "password1": STRONG, "password2": STRONG,
    }).status_code == 403
    assert client.post(reverse("admin-user-edit", args=[staff.pk]), {
        "full_name": "x", "role": "commune_staff", "unit": commune.pk, "is_active": "on",
        "password1": STRONG, "password2": STRONG,
    }).status_code == 403
    assert not UnitYear.objects.exists()
    assert not User.objects.filter(username="ke-gian").exists()
    staff.refresh_from_db()
    assert staff.unit_id == tree["communes"]["03322"].pk and staff.check_password(
        "mat-khau-du-manh-2021")


def test_signed_out_goes_to_the_login_page(tree: dict[str, Any]) -> None:
    response = Client().get(reverse("admin-users"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_list_holds_the_province_and_nothing_outside(
        tree: dict[str, Any], make_user: Any, admin: Client, other_province: dict[str, Any]
) -> None:
    make_user("commune_staff", tree["communes"]["03370"])
    make_user("district_reviewer", tree["districts"][1])
    make_user("commune_staff", other_province["commune"])
    make_user("ministry_viewer", None)
    page = admin.get(reverse("admin-users")).content.decode()
    assert "commune_staff-03370" in page and "district_reviewer-101" in page
    assert "province_admin-11" in page
    assert "commune_staff-04000" not in page and "ministry_viewer-all" not in page

    by_unit = admin.get(reverse("admin-users"), {"unit": tree["districts"][1].pk})
    assert "district_reviewer-101" in by_unit.content.decode()
    assert "commune_staff-03370" not in by_unit.content.decode()
    by_role = admin.get(reverse("admin-users"), {"role": "commune_staff"}).content.decode()
    assert "commune_staff-03370" in by_role and "district_reviewer-101" not in by_role
    outside = admin.get(reverse("admin-users"), {"unit": other_province["commune"].pk})
    assert outside.status_code == 404


def test_accounts_outside_the_province_do_not_exist_for_the_admin(
        tree: dict[str, Any], make_user: Any, admin: Client, other_province: dict[str, Any]
) -> None:
    foreign = make_user("commune_staff", other_province["commune"])
    ministry = make_user("ministry_viewer", None)
    for user in (foreign, ministry):
        url = reverse("admin-user-edit", args=[user.pk])
        assert admin.get(url).status_code == 404
        assert admin.post(url, {"full_name": "x", "role": "commune_staff",
                                "unit": tree["communes"]["03319"].pk, "is_active": "on",
                                "password1": STRONG, "password2": STRONG}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.unit_id == other_province["commune"].pk


def test_another_province_admin_is_listed_but_not_changed(tree: dict[str, Any],
                                                          admin: Client) -> None:
    colleague = User.objects.create_user(username="quan-tri-2", password=STRONG,
                                         role="province_admin", unit=tree["province"])
    assert admin.get(reverse("admin-user-edit", args=[colleague.pk])).status_code == 403


def _new(admin: Client, **fields: Any) -> Any:
    data = {"username": "can-bo-moi", "full_name": "Lò Thị Mai", "role": "commune_staff",
            "password1": STRONG, "password2": STRONG} | fields
    return admin.post(reverse("admin-user-new"), data)


def test_weak_password_is_refused_in_vietnamese(tree: dict[str, Any], admin: Client) -> None:
    commune = tree["communes"]["03319"]
    response = _new(admin, unit=commune.pk, password1="12345678", password2="12345678")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mật khẩu quá ngắn" in page and "hoàn toàn là số" in page
    assert "Mật khẩu này quá phổ biến" in page
    similar = _new(admin, unit=commune.pk, password1="can-bo-moi-1", password2="can-bo-moi-1")
    assert "Mật khẩu quá giống" in similar.content.decode()
    mismatch = _new(admin, unit=commune.pk, password2=STRONG + "x")
    assert "Hai mật khẩu không khớp nhau" in mismatch.content.decode()
    assert not User.objects.filter(username="can-bo-moi").exists()


def test_no_account_in_another_province_nor_above_the_admin(
        tree: dict[str, Any], admin: Client, other_province: dict[str, Any]) -> None:
    assert _new(admin, unit=other_province["commune"].pk).status_code == 200
    assert _new(admin, role="district_reviewer", unit=other_province["district"].pk
                ).status_code == 200
    for role in ("province_admin", "ministry_viewer"):
        assert _new(admin, role=role, unit=tree["province"].pk).status_code == 200
    assert not User.objects.filter(username="can-bo-moi").exists()


def test_role_and_unit_level_must_match(tree: dict[str, Any], admin: Client) -> None:
    response = _new(admin, unit=tree["districts"][0].pk)
    assert "Vai trò này gắn với một đơn vị cấp xã" in response.content.decode()
    assert not User.objects.filter(username="can-bo-moi").exists()


def test_create_then_change_an_account(tree: dict[str, Any], admin: Client) -> None:
    commune = tree["communes"]["03370"]
    response = _new(admin, unit=commune.pk)
    assert response.status_code == 302 and response["Location"] == reverse("admin-users")
    user = User.objects.get(username="can-bo-moi")
    assert (user.role, user.unit_id, user.get_full_name()) == ("commune_staff", commune.pk,
                                                               "Lò Thị Mai")
    assert Client().login(username="can-bo-moi", password=STRONG)
    created = AuditEntry.objects.get(model="user", object_id=user.pk)
    assert created.action == "create" and created.after["unit_id"] == commune.pk
    assert user.password not in str(created.after)

    ApiToken.objects.create(user=user, key_hash="0" * 64, expires="2100-01-01T00:00Z")
    district = tree["districts"][1]
    url = reverse("admin-user-edit", args=[user.pk])
    assert admin.get(url).status_code == 200
    new_password = "Mua-xuan-tren-non-cao-77"
    response = admin.post(url, {"full_name": "Lò Thị Mai", "role": "district_reviewer",
                                "unit": district.pk, "password1": new_password,
                                "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.role, user.unit_id, user.is_active) == ("district_reviewer", district.pk, False)
    assert user.check_password(new_password) and not user.api_tokens.exists()
    changed = AuditEntry.objects.filter(model="user", object_id=user.pk, action="update").get()
    assert changed.before["role"] == "commune_staff" and changed.after["is_active"] is False
    assert changed.after["password_set"] is True
    assert not Client().login(username="can-bo-moi", password=new_password)


def _flags(year: int) -> dict[str, bool]:
    return dict(UnitYear.objects.filter(survey_year=year)
                .values_list("unit__code", "especially_difficult"))


def test_difficult_communes_saved_in_one_post_audited_and_seen_by_the_results(
        tree: dict[str, Any], admin: Client, other_province: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from phocap.register import results

    computed: list[int] = []

    def count(unit: Any, year: int) -> dict[str, Any]:
        computed.append(year)
        return {}

    monkeypatch.setattr(results, "results", count)
    communes = tree["communes"]
    page = admin.get(reverse("admin-difficult"), {"year": 2023}).content.decode()
    for commune in communes.values():
        assert (f'value="{commune.pk}"' in page) is (commune.parent.parent == tree["province"])
    assert f'value="{other_province["commune"].pk}"' not in page
    results.cached_results(tree["province"], 2023)

    url = reverse("admin-difficult")
    response = admin.post(url, {"year": 2023,
                                "difficult": [communes["03319"].pk, communes["03370"].pk]})
    assert response.status_code == 302 and response["Location"].endswith("?year=2023")
    assert _flags(2023) == {"03319": True, "03370": True}
    entries = AuditEntry.objects.filter(model="unityear").order_by("id")
    assert [(e.action, e.commune_id, e.before, e.after["especially_difficult"]) for e in entries
            ] == [("create", communes["03319"].pk, None, True),
                  ("create", communes["03370"].pk, None, True)]
    results.cached_results(tree["province"], 2023)
    assert computed == [2023, 2023]

    admin.post(url, {"year": 2023, "difficult": [communes["03370"].pk]})
    assert _flags(2023) == {"03319": False, "03370": True}
    last = AuditEntry.objects.filter(model="unityear").order_by("-id").first()
    assert last is not None and (last.action, last.commune_id) == ("update",
                                                                   communes["03319"].pk)
    assert (last.before["especially_difficult"], last.after["especially_difficult"]) == (True,
                                                                                         False)
    assert AuditEntry.objects.filter(model="unityear").count() == 3
    assert _flags(2024) == {}
    checked = admin.get(url, {"year": 2023}).content.decode()
    assert checked.count("checked") == 1


def test_the_flag_of_a_frozen_year_is_refused_and_nothing_is_saved(
        surveyed: dict[str, Any], admin: Client, make_user: Any) -> None:
    """The flag sets the commune's cohorts and thresholds: part of what a dossier certified."""
    from phocap.recognition import workflow

    communes = surveyed["communes"]
    workflow.submit(make_user("commune_staff", communes["03319"]), communes["03319"], "primary",
                    2021, 1, "Hồ sơ đủ điều kiện.")
    url = reverse("admin-difficult")
    # Read-only before anyone ticks: the frozen commune's box disabled, the reason beside it.
    shown = admin.get(url, {"year": 2021}).content.decode()
    for code, frozen in (("03319", True), ("03370", False)):
        box = f'value="{communes[code].pk}" id="difficult-{communes[code].pk}" disabled'
        assert (box in shown) is frozen, code
    assert "frozen-flag" in shown and "bị khóa" in shown
    page = admin.post(url, {"year": 2021, "difficult": [communes["03319"].pk,
                                                        communes["03370"].pk]}, follow=True)
    text = page.content.decode()
    assert "Chưa lưu gì" in text and "bị khóa" in text and communes["03319"].name in text
    assert _flags(2021) == {}
    admin.post(url, {"year": 2021, "difficult": [communes["03370"].pk]})
    assert _flags(2021) == {"03370": True}  # a commune no dossier freezes still changes


def test_a_commune_outside_the_province_is_404_and_nothing_is_saved(
        tree: dict[str, Any], admin: Client, other_province: dict[str, Any]) -> None:
    response = admin.post(reverse("admin-difficult"), {
        "year": 2023, "difficult": [tree["communes"]["03319"].pk, other_province["commune"].pk]})
    assert response.status_code == 404
    assert not UnitYear.objects.exists() and not AuditEntry.objects.exists()
