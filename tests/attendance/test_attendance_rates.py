"""Attendance rates and the return after Tết on a class small enough to count by hand.

Class 10 (school 1, commune 5) has three pupils over the school week 6–10
September 2021 (ISO week 36) and Monday 4 October (week 40):

- pupil 1 (village A): absent excused on the 7th, unexcused on 4 October;
- pupil 2 (village B): left on the 9th (absent from then: not enrolled);
- pupil 3 (village A): always present.
Class 20 (school 2, commune 5) has pupil 4, absent unexcused on the 6th, only day.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import polars as pl
import pytest

from phocap.attendance import rates as r
from phocap.attendance.calendar import Break, default_calendar, tet_day

D = dt.date
WEEK = [D(2021, 9, day) for day in range(6, 11)]


@pytest.fixture
def frames() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    pupils = pl.DataFrame({"pupil": [1, 2, 3, 4], "klass": [10, 10, 10, 20],
                           "school": [1, 1, 1, 2], "commune": [5, 5, 5, 5],
                           "village": ["A", "B", "A", "B"],
                           "left_on": [None, D(2021, 9, 9), None, None]}, schema=r.PUPIL_SCHEMA)
    days = pl.DataFrame({"klass": [10] * 6 + [20], "date": [*WEEK, D(2021, 10, 4), D(2021, 9, 6)]},
                        schema=r.DAY_SCHEMA)
    absences = pl.DataFrame({"pupil": [1, 1, 4], "date": [D(2021, 9, 7), D(2021, 10, 4),
                                                             D(2021, 9, 6)],
                             "kind": ["excused", "unexcused", "unexcused"]},
                            schema=r.ABSENCE_SCHEMA)
    return pupils, days, absences


def table(frame: pl.DataFrame, key: str) -> dict[tuple[object, str], tuple[int, int, int, int]]:
    return {(row[key], row["period"]): (row["school_days"], row["present"], row["excused"],
                                        row["unexcused"]) for row in frame.iter_rows(named=True)}


def test_pupil_rates_by_week(frames: tuple[pl.DataFrame, ...]) -> None:
    """Pupil 1, week 36: 5 days, absent the 7th → 4/5; week 40: 1 day absent → 0/1.
    Pupil 2, week 36: enrolled 6, 7, 8 only (left the 9th) → 3/3. Pupil 3: 5/5 and 1/1."""
    found = table(r.rates(r.pupil_days(*frames), "pupil", "week"), "pupil")
    assert found[(1, "2021-W36")] == (5, 4, 1, 0)
    assert found[(1, "2021-W40")] == (1, 0, 0, 1)
    assert found[(2, "2021-W36")] == (3, 3, 0, 0)
    assert (2, "2021-W40") not in found
    assert found[(3, "2021-W36")] == (5, 5, 0, 0)


def test_class_school_and_commune_rates_by_month(frames: tuple[pl.DataFrame, ...]) -> None:
    """Class 10, September: 5 + 3 + 5 = 13 pupil-days, 12 present (one excused) → 12/13;
    October: pupils 1 and 3 on the 4th, pupil 1 absent → 1/2. School 2, September: 0/1.
    Commune 5, September: 14 pupil-days, 12 present → 6/7 (not the mean of 12/13 and 0)."""
    days = r.pupil_days(*frames)
    klass = r.rates(days, "klass", "month")
    assert table(klass, "klass")[(10, "2021-09")] == (13, 12, 1, 0)
    assert table(klass, "klass")[(10, "2021-10")] == (2, 1, 0, 1)
    assert table(r.rates(days, "school", "month"), "school")[(2, "2021-09")] == (1, 0, 0, 1)
    commune = r.rates(days, "commune", "month").filter(pl.col("period") == "2021-09")
    assert commune["rate"][0] == pytest.approx(12 / 14)
    whole = table(r.rates(days, "commune", "all"), "commune")[(5, "all")]
    assert whole == (16, 13, 1, 2)  # 14 + 2 pupil-days; 12 + 1 present


def test_window_counts_are_exact(frames: tuple[pl.DataFrame, ...]) -> None:
    """Between the 7th and the 8th: pupil 1 present 1 of 2 (absent the 7th, excused),
    pupil 2 2 of 2."""
    found = r.window(r.pupil_days(*frames), D(2021, 9, 7), D(2021, 9, 8))
    assert found[1] == r.Counts(1, 2, 1) and found[1].rate == Fraction(1, 2)
    assert found[2].rate == 1 and 4 not in found
    assert r.Counts(0, 0).rate is None


def test_return_after_tet_by_day_school_and_village() -> None:
    """Break 1–9 February 2022; class 10 has school days 10, 11, 14 February after it.

    Pupil 1 back on day 1; pupil 2 absent on day 1, back on day 2; pupil 3 left on
    the 11th without coming back (expected, never returned); pupil 4 left on
    20 January, before the break (not expected). So village A (pupils 1, 3):
    expected 2, returned 1, 1, 1; village B (2, 4): expected 1, returned 0, 1, 1.
    """
    pupils = pl.DataFrame({"pupil": [1, 2, 3, 4], "klass": [10] * 4, "school": [1] * 4,
                           "commune": [5] * 4, "village": ["A", "B", "A", "B"],
                           "left_on": [None, None, D(2022, 2, 11), D(2022, 1, 20)]},
                          schema=r.PUPIL_SCHEMA)
    days = pl.DataFrame({"klass": [10] * 4, "date": [D(2022, 1, 28), D(2022, 2, 10),
                                                     D(2022, 2, 11), D(2022, 2, 14)]},
                        schema=r.DAY_SCHEMA)
    absences = pl.DataFrame({"pupil": [2, 3], "date": [D(2022, 2, 10), D(2022, 2, 10)],
                             "kind": ["unexcused", "unexcused"]}, schema=r.ABSENCE_SCHEMA)
    found = r.tet_return(pupils, days, absences, D(2022, 2, 1), D(2022, 2, 9), "village", 3)
    rows = {row["village"]: row for row in found.iter_rows(named=True)}
    assert [rows["A"][k] for k in ("expected", "returned_1", "returned_2", "returned_3")] == \
        [2, 1, 1, 1]
    assert [rows["B"][k] for k in ("expected", "returned_1", "returned_2", "returned_3")] == \
        [1, 0, 1, 1]
    school = r.tet_return(pupils, days, absences, D(2022, 2, 1), D(2022, 2, 9), "school", 3)
    assert school.row(0, named=True)["expected"] == 3
    assert school.row(0, named=True)["returned_2"] == 2


def test_calendar_default_and_lunar_new_year() -> None:
    """Tết 2022 fell on 1 February (data/lunar_new_year.toml); the default break runs
    from 5 days before (27 January) to 7 after (8 February). The 2021–2022 year,
    5 September 2021 (a Sunday) to 31 May 2022: 38 weeks of 5 days plus 2 days
    (Mon 30, Tue 31 May) = 192 weekdays, minus the break's 9 weekdays (27–28 Jan,
    31 Jan–4 Feb, 7–8 Feb) = 183 school days."""
    assert tet_day(2021) == D(2022, 2, 1)
    calendar = default_calendar(2021)
    assert calendar.tet == Break(D(2022, 1, 27), D(2022, 2, 8))
    days = calendar.school_days()
    assert len(days) == 183
    assert days[0] == D(2021, 9, 6) and days[-1] == D(2022, 5, 31)
    assert D(2022, 2, 8) not in days and D(2022, 2, 9) in days
    with pytest.raises(ValueError, match="2041"):
        tet_day(2040)


def test_return_after_tet_reads_only_recorded_days_and_classes() -> None:
    """Issue 14: after one recorded day in May, the Tết return read 0–15% everywhere.

    Break 1–9 February 2022; school days after it (calendar): 10, 11, 14, 15, 16 Feb.
    Class 10 (pupils 1, 2) recorded 11 February only (day 2): pupil 1 present,
    pupil 2 absent. Class 20 (pupil 3) recorded nothing in those days, only 16 May.
    - day 1: no class recorded → recorded_1 = 0 (a rate "—", not 0%);
    - day 2: class 10 recorded → recorded_2 = 2, returned_2 = 1 (50%), pupil 3's class
      never recorded in the first five days → not counted either way: recorded_5 = 2
      of expected 3 (the page shows "2/3").
    Before the fix, day 1 was class 10's first recorded day and class 20's 16 May:
    returned_1 = 2 of expected 3, as if 16 May were the first day after Tết.
    """
    pupils = pl.DataFrame({"pupil": [1, 2, 3], "klass": [10, 10, 20], "school": [1] * 3,
                           "commune": [5] * 3, "village": ["A", "A", "A"],
                           "left_on": [None, None, None]}, schema=r.PUPIL_SCHEMA)
    days = pl.DataFrame({"klass": [10, 20], "date": [D(2022, 2, 11), D(2022, 5, 16)]},
                        schema=r.DAY_SCHEMA)
    absences = pl.DataFrame({"pupil": [2], "date": [D(2022, 2, 11)], "kind": ["unexcused"]},
                            schema=r.ABSENCE_SCHEMA)
    school_days = [D(2022, 1, 28), D(2022, 2, 10), D(2022, 2, 11), D(2022, 2, 14),
                   D(2022, 2, 15), D(2022, 2, 16), D(2022, 5, 16)]
    row = r.tet_return(pupils, days, absences, D(2022, 2, 1), D(2022, 2, 9), "school",
                       school_days=school_days).row(0, named=True)
    assert row["expected"] == 3
    assert (row["recorded_1"], row["returned_1"]) == (0, 0)
    assert (row["recorded_2"], row["returned_2"]) == (2, 1)
    assert (row["recorded_5"], row["returned_5"]) == (2, 1)
