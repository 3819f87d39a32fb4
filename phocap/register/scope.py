"""Who may see and change which units' people: the one place every query passes through.

Every register model has a ScopedManager; pages and API read through
``Model.objects.for_user(user)`` and write through ``editable``. A user sees
the communes of the unit their role covers (a commune, or every commune below a
district or province) and nothing else; a ministry viewer sees aggregates only,
never a person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from phocap.accounts.models import User
    from phocap.register.models import AdministrativeUnit


def visible_communes(user: Any) -> models.QuerySet[AdministrativeUnit]:
    """The communes whose person-level data the user may read."""
    from phocap.accounts.models import Role
    from phocap.register.models import AdministrativeUnit

    communes = AdministrativeUnit.objects.filter(type=AdministrativeUnit.Type.COMMUNE)
    if not getattr(user, "is_authenticated", False) or user.unit_id is None:
        return communes.none()
    if user.role == Role.MINISTRY_VIEWER:
        return communes.none()
    unit = user.unit
    if unit.type == AdministrativeUnit.Type.COMMUNE:
        return communes.filter(pk=unit.pk)
    return communes.filter(models.Q(parent=unit) | models.Q(parent__parent=unit))


def covers(user: Any, unit: AdministrativeUnit) -> bool:
    """Whether the user may open the unit's pages: their own unit or one below it.

    A ministry viewer covers every unit, for aggregates only (see ``sees_people``);
    nobody covers a unit above or beside their own.
    """
    from phocap.accounts.models import Role

    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.MINISTRY_VIEWER:
        return True
    if user.unit_id is None:
        return False
    return any(u.pk == user.unit_id for u in (unit, *unit.ancestors()))


def sees_people(user: Any) -> bool:
    """Every role but the ministry viewer reads person-level data of the units it covers."""
    from phocap.accounts.models import Role

    return getattr(user, "is_authenticated", False) and user.role != Role.MINISTRY_VIEWER


def editable(user: User, commune: AdministrativeUnit) -> bool:
    """Only commune staff change people, and only in their own commune."""
    from phocap.accounts.models import Role

    return (
        getattr(user, "is_authenticated", False)
        and user.role == Role.COMMUNE_STAFF
        and user.unit_id == commune.pk
    )


class ScopedManager(models.Manager[Any]):
    """A manager whose ``for_user`` keeps only rows of the user's communes.

    ``path`` is the lookup from the model to its commune (e.g. "household__commune").
    """

    def __init__(self, path: str = "") -> None:
        # Django builds related managers (household.members) from this class
        # without arguments; those are reached through an already-scoped row.
        super().__init__()
        self.path = path

    def deconstruct(self) -> tuple[bool, str | None, str | None, tuple[Any, ...], dict[str, Any]]:
        as_manager, name, _, _, kwargs = super().deconstruct()
        return as_manager, name, "phocap.register.scope.ScopedManager", (self.path,), kwargs

    def for_user(self, user: Any) -> models.QuerySet[Any]:
        if not self.path:
            raise TypeError("for_user needs the model's ScopedManager, not a related manager")
        return self.get_queryset().filter(**{f"{self.path}__in": visible_communes(user)})
