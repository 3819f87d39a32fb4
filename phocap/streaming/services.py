"""Every change to streaming data: who may make it, and its audit entry in the same transaction.

Destinations and career-guidance activities are the school's own records
(permissions.may_keep_school); labour-demand entries are the commune's, kept
by its staff like its households (permissions.may_edit); targets are the
province's plan (permissions.may_set_targets), kept for provinces only. Each write
is audited with the values before and after (register/audit.py), which files it
under its commune.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from phocap.accounts.models import User
from phocap.accounts.permissions import may_edit, may_keep_school, may_set_targets
from phocap.register import audit
from phocap.register.locking import StaleEdit
from phocap.register.models import AdministrativeUnit, Person, PersonYear
from phocap.schools.models import Enrolment, School
from phocap.streaming.figures import GRADE_NINE
from phocap.streaming.models import (
    CareerGuidanceActivity,
    LabourDemand,
    PupilDestination,
    StreamingTarget,
)
from phocap.streaming.rates import Destination, NextYear, Stream, Suggestion, suggest


def suggestions(enrolments: list[Enrolment]) -> dict[int, Suggestion]:
    """The register's suggestion for each pupil (by enrolment id), one query for all.

    A pupil of school year Y is looked up in the survey of Y+1; a pupil not
    linked to a person of the register gets no suggestion. A pupil of 2024 whose
    commune was carried into a new one on 1 July 2025 is read in the record of
    the person who continues them there (register/crossing.py): the old row
    keeps its years up to 2024 only.
    """
    wanted = {(e.person_id, e.klass.school_year + 1) for e in enrolments if e.person_id}
    found: dict[tuple[int, int], NextYear] = {}
    if wanted:
        people = {p for p, _ in wanted}
        continued = dict(Person.objects.filter(continues_id__in=people)
                         .values_list("pk", "continues_id"))
        years = {y for _, y in wanted}
        rows = PersonYear.objects.filter(person_id__in=people | set(continued),
                                         survey_year__in=years)
        for row in rows.values("person_id", "survey_year", "current_class", "status",
                               "thcs_graduated"):
            person = continued.get(row["person_id"], row["person_id"])
            found[(person, row["survey_year"])] = NextYear(
                row["current_class"], row["status"], row["thcs_graduated"])
    return {e.pk: suggest(e.klass.school_year,
                          found.get((e.person_id, e.klass.school_year + 1))
                          if e.person_id else None)
            for e in enrolments}


def set_destination(user: User, enrolment: Enrolment, destination: Destination,
                    graduated: bool, suggested: Destination | None,
                    version: int | None = None) -> PupilDestination | None:
    """Confirm or correct one pupil's destination; None when nothing changed.

    ``version`` is the one the form was opened with (0: none saved yet); another
    officer's save since then raises StaleEdit instead of being overwritten.
    """
    school = enrolment.klass.school
    if not may_keep_school(user, school):
        raise PermissionDenied
    if enrolment.klass.grade not in GRADE_NINE:
        raise ValueError(f"{enrolment.klass} is not a grade-9 class")
    with transaction.atomic():
        # The pupil's row is the lock: two officers saving the same pupil take turns,
        # so neither creates a destination the other is creating too.
        Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        found = PupilDestination.objects.filter(enrolment=enrolment).first()
        if version is not None and (found.version if found else 0) != version:
            raise StaleEdit
        if found is None:
            found = PupilDestination(enrolment=enrolment, destination=destination.value,
                                     graduated=graduated,
                                     suggested=suggested.value if suggested else "",
                                     confirmed_by=user)
            found.save()
            audit.record(user, "create", found, None)
            return found
        if found.destination == destination.value and found.graduated == graduated:
            return None
        before = audit.snapshot(found)
        found.destination, found.graduated = destination.value, graduated
        found.suggested = suggested.value if suggested else ""
        found.confirmed_by = user
        found.version += 1
        found.save()
        audit.record(user, "update", found, before)
        return found


def set_targets(user: User, province: AdministrativeUnit, school_year: int,
                rates: dict[tuple[Stream, bool], Decimal | None]) -> int:
    """Store the province's targets of the year (None removes one); returns how many changed."""
    if province.type != AdministrativeUnit.Type.PROVINCE:
        raise ValueError(f"{province} is not a province: streaming targets are a province's")
    if not may_set_targets(user, province):
        raise PermissionDenied
    changed = 0
    with transaction.atomic():
        AdministrativeUnit.objects.select_for_update().get(pk=province.pk)
        current = {(t.stream, t.especially_difficult): t for t in StreamingTarget.objects
                   .select_for_update().filter(province=province, school_year=school_year)}
        for (stream, difficult), rate in rates.items():
            found = current.get((stream.value, difficult))
            if (found.rate if found else None) == rate:
                continue
            changed += 1
            if rate is None:
                assert found is not None
                before = audit.snapshot(found)
                audit.record(user, "delete", found, before)
                found.delete()
            elif found is None:
                made = StreamingTarget.objects.create(
                    province=province, school_year=school_year, stream=stream.value,
                    especially_difficult=difficult, hundredths=int(rate * 100))
                audit.record(user, "create", made, None)
            else:
                before = audit.snapshot(found)
                found.hundredths = int(rate * 100)
                found.save()
                audit.record(user, "update", found, before)
    return changed


def add_activity(user: User, school: School, **fields: object) -> CareerGuidanceActivity:
    if not may_keep_school(user, school):
        raise PermissionDenied
    with transaction.atomic():
        made = CareerGuidanceActivity(school=school, **fields)
        made.full_clean()
        made.save()
        audit.record(user, "create", made, None)
    return made


def add_labour_demand(user: User, commune: AdministrativeUnit, **fields: object) -> LabourDemand:
    if not may_edit(user, commune):
        raise PermissionDenied
    with transaction.atomic():
        made = LabourDemand(commune=commune, **fields)
        made.full_clean()
        made.save()
        audit.record(user, "create", made, None)
    return made
