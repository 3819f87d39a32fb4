"""The login throttle, one for the login page and the API's token endpoint.

Three counters stand between a guess and the password check: the account
name (however it is cased; names that do not exist count too, so the answer
never tells which do), the client's address (accounts/address.py), and all
accounts together, which is what stops a password tried against many names
from many addresses. Each allows settings.LOGIN_FAILURES_* failures in a
window of settings.LOGIN_WINDOW seconds counted from its first failure, then
refuses until the window has passed; a second-factor code has a counter of
its own per account.

An attempt takes its place on every counter *before* the password is
checked, each by one conditional UPDATE (``count < limit``) on a row of
LoginThrottle: the database serialises those, so thirty guesses in parallel
against a limit of five get five password checks, never more. A successful
sign-in gives its places back and clears the account's counter, so only
failures remain counted.

The global counter is a trade-off: an attacker spraying wrong passwords can
pause every sign-in for one window. That is the price of bounding how many
passwords can be tried against the whole register; the limit is set from the
environment (PHOCAP_LOGIN_FAILURES_GLOBAL), and signed-in sessions and API
tokens are not affected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from phocap.accounts.address import client_address
from phocap.accounts.models import LoginThrottle, User

GLOBAL_KEY = "global"


@dataclass(frozen=True)
class Counter:
    key: str
    limit: int
    kind: str  # "account", "address", "global" or "code": which message a refusal gets


class Throttled(Exception):
    """Too many failures on one counter; ``until`` is when it lets attempts through again."""

    def __init__(self, kind: str, until: dt.datetime) -> None:
        self.kind = kind
        self.until = until
        super().__init__(self.message())

    def message(self) -> str:
        seconds = (self.until - timezone.now()).total_seconds()
        when = {"minutes": max(1, math.ceil(seconds / 60)),
                "time": timezone.localtime(self.until).strftime("%H:%M")}
        if self.kind == "global":
            return _("Hệ thống đang tạm ngừng nhận đăng nhập vì có quá nhiều lần đăng nhập sai; "
                     "hãy thử lại sau %(minutes)d phút (lúc %(time)s).") % when
        if self.kind == "address":
            return _("Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này; "
                     "hãy thử lại sau %(minutes)d phút (lúc %(time)s).") % when
        if self.kind == "code":
            return _("Nhập sai mã xác thực quá nhiều lần; "
                     "hãy thử lại sau %(minutes)d phút (lúc %(time)s).") % when
        return _("Đăng nhập sai quá nhiều lần; "
                 "hãy thử lại sau %(minutes)d phút (lúc %(time)s).") % when


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def account_counter(username: str) -> Counter:
    return Counter(f"account:{_hashed(username.strip().casefold())}",
                   settings.LOGIN_FAILURES_PER_ACCOUNT, "account")


def address_counter(address: str) -> Counter:
    """Per address; an IPv6 client counts by its /64, since one machine holds a whole /64
    and could otherwise take a fresh address for every guess."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        parsed = None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
        address = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return Counter(f"address:{address[:64]}", settings.LOGIN_FAILURES_PER_ADDRESS, "address")


def global_counter() -> Counter:
    return Counter(GLOBAL_KEY, settings.LOGIN_FAILURES_GLOBAL, "global")


def code_counter(user: User) -> Counter:
    return Counter(f"code:{user.pk}", settings.LOGIN_FAILURES_PER_ACCOUNT, "code")


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_WINDOW)


def _take(counter: Counter, now: dt.datetime) -> None:
    """Take one place on ``counter`` or raise Throttled; each step is one atomic statement."""
    rows = LoginThrottle.objects.filter(key=counter.key)
    cutoff = now - _window()
    for _first_time in (True, False):
        if counter.limit > 0 and rows.filter(started__lte=cutoff).update(started=now, count=1):
            return  # the window had passed: a new one starts with this attempt
        if rows.filter(started__gt=cutoff, count__lt=counter.limit).update(count=F("count") + 1):
            return
        started = rows.values_list("started", flat=True).first()
        if started is not None:
            raise Throttled(counter.kind, started + _window())
        # No row yet: make one (a parallel attempt may make it first) and try again.
        LoginThrottle.objects.bulk_create(
            [LoginThrottle(key=counter.key, started=now, count=0)], ignore_conflicts=True)
    raise Throttled(counter.kind, now + _window())  # a limit of 0: never through


def _give_back(counter: Counter) -> None:
    LoginThrottle.objects.filter(key=counter.key, count__gt=0).update(count=F("count") - 1)


def take(counters: list[Counter]) -> None:
    """A place on every counter, or none: one transaction, so a refusal by a later counter
    (Throttled names the first that is full) gives back the places already taken."""
    now = timezone.now()
    with transaction.atomic():
        for counter in counters:
            _take(counter, now)


def succeeded(account: Counter, others: list[Counter]) -> None:
    """A right answer: the account's failures are forgotten, the other places given back."""
    with transaction.atomic():
        LoginThrottle.objects.filter(key=account.key).update(count=0)
        for counter in others:
            _give_back(counter)


def login(request: HttpRequest, username: str, password: str) -> User | None:
    """The user for a name and password, or None; Throttled (before any password is
    checked) once a counter is full."""
    account = account_counter(username)
    others = [address_counter(client_address(request)), global_counter()]
    take([account, *others])
    # No account name holds a NUL character, and PostgreSQL refuses one in a query.
    has_nul = "\x00" in username or "\x00" in password
    user = None if has_nul else authenticate(request, username=username, password=password)
    if user is None:
        return None
    succeeded(account, others)
    return user


def old_rows_deleted(now: dt.datetime | None = None) -> int:
    """Forget counters whose window has passed (the cleanup command): they restart anyway."""
    cutoff = (now or timezone.now()) - _window()
    deleted, _kinds = LoginThrottle.objects.filter(started__lte=cutoff).delete()
    return deleted
