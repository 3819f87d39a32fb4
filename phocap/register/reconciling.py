"""The ministry's figures of a unit's forms, kept and compared with phocap's (reports/reconcile.py).

An officer types them, or uploads the forms' workbook filled with them; each save is
audited like any change, and refused while the year is frozen (recognition/freeze.py):
a dossier under review or recognised was signed against the figures it was compared with.
The comparison reads the register's survey records for the people who explain a
difference, so it is built on demand, never cached (it holds names).
"""

from __future__ import annotations

from django.db import transaction

from phocap.accounts.models import User
from phocap.register import audit, freezing
from phocap.register.models import AdministrativeUnit, MinistryFigures, Person
from phocap.register.reporting import sources
from phocap.register.results import subtree
from phocap.register.scope import visible_communes
from phocap.reports.reconcile import Person as Counted
from phocap.reports.reconcile import Reconciliation, Theirs, reconcile, traced_forms


def stored(unit: AdministrativeUnit, year: int, code: str) -> MinistryFigures | None:
    return MinistryFigures.objects.filter(unit=unit, survey_year=year, form_code=code).first()


def save(user: User, unit: AdministrativeUnit, year: int, code: str, cells: Theirs,
         source: str = "") -> MinistryFigures:
    """Keep the ministry's figures of one form (replacing those entered before), audited."""
    with transaction.atomic():
        freezing.refuse_if_any_frozen(
            [u for u in subtree(unit) if u.type == AdministrativeUnit.Type.COMMUNE], year)
        found = (MinistryFigures.objects.select_for_update()
                 .filter(unit=unit, survey_year=year, form_code=code).first())
        before = audit.snapshot(found) if found is not None else None
        if found is None:
            found = MinistryFigures(unit=unit, survey_year=year, form_code=code)
        found.cells, found.source, found.entered_by = cells, source, user
        found.save()
        audit.record(user, "create" if before is None else "update", found, before)
    return found


def reconciliation(unit: AdministrativeUnit, year: int, code: str) -> Reconciliation | None:
    """phocap's form ``code`` of the unit beside the ministry's figures kept for it (none
    entered: every cell compared with nothing); None for an unknown form."""
    table, evaluation, counted = sources(unit, year)
    form = next((f for f in traced_forms(evaluation, counted, unit.code) if f.code == code),
                None)
    if form is None:
        return None
    kept = stored(unit, year, code)
    return reconcile(table, form, kept.cells if kept is not None else {})


def person_links(user: User, people: list[Counted]) -> dict[tuple[str, str, str, int], int]:
    """Each counted person's page, for those the user may open (register/scope.py)."""
    communes = {p.commune_code for p in people}
    found = (Person.objects.for_user(user)
             .filter(household__commune__in=visible_communes(user).filter(code__in=communes))
             .values_list("pk", "household__commune__code", "household__village__name",
                          "household__household_no", "person_no"))
    return {(commune, village, household, int(number)): pk
            for pk, commune, village, household, number in found}
