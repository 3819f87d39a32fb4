"""Editing a person: scoped, audited, and refused when the form is stale.

Each edit names the version the user saw; the update only happens if the row
still has it (a conditional UPDATE, so it holds on SQLite and PostgreSQL alike),
otherwise the user is told someone else changed the person first. Nothing is
silently overwritten.

What belongs to one survey year (its record, a move) is refused while that
year is frozen (register/freezing.py). A person's identity and a household
are shared by every year: they may still be corrected, which changes the open
years only, because a frozen year reads the identity pinned when it froze.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from phocap import numbers
from phocap.accounts.models import User
from phocap.accounts.permissions import may_edit, may_edit_household
from phocap.register import audit, checking, freezing, records, uniqueness
from phocap.register.models import (
    AdministrativeUnit,
    Household,
    Person,
    PersonYear,
    Village,
    number_taken,
)
from phocap.survey.schema import BY_KEY
from phocap.survey.text import search_fold, text_problem

EDITABLE_PERSON_FIELDS = ("national_id", "full_name", "birth_date", "birth_year", "sex",
                          "ethnicity")


class Invalid(ValueError):
    """Values the register refuses, each with its field and a Vietnamese message."""

    def __init__(self, problems: list[checking.Problem]) -> None:
        super().__init__(" ".join(p.message for p in problems))
        self.problems = problems


class Clash(Invalid):
    """The database refused at commit what every check had let through (a race)."""


def _refuse_clash(user: User, national_id: str | None, person_id: int | None) -> None:
    if message := uniqueness.edit_clash(user, national_id, person_id):
        raise Invalid([checking.Problem("national_id", national_id, message)])


def _commit_refused(national_id: str | None) -> Clash:
    return Clash([checking.Problem("national_id", national_id, uniqueness.COMMIT_REFUSED)])


STALE_HOUSEHOLD = ("Hộ này vừa được người khác sửa sau khi bạn mở biểu mẫu; hãy tải lại trang"
                   " để xem thay đổi mới rồi sửa lại.")
STALE_PERSON = ("Người này vừa được người khác sửa sau khi bạn mở biểu mẫu; hãy tải lại trang"
                " để xem thay đổi mới rồi sửa lại.")


def update_person(user: User, person_id: int, version: int, changes: dict[str, object]) -> Person:
    """Apply ``changes`` to a person the user may edit, if nobody changed it since ``version``.

    A person outside the user's scope does not exist for them (Person.DoesNotExist).
    The changes pass the file validation first (checking.person_edit) and are stored
    as an import would store them; refused values raise Invalid, a national ID
    another person holds too, before anything is written.
    """
    unknown = set(changes) - set(EDITABLE_PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        person = Person.objects.for_user(user).select_related("household__commune").get(
            pk=person_id
        )
        if not may_edit_household(user, person.household.commune):
            raise PermissionDenied("Chỉ cán bộ xã được sửa dữ liệu của xã mình.")
        freezing.refuse_if_held(person.household.commune)
        freezing.refuse_if_carried_on(person)
        checked = checking.person_edit(person, changes)
        if checked.problems:
            raise Invalid(checked.problems)
        values = checked.values
        if "national_id" in values:
            _refuse_clash(user, values["national_id"], person.pk)
        before = audit.snapshot(person)
        try:
            with transaction.atomic():
                Person.update_if_unchanged(person_id, version, STALE_PERSON, **values)
        except IntegrityError:
            raise _commit_refused(values.get("national_id")) from None
        person.refresh_from_db()
        audit.record(user, "update", person, before)
    return person


def _claim(person_id: int, version: int) -> None:
    """Take the person's version or refuse: the one check every edit of a person passes."""
    Person.update_if_unchanged(person_id, version, STALE_PERSON)


def _editable_person(user: User, person_id: int) -> Person:
    person = Person.objects.for_user(user).select_related("household__commune").get(pk=person_id)
    if not may_edit_household(user, person.household.commune):
        raise PermissionDenied("Chỉ cán bộ xã được sửa dữ liệu của xã mình.")
    freezing.refuse_if_carried_on(person)
    return person


def save_record(user: User, person_id: int, version: int, year: int,
                record: dict[str, Any]) -> Person:
    """Store a checked survey record (checking.check) as the person's identity and year.

    One version covers the person and all their years, so a form opened on
    either is refused once anything of the person has changed.
    """
    with transaction.atomic():
        person = _editable_person(user, person_id)
        freezing.refuse_if_frozen(person.household.commune, year)
        _claim(person_id, version)
        _refuse_clash(user, record["national_id"], person.pk)
        before = audit.snapshot(person)
        for name, value in records.wanted(record, records.PERSON_FIELDS).items():
            setattr(person, name, value)
        person.version = version + 1
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:
            raise _commit_refused(record["national_id"]) from None
        audit.record(user, "update", person, before)
        surveyed = PersonYear.objects.filter(person=person, survey_year=year).first()
        values = records.wanted(record, records.YEAR_FIELDS)
        if surveyed is None:
            surveyed = PersonYear.objects.create(person=person, survey_year=year, **values)
            audit.record(user, "create", surveyed, None)
        else:
            before = audit.snapshot(surveyed)
            for name, value in values.items():
                setattr(surveyed, name, value)
            surveyed.save()
            audit.record(user, "update", surveyed, before)
    return person


def _refuse_same_member(household: Household, full_name: str, birth_year: int,
                        sex: str) -> None:
    """A household does not hold the same person twice: a member of the same name (with
    or without tones), year of birth and sex is that person, already recorded."""
    name = search_fold(full_name)
    for member in household.members.filter(birth_year=birth_year, sex=sex):
        if search_fold(member.full_name) == name:
            raise ValueError(
                f"Hộ này đã có {member.full_name}, sinh năm {numbers.year(member.birth_year)}"
                f" (STT {member.person_no}): không thêm người này lần thứ hai. Nếu là người"
                " khác, hãy ghi tên đầy đủ để phân biệt.")


def add_person(user: User, household: Household, year: int, record: dict[str, Any]) -> Person:
    """A newborn or someone moving in: a new person with their record for the year."""
    if not may_edit_household(user, household.commune):
        raise PermissionDenied("Chỉ cán bộ xã được sửa dữ liệu của xã mình.")
    with transaction.atomic():
        freezing.refuse_if_frozen(household.commune, year)
        freezing.refuse_if_carried_on(household)
        _refuse_clash(user, record["national_id"], None)
        _refuse_same_member(household, record["full_name"], record["birth_year"], record["sex"])
        try:
            with transaction.atomic():
                person = Person.objects.create(
                    household=household, person_no=record["person_no"],
                    **records.wanted(record, records.PERSON_FIELDS))
        except IntegrityError:
            raise ValueError("Số thứ tự hoặc số định danh này đã có trong sổ.") from None
        audit.record(user, "create", person, None)
        surveyed = PersonYear.objects.create(person=person, survey_year=year,
                                             **records.wanted(record, records.YEAR_FIELDS))
        audit.record(user, "create", surveyed, None)
    return person


# The events a survey year records of a person (survey-format: status, status_detail):
# the status they set, and how the detail says when and where. The survey record has no
# column of its own for the date or the place, so they are written, in these words, in
# its "Chi tiết hoàn cảnh" (status_detail), which files and the ministry's form carry.
MOVES = {"moved_out": "chuyển đi", "moved_in": "chuyển đến", "deceased": "chết", "stays": ""}
EVENT_DETAIL = {
    "moved_out": "Chuyển đi ngày {date}, đến: {place}",
    "moved_in": "Chuyển đến ngày {date}, từ: {place}",
    "deceased": "Mất ngày {date}",
    "stays": "",
}
NEEDS_PLACE = frozenset({"moved_out", "moved_in"})


def event_detail(action: str, day: dt.date | None, place: str = "") -> str:
    """What status_detail says of an event: its date and, for a move, where from or to."""
    if action == "stays":
        return ""
    if day is None:
        raise ValueError("Hãy ghi ngày xảy ra biến động.")
    if action in NEEDS_PLACE and not place.strip():
        raise ValueError("Hãy ghi nơi chuyển đến hoặc chuyển đi.")
    if day > dt.date.today():
        raise ValueError(f"Ngày {numbers.date(day)} chưa tới: hãy ghi ngày đã xảy ra.")
    detail = EVENT_DETAIL[action].format(date=numbers.date(day), place=" ".join(place.split()))
    if problem := text_problem(BY_KEY["status_detail"].header_vi, detail,
                               BY_KEY["status_detail"].max_chars):
        raise ValueError(problem)
    return detail


def move(user: User, person_id: int, version: int, year: int, action: str,
         day: dt.date | None = None, place: str = "") -> PersonYear:
    """Record that a person moved out, moved in or died on ``day`` (to or from ``place``),
    or undo that ("stays"), in the survey year's status and status_detail."""
    if action not in MOVES:
        raise ValueError(f"unknown move: {action}")
    with transaction.atomic():
        person = _editable_person(user, person_id)
        freezing.refuse_if_frozen(person.household.commune, year)
        detail = event_detail(action, day, place)
        surveyed = PersonYear.objects.filter(person=person, survey_year=year).first()
        if surveyed is None:
            raise ValueError(f"Người này chưa có bản ghi năm {year}.")
        _claim(person_id, version)
        before = audit.snapshot(surveyed)
        surveyed.status = MOVES[action]
        surveyed.status_detail = detail
        surveyed.save(update_fields=["status", "status_detail"])
        audit.record(user, "update", surveyed, before)
    return surveyed


HOUSEHOLD_FIELDS = ("village", "household_no", "head_name", "address", "residence", "phone",
                    "new_village")


def _new_village(user: User, commune: AdministrativeUnit, name: str) -> Village:
    """The commune's village of that name, created (and audited) if it is new."""
    village, created = Village.objects.get_or_create(commune=commune, name=name)
    if created:
        audit.record(user, "create", village, None)
    return village


def _taken(village: Village, number: str) -> str:
    return number_taken(village.name, number)


def _refuse_taken_number(household_id: int | None, village: Village, number: str) -> None:
    """Said before writing, so the officer reads which village has the number (the
    database's own refusal, on a race, says the same through IntegrityError)."""
    if Household.objects.filter(village=village, household_no=number).exclude(
            pk=household_id).exists():  # type: ignore[misc]  # None for a new household: excludes nobody
        raise ValueError(_taken(village, number))


def save_household(user: User, commune: AdministrativeUnit, household_id: int | None,
                   version: int | None, changes: dict[str, Any]) -> Household:
    """Create a household (``household_id`` None) or change one, refusing a stale form.

    ``new_village`` (a name) puts the household in a village created by this save,
    in its transaction: a refused save leaves no village behind. A number is unique
    within its village (the ministry numbers households per village), so a household
    given a number, or moved to a village, where another household has that number
    is refused with both named, nothing written.
    """
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    # A new household or village is the commune's; a household already there, also its
    # surveyor's (``may_edit_household``: found below through for_user, its assignment).
    whole = household_id is None or "new_village" in changes
    if not (may_edit(user, commune) if whole else may_edit_household(user, commune)):
        raise PermissionDenied("Chỉ cán bộ xã được sửa dữ liệu của xã mình.")
    with transaction.atomic():
        freezing.refuse_if_held(commune)
        changes = dict(changes)
        if name := changes.pop("new_village", None):
            changes["village"] = _new_village(user, commune, name)
        if household_id is None:
            _refuse_taken_number(None, changes["village"], changes["household_no"])
            try:
                with transaction.atomic():
                    household = Household.objects.create(commune=commune, **changes)
            except IntegrityError:
                raise ValueError(_taken(changes["village"], changes["household_no"])) from None
            audit.record(user, "create", household, None)
            return household
        household = Household.objects.for_user(user).get(pk=household_id, commune=commune)
        freezing.refuse_if_carried_on(household)
        before = audit.snapshot(household)
        village = changes.get("village", household.village)
        number = changes.get("household_no", household.household_no)
        _refuse_taken_number(household_id, village, number)
        try:
            with transaction.atomic():
                Household.update_if_unchanged(household_id, version, STALE_HOUSEHOLD, **changes)
        except IntegrityError:
            # Another save took the number in that village meanwhile.
            raise ValueError(_taken(village, number)) from None
        household.refresh_from_db()
        audit.record(user, "update", household, before)
    return household
