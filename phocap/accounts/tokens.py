"""API tokens and login throttling.

A token is shown once and stored only as its SHA-256, and it expires. Failed
logins are counted per user name and address; after five in fifteen minutes
further attempts are refused until the window passes, which stops password
guessing without locking anyone out for long.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import authenticate
from django.core.cache import cache
from django.utils import timezone

from phocap.accounts.models import ApiToken, User

TOKEN_LIFETIME = dt.timedelta(hours=8)
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60  # seconds


class Throttled(Exception):
    pass


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _failures_key(username: str, address: str) -> str:
    return f"login-failures:{hashlib.sha256(f'{username}|{address}'.encode()).hexdigest()}"


def login(request: Any, username: str, password: str) -> User | None:
    """Authenticate, counting failures; Throttled after too many."""
    key = _failures_key(username, request.META.get("REMOTE_ADDR", ""))
    if cache.get(key, 0) >= MAX_FAILURES:
        raise Throttled("Đăng nhập sai quá nhiều lần; hãy thử lại sau 15 phút.")
    # No account name holds a NUL character, and PostgreSQL refuses one in a query.
    has_nul = "\x00" in username or "\x00" in password
    user = None if has_nul else authenticate(request, username=username, password=password)
    if user is None:
        cache.set(key, cache.get(key, 0) + 1, FAILURE_WINDOW)
        return None
    cache.delete(key)
    return user


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
