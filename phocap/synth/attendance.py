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
    satellite = np.repeat(rng.random(classes) < 0.3, model.class_size)
    distance = np.round(np.exp(rng.normal(np.log(1.5), 0.9, n)), 1)
    far = distance >= 5.0
    semi_boarding = rng.random(n) < np.where(far, 0.6, 0.05)
    repeating = rng.random(n) < 0.06
    over_age = rng.choice(4, n, p=[0.78, 0.12, 0.07, 0.03])
    over_age = np.where(repeating, np.maximum(over_age, 1), over_age)
    earlier = rng.random(n) < 0.03
    z = (model.intercept + model.repeating * repeating + model.over_age_per_year * over_age
         + model.earlier_dropout * earlier + model.satellite_site * satellite
         + model.long_distance * far + model.semi_boarding * semi_boarding
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
    stop = np.where(at_tet & (after_tet < d), after_tet, rng.integers(20, d, n))
    fade = rng.integers(model.fade_days[0], model.fade_days[1] + 1, n)
    ramp = np.clip((index[None, :] - (stop - fade)[:, None]) / fade[:, None], 0.0, 1.0)
    fading = prob + (model.fade_to - prob) * ramp
    prob = np.where(drops[:, None], fading, prob)
    prob = np.where(drops[:, None] & (index[None, :] >= stop[:, None]), 1.0, prob)
    absent = rng.random((n, d)) < np.clip(prob, 0.0, 1.0)
    unexcused = rng.random((n, d)) < 0.3 + 0.5 * _sigmoid(z + 2.0)[:, None]
    unexcused |= drops[:, None] & (index[None, :] >= stop[:, None])

    left_index = stop + model.record_lag_days
    left = drops & (left_index < d)
    enrolled = ~left[:, None] | (index[None, :] < left_index[:, None])
    who, when = np.nonzero(absent & enrolled)
    left_on = [days[i].astype(dt.date) if ok else None
               for i, ok in zip(np.minimum(left_index, d - 1), left, strict=True)]
    frame_pupils = pl.DataFrame({
        "pupil": np.arange(n, dtype=np.int64), "klass": klass, "school": school,
        "commune": commune, "village": [f"Bản {v + 1}" for v in village], "left_on": left_on,
    }, schema={"pupil": pl.Int64, "klass": pl.Int64, "school": pl.Int64, "commune": pl.Int64,
               "village": pl.Utf8, "left_on": pl.Date})
    facts = pl.DataFrame({
        "pupil": np.arange(n, dtype=np.int64), "repeating": repeating,
        "over_age_years": over_age.astype(np.int64), "earlier_dropout": earlier,
        "satellite_site": satellite, "distance_km": distance, "semi_boarding": semi_boarding,
    })
    class_days = pl.DataFrame({"klass": np.repeat(np.arange(classes, dtype=np.int64), d),
                               "date": np.tile(days, classes)}).with_columns(pl.col("date")
                                                                             .cast(pl.Date))
    absences = pl.DataFrame({
        "pupil": who.astype(np.int64), "date": days[when],
        "kind": np.where(unexcused[who, when], "unexcused", "excused"),
    }).with_columns(pl.col("date").cast(pl.Date))
    return Cohort(frame_pupils, facts, class_days, absences, z)
