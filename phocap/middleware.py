"""The project's own middleware: Vietnamese first, and sessions that slide without a write
on every request.

Vietnamese first: the interface is Vietnamese unless the user picks English.
Office computers often run browsers set to English (en-US), which Django's
LocaleMiddleware would follow. The language switch in the page header sets a
cookie, and that choice, not the browser's, is what selects English.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class VietnameseFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


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
