"""The roles of the scope matrices and the communes each covers in the `tree` fixture.

03319 is the commune staff's own commune, 03322 its sibling in district 100, and
03370 a commune of the other district 101.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

PASSWORD = "mat-khau-du-manh-2021"
ROLES: list[tuple[str, Any]] = [
    ("commune_staff", lambda t: t["communes"]["03319"]),
    ("school_staff", lambda t: t["communes"]["03319"]),
    ("district_reviewer", lambda t: t["districts"][0]),
    ("province_reviewer", lambda t: t["province"]),
    ("province_admin", lambda t: t["province"]),
    ("ministry_viewer", lambda t: None),
]
COVERS: dict[str, set[str]] = {
    "commune_staff": {"03319"}, "school_staff": {"03319"},
    "district_reviewer": {"03319", "03322"},
    "province_reviewer": {"03319", "03322", "03370"},
    "province_admin": {"03319", "03322", "03370"},
    "ministry_viewer": set(),
}


def signed_in(user: Any) -> Client:
    """A client signed in as ``user`` (made by the ``make_user`` fixture, with PASSWORD)."""
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client
