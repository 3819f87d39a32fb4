"""Which rows of which units a user reads: the one place every query passes through.

Every register model has a ScopedManager; pages and API read through
``Model.objects.for_user(user)``. Whether a user may *do* something (open a unit's
pages, change a commune, keep a school) is a predicate of accounts/permissions.py, the
permissions' one home; this module holds the queryset scoping only. A user sees the
communes of the unit their role covers (a commune, or every commune below a district or
province) and nothing else; a ministry viewer sees aggregates only, never a person. A
school's staff member (Role.SCHOOL_STAFF) is attached to a commune but reads only their
own school: its pupils (the people on its class lists), their households, and the
school's own records; ``for_user`` narrows every scoped model to that (what of each
model they read is the schools' answer, asked through hooks.school_rows), so no page or
API call can forget it, and pages about a whole commune refuse them
(permissions.reads_whole_units). A surveyor (Role.SURVEYOR) is narrowed the same way to
the households its commune assigned to it in an open survey round (hooks.surveyor_rows,
answered by the rounds app).

Across the line of 1 July 2025, a new unit's staff also read its predecessors' history
(permissions.history_units, from register/lineage.py): a new commune's the old communes
that went into it, a new province's every commune of the old provinces that went into
it. Those rows are history by construction (an old commune holds the survey years up to
2024 only, lineage.py); reading them changes nothing of who may change them
(permissions.may_edit compares the user's own commune).

Uploads ask the same module before anything of the file is validated or
previewed (``refuse_foreign_upload``): a file naming a commune the uploader may
not edit (permissions.may_edit) is refused outright, naming the communes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from phocap.accounts.models import User
from phocap.accounts.permissions import history_units, is_school_staff, is_surveyor, may_edit
from phocap.register import hooks
from phocap.survey.limits import DEFAULT, Limits
from phocap.survey.official.reading import Context

if TYPE_CHECKING:
    from phocap.register.models import AdministrativeUnit


def visible_communes(user: User) -> models.QuerySet[AdministrativeUnit]:
    """The communes whose person-level data the user may read."""
    from phocap.accounts.models import Role
    from phocap.register.models import AdministrativeUnit

    communes = AdministrativeUnit.objects.filter(type=AdministrativeUnit.Type.COMMUNE)
    if not getattr(user, "is_authenticated", False) or user.unit_id is None:
        return communes.none()
    if user.role == Role.MINISTRY_VIEWER:
        return communes.none()
    unit = user.unit
    assert unit is not None  # unit_id is set
    history = history_units(user)
    if unit.type == AdministrativeUnit.Type.COMMUNE:
        return communes.filter(models.Q(pk=unit.pk) | models.Q(pk__in=history))
    return communes.filter(models.Q(parent=unit) | models.Q(parent__parent=unit)
                           | models.Q(parent__in=history) | models.Q(parent__parent__in=history))


M = TypeVar("M", bound=models.Model)


class ScopedManager(models.Manager[M]):
    """A manager whose ``for_user`` keeps only rows of the user's communes.

    ``path`` is the lookup from the model to its commune (e.g. "household__commune").
    """

    def __init__(self, path: str = "") -> None:
        # Django builds related managers (household.members) from this class
        # without arguments; those are reached through an already-scoped row.
        super().__init__()
        self.path = path

    def deconstruct(
        self,
    ) -> tuple[bool, str | None, str | None, tuple[str], dict[str, object] | None]:
        as_manager, name, _, _, kwargs = super().deconstruct()
        return as_manager, name, "phocap.register.scope.ScopedManager", (self.path,), kwargs

    def for_user(self, user: User) -> models.QuerySet[M]:
        if not self.path:
            raise TypeError("for_user needs the model's ScopedManager, not a related manager")
        rows = self.get_queryset().filter(**{f"{self.path}__in": visible_communes(user)})
        if is_school_staff(user):
            rows = rows.filter(hooks.school_rows(self.model, self.path, user))
        elif is_surveyor(user):
            rows = rows.filter(hooks.surveyor_rows(self.model, self.path, user))
        return rows


class OutOfScope(PermissionDenied):
    """An upload naming communes the uploader may not change; the message names them."""


def refuse_foreign_upload(user: User, path: Path | Sequence[Path], year: int | None = None,
                          limits: Limits = DEFAULT, context: Context | None = None) -> None:
    """Refuse survey files unless every commune they name is one the user may edit.

    Asked by every import entry point before the file is validated or previewed:
    validation and the preview compare the file with the register, so running them
    on another commune's rows would show that commune's people. Only the commune-code
    column is read (survey.readers.commune_codes). ``year`` picks the units' vintage
    when known; the upload's ``limits`` bound this first read. Several paths are
    one import (a commune's village files); a ministry's workbook names the
    ``context``'s commune, as validation will read it. Raises OutOfScope naming
    each foreign commune by code and, when the units know it, name.
    """
    from phocap.register.models import AdministrativeUnit
    from phocap.survey.problems import SurveyFileError
    from phocap.survey.readers import commune_codes

    codes: set[str] = set()
    for one in [path] if isinstance(path, Path) else path:
        fresh = None if context is None else dataclasses.replace(
            context, year=context.year or year)
        try:
            codes |= commune_codes(one, limits, fresh)
        except SurveyFileError:
            continue  # unreadable or over a limit: validation says why and shows no one
    units = AdministrativeUnit.objects.filter(type=AdministrativeUnit.Type.COMMUNE,
                                              code__in=codes)
    if year is not None:
        from phocap.units import vintage_for_year

        units = units.filter(vintage=vintage_for_year(year).value)
    found: dict[str, list[AdministrativeUnit]] = {}
    for unit in units:
        found.setdefault(unit.code, []).append(unit)
    foreign = sorted(code for code in codes
                     if not any(may_edit(user, unit) for unit in found.get(code, [])))
    if not foreign:
        return
    named = ", ".join(f"{code} ({found[code][0].name})" if code in found
                      else _("%(code)s (không có trong danh mục đơn vị)") % {"code": code}
                      for code in foreign)
    raise OutOfScope(_(
        "Tệp có dòng của xã không thuộc quyền của bạn: %(communes)s. Chỉ cán bộ của xã được"
        " nhập dữ liệu của xã mình; chưa kiểm tra và chưa xem trước gì. Hãy bỏ các dòng đó"
        " (cột “Mã xã”) rồi tải tệp lên lại.") % {"communes": named})
