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

from phocap.engine.backends import connect, load
from phocap.engine.counts import Count
from phocap.engine.evaluate import evaluate, needed_counts
from phocap.rules import for_year

# The individual standards of docs/rules.md §2, written by hand in DuckDB SQL over the
# typed survey record. They are the baseline's own definitions, independent of
# phocap.engine.facts, so equal counts also cross-check the Ibis expressions.
PRIMARY_UP = ("'primary','lower_secondary','upper_secondary','continuing_lower_secondary',"
              "'continuing_upper_secondary','vocational_elementary','vocational_intermediate',"
              "'vocational_college','university'")
SQL_FACTS = {
    "everyone": "TRUE",
    "resident": "coalesce(status NOT IN ('chuyển đi','chết'), TRUE)",
    "in_scope": "coalesce(status NOT IN ('chuyển đi','chết'), TRUE)"
                " AND coalesce(disability <> 'không học được', TRUE)",
    "attends_preschool": f"coalesce(class_level IN ('kindergarten',{PRIMARY_UP}), FALSE)",
    "completed_preschool": "coalesce(preschool_completed <= survey_year, FALSE)",
    "in_mg4_or_higher": f"coalesce((class_level = 'kindergarten' AND class_grade >= 4)"
                        f" OR class_level IN ({PRIMARY_UP}), FALSE)",
    "in_mg5_or_higher": f"coalesce((class_level = 'kindergarten' AND class_grade >= 5)"
                        f" OR class_level IN ({PRIMARY_UP}), FALSE)",
    "in_grade_1_or_higher": f"coalesce(class_level IN ({PRIMARY_UP}), FALSE)",
    "lower_secondary_graduate": "coalesce(thcs_graduated <= survey_year, FALSE)"
                                " OR coalesce(thpt_graduated <= survey_year, FALSE)",
    "completed_primary": "coalesce(primary_completed <= survey_year, FALSE)"
                         " OR coalesce(thcs_graduated <= survey_year, FALSE)"
                         " OR coalesce(thpt_graduated <= survey_year, FALSE)"
                         " OR coalesce(vocational_completed <= survey_year"
                         " AND vocational_level IN ('trung cấp','cao đẳng'), FALSE)",
    "studying_beyond_lower_secondary": "coalesce(class_level IN ('upper_secondary',"
        "'continuing_upper_secondary','vocational_elementary','vocational_intermediate',"
        "'vocational_college','university'), FALSE)"
        " OR coalesce(thpt_graduated <= survey_year, FALSE)"
        " OR coalesce(vocational_completed <= survey_year, FALSE)",
    "in_nursery": "coalesce(class_level = 'nursery', FALSE)",
    "in_kindergarten": "coalesce(class_level = 'kindergarten', FALSE)",
    "in_primary": "coalesce(class_level = 'primary', FALSE)",
    "in_lower_secondary": "coalesce(class_level IN ('lower_secondary',"
                          "'continuing_lower_secondary'), FALSE)",
    "in_upper_secondary": "coalesce(class_level IN ('upper_secondary',"
                          "'continuing_upper_secondary'), FALSE)",
    "in_grade_6": "coalesce(class_level IN ('lower_secondary','continuing_lower_secondary')"
                  " AND class_grade = 6, FALSE)",
    "not_enrolled": "class_level IS NULL",
    "repeating_primary": "coalesce(class_level = 'primary' AND class_repeater, FALSE)",
    "repeating_lower_secondary": "coalesce(class_level IN ('lower_secondary',"
                                 "'continuing_lower_secondary') AND class_repeater, FALSE)",
    "upper_secondary_graduate": "coalesce(thpt_graduated <= survey_year, FALSE)",
    "moved_in": "coalesce(status = 'chuyển đến', FALSE)",
    "moved_away": "coalesce(status = 'chuyển đi', FALSE)",
    "deceased": "coalesce(status = 'chết', FALSE)",
}
SQL_FACTS["completed_or_in_primary"] = (
    f"({SQL_FACTS['completed_primary']}) OR coalesce(class_level = 'primary', FALSE)"
)
SQL_FACTS["cannot_study"] = (
    f"({SQL_FACTS['resident']}) AND coalesce(disability = 'không học được', FALSE)"
)
SQL_FACTS["disabled_can_study"] = (
    f"({SQL_FACTS['resident']}) AND coalesce(disability = 'học được', FALSE)"
)
SQL_FACTS["disabled_can_study_enrolled"] = (
    f"({SQL_FACTS['disabled_can_study']}) AND class_level IS NOT NULL"
)
_NOT_RELAPSED = "NOT coalesce(relapsed, FALSE)"
SQL_FACTS["literate_1"] = (
    f"(coalesce(highest_grade >= 3, FALSE) OR coalesce(class_level = 'primary' AND"
    f" class_grade >= 4, FALSE) OR coalesce(class_level IN ({PRIMARY_UP.split(',', 1)[1]}),"
    f" FALSE) OR coalesce(literacy_stage >= 1, FALSE) OR ({SQL_FACTS['completed_primary']}))"
    f" AND {_NOT_RELAPSED}"
)
SQL_FACTS["literate_2"] = (
    f"(({SQL_FACTS['completed_primary']}) OR coalesce(literacy_stage >= 2, FALSE))"
    f" AND {_NOT_RELAPSED}"
)


def baseline_sql(path: Path, counts: list[Count]) -> str:
    columns = []
    for c in counts:
        ages = "" if (c.lo, c.hi) == (0, 200) else f" AND age BETWEEN {c.lo} AND {c.hi}"
        columns.append(
            f"sum(CASE WHEN ({SQL_FACTS[c.population]}) AND ({SQL_FACTS[c.fact]}){ages}"
            f" THEN 1 ELSE 0 END)::BIGINT AS \"{c.column}\""
        )
    return (
        "SELECT survey_year::INT AS survey_year, commune_code, " + ", ".join(columns)
        + f" FROM (SELECT *, (survey_year - birth_year)::INT AS age FROM read_parquet('{path}'))"
        " GROUP BY ALL ORDER BY survey_year, commune_code"
    )


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

        sql = baseline_sql(store, wanted)
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
        same = actual.equals(expected.cast(actual.schema))  # type: ignore[arg-type]
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
