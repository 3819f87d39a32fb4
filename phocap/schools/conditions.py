"""The recognition conditions of each commune and year, from what the schools entered.

docs/rules.md §3 (TT07 Arts 3–6): besides the rates, recognition needs conditions of
each school answering for a standard (``norms.STANDARD_CONDITIONS``, each with its
article): rooms (primary ≥ 0,7 and THCS ≥ 0,5 per class; the 5-year-olds' classes'
own rooms ≥ 1 per class), teachers by the staffing norms (the 5-year-olds' classes'
teachers for preschool), every teacher at the qualification standard, and the
school's monitoring person. The answer has the shape engine.evaluate_counts takes,
``{commune code: {standard: met}}``; a standard is left out (so the engine reports
"conditions not assessed") when no school answers for it, or when one has not
entered its year's facts or a count a condition needs and none fails.

[interpretation] The conditions are applied school by school: a commune meets them
for a standard when each school answering for it does (a spare room in one school
seats no pupil of another). A school teaching two levels (tiểu học và THCS) is judged
on the sum of both levels' needs. [interpretation] Literacy (XMC) depends on the
monitoring persons of the schools teaching primary: its classes are not school
classes, and the establishments taking part in it are not recorded.

Survey year Y is school year Y–(Y+1) (docs/rules.md §1), so both use the same number.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from phocap import rules
from phocap.register.hooks import Unmet
from phocap.register.models import AdministrativeUnit
from phocap.schools import norms
from phocap.schools.models import School, SchoolClass, SchoolYearFacts, Staff

# What a school enters with its yearly facts that the conditions count (norms.SchoolCounts).
ENTERED = ("classrooms", "five_year_old_teachers", "five_year_old_rooms",
           "kindergarten_teachers", "kindergarten_rooms", "qualified_teachers",
           "monitoring_person")

# The engine's standards (rules/data/*.toml) and the school level each depends on
# (literacy: the schools teaching primary answer for it [interpretation]).
STANDARD_LEVELS: dict[str, str] = {
    "preschool_5": norms.PRESCHOOL,
    "primary": norms.PRIMARY,
    "lower_secondary": norms.LOWER_SECONDARY,
    "literacy": norms.PRIMARY,
    # Decree 277/2025, from its draft: the kindergarten classes' teachers and rooms (D14).
    "preschool_3_5": norms.PRESCHOOL,
}


def standards_of(year: int) -> list[str]:
    """The standards of STANDARD_LEVELS the ruleset of ``year`` judges (preschool_3_5 from
    2025 only); every one for a year no ruleset covers."""
    try:
        judged = rules.for_year(year).standards
    except rules.RulesetError:
        return list(STANDARD_LEVELS)
    return [standard for standard in STANDARD_LEVELS if standard in judged]


@dataclass(frozen=True)
class SchoolYear:
    """One school's counts for a year, and whether it entered its facts."""

    school: School
    counts: norms.SchoolCounts
    entered: bool

    @property
    def meets(self) -> bool:
        """Every condition that applies to the school met (``norms.meets``)."""
        return self.entered and norms.meets(self.counts) is True

    def verdict(self, standard: str) -> bool | None:
        """The school's conditions of ``standard``: None (not assessed) until its year's
        facts are entered, whatever the staff list says."""
        return norms.meets(self.counts, standard) if self.entered else None


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
    grades: dict[int, Counter[tuple[str, bool]]] = defaultdict(Counter)
    for school_id, grade, two_sessions in SchoolClass.objects.filter(
            school_id__in=found, school_year=year).values_list("school_id", "grade",
                                                               "two_sessions"):
        grades[school_id][(grade.strip().upper(), two_sessions)] += 1
    teachers, nurses = _staff(found)
    facts = {row["school_id"]: row for row in SchoolYearFacts.objects.filter(
        school_id__in=found, school_year=year).values("school_id", "pinned_staff", *ENTERED)}
    for row in facts.values():
        if row["pinned_staff"] is not None:
            teachers[row["school_id"]] = Counter(row["pinned_staff"]["teachers"])
            nurses[row["school_id"]] = row["pinned_staff"]["nurses"]
    return {
        pk: SchoolYear(school, norms.SchoolCounts(
            grades=dict(grades[pk]), teachers=dict(teachers[pk]), nurses=nurses[pk],
            **({name: facts[pk][name] for name in ENTERED} if pk in facts
               else {"classrooms": 0})), entered=pk in facts)
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
    """A commune's conditions for one standard: met, not met, or not assessed (None), and why."""

    met: bool | None
    failing: tuple[SchoolYear, ...]  # schools answering for the standard below a condition
    missing: tuple[SchoolYear, ...]  # schools that have not entered what a condition needs


def _by_name(found: Iterable[SchoolYear]) -> tuple[SchoolYear, ...]:
    return tuple(sorted(found, key=lambda s: s.school.name))


def assess(communes: Iterable[AdministrativeUnit],
           year: int) -> dict[str, dict[str, Assessed]]:
    """``{commune code: {standard: Assessed}}`` for the standards some school of the commune
    answers for (see the module's docstring). A school failing a condition fails the
    standard; otherwise a school that has not entered what a condition needs leaves it
    not assessed (``met`` None): nothing unentered is ever a pass."""
    by_pk = {c.pk: c for c in communes}
    schools = list(School.objects.filter(commune_id__in=by_pk))
    years = school_years(schools, year)
    result: dict[str, dict[str, Assessed]] = {}
    for pk, commune in by_pk.items():
        own = [s for s in years.values() if s.school.commune_id == pk]
        found: dict[str, Assessed] = {}
        for standard in standards_of(year):
            judged = [s for s in own if norms.classes_judged(s.counts, standard) > 0]
            if not judged:
                continue
            verdicts = [(s, s.verdict(standard)) for s in judged]
            failing = _by_name(s for s, met in verdicts if met is False)
            missing = _by_name(s for s, met in verdicts if met is None)
            found[standard] = Assessed(False if failing else None if missing else True,
                                       failing, missing)
        if found:
            result[commune.code] = found
    return result


def for_communes(communes: Iterable[AdministrativeUnit], year: int) -> dict[str, dict[str, bool]]:
    """``{commune code: {standard: met}}`` for the standards assessed: one left out is
    "conditions not assessed" to the engine."""
    found = {code: {standard: assessed.met for standard, assessed in standards.items()
                    if assessed.met is not None}
             for code, standards in assess(communes, year).items()}
    return {code: standards for code, standards in found.items() if standards}


def _reasons(school_year: SchoolYear, standard: str, states: tuple[bool | None, ...]) -> Unmet:
    """A school's checks of ``standard`` in one of ``states`` (failing, or not entered),
    each as its sentence; a school without its year's facts says so."""
    if not school_year.entered:
        sentences: tuple[str, ...] = ("Chưa nhập số liệu năm học",)
    else:
        sentences = tuple(c.sentence for c in norms.checks(
            school_year.counts, norms.STANDARD_CONDITIONS[standard]) if c.met in states)
    return Unmet(school_year.school.pk, school_year.school.name, sentences)


def unmet(commune: AdministrativeUnit, year: int) -> dict[str, list[Unmet]]:
    """Why each standard's conditions fail or are not assessed in a commune: each school
    below a condition with the norm, its arithmetic and the shortfall (``norms.checks``):
    "Phòng học: 12 phòng / 15 lớp THCS = 0,80 phòng/lớp, cần ≥ 1; thiếu 3 phòng", or
    "Người theo dõi công tác phổ cập của trường: chưa phân công"; each school that has
    not entered what a condition needs ("Giáo viên dạy lớp mẫu giáo 5 tuổi: chưa nhập").
    Standards met are left out."""
    found: dict[str, list[Unmet]] = {}
    for standard, assessed in assess([commune], year).get(commune.code, {}).items():
        if assessed.met:
            continue
        reasons = [_reasons(s, standard, (False,)) for s in assessed.failing]
        reasons += [_reasons(s, standard, (None,)) for s in assessed.missing]
        found[standard] = reasons
    return found
