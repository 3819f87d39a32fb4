"""Error pages read as the rest of the product: Vietnamese, with the navigation and the way
home, never Django's bare English server pages ("Not Found", "Forbidden (403)", an empty
405). The API keeps its JSON answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

from tests.web.roles import PASSWORD

ENGLISH = ("Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF verification")


def signed_in(make_user: Any, role: str, unit: Any) -> Client:
    client = Client()
    user = make_user(role, unit)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def assert_page(html: str, heading: str) -> None:
    assert f"<h1>{heading}</h1>" in html and '<html lang="vi">' in html
    assert "Về trang chủ" in html
    assert not any(word in html for word in ENGLISH)


@pytest.mark.parametrize("path", ["/khong-co-trang-nay/", "/units/99999999/"])
def test_a_page_not_found(tree: dict[str, Any], make_user: Any, path: str) -> None:
    response = signed_in(make_user, "commune_staff", tree["communes"]["03319"]).get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert_page(html, "Không tìm thấy trang")
    assert "Đăng xuất" in html  # the navigation of a signed-in user


def test_a_refusal_says_why(tree: dict[str, Any], make_user: Any) -> None:
    """The ministry sees aggregates only: a person's page is refused (403), in Vietnamese."""
    client = signed_in(make_user, "ministry_viewer", None)
    response = client.get(f"/persons/{tree['people']['03319'].pk}/")
    assert response.status_code in (403, 404)
    assert_page(response.content.decode(),
                "Không có quyền" if response.status_code == 403 else "Không tìm thấy trang")


def test_a_wrong_method_is_a_page_with_its_allow_header(tree: dict[str, Any],
                                                        make_user: Any) -> None:
    client = signed_in(make_user, "commune_staff", tree["communes"]["03319"])
    response = client.get(f"/units/{tree['communes']['03319'].pk}/duplicates/merge/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert_page(response.content.decode(), "Không thực hiện được")


def test_the_api_keeps_its_json_for_a_wrong_method() -> None:
    response = Client().put("/api/v1/token", {}, content_type="application/json")
    assert response.status_code == 405
    assert "Không thực hiện được" not in response.content.decode()


def test_a_refused_form_token_says_what_to_do(tree: dict[str, Any], make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    user = make_user("commune_staff", tree["communes"]["03319"])
    client.force_login(user)
    response = client.post("/logout/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_page(html, "Không có quyền")
    assert "Hãy tải lại trang rồi làm lại" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("view", "status", "heading"), [
    (lambda r: defaults.server_error(r), 500, "Hệ thống gặp sự cố"),
    (lambda r: defaults.bad_request(r, Exception()), 400, "Yêu cầu không hợp lệ"),
])
def test_a_server_error_and_a_bad_request(view: Any, status: int, heading: str) -> None:
    response = view(RequestFactory().get("/"))
    assert response.status_code == status
    assert_page(response.content.decode(), heading)


@pytest.mark.urls("tests.web.test_error_log")
def test_the_server_error_page_needs_nothing_that_may_have_failed(db: Any) -> None:
    """Rendered under a URL configuration without the application's pages (as when the
    failure is in them): still the Vietnamese page, with a plain way home."""
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Hệ thống gặp sự cố</h1>" in html and 'href="/"' in html
