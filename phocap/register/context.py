"""What every page's layout needs to know: about the signed-in user, and whether the page
shows figures being updated."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from phocap.accounts.models import User
from phocap.register.results import serving_stale


def navigation(request: HttpRequest) -> dict[str, object]:
    from phocap.accounts import permissions, twofactor

    user: User | AnonymousUser | None = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_unit": user.unit,
        "nav_can_import": permissions.may_upload(user),
        "nav_is_admin": permissions.administers_accounts(user),
        "nav_is_school_staff": permissions.is_school_staff(user),
        "nav_reviews_dossiers": permissions.reviews_dossiers(user),
        "nav_reads_nation": permissions.reads_nation(user),
        "nav_history_only": user.history_only,
        "nav_second_factor": twofactor.eligible(user),
    }


def updating(request: HttpRequest) -> dict[str, object]:
    """``updating`` when the page shows the last figures while the worker computes new ones
    (results.stale_allowed): base.html says so and reloads the page until they are there."""
    return {"updating": serving_stale()}
