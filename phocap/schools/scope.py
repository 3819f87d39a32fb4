"""Who sees and changes which schools' data: the register's scope, narrowed to the school.

Reading follows the register (register/scope.py): a user reads the schools of
the communes their role covers, and a ministry viewer reads aggregates only. A
school's staff member (Role.SCHOOL_STAFF with a Staff record linked to their
login) reads only their own school and its pupils, even though their account is
attached to the commune: ScopedManager.for_user narrows every scoped model so.
Writing belongs to whoever keeps the record: the school's own staff keep its
classes, pupils and attendance; the commune's staff keep the commune's list of
schools.
"""

from __future__ import annotations

from typing import TypedDict

from django.db import models

from phocap.accounts.models import Role, User
from phocap.register.models import AdministrativeUnit, Household, Person, PersonYear, Village
from phocap.schools.models import Enrolment, School, SchoolClass


def own_school_id(user: User) -> int | None:
    """The school of a school staff member's Staff record, or None."""
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    return staff.school_id if staff is not None else None


class PupilId(TypedDict):
    person_id: int


def pupils(user: User) -> models.QuerySet[Enrolment, PupilId]:
    """The ids of the people a school's staff member reads: those on their school's class
    lists (any school year); nobody if the account has no staff record."""
    return (Enrolment.objects.filter(klass__school_id=own_school_id(user), person__isnull=False)  # type: ignore[misc]  # None: no staff record, nobody
            .values("person_id"))


def school_rows(model: type[models.Model], path: str, user: User) -> models.Q:
    """What of ``model`` a school's staff member reads, within their commune.

    The register's ScopedManager.for_user asks this through hooks.school_rows
    (provided in apps.py). School records reach their school through ``path``
    (a class, a pupil, an attendance day); the register's people, years,
    households and villages are their pupils' own. Any other scoped model (e.g.
    the commune's audit trail) holds nothing for them.
    """
    school = own_school_id(user)
    if model is School:
        return models.Q(pk=school)
    steps = path.split("__")
    if "school" in steps:
        return models.Q(**{"__".join(steps[:steps.index("school") + 1]): school})
    people = pupils(user)
    households = Person.objects.filter(pk__in=people).values("household_id")
    by_model = {
        Person: models.Q(pk__in=people),
        PersonYear: models.Q(person_id__in=people),
        Household: models.Q(pk__in=households),
        Village: models.Q(pk__in=Household.objects.filter(pk__in=households)
                          .values("village_id")),
    }
    return by_model.get(model, models.Q(pk__in=[]))


def schools_for(user: User) -> models.QuerySet[School]:
    """The schools whose pupils the user may read (a school's staff: their own, as
    School.objects.for_user narrows it at the register's scope)."""
    return School.objects.for_user(user)


def classes_for(user: User) -> models.QuerySet[SchoolClass]:
    """The classes whose pupils the user may read."""
    return SchoolClass.objects.filter(school__in=schools_for(user))


def may_keep_school(user: User, school: School) -> bool:
    """The school's own staff keep its classes, pupils, staff list and yearly facts."""
    return (getattr(user, "is_authenticated", False) and user.role == Role.SCHOOL_STAFF
            and own_school_id(user) == school.pk)


def may_keep_school_list(user: User, commune: AdministrativeUnit) -> bool:
    """The commune's staff keep the list of schools in their commune."""
    return (getattr(user, "is_authenticated", False) and user.role == Role.COMMUNE_STAFF
            and user.unit_id == commune.pk)
