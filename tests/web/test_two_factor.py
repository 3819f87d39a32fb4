"""The optional second factor (accounts/twofactor.py, views.py): set-up, the code step of
signing in, replays, the throttle on codes, the setting that requires it, and the API.

Scope of its two pages: "two-factor" opens for province and ministry accounts
only, on their own secret; "login-code" shows nothing but a form, and only to
the session that has just given a right password.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from phocap.accounts import totp
from phocap.accounts.models import TotpDevice

PASSWORD = "mat-khau-du-manh-2021"
WRONG_CODE = "Mã xác thực không đúng, hoặc đã dùng rồi"


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    def code(self, secret: str, seconds: float = 0) -> str:
        return totp.totp(totp.decode(secret), self.now.timestamp() + seconds)


@pytest.fixture
def clock() -> Iterator[Clock]:
    found = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: found.now):
        yield found


def secret_on(page: Any) -> str:
    found = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page.content.decode())
    assert found is not None
    return found.group(1).replace(" ", "")


def enrolled(client: Client, clock: Clock) -> str:
    """Turn the second factor on from the set-up page, as a user would; the secret."""
    secret = secret_on(client.get(reverse("two-factor")))
    response = client.post(reverse("two-factor"), {"code": clock.code(secret)})
    assert response.status_code == 302
    clock.now += dt.timedelta(seconds=30)  # the code just used is spent
    return secret


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(("role", "unit", "status"), [
    ("commune_staff", ("communes", "03319"), 403),
    ("school_staff", ("communes", "03319"), 403),
    ("district_reviewer", ("districts", 0), 403),
    ("province_reviewer", ("province", None), 200),
    ("province_admin", ("province", None), 200),
    ("ministry_viewer", None, 200),
])
def test_two_factor_page_opens_for_province_and_ministry_accounts_only(
        tree: Any, make_user: Any, role: str, unit: Any, status: int) -> None:
    where = None if unit is None else (tree[unit[0]] if unit[1] is None
                                       else tree[unit[0]][unit[1]])
    user = make_user(role, where)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("two-factor"))
    assert response.status_code == status
    if status == 200:
        device = TotpDevice.objects.get(user=user)
        assert secret_on(response) == device.secret and device.confirmed is None
        assert "otpauth://totp/phocap%3A" in response.content.decode()
    # The layout links to it for exactly these roles.
    request = RequestFactory().get("/")
    request.user = user
    layout = render_to_string("base.html", {}, request)
    assert (f'href="{reverse("two-factor")}"' in layout) == (status == 200)


@pytest.mark.django_db
def test_anonymous_visitors_reach_neither_page() -> None:
    for name in ("two-factor", "login-code"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("login")


def test_set_up_needs_a_right_code_then_login_needs_one(tree: Any, make_user: Any,
                                                        clock: Clock) -> None:
    user = make_user("province_reviewer", tree["province"])
    client = Client()
    client.force_login(user)
    secret = secret_on(client.get(reverse("two-factor")))
    wrong = client.post(reverse("two-factor"), {"code": "000000"
                                                if clock.code(secret) != "000000" else "111111"})
    assert WRONG_CODE in wrong.content.decode()
    assert TotpDevice.objects.get(user=user).confirmed is None
    assert "đúng 6 chữ số" in client.post(reverse("two-factor"), {"code": "12a4"}).content.decode()
    assert client.post(reverse("two-factor"), {"code": clock.code(secret)}).status_code == 302
    assert TotpDevice.objects.get(user=user).confirmed is not None
    assert "Đã bật" in client.get(reverse("two-factor")).content.decode()

    clock.now += dt.timedelta(minutes=1)
    other = Client()
    target = reverse("two-factor")
    response = other.post(f"{reverse('login')}?next={target}",
                          {"username": user.username, "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("login-code")
    assert not signed_in(other)
    assert other.get(target)["Location"] == reverse("login-code")  # no session yet
    assert WRONG_CODE in other.post(reverse("login-code"),
                                    {"code": clock.code(secret, -120)}).content.decode()
    assert not signed_in(other)
    done = other.post(reverse("login-code"), {"code": clock.code(secret)})
    assert done.status_code == 302 and done["Location"] == target
    assert signed_in(other) and other.get(target).status_code == 200


def test_a_used_code_cannot_be_replayed(tree: Any, make_user: Any, clock: Clock) -> None:
    user = make_user("province_admin", tree["province"])
    owner = Client()
    owner.force_login(user)
    secret = enrolled(owner, clock)
    code = clock.code(secret)
    first, second = Client(), Client()
    for client in (first, second):
        client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert first.post(reverse("login-code"), {"code": code}).status_code == 302
    # Seen over a shoulder and typed within the same 30 seconds: refused.
    assert WRONG_CODE in second.post(reverse("login-code"), {"code": code}).content.decode()
    assert not signed_in(second)
    clock.now += dt.timedelta(seconds=30)
    assert second.post(reverse("login-code"), {"code": clock.code(secret)}).status_code == 302


def test_codes_are_throttled_and_the_code_step_expires(tree: Any, make_user: Any,
                                                       clock: Clock) -> None:
    user = make_user("ministry_viewer", None)
    owner = Client()
    owner.force_login(user)
    secret = enrolled(owner, clock)
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    bad = "999999" if clock.code(secret) != "999999" else "888888"
    for _ in range(5):
        assert WRONG_CODE in client.post(reverse("login-code"), {"code": bad}).content.decode()
    refused = client.post(reverse("login-code"), {"code": clock.code(secret)})
    assert "Nhập sai mã xác thực quá nhiều lần; hãy thử lại sau 15 phút" in \
        refused.content.decode()
    assert not signed_in(client)

    clock.now += dt.timedelta(minutes=16)
    late = Client()
    late.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    clock.now += dt.timedelta(minutes=5, seconds=1)
    expired = late.post(reverse("login-code"), {"code": clock.code(secret)}, follow=True)
    assert "Phiên đăng nhập đã hết hạn" in expired.content.decode()
    assert not signed_in(late)


def test_accounts_without_a_second_factor_sign_in_as_before(tree: Any, make_user: Any,
                                                            settings: Any) -> None:
    settings.TOTP_REQUIRED = True  # required of province and ministry accounts only
    user = make_user("commune_staff", tree["communes"]["03319"])
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and signed_in(client)


def test_when_required_a_province_account_sets_it_up_before_its_first_session(
        tree: Any, make_user: Any, settings: Any, clock: Clock) -> None:
    settings.TOTP_REQUIRED = True
    user = make_user("province_admin", tree["province"])
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("two-factor")
    assert not signed_in(client)
    page = client.get(reverse("two-factor"))
    assert "phải bật xác thực hai lớp trước khi vào hệ thống" in page.content.decode()
    done = client.post(reverse("two-factor"), {"code": clock.code(secret_on(page))})
    assert done.status_code == 302 and signed_in(client)
    # Required: it cannot be turned off again.
    page = client.get(reverse("two-factor")).content.decode()
    assert "không tắt được" in page and 'class="danger"' not in page


def test_turning_it_off_needs_a_current_code(tree: Any, make_user: Any, clock: Clock) -> None:
    user = make_user("province_reviewer", tree["province"])
    client = Client()
    client.force_login(user)
    secret = enrolled(client, clock)
    bad = "123456" if clock.code(secret) != "123456" else "654321"
    assert WRONG_CODE in client.post(reverse("two-factor"), {"code": bad}).content.decode()
    assert TotpDevice.objects.filter(user=user).exists()
    assert client.post(reverse("two-factor"), {"code": clock.code(secret)}).status_code == 302
    assert not TotpDevice.objects.filter(user=user).exists()


def token(credentials: dict[str, str]) -> Any:
    return Client().post("/api/v1/token", credentials, content_type="application/json")


def test_the_api_asks_an_enrolled_account_for_its_code(tree: Any, make_user: Any,
                                                       clock: Clock, settings: Any) -> None:
    user = make_user("province_reviewer", tree["province"])
    owner = Client()
    owner.force_login(user)
    secret = enrolled(owner, clock)
    credentials = {"username": user.username, "password": PASSWORD}
    missing = token(credentials)
    assert missing.status_code == 401 and 'trường "code"' in missing.json()["detail"]
    assert "xác thực hai lớp" in missing.json()["detail"]
    code = clock.code(secret)
    issued = token(credentials | {"code": code})
    assert issued.status_code == 200 and issued.json()["token"]
    replayed = token(credentials | {"code": code})
    assert replayed.status_code == 401 and "đã dùng rồi" in replayed.json()["detail"]

    settings.TOTP_REQUIRED = True
    other = make_user("ministry_viewer", None)
    refused = token({"username": other.username, "password": PASSWORD})
    assert refused.status_code == 403 and "phải bật xác thực hai lớp" in refused.json()["detail"]


def test_turning_it_on_and_off_is_audited_and_the_operator_can_reset_it(
        tree: Any, make_user: Any, clock: Clock) -> None:
    from django.core.management import CommandError, call_command

    from phocap.register.models import AuditEntry

    user = make_user("province_admin", tree["province"])
    client = Client()
    client.force_login(user)
    enrolled(client, clock)
    call_command("resettwofactor", username=user.username, stdout=io.StringIO())
    assert not TotpDevice.objects.filter(user=user).exists()
    assert [(e.user_id, e.after) for e in AuditEntry.objects.filter(
        model="user", object_id=user.pk).order_by("pk")] == [
        (user.pk, {"two_factor": True}), (None, {"two_factor": False})]
    with pytest.raises(CommandError, match="chưa bật xác thực hai lớp"):
        call_command("resettwofactor", username=user.username)
