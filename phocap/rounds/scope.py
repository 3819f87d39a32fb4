"""What a surveyor reads: its assignment in the open rounds, and the round's households.

The register's ScopedManager.for_user asks ``surveyor_rows`` through
hooks.surveyor_rows (provided in apps.py), so every page and API call that reads
the register through ``for_user`` narrows a surveyor to the households assigned to
it, with no check of its own. Who may run a round or follow it is decided by
accounts/permissions.py.
"""

from __future__ import annotations

from django.db import models

from phocap.accounts.models import User
from phocap.register.models import Household, Person, PersonYear, Village
from phocap.rounds.models import Assignment, Reminder, SurveyRound, SyncedChange, Visit


def open_assignments(user: User) -> models.QuerySet[Assignment]:
    """The user's assignments in rounds still open."""
    return Assignment.objects.filter(assignee=user, round__closed_at__isnull=True)


def assigned_households(user: User) -> models.QuerySet[Household]:
    """The households assigned to a surveyor in open rounds of its own commune: those of
    its villages and those named one by one."""
    mine = open_assignments(user)
    return Household.objects.filter(
        models.Q(village_id__in=mine.filter(village__isnull=False).values("village_id"))
        | models.Q(pk__in=mine.filter(household__isnull=False).values("household_id")),
        commune_id=user.unit_id)


def round_households(survey_round: SurveyRound) -> models.QuerySet[Household]:
    """The households a round surveys: the commune's households with a record in its
    year (the roll-over wrote them)."""
    with_record = PersonYear.objects.filter(
        survey_year=survey_round.survey_year,
        person__household__commune_id=survey_round.commune_id).values("person__household_id")
    return Household.objects.filter(commune_id=survey_round.commune_id, pk__in=with_record)


def surveyor_rows(model: type[models.Model], path: str, user: User) -> models.Q:
    """What of ``model`` a surveyor reads, within its commune (``path`` is the model's way
    to its commune; every model here is named, so it is not needed)."""
    households = assigned_households(user).values("pk")
    by_model: dict[type[models.Model], models.Q] = {
        Household: models.Q(pk__in=households),
        Person: models.Q(household_id__in=households),
        PersonYear: models.Q(person__household_id__in=households),
        Village: models.Q(pk__in=assigned_households(user).values("village_id")),
        SurveyRound: models.Q(pk__in=open_assignments(user).values("round_id")),
        Assignment: models.Q(pk__in=open_assignments(user).values("pk")),
        Visit: models.Q(household_id__in=households, round__closed_at__isnull=True),
        SyncedChange: models.Q(user=user),
        Reminder: models.Q(pk__in=[]),
    }
    return by_model.get(model, models.Q(pk__in=[]))
