"""The class lists against the household register, both ways.

Two lists an officer works through before the survey's reference date
(30 September, docs/rules.md §1): pupils on a class list with no register entry
(not matched, or matched ambiguously: schools/matching.py), and school-age
people of the register with no class list entry at any school.

School age here is 6–14 in survey year Y (age = Y − birth year, docs/rules.md §1):
the ages of primary (6–10) and THCS (11–14) [interpretation: the ages the
compulsory levels are counted on in docs/rules.md §7]. "In scope" is the
population to be universalised (PPC, docs/rules.md §1): not moved away, not
deceased, not disabled so as to be unable to study. The register's year Y is
school year Y–(Y+1).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from phocap import numbers
from phocap.register.models import AdministrativeUnit, Person, PersonYear
from phocap.schools.models import Enrolment, School

SCHOOL_AGES = (6, 14)
OUT_OF_SCOPE_STATUS = ("chuyển đi", "chết")
CANNOT_STUDY = "không học được"


def unlinked_pupils(schools: Iterable[School], year: int) -> QuerySet[Enrolment]:
    """Pupils of the schools' class lists of school year ``year`` with no register entry."""
    return (Enrolment.objects.filter(klass__school__in=list(schools), klass__school_year=year,
                                     person__isnull=True)
            .select_related("klass__school", "village").order_by("klass__school__name",
                                                                  "klass__name", "pupil_no"))


def unenrolled_people(commune: AdministrativeUnit, year: int) -> QuerySet[PersonYear]:
    """School-age people of the commune surveyed in ``year``, in scope, on no class list
    of school year ``year`` at any school."""
    low, high = SCHOOL_AGES
    enrolled = Enrolment.objects.filter(klass__school_year=year, person__isnull=False
                                        ).values("person_id")
    return (PersonYear.objects.filter(
        person__household__commune=commune, survey_year=year,
        person__birth_year__gte=year - high, person__birth_year__lte=year - low)
        .exclude(status__in=OUT_OF_SCOPE_STATUS).exclude(disability=CANNOT_STUDY)
        .exclude(person_id__in=enrolled)
        .select_related("person__household__village")
        .order_by("person__household__village__name", "person__household__household_no",
                  "person__person_no"))


def pupil_rows(pupils: Iterable[Enrolment]) -> list[list[object]]:
    return [[p.klass.school.name, p.klass.name, p.pupil_no, p.full_name,
             numbers.date(p.birth_date) if p.birth_date else p.birth_year, p.sex,
             p.village.name if p.village else ""] for p in pupils]


PUPIL_HEADERS = ["Trường", "Lớp", "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Thôn"]


def person_rows(years: Iterable[PersonYear]) -> list[list[object]]:
    rows = []
    for y in years:
        person: Person = y.person
        rows.append([person.household.village.name, person.household.household_no,
                     person.person_no, person.full_name,
                     numbers.date(person.birth_date) if person.birth_date
                     else person.birth_year, person.sex, y.current_class, y.current_school])
    return rows


PERSON_HEADERS = ["Thôn", "Số phiếu", "STT", "Họ và tên", "Ngày sinh", "Giới tính",
                  "Lớp (điều tra)", "Trường (điều tra)"]
