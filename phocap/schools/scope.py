"""Which schools a user reads, and the one lookup of a school a page is about.

Reading follows the register (register/scope.py): a user reads the schools of the
communes their role covers, and a ministry viewer reads aggregates only. A school's
staff member (Role.SCHOOL_STAFF with a Staff record linked to their login) reads only
their own school and its pupils, even though their account is attached to the commune:
ScopedManager.for_user narrows every scoped model so, asking ``school_rows`` here
through hooks.school_rows. Who keeps which record (the school's own staff its classes,
pupils and attendance; the commune's staff the commune's list of schools) is decided by
accounts/permissions.py, like every other permission. """

from __future__ import annotations

from typing import TypedDict

from django.db import models
from django.shortcuts import get_object_or_404

from phocap.accounts.models import User
from phocap.accounts.permissions import knows_school, own_school_id, refuse, sees_people
from phocap.accounts.requests import AuthedRequest
from phocap.register.models import Household, Person, PersonYear, Village
from phocap.schools.models import Enrolment, School, SchoolClass


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


def school_in_scope(request: AuthedRequest, pk: int) -> School:
    """The school a page about its pupils, staff or attendance is for, by the one refusal
    policy (permissions.refuse): a school outside the user's units, or another school
    for a school's staff, does not exist for them (404); the ministry viewer, whose unit
    summaries name every school, may not open a page naming its people (403)."""
    school = get_object_or_404(School.objects.select_related("commune__parent__parent"), pk=pk)
    user: User = request.user
    refuse(knows=knows_school(user, school), may=sees_people(user))
    return school
