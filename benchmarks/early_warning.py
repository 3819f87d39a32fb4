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

Run: .venv/bin/python benchmarks/early_warning.py [--pupils 3000] [--seeds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
from fractions import Fraction

import polars as pl

from phocap.attendance.calendar import default_calendar
from phocap.attendance.rates import Counts, pupil_days, window
from phocap.attendance.score import PupilFacts, load_rules, ranked, score, windows
from phocap.synth.attendance import generate

SCHOOL_YEAR = 2021
TOP = Fraction(1, 10)
BELOW = Fraction(9, 10)


def measure(pupils: int, seed: int, cutoff: str) -> dict[str, float]:
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
    so_far = window(seen, calendar.first_day, as_of)
    facts = {row["pupil"]: row for row in cohort.facts.iter_rows(named=True)}
    warnings = []
    for pupil in enrolled["pupil"].to_list():
        f = facts[pupil]
        warnings.append(score(PupilFacts(
            pupil, found.recent.get(pupil), found.before_break.get(pupil),
            found.after_break.get(pupil), f["repeating"], f["over_age_years"],
            f["earlier_dropout"], f["satellite_site"], Fraction(str(f["distance_km"])),
            f["semi_boarding"]), rules))
    top = int(len(warnings) * TOP)
    by_rules = [w.pupil for w in ranked(warnings, found.recent)][:top]

    def rate(pupil: int) -> Fraction:
        counts = so_far.get(pupil, Counts(0, 0))
        return counts.rate if counts.rate is not None else Fraction(1)

    by_attendance = sorted((w.pupil for w in warnings), key=lambda p: (rate(p), p))[:top]
    below = [w.pupil for w in warnings if rate(w.pupil) < BELOW]

    def recall(flagged: list[int]) -> float:
        return len(later & set(flagged)) / len(later) if later else float("nan")

    def precision(flagged: list[int]) -> float:
        return len(later & set(flagged)) / len(flagged) if flagged else float("nan")

    return {"pupils": len(warnings), "dropouts": len(later),
            "rules_recall": recall(by_rules), "rules_precision": precision(by_rules),
            "attendance_recall": recall(by_attendance),
            "attendance_precision": precision(by_attendance),
            "below90_share": len(below) / len(warnings),
            "below90_recall": recall(below), "below90_precision": precision(below)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=3000)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
