"""The audit trail: who created, changed, deleted or exported which household or person.

Entries keep the values before and after, as JSON, so a page can show exactly
what changed; they are written in the same transaction as the change itself.
Writing an entry about a commune's data also raises the commune's revision
once the change commits (register/revisions.py), which is what invalidates its
cached results. This module is the only writer of AuditEntry rows
(tests/test_architecture.py): a write path cannot record a change and forget
the revision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from phocap import numbers
from phocap.accounts.models import User
from phocap.register import bulk, revisions
from phocap.register.models import AdministrativeUnit, AuditEntry
from phocap.register.records import FIELD_LABELS, field_label
from phocap.survey import classes


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's own field values, JSON-safe (a Decimal, e.g. a distance, as its text)."""
    values: dict[str, object] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        values[field.attname] = (value.isoformat() if isinstance(value, dt.date)
                                 else str(value) if isinstance(value, Decimal) else value)
    return values


def snapshot_values(model: type[models.Model], values: dict[str, object]) -> dict[str, object]:
    """What ``snapshot`` gives for a row known only as a dict of its field values.

    Bulk imports never build model instances; their audit entries must still
    look exactly like those of a single edit (same keys, same order, same JSON).
    """
    names, dates = _snapshot_fields(model)
    found = {name: values[name] for name in names}
    for name in dates:
        value = found[name]
        if isinstance(value, dt.date):
            found[name] = value.isoformat()
    return found


@cache
def _snapshot_fields(model: type[models.Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The model's attnames in ``snapshot`` order, and those of its date and time fields (the
    only values a snapshot rewrites): asked once per model, not once per row of an import,
    where looking at every field of every row was seconds of a district's load."""
    fields = model._meta.concrete_fields
    return (tuple(f.attname for f in fields),
            tuple(f.attname for f in fields if isinstance(f, models.DateField)))


def commune_of(instance: models.Model) -> object:
    """The commune whose data the instance is: every scoped model (a ScopedManager names
    the path to its commune, e.g. "klass__school__commune") is audited under it."""
    path = getattr(type(instance)._default_manager, "path", "")
    if not path:
        return None
    found: object = instance
    for step in path.split("__"):
        found = getattr(found, step)
        if found is None:
            return None
    return found


def record(user: User | None, action: str, instance: models.Model,
           before: dict[str, object] | None,
           commune: AdministrativeUnit | None = None) -> AuditEntry:
    """The one way a change to a commune's data is written down: the entry, and the
    commune's revision raised once the change commits (register/revisions.py).

    The commune is the instance's own (``commune_of``); ``commune`` names it for a
    model that no ScopedManager ties to one (a commune's UnitYear).
    """
    entry = AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        model=instance._meta.model_name,  # type: ignore[misc]  # a concrete model has a name
        object_id=instance.pk,
        commune=commune_of(instance) if commune is None else commune,
        before=before,
        after=None if action == "delete" else snapshot(instance),
    )
    revisions.bump([entry.commune_id])
    return entry


def record_account(actor: User | None, action: str, user: User, before: dict[str, object] | None,
                   after: dict[str, object]) -> None:
    """An entry about an account (created, changed, its second factor turned on or off).

    ``before`` and ``after`` are what the caller chose to keep (never the password
    hash, see register/views/admin.py). An account belongs to no commune's data,
    so no revision is raised. ``actor`` None: the operator, from a command.
    """
    AuditEntry.objects.create(
        user=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, model="user", object_id=user.pk, before=before, after=after)


@dataclass(frozen=True)
class Entry:
    """One audit entry to be written in bulk (see ``record`` for the meaning)."""

    action: str
    model: str
    object_id: int
    commune_id: int | None
    before: dict[str, object] | None
    after: dict[str, object] | None


ENTRY_COLUMNS = ("at", "user_id", "action", "model", "object_id", "commune_id", "before", "after")


def record_many(user: User | None, entries: Sequence[Entry]) -> list[int]:
    """Write many entries at once, in the caller's transaction, all with the same time;
    returns their ids.

    The rows are the ones ``record`` writes, entry for entry; only the way they
    reach the database differs (COPY or executemany instead of one INSERT each).
    """
    if not entries:
        return []
    at = timezone.now()
    user_id = user.pk if getattr(user, "is_authenticated", False) else None  # type: ignore[union-attr]  # authenticated, so a User
    ids = bulk.allocate_ids(AuditEntry, len(entries))
    revisions.bump(e.commune_id for e in entries)
    bulk.insert_rows(
        AuditEntry, ("id", *ENTRY_COLUMNS),
        [(pk, at, user_id, e.action, e.model, e.object_id, e.commune_id, e.before, e.after)
         for pk, e in zip(ids, entries, strict=True)],
    )
    return ids


def exported(user: User, commune: AdministrativeUnit, details: dict[str, object]) -> AuditEntry:
    """A bulk read of a commune's personal data: who took what, when.

    The one record of every such read: downloads (export.xlsx, name lists, the
    dossier PDF, reports), API lists (GET /api/v1/households), import previews and
    name lists shown on a page. ``details`` says which (file, api, preview, rows).
    """
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=AuditEntry.Action.EXPORT, model="survey_record", object_id=None,
        commune=commune, before=None, after=details,
    )


def changes(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """The fields an entry changed, named as the survey form names them (else as the
    model's field names itself), with the values before and after as every page writes
    them: a date "31/05/2023" (the snapshot keeps ISO text), "có"/"không", a choice by its
    label, a class code in words. The identity a frozen year pinned (recognition/freeze.py)
    is the freeze's bookkeeping, and a reference to another row (``…_id``) an internal
    number, not an officer's change."""
    before, after = entry.before or {}, entry.after or {}
    fields = _fields(entry.model)
    return [(_label(k, fields), _shown(before.get(k), fields.get(k)),
             _shown(after.get(k), fields.get(k)))
            for k in sorted(set(before) | set(after))
            if k not in ("id", "version") and not k.startswith("pinned")
            and not k.endswith("_id") and before.get(k) != after.get(k)]


@cache
def _fields(model_name: str) -> dict[str, models.Field[object, object]]:
    """The concrete fields of the audited model named ``model_name`` (AuditEntry.model),
    by attribute name; empty for a name that is no model (an export)."""
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return {f.attname: f for f in model._meta.concrete_fields
                    if isinstance(f, models.Field)}
    return {}


def _label(name: str, fields: dict[str, models.Field[object, object]]) -> str:
    if name in FIELD_LABELS or name not in fields:
        return field_label(name)
    return str(fields[name].verbose_name)


ISO_DAY = 10  # len("2023-05-31")


def _shown(value: object, field: models.Field[object, object] | None) -> object:
    if value is None or value == "":
        return value
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            day = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        shown = numbers.date(day.date())
        return shown if len(value) == ISO_DAY else f"{shown} {day:%H:%M}"
    if field is not None and field.name == "current_class" and isinstance(value, str):
        return classes.reading(value)
    if field is not None and field.name == "class_level" and isinstance(value, str):
        return classes.LEVEL_WORDS.get(value, value)
    return value
