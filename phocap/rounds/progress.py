"""How far a round has got: households visited (unchanged, changed, not found) and not yet,
per village, per surveyor and in all; and which rounds are late.

Counted from the round's households (rounds/scope.round_households) and their current
visits, in Python: a commune has a few thousand households at most.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from phocap.accounts.models import User
from phocap.rounds.models import Assignment, SurveyRound, Visit
from phocap.rounds.scope import round_households


@dataclass
class Tally:
    """Households of a group and what their visits found."""

    total: int = 0
    unchanged: int = 0
    changed: int = 0
    not_found: int = 0

    @property
    def visited(self) -> int:
        return self.unchanged + self.changed + self.not_found

    @property
    def unvisited(self) -> int:
        return self.total - self.visited

    def add(self, outcome: str | None) -> None:
        self.total += 1
        if outcome is not None:
            setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class Progress:
    total: Tally = field(default_factory=Tally)
    by_village: dict[str, Tally] = field(default_factory=dict)
    by_surveyor: dict[User, Tally] = field(default_factory=dict)


def of_round(survey_round: SurveyRound) -> Progress:
    households = list(round_households(survey_round)
                      .values_list("pk", "village_id", "village__name"))
    outcomes = dict(Visit.objects.filter(round=survey_round)
                    .values_list("household_id", "outcome"))
    found = Progress()
    villages: dict[str, Tally] = defaultdict(Tally)
    by_village_id: dict[int, list[int]] = defaultdict(list)
    for pk, village_id, village in households:
        outcome = outcomes.get(pk)
        found.total.add(outcome)
        villages[village].add(outcome)
        by_village_id[village_id].append(pk)
    found.by_village = dict(sorted(villages.items()))
    surveyed = {pk for pk, _, _ in households}
    assigned: dict[User, set[int]] = defaultdict(set)
    for assignment in (Assignment.objects.filter(round=survey_round)
                       .select_related("assignee").order_by("assignee__username")):
        mine = assigned[assignment.assignee]
        if assignment.village_id is not None:
            mine.update(by_village_id.get(assignment.village_id, []))
        elif assignment.household_id in surveyed:
            mine.add(assignment.household_id)
    for surveyor, pks in assigned.items():
        tally = found.by_surveyor[surveyor] = Tally()
        for pk in pks:
            tally.add(outcomes.get(pk))
    return found


def late(rounds: Iterable[SurveyRound], today: dt.date) -> list[SurveyRound]:
    """The rounds past their deadline and not closed."""
    return [r for r in rounds if r.closed_at is None and r.deadline < today]

