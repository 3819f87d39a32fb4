"""Synthetic cohorts for the dropout early warning: a school year of daily attendance
and who drops out, from a documented latent-risk model (docs/synthetic-data.md,
"Attendance and dropout cohorts").

Each pupil has the observable facts the warning rules read (repeating, years
over age, an earlier dropout, a satellite site, distance from home, semi-boarding)
and a latent risk z: a weighted sum of those facts plus unobserved noise (the
family's circumstances no register holds). z sets three things: the chance of
dropping out during the year, the pupil's everyday absence and how much of it
is unexcused, and a slump after Tết. A pupil who drops out fades first (absences
rising over two to six weeks), then stops coming; the school records the
dropout (``left_on``) two weeks later. The rules never see z, only what a school
would: the facts and the days.

The generator takes the school days and the Tết break from its caller (the
attendance calendar) so that the core does not depend on the web application.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RiskModel:
    """The latent-risk model's parameters (docs/synthetic-data.md explains each)."""

    intercept: float = -4.3
    repeating: float = 0.7
    over_age_per_year: float = 0.4
    earlier_dropout: float = 1.1
    satellite_site: float = 0.35
    long_distance: float = 0.45  # 5 km or more
    semi_boarding: float = 0.25
    noise_sd: float = 1.0
    base_absence: float = 0.015
    risk_absence: float = 0.10
    post_tet_slump: float = 0.25
    post_tet_days: int = 10
    at_tet_share: float = 0.35  # of dropouts: not back after the break
    fade_days: tuple[int, int] = (10, 30)
    fade_to: float = 0.6
    record_lag_days: int = 10
    class_size: int = 30
    classes_per_school: int = 10
    schools_per_commune: int = 3
    villages_per_commune: int = 8


@dataclass(frozen=True)
class Cohort:
    """A school year of pupils, in the frames phocap.attendance.rates reads.

    pupils: pupil, klass, school, commune, village, left_on; facts: pupil,
    repeating, over_age_years, earlier_dropout, satellite_site, distance_km,
    semi_boarding; class_days: klass, date; absences: pupil, date, kind;
    risk: the latent z per pupil (for the documentation's checks only).
    """

    pupils: pl.DataFrame
    facts: pl.DataFrame
    class_days: pl.DataFrame
    absences: pl.DataFrame
    risk: Floats


def _sigmoid(x: Floats) -> Floats:
    result: Floats = 1.0 / (1.0 + np.exp(-x))
    return result


@dataclass(frozen=True)
class Facts:
    """The observable facts of n pupils, as arrays (one element per pupil)."""

    repeating: npt.NDArray[np.bool_]
    over_age_years: npt.NDArray[np.int64]
    earlier_dropout: npt.NDArray[np.bool_]
    satellite_site: npt.NDArray[np.bool_]
    distance_km: Floats
    semi_boarding: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Year:
    """A school year lived: who was absent when, how, and who left (index of the day
    the dropout is recorded, or −1)."""

    absent: npt.NDArray[np.bool_]  # pupils × days
    unexcused: npt.NDArray[np.bool_]  # pupils × days, meaningful where absent
    left_index: npt.NDArray[np.int64]
    risk: Floats


def draw_facts(rng: np.random.Generator, classes: int, class_size: int) -> Facts:
    """Facts for whole classes (the satellite site is the class's)."""
    n = classes * class_size
    satellite = np.repeat(rng.random(classes) < 0.3, class_size)
    distance = np.round(np.exp(rng.normal(np.log(1.5), 0.9, n)), 1).astype(np.float64)
    semi_boarding = rng.random(n) < np.where(distance >= 5.0, 0.6, 0.05)
    repeating = rng.random(n) < 0.06
    over_age = rng.choice(4, n, p=[0.78, 0.12, 0.07, 0.03]).astype(np.int64)
    over_age = np.where(repeating, np.maximum(over_age, 1), over_age)
    earlier = rng.random(n) < 0.03
    return Facts(repeating, over_age, earlier, satellite, distance, semi_boarding)


def live_year(facts: Facts, school_days: list[dt.date], tet_last: dt.date,
              rng: np.random.Generator, model: RiskModel = RiskModel()) -> Year:
    """Daily attendance and dropout of pupils with these facts (the documented model)."""
    n = facts.repeating.shape[0]
    z = (model.intercept + model.repeating * facts.repeating
         + model.over_age_per_year * np.minimum(facts.over_age_years, 3)
         + model.earlier_dropout * facts.earlier_dropout
         + model.satellite_site * facts.satellite_site
         + model.long_distance * (facts.distance_km >= 5.0)
         + model.semi_boarding * facts.semi_boarding
         + rng.normal(0.0, model.noise_sd, n))
    days = np.array(school_days, dtype="datetime64[D]")
    d = days.shape[0]
    index = np.arange(d)
    after_tet = int(np.searchsorted(days, np.datetime64(tet_last), side="right"))
    q = (model.base_absence + model.risk_absence * _sigmoid(z + 1.5)) * rng.gamma(2.0, 0.5, n)
    prob = np.repeat(q[:, None], d, axis=1)
    slump = (index >= after_tet) & (index < after_tet + model.post_tet_days)
    prob[:, slump] += (model.post_tet_slump * _sigmoid(z + 1.0))[:, None]
    drops = rng.random(n) < _sigmoid(z)
    at_tet = rng.random(n) < model.at_tet_share
    stop = np.where(at_tet & (after_tet < d), after_tet, rng.integers(min(20, d - 1), d, n))
    fade = rng.integers(model.fade_days[0], model.fade_days[1] + 1, size=(n,))
    ramp = np.clip((index[None, :] - (stop - fade)[:, None]) / fade[:, None], 0.0, 1.0)
    prob = np.where(drops[:, None], prob + (model.fade_to - prob) * ramp, prob)
    stopped = drops[:, None] & (index[None, :] >= stop[:, None])
    prob = np.where(stopped, 1.0, prob)
    absent = rng.random((n, d)) < np.clip(prob, 0.0, 1.0)
    unexcused = (rng.random((n, d)) < 0.3 + 0.5 * _sigmoid(z + 2.0)[:, None]) | stopped
    left_index = stop + model.record_lag_days
    left_index = np.where(drops & (left_index < d), left_index, -1).astype(np.int64)
    return Year(absent, unexcused, left_index, z)


def generate(pupils: int, school_days: list[dt.date], tet_last: dt.date, seed: int,
             model: RiskModel = RiskModel()) -> Cohort:
    """A cohort of about ``pupils`` pupils (whole classes) over the given school days."""
    rng = np.random.default_rng(seed)
    classes = max(1, pupils // model.class_size)
    n = classes * model.class_size
    klass = np.repeat(np.arange(classes, dtype=np.int64), model.class_size)
    school = klass // model.classes_per_school
    commune = school // model.schools_per_commune
    village = rng.integers(0, model.villages_per_commune, n)
    facts = draw_facts(rng, classes, model.class_size)
    year = live_year(facts, school_days, tet_last, rng, model)
    days = np.array(school_days, dtype="datetime64[D]")
    d = days.shape[0]
    left = year.left_index >= 0
    enrolled = ~left[:, None] | (np.arange(d)[None, :] < year.left_index[:, None])
    who, when = np.nonzero(year.absent & enrolled)
    left_on = [days[i].astype(dt.date) if i >= 0 else None for i in year.left_index]
    frame_pupils = pl.DataFrame({
        "pupil": np.arange(n, dtype=np.int64), "klass": klass, "school": school,
        "commune": commune, "village": [f"Bản {v + 1}" for v in village], "left_on": left_on,
    }, schema={"pupil": pl.Int64, "klass": pl.Int64, "school": pl.Int64, "commune": pl.Int64,
               "village": pl.Utf8, "left_on": pl.Date})
    frame_facts = pl.DataFrame({
        "pupil": np.arange(n, dtype=np.int64), "repeating": facts.repeating,
        "over_age_years": facts.over_age_years, "earlier_dropout": facts.earlier_dropout,
        "satellite_site": facts.satellite_site, "distance_km": facts.distance_km,
        "semi_boarding": facts.semi_boarding,
    })
    class_days = pl.DataFrame({"klass": np.repeat(np.arange(classes, dtype=np.int64), d),
                               "date": np.tile(days, classes)}).with_columns(pl.col("date")
                                                                             .cast(pl.Date))
    absences = pl.DataFrame({
        "pupil": who.astype(np.int64), "date": days[when],
        "kind": np.where(year.unexcused[who, when], "unexcused", "excused"),
    }).with_columns(pl.col("date").cast(pl.Date))
    return Cohort(frame_pupils, frame_facts, class_days, absences, year.risk)
