"""Submitting a dossier, returning it, deciding on it: who may, and what is kept.

Who recognises whom (docs/rules.md §4):

- before 1 July 2025 (units of the vintage with districts, ND20 Art 31): the
  district recognises its communes, the province its districts, the Ministry
  the provinces;
- from 1 July 2025 (no districts): the province recognises its communes
  (ND142 moved the district's tasks up; which provincial body signs was not
  found [interpretation]); the Chairman of the provincial People's Committee
  recognises the province at levels 1–2 and literacy level 1, the Minister at
  level 3 and literacy level 2 (ND143, amending ND20 Art 25). A one-level
  standard (preschool) counts as level 1 [interpretation]. How the dossier
  names each is printing.authority_of's.

Who submits: a unit's own staff. For a commune that is its commune staff. A
district or province has no staff role of its own in phocap; its education
office, which compiles the dossier (TT07 Art 9), works under the district
reviewer's (or the province reviewer's or administrator's) account, so those
roles submit their own unit's dossier. They never review it: the reviewing level
is always the one above, except a province's own claim up to level 2 from 2025,
which the law gives to the province itself.

The rules above are applied by accounts/permissions.py (``may_submit``,
``may_review``), the one home of every permission; this module asks them.

Every step is one transaction with a DossierEvent carrying the engine's result
at that moment; a decision keeps the result it was based on (the dossier's
snapshot), and the granted level may exceed the computed one only with a
comment saying why (the engine does not assess staffing and facilities,
TT07 Arts 3–6, while an inspection may correct the survey).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from phocap.accounts import permissions
from phocap.accounts.models import User
from phocap.kit import empty
from phocap.recognition import freeze
from phocap.recognition.models import Dossier, DossierEvent
from phocap.register.models import AdministrativeUnit
from phocap.register.results import cached_results, subtree
from phocap.rules import STANDARD_NAMES_VI, ruleset_title
from phocap.survey.text import text_problem

TWO_LEVEL_VINTAGE = "2025-07-01"
# From 2025 the province recognises itself up to these levels; above, the Ministry.
PROVINCE_SELF_LIMIT = {"literacy": 1}
PROVINCE_SELF_LIMIT_DEFAULT = 2


class Refused(Exception):
    """A step the workflow does not allow now (wrong state, level, missing field)."""


def _refuse_bad_text(**values: str) -> None:
    """The text an officer typed passes the one text check of forms, files and the API."""
    for name, value in values.items():
        field = DossierEvent._meta.get_field(name)
        if problem := text_problem(str(field.verbose_name), value, field.max_length):  # type: ignore[union-attr]  # a concrete field
            raise Refused(problem)


@dataclass(frozen=True)
class Reviewer:
    """The level that reviews a dossier: its type and unit (None for the Ministry)."""

    type: str
    unit: AdministrativeUnit | None

    @property
    def name(self) -> str:
        return self.unit.name if self.unit is not None else "Bộ Giáo dục và Đào tạo"


def reviewer_of(unit: AdministrativeUnit, standard: str, level: int) -> Reviewer:
    """The recognising level for ``unit`` claiming ``level`` of ``standard`` (docs/rules.md §4)."""
    if unit.type == AdministrativeUnit.Type.PROVINCE:
        limit = PROVINCE_SELF_LIMIT.get(standard, PROVINCE_SELF_LIMIT_DEFAULT)
        if unit.vintage == TWO_LEVEL_VINTAGE and level <= limit:
            return Reviewer("province", unit)
        return Reviewer("ministry", None)
    parent = unit.parent
    assert parent is not None, f"{unit} has no parent"
    return Reviewer(parent.type, parent)


def reviewing(dossier: Dossier) -> Reviewer:
    """The level that reviews the dossier, for the level it claims."""
    return reviewer_of(dossier.unit, dossier.standard, dossier.level_claimed)


class Snapshot(TypedDict):
    """What a dossier keeps of the engine's result (Dossier.snapshot, DossierEvent.snapshot)."""

    ruleset: str
    year: int
    level: int
    result: dict[str, object]  # the engine's JSON (StandardResult.to_json, engine/result.py)


def snapshot_of(unit: AdministrativeUnit, standard: str, year: int) -> Snapshot:
    """The engine's result for the unit's standard now, with the ruleset that computed it."""
    evaluation = cached_results(unit, year)
    own = next((u for u in evaluation.units if u.code == unit.code), None)
    if own is None or not own.has_data:
        raise Refused(f"{empty.no_data(year)} {unit.name} chưa có gì để đề nghị công nhận"
                      " cho năm này.")
    if own.partial and own.coverage is not None:
        raise Refused(f"Năm {year} mới có {empty.coverage(*own.coverage, _judged_type(unit))}:"
                      " hồ sơ công nhận xét mọi đơn vị trực thuộc, hãy nhập đủ dữ liệu trước.")
    result = own.standards.get(standard)
    if result is None:
        raise Refused(f"{ruleset_title(evaluation.ruleset)}, áp dụng năm {year}, không có"
                      f" tiêu chuẩn “{STANDARD_NAMES_VI.get(standard, standard)}” cho {unit.name}.")
    # Stored with the dossier as the engine's JSON: it must read the same in years to come.
    return {"ruleset": evaluation.ruleset, "year": year, "level": result.level,
            "result": result.to_json()}


def _judged_type(unit: AdministrativeUnit) -> str:
    """The type of the units a roll-up of ``unit`` judges (its children's)."""
    child = AdministrativeUnit.objects.filter(parent=unit).first()
    return child.type if child else AdministrativeUnit.Type.COMMUNE


def _check_level(level: int, computed: int, comment: str, what: str) -> None:
    if level < 1:
        raise Refused(f"Mức {what} phải từ 1 trở lên.")
    if level > computed and not comment.strip():
        raise Refused(f"Mức {what} ({level}) cao hơn mức tính được từ sổ ({computed}):"
                      " hãy ghi ý kiến giải thích vì sao.")


def submit(user: User, unit: AdministrativeUnit, standard: str, year: int,
           level: int | None = None, comment: str = "") -> Dossier:
    """The unit's staff submit (or, after a return or a refusal, resubmit) a dossier.

    ``level`` defaults to the engine's; the snapshot is taken now, so a
    resubmission after fixes carries the fixed result.
    """
    if not permissions.may_submit(user, unit):
        raise PermissionDenied(f"Chỉ cán bộ của {unit.name} được nộp hồ sơ của đơn vị mình.")
    _refuse_bad_text(comment=comment)
    with transaction.atomic():
        dossier = (Dossier.objects.select_for_update()
                   .filter(unit=unit, standard=standard, survey_year=year).first())
        if dossier is not None and dossier.status == Dossier.Status.SUBMITTED:
            raise Refused("Hồ sơ này đã nộp và đang chờ cấp trên xét.")
        if dossier is not None and dossier.status == Dossier.Status.RECOGNISED:
            raise Refused(f"{unit.name} đã được công nhận cho tiêu chuẩn này năm {year}.")
        # Edits in flight finish first and later ones wait for the freeze (freeze.py),
        # so the snapshot is exactly the data that stay frozen.
        communes = _communes(unit)
        freeze.hold_for_submission(communes)
        # Pinned before the result is read: an identity edit committing meanwhile
        # changes the person, neither the pin nor the result read from it.
        freeze.pin(communes, year)
        snapshot = snapshot_of(unit, standard, year)
        claimed = snapshot["level"] if level is None else level
        _check_level(claimed, snapshot["level"], comment, "đề nghị")
        if dossier is None:
            dossier = Dossier(unit=unit, standard=standard, survey_year=year)
            action = DossierEvent.Action.SUBMIT
        else:
            action = DossierEvent.Action.RESUBMIT
        dossier.status = Dossier.Status.SUBMITTED
        dossier.level_claimed = claimed
        dossier.level_granted = None
        dossier.snapshot = snapshot
        try:
            with transaction.atomic():
                dossier.save()
        except IntegrityError:  # submitted at the same moment by a colleague
            raise Refused("Hồ sơ này vừa được nộp; hãy tải lại trang.") from None
        DossierEvent.objects.create(dossier=dossier, user=user, action=action,
                                    comment=comment.strip(), snapshot=snapshot)
    return dossier


def _communes(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The communes whose data a dossier of ``unit`` covers (and freezes)."""
    return [u for u in subtree(unit) if u.type == AdministrativeUnit.Type.COMMUNE]


def resubmit(user: User, dossier: Dossier, comment: str = "") -> Dossier:
    """After a return: the same dossier, with the result of the fixed register."""
    dossier = Dossier.objects.select_related("unit").get(pk=dossier.pk)
    if dossier.status not in (Dossier.Status.RETURNED, Dossier.Status.REFUSED):
        raise Refused("Chỉ nộp lại được hồ sơ đã bị trả lại hoặc không được công nhận.")
    return submit(user, dossier.unit, dossier.standard, dossier.survey_year,
                  dossier.level_claimed, comment)


def _awaiting(user: User, dossier: Dossier) -> Dossier:
    if not permissions.may_review(user, reviewing(dossier)):
        raise PermissionDenied(
            f"Chỉ {reviewer_of(dossier.unit, dossier.standard, dossier.level_claimed).name}"
            " được xét hồ sơ này.")
    locked = Dossier.objects.select_for_update().select_related("unit").get(pk=dossier.pk)
    if locked.status != Dossier.Status.SUBMITTED:
        raise Refused(f"Hồ sơ đang ở trạng thái “{locked.get_status_display()}”, không chờ xét.")
    return locked


def return_(user: User, dossier: Dossier, comment: str) -> Dossier:
    """The reviewer sends the dossier back with what to fix; the year unfreezes."""
    if not comment.strip():
        raise Refused("Hãy ghi ý kiến: đơn vị cần biết phải sửa gì.")
    _refuse_bad_text(comment=comment)
    with transaction.atomic():
        locked = _awaiting(user, dossier)
        locked.status = Dossier.Status.RETURNED
        locked.save()
        DossierEvent.objects.create(
            dossier=locked, user=user, action=DossierEvent.Action.RETURN,
            comment=comment.strip(),
            snapshot=snapshot_of(locked.unit, locked.standard, locked.survey_year))
        freeze.release(_communes(locked.unit), locked.survey_year)
    return locked


def decide(user: User, dossier: Dossier, number: str, date: dt.date, signer: str, level: int,
           comment: str = "") -> Dossier:
    """Record the decision: ``level`` 0 refuses recognition, 1 or more recognises.

    The level may not exceed the one claimed, nor the submitted result's
    without a comment; the dossier keeps the snapshot it was submitted with.
    """
    if not number.strip() or not signer.strip():
        raise Refused("Hãy ghi số quyết định và người ký.")
    _refuse_bad_text(decision_number=number.strip(), signer=signer.strip(), comment=comment)
    with transaction.atomic():
        locked = _awaiting(user, dossier)
        if level > locked.level_claimed:
            raise Refused(f"Không công nhận được mức {level}: đơn vị chỉ đề nghị mức"
                          f" {locked.level_claimed}.")
        if level > 0:
            _check_level(level, int(locked.snapshot["level"]), comment, "công nhận")
        locked.status = Dossier.Status.RECOGNISED if level > 0 else Dossier.Status.REFUSED
        locked.level_granted = level
        locked.save()
        DossierEvent.objects.create(
            dossier=locked, user=user, action=DossierEvent.Action.DECIDE,
            comment=comment.strip(), decision_number=number.strip(), decision_date=date,
            signer=signer.strip(), level_granted=level, snapshot=locked.snapshot)
        if locked.status == Dossier.Status.REFUSED:
            freeze.release(_communes(locked.unit), locked.survey_year)
    return locked
