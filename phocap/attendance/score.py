"""The dropout early-warning score: transparent rules, each reason shown.

A pupil's score is the sum of the points of the rules that hold for them
(data/warning.toml says which rules, their thresholds, weights and why); the
list shows every reason with its figures, so a teacher can see and dispute
each one. No rule is hidden in code: the keys below only say what each rule
reads. Rates are compared exactly (Fractions), as every rate in phocap.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phocap.attendance.calendar import Break
from phocap.attendance.rates import Counts, window

if TYPE_CHECKING:
    import polars as pl

DEFAULT_RULES = Path(__file__).parent / "data" / "warning.toml"
RULE_KEYS = ("low_attendance", "very_low_attendance", "repeating", "over_age",
             "earlier_dropout", "satellite_site", "long_distance", "semi_boarding",
             "holiday_drop")


@dataclass(frozen=True)
class Rule:
    key: str
    weight: int
    threshold: Fraction | None
    why: str


@dataclass(frozen=True)
class WarningRules:
    flag_at: int
    recent_weeks: int
    holiday_weeks: int
    rules: dict[str, Rule]
    # A window's attendance is read only over this many recorded days or more (issue 14:
    # one recorded day with one absence made a pupil "0,00% in 4 weeks").
    min_days: int = 10
    min_days_break: int = 5
    # An excused absence counts as this share of a day absent (unexcused: a whole day).
    excused_weight: Fraction = Fraction(1)

    def attendance(self, counts: Counts | None, *, around_break: bool = False
                   ) -> Fraction | None:
        """The rate the rules read: None when too few days were recorded to say."""
        least = self.min_days_break if around_break else self.min_days
        if counts is None or counts.days < max(least, 1):
            return None
        return counts.weighed(self.excused_weight)


def _fraction(value: object) -> Fraction | None:
    # Through str: 0.9 the float is not 9/10, the threshold an officer wrote is.
    return None if value is None else Fraction(str(value))


def load_rules(path: Path | None = None) -> WarningRules:
    """The rules from TOML: ``path``, else $PHOCAP_WARNING_RULES, else data/warning.toml."""
    path = path or Path(os.environ.get("PHOCAP_WARNING_RULES", DEFAULT_RULES))
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    unknown = set(data["rules"]) - set(RULE_KEYS)
    if unknown:
        raise ValueError(f"{path}: unknown rules {sorted(unknown)}; known: {', '.join(RULE_KEYS)}")
    rules = {key: Rule(key, int(spec["weight"]), _fraction(spec.get("threshold")),
                       str(spec.get("why", "")))
             for key, spec in data["rules"].items()}
    return WarningRules(int(data["flag_at"]), int(data["recent_weeks"]),
                        int(data["holiday_weeks"]), rules,
                        int(data.get("min_days", 10)), int(data.get("min_days_break", 5)),
                        Fraction(str(data.get("excused_weight", 1))))


@dataclass(frozen=True)
class PupilFacts:
    """What the rules read about one pupil on the day the list is made."""

    pupil: int
    recent: Counts | None = None
    before_break: Counts | None = None
    after_break: Counts | None = None
    repeating: bool = False
    over_age_years: int = 0
    earlier_dropout: bool = False
    satellite_site: bool = False
    distance_km: Fraction | None = None
    semi_boarding: bool = False


@dataclass(frozen=True)
class Reason:
    """A rule that holds, its points, and the figure behind it (a rate, years, km)."""

    key: str
    points: int
    figure: Fraction | int | None = None


@dataclass(frozen=True)
class Warning:
    pupil: int
    points: int
    reasons: tuple[Reason, ...]
    flagged: bool


def _holds(key: str, facts: PupilFacts, threshold: Fraction | None,
           rules: WarningRules) -> tuple[bool, Any]:
    recent = rules.attendance(facts.recent)
    if key in ("low_attendance", "very_low_attendance"):
        return recent is not None and threshold is not None and recent < threshold, recent
    if key == "repeating":
        return facts.repeating, None
    if key == "over_age":
        return threshold is not None and facts.over_age_years >= threshold, facts.over_age_years
    if key == "earlier_dropout":
        return facts.earlier_dropout, None
    if key == "satellite_site":
        return facts.satellite_site, None
    if key == "long_distance":
        distance = facts.distance_km
        return (distance is not None and threshold is not None and distance >= threshold,
                distance)
    if key == "semi_boarding":
        return facts.semi_boarding, None
    before = rules.attendance(facts.before_break, around_break=True)
    after = rules.attendance(facts.after_break, around_break=True)
    if before is None or after is None or threshold is None:
        return False, None
    return before - after >= threshold, before - after


def score(facts: PupilFacts, rules: WarningRules) -> Warning:
    """The pupil's points and the reasons behind them, in the rules' order."""
    reasons = []
    for rule in rules.rules.values():
        holds, figure = _holds(rule.key, facts, rule.threshold, rules)
        if holds and rule.weight:
            reasons.append(Reason(rule.key, rule.weight, figure))
    points = sum(r.points for r in reasons)
    return Warning(facts.pupil, points, tuple(reasons), points >= rules.flag_at)


def ranked(warnings: list[Warning], recent: dict[int, Counts]) -> list[Warning]:
    """Highest score first; among equal scores the lower recent attendance first, then
    the pupil id, so the order (and a top-10% cut) is reproducible."""
    def key(w: Warning) -> tuple[int, Fraction, int]:
        counts = recent.get(w.pupil)
        rate = counts.rate if counts and counts.rate is not None else Fraction(1)
        return (-w.points, rate, w.pupil)
    return sorted(warnings, key=key)


@dataclass(frozen=True)
class Windows:
    """Each pupil's attendance over the recent weeks and around the last break."""

    recent: dict[int, Counts]
    before_break: dict[int, Counts]
    after_break: dict[int, Counts]


def windows(days: pl.DataFrame, as_of: dt.date, rules: WarningRules,
            last_break: Break | None) -> Windows:
    """The windows the rules read, on ``days`` (rates.pupil_days) up to ``as_of``.

    Recent: the ``recent_weeks`` calendar weeks ending on ``as_of``. Around the
    break: ``holiday_weeks`` weeks before its first day and after its last one
    (cut at ``as_of``); none when the break has not ended by then.
    """
    recent = window(days, as_of - dt.timedelta(weeks=rules.recent_weeks) + dt.timedelta(days=1),
                    as_of)
    if last_break is None or last_break.last >= as_of:
        return Windows(recent, {}, {})
    span = dt.timedelta(weeks=rules.holiday_weeks)
    before = window(days, last_break.first - span, last_break.first - dt.timedelta(days=1))
    after = window(days, last_break.last + dt.timedelta(days=1),
                   min(last_break.last + span, as_of))
    return Windows(recent, before, after)
