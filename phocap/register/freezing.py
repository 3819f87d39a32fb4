"""Whether a commune's data may change now: every write path asks here first.

Two things stop a write. A dossier covering the commune's survey year that is
submitted or recognised freezes that year (recognition/freeze.py says why,
through hooks.dossier_freeze: the register sits below recognition and does not
import it). An import in progress holds the whole commune for as long as it
runs (register/import_runs.py). The register's services, the schools' and the
province administrator's ĐBKK flags all ask through this one module, so the
hold needs no check of its own in each of them.

A submission and an edit must not interleave: an edit that passed the check
just before a submission and committed just after it would land after the
stored result. On PostgreSQL every check made inside a transaction holds the
commune's row FOR KEY SHARE until the transaction ends, and a submission takes
its communes' rows FOR UPDATE (recognition/freeze.py ``hold_for_submission``)
before reading the result, so each waits for the other. FOR KEY SHARE
conflicts with nothing but FOR UPDATE: edits and imports do not queue behind
each other because of it. On SQLite every writing transaction begins IMMEDIATE
(settings.py), which already serialises them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import connection

from phocap.register import hooks, import_runs
from phocap.register.models import AdministrativeUnit, Household, Person, Village


class Frozen(PermissionDenied, ValueError):
    """An edit of a frozen year: refused (a 403 where nothing catches it, as in the API),
    and a ValueError so that the register's forms show the reason beside the form."""


def _hold_for_edit(commune: AdministrativeUnit) -> None:
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        table = AdministrativeUnit._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR KEY SHARE", [commune.pk])


def frozen(commune: AdministrativeUnit, year: int) -> str | None:
    """Why the commune's data of ``year`` may not change now, or None when they may.

    The services ask it before a write; every edit page of a year asks it too before
    showing its form, which it then shows disabled with the reason (templates/_frozen.html,
    issue 14: a frozen year's form stayed editable until "Lưu" was refused).

    Inside a transaction the answer holds until it commits (see the module's docstring).
    """
    _hold_for_edit(commune)
    if reason := import_runs.in_progress(commune):
        return reason
    return hooks.dossier_freeze(commune, year)


def refuse_if_frozen(commune: AdministrativeUnit, year: int) -> None:
    """``frozen`` as a refusal, for the services (raises Frozen with the reason)."""
    reason = frozen(commune, year)
    if reason is not None:
        raise Frozen(reason)


def held(commune: AdministrativeUnit) -> str | None:
    """Why nothing of the commune may change now (an import in progress), or None: what a
    form of households and identities asks before anyone types (no year freezes them)."""
    return import_runs.in_progress(commune)


def refuse_if_held(commune: AdministrativeUnit) -> None:
    """For households and identities, which no year freezes (a frozen year pinned what it
    certified) but an import in progress holds whole, like every other write."""
    _hold_for_edit(commune)
    if reason := held(commune):
        raise Frozen(reason)


CARRIED_ON = ("{what} đã được chuyển sang {commune} từ năm 2025 (sắp xếp đơn vị hành chính ngày"
              " 01/7/2025): các năm đến 2024 được giữ nguyên như đã điều tra. Hãy sửa ở hồ sơ"
              " của xã mới.")


def moved_on(row: Household | Person) -> str | None:
    """Why a household or person carried on under a new commune (register/crossing.py) no
    longer changes, or None: its old row keeps its years up to 2024 as they were, or the
    two rows would part (a member added, a name corrected, on one side only)."""
    if isinstance(row, Person):
        person = row.continued_by.select_related("household__commune").first()
        commune = None if person is None else person.household.commune
        what = f"Người {row.full_name}"
    else:
        household = row.continued_by.select_related("commune").first()
        commune = None if household is None else household.commune
        what = f"Hộ số {row.household_no}"
    return None if commune is None else CARRIED_ON.format(what=what, commune=commune.name)


def refuse_if_carried_on(row: Household | Person) -> None:
    """``moved_on`` as a refusal, for the services (raises Frozen with the reason)."""
    if reason := moved_on(row):
        raise Frozen(reason)


def carried_on(commune: AdministrativeUnit) -> str | None:
    """Why an old commune's register takes no more files, or None: a new commune has opened
    2025 from it (register/crossing.py), and what it carried must stay as it was."""
    successor = (Village.objects.filter(continues__commune=commune)
                 .select_related("commune").first())
    if successor is None:
        return None
    return (f"{successor.commune.name} đã mở năm 2025 từ sổ của {commune.name} (sắp xếp đơn vị"
            " hành chính ngày 01/7/2025): sổ của xã cũ được giữ nguyên như đã điều tra đến năm"
            " 2024.")


def refuse_if_any_frozen(communes: Iterable[AdministrativeUnit], year: int) -> None:
    """``refuse_if_frozen`` for several communes at once, naming every frozen one."""
    reasons = [r for c in communes if (r := frozen(c, year)) is not None]
    if reasons:
        raise Frozen(" ".join(reasons))
