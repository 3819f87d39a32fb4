"""A typed slot through which an app asks an app above it, without importing it.

The Django apps are layered (tests/test_architecture.py, DEVELOPERS.md): an app
imports only the apps below it, so that each can be read, tested and changed
knowing only what lies beneath. When a lower app still needs an answer only a
higher one knows, it declares a Hook in its own hooks.py (register/hooks.py,
accounts/hooks.py), calls it, and the app that knows fills it in its
``AppConfig.ready()``. Like numbers.py this module sits below every app and
imports none.

A slot nobody filled raises ImproperlyConfigured instead of answering
something harmless-looking ("nothing frozen", "no conditions", "nothing to
audit"): a missing app must not quietly let an edit of a certified year through,
drop a criterion from the results or an entry from the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    """One answer a lower app needs from an app above it: filled once, then called."""

    def __init__(self, name: str, provider: str) -> None:
        self.name = name
        self.provider = provider  # the app expected to fill it, for the error message
        self._fn: Callable[P, R] | None = None

    def provide(self, fn: Callable[P, R]) -> None:
        """Fill the slot (from the providing app's ``ready()``; again replaces it)."""
        self._fn = fn

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._fn is None:
            raise ImproperlyConfigured(
                f"hook {self.name!r} was never provided: is {self.provider}"
                " in INSTALLED_APPS?")
        return self._fn(*args, **kwargs)
