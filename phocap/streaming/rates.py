"""Streaming after lower secondary (phân luồng sau THCS): destinations, rates and targets.

Plain Python, no Django: the web app stores and shows, this module decides.

A grade-9 pupil of school year Y (September Y to May Y+1) who graduates THCS in
Y+1 goes on to upper secondary, continuing education (GDTX), a vocational
programme (elementary, intermediate, or a college's "9+" programme), work, or
nobody knows where. The survey of Y+1 records what they study then, so the
register can *suggest* a destination and the officer confirms it.

Streaming rates count graduates only: Decision 522/QĐ-TTg of 14 May 2018 sets
its targets as shares of lower-secondary graduates, and a pupil who repeats
grade 9 has not been streamed anywhere yet. Rates are exact fractions; rounding
happens only when shown (docs/rules.md §1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from phocap.survey import classes


class Destination(StrEnum):
    """Where a grade-9 pupil went in the school year after grade 9."""

    UPPER_SECONDARY = "upper_secondary"  # THPT grades 10–12
    CONTINUING = "continuing"  # GDTX upper secondary, BT10–BT12
    VOCATIONAL_INTERMEDIATE = "vocational_intermediate"  # trung cấp (TC)
    VOCATIONAL_ELEMENTARY = "vocational_elementary"  # sơ cấp (SC)
    COLLEGE_9PLUS = "college_9plus"  # a college's programme for THCS graduates (CD)
    REPEATING = "repeating"  # still in lower secondary: not graduated, not streamed
    WORKING = "working"
    UNKNOWN = "unknown"


class Stream(StrEnum):
    """The groups of destinations that rates and targets speak of."""

    UPPER_SECONDARY = "upper_secondary"
    CONTINUING = "continuing"
    VOCATIONAL = "vocational"
    WORKING = "working"
    UNKNOWN = "unknown"


STREAMS: dict[Stream, frozenset[Destination]] = {
    Stream.UPPER_SECONDARY: frozenset({Destination.UPPER_SECONDARY}),
    Stream.CONTINUING: frozenset({Destination.CONTINUING}),
    # Decision 522 counts every pupil who continues "tại cơ sở giáo dục nghề nghiệp";
    # a college's 9+ programme is taught at one, so it counts as vocational.
    Stream.VOCATIONAL: frozenset({Destination.VOCATIONAL_INTERMEDIATE,
                                  Destination.VOCATIONAL_ELEMENTARY,
                                  Destination.COLLEGE_9PLUS}),
    Stream.WORKING: frozenset({Destination.WORKING}),
    # A graduate recorded as repeating is a contradiction the officer should see.
    Stream.UNKNOWN: frozenset({Destination.UNKNOWN, Destination.REPEATING}),
}

# Streams a province may set a target for (working and unknown are no one's aim).
TARGETED = (Stream.UPPER_SECONDARY, Stream.CONTINUING, Stream.VOCATIONAL)

# Historic national targets, editable: Decision 522/QĐ-TTg of 14 May 2018 (the
# scheme of career guidance and streaming in general education, 2018–2025) aims
# for at least 40% of lower-secondary graduates to continue at a vocational
# education institution by 2025, and 30% in areas of especially difficult
# socio-economic conditions. A province's own targets replace these.
HISTORIC_SOURCE = "Quyết định 522/QĐ-TTg ngày 14/5/2018 (mục tiêu đến năm 2025)"
HISTORIC_TARGETS: dict[tuple[Stream, bool], Decimal] = {
    (Stream.VOCATIONAL, False): Decimal(40),
    (Stream.VOCATIONAL, True): Decimal(30),
}

_GRADUATED_BY_CLASS = {
    classes.UPPER_SECONDARY: Destination.UPPER_SECONDARY,
    classes.CONTINUING_UPPER_SECONDARY: Destination.CONTINUING,
    classes.VOCATIONAL_INTERMEDIATE: Destination.VOCATIONAL_INTERMEDIATE,
    classes.VOCATIONAL_COLLEGE: Destination.COLLEGE_9PLUS,
}
_GONE = {"chuyển đi", "chết"}


@dataclass(frozen=True)
class NextYear:
    """What the survey of Y+1 records about the pupil (docs/survey-format.md fields)."""

    current_class: str = ""
    status: str = ""
    thcs_graduated: int | None = None


@dataclass(frozen=True)
class Suggestion:
    """A proposed destination, whether the pupil graduated, and why (a reason key)."""

    destination: Destination | None
    graduated: bool | None
    reason: str


def suggest(school_year: int, record: NextYear | None) -> Suggestion:
    """Read the pupil's survey record of the year after grade 9 and propose where they went.

    Classes 10–12 need a THCS diploma, and so do GDTX upper secondary,
    intermediate vocational and a college's 9+ programme: those imply graduation.
    An elementary (sơ cấp) course takes anyone, so graduation is read from the
    record's THCS graduation year. Nobody studying may be working or not: the
    register does not say, so the suggestion is "unknown" and the officer asks.
    """
    if record is None:
        return Suggestion(None, None, "no_record")
    graduated = record.thcs_graduated is not None and record.thcs_graduated <= school_year + 1
    if record.status in _GONE:
        return Suggestion(Destination.UNKNOWN, graduated, "gone")
    code = record.current_class.strip()
    if not code:
        return Suggestion(Destination.UNKNOWN, graduated, "not_studying")
    parsed = classes.parse(code)
    if parsed is None:
        return Suggestion(None, None, "unreadable_class")
    if parsed.level in _GRADUATED_BY_CLASS:
        return Suggestion(_GRADUATED_BY_CLASS[parsed.level], True, "class")
    if parsed.level == classes.VOCATIONAL_ELEMENTARY:
        return Suggestion(Destination.VOCATIONAL_ELEMENTARY, graduated, "class")
    if parsed.grade == 9:  # grade 9 or BT9 again
        return Suggestion(Destination.REPEATING, False, "class")
    # Grades below 9, preschool or university a year after grade 9: not plausible.
    return Suggestion(None, None, "implausible_class")


@dataclass(frozen=True)
class Tally:
    """A cohort's graduates by destination, and how many did not graduate or are not entered."""

    graduates: Mapping[Destination, int] = field(default_factory=dict)
    not_graduated: int = 0
    not_entered: int = 0

    @property
    def graduate_count(self) -> int:
        return sum(self.graduates.values())

    def count(self, stream: Stream) -> int:
        return sum(self.graduates.get(d, 0) for d in STREAMS[stream])

    def rate(self, stream: Stream) -> Fraction | None:
        """Percent of graduates in the stream; None when nobody graduated (not applicable)."""
        total = self.graduate_count
        return None if total == 0 else Fraction(100 * self.count(stream), total)


def tally(pupils: Iterable[tuple[Destination | None, bool]]) -> Tally:
    """Count (destination, graduated) pairs; a destination of None is not entered yet."""
    graduates: dict[Destination, int] = {}
    not_graduated = not_entered = 0
    for destination, graduated in pupils:
        if destination is None:
            not_entered += 1
        elif not graduated:
            not_graduated += 1
        else:
            graduates[destination] = graduates.get(destination, 0) + 1
    return Tally(graduates, not_graduated, not_entered)


def combine(tallies: Iterable[Tally]) -> Tally:
    """The tally of several schools or units together."""
    graduates: dict[Destination, int] = {}
    not_graduated = not_entered = 0
    for part in tallies:
        for destination, n in part.graduates.items():
            graduates[destination] = graduates.get(destination, 0) + n
        not_graduated += part.not_graduated
        not_entered += part.not_entered
    return Tally(graduates, not_graduated, not_entered)


def target_for(stream: Stream, difficult: bool,
               set_by_province: Mapping[tuple[Stream, bool], Decimal]) -> Decimal | None:
    """The province's target for a commune of that kind, else the historic default."""
    key = (stream, difficult)
    return set_by_province.get(key, HISTORIC_TARGETS.get(key))


def weighted_target(parts: Iterable[tuple[int, Decimal | None]]) -> Fraction | None:
    """The target of a unit made of communes with different targets (normal and ĐBKK).

    Each commune's target weighs by its graduates, so that a district whose every
    commune meets its own target meets the district's too. The same target
    everywhere is that target whatever the counts; a commune without a target,
    or no graduates at all where targets differ, leaves the unit without one.
    """
    found = [(n, t) for n, t in parts]
    known = [(n, Fraction(t)) for n, t in found if t is not None]
    if not found or len(known) < len(found):
        return None
    if len({t for _, t in known}) == 1:
        return known[0][1]
    total = sum(n for n, _ in known)
    if total == 0:
        return None
    return sum((n * t for n, t in known), Fraction(0)) / total


def gap(rate: Fraction | None, target: Fraction | Decimal | None) -> Fraction | None:
    """Percentage points above (positive) or below (negative) the target."""
    if rate is None or target is None:
        return None
    return rate - Fraction(target)
