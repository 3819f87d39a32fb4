"""A stopped clock for the browser tests, so that a page photographed today reads the same
next year and its screenshot can be compared with the accepted one (tests/browser/visual.py).

Pages show "today" in many ways: the attendance grid opens on the last school day up to
today, forms default to last year, an import says when it was committed, the audit log
when each change was made. The browser tests stop the process's clock at NOW (a school
day, 31/05/2022 09:30 in Hanoi's time, late in school year 2021–2022 which the tests'
survey year 2021 opens): the live server runs in this process, so the pages and the test
read the same instant.

Stopped are `django.utils.timezone.now` (and with it `localtime()`, `localdate()`, the
models' auto_now fields and the sessions' expiry in the database) and, in every phocap
module, `date.today()`, `datetime.now()`, `datetime.today()` and `datetime.utcnow()`
reached through a module-level `datetime` import (`import datetime as dt` or
`from datetime import date, datetime`). Everything else keeps real time: `time.time()`
(the session cookie's expiry, which the browser compares with its own clock; the file
cache), `time.monotonic()` (timeouts), and the browser itself.
"""

from __future__ import annotations

import datetime as real
import importlib
import pkgutil
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest

NOW = real.datetime(2022, 5, 31, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TODAY = NOW.date()


class _Instances(type):
    """isinstance(x, FrozenDate) holds for every real date, as code asking `isinstance(value,
    dt.date)` expects; constructing one makes a real date."""

    real: type = real.date

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, cls.real)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, cls.real)


class FrozenDate(real.date, metaclass=_Instances):
    real = real.date

    def __new__(cls, *args: Any, **kwargs: Any) -> real.date:  # type: ignore[misc]
        return real.date(*args, **kwargs)

    @classmethod
    def today(cls) -> real.date:  # type: ignore[override]
        return TODAY


class FrozenDateTime(real.datetime, metaclass=_Instances):
    real = real.datetime

    def __new__(cls, *args: Any, **kwargs: Any) -> real.datetime:  # type: ignore[misc]
        return real.datetime(*args, **kwargs)

    @classmethod
    def now(cls, tz: real.tzinfo | None = None) -> real.datetime:  # type: ignore[override]
        return NOW.astimezone(tz) if tz is not None else NOW.astimezone().replace(tzinfo=None)

    @classmethod
    def today(cls) -> real.datetime:  # type: ignore[override]
        return cls.now()

    @classmethod
    def utcnow(cls) -> real.datetime:  # type: ignore[override]
        return NOW.astimezone(real.UTC).replace(tzinfo=None)


def _stopped_module() -> types.ModuleType:
    module = types.ModuleType("datetime")
    module.__dict__.update(vars(real))
    module.date = FrozenDate  # type: ignore[attr-defined]
    module.datetime = FrozenDateTime  # type: ignore[attr-defined]
    return module


def _phocap_modules() -> Iterator[types.ModuleType]:
    """Every module of phocap, imported now (a view may import one lazily, after the clock
    stopped); migrations and the optional back-ends' modules that cannot import are left."""
    import phocap

    yield phocap
    for info in pkgutil.walk_packages(phocap.__path__, "phocap."):
        if ".migrations" in info.name:
            continue
        try:
            yield importlib.import_module(info.name)
        except ImportError:
            continue


@contextmanager
def stopped() -> Iterator[None]:
    """The clock stopped at NOW inside the block, restored after it."""
    from django.utils import timezone

    stopped_module = _stopped_module()
    replaced: list[tuple[object, str, object]] = [(timezone, "now", timezone.now)]
    timezone.now = lambda: NOW.astimezone(real.UTC)  # type: ignore[assignment]
    for module in _phocap_modules():
        for name, value in list(vars(module).items()):
            if value is real:
                replaced.append((module, name, value))
                setattr(module, name, stopped_module)
            elif value is real.date or value is real.datetime:
                replaced.append((module, name, value))
                setattr(module, name, FrozenDate if value is real.date else FrozenDateTime)
    try:
        yield
    finally:
        for owner, name, value in reversed(replaced):
            setattr(owner, name, value)


@pytest.fixture(autouse=True)
def stopped_clock() -> Iterator[None]:
    with stopped():
        yield
