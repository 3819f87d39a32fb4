"""Synthetic attendance cohorts: whole classes, reproducible, consistent with the model."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from phocap.synth.attendance import RiskModel, generate

DAYS = [dt.date(2021, 9, 6) + dt.timedelta(days=i) for i in range(200)
        if (dt.date(2021, 9, 6) + dt.timedelta(days=i)).weekday() < 5]
TET_LAST = dt.date(2022, 2, 8)


def test_whole_classes_and_reproducible() -> None:
    """95 pupils make 3 classes of 30 (90); the same seed gives the same absences."""
    one, two = generate(95, DAYS, TET_LAST, 7), generate(95, DAYS, TET_LAST, 7)
    assert one.pupils.height == 90 and one.pupils["klass"].n_unique() == 3
    assert one.class_days.height == 3 * len(DAYS)
    assert one.absences.equals(two.absences)
    assert not one.absences.equals(generate(95, DAYS, TET_LAST, 8).absences)


def test_no_absence_recorded_after_leaving_and_absent_before() -> None:
    """A pupil who left has no day from ``left_on`` on, and missed every day of the
    record lag before it (they had stopped coming)."""
    cohort = generate(3000, DAYS, TET_LAST, 1)
    left = cohort.pupils.filter(pl.col("left_on").is_not_null())
    assert left.height > 0
    joined = cohort.absences.join(left.select("pupil", "left_on"), on="pupil")
    assert joined.filter(pl.col("date") >= pl.col("left_on")).height == 0
    lag = RiskModel().record_lag_days
    pupil, left_on = left.row(0)[0], left.row(0)[5]
    before = [d for d in DAYS if d < left_on][-lag:]
    missed = set(cohort.absences.filter(pl.col("pupil") == pupil)["date"].to_list())
    assert set(before) <= missed


def test_dropout_follows_the_latent_risk() -> None:
    """Over 6,000 pupils, the quarter with the highest latent risk drops out more
    than three times as often as the lowest half (the model's odds differ ~e^1.5)."""
    cohort = generate(6000, DAYS, TET_LAST, 3)
    left = cohort.pupils["left_on"].is_not_null().to_numpy()
    order = np.argsort(cohort.risk)
    low, high = left[order[: len(order) // 2]].mean(), left[order[-len(order) // 4:]].mean()
    assert high > 3 * low
