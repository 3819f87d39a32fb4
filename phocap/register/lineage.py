"""Which communes of the list of 1 July 2025 continue which communes of the list before it.

The register keeps a commune's survey years under the unit of the list in force
on each year's reference date (units.vintage_for_year): up to 2024 an old
commune, from 2025 a new one. Everything that crosses that line (the roll-over
into 2025, what a merged commune's staff may read of its predecessors' years,
a new commune's series before 2025) asks this module, which reads the official
conversion table (units.registry) once and answers in the register's own rows.

A link is ``whole`` when the old commune went entirely into the new one and
``part`` when it was split among several: figures summed over predecessors are
exact only when every link is whole.

Provinces are linked through the same table: each row names the old commune's
province and the new commune's (``ConversionLink.old_province_code``,
``new_province_code``); in the table every old province goes into exactly one new
province (tests/web/test_after_the_line.py checks it), so the province links are the
distinct pairs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from phocap.register.models import AdministrativeUnit
from phocap.units import Vintage, conversion_links, new_to_old, old_to_new, vintage_for_year

if TYPE_CHECKING:
    from phocap.accounts.models import User

FIRST_YEAR_AFTER = 2025
"""The first survey year recorded under the communes of 1 July 2025."""
OLD = Vintage.V2025_01_04.value
NEW = Vintage.V2025_07_01.value


@dataclass(frozen=True)
class Link:
    """One old commune going (wholly or in part) into one new commune."""

    old: AdministrativeUnit
    new: AdministrativeUnit
    whole: bool


def is_old(unit: AdministrativeUnit) -> bool:
    """Whether the unit belongs to the list before 1 July 2025."""
    return unit.vintage == OLD


def vintage_of_year(year: int) -> str:
    """The vintage whose units hold survey year ``year`` in the register."""
    return vintage_for_year(year).value


def predecessors(unit: AdministrativeUnit) -> list[Link]:
    """The old communes in the register that went into the new commune ``unit``.

    Links whose old commune is not a unit of the register (an island district,
    a ward created between the two lists) are left out: nothing of theirs can be
    in the register.
    """
    return predecessors_of([unit])[unit.pk]


def predecessors_of(units: list[AdministrativeUnit]) -> dict[int, list[Link]]:
    """``predecessors`` of each unit, by pk, in one query (a province's communes at once)."""
    new = [u for u in units if u.vintage == NEW and u.type == AdministrativeUnit.Type.COMMUNE]
    links = {u.pk: new_to_old(u.code) for u in new}
    found = {u.code: u for u in AdministrativeUnit.objects.filter(
        vintage=OLD, type=AdministrativeUnit.Type.COMMUNE,
        code__in={k.old_commune_code for found in links.values() for k in found
                  if k.old_commune_code})}
    answer: dict[int, list[Link]] = {u.pk: [] for u in units}
    for unit in new:
        answer[unit.pk] = [Link(found[k.old_commune_code], unit, k.note != "part")
                           for k in links[unit.pk] if k.old_commune_code in found]
    return answer


def successors(unit: AdministrativeUnit) -> list[Link]:
    """The new communes in the register that received (part of) the old commune ``unit``."""
    if unit.vintage != OLD or unit.type != AdministrativeUnit.Type.COMMUNE:
        return []
    links = old_to_new(unit.code)
    found = {u.code: u for u in AdministrativeUnit.objects.filter(
        vintage=NEW, type=AdministrativeUnit.Type.COMMUNE,
        code__in=[k.new_commune_code for k in links])}
    return [Link(unit, found[k.new_commune_code], k.note != "part")
            for k in links if k.new_commune_code in found]


def is_split(unit: AdministrativeUnit) -> bool:
    """Whether the old commune ``unit`` went into more than one new commune."""
    return len({k.new.pk for k in successors(unit)}) > 1


@functools.cache
def _province_pairs() -> frozenset[tuple[str, str]]:
    """(old province code, new province code) of every row of the conversion table."""
    return frozenset((k.old_province_code, k.new_province_code) for k in conversion_links()
                     if k.old_province_code)


def province_predecessors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The old provinces in the register that went into the new province ``unit``.

    A province went whole into one new province (the conversion table sends
    every commune of an old province to the same new province; the tests check
    it), so a new province's figures before 2025 are its old provinces' figures,
    exact but for a predecessor that has none.
    """
    if unit.vintage != NEW or unit.type != AdministrativeUnit.Type.PROVINCE:
        return []
    codes = {old for old, new in _province_pairs() if new == unit.code}
    return list(AdministrativeUnit.objects.filter(
        vintage=OLD, type=AdministrativeUnit.Type.PROVINCE, code__in=codes).order_by("code"))


def continued_by(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The new units in the register that carry an old unit's figures after 2024.

    An old commune: the new communes that received it (several when it was
    split); an old district or province: the new province of its communes.
    A new unit continues nothing.
    """
    if not is_old(unit):
        return []
    if unit.type == AdministrativeUnit.Type.COMMUNE:
        return sorted({k.new.pk: k.new for k in successors(unit)}.values(), key=lambda u: u.code)
    # A district lies in one old province, and an old province went whole into one new
    # province (the module docstring): both are continued by that province.
    province = unit if unit.type == AdministrativeUnit.Type.PROVINCE else unit.parent
    found = province_successor(province) if province is not None else None
    return [found] if found is not None else []


def province_successor(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """The new province in the register that the old province ``unit`` went into."""
    if unit.vintage != OLD or unit.type != AdministrativeUnit.Type.PROVINCE:
        return None
    codes = {new for old, new in _province_pairs() if old == unit.code}
    found = list(AdministrativeUnit.objects.filter(
        vintage=NEW, type=AdministrativeUnit.Type.PROVINCE, code__in=codes))
    return found[0] if len(found) == 1 else None


def history_units(user: User) -> frozenset[int]:
    """The old units whose history a new unit's staff read (accounts/hooks.history_units):
    a new commune's predecessor communes, a new province's predecessor provinces (with
    everything below them). An old unit's staff, a district's and the ministry's read
    no more than their own scope (the ministry covers everything already)."""
    unit = user.unit
    if unit is None or unit.vintage != NEW:
        return frozenset()
    if unit.type == AdministrativeUnit.Type.COMMUNE:
        return frozenset(link.old.pk for link in predecessors(unit))
    return frozenset(p.pk for p in province_predecessors(unit))
