"""Which person of the household register a pupil of a class list is.

The rule: a pupil matches a person when the person lives in the school's
commune or in the commune of the pupil's village, and both have the same full
name once normalised (survey/text.normalize: one Unicode spelling and tone
placement, single spaces) compared without regard to case, the same birth year
and the same sex. The pupil is linked only when exactly one person matches and
no other pupil of the same list matches that person; otherwise (two namesakes
born the same year, or two pupils claiming one child) nobody is linked and the
pupil is listed as ambiguous for an officer to settle by hand. Accents are not
folded away: "Lò" and "Lô" are different families, and a wrong link is worse
than none.

Nothing here imports Django: the caller passes keys and ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from phocap.survey.text import normalize

AMBIGUOUS = "ambiguous"
NONE = "none"
LINKED = "linked"


@dataclass(frozen=True)
class Key:
    """What a pupil and a person are compared on."""

    name: str
    birth_year: int
    sex: str


def key(full_name: str, birth_year: int, sex: str) -> Key:
    return Key(normalize(full_name).casefold(), int(birth_year), normalize(sex).casefold())


@dataclass(frozen=True)
class Outcome:
    status: str  # LINKED, AMBIGUOUS or NONE
    person_id: int | None = None
    candidates: tuple[int, ...] = ()


def match(pupils: Sequence[tuple[Key, frozenset[int]]],
          people: Iterable[tuple[int, Key, int]]) -> list[Outcome]:
    """One outcome per pupil.

    ``pupils``: each pupil's key and the communes (ids) where their person may
    live; ``people``: (person id, key, commune id) of the register.
    """
    by_key: Mapping[Key, list[tuple[int, int]]] = defaultdict(list)
    for person_id, person_key, commune_id in people:
        by_key[person_key].append((person_id, commune_id))
    found = [tuple(sorted(pid for pid, commune in by_key.get(k, ()) if commune in communes))
             for k, communes in pupils]
    claims: dict[int, int] = defaultdict(int)
    for candidates in found:
        if len(candidates) == 1:
            claims[candidates[0]] += 1
    outcomes = []
    for candidates in found:
        if not candidates:
            outcomes.append(Outcome(NONE))
        elif len(candidates) == 1 and claims[candidates[0]] == 1:
            outcomes.append(Outcome(LINKED, candidates[0], candidates))
        else:
            outcomes.append(Outcome(AMBIGUOUS, None, candidates))
    return outcomes
