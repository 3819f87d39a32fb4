"""Vietnamese first: the interface is Vietnamese unless the user picks English.

Office computers often run browsers set to English (en-US), which Django's
LocaleMiddleware would follow. The language switch in the page header sets a
cookie, and that choice, not the browser's, is what selects English.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class VietnameseFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
