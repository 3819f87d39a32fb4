"""The dropout early warning against "attendance below 90%", on synthetic cohorts.

Each seed generates a school year of a few thousand pupils (phocap.synth.attendance,
dropout from its documented latent-risk model) on the default 2021–2022
calendar. On a cut-off day the warning rules (phocap/attendance/data/warning.toml,
the same code the pages run) rank the pupils still enrolled; the pupils whose
dropout the school records after that day are the ones to find. Reported, for
the top 10% of the ranking: recall (share of the later dropouts in it) and
precision (share of it that drops out), against ranking by attendance so far
(the simple rule, lowest first) and against the rule itself (every pupil below
90%, however many). Two cut-offs: end of October (before any break) and three
weeks after the Tết break.

With scikit-learn installed (pip install phocap[model]), the optional learned
model (phocap/attendance/learned.py) is trained on each seed's year and judged
on another year of the same size (seed + 100, a held-out year), against the
rules on that same held-out year; it would be shown only where it beats them
on recall in the top 10%.

Run: .venv/bin/python benchmarks/early_warning.py [--pupils 3000] [--seeds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
from dataclasses import dataclass
from fractions import Fraction

import polars as pl

from phocap.attendance.calendar import default_calendar
from phocap.attendance.rates import Counts, pupil_days, window
from phocap.attendance.score import PupilFacts, load_rules, ranked, score, windows
from phocap.synth.attendance import generate

SCHOOL_YEAR = 2021
TOP = Fraction(1, 10)
BELOW = Fraction(9, 10)
HELD_OUT = 100  # the held-out year's seed is the training year's plus this


@dataclass(frozen=True)
class Snapshot:
    """The pupils enrolled on the cut-off day, what the rules know of them, and who
    drops out later."""

    facts: list[PupilFacts]
    so_far: dict[int, Counts]
    recent: dict[int, Counts]
    later: set[int]


def snapshot(pupils: int, seed: int, cutoff: str) -> Snapshot:
    calendar = default_calendar(SCHOOL_YEAR)
    cohort = generate(pupils, calendar.school_days(), calendar.tet.last, seed)
    as_of = (dt.date(SCHOOL_YEAR, 10, 31) if cutoff == "october"
             else calendar.tet.last + dt.timedelta(weeks=3))
    rules = load_rules()
    days = pupil_days(cohort.pupils, cohort.class_days, cohort.absences)
    seen = days.filter(pl.col("date") <= as_of)
    enrolled = cohort.pupils.filter(pl.col("left_on").is_null() | (pl.col("left_on") > as_of))
    later = set(enrolled.filter(pl.col("left_on").is_not_null())["pupil"].to_list())
    found = windows(seen, as_of, rules, calendar.tet if as_of > calendar.tet.last else None)
    rows = {row["pupil"]: row for row in cohort.facts.iter_rows(named=True)}
    facts = []
    for pupil in enrolled["pupil"].to_list():
        f = rows[pupil]
        facts.append(PupilFacts(
            pupil, found.recent.get(pupil), found.before_break.get(pupil),
            found.after_break.get(pupil), f["repeating"], f["over_age_years"],
            f["earlier_dropout"], f["satellite_site"], Fraction(str(f["distance_km"])),
            f["semi_boarding"]))
    return Snapshot(facts, window(seen, calendar.first_day, as_of), found.recent, later)


def recall(later: set[int], flagged: list[int]) -> float:
    return len(later & set(flagged)) / len(later) if later else float("nan")


def precision(later: set[int], flagged: list[int]) -> float:
    return len(later & set(flagged)) / len(flagged) if flagged else float("nan")


def by_rules(snap: Snapshot) -> list[int]:
    rules = load_rules()
    top = int(len(snap.facts) * TOP)
    return [w.pupil for w in ranked([score(f, rules) for f in snap.facts], snap.recent)][:top]


def measure(pupils: int, seed: int, cutoff: str) -> dict[str, float]:
    snap = snapshot(pupils, seed, cutoff)
    top = int(len(snap.facts) * TOP)

    def rate(pupil: int) -> Fraction:
        counts = snap.so_far.get(pupil, Counts(0, 0))
        return counts.rate if counts.rate is not None else Fraction(1)

    ids = [f.pupil for f in snap.facts]
    rules_top = by_rules(snap)
    attendance_top = sorted(ids, key=lambda p: (rate(p), p))[:top]
    below = [p for p in ids if rate(p) < BELOW]
    later = snap.later
    return {"pupils": len(ids), "dropouts": len(later),
            "rules_recall": recall(later, rules_top),
            "rules_precision": precision(later, rules_top),
            "attendance_recall": recall(later, attendance_top),
            "attendance_precision": precision(later, attendance_top),
            "below90_share": len(below) / len(ids),
            "below90_recall": recall(later, below), "below90_precision": precision(later, below)}


def measure_model(pupils: int, seed: int, cutoff: str) -> dict[str, float]:
    """Trained on the seed's year, judged on the held-out year against the rules there."""
    from phocap.attendance import learned

    trained_on = snapshot(pupils, seed, cutoff)
    model = learned.train([learned.features(f, trained_on.so_far.get(f.pupil))
                           for f in trained_on.facts],
                          [f.pupil in trained_on.later for f in trained_on.facts], seed)
    held_out = snapshot(pupils, seed + HELD_OUT, cutoff)
    risks = learned.risk(model, [learned.features(f, held_out.so_far.get(f.pupil))
                                 for f in held_out.facts])
    top = int(len(held_out.facts) * TOP)
    order = sorted(zip(risks, (f.pupil for f in held_out.facts), strict=True),
                   key=lambda pair: (-pair[0], pair[1]))
    model_top = [pupil for _risk, pupil in order[:top]]
    rules_top = by_rules(held_out)
    return {"dropouts": len(held_out.later),
            "rules_recall": recall(held_out.later, rules_top),
            "model_recall": recall(held_out.later, model_top),
            "model_precision": precision(held_out.later, model_top)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=3000)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    try:
        import sklearn  # noqa: F401
        with_model = True
    except ImportError:
        with_model = False
    for cutoff in ("october", "after-tet"):
        runs = [measure(args.pupils, seed, cutoff) for seed in range(1, args.seeds + 1)]
        print(f"\ncut-off: {cutoff}; {args.seeds} seeds of {args.pupils} pupils")
        print(f"{'seed':>4} {'enrolled':>8} {'later':>5} | {'rules R@10%':>11} {'P@10%':>6} | "
              f"{'att. R@10%':>10} {'P@10%':>6} | {'<90% flags':>10} {'R':>5} {'P':>5}")
        for seed, r in enumerate(runs, 1):
            print(f"{seed:>4} {r['pupils']:>8} {r['dropouts']:>5} | "
                  f"{r['rules_recall']:>11.2f} {r['rules_precision']:>6.2f} | "
                  f"{r['attendance_recall']:>10.2f} {r['attendance_precision']:>6.2f} | "
                  f"{r['below90_share']:>10.1%} {r['below90_recall']:>5.2f} "
                  f"{r['below90_precision']:>5.2f}")
        mean = {k: statistics.fmean(r[k] for r in runs) for k in runs[0]}
        print(f"mean {mean['pupils']:>8.0f} {mean['dropouts']:>5.1f} | "
              f"{mean['rules_recall']:>11.2f} {mean['rules_precision']:>6.2f} | "
              f"{mean['attendance_recall']:>10.2f} {mean['attendance_precision']:>6.2f} | "
              f"{mean['below90_share']:>10.1%} {mean['below90_recall']:>5.2f} "
              f"{mean['below90_precision']:>5.2f}")
        if not with_model:
            print("learned model: scikit-learn not installed (pip install phocap[model])")
            continue
        models = [measure_model(args.pupils, seed, cutoff) for seed in range(1, args.seeds + 1)]
        print(f"learned model, trained on seed s, judged on seed s + {HELD_OUT}:")
        print(f"{'seed':>4} {'later':>5} | {'rules R@10%':>11} | {'model R@10%':>11} "
              f"{'P@10%':>6} | shown")
        for seed, m in enumerate(models, 1):
            shown = "yes" if m["model_recall"] > m["rules_recall"] else "no"
            print(f"{seed:>4} {m['dropouts']:>5} | {m['rules_recall']:>11.2f} | "
                  f"{m['model_recall']:>11.2f} {m['model_precision']:>6.2f} | {shown}")
        mean = {k: statistics.fmean(m[k] for m in models) for k in models[0]}
        print(f"mean {mean['dropouts']:>5.1f} | {mean['rules_recall']:>11.2f} | "
              f"{mean['model_recall']:>11.2f} {mean['model_precision']:>6.2f} |")


if __name__ == "__main__":
    main()
