"""Engine vs one hand-written DuckDB query computing the same per-commune counts.

    .venv/bin/python benchmarks/engine_bench.py --people 10000000

Generates a synthetic national population (or reuses --records, a typed
survey store written by `phocap validate --records`), then times, in the same
run and on the same Parquet file:

- baseline: one hand-written DuckDB SQL query computing every count the engine
  needs per commune (the practical limit: the data must be read once);
- engine: phocap's full evaluation (Ibis counts on DuckDB, then levels,
  roll-up, explanations) for the same survey.

It checks that both computed identical counts and prints the ratio engine /
baseline; the issue asks for at most 2. Peak memory of the process is printed
too (resource.getrusage).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl
from duck_counts import baseline_sql

from phocap.engine.backends import connect, load
from phocap.engine.evaluate import evaluate, needed_counts
from phocap.rules import for_year


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def typed_store(people: int, workdir: Path) -> Path:
    """Synthesize a national population and turn it into a typed survey store."""
    from phocap.survey.validate import validate
    from phocap.synth.generate import write

    survey = workdir / "survey.parquet"
    write(survey, selection="nation", year=2021, profile="national", seed=7, people=people)
    store = workdir / "records.parquet"
    report = validate(survey, records_to=store, check_units=False).report
    assert report.ok, report.problems.head(5)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000_000)
    parser.add_argument("--records", type=Path, help="an existing typed survey store")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        store = args.records or typed_store(args.people, Path(workdir))
        rows = pl.scan_parquet(store).select(pl.len()).collect().item()
        year = pl.scan_parquet(store).select(pl.col("survey_year").min()).collect().item()
        ruleset = for_year(year)
        wanted = needed_counts(ruleset)
        print(f"{rows:,} people, year {year}, ruleset {ruleset.name}, {len(wanted)} counts"
              " per commune")

        sql = baseline_sql(f"read_parquet('{store}')", wanted)
        baseline_times, engine_times = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            expected = pl.from_arrow(duckdb.connect().sql(sql).arrow())
            baseline_times.append(time.perf_counter() - start)

            start = time.perf_counter()
            table = load(connect("duckdb"), store)
            evaluation = evaluate(table, year=year, ruleset=ruleset)
            engine_times.append(time.perf_counter() - start)

        from phocap.engine.counts import compute

        actual = compute(load(connect("duckdb"), store), wanted)
        assert isinstance(expected, pl.DataFrame)
        same = actual.equals(expected.cast(actual.schema))
        baseline, engine = min(baseline_times), min(engine_times)
        communes = len(evaluation.of_type("commune"))
        print(f"baseline (hand-written DuckDB SQL): {baseline:.2f} s")
        print(f"engine (phocap evaluate, {communes:,} communes): {engine:.2f} s")
        print(f"ratio engine/baseline: {engine / baseline:.2f} (target ≤ 2)")
        print(f"identical counts: {same}")
        print(f"peak memory: {peak_mib():,.0f} MiB")
        if not same:
            raise SystemExit("the engine's counts differ from the hand-written query")


if __name__ == "__main__":
    main()
