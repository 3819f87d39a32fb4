"""What every response tells the browser (issue 11, deployment): pages and downloads
with children's data are never stored (Logout then Back showed a household again),
static assets keep their caching, and a Content-Security-Policy allows phocap's own
scripts and styles only, which the templates satisfy (no inline script, handler or style).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.web.roles import PASSWORD

YEAR = 2021
PHOCAP = Path(__file__).resolve().parents[2] / "phocap"


def signed_in(make_user: Any, role: str, unit: Any) -> Client:
    client = Client()
    user = make_user(role, unit)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def assert_not_stored(response: Any) -> None:
    assert response["Cache-Control"] == "no-store", response.get("Cache-Control")
    assert response["Pragma"] == "no-cache"


def test_the_household_page_and_the_export_are_not_stored_and_neither_is_anything_after_logout(
        surveyed: dict[str, Any], make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    household = surveyed["people"]["03319"].household
    client = signed_in(make_user, "commune_staff", commune)

    page = client.get(f"/households/{household.pk}/")
    assert page.status_code == 200 and "Người 03319" in page.content.decode()
    assert_not_stored(page)
    download = client.get(f"/units/{commune.pk}/export.xlsx?year={YEAR}")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert_not_stored(download)

    client.post("/logout/")
    after = client.get(f"/households/{household.pk}/")
    assert after.status_code == 302 and "/login/" in after["Location"]
    assert_not_stored(after)
    assert_not_stored(client.get("/login/"))


def test_the_api_is_not_stored_either(surveyed: dict[str, Any]) -> None:
    assert_not_stored(Client().get("/api/v1/households"))


@pytest.mark.parametrize("asset", ["phocap.css", "vendor/htmx-2.0.11/htmx.min.js"])
def test_static_assets_keep_their_caching(db: Any, asset: str) -> None:
    response = Client().get(f"/static/{asset}")
    assert response.status_code == 200
    assert "max-age=" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    assert "Pragma" not in response


def test_pages_carry_a_content_security_policy_without_inline_script_or_style(
        surveyed: dict[str, Any], make_user: Any) -> None:
    client = signed_in(make_user, "commune_staff", surveyed["communes"]["03319"])
    for url in ("/login/", f"/units/{surveyed['communes']['03319'].pk}/?year={YEAR}",
                "/api/v1/households"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == directives["style-src"] == "'self'"
        assert (directives["frame-ancestors"], directives["object-src"]) == ("'none'", "'none'")
        assert "unsafe" not in policy


INLINE = [
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style=\"…\" attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on…=\"…\" handler"),
    (re.compile(r"\shx-on", re.I), "an hx-on handler (evaluated as script)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_holds_what_the_policy_would_refuse() -> None:
    """What the browser test finds page by page (tests/browser/test_csp.py), here for every
    template, including those no test opens."""
    found = []
    for template in sorted(PHOCAP.glob("**/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.relative_to(PHOCAP)}: {what}: {match.group(0).strip()}"
                  for pattern, what in INLINE for match in pattern.finditer(text)]
    assert not found, "\n".join(found)
