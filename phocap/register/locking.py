"""The one optimistic lock, shared by every app that keeps a version on its rows.

A form carries the version it was opened with; a save that finds another
version stored refuses with StaleEdit instead of overwriting someone else's
change. Every model with a version inherits VersionedModel, and every update of
such a row checks and takes the version in one conditional UPDATE
(``update_if_unchanged``): two officers saving at once cannot both pass, on
SQLite or PostgreSQL, without any lock held between the form and the save.
One exception, so a view, the API and a test catch the same thing everywhere.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F

STALE = ("Dữ liệu này vừa được người khác sửa sau khi bạn mở biểu mẫu; hãy tải lại trang"
         " để xem thay đổi mới rồi sửa lại.")


class StaleEdit(Exception):
    """The record changed since the form was opened: nothing was saved."""


class VersionedModel(models.Model):
    """A row whose every change raises its version (1 when created)."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    @classmethod
    def update_if_unchanged(cls, pk: int, version: int | None, message: str = STALE, /,
                            **changes: object) -> None:
        """Apply ``changes`` to the row and raise its version, if its version is still
        ``version``; otherwise change nothing and raise StaleEdit(``message``)."""
        updated = cls._default_manager.filter(pk=pk, version=version).update(  # type: ignore[misc]  # None matches no row: StaleEdit
            version=F("version") + 1, **changes)
        if not updated:
            raise StaleEdit(message)
