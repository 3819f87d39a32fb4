"""The warning score: each rule at, below and above its threshold, with the default
weights of phocap/attendance/data/warning.toml (flag at 4 points)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest

from phocap.attendance import rates as r
from phocap.attendance.calendar import Break
from phocap.attendance.score import PupilFacts, Reason, load_rules, ranked, score, windows

RULES = load_rules()
D = dt.date


def keys(facts: PupilFacts) -> list[str]:
    return [reason.key for reason in score(facts, RULES).reasons]


def test_recent_attendance_at_below_and_above_the_thresholds() -> None:
    """9 of 10 days is 90%: not below 90%, no points. 8 of 10 = 80%: below 90%
    (3 points) but not below 80%. 7 of 10: both, 3 + 2 = 5 points, flagged."""
    assert keys(PupilFacts(1, recent=r.Counts(9, 10))) == []
    assert keys(PupilFacts(1, recent=r.Counts(8, 10))) == ["low_attendance"]
    warning = score(PupilFacts(1, recent=r.Counts(7, 10)), RULES)
    assert warning.points == 5 and warning.flagged
    assert warning.reasons[0] == Reason("low_attendance", 3, Fraction(7, 10))
    assert keys(PupilFacts(1, recent=r.Counts(0, 0))) == []  # no day counted: no rate


def test_over_age_distance_and_the_flag() -> None:
    """One year over age: nothing; two: 2 points. 4.9 km: nothing; 5.0 km: 1 point.
    Repeating (2) + two years over age (2) = 4 = flag_at: flagged; 3 points is not."""
    assert keys(PupilFacts(1, over_age_years=1)) == []
    assert keys(PupilFacts(1, over_age_years=2)) == ["over_age"]
    assert keys(PupilFacts(1, distance_km=Fraction("4.9"))) == []
    assert keys(PupilFacts(1, distance_km=Fraction("5.0"))) == ["long_distance"]
    assert score(PupilFacts(1, repeating=True, over_age_years=2), RULES).flagged
    three = score(PupilFacts(1, earlier_dropout=True), RULES)
    assert three.points == 3 and not three.flagged


def test_other_facts_each_add_their_weight() -> None:
    """Satellite 1 + semi-boarding 1 + earlier dropout 3 = 5."""
    warning = score(PupilFacts(1, satellite_site=True, semi_boarding=True,
                               earlier_dropout=True), RULES)
    assert [(x.key, x.points) for x in warning.reasons] == [
        ("earlier_dropout", 3), ("satellite_site", 1), ("semi_boarding", 1)]
    assert warning.points == 5


def test_drop_after_a_break() -> None:
    """Before 10/10, after 17/20 = 85%: a fall of 15 points, the threshold: 2 points.
    After 18/20 = 90%: a fall of 10, nothing. No days after the break: nothing."""
    before = r.Counts(10, 10)
    drop = score(PupilFacts(1, before_break=before, after_break=r.Counts(17, 20)), RULES)
    assert drop.reasons == (Reason("holiday_drop", 2, Fraction(3, 20)),)
    assert keys(PupilFacts(1, before_break=before, after_break=r.Counts(18, 20))) == []
    assert keys(PupilFacts(1, before_break=before)) == []


def test_ranking_breaks_ties_by_recent_attendance_then_pupil() -> None:
    """Pupils 1 and 2 both score 2 (repeating); 2's recent attendance is lower, so
    2 comes first; 3 scores 5 and leads."""
    facts = [PupilFacts(1, repeating=True, recent=r.Counts(10, 10)),
             PupilFacts(2, repeating=True, recent=r.Counts(9, 10)),
             PupilFacts(3, recent=r.Counts(7, 10))]
    recent = {f.pupil: f.recent for f in facts if f.recent}
    assert [w.pupil for w in ranked([score(f, RULES) for f in facts], recent)] == [3, 2, 1]


def test_windows_around_the_break() -> None:
    """One pupil, a day each Monday: 10, 17, 24 Jan and 14, 21 Feb 2022; absent on
    14 Feb. Break 27 Jan – 8 Feb; as of 21 Feb with 4 recent weeks (25 Jan – 21 Feb)
    and 2 holiday weeks: recent 1/2; before (13–26 Jan) 2/2; after (9–21 Feb) 1/2; the
    absence was excused (the third count)."""
    pupils = pl.DataFrame({"pupil": [1], "klass": [1], "school": [1], "commune": [1],
                           "village": ["A"], "left_on": [None]}, schema=r.PUPIL_SCHEMA)
    mondays = [D(2022, 1, 10), D(2022, 1, 17), D(2022, 1, 24), D(2022, 2, 14), D(2022, 2, 21)]
    days = r.pupil_days(pupils, pl.DataFrame({"klass": [1] * 5, "date": mondays},
                                             schema=r.DAY_SCHEMA),
                        pl.DataFrame({"pupil": [1], "date": [D(2022, 2, 14)],
                                      "kind": ["excused"]}, schema=r.ABSENCE_SCHEMA))
    found = windows(days, D(2022, 2, 21), RULES, Break(D(2022, 1, 27), D(2022, 2, 8)))
    assert found.recent[1] == r.Counts(1, 2, 1)
    assert found.before_break[1] == r.Counts(2, 2)
    assert found.after_break[1] == r.Counts(1, 2, 1)
    during = windows(days, D(2022, 2, 1), RULES, Break(D(2022, 1, 27), D(2022, 2, 8)))
    assert during.before_break == {}


def test_rules_are_data(tmp_path: Path) -> None:
    """A province's own file changes a weight; an unknown rule is refused by name."""
    text = (Path(__file__).parents[2] / "phocap/attendance/data/warning.toml").read_text()
    own = tmp_path / "own.toml"
    own.write_text(text.replace("[rules.repeating]\nweight = 2", "[rules.repeating]\nweight = 4"))
    assert score(PupilFacts(1, repeating=True), load_rules(own)).flagged
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(text + "\n[rules.moon_phase]\nweight = 1\n")
    with pytest.raises(ValueError, match="moon_phase"):
        load_rules(wrong)


def test_too_few_recorded_days_say_nothing() -> None:
    """Issue 14: one recorded day with one absence made a pupil "at risk, 0,00% in 4
    weeks". The recent window is read from 10 recorded days (data/warning.toml): 0 of 1
    and 0 of 9 give no attendance points; 0 of 10 does (3 + 2). Around a break each side
    needs 5: 0 of 4 after 5 of 5 before is no drop; 0 of 5 after is (100 − 0 ≥ 15 points)."""
    assert keys(PupilFacts(1, recent=r.Counts(0, 1, 1))) == []
    assert keys(PupilFacts(1, recent=r.Counts(0, 9))) == []
    assert keys(PupilFacts(1, recent=r.Counts(0, 10))) == ["low_attendance",
                                                          "very_low_attendance"]
    before = r.Counts(5, 5)
    assert keys(PupilFacts(1, before_break=before, after_break=r.Counts(0, 4))) == []
    assert keys(PupilFacts(1, before_break=before, after_break=r.Counts(0, 5))) == [
        "holiday_drop"]


def test_an_excused_absence_weighs_half_a_day() -> None:
    """excused_weight = 0.5. 10 recorded days, 8 present, 2 excused: (8 + 2 × ½)/10 = 90%,
    not below 90%: no points (read as 80% before). 8 present, 2 unexcused: 80%, below
    90% (3 points). 7 present, 3 excused: (7 + 1,5)/10 = 85%: low (3), not very low."""
    assert RULES.excused_weight == Fraction(1, 2)
    assert keys(PupilFacts(1, recent=r.Counts(8, 10, 2))) == []
    assert keys(PupilFacts(1, recent=r.Counts(8, 10, 0))) == ["low_attendance"]
    warning = score(PupilFacts(1, recent=r.Counts(7, 10, 3)), RULES)
    assert warning.reasons == (Reason("low_attendance", 3, Fraction(85, 100)),)
