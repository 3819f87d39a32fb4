"""Opening survey year 2025 of a new commune from its predecessors' 2024 registers.

Since 1 July 2025 a survey year is kept by a commune of the new list (Decrees
142/2025 and 143/2025), while the years up to 2024 stay under the old communes
that surveyed them (lineage.py). Crossing the line is the roll-over
(rollover.next_year, the same class promotion as ``open_year``) done across it:
every village the new commune receives, every household of those villages with
someone still living there, and every such person get a new row under the new
commune, holding the same identity, which ``continues`` the old row; the old
rows keep their years up to 2024, untouched, and the old person is marked
``superseded`` so that the national ID they share is held once among current
people (register/uniqueness.py). Nothing else in the product changes how it
scopes: a year's rows are under the commune that kept it.

An old commune that went wholly into the new one brings all its villages. One
that was split among several new communes (lineage.is_split) brings only the
villages its officers assigned to this one (VillageHome, the village-homes
page); nothing crosses while a village of a split predecessor has no home, so
no village is left behind or brought twice. People who moved away or died in
2024 are not carried, as in ``open_year``. Everything created, and every old
person superseded, is audited; ``user`` None is the system (the demo).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from phocap.accounts.models import User
from phocap.accounts.permissions import may_edit, may_place_villages
from phocap.register import audit, bulk, freezing, lineage
from phocap.register.bulk import Values
from phocap.register.lineage import Link
from phocap.register.locking import STALE, StaleEdit
from phocap.register.models import (
    AdministrativeUnit,
    Household,
    Person,
    PersonYear,
    Village,
    VillageHome,
)
from phocap.register.rollover import GONE, Opened, RolloverRefused, next_year, tally
from phocap.units.villages import names_after

LAST_YEAR_BEFORE = lineage.FIRST_YEAR_AFTER - 1
"""The last survey year kept under the communes of the list before 1 July 2025."""
CHUNK = 5000
"""Rows written per statement (SQLite limits the parameters of one statement)."""

HOUSEHOLD_IDENTITY = ("household_no", "head_name", "address", "residence", "phone")
PERSON_IDENTITY = ("person_no", "national_id", "full_name", "birth_date", "birth_year", "sex",
                   "ethnicity")


class CrossingRefused(RolloverRefused):
    """The new commune's 2025 cannot be opened now; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Share:
    """What one old commune brings to the new one."""

    link: Link
    split: bool
    villages: list[Village]
    households: int
    people: int
    left: int
    """Its people of 2024 in those villages who moved away or died: not carried."""


@dataclass(frozen=True)
class Plan:
    """What crossing would bring into the new commune, per predecessor."""

    commune: AdministrativeUnit
    year: int
    shares: list[Share]
    homeless: list[Village]
    """Villages of split predecessors that have no new commune yet: nothing crosses."""
    names: dict[int, str]
    """Each village brought (by the old village's id) → its name under the new commune."""

    @property
    def villages(self) -> int:
        return sum(len(s.villages) for s in self.shares)

    @property
    def households(self) -> int:
        return sum(s.households for s in self.shares)

    @property
    def people(self) -> int:
        return sum(s.people for s in self.shares)


@dataclass
class Crossed:
    """What ``cross`` created."""

    commune: AdministrativeUnit
    villages: int = 0
    households: int = 0
    opened: Opened = field(default_factory=lambda: Opened(0, 0, 0, 0))

    @property
    def people(self) -> int:
        return self.opened.people


def _carried(villages: list[Village], year: int) -> list[Values]:
    """The records of ``year`` in these villages whose people live on there, as plain values
    (bulk.read_values: a district's crossing builds no model instance per row)."""
    return bulk.read_values(
        PersonYear.objects.filter(person__household__village__in=villages, survey_year=year)
        .exclude(status__in=GONE)
        .order_by("person__household__village_id", "person__household__household_no",
                  "person__person_no"),
        _columns(PersonYear))


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _defaults(model: type[models.Model]) -> Values:
    """Every field's default: what a new row gets for the fields crossing does not set."""
    return {f.attname: f.get_default() for f in model._meta.concrete_fields}


def _insert(model: type[models.Model], rows: list[Values]) -> None:
    """Insert plain rows (ids allocated) through bulk.insert_rows, CHUNK at a time: the
    ORM's bulk_create sends a few dozen rows a statement on SQLite (its parameter limit
    over a PersonYear's fifty columns), which made a district's crossing take minutes."""
    columns = _columns(model)
    values = itemgetter(*columns)  # a row's values in column order, as one tuple
    for start in range(0, len(rows), CHUNK):
        bulk.insert_rows(model, columns, [values(row) for row in rows[start:start + CHUNK]])


def plan(new_commune: AdministrativeUnit, year: int = LAST_YEAR_BEFORE) -> Plan:
    """What would cross into ``new_commune`` from its predecessors' records of ``year``."""
    shares, homeless = [], []
    for link in lineage.predecessors(new_commune):
        split = lineage.is_split(link.old)
        villages = Village.objects.filter(commune=link.old).order_by("name")
        if split:
            homeless += list(villages.filter(home__isnull=True).select_related("commune"))
            villages = villages.filter(home__commune=new_commune)
        found = list(villages)
        records = PersonYear.objects.filter(person__household__village__in=found,
                                            survey_year=year)
        living = records.exclude(status__in=GONE)
        shares.append(Share(
            link, split, found,
            households=living.values("person__household").distinct().count(),
            people=living.count(), left=records.filter(status__in=GONE).count()))
    named = names_after((s.link.old.name, v.name) for s in shares for v in s.villages)
    names = {v.pk: named[(s.link.old.name, v.name)] for s in shares for v in s.villages}
    return Plan(new_commune, year, shares, homeless, names)


def _refusal(new_commune: AdministrativeUnit, year: int) -> str | None:
    """Why the new commune's year after ``year`` may not be opened, before looking at what
    its predecessors would bring, or None."""
    following = year + 1
    if (lineage.vintage_of_year(year) != lineage.OLD
            or lineage.vintage_of_year(following) != lineage.NEW):
        return (f"Chỉ mở được năm {lineage.FIRST_YEAR_AFTER} của xã mới từ dữ liệu năm"
                f" {LAST_YEAR_BEFORE} của các xã cũ; các năm khác mở bằng “Lên lớp” trong"
                " cùng một xã.")
    if not lineage.predecessors(new_commune):
        return (f"{new_commune.name} không có xã cũ nào trong sổ theo bảng chuyển đổi ngày"
                " 01/7/2025: không có gì để chuyển sang.")
    if reason := freezing.frozen(new_commune, following):
        return reason
    if (PersonYear.objects.filter(person__household__commune=new_commune,
                                  survey_year=following).exists()
            or Household.objects.filter(commune=new_commune).exists()):
        return (f"Năm {following} của {new_commune.name} đã được mở (xã đã có hộ trong sổ):"
                " không chuyển lần thứ hai.")
    for link in lineage.predecessors(new_commune):
        if reason := freezing.held(link.old):
            return reason
    return None


def refusal(found: Plan) -> str | None:
    """Why ``cross`` would refuse to open what ``found`` plans, now, or None."""
    if reason := _refusal(found.commune, found.year):
        return reason
    if found.homeless:
        by_commune: dict[str, int] = {}
        for village in found.homeless:
            by_commune[village.commune.name] = by_commune.get(village.commune.name, 0) + 1
        listed = ", ".join(f"{name} ({count} thôn)" for name, count in sorted(by_commune.items()))
        return (f"Chưa mở được năm {found.year + 1}: còn thôn của xã được chia cho nhiều xã"
                f" mới chưa được chọn xã mới ({listed}). Hãy chọn xã mới cho từng thôn ở trang"
                " “Thôn về xã mới” của xã cũ, rồi mở lại.")
    if found.people == 0:
        return (f"Các xã cũ của {found.commune.name} chưa có dữ liệu năm {found.year}: chưa"
                f" có gì để chuyển sang năm {found.year + 1}.")
    return None


@transaction.atomic
def cross(user: User | None, new_commune: AdministrativeUnit,
          year: int = LAST_YEAR_BEFORE) -> Crossed:
    """Open survey year ``year + 1`` (2025) of ``new_commune`` from its predecessors'
    records of ``year``, all in one transaction; ``user`` None is the system."""
    if user is not None and not may_edit(user, new_commune):
        raise PermissionDenied("Chỉ cán bộ của xã mới được mở năm điều tra của xã mình.")
    found = plan(new_commune, year)
    if reason := refusal(found):
        raise CrossingRefused(reason)
    crossed = Crossed(new_commune)
    entries: list[audit.Entry] = []

    def created(instance: models.Model) -> None:
        entries.append(audit.Entry("create", instance._meta.model_name or "", instance.pk,
                                   new_commune.pk, None, audit.snapshot(instance)))

    villages: dict[int, Village] = {}
    for share in found.shares:
        for old in share.villages:
            villages[old.pk] = Village.objects.create(
                commune=new_commune, name=found.names[old.pk], continues=old)
            created(villages[old.pk])
    crossed.villages = len(villages)

    brought = [v for s in found.shares for v in s.villages]
    records = _carried(brought, year)
    old_people = {p["id"]: p for p in bulk.read_values(
        Person.objects.filter(household__village__in=brought), _columns(Person))}
    old_households = {h["id"]: h for h in bulk.read_values(
        Household.objects.filter(village__in=brought), _columns(Household))}
    # In the order of the records, as each household is first met.
    carried_households = [old_households[pk] for pk in
                          dict.fromkeys(old_people[r["person_id"]]["household_id"]
                                        for r in records)]
    households: dict[int, Values] = {}
    for home, pk in zip(carried_households,
                        bulk.allocate_ids(Household, len(carried_households)), strict=True):
        households[home["id"]] = {
            **_defaults(Household), "id": pk, "commune_id": new_commune.pk,
            "village_id": villages[home["village_id"]].pk, "continues_id": home["id"],
            **{name: home[name] for name in HOUSEHOLD_IDENTITY}}
    _insert(Household, list(households.values()))
    crossed.households = len(households)

    person_defaults = _defaults(Person)
    people: list[Values] = []
    for r, pk in zip(records, bulk.allocate_ids(Person, len(records)), strict=True):
        before = old_people[r["person_id"]]
        people.append({**person_defaults, "id": pk,
                       "household_id": households[before["household_id"]]["id"],
                       "continues_id": before["id"],
                       **{name: before[name] for name in PERSON_IDENTITY}})
    superseded = [old_people[r["person_id"]] for r in records]
    # The old rows give up the national ID first: it is unique among current people. Each
    # still has the version read above, or someone changed it meanwhile: nothing is kept.
    rows = [(p["id"], p["version"], True) for p in superseded]
    if bulk.update_rows(Person, ["superseded"], rows, versioned=True) != len(rows):
        raise StaleEdit(STALE)
    _insert(Person, people)

    year_defaults = _defaults(PersonYear)
    years: list[Values] = []
    for record, person, pk in zip(records, people, bulk.allocate_ids(PersonYear, len(records)),
                                  strict=True):
        built = next_year(record, person["birth_year"])
        years.append({**year_defaults, **built.values, "id": pk, "person_id": person["id"],
                      "survey_year": year + 1})
        tally(crossed.opened, built)
    _insert(PersonYear, years)

    for model, name, made in ((Household, "household", households.values()),
                              (Person, "person", people), (PersonYear, "personyear", years)):
        entries += [audit.Entry("create", name, row["id"], new_commune.pk, None,
                                audit.snapshot_values(model, row)) for row in made]
    for carried_on in superseded:
        before = audit.snapshot_values(Person, carried_on)
        after = before | {"superseded": True, "version": carried_on["version"] + 1}
        entries.append(audit.Entry("update", "person", carried_on["id"],
                                   old_households[carried_on["household_id"]]["commune_id"],
                                   before, after))
    audit.record_many(user, entries)
    return crossed


@dataclass(frozen=True)
class Carried:
    """What a new commune carries on of one predecessor, as the register holds it."""

    old: AdministrativeUnit
    villages: int
    households: int
    people: int


def carried(new_commune: AdministrativeUnit) -> list[Carried]:
    """Per predecessor, what ``cross`` brought into ``new_commune`` (empty before it ran)."""
    found = []
    for link in lineage.predecessors(new_commune):
        villages = Village.objects.filter(commune=new_commune, continues__commune=link.old)
        if not villages.exists():
            continue
        found.append(Carried(
            link.old, villages.count(),
            Household.objects.filter(commune=new_commune,
                                     continues__commune=link.old).count(),
            Person.objects.filter(household__commune=new_commune,
                                  continues__household__commune=link.old).count()))
    return found


def before_the_line(person: Person) -> list[tuple[Person, list[PersonYear]]]:
    """The rows ``person`` carries on, newest first, each with its survey years: their
    history under the old commune, read on the person's page."""
    found = []
    pk = person.continues_id
    while pk is not None:
        earlier = Person.objects.select_related("household__commune", "household__village").get(
            pk=pk)
        found.append((earlier, list(PersonYear.objects.filter(person=earlier)
                                    .order_by("-survey_year"))))
        pk = earlier.continues_id
    return found


def homes_for(old_commune: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The new communes a village of the old commune may go to: the commune's successors."""
    return [k.new for k in lineage.successors(old_commune)]


@transaction.atomic
def place(user: User | None, old_commune: AdministrativeUnit,
          homes: Mapping[int, AdministrativeUnit]) -> int:
    """Record where villages of a split old commune go (village id → new commune), audited;
    returns how many changed. ``user`` None is the system.

    Refused once a successor has crossed (the homes are then what was carried), for a
    village of another commune, and for a commune the conversion table does not give
    the old commune.
    """
    successors = homes_for(old_commune)
    if user is not None and not may_place_villages(user, successors):
        raise PermissionDenied("Chỉ cán bộ của các xã mới nhận xã này, hoặc của tỉnh, được"
                               " chọn xã mới cho các thôn.")
    if reason := freezing.carried_on(old_commune):
        raise CrossingRefused(f"{reason} Nơi về của các thôn đã được dùng, không đổi được nữa.")
    allowed = {c.pk for c in successors}
    villages = Village.objects.filter(commune=old_commune, pk__in=list(homes)).select_related(
        "home").in_bulk()
    changed = 0
    for village_id, new_commune in homes.items():
        if village_id not in villages:
            raise CrossingRefused(f"Thôn này không thuộc {old_commune.name}.")
        if new_commune.pk not in allowed:
            raise CrossingRefused(
                f"Theo bảng chuyển đổi ngày 01/7/2025, {old_commune.name} không chuyển vào"
                f" {new_commune.name}.")
        village = villages[village_id]
        home = getattr(village, "home", None)
        if home is not None and home.commune_id == new_commune.pk:
            continue
        before = None if home is None else audit.snapshot(home)
        home = home or VillageHome(village=village)
        home.commune = new_commune
        home.decided_by = user if getattr(user, "is_authenticated", False) else None
        home.save()
        audit.record(user, "create" if before is None else "update", home, before)
        changed += 1
    return changed
