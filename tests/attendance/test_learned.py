"""The optional learned model's inputs, and that it learns what separates two groups."""

from __future__ import annotations

from fractions import Fraction

import pytest

from phocap.attendance import learned
from phocap.attendance.rates import Counts
from phocap.attendance.score import PupilFacts


def test_features_in_order() -> None:
    """Recent 3/4 = 0,75; so far 9/10 = 0,9; before the break 1, after 1/2: a drop of 0,5;
    repeating, 2 years over age, 6,5 km; unknown rates read as 1 and no drop."""
    facts = PupilFacts(1, recent=Counts(3, 4), before_break=Counts(2, 2),
                       after_break=Counts(1, 2), repeating=True, over_age_years=2,
                       distance_km=Fraction("6.5"))
    assert learned.features(facts, Counts(9, 10)) == [0.75, 0.9, 0.5, 1.0, 2.0, 0.0, 0.0,
                                                      6.5, 0.0]
    assert learned.features(PupilFacts(2), None)[:3] == [1.0, 1.0, 0.0]
    assert len(learned.FEATURES) == 9


def test_shown_only_when_strictly_better() -> None:
    assert learned.beats(0.31, 0.30) and not learned.beats(0.30, 0.30)


def test_the_model_ranks_the_low_attenders_first() -> None:
    """Ten pupils below 60% recent attendance dropped, ten at 95% or more did not: the
    model, asked about a 50% and a 100% attender, gives the first the higher risk."""
    pytest.importorskip("sklearn", reason="the learned model needs pip install phocap[model]")
    rows = [learned.features(PupilFacts(i, recent=Counts(5 + i % 2, 10)), None)
            for i in range(10)]
    rows += [learned.features(PupilFacts(i, recent=Counts(19 + i % 2, 20)), None)
             for i in range(10, 20)]
    model = learned.train(rows, [True] * 10 + [False] * 10)
    low, high = learned.risk(model, [learned.features(PupilFacts(0, recent=Counts(1, 2)), None),
                                     learned.features(PupilFacts(1, recent=Counts(2, 2)), None)])
    assert low > 0.5 > high
