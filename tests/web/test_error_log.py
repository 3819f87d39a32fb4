"""Request errors reach a log (issue 11, lesser findings: "request errors go to no log").

Django's own logging sends a 500's traceback to ADMINS by mail, outside DEBUG, and
phocap has no ADMINS: the error went nowhere. settings.LOGGING sends it, and the
application's own messages, to stderr, where gunicorn and systemd keep them.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("hỏng khi đọc hộ 0001")


urlpatterns = [path("broken/", broken)]


@pytest.fixture
def stderr() -> Iterator[io.StringIO]:
    """What the configured stderr handlers write, whichever loggers they hang on
    (pytest's own capture handlers, subclasses of StreamHandler, are left alone)."""
    written = io.StringIO()
    handlers = {handler for logger in [logging.getLogger(),
                                       *logging.Logger.manager.loggerDict.values()]
                if isinstance(logger, logging.Logger)
                for handler in logger.handlers if type(handler) is logging.StreamHandler}
    streams = {handler: handler.setStream(written) for handler in handlers}
    try:
        yield written
    finally:
        for handler, stream in streams.items():
            if stream is not None:
                handler.setStream(stream)


@pytest.mark.urls(__name__)
def test_a_server_error_is_logged_with_its_traceback(db: Any, stderr: io.StringIO) -> None:
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    logged = stderr.getvalue()
    assert "ERROR [django.request] Internal Server Error: /broken/" in logged, logged
    assert "Traceback" in logged and "RuntimeError: hỏng khi đọc hộ 0001" in logged


def test_the_applications_own_messages_are_logged(stderr: io.StringIO) -> None:
    logging.getLogger("phocap.register.jobs").info("nhập xong 12 hộ")
    assert "INFO [phocap.register.jobs] nhập xong 12 hộ" in stderr.getvalue()


def test_a_host_name_phocap_does_not_serve_is_refused_without_a_traceback(
        db: Any, stderr: io.StringIO) -> None:
    response = Client(raise_request_exception=False).get("/login/", HTTP_HOST="ke-gia.example")
    assert response.status_code == 400
    assert "Traceback" not in stderr.getvalue() and "DisallowedHost" not in stderr.getvalue()
