"""Running a survey round: open, assign, record a visit, close, remind.

Each function checks the permission (accounts/permissions.py), takes the optimistic
lock where a row is changed (register/locking.py) and writes the audit entry in the
same transaction (register/audit.py). A visit sent by a client that syncs later
carries its own id (``client_id``): the same id sent again gets the first answer and
records nothing more; and the version it was based on, so a visit recorded meanwhile
by someone else is a conflict returned to the client, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phocap.accounts.models import Role, User
from phocap.accounts.permissions import (
    acts,
    is_surveyor,
    may_edit_household,
    may_remind,
    may_run_round,
)
from phocap.register import audit
from phocap.register.locking import StaleEdit
from phocap.register.models import AdministrativeUnit, Household, PersonYear, Village
from phocap.rounds import progress
from phocap.rounds.models import Assignment, Reminder, SurveyRound, SyncedChange, Visit
from phocap.rounds.scope import open_assignments


class RoundRefused(ValueError):
    """What the commune asked cannot be done; the message says why, in Vietnamese."""


class Unfinished(RoundRefused):
    """Closing a round with households not yet visited, unconfirmed."""

    def __init__(self, unvisited: int) -> None:
        super().__init__(_("Còn %(n)d hộ chưa được thăm. Đánh dấu “Vẫn đóng đợt” để đóng"
                           " khi chưa thăm hết.") % {"n": unvisited})
        self.unvisited = unvisited


class VisitConflict(StaleEdit):
    """The visit or household changed since the client read it: nothing was recorded.
    ``current`` is what the server holds now, for the client to show and decide."""

    def __init__(self, current: dict[str, object]) -> None:
        super().__init__(_("Hộ này đã được ghi nhận hoặc sửa sau lần tải về; chưa ghi gì."
                           " Hãy xem lại rồi gửi lại."))
        self.current = current


def open_round(user: User, commune: AdministrativeUnit, year: int,
               deadline: dt.date) -> SurveyRound:
    """The commune's round of ``year``, once the year's records exist (the roll-over)."""
    if not may_run_round(user, commune):
        raise PermissionDenied(_("Chỉ cán bộ xã mở đợt điều tra của xã mình."))
    if not PersonYear.objects.filter(survey_year=year,
                                     person__household__commune=commune).exists():
        raise RoundRefused(_("Xã chưa có dữ liệu năm %(year)d: hãy lên lớp (mở năm mới)"
                             " trước khi mở đợt điều tra.") % {"year": year})
    with transaction.atomic():
        if SurveyRound.objects.filter(commune=commune, survey_year=year).exists():
            raise RoundRefused(_("Đợt điều tra năm %(year)d đã mở.") % {"year": year})
        survey_round = SurveyRound.objects.create(commune=commune, survey_year=year,
                                                  opened_by=user, deadline=deadline)
        audit.record(user, "create", survey_round, None)
    return survey_round


def _changeable(user: User, survey_round: SurveyRound) -> None:
    if not may_run_round(user, survey_round.commune):
        raise PermissionDenied(_("Chỉ cán bộ xã điều hành đợt điều tra của xã mình."))
    if not survey_round.is_open:
        raise RoundRefused(_("Đợt điều tra đã đóng."))


def set_deadline(user: User, survey_round: SurveyRound, version: int,
                 deadline: dt.date) -> None:
    _changeable(user, survey_round)
    with transaction.atomic():
        before = audit.snapshot(survey_round)
        SurveyRound.update_if_unchanged(survey_round.pk, version, deadline=deadline)
        survey_round.refresh_from_db()
        audit.record(user, "update", survey_round, before)


def assign(user: User, survey_round: SurveyRound, surveyor: User,
           village: Village | None = None, household: Household | None = None) -> Assignment:
    """A village or one household of the round's commune to one of its surveyors."""
    _changeable(user, survey_round)
    if (surveyor.role != Role.SURVEYOR or surveyor.unit_id != survey_round.commune_id
            or not surveyor.is_active):
        raise RoundRefused(_("Chỉ giao cho điều tra viên đang hoạt động của xã."))
    place = village or household
    if place is None or (village is not None and household is not None) \
            or place.commune_id != survey_round.commune_id:
        raise RoundRefused(_("Hãy chọn một thôn hoặc một hộ của xã."))
    with transaction.atomic():
        assignment = Assignment.objects.create(round=survey_round, assignee=surveyor,
                                               village=village, household=household)
        audit.record(user, "create", assignment, None)
    return assignment


def unassign(user: User, assignment: Assignment) -> None:
    _changeable(user, assignment.round)
    with transaction.atomic():
        before = audit.snapshot(assignment)
        audit.record(user, "delete", assignment, before)
        assignment.delete()


def close_round(user: User, survey_round: SurveyRound, version: int, confirmed: bool) -> None:
    """Closed by the commune; with households unvisited only when ``confirmed``."""
    _changeable(user, survey_round)
    unvisited = progress.of_round(survey_round).total.unvisited
    if unvisited and not confirmed:
        raise Unfinished(unvisited)
    with transaction.atomic():
        before = audit.snapshot(survey_round)
        SurveyRound.update_if_unchanged(survey_round.pk, version, closed_at=timezone.now(),
                                        closed_by=user)
        survey_round.refresh_from_db()
        audit.record(user, "update", survey_round, before)


def remind(user: User, unit: AdministrativeUnit, survey_round: SurveyRound, text: str) -> Reminder:
    """A message from the district or province (``unit``) to a commune below it."""
    below = any(u.pk == unit.pk for u in survey_round.commune.ancestors())
    if not (below and may_remind(user, unit)):
        raise PermissionDenied(_("Chỉ cán bộ huyện, tỉnh nhắc các xã của mình."))
    with transaction.atomic():
        reminder = Reminder.objects.create(round=survey_round, sender=user, text=text)
        audit.record(user, "create", reminder, None)
    return reminder


@dataclass(frozen=True)
class Recorded:
    """What a visit's post answers: the visit as stored, and whether it was a replay."""

    answer: dict[str, object]
    replayed: bool


def _current_state(household: Household, visit: Visit | None) -> dict[str, object]:
    found: dict[str, object] = {"h": household.pk, "hv": household.version,
                                "v": visit.version if visit else 0}
    if visit is not None:
        found["o"] = visit.outcome
    return found


def record_visit(user: User, household_id: int, outcome: str, based_on: int,
                 household_version: int | None = None, note: str = "",
                 at: dt.datetime | None = None, client_id: uuid.UUID | None = None) -> Recorded:
    """The visit of a household in its commune's open round, replacing the current one.

    ``based_on`` is the version of the current visit the client saw (0: none yet);
    ``household_version`` the household's version it read, if it read one. Either
    stale raises VisitConflict with what the server holds. Raises Household.DoesNotExist
    for a household the user does not read (a surveyor: outside its assignment).
    """
    if outcome not in Visit.Outcome.values:
        raise RoundRefused(_("Kết quả thăm hộ không hợp lệ."))
    with transaction.atomic():
        if client_id is not None:
            done = SyncedChange.objects.filter(client_id=client_id).first()
            if done is not None:
                if done.user_id != user.pk:
                    raise PermissionDenied(_("Mã thay đổi này đã được người khác dùng."))
                return Recorded(done.answer, replayed=True)
        household = Household.objects.for_user(user).select_related("commune").get(
            pk=household_id)
        if not (acts(user) and may_edit_household(user, household.commune)):
            raise PermissionDenied(_("Chỉ cán bộ xã hoặc điều tra viên được giao hộ này."))
        rounds = SurveyRound.objects.filter(commune=household.commune, closed_at__isnull=True)
        if is_surveyor(user):  # the round it was assigned the household in
            rounds = rounds.filter(pk__in=open_assignments(user).values("round_id"))
        survey_round = rounds.order_by("-survey_year").first()
        if survey_round is None:
            raise RoundRefused(_("Xã không có đợt điều tra đang mở."))
        current = Visit.objects.filter(round=survey_round, household=household).first()
        if household_version is not None and household_version != household.version:
            raise VisitConflict(_current_state(household, current))
        if current is None and based_on != 0:
            raise VisitConflict(_current_state(household, None))
        values = {"outcome": outcome, "note": note, "visited_by": user,
                  "at": at or timezone.now()}
        try:
            if current is None:
                with transaction.atomic():
                    visit = Visit.objects.create(round=survey_round, household=household,
                                                 **values)
                audit.record(user, "create", visit, None)
            else:
                before = audit.snapshot(current)
                Visit.update_if_unchanged(current.pk, based_on, **values)
                visit = Visit.objects.get(pk=current.pk)
                audit.record(user, "update", visit, before)
        except (StaleEdit, IntegrityError):  # another visit recorded since the client read
            now = Visit.objects.filter(round=survey_round, household=household).first()
            raise VisitConflict(_current_state(household, now)) from None
        answer: dict[str, object] = {"id": visit.pk, "h": household.pk, "v": visit.version,
                                     "o": visit.outcome}
        if client_id is not None:
            SyncedChange.objects.create(client_id=client_id, user=user, round=survey_round,
                                        answer=answer)
    return Recorded(answer, replayed=False)
