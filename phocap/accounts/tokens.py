"""API tokens: shown once, stored only as their SHA-256, and expiring.

Signing in for one (the user name, the password and, for an account with a
second factor, its code) goes through the same throttle as the login page
(accounts/throttle.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from phocap.accounts.models import ApiToken, User

TOKEN_LIFETIME = dt.timedelta(hours=8)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(user: User) -> str:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_digest(key),
                            expires=timezone.now() + TOKEN_LIFETIME)
    return key


def user_for(key: str) -> User | None:
    token = ApiToken.objects.select_related("user", "user__unit").filter(
        key_hash=_digest(key), expires__gt=timezone.now()
    ).first()
    return token.user if token is not None and token.user.is_active else None


def expired_deleted(now: dt.datetime | None = None) -> int:
    """Delete the tokens that can no longer be used (the cleanup command); how many."""
    deleted, _kinds = ApiToken.objects.filter(expires__lte=now or timezone.now()).delete()
    return deleted
