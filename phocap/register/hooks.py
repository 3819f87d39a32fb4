"""What the register asks of the apps above it (phocap/hooks.py says why hooks).

Recognition knows whether a dossier freezes a commune's year and which dossiers wait
for someone; attendance where a teacher starts the day; the schools know
the recognition conditions they entered, what of the register a school's staff
member reads, and their staff to pin when a year freezes. RecognitionConfig
and SchoolsConfig fill these in ``ready()``. The staff pins are asked by
recognition (freeze.pin, freeze.release), which sits beside schools and so
does not import it either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from phocap.accounts.models import User
from phocap.hooks import Hook

if TYPE_CHECKING:
    import polars as pl
    from django.db.models import Model, Q

    from phocap.register.models import AdministrativeUnit

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



@dataclass(frozen=True)
class Unmet:
    """Why a commune's conditions for a standard fail or are not assessed: a school (its pk,
    for the link, and name) and the conditions it misses with their arithmetic, or has
    not entered; ``school`` None for a want of the commune's own."""

    school: int | None
    name: str
    reasons: tuple[str, ...]


# Why each standard's conditions fail in a commune and year ({standard: [Unmet]}).
unmet_conditions: Hook[[AdministrativeUnit, int], dict[str, list[Unmet]]] = Hook(
    "unmet_conditions", "phocap.schools")

# The preschool class lists of a school year with each pupil's days absent, for the
# school side of the 2025/2026 preschool forms (reports/figures.PUPILS_SCHEMA): pupils of
# the communes' schools and pupils whose household is in them. Attendance keeps them.
class_lists: Hook[[Iterable[AdministrativeUnit], int], pl.DataFrame] = Hook(
    "class_lists", "phocap.attendance")

# Each commune's preschool schools, sites and kindergarten classes of a school year, for
# MN-01-TC,ĐK (reports/figures.ESTABLISHMENTS). The schools keep them.
preschool_establishments: Hook[[Iterable[AdministrativeUnit], int], dict[str, dict[str, int]]] = (
    Hook("preschool_establishments", "phocap.schools"))

# What of a scoped model (reached from it through the lookup path to its commune)
# a school's staff member reads: their own school and its pupils.
school_rows: Hook[[type[Model], str, User], Q] = Hook("school_rows", "phocap.schools")

# What of a scoped model a surveyor reads: the households assigned to it in an open
# survey round, their people and records, and its own assignments. The rounds keep them.
surveyor_rows: Hook[[type[Model], str, User], Q] = Hook("surveyor_rows", "phocap.rounds")


class Task(NamedTuple):
    """Something waiting for the user at a unit's home page, with where to do it."""

    text: str
    url: str


# Where a school's staff member lands after signing in (a homeroom teacher: their
# class's attendance grid on today or the nearest school day), or None for their
# commune's page. The attendance app knows classes and school days.
landing: Hook[[User], str | None] = Hook("landing", "phocap.attendance")

# What needs the user on a unit's home page: dossiers returned to the unit's staff,
# dossiers of the units below waiting for the user's decision, the unit's own dossiers
# waiting above. Recognition keeps the dossiers.
unit_tasks: Hook[[User, AdministrativeUnit], list[Task]] = Hook(
    "unit_tasks", "phocap.recognition")
