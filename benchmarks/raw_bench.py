"""`phocap validate` and `phocap evaluate` on a raw national file vs one DuckDB query each.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/raw_bench.py /work/big/n10m.parquet --repeat 1

The raw file is what `phocap synth --profile national --nation` writes: the
survey columns as an officer's file holds them, mostly text. Every measurement
is a whole process (start-up, reading, output), run one after the other in the
same run, median of --repeat, with each process's own peak memory (GNU time):

A. validate, on a corrupted copy of the file (written once under --work,
   deterministic from --seed: --rate of the rows get one bad or unusual value
   each, of the 68 kinds in KINDS, so that every family of checks has rows to
   count). phocap: `phocap validate COPY`. Baseline: one DuckDB SQL query
   (duck_survey.py) reading the same file, typing every column from its text
   by parse.py's rules and counting the failing rows of every check code of
   validate.py, the communes joined to a Parquet export of phocap's
   `official_units(year)` for the years the file holds. The per-code counts
   are compared: phocap's from a further process validating through the
   Python API (the command has no machine-readable report), which also says
   whether any problem went uncounted past MAX_KEPT_PROBLEMS.
B. evaluate, on the file itself. phocap: `phocap evaluate FILE --format json`.
   Baseline: engine_bench.py's hand-written query of every per-commune count
   (duck_counts.py), over the raw file typed in the same query
   (duck_survey.typed_source). The counts are compared with the numerators,
   denominators, cohort breakdowns and indicators of the communes in
   phocap's JSON.
C. `phocap validate` on the 200,000-row district XLSX of validate_bench.py,
   end to end (target < 5 s).

The issue's targets: phocap/baseline ≤ 3 for A and B, peak memory < 4 GB.

Codes not compared (phocap's counts are printed, the baseline has none):
reader problems, found while reading rather than by validate.py's checks
(legacy_font*: a heuristic reading cells both ways in Python; header and
structure codes); year_mismatch and year_from_option (only with --year).
Differences in how SQL reads text are listed in duck_survey.py; none occurs
in these files. The duplicate checks count a row whose key came earlier; the
baseline counts n − 1 for a key seen n times, the same number.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow.parquet as pq
from duck_counts import baseline_sql
from duck_survey import lit, typed_source, validate_sql

from phocap.engine.counts import Count, cohort, cohort_breakdown
from phocap.engine.evaluate import needed_counts
from phocap.engine.indicators import INDICATORS
from phocap.engine.levels import BREAKDOWN_KEYS
from phocap.rules import for_year

NOT_COMPARED_PREFIXES = ("legacy_font", "header_", "column_", "year_mismatch", "year_from")
TYPED_FOR_COUNTS = [
    "survey_year", "commune_code", "birth_year", "status", "disability", "class_level",
    "class_grade", "class_repeater", "preschool_completed", "primary_completed",
    "thcs_graduated", "thpt_graduated", "vocational_completed", "vocational_level",
    "highest_grade", "literacy_stage", "relapsed",
]

# The child processes. DuckDB's runs one statement, COPY (the query) TO a Parquet file, without
# the progress bar it otherwise draws into the log.
DUCKDB_CHILD = ("import sys, duckdb; db = duckdb.connect();"
                " db.execute('SET enable_progress_bar = false');"
                " db.execute(open(sys.argv[1]).read())")
PHOCAP_COUNTS_CHILD = """
import json, sys
from pathlib import Path
from phocap.survey.validate import validate
report = validate(Path(sys.argv[1])).report
codes = dict(report.problems.group_by("code").len().iter_rows())
Path(sys.argv[2]).write_text(json.dumps(
    {"rows": report.rows, "codes": codes, "omitted": dict(report.omitted)}))
"""

# --- the corrupted copy ----------------------------------------------------------------------

Updates = dict[str, pl.Expr | str | int | None]


def _birth_year() -> pl.Expr:
    return pl.col("birth_date").str.slice(-4).cast(pl.Int32, strict=False)


def _previous(column: str) -> pl.Expr:
    return pl.col(column).shift(1)


# (what, {column: new value}): one kind of bad or unusual value, given to a share of rows.
# Some are valid spellings that must parse alike on both sides.
KINDS: list[tuple[str, Updates]] = [
    ("survey year out of range", {"survey_year": 1800}),
    ("survey year 2025: no districts, the 2025 communes", {"survey_year": 2025}),
    ("province code not digits", {"province_code": "1A"}),
    ("another province's code", {"province_code": "99"}),
    ("no district", {"district_code": None}),
    ("another district's code", {"district_code": "999"}),
    ("unknown commune", {"commune_code": "99999"}),
    ("commune code as Excel's number", {
        "commune_code": pl.col("commune_code").str.strip_chars_start("0") + ".0"}),
    ("spaces around the commune code", {
        "commune_code": " " + pl.col("commune_code") + "\u00a0"}),
    ("no village", {"village": None}),
    ("household number too long", {"household_no": "HN-" + "0" * 25}),
    ("person number out of range", {"person_no": 150}),
    ("household and person number of the previous row", {
        c: _previous(c) for c in ("survey_year", "commune_code", "village", "household_no",
                                  "person_no")}),
    ("national id of five digits", {"national_id": "12345"}),
    ("national id without its leading 0", {"national_id": pl.col("national_id").str.slice(1)}),
    ("national id of an earlier row", {
        "national_id": pl.col("national_id").shift(1).forward_fill()}),
    ("bidi override in the name", {"full_name": "\u202e" + pl.col("full_name")}),
    ("no name", {"full_name": None}),
    ("name of spaces", {"full_name": "   "}),
    ("name and birth of the previous row", {
        "full_name": _previous("full_name"), "birth_date": _previous("birth_date")}),
    ("31 February", {"birth_date": "31/02/2010"}),
    ("month 13", {"birth_date": "2010-13-01"}),
    ("born after the survey year", {"birth_date": "15/03/2030"}),
    ("born after the reference day", {"birth_date": "01/10/2024"}),
    ("born 1901", {"birth_date": "1901"}),
    ("born 1950", {"birth_date": "1950"}),
    ("born 1850", {"birth_date": "1850"}),
    ("birth date with Excel's time", {"birth_date": "2012-05-07 00:00:00"}),
    ("birth date with dots", {"birth_date": "7.5.2012"}),
    ("sex folded", {"sex": "NU"}),
    ("unknown sex", {"sex": "x"}),
    ("no sex", {"sex": None}),
    ("ethnic group spelt otherwise", {"ethnicity": "H'Mông"}),
    ("ethnic group by code", {"ethnicity": "8"}),
    ("unknown ethnic group", {"ethnicity": "Kinh Thái"}),
    ("residence abbreviated", {"residence": "TT"}),
    ("unknown residence", {"residence": "nowhere"}),
    ("deceased in class", {"status": "đã chết", "current_class": "3"}),
    ("moved away in class", {"status": "Chuyen di", "current_class": "7!"}),
    ("unknown status", {"status": "gone"}),
    ("unknown disability", {"disability": "maybe"}),
    ("disability kinds without disability", {
        "disability_types": "nhìn; tâm thần", "disability": None}),
    ("unknown disability kind", {"disability_types": "vận động; xyz"}),
    ("certified flag not a flag", {"disability_certified": "maybe"}),
    ("class MG6", {"current_class": "MG6"}),
    ("class with a doubled mark", {"current_class": "5!!"}),
    ("class with both marks", {"current_class": "3*!"}),
    ("class 12", {"current_class": "12"}),
    ("class mg 5", {"current_class": "mg 5"}),
    ("continuing flag not a flag", {"continuing": "y"}),
    ("preschool completed after the survey", {"preschool_completed": 2030}),
    ("primary completed at 5", {"primary_completed": _birth_year() + 5}),
    ("THCS before primary", {"thcs_graduated": pl.col("primary_completed") - 1}),
    ("THPT year out of range", {"thpt_graduated": 1850}),
    ("unknown vocational level", {"vocational_level": "xyz"}),
    ("vocational year without level", {"vocational_completed": 2020, "vocational_level": None}),
    ("highest grade 13", {"highest_grade": 13}),
    ("dropout grade alone", {"dropout_grade": 5, "dropout_year": None}),
    ("literacy year without stage", {
        "literacy_year": 2015, "literacy_stage": None, "literacy_completed": None}),
    ("literacy stage from the class completed", {
        "literacy_completed": 5, "literacy_stage": None, "literacy_year": 2015}),
    ("finished year without grade", {"finished_year": 2015, "finished_grade": None}),
    ("finished above highest", {"finished_grade": 12, "highest_grade": 3}),
    ("literacy class at or below completed", {"literacy_class": 2, "literacy_completed": 3}),
    ("phone in words", {"phone": "gọi sau"}),
    ("relapse flag not a flag", {"relapsed": "maybe"}),
    ("relapse by its level alone", {"relapse_level": 1, "relapsed": None}),
    ("note too long", {"note": "x" * 250}),
    ("control character in the address", {"address": "Số 5\x07 ngõ 3"}),
]


def _value(value: pl.Expr | str | int | None, dtype: pl.DataType) -> pl.Expr:
    expr = value if isinstance(value, pl.Expr) else pl.lit(value)
    return expr.cast(dtype, strict=False)


def corrupt(source: Path, target: Path, seed: int, rate: float) -> None:
    """A copy of ``source`` with ``rate`` of its rows given one value of KINDS each."""
    parquet = pq.ParquetFile(source)
    rows = parquet.metadata.num_rows
    rng = np.random.default_rng(seed)
    chosen = rng.choice(rows, size=int(rows * rate), replace=False)
    kind_of = np.full(rows, -1, dtype=np.int16)
    kind_of[chosen] = rng.integers(0, len(KINDS), size=len(chosen))
    schema = parquet.schema_arrow
    dtypes = dict(pl.from_arrow(schema.empty_table()).schema)  # type: ignore[union-attr]
    by_column: dict[str, list[tuple[int, pl.Expr | str | int | None]]] = {}
    for index, (_, updates) in enumerate(KINDS):
        for column, value in updates.items():
            by_column.setdefault(column, []).append((index, value))
    partial = target.with_name(f".{target.name}.partial")
    writer = pq.ParquetWriter(partial, schema)
    offset = 0
    group_rows = parquet.metadata.row_group(0).num_rows
    for batch in parquet.iter_batches(batch_size=group_rows):
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        kind = pl.Series("__kind", kind_of[offset:offset + frame.height])
        offset += frame.height
        frame = frame.with_columns(kind)
        changed = []
        for column, values in by_column.items():
            chain: Any = pl
            for index, value in values:
                chain = chain.when(pl.col("__kind") == index).then(
                    _value(value, dtypes[column]))
            changed.append(chain.otherwise(pl.col(column)).alias(column))
        table = frame.with_columns(changed).drop("__kind").to_arrow().cast(schema)
        writer.write_table(table)
    writer.close()
    partial.replace(target)


def unit_table(path: Path, target: Path) -> None:
    """phocap's communes of every survey year the file holds, as (year, code, province,
    district), for the baseline to join."""
    from phocap.survey.validate import official_units

    years = (
        pl.scan_parquet(path).select(pl.col("survey_year").cast(pl.String).str.strip_chars())
        .unique().collect().to_series().to_list()
    )
    found = sorted({int(y) for y in years if y and y.isdigit() and 1900 <= int(y) <= 2100})
    frames = [official_units(y).with_columns(pl.lit(y, pl.Int64).alias("year")) for y in found]
    table = pl.concat(frames)
    assert not table.select("year", "code").is_duplicated().any()
    table.write_parquet(target)


# --- processes -------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mib: float
    exit: int


def run(command: list[str], log: Path) -> Run:
    """A whole process, its wall time and its own peak memory.

    The peak is GNU time's maximum resident set of the command: Linux carries a
    process's peak across exec, so the peak of a child forked straight from this
    process (wait4) would start at this process's size.
    """
    peak = log.with_suffix(".peak")
    with log.open("wb") as out:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-o", str(peak), "-f", "%M", *command],
                              stdout=out, stderr=subprocess.STDOUT, check=False)
        seconds = time.perf_counter() - start
    kib = int(peak.read_text().split()[-1])
    return Run(seconds, kib / 1024, done.returncode)


@dataclass
class Timing:
    runs: list[Run]

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mib(self) -> float:
        return max(r.peak_mib for r in self.runs)


def compare(repeat: int, baseline: Callable[[], Run], phocap: Callable[[], Run]
            ) -> tuple[Timing, Timing]:
    """Both in turn, ``repeat`` times; a baseline that fails stops the benchmark."""
    ours, theirs = Timing([]), Timing([])
    for _ in range(repeat):
        done = baseline()
        if done.exit != 0:
            raise SystemExit(f"the baseline failed (exit {done.exit})")
        theirs.runs.append(done)
        ours.runs.append(phocap())
    return theirs, ours


def duckdb_run(sql: str, output: Path, work: Path, name: str) -> Run:
    script = work / f"{name}.sql"
    script.write_text(f"COPY ({sql}) TO {lit(str(output))} (FORMAT parquet)")
    return run([sys.executable, "-c", DUCKDB_CHILD, str(script)], work / f"{name}.log")


def phocap_run(arguments: list[str], work: Path, name: str) -> Run:
    return run([sys.executable, "-m", "phocap.cli", *arguments], work / f"{name}.log")


def line(what: str, baseline: Timing, phocap: Timing, identical: bool, extra: str = "") -> None:
    ratio = phocap.seconds / baseline.seconds
    print(f"{what}: baseline {baseline.seconds:.2f} s ({baseline.peak_mib:,.0f} MiB),"
          f" phocap {phocap.seconds:.2f} s ({phocap.peak_mib:,.0f} MiB),"
          f" ratio {ratio:.2f} (target ≤ 3), identical: {'yes' if identical else 'no'}{extra}")


# --- A: validate -----------------------------------------------------------------------------


def bench_validate(path: Path, work: Path, repeat: int, seed: int, rate: float) -> bool:
    copy = work / f"{path.stem}-corrupt-s{seed}-r{rate:g}.parquet"
    if not copy.exists():
        start = time.perf_counter()
        corrupt(path, copy, seed, rate)
        print(f"wrote {copy} in {time.perf_counter() - start:.1f} s")
    units = work / f"{copy.stem}.units.parquet"
    unit_table(copy, units)
    counted = work / "validate-baseline.parquet"
    sql = validate_sql(copy, units)
    baseline, phocap = compare(
        repeat,
        lambda: duckdb_run(sql, counted, work, "validate-baseline"),
        lambda: phocap_run(["validate", str(copy)], work, "validate-phocap"),
    )
    if any(r.exit not in (0, 2) for r in phocap.runs):
        raise SystemExit(f"phocap validate failed: see {work / 'validate-phocap.log'}")

    dumped = work / "validate-counts.json"
    api = run([sys.executable, "-c", PHOCAP_COUNTS_CHILD, str(copy), str(dumped)],
              work / "validate-counts.log")
    if api.exit != 0:
        raise SystemExit(f"counting phocap's problems failed: see {work / 'validate-counts.log'}")
    found = json.loads(dumped.read_text())
    theirs = pl.read_parquet(counted).row(0, named=True)
    ours: dict[str, int] = found["codes"]
    rows = theirs.pop("rows")
    print(f"A. validate {copy.name}: {rows:,} rows (phocap: {found['rows']:,});"
          f" phocap through the API (for its counts): {api.seconds:.2f} s")
    same = rows == found["rows"] and not found["omitted"]
    if found["omitted"]:
        print(f"   phocap listed {sum(ours.values()):,} problems and omitted {found['omitted']}:"
              " the per-code counts cannot be compared")
    compared = sorted(set(theirs) | {c for c in ours if not c.startswith(NOT_COMPARED_PREFIXES)})
    print(f"   {'check code':<45} {'baseline':>10} {'phocap':>10}")
    for code in compared:
        a, b = theirs.get(code), ours.get(code, 0)
        mark = "" if a == b else "   DIFFERENT"
        same &= a == b
        if a or b or mark:
            print(f"   {code:<45} {a if a is not None else '-':>10} {b:>10}{mark}")
    quiet = [c for c in compared if not theirs.get(c) and not ours.get(c)]
    print(f"   {len(compared)} codes compared, {len(quiet)} of them 0 on both sides")
    for code in sorted(set(ours) - set(compared)):
        print(f"   not compared: {code} {ours[code]:,} (phocap only)")
    line("A. validate", baseline, phocap, same)
    return same


# --- B: evaluate -----------------------------------------------------------------------------


def _survey_year(path: Path) -> int:
    value = pl.scan_parquet(path).select(pl.col("survey_year").first()).collect().item()
    return int(str(value).strip())


def same_counts(evaluation: dict[str, Any], expected: pl.DataFrame, wanted: list[Count]
                ) -> tuple[bool, str]:
    """Each commune's numbers in the JSON against the baseline's counts of that commune."""
    rows = {r["commune_code"]: r for r in expected.iter_rows(named=True)}
    indicators = {i.key: i for i in INDICATORS}
    checked, differ, covered = 0, 0, set()
    communes = [u for u in evaluation["units"] if u["type"] == "commune"]

    def check(code: str, column: str, value: int) -> None:
        nonlocal checked, differ
        checked += 1
        covered.add(column)
        if rows.get(code, {}).get(column, 0) != value:
            differ += 1
            if differ <= 10:
                print(f"   {code} {column}: baseline {rows.get(code, {}).get(column, 0)},"
                      f" phocap {value}")

    for unit in communes:
        code = unit["code"]
        for standard in unit["standards"].values():
            for c in standard["criteria"]:
                lo, hi = c["ages"]
                check(code, Count("in_scope", c["fact"], lo, hi).column, c["numerator"])
                check(code, cohort(lo, hi).column, c["denominator"])
                for key, count in zip(BREAKDOWN_KEYS, cohort_breakdown(lo, hi), strict=True):
                    check(code, count.column, c["breakdown"][key])
        for key, found in unit["indicators"].items():
            check(code, indicators[key].numerator.column, found["numerator"])
            check(code, indicators[key].denominator.column, found["denominator"])
    missing = set(rows) - {u["code"] for u in communes}
    summary = (f"{checked:,} numbers of {len(communes):,} communes compared, {differ:,} differ;"
               f" {len(covered)} of the {len(wanted)} counts per commune appear in the JSON;"
               f" communes counted by the baseline and absent from the JSON: {len(missing)}")
    return differ == 0 and not missing, summary


def bench_evaluate(path: Path, work: Path, repeat: int) -> bool:
    year = _survey_year(path)
    wanted = needed_counts(for_year(year))
    sql = baseline_sql(typed_source(path, TYPED_FOR_COUNTS), wanted)
    counted = work / "evaluate-baseline.parquet"
    output = work / "evaluate.json"
    baseline, phocap = compare(
        repeat,
        lambda: duckdb_run(sql, counted, work, "evaluate-baseline"),
        lambda: phocap_run(["evaluate", str(path), "--format", "json", "--output", str(output)],
                           work, "evaluate-phocap"),
    )
    if any(r.exit != 0 for r in phocap.runs):
        raise SystemExit(f"phocap evaluate failed: see {work / 'evaluate-phocap.log'}")
    expected = pl.read_parquet(counted).filter(pl.col("survey_year") == year)
    same, summary = same_counts(json.loads(output.read_text()), expected, wanted)
    print(f"B. evaluate {path.name}, survey year {year}: {summary}")
    line("B. evaluate", baseline, phocap, same)
    return same


# --- C: the district workbook ----------------------------------------------------------------


def bench_xlsx(rows: int, work: Path, repeat: int) -> None:
    from phocap.synth.generate import write

    path = work / f"district-{rows}.xlsx"
    if not path.exists():  # as validate_bench.py writes it
        write(path, selection="100", year=2021, profile="mountainous", seed=1, people=rows)
    runs = [phocap_run(["validate", str(path), "--limit", "5"], work, "xlsx-phocap")
            for _ in range(repeat)]
    timing = Timing(runs)
    print(f"C. `phocap validate {path.name}` ({path.stat().st_size / 2**20:.1f} MiB):"
          f" {timing.seconds:.2f} s (target < 5 s), exit {runs[-1].exit},"
          f" peak {timing.peak_mib:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="a raw national survey Parquet file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/work/big-rawbench"),
                        help="where the corrupted copy, the XLSX and the outputs go")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--rate", type=float, default=0.001,
                        help="share of the rows given a bad value in the copy validated")
    parser.add_argument("--xlsx-rows", type=int, default=200_000, help="0: skip part C")
    parser.add_argument("--only", choices=("validate", "evaluate", "xlsx"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{args.file}: {pq.ParquetFile(args.file).metadata.num_rows:,} rows;"
          f" load average {os.getloadavg()[0]:.1f}; repeat {args.repeat}")
    same = True
    if args.only in (None, "validate"):
        same &= bench_validate(args.file, args.work, args.repeat, args.seed, args.rate)
    if args.only in (None, "evaluate"):
        same &= bench_evaluate(args.file, args.work, args.repeat)
    if args.only in (None, "xlsx") and args.xlsx_rows:
        bench_xlsx(args.xlsx_rows, args.work, args.repeat)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    if not same:
        raise SystemExit("phocap and the baseline counted differently")


if __name__ == "__main__":
    main()
