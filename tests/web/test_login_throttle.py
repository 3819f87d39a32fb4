"""The login throttle (accounts/throttle.py) and the client address (accounts/address.py).

Password checks are counted at Django's ModelBackend, below the throttle: a
guess the throttle refuses never reaches it. Defaults: five failures per
account, ten per address, fifty over all accounts, in fifteen minutes.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.backends import ModelBackend
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from phocap.accounts.address import client_address
from phocap.accounts.models import LoginThrottle
from tests.web.threads import started

PASSWORD = "mat-khau-du-manh-2021"
WRONG = "mua-xuan-2024"  # the one password a sprayer tries on every name
ACCOUNT_FULL = "Đăng nhập sai quá nhiều lần; hãy thử lại sau"
ADDRESS_FULL = "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này"
ALL_FULL = "Hệ thống đang tạm ngừng nhận đăng nhập vì có quá nhiều lần đăng nhập sai"


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The user names whose password was actually checked, in order."""
    checked: list[str] = []
    lock = threading.Lock()
    original = ModelBackend.authenticate

    def counting(self: Any, request: Any, username: Any = None, password: Any = None,
                 **kwargs: Any) -> Any:
        with lock:
            checked.append(username)
        time.sleep(0.02)  # a real hash takes a while: room for parallel guesses to overlap
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    return checked


def page_login(address: str, username: str, password: str = WRONG,
               **headers: str) -> str:
    response = Client(REMOTE_ADDR=address, **headers).post(
        reverse("login"), {"username": username, "password": password})
    return "ok" if response.status_code == 302 else response.content.decode()


def api_login(address: str, username: str, password: str = WRONG) -> Any:
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/token", {"username": username, "password": password},
        content_type="application/json")


@pytest.mark.django_db
def test_one_address_spraying_twenty_names_is_stopped_after_ten(checks: list[str]) -> None:
    names = [f"can-bo-{i:02d}" for i in range(20)]
    answers = [page_login("203.0.113.9", name) for name in names]
    assert checks == names[:10]
    assert all("Sai tên đăng nhập hoặc mật khẩu." in a for a in answers[:10])
    assert all(ADDRESS_FULL in a for a in answers[10:])
    # Another address is not held back by this one.
    assert "Sai tên đăng nhập" in page_login("198.51.100.1", "can-bo-99")


def test_many_addresses_spraying_twenty_names_meet_the_global_limit(
        tree: Any, make_user: Any, checks: list[str], settings: Any) -> None:
    settings.LOGIN_FAILURES_GLOBAL = 12
    user = make_user("province_admin", tree["province"])
    answers = [api_login(f"10.0.{i}.1", f"can-bo-{i:02d}") for i in range(20)]
    assert len(checks) == 12
    assert [a.status_code for a in answers] == [401] * 12 + [429] * 8
    assert ALL_FULL in answers[-1].json()["detail"]
    # Until the window passes, not even the right password from a fresh address is checked.
    assert api_login("10.9.9.9", user.username, PASSWORD).status_code == 429
    assert len(checks) == 12


def test_successes_do_not_fill_the_global_counter(tree: Any, make_user: Any,
                                                  settings: Any) -> None:
    settings.LOGIN_FAILURES_GLOBAL = 3
    user = make_user("commune_staff", tree["communes"]["03319"])
    for i in range(10):
        assert page_login(f"10.1.0.{i}", user.username, PASSWORD) == "ok"
    assert LoginThrottle.objects.get(key="global").count == 0


def test_one_account_guessed_from_many_addresses_is_locked_after_five(
        tree: Any, make_user: Any, checks: list[str]) -> None:
    user = make_user("commune_staff", tree["communes"]["03319"])
    for i in range(5):
        assert "Sai tên đăng nhập" in page_login(f"10.2.0.{i}", user.username)
    # Another case of the same name is the same account.
    refused = page_login("10.2.1.1", user.username.upper(), PASSWORD)
    assert ACCOUNT_FULL in refused and len(checks) == 5


def test_an_ipv6_client_counts_by_its_64_not_by_each_address(checks: list[str], db: Any) -> None:
    for i in range(12):
        page_login(f"2001:db8:5:7::{i + 1:x}", f"v6-{i}")
    assert len(checks) == 10
    assert "Sai tên đăng nhập" in page_login("2001:db8:5:8::1", "v6-x")


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()


@pytest.fixture
def clock() -> Iterator[Clock]:
    found = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: found.now):
        yield found


def test_the_message_says_when_to_try_again_and_the_window_ends_then(
        tree: Any, make_user: Any, clock: Clock) -> None:
    user = make_user("commune_staff", tree["communes"]["03319"])
    first = clock.now
    for _ in range(5):
        page_login("10.3.0.1", user.username)
        clock.now += dt.timedelta(minutes=1)
    again = timezone.localtime(first + dt.timedelta(minutes=15)).strftime("%H:%M")
    refused = page_login("10.3.0.1", user.username, PASSWORD)
    assert f"{ACCOUNT_FULL} 10 phút (lúc {again})." in refused
    clock.now = first + dt.timedelta(minutes=15, seconds=1)
    assert page_login("10.3.0.1", user.username, PASSWORD) == "ok"


def test_a_success_clears_the_account_counter(tree: Any, make_user: Any,
                                              checks: list[str]) -> None:
    user = make_user("commune_staff", tree["communes"]["03319"])
    for _ in range(4):
        page_login("10.4.0.1", user.username)
    assert page_login("10.4.0.1", user.username, PASSWORD) == "ok"
    for _ in range(4):
        assert "Sai tên đăng nhập" in page_login("10.4.0.1", user.username)
    assert len(checks) == 9


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("same_name", "limit"), [(True, 5), (False, 10)])
def test_thirty_parallel_guesses_get_no_more_checks_than_the_limit(
        tree: Any, make_user: Any, checks: list[str], same_name: bool, limit: int) -> None:
    """Thirty threads, each on its own connection, released together: five checks for one
    account, ten for thirty accounts from one address."""
    user = make_user("commune_staff", tree["communes"]["03319"])
    go = threading.Event()

    def guess(i: int) -> int:
        go.wait(10)
        name = user.username if same_name else f"can-bo-{i:02d}"
        return int(api_login("192.0.2.7", name).status_code)

    outcomes: list[dict[str, Any]] = [{} for _ in range(30)]
    threads = [started(lambda i=i: guess(i), outcomes[i]) for i in range(30)]
    go.set()
    for thread in threads:
        thread.join(60)
    assert not any("error" in o for o in outcomes), outcomes
    codes = sorted(o["value"] for o in outcomes)
    assert len(checks) == limit
    assert codes == [401] * limit + [429] * (30 - limit)


# The client's address.

def request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_x_forwarded_for_is_ignored_unless_a_proxy_is_configured(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ""
    assert client_address(request("192.0.2.1", "203.0.113.5")) == "192.0.2.1"


@pytest.mark.parametrize(("trusted", "remote", "forwarded", "client"), [
    # One proxy: the address it saw is the last in the header; what the client wrote
    # further left is not believed.
    ("1", "10.0.0.2", "203.0.113.5", "203.0.113.5"),
    ("1", "10.0.0.2", "6.6.6.6, 203.0.113.5", "203.0.113.5"),
    ("1", "10.0.0.2", None, "10.0.0.2"),
    ("2", "10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
    ("1", "10.0.0.2", "not-an-address", "10.0.0.2"),
    # Named proxies: skipped from the right; a request not from one of them is its own client.
    ("10.0.0.0/24", "10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
    ("10.0.0.2", "10.0.0.2", "2001:db8::7", "2001:db8::7"),
    ("10.0.0.0/24", "198.51.100.4", "203.0.113.5", "198.51.100.4"),
])
def test_a_configured_proxy_is_read_as_far_as_it_is_trusted(
        settings: Any, trusted: str, remote: str, forwarded: str | None, client: str) -> None:
    settings.TRUSTED_PROXIES = trusted
    assert client_address(request(remote, forwarded)) == client


@pytest.mark.django_db
def test_the_throttle_counts_the_forwarded_client_behind_a_proxy(
        settings: Any, checks: list[str]) -> None:
    """Behind one proxy, an office that guesses badly does not lock out another office;
    without the setting, a forged header does not buy a fresh address."""
    proxy = "10.0.0.2"
    for i in range(12):
        page_login(proxy, f"a-{i}", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert len(checks) == 10  # the header ignored: all twelve came from the proxy
    settings.TRUSTED_PROXIES = "1"
    LoginThrottle.objects.all().delete()
    for i in range(12):
        page_login(proxy, f"b-{i}", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert ADDRESS_FULL in page_login(proxy, "b-x", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert "Sai tên đăng nhập" in page_login(proxy, "c", HTTP_X_FORWARDED_FOR="203.0.113.2")
