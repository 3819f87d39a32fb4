"""Data under review or certified do not move: the register's services ask here first.

While a dossier covering a commune's survey year is submitted or recognised, the
commune's records of that year are frozen: the reviewing level inspects exactly
what was submitted (TT07 Art 9), and a recognised year stays what was
certified. A dossier of the district covers its communes too (its result is
their roll-up, docs/rules.md §4). To change frozen data the reviewer returns the
dossier; a recognised year is not reopened.

Households and a person's identity are shared by every survey year, so they are
pinned instead: when a year freezes (``pin``, called by the workflow in the
submission's transaction) each of its PersonYear rows keeps a copy of the
identity the survey record view reads (name, birth, sex, ethnicity, national
ID, village, form number), and the view reads that copy while it is pinned.
An officer can therefore still correct a name or a birth date: the person and
every open year change, the frozen year's records, results, forms and name
lists do not. A year the reviewer returns (or refuses) is released again and
follows the person like any open year. The schools' staff, which are not kept
per year either, are pinned the same way for the recognition conditions
(schools/conditions.py). Everything else a frozen year's result is computed
from is kept per year and refused for that year: its records and moves, new
members, a file of the year, a merge moving its records, the roll-over into
it, the ĐBKK flag, and the schools' yearly facts, classes and monitoring officer.

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
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import OuterRef, Subquery

from phocap.recognition.models import Dossier
from phocap.register import import_runs, revisions
from phocap.register.models import AdministrativeUnit, Person, PersonYear

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


def refuse_if_held(commune: AdministrativeUnit) -> None:
    """For households and identities, which no year freezes (a frozen year pinned what it
    certified) but an import in progress holds whole, like every other write."""
    _hold_for_edit(commune)
    if reason := import_runs.in_progress(commune):
        raise Frozen(reason)


def refuse_if_any_frozen(communes: Iterable[AdministrativeUnit], year: int) -> None:
    """``refuse_if_frozen`` for several communes at once, naming every frozen one."""
    reasons = [r for c in communes if (r := frozen(c, year)) is not None]
    if reasons:
        raise Frozen(" ".join(reasons))


# Where each pinned column comes from, as a lookup from the person (survey_record view).
PINNED_FROM = {
    "pinned_national_id": "national_id",
    "pinned_full_name": "full_name",
    "pinned_birth_date": "birth_date",
    "pinned_birth_year": "birth_year",
    "pinned_sex": "sex",
    "pinned_ethnicity": "ethnicity",
    "pinned_village": "household__village__name",
    "pinned_household_no": "household__household_no",
}


def pinned_values(person_model: Any) -> dict[str, Any]:
    """The UPDATE that copies each row's identity into its pinned columns.

    ``person_model`` is Person, or its historical model in a data migration.
    """
    person = person_model.objects.filter(pk=OuterRef("person_id"))
    return {"pinned": True} | {column: Subquery(person.values(lookup)[:1])
                               for column, lookup in PINNED_FROM.items()}


def pin(communes: Iterable[AdministrativeUnit], year: int) -> None:
    """Keep the identity the communes' records of ``year`` have now: the year freezes.

    Rows pinned already (by another dossier freezing the same year) keep their pin.
    """
    from phocap.schools.conditions import pin_staff

    communes = list(communes)
    PersonYear.objects.filter(person__household__commune__in=communes, survey_year=year,
                              pinned=False).update(**pinned_values(Person))
    pin_staff(communes, year)


def release(communes: Iterable[AdministrativeUnit], year: int) -> None:
    """Let the communes of ``year`` that no dossier freezes any more follow the register again.

    Call it after the dossier's new status is saved; their cached results are
    recomputed (the person may have been corrected meanwhile).
    """
    from phocap.schools.conditions import release_staff

    freed = [c for c in communes if frozen(c, year) is None]
    if not freed:
        return
    PersonYear.objects.filter(person__household__commune__in=freed, survey_year=year,
                              pinned=True).update(
        pinned=False, **{column: PersonYear._meta.get_field(column).get_default()
                         for column in PINNED_FROM})
    release_staff(freed, year)
    revisions.bump(c.pk for c in freed)
