"""The audit trail: who created, changed, deleted or exported which household or person.

Entries keep the values before and after, as JSON, so a page can show exactly
what changed; they are written in the same transaction as the change itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from phocap.register.models import AuditEntry, Household, Person, PersonYear


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's own field values, JSON-safe."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        values[field.attname] = value.isoformat() if isinstance(value, dt.date) else value
    return values


def commune_of(instance: models.Model) -> Any:
    if isinstance(instance, Household):
        return instance.commune
    if isinstance(instance, Person):
        return instance.household.commune
    if isinstance(instance, PersonYear):
        return instance.person.household.commune
    return None


def record(user: Any, action: str, instance: models.Model,
           before: dict[str, Any] | None) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        model=instance._meta.model_name,
        object_id=instance.pk,
        commune=commune_of(instance),
        before=before,
        after=None if action == "delete" else snapshot(instance),
    )
