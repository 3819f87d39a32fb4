"""Carrying the accounts across the line of 1 July 2025 (`manage.py carryaccounts`).

From 1 July 2025 a survey is kept by the new commune and reviewed by the province
(Decrees 142/2025 and 143/2025); the accounts of the old units follow their units
by the official conversion table (register/lineage.py), once, when an office moves
to the new list:

- a commune's accounts (its officers and its schools' staff) move to the one new
  commune the old commune went into wholly; their old commune stays readable to
  them as history (permissions.history_units), no longer editable;
- a split commune's accounts stay where they are and are listed: which new commune
  an officer now serves is an administrator's decision, not the table's;
- a province's accounts move to the new province the old province went into;
- a district's accounts stay on their district and become history-only
  (User.history_only; ND142/2025 moves the district's tasks to the province and the
  commune, accounts/permissions.py says what that refuses).

Every change is one audit entry (register/audit.record_account); carrying twice
changes nothing the second time. ``carry_accounts`` is what the command and the
demo call.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext as _

from phocap.accounts.models import Role, User
from phocap.register import audit, lineage
from phocap.register.models import AdministrativeUnit


class Outcome(StrEnum):
    MOVED = "moved"
    HISTORY_ONLY = "history_only"
    SPLIT = "split"
    NO_SUCCESSOR = "no_successor"


def outcome_words(outcome: Outcome) -> str:
    """What happened to an account, as the command's table and the docs say it."""
    return {
        Outcome.MOVED: _("chuyển sang đơn vị mới"),
        Outcome.HISTORY_ONLY: _("chỉ xem lịch sử (không còn cấp huyện)"),
        Outcome.SPLIT: _("giữ nguyên: xã cũ chia cho nhiều xã mới, quản trị tỉnh chọn xã"),
        Outcome.NO_SUCCESSOR: _("giữ nguyên: chưa nạp đơn vị mới tương ứng"),
    }[outcome]


@dataclass(frozen=True)
class Carried:
    """One account and what carrying it did (or would do, on a dry run)."""

    user: User
    before: AdministrativeUnit
    after: AdministrativeUnit | None
    outcome: Outcome
    candidates: tuple[AdministrativeUnit, ...] = ()


def _snapshot(user: User) -> dict[str, object]:
    """What the audit keeps of a carried account (never its password)."""
    return {"username": user.username, "role": user.role, "unit_id": user.unit_id,
            "history_only": user.history_only}


def _plan(user: User, unit: AdministrativeUnit) -> Carried | None:
    """What carrying does to one account of an old unit, or None (nothing to do)."""
    if unit.type == AdministrativeUnit.Type.DISTRICT:
        return None if user.history_only else Carried(user, unit, unit, Outcome.HISTORY_ONLY)
    if unit.type == AdministrativeUnit.Type.PROVINCE:
        new = lineage.province_successor(unit)
        return Carried(user, unit, new, Outcome.MOVED if new else Outcome.NO_SUCCESSOR)
    successors = tuple({link.new.pk: link.new for link in lineage.successors(unit)}.values())
    if len(successors) == 1:
        return Carried(user, unit, successors[0], Outcome.MOVED)
    if successors:
        return Carried(user, unit, None, Outcome.SPLIT, successors)
    return Carried(user, unit, None, Outcome.NO_SUCCESSOR)


def carry_accounts(dry_run: bool = False, actor: User | None = None) -> list[Carried]:
    """Carry every account of an old unit across the line; on ``dry_run`` only say what
    would change. Returns each account concerned, by username (the ministry's accounts
    and those already on new units are not concerned)."""
    found: list[Carried] = []
    with transaction.atomic():
        accounts = (User.objects.select_for_update().select_related("unit")
                    .filter(unit__vintage=lineage.OLD).exclude(role=Role.MINISTRY_VIEWER)
                    .order_by("username"))
        for user in accounts:
            assert user.unit is not None  # filtered on its vintage
            carried = _plan(user, user.unit)
            if carried is None:
                continue
            found.append(carried)
            if dry_run or carried.outcome in (Outcome.SPLIT, Outcome.NO_SUCCESSOR):
                continue
            before = _snapshot(user)
            if carried.outcome == Outcome.HISTORY_ONLY:
                user.history_only = True
            else:
                user.unit = carried.after
            user.save(update_fields=["unit", "history_only"])
            audit.record_account(actor, "update", user, before, _snapshot(user))
    return found
