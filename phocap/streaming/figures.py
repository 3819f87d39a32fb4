"""The streaming figures of a unit: its graduates' destinations against the targets.

Reads the database once per kind of thing (class lists with their destinations,
ĐBKK flags, the province's targets) and leaves the arithmetic to rates.py. A
commune's target is the ĐBKK variant when the register flags the commune as
especially difficult in that survey year (UnitYear); a school follows its
commune, and a district or province weighs its communes' targets by their
graduates (rates.weighted_target).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from phocap.register.models import AdministrativeUnit, UnitYear
from phocap.schools.models import Enrolment, School
from phocap.streaming.models import StreamingTarget
from phocap.streaming.rates import (
    TARGETED,
    Destination,
    Stream,
    Tally,
    combine,
    tally,
    target_for,
    weighted_target,
)

# The class lists of the graduating cohort: grade 9, general or continuing education.
GRADE_NINE = ("9", "BT9")


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    return next((u for u in (unit, *unit.ancestors())
                 if u.type == AdministrativeUnit.Type.PROVINCE), None)


def province_targets(province: AdministrativeUnit | None,
                     school_year: int) -> dict[tuple[Stream, bool], Decimal]:
    """The targets the province set for the year (without the historic defaults)."""
    if province is None:
        return {}
    return {(Stream(t.stream), t.especially_difficult): t.rate
            for t in StreamingTarget.objects.filter(province=province, school_year=school_year)}


def difficult_communes(communes: list[AdministrativeUnit], survey_year: int) -> set[int]:
    return set(UnitYear.objects.filter(unit__in=communes, survey_year=survey_year,
                                       especially_difficult=True)
               .values_list("unit_id", flat=True))


def school_tallies(communes: list[AdministrativeUnit], school_year: int) -> dict[int, Tally]:
    """Each school's grade-9 cohort of the year, by destination (schools without one absent)."""
    pairs: dict[int, list[tuple[Destination | None, bool]]] = {}
    rows = (Enrolment.objects.filter(klass__school_year=school_year, klass__grade__in=GRADE_NINE,
                                     klass__school__commune__in=communes)
            .values_list("klass__school_id", "destination__destination",
                         "destination__graduated"))
    for school_id, destination, graduated in rows:
        pairs.setdefault(school_id, []).append(
            (Destination(destination) if destination else None, bool(graduated)))
    return {school_id: tally(found) for school_id, found in pairs.items()}


@dataclass(frozen=True)
class Figures:
    """A row of the rates page: a unit or school, its tally and its targets by stream."""

    label: str
    tally: Tally
    targets: dict[Stream, Fraction | None]
    difficult: bool | None  # for a commune or school; None for a larger unit
    unit: AdministrativeUnit | None = None
    school: School | None = None


class UnitFigures:
    """Everything the rates page of one unit needs, computed once."""

    def __init__(self, unit: AdministrativeUnit, communes: list[AdministrativeUnit],
                 school_year: int) -> None:
        self.unit, self.school_year = unit, school_year
        self.communes = communes
        self.set_by_province = province_targets(province_of(unit), school_year)
        self.difficult = difficult_communes(communes, school_year)
        self.schools = list(School.objects.filter(commune__in=communes)
                            .select_related("commune").order_by("commune__code", "name"))
        by_school = school_tallies(communes, school_year)
        self.school_tally = {s.pk: by_school[s.pk] for s in self.schools if s.pk in by_school}
        self.commune_tally = {
            c.pk: combine(t for s in self.schools if s.commune_id == c.pk
                          for t in [self.school_tally.get(s.pk, Tally())])
            for c in communes}

    def commune_target(self, commune_id: int, stream: Stream) -> Decimal | None:
        return target_for(stream, commune_id in self.difficult, self.set_by_province)

    def of_communes(self, label: str, communes: list[AdministrativeUnit],
                    unit: AdministrativeUnit | None = None) -> Figures:
        found = combine(self.commune_tally[c.pk] for c in communes)
        targets = {stream: weighted_target(
            (self.commune_tally[c.pk].graduate_count, self.commune_target(c.pk, stream))
            for c in communes) for stream in TARGETED}
        difficult = (communes[0].pk in self.difficult) if len(communes) == 1 else None
        return Figures(label, found, targets, difficult, unit=unit)

    def total(self) -> Figures:
        return self.of_communes(self.unit.name, self.communes, self.unit)

    def children(self) -> list[Figures]:
        """The schools of a commune; the units directly below a district or province."""
        if self.unit.type == AdministrativeUnit.Type.COMMUNE:
            return [Figures(s.name, self.school_tally[s.pk],
                            {stream: _fraction(self.commune_target(s.commune_id, stream))
                             for stream in TARGETED},
                            s.commune_id in self.difficult, school=s)
                    for s in self.schools if s.pk in self.school_tally]
        found = []
        for child in AdministrativeUnit.objects.filter(parent=self.unit).order_by("code"):
            below = [c for c in self.communes if c.pk == child.pk or c.parent_id == child.pk]
            if below:
                found.append(self.of_communes(child.name, below, child))
        return found


def _fraction(value: Decimal | None) -> Fraction | None:
    return None if value is None else Fraction(value)
