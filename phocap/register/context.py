"""What every page's layout needs to know about the signed-in user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from phocap.accounts.models import User


def navigation(request: HttpRequest) -> dict[str, object]:
    from phocap.accounts.models import Role

    user: User | AnonymousUser | None = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_unit": user.unit,
        "nav_can_import": user.role == Role.COMMUNE_STAFF,
        "nav_is_admin": user.role == Role.PROVINCE_ADMIN,
    }
