"""Likely duplicate people in a commune, and merging a pair into one person.

The same child is entered twice when a family re-registers after a move, when
two collectors visit one household, or when an import adds a person whose name
was typed differently. Counted twice, they distort every rate of the commune.

Pairs are found within one commune, by two keys: the name folded to plain
letters (so "Thuỷ" and "THỦY" and "Thuy" meet) with the birth year, and the
national ID up to one mistyped or missing digit. Evidence for and against is
weighed into a score with the reasons shown to the reviewer; the decision is
always a person's. Two people whose national IDs are both known and unrelated
are never proposed: the ID is the identity.

A merge keeps one person and folds the other into it, in one transaction,
audited entry by entry, and refused if either person changed since the page
was opened (the same version check as every other edit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from phocap.accounts.models import User
from phocap.accounts.permissions import may_edit
from phocap.register import audit, freezing
from phocap.register.editing import EDITABLE_PERSON_FIELDS
from phocap.register.models import AdministrativeUnit, Person, PersonYear
from phocap.survey.text import fold, normalize

# Weights of the evidence; a pair is shown with the sum, capped at 100.
SAME_NAME = 40
SAME_FOLDED_NAME = 30
SAME_BIRTH_YEAR = 20
SAME_BIRTH_DATE = 15
OTHER_BIRTH_DATE = -20
SAME_SEX = 10
NEAR_NATIONAL_ID = 30
SAME_HOUSEHOLD = 5

# Shorter numbers are too common a prefix to say anything.
MIN_ID_PREFIX = 9


@dataclass
class Candidate:
    """Two people who are probably one, ``first`` the lower id."""

    first: Person
    second: Person
    score: int
    reasons: list[str] = field(default_factory=list)
    first_years: list[int] = field(default_factory=list)
    second_years: list[int] = field(default_factory=list)

    @property
    def clashes(self) -> list[int]:
        """Survey years recorded for both: a merge must say whose record is kept."""
        return sorted(set(self.first_years) & set(self.second_years))


def _name(person: Person) -> str:
    return normalize(person.full_name).casefold()


def ids_related(a: str, b: str) -> bool:
    """Whether two national IDs could be one number typed twice.

    One a prefix of the other (a digit or more left out at the end), or the
    same length and different in exactly one digit.
    """
    if a == b:
        return True
    if len(a) != len(b):
        short, long_ = sorted((a, b), key=len)
        return len(short) >= MIN_ID_PREFIX and long_.startswith(short)
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _id_keys(national_id: str) -> Iterable[str]:
    """Blocking keys that two related IDs (see ``ids_related``) always share."""
    for i in range(len(national_id)):
        yield f"{national_id[:i]}?{national_id[i + 1:]}"
    if len(national_id) >= MIN_ID_PREFIX:
        yield f"prefix:{national_id[:MIN_ID_PREFIX]}"


def assess(a: Person, b: Person) -> Candidate | None:
    """The evidence that ``a`` and ``b`` are one person, or None if it is too weak."""
    id_a, id_b = a.national_id or "", b.national_id or ""
    near_id = bool(id_a and id_b and ids_related(id_a, id_b))
    if id_a and id_b and not near_id:
        return None
    same_name, same_folded = _name(a) == _name(b), fold(a.full_name) == fold(b.full_name)
    same_year, same_sex = a.birth_year == b.birth_year, a.sex == b.sex
    by_name = same_folded and same_year and same_sex
    if not (by_name or (near_id and (same_folded or same_year))):
        return None
    score, reasons = 0, []
    if same_name:
        score += SAME_NAME
        reasons.append(str(_("cùng họ tên")))
    elif same_folded:
        score += SAME_FOLDED_NAME
        reasons.append(str(_("họ tên giống nhau nếu bỏ dấu")))
    if same_year:
        score += SAME_BIRTH_YEAR
        reasons.append(str(_("cùng năm sinh")))
    if a.birth_date and b.birth_date:
        if a.birth_date == b.birth_date:
            score += SAME_BIRTH_DATE
            reasons.append(str(_("cùng ngày sinh")))
        else:
            score += OTHER_BIRTH_DATE
            reasons.append(str(_("ngày sinh khác nhau")))
    if same_sex:
        score += SAME_SEX
        reasons.append(str(_("cùng giới tính")))
    if near_id:
        score += NEAR_NATIONAL_ID
        reasons.append(str(_("số định danh gần trùng (thiếu hoặc sai một chữ số)")))
    if a.household_id == b.household_id:
        score += SAME_HOUSEHOLD
        reasons.append(str(_("hai lần trong cùng một hộ")))
    first, second = sorted((a, b), key=lambda p: p.pk)
    return Candidate(first, second, max(0, min(score, 100)), reasons)


def candidates(user: User, commune: AdministrativeUnit) -> list[Candidate]:
    """Likely duplicate pairs among the people of a commune the user sees, best first."""
    people = list(
        Person.objects.for_user(user).filter(household__commune=commune)
        .select_related("household__village").order_by("pk")
    )
    blocks: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        blocks[f"name:{fold(person.full_name)}|{person.birth_year}"].append(person)
        for key in _id_keys(person.national_id or ""):
            blocks[f"id:{key}"].append(person)
    seen: set[tuple[int, int]] = set()
    found: list[Candidate] = []
    for block in blocks.values():
        for a, b in combinations(block, 2):
            pair = (a.pk, b.pk)
            if pair in seen:
                continue
            seen.add(pair)
            candidate = assess(a, b)
            if candidate is not None:
                found.append(candidate)
    _add_years(found, commune)
    found.sort(key=lambda c: (-c.score, c.first.pk, c.second.pk))
    return found


def _add_years(found: list[Candidate], commune: AdministrativeUnit) -> None:
    """Fill in the survey years each person of each pair has a record for.

    The commune's years are read in one query, not per person, and not as a
    list of ids that could outgrow SQLite's limit on query parameters.
    """
    if not found:
        return
    people = {p.pk for c in found for p in (c.first, c.second)}
    years: dict[int, list[int]] = defaultdict(list)
    for person_id, year in (PersonYear.objects.filter(person__household__commune=commune)
                            .order_by("survey_year").values_list("person_id", "survey_year")):
        if person_id in people:
            years[person_id].append(year)
    for candidate in found:
        candidate.first_years = years[candidate.first.pk]
        candidate.second_years = years[candidate.second.pk]


@dataclass(frozen=True)
class MergeResult:
    kept: Person
    moved_years: list[int]
    discarded_years: list[int]
    filled: list[str]


def merge(user: User, commune: AdministrativeUnit, keep_id: int, keep_version: int,
          remove_id: int, remove_version: int,
          take_removed: Mapping[int, bool] | None = None) -> MergeResult:
    """Fold person ``remove_id`` into ``keep_id``; both must be in ``commune``.

    The removed person's survey years move to the kept one. For a year both
    have, the kept person's record stays unless ``take_removed[year]`` is
    true, in which case the removed person's record replaces it; the losing
    record is deleted. Fields blank on the kept person are filled from the
    removed one. Either person changed since ``*_version`` → StaleEdit and
    nothing is written; a person outside the user's scope → Person.DoesNotExist.
    """
    if keep_id == remove_id:
        raise ValueError("Không thể gộp một người với chính họ.")
    if not may_edit(user, commune):
        raise PermissionDenied("Chỉ cán bộ xã được sửa dữ liệu của xã mình.")
    take_removed = take_removed or {}
    with transaction.atomic():
        scoped = Person.objects.for_user(user).filter(household__commune=commune)
        kept = scoped.select_related("household__commune").get(pk=keep_id)
        removed = scoped.select_related("household__commune").get(pk=remove_id)
        freezing.refuse_if_carried_on(kept)
        freezing.refuse_if_carried_on(removed)
        # Every year of the removed person moves or is deleted (and a clash deletes
        # one of the kept person's); the kept person's other years stay as they are,
        # a frozen one reading the identity pinned when it froze.
        for year in PersonYear.objects.filter(person=removed).values_list(
                "survey_year", flat=True):
            freezing.refuse_if_frozen(commune, year)
        freezing.refuse_if_held(commune)
        for person_id, version in ((keep_id, keep_version), (remove_id, remove_version)):
            Person.update_if_unchanged(
                person_id, version,
                "Một trong hai người vừa được người khác sửa sau khi bạn mở trang; hãy tải"
                " lại trang để xem thay đổi mới rồi gộp lại.")
        kept_before, removed_before = audit.snapshot(kept), audit.snapshot(removed)
        moved, discarded = _move_years(user, kept, removed, take_removed)
        filled = [name for name in EDITABLE_PERSON_FIELDS
                  if getattr(kept, name) in (None, "") and getattr(removed, name) not in (None, "")]
        values = {name: getattr(removed, name) for name in filled}
        # The removed person goes first: a national ID passed on must be free
        # before the kept person takes it (it is unique).
        removed.delete()
        removed.pk = remove_id
        audit.record(user, "delete", removed, removed_before)
        for name, value in values.items():
            setattr(kept, name, value)
        kept.version = keep_version + 1
        kept.save()
        audit.record(user, "update", kept, kept_before)
    return MergeResult(kept, moved, discarded, filled)


def _move_years(user: User, kept: Person, removed: Person,
                take_removed: Mapping[int, bool]) -> tuple[list[int], list[int]]:
    """Give the removed person's survey years to the kept one; return (moved, discarded)."""
    kept_years = {row.survey_year: row for row in PersonYear.objects.filter(person=kept)}
    moved, discarded = [], []
    for row in PersonYear.objects.filter(person=removed).order_by("survey_year"):
        clash = kept_years.get(row.survey_year)
        if clash is not None:
            loser = clash if take_removed.get(row.survey_year, False) else row
            before = audit.snapshot(loser)
            loser_pk = loser.pk
            loser.delete()
            loser.pk = loser_pk
            audit.record(user, "delete", loser, before)
            discarded.append(row.survey_year)
            if loser is row:
                continue
        before = audit.snapshot(row)
        row.person = kept
        row.save(update_fields=["person"])
        audit.record(user, "update", row, before)
        moved.append(row.survey_year)
    return moved, discarded
