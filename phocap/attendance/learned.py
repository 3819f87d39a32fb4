"""The optional learned model: a logistic regression on what the rules read.

It exists to answer one question honestly: would a model trained on a
district's earlier year find more of next year's dropouts than the rules? It
is trained on one school year and judged on another (never on the year it saw),
and a page may show it only where it beats the rules on recall in the top 10%
of that held-out year (``beats``). It reads the same facts as the rules, plus
attendance so far, as numbers instead of thresholds. scikit-learn is an
optional dependency (``pip install phocap[model]``); nothing else imports this.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from phocap.attendance.rates import Counts
from phocap.attendance.score import PupilFacts

FEATURES = ("recent_rate", "so_far_rate", "break_drop", "repeating", "over_age_years",
            "earlier_dropout", "satellite_site", "long_distance_km", "semi_boarding")


def _rate(counts: Counts | None) -> float:
    rate = counts.rate if counts else None
    return 1.0 if rate is None else float(rate)


def features(facts: PupilFacts, so_far: Counts | None) -> list[float]:
    """One pupil's row, in FEATURES order; an unknown rate reads as full attendance."""
    drop = (_rate(facts.before_break) - _rate(facts.after_break)
            if facts.before_break and facts.after_break else 0.0)
    return [_rate(facts.recent), _rate(so_far), drop, float(facts.repeating),
            float(facts.over_age_years), float(facts.earlier_dropout),
            float(facts.satellite_site), float(facts.distance_km or Fraction(0)),
            float(facts.semi_boarding)]


def train(rows: Sequence[Sequence[float]], dropped: Sequence[bool], seed: int = 0) -> object:
    """A standardised, class-balanced logistic regression (few dropouts among many)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(
        class_weight="balanced", max_iter=2000, random_state=seed))
    model.fit(list(rows), list(dropped))
    return model


def risk(model: Any, rows: Sequence[Sequence[float]]) -> list[float]:
    """Each row's predicted probability of dropping out."""
    return [float(p) for p in model.predict_proba(list(rows))[:, 1]]


def beats(model_recall: float, rules_recall: float) -> bool:
    """Shown only when strictly better than the rules in the held-out year."""
    return model_recall > rules_recall
