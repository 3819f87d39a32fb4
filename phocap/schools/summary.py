"""Figures of a group of schools in a school year: what the registry pages show per unit.

Each rate is a count over a count, shown as "57/65 (87,69%)" so an officer can
check it by hand. National standard: a school recognised at level 1 or 2
(Circulars 17, 18 and 19/2018/TT-BGDĐT, amended by Circular 22/2024/TT-BGDĐT;
recorded per school with its decision [the circulars were not read here: the
levels are what the school enters]). Pupils per site: class list entries of the
classes taught at the site; a class with no site recorded is counted at the
main site [interpretation].
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from phocap import numbers
from phocap.schools import norms
from phocap.schools.conditions import SchoolYear, school_years
from phocap.schools.models import School, SchoolClass, SchoolSite, SchoolYearFacts


@dataclass
class Figures:
    """Sums over some schools; ``rows`` for one row per level."""

    schools: int = 0
    standard: int = 0
    accredited: int = 0
    main_sites: int = 0
    satellite_sites: int = 0
    pupils: int = 0
    classes: int = 0
    classrooms: int = 0
    rooms_needed: int = 0  # Σ per school of ⌈the room norm's need⌉ (norms.classrooms_needed)
    judged: int = 0  # schools with classes a room norm applies to
    semi_boarding: int = 0
    meets: int = 0
    entered: int = 0
    shortages: Counter[str] = field(default_factory=Counter)

    def add(self, other: Figures) -> None:
        for name in ("schools", "standard", "accredited", "main_sites", "satellite_sites",
                     "pupils", "classes", "classrooms", "rooms_needed", "judged",
                     "semi_boarding", "meets", "entered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.shortages.update(other.shortages)

    @property
    def standard_rate(self) -> str:
        return norms.rate(self.standard, self.schools)

    @property
    def accredited_rate(self) -> str:
        return norms.rate(self.accredited, self.schools)

    @property
    def rooms_per_class(self) -> str:
        return norms.per(self.classrooms, self.classes)

    @property
    def rooms_against_norm(self) -> str:
        """"34/30": the rooms there are over the rooms the norm asks of these schools (1 per
        5-year-olds' class, 0,7 per primary and 0,5 per THCS class, each school
        separately); "34/—" where no room norm applies (upper secondary)."""
        need = numbers.integer(self.rooms_needed) if self.judged else numbers.DASH
        return f"{numbers.integer(self.classrooms)}/{need}"

    @property
    def pupils_per_site(self) -> str:
        return norms.per(self.pupils, self.main_sites + self.satellite_sites)

    @property
    def shortage_list(self) -> list[tuple[str, int]]:
        names = {**norms.SUBJECTS, norms.NURSE: "nhân viên y tế",
                 "total": "tổng số giáo viên (so với định mức tối đa)"}
        return [(names.get(k, k), n) for k, n in sorted(self.shortages.items())]


@dataclass
class SchoolFigures:
    school: School
    year: SchoolYear
    figures: Figures
    sites: list[tuple[SchoolSite | None, int]]  # (site, pupils); None: classes with no site
    shortages: dict[str, int]

    @property
    def checks(self) -> list[norms.Check]:
        """The conditions that decide recognition, with their arithmetic and citation."""
        return norms.checks(self.year.counts)

    @property
    def verdict(self) -> bool | None:
        """Every condition met, one failing, or (None) one not entered (``norms.verdict``)."""
        return norms.verdict(self.checks)


def per_school(schools: Iterable[School], year: int) -> list[SchoolFigures]:
    """Each school's figures in school year ``year``; a handful of queries for any number."""
    schools = list(schools)
    ids = [s.pk for s in schools]
    counted = school_years(schools, year)
    sites: dict[int, list[SchoolSite]] = defaultdict(list)
    for site in SchoolSite.objects.filter(school_id__in=ids).order_by("-main", "name"):
        sites[site.school_id].append(site)
    pupils_at: Counter[tuple[int, int | None]] = Counter()
    for row in (SchoolClass.objects.filter(school_id__in=ids, school_year=year)
                .values("school_id", "site_id").annotate(n=Count("pupils"))):
        pupils_at[(row["school_id"], row["site_id"])] += row["n"]
    boarding = dict(SchoolYearFacts.objects.filter(school_id__in=ids, school_year=year)
                    .values_list("school_id", "semi_boarding_pupils"))
    found = []
    for school in schools:
        year_of = counted[school.pk]
        own = sites[school.pk]
        main = next((s for s in own if s.main), None)
        per_site: list[tuple[SchoolSite | None, int]] = []
        for site in own:
            n = pupils_at[(school.pk, site.pk)]
            if site is main:
                n += pupils_at[(school.pk, None)]
            per_site.append((site, n))
        if main is None and pupils_at[(school.pk, None)]:
            per_site.append((None, pupils_at[(school.pk, None)]))
        shortages = norms.shortages(year_of.counts) if year_of.counts.classes else {}
        figures = Figures(
            schools=1, standard=int(school.national_standard_level >= 1),
            accredited=int(school.accreditation_level >= 1),
            main_sites=sum(1 for s in own if s.main),
            satellite_sites=sum(1 for s in own if not s.main),
            pupils=sum(n for _, n in per_site),
            classes=sum(year_of.counts.classes.values()),
            classrooms=year_of.counts.classrooms,
            rooms_needed=math.ceil(norms.classrooms_needed(year_of.counts)),
            judged=int(any(c.name in (norms.ROOMS, norms.ROOMS_5)
                           for c in norms.checks(year_of.counts))),
            semi_boarding=boarding.get(school.pk, 0),
            meets=int(year_of.entered and bool(year_of.counts.classes) and year_of.meets),
            entered=int(year_of.entered),
            shortages=Counter(shortages),
        )
        found.append(SchoolFigures(school, year_of, figures, per_site, shortages))
    return found


def by_level(rows: Iterable[SchoolFigures]) -> list[dict[str, object]]:
    """One line per school level present, in School.Level order, then the total."""
    sums: dict[str, Figures] = defaultdict(Figures)
    total = Figures()
    for row in rows:
        sums[row.school.level].add(row.figures)
        total.add(row.figures)
    lines: list[dict[str, object]] = [{"level": label, "figures": sums[value]}
                                   for value, label in School.Level.choices if value in sums]
    if lines:
        lines.append({"level": None, "figures": total})
    return lines


def total(rows: Iterable[SchoolFigures]) -> Figures:
    found = Figures()
    for row in rows:
        found.add(row.figures)
    return found
