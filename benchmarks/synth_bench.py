"""Benchmark: synthetic people per second, streamed to Parquet, against a baseline.

Generates N people (default 2,000,000) spread over the selection (default the
whole nation, national profile) to a temporary Parquet file, then writes a table
of the same size and schema made of trivial pre-built columns with the same
Parquet writer settings. The ratio synth/baseline says how much the generation
itself costs beyond writing the file. Peak RSS is the process's maximum resident
set size (resource.getrusage), so run one case per process.

    .venv/bin/python benchmarks/synth_bench.py --people 100000000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from phocap.synth import prepare
from phocap.synth.records import ARROW_SCHEMA
from phocap.synth.writer import PARQUET_OPTIONS, write_parquet


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / (1 << 10)


def synth(path: Path, selection: str, profile: str, year: int, people: int, seed: int) -> int:
    run = prepare(selection, year, profile, seed, people)
    return write_parquet(path, run.batches())


def baseline(path: Path, rows: int, batch_rows: int = 1_000_000) -> int:
    """Write ``rows`` rows of constant, pre-built columns with the same schema and writer."""
    size = min(rows, batch_rows)
    arrays = []
    for field in ARROW_SCHEMA:
        if pa.types.is_string(field.type):
            arrays.append(pa.array(["0123456789"] * size, field.type))
        else:
            arrays.append(pa.array([1] * size, field.type))
    batch = pa.RecordBatch.from_arrays(arrays, schema=ARROW_SCHEMA)
    written = 0
    with pq.ParquetWriter(path, ARROW_SCHEMA, **PARQUET_OPTIONS) as writer:
        while written < rows:
            part = batch.slice(0, min(size, rows - written))
            writer.write_batch(part, row_group_size=part.num_rows)
            written += part.num_rows
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument("--unit", default="nation", help="commune/district/province code")
    parser.add_argument("--profile", default="national")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "synth.parquet"
        start = time.perf_counter()
        rows = synth(out, args.unit, args.profile, args.year, args.people, args.seed)
        synth_seconds = time.perf_counter() - start
        synth_rss = peak_rss_mb()
        size_mb = out.stat().st_size / 1e6
        out.unlink()
        start = time.perf_counter()
        baseline(Path(tmp) / "baseline.parquet", rows)
        base_seconds = time.perf_counter() - start
    print(f"people            {rows:,}")
    print(f"synth             {synth_seconds:.2f} s  {rows / synth_seconds:,.0f} people/s"
          f"  ({size_mb:,.0f} MB Parquet)")
    print(f"baseline          {base_seconds:.2f} s  {rows / base_seconds:,.0f} rows/s")
    print(f"ratio synth/base  {synth_seconds / base_seconds:.1f}")
    print(f"peak RSS          {synth_rss:,.0f} MiB (after synth), {peak_rss_mb():,.0f} MiB (end)")


if __name__ == "__main__":
    main()
