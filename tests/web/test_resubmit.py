"""Back, then resubmit: no POST writes a second record (issue 14, item 5).

Every POST route and its valid input come from the audit walk
(tests/web/test_audit_invariant.py::WRITES). Each is posted, as its user, twice with
the same data, as a browser does when the officer goes back to the form and sends it
again: the first answers with a redirect (Post/Redirect/Get), and the second adds no
row to any table of phocap's.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from tests.web.test_api import bearer
from tests.web.test_audit_invariant import WRITES, Write, world  # noqa: F401

# Rows a repeated request may add without adding a record: the audit trail logs reads
# (exports) too, the login throttle counts, sessions and background work come and go.
NOT_RECORDS = {"register.auditentry", "register.communerevision", "register.backgroundtask",
               "accounts.loginattempt", "accounts.throttle"}


def rows() -> dict[str, int]:
    return {m._meta.label_lower: m.objects.count() for m in apps.get_models()
            if m.__module__.startswith("phocap.")
            and m._meta.label_lower not in NOT_RECORDS and not m._meta.proxy}


def send(client: Client, write: Write, headers: dict[str, str]) -> Any:
    data = write.data
    for value in data.values() if isinstance(data, dict) else ():
        if hasattr(value, "seek"):
            value.seek(0)
    if write.method == "patch":
        return client.patch(write.url, data, content_type="application/json", **headers)
    return client.post(write.url, data, **headers)


@pytest.mark.parametrize("route", sorted(WRITES))
def test_a_post_redirects_and_its_resubmission_adds_nothing(world: dict[str, Any],  # noqa: F811
                                                            route: str) -> None:
    write = WRITES[route](world)
    client = Client()
    headers = bearer(write.user) if write.api else {}
    if not write.api:
        client.force_login(write.user)
    with world["capture"](execute=True):
        first = send(client, write, headers)
    if not write.api:
        assert first.status_code == 302, first.content.decode()[:3000]
    after_first = rows()
    with world["capture"](execute=True):
        again = send(client, write, headers)
    assert again.status_code < 500
    assert rows() == after_first
