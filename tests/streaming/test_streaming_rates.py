"""Streaming arithmetic by hand: suggestions from next year's record, rates, targets, gaps."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from phocap.streaming.rates import (
    HISTORIC_TARGETS,
    Destination,
    NextYear,
    Stream,
    Tally,
    combine,
    gap,
    suggest,
    tally,
    target_for,
    weighted_target,
)

Y = 2021  # school year 2021–2022; the record read is the survey of 2022


@pytest.mark.parametrize(("record", "destination", "graduated"), [
    (NextYear("10"), Destination.UPPER_SECONDARY, True),
    (NextYear("12!"), Destination.UPPER_SECONDARY, True),
    (NextYear("BT10"), Destination.CONTINUING, True),
    (NextYear("TC"), Destination.VOCATIONAL_INTERMEDIATE, True),
    (NextYear("CD"), Destination.COLLEGE_9PLUS, True),
    # Sơ cấp takes anyone: graduation is read from the record's year.
    (NextYear("SC", thcs_graduated=2022), Destination.VOCATIONAL_ELEMENTARY, True),
    (NextYear("SC"), Destination.VOCATIONAL_ELEMENTARY, False),
    (NextYear("9!"), Destination.REPEATING, False),
    (NextYear("BT9"), Destination.REPEATING, False),
    # Not studying: the register cannot tell working from unknown.
    (NextYear("", thcs_graduated=2022), Destination.UNKNOWN, True),
    (NextYear(""), Destination.UNKNOWN, False),
    # A graduation year after Y+1 is not this cohort's graduation.
    (NextYear("", thcs_graduated=2023), Destination.UNKNOWN, False),
    (NextYear("10", status="chuyển đi"), Destination.UNKNOWN, False),
])
def test_suggestion_from_next_years_class(record: NextYear, destination: Destination,
                                          graduated: bool) -> None:
    found = suggest(Y, record)
    assert (found.destination, found.graduated) == (destination, graduated)


@pytest.mark.parametrize(("record", "reason"), [
    (None, "no_record"), (NextYear("5"), "implausible_class"),
    (NextYear("DH"), "implausible_class"), (NextYear("X7"), "unreadable_class")])
def test_no_suggestion_without_a_plausible_record(record: NextYear | None, reason: str) -> None:
    found = suggest(Y, record)
    assert (found.destination, found.graduated, found.reason) == (None, None, reason)


def cohort() -> Tally:
    """40 pupils: 36 graduates (22 THPT, 3 GDTX, 6 TC, 2 SC, 1 CĐ 9+, 1 working, 1 unknown),
    3 not graduated, 1 not entered."""
    pupils = ([(Destination.UPPER_SECONDARY, True)] * 22 + [(Destination.CONTINUING, True)] * 3
              + [(Destination.VOCATIONAL_INTERMEDIATE, True)] * 6
              + [(Destination.VOCATIONAL_ELEMENTARY, True)] * 2
              + [(Destination.COLLEGE_9PLUS, True)] + [(Destination.WORKING, True)]
              + [(Destination.UNKNOWN, True)] + [(Destination.REPEATING, False)] * 2
              + [(Destination.WORKING, False)] + [(None, False)])
    return tally(pupils)


def test_rates_are_shares_of_graduates() -> None:
    """Vocational = 6 + 2 + 1 = 9 of 36 graduates = 25%; THPT 22/36 = 61,11…%;
    GDTX 3/36 = 8,33…%; working 1/36; unknown 1/36. Non-graduates and the pupil not
    entered are outside the denominator."""
    found = cohort()
    assert (found.graduate_count, found.not_graduated, found.not_entered) == (36, 3, 1)
    assert found.count(Stream.VOCATIONAL) == 9
    assert found.rate(Stream.VOCATIONAL) == Fraction(25)
    assert found.rate(Stream.UPPER_SECONDARY) == Fraction(2200, 36)
    assert found.rate(Stream.CONTINUING) == Fraction(300, 36)
    assert found.rate(Stream.WORKING) == found.rate(Stream.UNKNOWN) == Fraction(100, 36)
    assert sum(found.rate(s) or 0 for s in Stream) == 100


def test_no_graduates_is_not_applicable() -> None:
    assert tally([(Destination.REPEATING, False)]).rate(Stream.VOCATIONAL) is None


def test_combined_cohorts_add_up() -> None:
    """Two schools: 9/36 and 2/4 vocational → 11/40 = 27,5% together."""
    other = tally([(Destination.VOCATIONAL_INTERMEDIATE, True)] * 2
                  + [(Destination.UPPER_SECONDARY, True)] * 2)
    found = combine([cohort(), other])
    assert (found.graduate_count, found.count(Stream.VOCATIONAL)) == (40, 11)
    assert found.rate(Stream.VOCATIONAL) == Fraction(55, 2)


def test_historic_targets_apply_until_the_province_sets_its_own() -> None:
    assert HISTORIC_TARGETS[(Stream.VOCATIONAL, False)] == 40
    assert target_for(Stream.VOCATIONAL, True, {}) == 30
    assert target_for(Stream.UPPER_SECONDARY, False, {}) is None
    own = {(Stream.VOCATIONAL, True): Decimal("25.5")}
    assert target_for(Stream.VOCATIONAL, True, own) == Decimal("25.5")
    assert target_for(Stream.VOCATIONAL, False, own) == 40


def test_gap_in_points_at_below_and_above_the_target() -> None:
    """27,5% against 40% is 12,5 points below; 40% is on target; 41% is 1 above."""
    assert gap(Fraction(55, 2), Decimal(40)) == Fraction(-25, 2)
    assert gap(Fraction(40), Decimal(40)) == 0
    assert gap(Fraction(41), Decimal(40)) == 1
    assert gap(None, Decimal(40)) is None and gap(Fraction(3), None) is None


def test_a_district_target_weighs_its_communes_by_graduates() -> None:
    """30 graduates of a normal commune (40%) and 10 of a ĐBKK commune (30%):
    (30·40 + 10·30) / 40 = 37,5%. Meeting both communes' targets (12 and 3 pupils)
    is 15/40 = 37,5%: exactly the district's target."""
    assert weighted_target([(30, Decimal(40)), (10, Decimal(30))]) == Fraction(75, 2)
    assert weighted_target([(0, Decimal(40)), (0, Decimal(40))]) == 40
    assert weighted_target([(0, Decimal(40)), (0, Decimal(30))]) is None
    assert weighted_target([(5, Decimal(40)), (5, None)]) is None


def test_the_arithmetic_never_imports_django() -> None:
    """rates.py is plain Python, like the core: the pages call it, it calls nothing of theirs."""
    from tests.test_architecture import PACKAGE, imported_modules

    found = imported_modules(PACKAGE / "streaming" / "rates.py")
    assert {m for m in found if m.startswith("phocap")} == {"phocap.survey"}
    assert not [m for m in found if m == "django" or m.startswith("django.")]
