"""phocap's own middleware: the interface language, sessions that slide without a write on
every request, the headers on every page, and error pages in Vietnamese.

Each class is one rule that must hold on every request or response, so that a
new view cannot forget it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext


class VietnameseFirstMiddleware:
    """Vietnamese first: the interface is Vietnamese unless the user picks English.

    Office computers often run browsers set to English (en-US), which Django's
    LocaleMiddleware would follow. The language switch in the page header sets a
    cookie, and that choice, not the browser's, is what selects English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


def content_security_policy(directives: dict[str, list[str]]) -> str:
    """The header's value for a SECURE_CSP dictionary (the format of Django 6's setting)."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class PrivateResponseMiddleware:
    """Nothing the application answers is kept by a browser or a proxy, and pages run
    only phocap's own scripts and styles.

    Almost every page and download carries children's personal data, and office
    computers are shared: with ``Cache-Control: no-store`` the browser keeps no
    copy, so Back after Logout asks the server again (and finds no session)
    instead of showing a household. Static assets never get here, since WhiteNoise,
    above in MIDDLEWARE, answers them with caching of their own.

    The Content-Security-Policy (settings.SECURE_CSP) makes injected markup inert:
    an inline script or style, or one from another site, is refused by the browser.
    Django 5.2 has no CSP of its own; Django 6's middleware reads the same setting.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy(settings.SECURE_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"  # HTTP/1.0 proxies still found in some offices
        if self.policy:
            response.setdefault("Content-Security-Policy", self.policy)
        return response


SESSION_REFRESH_AFTER = 5 * 60
"""Seconds after which a request pushes its session's expiry forward again."""


class SlidingSessionMiddleware:
    """A session expires 30 minutes after the last activity, without a write on every request.

    SESSION_SAVE_EVERY_REQUEST would write the session row on every page load:
    on SQLite that is a write lock per request, so a read-only page waited for
    any long write and failed when it did not end in time. Here a request
    saves the session only when it was last saved SESSION_REFRESH_AFTER ago or
    more (Django's SessionMiddleware then writes it with a new expiry). The
    session so ends between 25 and 30 minutes after the last request, never
    later than SESSION_COOKIE_AGE. It goes right after SessionMiddleware.
    """

    KEY = "_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in session slides: one that has expired, or a visitor's, is left alone.
        if session is None or not session.session_key or SESSION_KEY not in session:
            return response
        now = int(timezone.now().timestamp())
        if session.modified or now - int(session.get(self.KEY, 0)) >= SESSION_REFRESH_AFTER:
            session[self.KEY] = now
        return response


class MethodNotAllowedPageMiddleware:
    """A 405 is a page in Vietnamese with the way back, like every other error.

    Django's ``require_POST`` and ``require_http_methods`` answer a wrong method with
    an empty body, which the browser shows as a bare English server page (a bookmarked
    save button, a form reopened from history). The API keeps its JSON answers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code == 405 and not response.content
                and not request.path.startswith("/api/")):
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (settings.CSRF_FAILURE_VIEW), said in Vietnamese:
    usually a page left open past the session or opened in another browser."""
    return render(request, "403.html", {"exception": gettext(
        "Trang đã mở quá lâu hoặc phiên đăng nhập đã đổi, nên biểu mẫu không được gửi."
        " Hãy tải lại trang rồi làm lại.")}, status=403)
