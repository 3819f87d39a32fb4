"""The recognition conditions of each commune and year, from what the schools entered.

docs/rules.md §3 (TT07 Arts 3–6): besides the rates, recognition needs preschool ≥ 1
classroom per 5-year-olds' class, primary ≥ 0,7 and THCS ≥ 0,5 classrooms per
class, teachers meeting the staffing norm and a monitoring officer appointed.
The answer has the shape engine.evaluate_counts takes, ``{commune code:
{standard: met}}``; a standard is left out (so the engine reports "conditions
not assessed") unless everything it depends on was entered: the commune's
monitoring officer for the year, and the yearly facts of every school teaching
classes of the standard's level that year.

[interpretation] The room and teacher norms are applied school by school: a
commune meets them for a level when each school teaching that level does (a
spare room in one school seats no pupil of another). A school teaching two
levels (tiểu học và THCS) is judged on the sum of both levels' needs.
[interpretation] Literacy (XMC) depends on the monitoring officer only: its
classes are not school classes.

Survey year Y is school year Y–(Y+1) (docs/rules.md §1), so both use the same number.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from phocap.register.hooks import Unmet
from phocap.register.models import AdministrativeUnit
from phocap.schools import norms
from phocap.schools.models import MonitoringOfficer, School, SchoolClass, SchoolYearFacts, Staff

# The engine's standards (rules/data/*.toml) and the school level each depends on.
STANDARD_LEVELS: dict[str, str | None] = {
    "preschool_5": norms.PRESCHOOL,
    "primary": norms.PRIMARY,
    "lower_secondary": norms.LOWER_SECONDARY,
    "literacy": None,
}


@dataclass(frozen=True)
class SchoolYear:
    """One school's counts for a year, and whether it entered its facts."""

    school: School
    counts: norms.SchoolCounts
    entered: bool

    @property
    def meets(self) -> bool:
        return norms.meets_classroom_norm(self.counts) and norms.meets_teacher_norm(self.counts)


def _staff(school_ids: Iterable[int]) -> tuple[dict[int, Counter[str]], Counter[int]]:
    """The active teachers (by subject) and nurses of each school, as they are now."""
    teachers: dict[int, Counter[str]] = defaultdict(Counter)
    nurses: Counter[int] = Counter()
    for school_id, role, subject in Staff.objects.filter(
            school_id__in=list(school_ids), active=True).values_list("school_id", "role",
                                                                     "subject"):
        if role == Staff.Role.TEACHER:
            teachers[school_id][subject or "other"] += 1
        elif role == Staff.Role.NURSE:
            nurses[school_id] += 1
    return teachers, nurses


def school_years(schools: Iterable[School], year: int) -> dict[int, SchoolYear]:
    """Counts of each school in school year ``year``: four queries whatever the number.

    Staff are counted as they are now, except in a frozen year, which counts the
    staff pinned when it froze (``pin_staff``).
    """
    found = {s.pk: s for s in schools}
    classes: dict[int, Counter[str]] = defaultdict(Counter)
    fives: Counter[int] = Counter()
    for school_id, grade in SchoolClass.objects.filter(
            school_id__in=found, school_year=year).values_list("school_id", "grade"):
        level = norms.level_of_grade(grade)
        if level is not None:
            classes[school_id][level] += 1
        if grade.strip().upper() == "MG5":
            fives[school_id] += 1
    facts: dict[int, int] = {}
    teachers, nurses = _staff(found)
    for school_id, classrooms, pinned in SchoolYearFacts.objects.filter(
            school_id__in=found, school_year=year).values_list("school_id", "classrooms",
                                                               "pinned_staff"):
        facts[school_id] = classrooms
        if pinned is not None:
            teachers[school_id] = Counter(pinned["teachers"])
            nurses[school_id] = pinned["nurses"]
    return {
        pk: SchoolYear(school, norms.SchoolCounts(
            classes=dict(classes[pk]), five_year_old_classes=fives[pk],
            classrooms=facts.get(pk, 0), teachers=dict(teachers[pk]), nurses=nurses[pk]),
            entered=pk in facts)
        for pk, school in found.items()
    }


def pin_staff(communes: Iterable[AdministrativeUnit], year: int) -> None:
    """Keep the staff counted in the communes' conditions of ``year``: the year freezes.

    Only schools that entered the year's facts count towards the conditions
    (``for_communes``); a year pinned already keeps its pin.
    """
    rows = list(SchoolYearFacts.objects.filter(school__commune__in=list(communes),
                                               school_year=year, pinned_staff__isnull=True))
    teachers, nurses = _staff(row.school_id for row in rows)
    for row in rows:
        row.pinned_staff = {"teachers": dict(teachers[row.school_id]),
                            "nurses": nurses[row.school_id]}
        row.save(update_fields=["pinned_staff"])


def release_staff(communes: Iterable[AdministrativeUnit], year: int) -> None:
    """Count the communes' staff of ``year`` as they are now again: the year is open."""
    SchoolYearFacts.objects.filter(school__commune__in=list(communes), school_year=year,
                                   pinned_staff__isnull=False).update(pinned_staff=None)


@dataclass(frozen=True)
class Assessed:
    """A commune's conditions for one standard: met, and what fails when not."""

    met: bool
    officer: bool  # a monitoring officer is appointed for the year
    failing: tuple[SchoolYear, ...]  # schools teaching the level below a norm


def assess(communes: Iterable[AdministrativeUnit],
           year: int) -> dict[str, dict[str, Assessed]]:
    """``{commune code: {standard: Assessed}}`` for the standards whose conditions were
    entered (see the module's docstring for when a standard is left out)."""
    by_pk = {c.pk: c for c in communes}
    officers = {commune_id: bool(name.strip()) for commune_id, name in
                MonitoringOfficer.objects.filter(commune_id__in=by_pk, school_year=year)
                .values_list("commune_id", "full_name")}
    schools = list(School.objects.filter(commune_id__in=by_pk))
    years = school_years(schools, year)
    serving: dict[tuple[int, str], list[SchoolYear]] = defaultdict(list)
    for school_year in years.values():
        for taught, n in school_year.counts.classes.items():
            if n > 0:
                serving[(school_year.school.commune_id, taught)].append(school_year)
    result: dict[str, dict[str, Assessed]] = {}
    for pk, commune in by_pk.items():
        if pk not in officers:
            continue
        found: dict[str, Assessed] = {}
        for standard, level in STANDARD_LEVELS.items():
            if level is None:
                found[standard] = Assessed(officers[pk], officers[pk], ())
                continue
            teaching = serving.get((pk, level), [])
            if not teaching or not all(s.entered for s in teaching):
                continue
            failing = tuple(sorted((s for s in teaching if not s.meets),
                                   key=lambda s: s.school.name))
            found[standard] = Assessed(officers[pk] and not failing, officers[pk], failing)
        result[commune.code] = found
    return result


def for_communes(communes: Iterable[AdministrativeUnit], year: int) -> dict[str, dict[str, bool]]:
    """``{commune code: {standard: met}}`` for the standards whose conditions were entered."""
    return {code: {standard: assessed.met for standard, assessed in found.items()}
            for code, found in assess(communes, year).items()}


def unmet(commune: AdministrativeUnit, year: int) -> dict[str, list[Unmet]]:
    """Why each standard's conditions fail in a commune: no monitoring officer, or each
    school below a norm with the norm, its arithmetic and the shortfall
    (``norms.checks``): "Phòng học: 12 phòng / 15 lớp THCS = 0,80 phòng/lớp, cần ≥ 1;
    thiếu 3 phòng". Standards met or not assessed are left out."""
    found: dict[str, list[Unmet]] = {}
    for standard, assessed in assess([commune], year).get(commune.code, {}).items():
        if assessed.met:
            continue
        reasons = [] if assessed.officer else [
            Unmet(None, "", ("Chưa phân công cán bộ theo dõi công tác phổ cập của xã",))]
        reasons += [Unmet(s.school.pk, s.school.name,
                          tuple(c.sentence for c in norms.checks(s.counts) if not c.met))
                    for s in assessed.failing]
        found[standard] = reasons
    return found
