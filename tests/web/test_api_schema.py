"""Schemathesis against the OpenAPI schema: no input makes the API fail with a server error."""

import json
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.core import NOT_SET

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def token(tree: Any, make_user: Any) -> str:
    from phocap.accounts import tokens

    return tokens.issue(make_user("commune_staff", tree["communes"]["03319"]))


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_no_server_errors(case: Any, token: str) -> None:
    # Through Django's test client, which keeps the test's database connection
    # open (the plain WSGI handler closes it after each request).
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    path = case.formatted_path + ("?" + urlencode(case.query, doseq=True) if case.query else "")
    body = case.body if case.body is not NOT_SET else None
    if case.media_type == "multipart/form-data" and isinstance(body, dict):
        files = {k: SimpleUploadedFile("upload.csv", v if isinstance(v, bytes) else str(v).encode())
                 for k, v in body.items()}
        response = client.post(path, files)
    elif isinstance(body, bytes | str):
        response = client.generic(case.method, path, body,
                                  content_type=case.media_type or "application/octet-stream")
    elif body is not None:
        response = client.generic(case.method, path, json.dumps(body, default=str),
                                  content_type="application/json")
    else:
        response = client.generic(case.method, path)
    assert response.status_code < 500, (case.method, path, response.status_code,
                                        response.content[:500])
