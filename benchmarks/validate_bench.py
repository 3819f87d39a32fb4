"""Reading + validating a district workbook vs reading it row by row with openpyxl.

    .venv/bin/python benchmarks/validate_bench.py --rows 200000

Writes a synthetic district of about --rows people as XLSX (Vietnamese
headers, as officers' workbooks are), then measures in the same run:

- baseline: openpyxl in read-only mode iterating every row and cell, doing
  nothing else (the common way such files are read);
- phocap: reading the same file and running every validation check;
- the `phocap validate` command end to end (process start included).

The issue asked for phocap to be at least 5x faster than the baseline and for
the command to finish in under 10 s on 200,000 rows; issue 16 asks for under 5 s.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from phocap.survey.validate import validate


def openpyxl_rows(path: Path) -> int:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += sum(1 for value in row if value is not None)
    workbook.close()
    return cells


def best_of(repeat: int, action: object) -> float:
    assert callable(action)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from phocap.synth.generate import write

    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "district.xlsx"
        start = time.perf_counter()
        write(path, selection="100", year=2021, profile="mountainous", seed=1, people=args.rows)
        print(f"wrote {path.name} in {time.perf_counter() - start:.1f} s"
              f" ({path.stat().st_size / 2**20:.1f} MiB)")

        report = validate(path).report
        print(f"{report.rows:,} rows, {report.errors} errors, {report.warnings} warnings")
        baseline = best_of(args.repeat, lambda: openpyxl_rows(path))
        ours = best_of(args.repeat, lambda: validate(path))
        start = time.perf_counter()
        command = subprocess.run(
            [sys.executable, "-m", "phocap.cli", "validate", str(path), "--limit", "5"],
            capture_output=True, text=True, check=False,
        )
        cli = time.perf_counter() - start
        print(f"baseline (openpyxl read-only, row by row, no checks): {baseline:.2f} s")
        print(f"phocap read + validate: {ours:.2f} s")
        print(f"ratio baseline/phocap: {baseline / ours:.1f}x (target ≥ 5x)")
        print(f"`phocap validate` command: {cli:.2f} s, exit {command.returncode}"
              " (target < 5 s)")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
