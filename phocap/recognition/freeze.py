"""Data under review or certified do not move: the register's services ask here first.

While a dossier covering a commune's survey year is submitted or recognised, the
commune's records of that year are frozen: the reviewing level inspects exactly
what was submitted (TT07 Art 9), and a recognised year stays what was
certified. A dossier of the district covers its communes too (its result is
their roll-up, rules.md §4). To change frozen data the reviewer returns the
dossier; a recognised year is not reopened.

Households and a person's identity are shared by every survey year, so they
follow the commune's latest surveyed year (the one being worked on): an older
recognised year keeps its decision's snapshot either way.

A submission and an edit must not interleave: an edit that passed the check
just before a submission and committed just after it would land after the
stored result. On PostgreSQL every check made inside a transaction holds the
commune's row FOR KEY SHARE until the transaction ends, and a submission takes
its communes' rows FOR UPDATE (``hold_for_submission``) before reading the
result, so each waits for the other. FOR KEY SHARE conflicts with nothing but
FOR UPDATE: edits and imports do not queue behind each other because of it.
On SQLite every writing transaction begins IMMEDIATE (settings.py), which
already serialises them.

A commune held by an import in progress (SQLite, register/import_runs.py)
may not change either, for as long as the import runs: every write path
asks here, so the hold needs no check of its own in each of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Max

from phocap.recognition.models import Dossier
from phocap.register import import_runs
from phocap.register.models import AdministrativeUnit, PersonYear

FREEZING = (Dossier.Status.SUBMITTED, Dossier.Status.RECOGNISED)


class Frozen(PermissionDenied, ValueError):
    """An edit of a frozen year: refused (a 403 where nothing catches it, as in the API),
    and a ValueError so that the register's forms show the reason beside the form."""


def _hold_for_edit(commune: AdministrativeUnit) -> None:
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        table = AdministrativeUnit._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR KEY SHARE", [commune.pk])


def hold_for_submission(communes: Iterable[AdministrativeUnit]) -> None:
    """Wait for the edits in flight on these communes, and hold new ones until commit."""
    list(AdministrativeUnit.objects.select_for_update()
         .filter(pk__in=[c.pk for c in communes]).order_by("pk").values_list("pk", flat=True))


def frozen(commune: AdministrativeUnit, year: int) -> str | None:
    """Why the commune's data of ``year`` may not change now, or None when they may.

    Inside a transaction the answer holds until it commits (see the module's docstring).
    """
    _hold_for_edit(commune)
    if reason := import_runs.in_progress(commune):
        return reason
    units = [commune, *commune.ancestors()]
    dossier = (Dossier.objects.filter(unit__in=units, survey_year=year, status__in=FREEZING)
               .select_related("unit").order_by("pk").first())
    if dossier is None:
        return None
    if dossier.status == Dossier.Status.RECOGNISED:
        return (f"Dữ liệu năm {year} của {commune.name} đã được dùng để công nhận"
                f" {dossier.unit.name} đạt chuẩn ({dossier.standard}); không sửa được nữa.")
    return (f"Hồ sơ {dossier.standard} năm {year} của {dossier.unit.name} đang chờ cấp trên"
            f" xét: dữ liệu năm {year} của {commune.name} bị khóa cho đến khi hồ sơ được"
            " trả lại.")


def refuse_if_frozen(commune: AdministrativeUnit, year: int) -> None:
    """``frozen`` as a refusal, for the register's services (raises Frozen with the reason)."""
    reason = frozen(commune, year)
    if reason is not None:
        raise Frozen(reason)


def latest_year(commune: AdministrativeUnit) -> int | None:
    latest = PersonYear.objects.filter(person__household__commune=commune).aggregate(
        latest=Max("survey_year"))["latest"]
    return int(latest) if latest is not None else None


def refuse_if_shared_frozen(commune: AdministrativeUnit) -> None:
    """For households and identities, which every year shares: the latest year decides."""
    year = latest_year(commune)
    if year is not None:
        refuse_if_frozen(commune, year)
    elif reason := import_runs.in_progress(commune):
        raise Frozen(reason)
