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
from django.urls import get_resolver

from tests.web.test_api import bearer
from tests.web.test_audit_invariant import (
    NOT_AUDITED,
    WRITES,
    YEAR,
    Write,
    named_routes,
    takes_post,
    world,  # noqa: F401
)

# Rows a repeated request may add without adding a record: the audit trail logs reads
# (exports) too, the login throttle counts, sessions and background work come and go.
NOT_RECORDS = {"register.auditentry", "register.communerevision", "register.backgroundtask",
               "accounts.loginattempt", "accounts.throttle"}


def dossier_list(w: dict[str, Any]) -> Write:
    return Write(w["officer"], f"/units/{w['commune'].pk}/dossiers/",
                 {"standard": "literacy", "survey_year": str(YEAR), "level": "1",
                  "comment": "Đủ điều kiện."}, w["commune"])


def dashboard_mobilisation(w: dict[str, Any]) -> Write:
    planner = w["make_user"]("district_reviewer", w["districts"][0])
    return Write(planner, f"/units/{w['districts'][0].pk}/mobilisation/?year={YEAR}",
                 {"mobilisation.primary_6_10": "95"})


# The POST routes the audit walk excuses that still write something of their own; the
# rest of NOT_AUDITED only signs in or out, chooses a language, or moves a dossier on
# (its workflow refuses a second return or decision: tests/web/test_recognition.py),
# and have nothing to duplicate.
OWN_RECORDS = {"dossier-list": dossier_list, "dashboard-mobilisation": dashboard_mobilisation}
ROUTES = {**WRITES, **OWN_RECORDS}
# A POST that may be repeated on purpose, and why.
REPEATABLE = {"import-new": "an upload makes a preview, no record of the register; sending "
                            "the same file again is how an officer checks that it changes "
                            "nothing (the commit is idempotent: register/importing.py)"}
NOTHING_TO_DUPLICATE = {"set_language", "login", "login-code", "logout", "dossier"}


def test_every_post_route_is_resubmitted_here() -> None:
    posting = {p.name for p in named_routes(get_resolver().url_patterns) if takes_post(p)}
    assert posting - set(ROUTES) == NOTHING_TO_DUPLICATE | set(REPEATABLE)
    assert set(NOT_AUDITED) - set(OWN_RECORDS) == NOTHING_TO_DUPLICATE | set(REPEATABLE)


def rows() -> dict[str, int]:
    return {m._meta.label_lower: m.objects.count() for m in apps.get_models()
            if m.__module__.startswith("phocap.")
            and m._meta.label_lower not in NOT_RECORDS and not m._meta.proxy}


def send(client: Client, write: Write, headers: dict[str, str]) -> Any:
    data = write.data
    for value in data.values():
        if hasattr(value, "seek"):
            value.seek(0)
    if write.method in ("patch", "post-json"):  # a JSON body
        return getattr(client, write.method.split("-")[0])(
            write.url, data, content_type="application/json", **headers)
    return client.post(write.url, data, **headers)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_post_redirects_and_its_resubmission_adds_nothing(world: dict[str, Any],  # noqa: F811
                                                            route: str) -> None:
    write = ROUTES[route](world)
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


def test_a_refused_form_is_not_remembered(world: dict[str, Any]) -> None:  # noqa: F811
    """Sent again unchanged, a refused form is refused again (not redirected as if done);
    corrected, it is carried out; sent once more, it is not carried out twice."""
    client = Client()
    client.force_login(world["officer"])
    household = world["people"]["03319"].household
    url = f"/households/{household.pk}/members/new/?year={YEAR}&event=born"
    refused = {"event": "born", "full_name": "", "birth_date": "01/08/2021", "sex": "nữ",
               "confirmed": "on"}
    assert client.post(url, refused).status_code == 200
    assert client.post(url, refused).status_code == 200
    done = refused | {"full_name": "Lò Thị Bé"}
    first = client.post(url, done)
    assert first.status_code == 302
    again = client.post(url, done, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "đã được gửi và ghi trước đó" in again.content.decode()
    assert household.members.filter(full_name="Lò Thị Bé").count() == 1
