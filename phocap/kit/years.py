"""The one year picker: which survey year or school year a page shows, from ?year=.

Every page with a year reads it here, so a bad link behaves the same everywhere,
never failing (no 500) and never showing an empty page for a year nobody surveyed:

- not a year (``?year=abc``, empty, ``2019.0``, ``-2019``, or outside the years the
  system accepts, survey/schema.py's range): the page's default, its newest year
  with data unless it says otherwise;
- a year the page has no data for: the nearest year it has (a tie goes to the newer);
- with no data at all: the newest year with data in the user's scope when the page
  passes it (``scope``: a new commune of 1 July 2025 before its first survey opens on
  its predecessors' latest year, docs/after-the-line.md), else last year's survey, or
  the school year under way.

The caller passes the years it can show: those with data, or, for a page that
records something ahead of the survey (a province's ĐBKK designations, a plan's
targets), every year the system accepts, with the newest surveyed as the default.
Links then carry the year actually shown (views pass it to their templates).

A survey year and a school year are both named by their first calendar year
(school year 2021 is 2021–2022); they differ only in the default when a page has
no data: the survey of last year (surveys are taken in the autumn and read the
year after), or the school year under way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

from django.http import HttpRequest

from phocap.rules import ruleset
from phocap.survey.schema import FIRST_SURVEY_YEAR, LAST_SURVEY_YEAR

EVERY_YEAR = range(FIRST_SURVEY_YEAR, LAST_SURVEY_YEAR + 1)
"""The years a page recording something ahead of the survey passes as ``available``."""


@cache
def ruled_years() -> tuple[int, ...]:
    """The accepted years a ruleset applies to: a page that computes the results of a
    year ahead of its survey (the dashboard's plan) can show no other."""
    rulesets = [ruleset.load(name) for name in ruleset.names()]
    return tuple(year for year in EVERY_YEAR if any(r.applies_to(year) for r in rulesets))


def school_year_of(day: dt.date) -> int:
    """A school year starts in August at the earliest: January–July belong to the one before."""
    return day.year if day.month >= 8 else day.year - 1


def year_shown(request: HttpRequest, available: Iterable[int], *, school: bool = False,
               opens_on: Iterable[int] | None = None, scope: Iterable[int] = (),
               today: dt.date | None = None) -> int:
    """The year of ``available`` asked for by ?year=, else the one nearest to it (a tie
    goes to the newer). A value that is not a year opens on the newest of ``opens_on``
    (by default ``available``). With no year available, ``scope`` (the years with data
    anywhere the user reads) stands in for it: the year asked or the nearest, else its
    newest; with none either, last year's survey or (``school``) the school year under
    way."""
    years = sorted(set(available), reverse=True)
    widest = years or sorted(set(scope), reverse=True)
    asked = year_asked(request)
    if asked is not None and widest:
        return min(widest, key=lambda year: (abs(year - asked), -year))
    opening = years if opens_on is None else sorted(set(opens_on), reverse=True)
    if opening:
        return opening[0]
    if widest:
        return widest[0]
    today = today or dt.date.today()
    return school_year_of(today) if school else today.year - 1


def year_asked(request: HttpRequest) -> int | None:
    """The year ?year= names, or None: four ASCII digits within the years the system
    accepts (no sign, no "2021.0", no million-digit number to convert). A list filtered
    by year (the reviewers' queue) reads None as "every year"; a page showing one year
    asks ``year_shown``."""
    text = request.GET.get("year", "").strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return None
    return int(text) if FIRST_SURVEY_YEAR <= int(text) <= LAST_SURVEY_YEAR else None
