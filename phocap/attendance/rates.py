"""Attendance rates (tỷ lệ chuyên cần) and the return after Tết, as pure functions.

Definition [practice: schools' attendance reports count "lượt học sinh có mặt"
over "lượt học sinh phải có mặt"]: a unit's rate over a period is the pupil-days
present divided by the pupil-days its pupils were enrolled on the school days
their class took attendance. A day counts for a class once its attendance is
taken (a class day); a pupil is enrolled on it unless they had left
(``left_on`` is the first day they no longer belong to the class). Absences are
excused (có phép) or unexcused (không phép); everyone else was present, which
is how the grid defaults too. Each group is counted, never averaged from rates
of its parts, so a school's rate weighs every pupil-day alike.

Inputs are Polars frames:

- pupils: pupil (int), klass, school, commune (int), village (str), left_on (date or null)
- class_days: klass, date
- absences: pupil, date, kind ("excused" | "unexcused")
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import polars as pl

Level = Literal["pupil", "klass", "school", "commune", "village"]
Period = Literal["week", "month", "all"]
EXCUSED, UNEXCUSED = "excused", "unexcused"
PUPIL_SCHEMA = {"pupil": pl.Int64, "klass": pl.Int64, "school": pl.Int64, "commune": pl.Int64,
                "village": pl.Utf8, "left_on": pl.Date}
DAY_SCHEMA = {"klass": pl.Int64, "date": pl.Date}
ABSENCE_SCHEMA = {"pupil": pl.Int64, "date": pl.Date, "kind": pl.Utf8}


def pupil_days(pupils: pl.DataFrame, class_days: pl.DataFrame,
               absences: pl.DataFrame) -> pl.DataFrame:
    """One row per pupil and class day they were enrolled on, with ``status``:
    "present", "excused" or "unexcused"."""
    days = pupils.join(class_days, on="klass", how="inner").filter(
        pl.col("left_on").is_null() | (pl.col("date") < pl.col("left_on")))
    return (days.join(absences.select("pupil", "date", "kind"), on=["pupil", "date"], how="left")
            .with_columns(status=pl.col("kind").fill_null("present")).drop("kind"))


def _period(period: Period) -> pl.Expr:
    if period == "week":
        year = pl.col("date").dt.iso_year().cast(pl.Utf8)
        week = pl.col("date").dt.week().cast(pl.Utf8).str.zfill(2)
        return pl.concat_str([year, pl.lit("-W"), week])
    if period == "month":
        return pl.col("date").dt.strftime("%Y-%m")
    return pl.lit("all")


def rates(days: pl.DataFrame, level: Level, period: Period) -> pl.DataFrame:
    """Per unit of ``level`` and period ("2021-W37", "2021-09" or "all"): school_days
    (pupil-days enrolled), present, excused, unexcused, and rate = present / school_days."""
    status = pl.col("status")
    return (days.with_columns(period=_period(period))
            .group_by(level, "period")
            .agg(school_days=pl.len(),
                 present=(status == "present").sum(),
                 excused=(status == EXCUSED).sum(),
                 unexcused=(status == UNEXCUSED).sum())
            .with_columns(rate=pl.col("present") / pl.col("school_days"))
            .sort(level, "period"))


@dataclass(frozen=True)
class Counts:
    """Days present of the recorded days enrolled (and of the absent ones, how many were
    excused); the rate exact, None when no day counted."""

    present: int
    days: int
    excused: int = 0

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.present, self.days) if self.days else None

    def weighed(self, excused_weight: Fraction) -> Fraction | None:
        """The rate with an excused day counted as ``excused_weight`` of a day absent
        (the early warning's reading, score.py); None when no day counted."""
        if not self.days:
            return None
        return (self.present + (1 - excused_weight) * self.excused) / self.days


def window(days: pl.DataFrame, first: dt.date, last: dt.date) -> dict[int, Counts]:
    """Each pupil's days present / enrolled between two dates (both included), over the
    days their class recorded: a day nobody recorded is neither present nor absent."""
    found = (days.filter(pl.col("date").is_between(first, last))
             .group_by("pupil")
             .agg(present=(pl.col("status") == "present").sum(), days=pl.len(),
                  excused=(pl.col("status") == EXCUSED).sum()))
    return {row["pupil"]: Counts(row["present"], row["days"], row["excused"])
            for row in found.iter_rows(named=True)}


def tet_return(pupils: pl.DataFrame, class_days: pl.DataFrame, absences: pl.DataFrame,
               break_first: dt.date, break_last: dt.date, level: Level,
               horizon: int = 5, school_days: list[dt.date] | None = None) -> pl.DataFrame:
    """The return after the Tết break, per unit of ``level``.

    Expected back: pupils still enrolled when the break began (no ``left_on``, or
    one after the break's first day). Day k is the k-th school day after the break
    (``school_days``, the calendar's; without it, the k-th day the class recorded).
    A day a class did not record says nothing about its pupils, present or absent
    (issue 14: one day recorded in May read as "0% returned"): by day k, ``recorded_k``
    counts the expected pupils whose class recorded at least one of days 1…k, and
    ``returned_k`` those of them present on one of those recorded days. A pupil who
    leaves in those days without coming back counts as expected and not returned:
    that is exactly whom the report is for.
    """
    expected = pupils.filter(pl.col("left_on").is_null() | (pl.col("left_on") > break_first))
    if school_days is None:
        after = (class_days.filter(pl.col("date") > break_last).sort("date")
                 .with_columns(day=pl.col("date").rank("ordinal").over("klass").cast(pl.Int64)))
    else:
        firsts = sorted(d for d in school_days if d > break_last)[:horizon]
        numbered = pl.DataFrame({"date": firsts, "day": list(range(1, len(firsts) + 1))},
                                schema={"date": pl.Date, "day": pl.Int64})
        after = class_days.join(numbered, on="date", how="inner")
    after = after.filter(pl.col("day") <= horizon)
    recorded = after.group_by("klass").agg(first_recorded=pl.col("day").min())
    presence = (expected.join(after, on="klass", how="inner")
                .filter(pl.col("left_on").is_null() | (pl.col("date") < pl.col("left_on")))
                .join(absences.select("pupil", "date", "kind"), on=["pupil", "date"], how="left")
                .filter(pl.col("kind").is_null())
                .group_by("pupil").agg(first_back=pl.col("day").min()))
    joined = (expected.join(presence, on="pupil", how="left")
              .join(recorded, on="klass", how="left"))
    columns = [column
               for k in range(1, horizon + 1)
               for column in ((pl.col("first_recorded") <= k).fill_null(False).sum()
                              .alias(f"recorded_{k}"),
                              (pl.col("first_back") <= k).fill_null(False).sum()
                              .alias(f"returned_{k}"))]
    return joined.group_by(level).agg(pl.len().alias("expected"), *columns).sort(level)
