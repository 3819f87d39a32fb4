"""Editing a person: scoped, audited, and refused when the form is stale.

Each edit names the version the user saw; the update only happens if the row
still has it (a conditional UPDATE, so it holds on SQLite and PostgreSQL alike),
otherwise the user is told someone else changed the person first. Nothing is
silently overwritten.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from phocap.register import audit
from phocap.register.models import Person
from phocap.register.scope import editable

EDITABLE_PERSON_FIELDS = ("national_id", "full_name", "birth_date", "birth_year", "sex",
                          "ethnicity", "relationship")


class StaleEdit(Exception):
    """The person changed since the form was opened."""


def update_person(user: Any, person_id: int, version: int, changes: dict[str, Any]) -> Person:
    """Apply ``changes`` to a person the user may edit, if nobody changed it since ``version``.

    A person outside the user's scope does not exist for them (Person.DoesNotExist).
    """
    unknown = set(changes) - set(EDITABLE_PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        person = Person.objects.for_user(user).select_related("household__commune").get(
            pk=person_id
        )
        if not editable(user, person.household.commune):
            raise PermissionDenied("Chỉ cán bộ xã được sửa dữ liệu của xã mình.")
        before = audit.snapshot(person)
        updated = Person.objects.filter(pk=person_id, version=version).update(
            version=F("version") + 1, **changes
        )
        if not updated:
            raise StaleEdit(
                "Người này vừa được người khác sửa sau khi bạn mở biểu mẫu; hãy tải lại trang"
                " để xem thay đổi mới rồi sửa lại."
            )
        person.refresh_from_db()
        audit.record(user, "update", person, before)
    return person
