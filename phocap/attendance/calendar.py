"""School days and the Tết break: the calendar the rates count against.

Defaults follow practice [practice: the Ministry's yearly decision on the
school-year plan, e.g. 2171/QĐ-BGDĐT for 2023–2024: classes start in the first
week of September, the year's teaching ends by 31 May; schools teach Monday to
Friday]. Each province sets the Tết break itself, usually about a week before
to a week after the Lunar New Year [interpretation: 5 days before, 7 after];
a school's own calendar (models.SchoolCalendar) overrides every default.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
DAYS_BEFORE_TET = 5
DAYS_AFTER_TET = 7
FIRST_DAY = (9, 5)  # 5 September: the opening day most provinces set
LAST_DAY = (5, 31)  # 31 May of the following year
WEEKDAYS = (0, 1, 2, 3, 4)  # Monday … Friday


@cache
def _lunar_data() -> dict[str, Any]:
    with (DATA / "lunar_new_year.toml").open("rb") as handle:
        return tomllib.load(handle)


def lunar_new_years() -> dict[int, dt.date]:
    """The first day of Tết per Gregorian year (data/lunar_new_year.toml, with its source)."""
    return {int(year): day for year, day in _lunar_data()["dates"].items()}


def lunar_source() -> str:
    """Where the Lunar New Year dates come from, as the data file says."""
    return str(_lunar_data()["source"])


def tet_day(school_year: int) -> dt.date:
    """The Lunar New Year that falls in school year Y–(Y+1) (always in Y+1's Jan/Feb)."""
    try:
        return lunar_new_years()[school_year + 1]
    except KeyError:
        raise ValueError(f"no Lunar New Year date for {school_year + 1} "
                         "in data/lunar_new_year.toml") from None


@dataclass(frozen=True)
class Break:
    """A holiday: its first and last day (both without school)."""

    first: dt.date
    last: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last


@dataclass(frozen=True)
class SchoolYearCalendar:
    """One school's calendar for a school year."""

    first_day: dt.date
    last_day: dt.date
    tet: Break
    weekdays: tuple[int, ...] = WEEKDAYS

    def school_days(self) -> list[dt.date]:
        """Every teaching day: a listed weekday inside the year and outside the break."""
        days = []
        day = self.first_day
        while day <= self.last_day:
            if day.weekday() in self.weekdays and day not in self.tet:
                days.append(day)
            day += dt.timedelta(days=1)
        return days


def default_calendar(school_year: int) -> SchoolYearCalendar:
    """The calendar a school follows until it enters its own."""
    tet = tet_day(school_year)
    return SchoolYearCalendar(
        first_day=dt.date(school_year, *FIRST_DAY),
        last_day=dt.date(school_year + 1, *LAST_DAY),
        tet=Break(tet - dt.timedelta(days=DAYS_BEFORE_TET),
                  tet + dt.timedelta(days=DAYS_AFTER_TET)),
    )
