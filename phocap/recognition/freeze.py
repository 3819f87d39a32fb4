"""Data under review or certified do not move: which dossier freezes which year, and pins.

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
it, the ĐBKK flag, and the schools' yearly facts (their monitoring persons among them)
and classes.

The check itself, and the hold an import in progress keeps on its communes,
are the register's (register/freezing.py): every write path asks there, and
the register asks here through hooks.dossier_freeze (``dossier_reason``,
provided in apps.py). A submission takes its communes' rows FOR UPDATE
(``hold_for_submission``) before reading the result, so that it waits for the
edits in flight and holds new ones (register/freezing.py says how).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Subquery

from phocap.recognition.models import Dossier
from phocap.register import hooks, revisions
from phocap.register.freezing import frozen
from phocap.register.models import AdministrativeUnit, Person, PersonYear

FREEZING = (Dossier.Status.SUBMITTED, Dossier.Status.RECOGNISED)


def hold_for_submission(communes: Iterable[AdministrativeUnit]) -> None:
    """Wait for the edits in flight on these communes, and hold new ones until commit."""
    list(AdministrativeUnit.objects.select_for_update()
         .filter(pk__in=[c.pk for c in communes]).order_by("pk").values_list("pk", flat=True))


def dossier_reason(commune: AdministrativeUnit, year: int) -> str | None:
    """Why a dossier keeps the commune's data of ``year`` from changing, or None.

    A dossier of the commune or of a unit above it (whose result rolls the
    commune up) freezes the year while submitted or recognised.
    """
    units = [commune, *commune.ancestors()]
    dossier = (Dossier.objects.filter(unit__in=units, survey_year=year, status__in=FREEZING)
               .select_related("unit").order_by("pk").first())
    if dossier is None:
        return None
    if dossier.status == Dossier.Status.RECOGNISED:
        return (f"Dữ liệu năm {year} của {commune.name} đã được dùng để công nhận"
                f" {dossier.unit.name} đạt chuẩn ({dossier.standard_name}); không sửa được nữa.")
    return (f"Hồ sơ {dossier.standard_name} năm {year} của {dossier.unit.name} đang chờ cấp trên"
            f" xét: dữ liệu năm {year} của {commune.name} bị khóa cho đến khi hồ sơ được"
            " trả lại.")


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


def pinned_values(person_model: Any) -> dict[str, object]:
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
    communes = list(communes)
    PersonYear.objects.filter(person__household__commune__in=communes, survey_year=year,
                              pinned=False).update(**pinned_values(Person))
    hooks.pin_school_staff(communes, year)


def release(communes: Iterable[AdministrativeUnit], year: int) -> None:
    """Let the communes of ``year`` that no dossier freezes any more follow the register again.

    Call it after the dossier's new status is saved; their cached results are
    recomputed (the person may have been corrected meanwhile).
    """
    freed = [c for c in communes if frozen(c, year) is None]
    if not freed:
        return
    PersonYear.objects.filter(person__household__commune__in=freed, survey_year=year,
                              pinned=True).update(
        pinned=False, **{column: PersonYear._meta.get_field(column).get_default()  # type: ignore[union-attr]  # a concrete field
                         for column in PINNED_FROM})
    hooks.release_school_staff(freed, year)
    revisions.bump(c.pk for c in freed)
