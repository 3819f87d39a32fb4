"""What the register asks of the apps above it, without importing them.

The Django apps are layered (tests/test_architecture.py, DEVELOPERS.md):
accounts < register < {recognition, schools} < {attendance, streaming,
dashboard}, and an app imports only apps below it, so that each can be read,
tested and changed knowing only what lies beneath. The register still needs a
few answers that only an app above it knows: whether a dossier freezes a
commune's year (recognition), the recognition conditions the schools entered
and what of the register a school's staff member reads (schools). Each answer
is a typed slot here, which the app that knows it fills in its
``AppConfig.ready()``; the register (and the apps beside the one that fills it)
call the slot.

A slot nobody filled raises ImproperlyConfigured instead of answering
"nothing frozen" or "no conditions": a missing app must not quietly let an
edit of a certified year through or drop a criterion from the results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import Model, Q

    from phocap.register.models import AdministrativeUnit

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    """One answer the register needs from an app above it: filled once, then called."""

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
                f"register hook {self.name!r} was never provided: is {self.provider}"
                " in INSTALLED_APPS?")
        return self._fn(*args, **kwargs)


# Why a dossier keeps the commune's data of a survey year from changing (a dossier
# of the commune or a unit above it submitted or recognised), or None.
dossier_freeze: Hook[[AdministrativeUnit, int], str | None] = Hook(
    "dossier_freeze", "phocap.recognition")

# When a commune's year freezes or is released, what the schools keep for every
# year at once (their staff) is pinned or released with the register's identities.
pin_school_staff: Hook[[Iterable[AdministrativeUnit], int], None] = Hook(
    "pin_school_staff", "phocap.schools")
release_school_staff: Hook[[Iterable[AdministrativeUnit], int], None] = Hook(
    "release_school_staff", "phocap.schools")

# The recognition conditions the schools and communes entered, per commune code.
school_conditions: Hook[[Iterable[AdministrativeUnit], int], dict[str, dict[str, bool]]] = Hook(
    "school_conditions", "phocap.schools")

# What of a scoped model (reached from it through the lookup path to its commune)
# a school's staff member reads: their own school and its pupils.
school_rows: Hook[[type[Model], str, Any], Q] = Hook("school_rows", "phocap.schools")
