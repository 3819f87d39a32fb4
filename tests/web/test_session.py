"""Sessions end after 30 minutes without activity, every form needs its CSRF token, and the
login page stops password guessing after five failures."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from phocap.accounts.models import LoginThrottle, User
from phocap.register.models import Person, UnitYear

PASSWORD = "mat-khau-du-manh-2021"
STRONG = "Ngay-mai-troi-lai-sang-2025"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


class Clock:
    """django.utils.timezone.now, moved by hand (sessions read the time only through it)."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Iterator[Clock]:
    found = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: found.now):
        yield found


def test_thirty_minutes_idle_ends_the_session_and_activity_extends_it(
        tree: dict[str, Any], make_user: Any, clock: Clock) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    make_user("province_admin", tree["province"])
    client = Client()
    assert client.login(username="province_admin-11", password=PASSWORD)
    page = reverse("admin-users")
    clock.advance(minutes=29)
    assert client.get(page).status_code == 200
    # 58 minutes after signing in, but only 29 after the last request.
    clock.advance(minutes=29)
    assert client.get(page).status_code == 200
    session = Session.objects.get()
    assert session.expire_date == clock.now + dt.timedelta(minutes=30)
    clock.advance(minutes=30, seconds=1)
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={page}"


def test_a_page_that_only_reads_writes_no_session(tree: dict[str, Any], make_user: Any,
                                                 clock: Clock) -> None:
    # A session write on every request made every page load wait for SQLite's write
    # lock, and fail during a long import; the expiry now slides every few minutes.
    make_user("province_admin", tree["province"])
    client = Client()
    assert client.post(reverse("login"), {"username": "province_admin-11",
                                          "password": PASSWORD}).status_code == 302
    page = reverse("admin-users")
    signed_in = Session.objects.get().expire_date
    clock.advance(minutes=4)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    assert [q["sql"] for q in queries if "django_session" in q["sql"]
            and not q["sql"].lstrip().upper().startswith("SELECT")] == []
    assert Session.objects.get().expire_date == signed_in
    clock.advance(minutes=1)  # five minutes since it was written: the expiry moves on
    assert client.get(page).status_code == 200
    assert Session.objects.get().expire_date == clock.now + dt.timedelta(minutes=30)
    clock.advance(minutes=29)
    assert client.get(page).status_code == 200  # 34 minutes after signing in


def test_an_expired_session_in_the_database_is_signed_out(tree: dict[str, Any],
                                                          make_user: Any) -> None:
    make_user("commune_staff", tree["communes"]["03319"])
    client = Client()
    assert client.login(username="commune_staff-03319", password=PASSWORD)
    page = reverse("duplicates", args=[tree["communes"]["03319"].pk])
    assert client.get(page).status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "Người 03319" not in response.content.decode()


def _token(client: Client, url: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      client.get(url).content.decode())
    assert found is not None
    return found.group(1)


def test_forms_refuse_a_post_without_its_csrf_token(tree: dict[str, Any],
                                                    make_user: Any) -> None:
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(make_user("province_admin", tree["province"]))
    commune = tree["communes"]["03319"]
    account = {"username": "can-bo-moi", "full_name": "Lò Thị Mai", "role": "commune_staff",
               "unit": commune.pk, "password1": STRONG, "password2": STRONG}
    assert admin.post(reverse("admin-user-new"), account).status_code == 403
    assert admin.post(reverse("admin-difficult"),
                      {"year": 2023, "difficult": [commune.pk]}).status_code == 403
    assert not User.objects.filter(username="can-bo-moi").exists()
    assert not UnitYear.objects.exists()

    token = _token(admin, reverse("admin-user-new"))
    response = admin.post(reverse("admin-user-new"), account | {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert User.objects.filter(username="can-bo-moi").exists()

    staff = Client(enforce_csrf_checks=True)
    staff.force_login(make_user("commune_staff", commune))
    person = tree["people"]["03319"]
    twin = Person.objects.create(household=person.household, person_no=2,
                                 full_name=person.full_name, birth_year=person.birth_year,
                                 sex=person.sex)
    merge = {"first": person.pk, "first_version": 1, "second": twin.pk, "second_version": 1,
             "keep": person.pk}
    assert staff.post(reverse("duplicates-merge", args=[commune.pk]), merge).status_code == 403
    assert Person.objects.filter(pk=twin.pk).exists()

    assert Client(enforce_csrf_checks=True).post(reverse("login"), {
        "username": "commune_staff-03319", "password": PASSWORD}).status_code == 403


def test_the_sixth_attempt_is_refused_even_with_the_right_password(
        tree: dict[str, Any], make_user: Any) -> None:
    make_user("commune_staff", tree["communes"]["03319"])
    client = Client()
    wrong = {"username": "commune_staff-03319", "password": "doan-bua-mat-khau"}
    for _ in range(5):
        response = client.post(reverse("login"), wrong)
        assert response.status_code == 200
        assert "Sai tên đăng nhập hoặc mật khẩu." in response.content.decode()
    right = {"username": "commune_staff-03319", "password": PASSWORD}
    refused = client.post(reverse("login"), right)
    assert refused.status_code == 200
    assert "Đăng nhập sai quá nhiều lần; hãy thử lại sau 15 phút (lúc " in refused.content.decode()
    assert "_auth_user_id" not in client.session

    LoginThrottle.objects.all().delete()  # the window has passed
    assert client.post(reverse("login"), right).status_code == 302
    assert "_auth_user_id" in client.session
