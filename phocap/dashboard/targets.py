"""Setting a unit's plan targets with a record of the change, and which target applies
to a unit that set none. Who may set them is permissions.may_set_targets, for the
reasons below.

The plan of universal education (kế hoạch phổ cập) is adopted by a district or a
province and drafted by its education office; the district and province
reviewers are that office's staff, and the province administrator works for the
province too. They set the targets of their own unit only: a commune receives
its targets from the plan above it, and a district's plan is the district's, not
the province's to write. The ministry viewer reads aggregates and sets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from phocap.accounts.models import User
from phocap.accounts.permissions import may_set_targets
from phocap.dashboard.models import MOBILISATION, PlanTarget, PlanTargetChange
from phocap.register.models import AdministrativeUnit


def set_targets(user: User, unit: AdministrativeUnit, year: int,
                rates: dict[str, Decimal | None]) -> list[PlanTargetChange]:
    """Store the year's targets of the unit (None removes one); log each change.

    Unchanged targets are left alone and not logged. Raises PermissionDenied for a
    user who may not set this unit's targets.
    """
    if not may_set_targets(user, unit):
        raise PermissionDenied
    known = {i.key for i in MOBILISATION}
    changes = []
    with transaction.atomic():
        # Two planners saving the same unit's plan at once take turns (PostgreSQL row
        # lock; SQLite's write transactions are serial already), so neither creates a
        # target the other is creating too.
        AdministrativeUnit.objects.select_for_update().get(pk=unit.pk)
        current = {t.indicator: t for t in PlanTarget.objects.select_for_update()
                   .filter(unit=unit, survey_year=year)}
        for indicator, rate in rates.items():
            if indicator not in known:
                raise KeyError(indicator)
            found = current.get(indicator)
            before = found.rate if found else None
            if before == rate:
                continue
            if rate is None:
                assert found is not None
                found.delete()
            elif found is None:
                PlanTarget.objects.create(unit=unit, survey_year=year, indicator=indicator,
                                          rate=rate, set_by=user)
            else:
                found.rate, found.set_by = rate, user
                found.full_clean()
                found.save()
            changes.append(PlanTargetChange.objects.create(
                unit=unit, survey_year=year, indicator=indicator, before=before, after=rate,
                user=user))
    return changes


@dataclass(frozen=True)
class Resolved:
    """The target that applies to a unit, and the unit that set it (itself or one above)."""

    rate: Decimal
    set_by_unit: AdministrativeUnit

    def inherited_by(self, unit: AdministrativeUnit) -> bool:
        return self.set_by_unit.pk != unit.pk


def resolve(units: list[AdministrativeUnit], year: int) -> dict[tuple[int, str], Resolved]:
    """For each unit and indicator, its own target for the year, else the nearest above.

    One query for every target of the units and their ancestors; (unit pk,
    indicator) pairs with no target anywhere up the chain are absent.
    """
    chains = {u.pk: [u, *u.ancestors()] for u in units}
    pks = {a.pk for chain in chains.values() for a in chain}
    set_at = {(t.unit_id, t.indicator): t.rate
              for t in PlanTarget.objects.filter(unit__in=pks, survey_year=year)}
    found = {}
    for unit in units:
        for indicator in MOBILISATION:
            for above in chains[unit.pk]:
                rate = set_at.get((above.pk, indicator.key))
                if rate is not None:
                    found[(unit.pk, indicator.key)] = Resolved(rate, above)
                    break
    return found
