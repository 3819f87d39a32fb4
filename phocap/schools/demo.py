"""Demo schools for communes already in the register, built from what the survey says.

Every person surveyed in ``school_year`` with a ``current_school`` code (made
by synth/plan.py ``_schools``: area + type + number, e.g. "11100TH01") and a
``current_class`` is a pupil of that school: schools, their classes and class
lists follow from the register, so the class lists match the register by
construction and the reconciliation shows exactly the children the survey
counts as not in school. The rest is drawn, deterministically from ``seed``:
satellite sites in the villages far from the main site, rooms, staff (with
some shortages, as in a mountainous district), national-standard and
accreditation status, and each school's monitoring person.

A school serving several communes (upper secondary, continuing education) is
placed in the commune where most of its pupils live; a commune's schools of one
kind are numbered ("số 2"). From survey year 2025 the survey names the schools
by their codes of the new list (synth/reform.py), so the schools of 2025 are
new rows under the new communes and those of the years before stay with the
old communes, whose history they are. Synthetic: nothing here describes a real
school.

Idempotent: a school, its year's classes, its staff and its facts are built
only when missing, so a second call changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.db import transaction

from phocap.accounts.models import Role, User
from phocap.register import audit
from phocap.register.models import AdministrativeUnit, PersonYear
from phocap.schools import norms
from phocap.schools.models import (
    Enrolment,
    School,
    SchoolClass,
    SchoolSite,
    SchoolYearFacts,
    Staff,
)

_CODE = re.compile(r"^\d+(MN|TH|CS|LC|PT|GX)(\d+)$")
LEVELS = {"MN": School.Level.PRESCHOOL, "TH": School.Level.PRIMARY,
          "CS": School.Level.LOWER_SECONDARY, "LC": School.Level.PRIMARY_LOWER_SECONDARY,
          "PT": School.Level.UPPER_SECONDARY, "GX": School.Level.CONTINUING}
NAMES = {"MN": "Trường Mầm non", "TH": "Trường Tiểu học", "CS": "Trường THCS",
         "LC": "Trường PTDTBT TH và THCS", "PT": "Trường THPT", "GX": "Trung tâm GDNN–GDTX"}
CLASS_SIZE = {norms.PRESCHOOL: 25}
DEFAULT_CLASS_SIZE = 35
# Grades taught at a satellite site, in the pupils' own village.
SATELLITE_GRADES = {"NT", "MG3", "MG4", "MG5", "1", "2", "3"}
MIN_SATELLITE_PUPILS = 12
# Shares of schools below the norms. A shortage of teachers or rooms fails the
# commune's recognition conditions (docs/rules.md §3), and the district the demo
# reproduces was recognised at its levels, so such shortages are rare; a missing
# specialist (informatics, English), which does not block recognition, is common
# in a mountainous district. Every school has appointed its monitoring person.
# synthetic.
SHORT_OF_NORM = 1 / 40
SHORT_OF_ROOMS = 1 / 40
MISSING_SPECIALIST = 0.4
NO_NURSE = 0.25
NO_MONITORING_PERSON = 0.0
# Qualification weights (below, standard, above the training standard) of the teachers:
# none below, since TT07 Arts 3–5 ask for 100% at standard and the district reproduced
# was recognised (other staff keep a few below). synthetic.
QUALIFIED = (0, 60, 35)
# THCS pupils living away from the main site's village who board at school. synthetic.
SEMI_BOARDING_SHARE = 0.4
MAX_SATELLITES = 4
FAMILY = ("Lò", "Quàng", "Lường", "Cà", "Tòng", "Nguyễn", "Trần", "Lê", "Phạm", "Vì", "Giàng")
GIVEN = ("Văn Hùng", "Thị Hoa", "Văn Minh", "Thị Lan", "Thị Hương", "Văn Thắng", "Thị Mai",
         "Văn Dũng", "Thị Thu", "Văn Toàn", "Thị Hạnh", "Văn Long", "Thị Nga", "Văn Sơn")


def _grade(current_class: str) -> str:
    """The class code without its marks (repeater "!", two sessions "*")."""
    return current_class.rstrip("!*")


def load_demo(communes: Sequence[AdministrativeUnit], school_year: int, seed: int,
              account: str = "truong") -> dict[str, int]:
    """Build the communes' schools for ``school_year``; returns what was created.

    The school staff account ``account``, if it exists, becomes the homeroom
    teacher of the first class of a school in its commune.
    """
    rng = random.Random(f"schools-{school_year}-{seed}")
    by_pk = {c.pk: c for c in communes}
    pupils = list(
        PersonYear.objects.filter(person__household__commune_id__in=by_pk,
                                  survey_year=school_year)
        .exclude(current_school="").exclude(current_class="")
        .values("person_id", "current_school", "current_class", "class_repeater",
                "person__full_name", "person__birth_date", "person__birth_year",
                "person__sex", "person__ethnicity", "person__household__village_id",
                "person__household__commune_id")
        .order_by("current_school", "person__full_name", "person_id"))
    by_school: dict[str, list[Mapping[str, object]]] = defaultdict(list)
    for row in pupils:
        found = _CODE.match(row["current_school"])
        if found and norms.level_of_grade(_grade(row["current_class"])) is not None:
            by_school[row["current_school"]].append(row)
    created: Counter[str] = Counter()
    entries: list[audit.Entry] = []
    homes = {  # each school's commune: where most of its pupils live
        code: cast(int, Counter(r["person__household__commune_id"] for r in rows)
                   .most_common(1)[0][0])
        for code, rows in by_school.items()}
    kinds = Counter((homes[code], _CODE.match(code).group(1))  # type: ignore[union-attr]
                    for code in by_school)
    ranks: Counter[tuple[int, str]] = Counter()
    with transaction.atomic():
        for code in sorted(by_school):
            kind = (homes[code], _CODE.match(code).group(1))  # type: ignore[union-attr]
            ranks[kind] += 1
            number = ranks[kind] if kinds[kind] > 1 else None
            _school(code, by_school[code], by_pk[homes[code]], number, school_year, rng,
                    created, entries)
        created["homeroom"] = _account(account, by_pk, school_year, entries)
        audit.record_many(None, entries)
    return dict(created)


def _entry(instance: Any, commune_id: int) -> audit.Entry:
    return audit.Entry("create", instance._meta.model_name, instance.pk, commune_id, None,
                       audit.snapshot(instance))


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"


def _school(code: str, rows: list[Mapping[str, Any]], commune: AdministrativeUnit,
            number: int | None, year: int, rng: random.Random, created: Counter[str],
            entries: list[audit.Entry]) -> None:
    """One school and its year; ``number`` tells it from the commune's other schools of its
    kind (None when it is the only one)."""
    kind = _CODE.match(code).group(1)  # type: ignore[union-attr]
    home = commune.pk
    school = School.objects.filter(code=code).first()
    if school is None:
        standard = rng.choices((0, 1, 2), (35, 55, 10))[0]
        school = School.objects.create(
            code=code, name=f"{NAMES[kind]} {commune.name}"
            + (f" số {number}" if number is not None else "")
            + (f" ({code})" if kind in ("PT", "GX") else ""),
            level=LEVELS[kind], commune=commune,
            national_standard_level=standard,
            national_standard_decision=f"{rng.randint(100, 2999)}/QĐ-UBND" if standard else "",
            national_standard_date=dt.date(year - rng.randint(0, 4), rng.randint(1, 12),
                                           rng.randint(1, 28)) if standard else None,
            accreditation_level=rng.choices((0, 1, 2, 3), (25, 35, 30, 10))[0])
        entries.append(_entry(school, home))
        created["schools"] += 1
    if SchoolClass.objects.filter(school=school, school_year=year).exists():
        return
    sites = _sites(school, rows, rng, created, entries, home)
    main = next(s for s in sites.values() if s.main)
    groups: dict[tuple[str, int], list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        grade = _grade(row["current_class"])
        village = row["person__household__village_id"]
        site = sites.get(village) if grade in SATELLITE_GRADES else None
        groups[(grade, (site or main).pk)].append(row)
    letters: Counter[str] = Counter()
    classes: list[SchoolClass] = []
    grades: Counter[tuple[str, bool]] = Counter()
    for (grade, site_id), members in sorted(groups.items(), key=lambda g: (_order(g[0][0]),
                                                                           g[0][1])):
        level = norms.level_of_grade(grade) or ""
        size = CLASS_SIZE.get(level, DEFAULT_CLASS_SIZE)
        parts = math.ceil(len(members) / size)
        for part in range(parts):
            letter = chr(ord("A") + letters[grade])
            letters[grade] += 1
            klass = SchoolClass.objects.create(school=school, site_id=site_id, school_year=year,
                                               name=f"{grade}{letter}", grade=grade)
            entries.append(_entry(klass, home))
            classes.append(klass)
            grades[(grade, klass.two_sessions)] += 1
            chosen = members[part::parts]
            pupils = Enrolment.objects.bulk_create([
                Enrolment(klass=klass, person_id=r["person_id"], pupil_no=i,
                          full_name=r["person__full_name"], birth_date=r["person__birth_date"],
                          birth_year=r["person__birth_year"], sex=r["person__sex"],
                          ethnicity=r["person__ethnicity"],
                          village_id=r["person__household__village_id"],
                          repeating=r["class_repeater"],
                          semi_boarding=(level == norms.LOWER_SECONDARY
                                         and r["person__household__village_id"] != main.village_id
                                         and rng.random() < SEMI_BOARDING_SHARE))
                for i, r in enumerate(sorted(chosen, key=lambda r: r["person__full_name"]),
                                      start=1)])
            entries += [_entry(p, home) for p in pupils]
            created["classes"] += 1
            created["pupils"] += len(pupils)
    _facts(school, year, classes, grades, rng, created, entries, home)
    _staff(school, grades, rng, created, entries, home)
    _qualified(school, year, entries, home)
    _homerooms(school, classes, entries, home)


def _homerooms(school: School, classes: list[SchoolClass], entries: list[audit.Entry],
               home: int) -> None:
    """A homeroom teacher for each new class: a primary class its class teacher, a
    kindergarten group a preschool teacher, others any teacher; one class each, as
    far as the staff go."""
    teachers = list(school.staff.filter(role=Staff.Role.TEACHER, active=True, user=None)
                    .order_by("pk"))
    preferred = {"class": [t for t in teachers if t.subject == "class"],
                 "preschool": [t for t in teachers if t.subject == "preschool"]}
    free = list(teachers)
    for klass in classes:
        level = norms.level_of_grade(klass.grade)
        pool = preferred.get("class" if level == norms.PRIMARY else "preschool"
                             if level == norms.PRESCHOOL else "", [])
        teacher = next((t for t in pool if t in free), None) or (free[0] if free else None)
        if teacher is None:
            return
        free.remove(teacher)
        klass.homeroom = teacher
        klass.save(update_fields=["homeroom"])
        entries.append(audit.Entry("update", "schoolclass", klass.pk, home, None,
                                   audit.snapshot(klass)))


def _order(grade: str) -> tuple[int, int]:
    if grade == "NT":
        return (0, 0)
    if grade.startswith("MG"):
        return (1, int(grade[2:]))
    return (2, int(grade.removeprefix("BT")))


def _sites(school: School, rows: list[Mapping[str, Any]], rng: random.Random,
           created: Counter[str], entries: list[audit.Entry],
           home: int) -> dict[int | None, SchoolSite]:
    """The main site in the village with the most pupils; satellites in the next villages
    with enough pupils of the lower grades (preschool and primary schools only)."""
    existing = list(school.sites.all())
    villages = Counter(r["person__household__village_id"] for r in rows)
    if not existing:
        ranked = [v for v, _ in villages.most_common()]
        main_village = ranked[0]
        existing.append(SchoolSite.objects.create(school=school, name="Điểm trường chính",
                                                  main=True, village_id=main_village))
        if school.level in (School.Level.PRESCHOOL, School.Level.PRIMARY,
                            School.Level.PRIMARY_LOWER_SECONDARY):
            low = Counter(r["person__household__village_id"] for r in rows
                          if _grade(r["current_class"]) in SATELLITE_GRADES)
            far = [v for v, n in low.most_common() if v != main_village
                   and n >= MIN_SATELLITE_PUPILS][:MAX_SATELLITES]
            for i, village in enumerate(far, start=1):
                existing.append(SchoolSite.objects.create(
                    school=school, name=f"Điểm lẻ {i}", main=False, village_id=village,
                    distance_km=round(rng.uniform(2, 15), 1)))
        for site in existing:
            entries.append(_entry(site, home))
            created["sites"] += 1
    found: dict[int | None, SchoolSite] = {}
    for site in existing:
        if site.main:
            found[None] = site
        if site.village_id is not None and not site.main:
            found[site.village_id] = site
        elif site.main and site.village_id is not None:
            found.setdefault(site.village_id, site)
    return found


def _need(grades: Mapping[tuple[str, bool], int], level: str) -> int:
    """The teachers the staffing norms ask for the school's classes of ``level``."""
    return math.ceil(norms.teachers_needed(norms.SchoolCounts(
        {g: n for g, n in grades.items() if norms.level_of_grade(g[0]) == level}, 0, {}, 0)))


def _levels(grades: Mapping[tuple[str, bool], int]) -> Counter[str]:
    return Counter({level: n for level, n in norms.SchoolCounts(grades, 0, {}, 0)
                    .classes.items()})


def _facts(school: School, year: int, classes: list[SchoolClass],
           grades: Mapping[tuple[str, bool], int],
           rng: random.Random, created: Counter[str], entries: list[audit.Entry],
           home: int) -> None:
    """A room for each class, or what the norm asks if that is more; about one school in
    forty one or two rooms short of the norm.

    The norm counts only some classes (a preschool's 5-year-olds' classes, none of
    upper secondary: docs/rules.md §3); rooms drawn from it alone gave a
    preschool 0,28 rooms per class and an upper secondary school 0,03. A preschool
    says how many of its teachers teach the 5-year-olds' classes: what the norm asks
    of them (its staff are hired to the norm, ``_staff``), and a room for each of its
    5-year-olds' classes as far as its rooms go.
    """
    if SchoolYearFacts.objects.filter(school=school, school_year=year).exists():
        return
    counts = norms.SchoolCounts(grades, 0, {}, 0)
    need = math.ceil(norms.classrooms_needed(counts))
    rooms = (max(0, need - rng.randint(1, 2)) if rng.random() < SHORT_OF_ROOMS
             else max(need, len(classes)) + rng.randint(0, 2))
    semi = Enrolment.objects.filter(klass__in=classes, semi_boarding=True).count()
    fives, kindergarten = counts.five_year_old_classes, counts.kindergarten_classes
    # Its own generator, so that the person drawn leaves the rest of the demo as it was.
    own = random.Random(f"monitoring-{school.code}-{year}")
    facts = SchoolYearFacts.objects.create(
        monitoring_person="" if own.random() < NO_MONITORING_PERSON else _name(own),
        monitoring_decision=f"{own.randint(10, 199)}/QĐ-HT",
        school=school, school_year=year, classrooms=rooms, semi_boarding_pupils=semi,
        five_year_old_teachers=math.ceil(norms.five_year_old_teachers_needed(counts))
        if fives else None,
        five_year_old_rooms=min(rooms, fives) if fives else None,
        kindergarten_teachers=math.ceil(norms.kindergarten_teachers_needed(counts))
        if kindergarten else None,
        kindergarten_rooms=min(rooms, kindergarten) if kindergarten else None)
    entries.append(_entry(facts, home))
    created["facts"] += 1


def _qualified(school: School, year: int, entries: list[audit.Entry], home: int) -> None:
    """The year's count of teachers at the qualification standard, as the staff list says
    (docs/rules.md §3, D11)."""
    facts = SchoolYearFacts.objects.get(school=school, school_year=year)
    if facts.qualified_teachers is not None:
        return
    facts.qualified_teachers = school.staff.filter(role=Staff.Role.TEACHER, active=True).exclude(
        qualification=Staff.Qualification.BELOW).count()
    facts.save(update_fields=["qualified_teachers"])
    entries.append(audit.Entry("update", "schoolyearfacts", facts.pk, home, None,
                               audit.snapshot(facts)))


def _hire(school: School, grades: Mapping[tuple[str, bool], int], rng: random.Random,
          created: Counter[str], entries: list[audit.Entry], home: int) -> None:
    """Teachers up to the norm for this year's classes (a school with more classes than
    last year hires; one with fewer keeps its staff)."""
    levels = _levels(grades)
    need = sum(_need(grades, level) for level in levels)
    have = school.staff.filter(role=Staff.Role.TEACHER, active=True).count()
    if have >= need:
        return
    subjects = ["class" if norms.PRIMARY in levels else "preschool"
                if norms.PRESCHOOL in levels
                else rng.choice(("mathematics", "vietnamese_literature"))
                for _ in range(need - have)]
    staff = Staff.objects.bulk_create([
        Staff(school=school, full_name=_name(rng), role=Staff.Role.TEACHER, subject=subject,
              qualification="standard") for subject in subjects])
    entries += [_entry(s, home) for s in staff]
    created["staff"] += len(staff)


def _staff(school: School, grades: Mapping[tuple[str, bool], int], rng: random.Random,
           created: Counter[str], entries: list[audit.Entry], home: int) -> None:
    """A principal, a vice-principal, a nurse (missing in some schools) and teachers: the
    norm's number (less one or two in about one school in forty), with a specialist
    missing in some schools, its hours taught by teachers of other subjects. In a
    later school year the staff stay and the school hires what its new classes need."""
    if school.staff.exists():
        _hire(school, grades, rng, created, entries, home)
        return
    levels = _levels(grades)
    members = [("principal", ""), ("vice_principal", "")]
    if rng.random() >= NO_NURSE:
        members.append(("nurse", ""))
    for level, classes in levels.items():
        need = _need(grades, level)
        short = rng.choice((1, 2)) if need > 4 and rng.random() < SHORT_OF_NORM else 0
        specialists = list(norms.SPECIALISTS.get(level, ()))
        if specialists and rng.random() < MISSING_SPECIALIST:
            specialists.remove(rng.choice(("informatics", "english")))
        if level == norms.PRIMARY:
            subjects = ["class"] * classes + specialists
        elif level == norms.PRESCHOOL:
            subjects = ["preschool"] * need
        else:
            subjects = specialists
        while len(subjects) < need - short:
            subjects.append(rng.choice(specialists or ["class"]))
        members += [("teacher", s) for s in subjects[:max(need - short, len(specialists))]]
    staff = Staff.objects.bulk_create([
        Staff(school=school, full_name=_name(rng), role=role, subject=subject,
              qualification=rng.choices(("below", "standard", "above"),
                                        QUALIFIED if role == "teacher" else (5, 60, 35))[0])
        for role, subject in members])
    entries += [_entry(s, home) for s in staff]
    created["staff"] += len(staff)


def _account(username: str, communes: dict[int, AdministrativeUnit], year: int,
             entries: list[audit.Entry]) -> int:
    """Link the school staff account to a teacher of a school in its commune, homeroom of
    that school's first class; in a later school year, homeroom of its school's first
    class of that year, so that the teacher opens this year's class, not last year's
    (issue 14); an account moved to the commune that continues its own (1 July 2025)
    becomes a teacher of a school there. 1 when done now, 0 when already done or
    impossible."""
    user = User.objects.filter(username=username, role=Role.SCHOOL_STAFF,
                               unit_id__in=communes).first()
    if user is None:
        return 0
    existing = Staff.objects.filter(user=user).first()
    classes = SchoolClass.objects.filter(school_year=year).order_by("school__code", "grade",
                                                                     "name")
    if existing is not None and existing.school.commune_id != user.unit_id:
        # The account moved to the commune that continues its own (1 July 2025): the
        # teacher's login goes with it, the old school keeps its member of staff.
        before = audit.snapshot(existing)
        existing.user = None
        existing.save(update_fields=["user"])
        entries.append(audit.Entry("update", "staff", existing.pk, existing.school.commune_id,
                                   before, audit.snapshot(existing)))
        existing = None
    if existing is not None:
        own = classes.filter(school=existing.school).first()
        if own is None or own.homeroom_id == existing.pk:
            return 0
        own.homeroom = existing
        own.save(update_fields=["homeroom"])
        entries.append(audit.Entry("update", "schoolclass", own.pk, user.unit_id, None,
                                   audit.snapshot(own)))
        return 1
    klass = (classes.filter(school__commune_id=user.unit_id)
             .exclude(school__level=School.Level.PRESCHOOL).first())
    if klass is None:
        return 0
    teacher = Staff.objects.create(school=klass.school, full_name="Giáo viên chủ nhiệm mẫu",
                                   role=Staff.Role.TEACHER, subject="class"
                                   if klass.grade.isdigit() and int(klass.grade) <= 5
                                   else "vietnamese_literature", user=user)
    klass.homeroom = teacher
    klass.save(update_fields=["homeroom"])
    entries.append(_entry(teacher, user.unit_id))  # type: ignore[arg-type]  # the demo's staff have a unit
    entries.append(audit.Entry("update", "schoolclass", klass.pk, user.unit_id, None,
                               audit.snapshot(klass)))
    return 1
