"""Changing the school side: scoped, audited, refused when the form is stale or the year frozen.

As register/editing.py: every change names the version the user saw and
updates only a row that still has it; every change is written to the audit
(register/audit.record, which files it under the school's commune and so
raises the commune's revision, invalidating its cached results: classrooms and
staff are recognition conditions). Who keeps what (schools/scope.py): the
commune's staff keep the commune's list of schools; a school's own staff, or the
commune's staff for a school without accounts, keep the school's details, yearly
facts (its monitoring person among them), staff and classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from phocap.accounts.models import User
from phocap.accounts.permissions import may_keep_school_details, may_keep_school_list
from phocap.register import audit, freezing
from phocap.register.locking import STALE, StaleEdit, VersionedModel
from phocap.register.models import AdministrativeUnit
from phocap.schools.models import (
    School,
    SchoolClass,
    SchoolSite,
    SchoolYearFacts,
    Staff,
)

# The list the commune keeps, and the details a school keeps about itself.
LIST_FIELDS = ("code", "name", "level", "public")
DETAIL_FIELDS = ("national_standard_level", "national_standard_decision",
                 "national_standard_date", "accreditation_level")
FACT_FIELDS = ("classrooms", "semi_boarding_pupils", "boarding_pupils",
               "five_year_old_teachers", "five_year_old_rooms", "kindergarten_teachers",
               "kindergarten_rooms", "qualified_teachers",
               "monitoring_person", "monitoring_decision")
STAFF_FIELDS = ("full_name", "role", "subject", "qualification", "active")

NOT_YOURS = "Chỉ cán bộ của trường hoặc cán bộ xã được sửa dữ liệu của trường."
NOT_COMMUNE = "Chỉ cán bộ xã được sửa danh sách trường của xã mình."


V = TypeVar("V", bound=VersionedModel)


def _update(model: type[V], instance: V, version: int | None,
            changes: Mapping[str, object], user: User) -> V:
    """The optimistic lock's conditional UPDATE (register/locking.py), then the audit entry."""
    before = audit.snapshot(instance)
    model.update_if_unchanged(instance.pk, version, **changes)
    instance.refresh_from_db()
    audit.record(user, "update", instance, before)
    return instance


def save_school(user: User, commune: AdministrativeUnit, school_id: int | None,
                version: int | None, changes: Mapping[str, object]) -> School:
    """Create a school of the commune or change one; the school's staff change its details only."""
    unknown = set(changes) - set(LIST_FIELDS) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        try:
            with transaction.atomic():
                if school_id is None:
                    if not may_keep_school_list(user, commune):
                        raise PermissionDenied(NOT_COMMUNE)
                    school = School.objects.create(commune=commune, **changes)
                    audit.record(user, "create", school, None)
                    return school
                school = School.objects.for_user(user).select_related("commune").get(
                    pk=school_id, commune=commune)
                if not may_keep_school_details(user, school):
                    raise PermissionDenied(NOT_YOURS)
                if not may_keep_school_list(user, commune) and set(changes) - set(DETAIL_FIELDS):
                    raise PermissionDenied(NOT_COMMUNE)
                return _update(School, school, version, changes, user)
        except IntegrityError:
            raise ValueError("Mã trường này đã có ở một trường khác.") from None


def save_facts(user: User, school: School, year: int, version: int | None,
               values: Mapping[str, int | str | None]) -> SchoolYearFacts:
    """A school's facts of a school year (created at the first save): rooms, boarding
    pupils, the counts the recognition conditions need and its monitoring person (None:
    not entered)."""
    if not may_keep_school_details(user, school):
        raise PermissionDenied(NOT_YOURS)
    with transaction.atomic():
        freezing.refuse_if_frozen(school.commune, year)
        facts = SchoolYearFacts.objects.filter(school=school, school_year=year).first()
        if facts is None:
            if version not in (None, 0):
                raise StaleEdit(STALE)
            facts = SchoolYearFacts.objects.create(school=school, school_year=year, **values)
            audit.record(user, "create", facts, None)
            return facts
        return _update(SchoolYearFacts, facts, version, values, user)


def save_staff(user: User, school: School, staff_id: int | None, version: int | None,
               values: dict[str, object]) -> Staff:
    """Add a member of staff or change one (a leaver is made inactive, never deleted:
    the audit and past years still name them)."""
    unknown = set(values) - set(STAFF_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if not may_keep_school_details(user, school):
        raise PermissionDenied(NOT_YOURS)
    with transaction.atomic():
        if staff_id is None:
            staff = Staff.objects.create(school=school, **values)
            audit.record(user, "create", staff, None)
            return staff
        staff = Staff.objects.get(pk=staff_id, school=school)
        return _update(Staff, staff, version, values, user)


def add_site(user: User, school: School, name: str, main: bool,
             distance_km: Decimal | None = None) -> SchoolSite:
    if not may_keep_school_details(user, school):
        raise PermissionDenied(NOT_YOURS)
    with transaction.atomic():
        try:
            with transaction.atomic():
                site = SchoolSite.objects.create(school=school, name=name.strip(), main=main,
                                                 distance_km=distance_km)
        except IntegrityError:
            raise ValueError(f"Trường đã có điểm trường “{name}”.") from None
        audit.record(user, "create", site, None)
    return site


def add_class(user: User, school: School, year: int, name: str, grade: str,
              site: SchoolSite | None = None, homeroom: Staff | None = None,
              two_sessions: bool = True) -> SchoolClass:
    """A class of a school year; its number, and its sessions a day, count towards the room
    and teacher norms."""
    if not may_keep_school_details(user, school):
        raise PermissionDenied(NOT_YOURS)
    with transaction.atomic():
        freezing.refuse_if_frozen(school.commune, year)
        try:
            with transaction.atomic():
                klass = SchoolClass.objects.create(school=school, school_year=year,
                                                   name=name.strip(), grade=grade, site=site,
                                                   homeroom=homeroom,
                                                   two_sessions=two_sessions)
        except IntegrityError:
            raise ValueError(f"Năm học {year}–{year + 1} đã có lớp “{name}”.") from None
        audit.record(user, "create", klass, None)
    return klass
