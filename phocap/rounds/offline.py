"""A surveyor's assignment as the offline app downloads it: small, because a village of
150 households must come down a weak mountain connection in under 200 KB.

Short keys (named below, documented in docs/survey-round.md) and only non-blank
values: a person is its identity, the versions the client sends back (``pv`` the
person's, ``hv`` the household's, ``v`` the current visit's, 0 when not visited) and
this year's record, the roll-over's prediction the surveyor confirms or corrects.
Read through ``for_user``, like every page; a bulk read of people, logged as the
API's household list is (audit.exported).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch

from phocap.accounts.models import User
from phocap.register import audit
from phocap.register.models import Household, Person, PersonYear
from phocap.rounds.models import SurveyRound, Visit
from phocap.rounds.scope import assigned_households, open_assignments

# A person's record of the year: field → short key.
RECORD_KEYS = {
    "residence": "rs", "status": "st", "status_detail": "sd", "current_class": "cl",
    "current_school": "sc", "disability": "dk", "preschool_completed": "mc",
    "primary_completed": "pc", "thcs_graduated": "tg", "thpt_graduated": "pt",
    "highest_grade": "hg", "dropout_grade": "dg", "dropout_year": "dy",
    "literacy_stage": "ls", "literacy_year": "ly", "relationship": "qh", "note": "gc",
}


def _compact(values: dict[str, object]) -> dict[str, object]:
    """Only what says something: no empty text, no None (a 0 stays: a version, a grade)."""
    return {k: v for k, v in values.items() if v is not None and v != ""}


def _person(person: Person, record: PersonYear | None) -> dict[str, object]:
    born = person.birth_date.isoformat() if isinstance(person.birth_date, dt.date) else None
    found = _compact({"id": person.pk, "no": person.person_no, "n": person.full_name,
                      "b": born, "y": None if born else person.birth_year, "s": person.sex,
                      "e": person.ethnicity, "id12": person.national_id,
                      "pv": person.version})
    if record is not None:
        found["r"] = _compact({short: getattr(record, name)
                               for name, short in RECORD_KEYS.items()})
    return found


def assignment(user: User) -> dict[str, object]:
    """What is assigned to the user (a surveyor; anyone else, nothing), read through
    ``for_user``: ``r`` the open rounds (id, year ``y``, deadline ``d``), ``vl`` village
    names by id, ``hh`` the households (``no`` number, ``vl`` village, ``hd`` head, ``hv`` version,
    ``v`` and ``o`` the current visit's version and outcome, ``m`` the people)."""
    mine = open_assignments(user)
    rounds = list(SurveyRound.objects.for_user(user).filter(pk__in=mine.values("round_id"))
                  .select_related("commune"))
    years = {r.commune_id: r.survey_year for r in rounds}
    households = list(Household.objects.for_user(user)
                      .filter(pk__in=assigned_households(user).values("pk"))
                      .select_related("village")
                      .prefetch_related(Prefetch("members",
                                                 queryset=Person.objects.order_by("person_no")))
                      .order_by("village__name", "household_no"))
    records = _records(user, years)
    visits = {v.household_id: v for v in Visit.objects.for_user(user)}
    villages: dict[int, str] = {}
    rows: list[dict[str, object]] = []
    per_commune: dict[int, int] = defaultdict(int)
    for household in households:
        villages[household.village_id] = household.village.name
        visit = visits.get(household.pk)
        per_commune[household.commune_id] += 1
        rows.append(_compact({
            "id": household.pk, "no": household.household_no, "vl": household.village_id,
            "hd": household.head_name, "hv": household.version,
            "v": visit.version if visit else 0, "o": visit.outcome if visit else None,
            "m": [_person(p, records.get(p.pk)) for p in household.members.all()
                  if not p.superseded]}))
    for survey_round in rounds:
        if per_commune.get(survey_round.commune_id):
            audit.exported(user, survey_round.commune, {
                "year": survey_round.survey_year, "api": "GET /api/v1/round/assignment",
                "households": per_commune[survey_round.commune_id]})
    return {"r": [{"id": r.pk, "y": r.survey_year, "d": r.deadline.isoformat()} for r in rounds],
            "vl": {str(k): v for k, v in villages.items()}, "hh": rows}


def _records(user: User, years: dict[int, int]) -> dict[int, PersonYear]:
    """Each person's record of their commune's round year."""
    found: dict[int, PersonYear] = {}
    for commune_id, year in years.items():
        for record in PersonYear.objects.for_user(user).filter(
                survey_year=year, person__household__commune_id=commune_id):
            found[record.person_id] = record
    return found
