"""Importing a district into the register: the bulk path vs the ORM row by row.

    .venv/bin/python benchmarks/import_register.py                # Điện Biên, ~126,000 people
    .venv/bin/python benchmarks/import_register.py --people 20000 --backend sqlite

Generates the Điện Biên 2021 demo district (or --people N of it), validates it,
then for each backend (SQLite in a temporary directory; PostgreSQL at
127.0.0.1:5432 as user postgres, in a scratch database it creates and drops)
measures in the same run, on an empty register:

- baseline: the previous commit, one ORM ``create`` and one audit INSERT per
  household, person and survey year, on the first --sample records (rolled
  back), extrapolated per record to the whole district;
- bulk: importing.load on the whole district (COPY on PostgreSQL, executemany
  on SQLite; audit entries included), then the same file again (nothing to
  write), then every record's class changed (bulk updates);
- PostgreSQL only: the changed survey years written by the temporary-table
  ``UPDATE … FROM`` of bulk.update_rows against psycopg's pipelined executemany
  of one UPDATE per row (both rolled back).
- PostgreSQL only: every survey year and audit entry copied again into a
  temporary table by bulk's COPY (psycopg's ``write_row``) against the rows
  formatted as COPY text in Python (the previous bulk._copy_rows, kept below
  as the baseline), three times each in turn, rolled back; and the audit
  entries read back by bulk.read_values (COPY TO, Polars) against ``values()``.

Each backend runs in a child process of its own (Django is configured once
per process).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_URL = "postgresql://postgres@127.0.0.1:5432/{name}"
SCRATCH_DB = "phocap_bench_import"


class Rollback(Exception):
    """Raised to undo a measurement's writes."""


def prepare_records(people: int | None, workdir: Path) -> Path:
    from phocap.survey.validate import validate
    from phocap.synth.generate import write

    survey = workdir / "district.parquet"
    write(survey, selection="100", year=2021, profile="dien-bien-2021", seed=2021,
          people=people)
    store = workdir / "records.parquet"
    report = validate(survey, year=2021, records_to=store).report
    assert report.ok, report.problems.head(5)
    return store


def old_commit(records: object, user: object) -> None:
    """The previous importing.commit's write loop (git 826b08c), for an empty register."""
    import polars as pl

    from phocap.register import audit
    from phocap.register.models import AdministrativeUnit, Household, Person, PersonYear, Village
    from phocap.register.records import PERSON_FIELDS, YEAR_FIELDS
    from phocap.register.records import wanted as _wanted

    assert isinstance(records, pl.DataFrame)
    communes = {u.code: u for u in AdministrativeUnit.objects.filter(
        vintage="2025-01-04", code__in=records["commune_code"].unique().to_list())}
    villages: dict[tuple[int, str], Village] = {}
    households: dict[tuple[int, str], Household] = {}
    for row in records.iter_rows(named=True):
        commune = communes[row["commune_code"]]
        village = villages.get((commune.pk, row["village"]))
        if village is None:
            village = villages[(commune.pk, row["village"])] = Village.objects.create(
                commune=commune, name=row["village"])
        household = households.get((commune.pk, row["household_no"]))
        if household is None:
            household = households[(commune.pk, row["household_no"])] = (
                Household.objects.create(commune=commune, village=village,
                                         household_no=row["household_no"]))
            audit.record(user, "create", household, None)
        person = Person.objects.create(household=household, person_no=row["person_no"],
                                       **_wanted(row, PERSON_FIELDS))
        audit.record(user, "create", person, None)
        surveyed = PersonYear.objects.create(person=person, survey_year=row["survey_year"],
                                             **_wanted(row, YEAR_FIELDS))
        audit.record(user, "create", surveyed, None)


def old_copy_text(value: Any) -> str:
    """A value in COPY's text format, as the previous bulk._copy_value wrote it (git dc920a0)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value:
            value = value.replace("\\", "\\\\")
        if "\n" in value or "\r" in value or "\t" in value:
            value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def old_copy_rows(statement: str, rows: Iterable[Sequence[Any]]) -> None:
    """The previous bulk._copy_rows: COPY text built in Python, sent in 1 MiB chunks."""
    from django.db import connection

    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        lines: list[str] = []
        size = 0
        for row in rows:
            line = "\t".join(map(old_copy_text, row)) + "\n"
            lines.append(line)
            size += len(line)
            if size >= 1 << 20:
                copy.write("".join(lines))
                lines, size = [], 0
        if lines:
            copy.write("".join(lines))


def copy_comparison(model: Any) -> None:
    """PostgreSQL: bulk's COPY against the previous COPY text, on the rows just imported."""
    import statistics

    from django.db import connection

    from phocap.register import bulk

    columns = [f.column for f in model._meta.concrete_fields]
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    rows = [tuple(r[c] for c in columns) for r in bulk.read_values(
        model.objects.all(), [f.attname for f in model._meta.concrete_fields])]
    ways = {"write_row": bulk._copy_rows, "COPY text in Python": old_copy_rows}
    times: dict[str, list[float]] = {name: [] for name in ways}

    def copy_again(way: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE TEMPORARY TABLE again (LIKE "{table}") ON COMMIT DROP')
        way(f"COPY again ({names}) FROM STDIN", bulk._adapted(model, columns, rows))

    for turn in range(3):
        for name in (ways if turn % 2 == 0 else reversed(ways)):
            times[name].append(rolled_back(lambda way=ways[name]: copy_again(way)))
    median = {name: statistics.median(found) for name, found in times.items()}
    for name, seconds in median.items():
        print(f"[postgresql] {len(rows):,} {table} rows by COPY, {name}:"
              f" {seconds:.2f} s (median of 3)")
    print(f"[postgresql] ratio COPY text in Python / write_row:"
          f" {median['COPY text in Python'] / median['write_row']:.2f}x")


def read_comparison(model: Any) -> None:
    """PostgreSQL: bulk.read_values (COPY TO, parsed by Polars) against the ORM's values()."""
    import statistics

    from phocap.register import bulk

    columns = [f.attname for f in model._meta.concrete_fields]
    ways = {"read_values": lambda: bulk.read_values(model.objects.all(), columns),
            "values()": lambda: list(model.objects.values(*columns))}
    times: dict[str, list[float]] = {name: [] for name in ways}
    for turn in range(3):
        for name in (ways if turn % 2 == 0 else reversed(ways)):
            times[name].append(timed(ways[name]))
    median = {name: statistics.median(found) for name, found in times.items()}
    for name, seconds in median.items():
        print(f"[postgresql] {model._meta.db_table} read by {name}: {seconds:.2f} s (median of 3)")
    print(f"[postgresql] ratio values()/read_values: "
          f"{median['values()'] / median['read_values']:.2f}x")


def timed(action: object) -> float:
    assert callable(action)
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def rolled_back(action: object) -> float:
    """Time ``action`` inside a transaction that is then rolled back."""
    from django.db import transaction

    assert callable(action)
    start = time.perf_counter()
    try:
        with transaction.atomic():
            action()
            raise Rollback
    except Rollback:
        pass
    return time.perf_counter() - start


def run_backend(store: Path, sample: int) -> None:
    """In the child process: migrate a fresh database and measure."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phocap.settings")
    django.setup()
    import polars as pl
    from django.core.management import call_command
    from django.db import connection

    from phocap.register import bulk, importing
    from phocap.register.models import AdministrativeUnit, AuditEntry, PersonYear
    from phocap.units import registry_for_year

    call_command("migrate", verbosity=0)
    records = pl.read_parquet(store)
    registry = registry_for_year(2021)
    by_code: dict[str, AdministrativeUnit] = {}
    codes = records["commune_code"].unique().sort().to_list()
    for code in ["11", "100", *codes]:
        unit = registry.get(code)
        assert unit is not None
        by_code[code] = AdministrativeUnit.objects.create(
            vintage="2025-01-04", code=code, name=unit.name, type=unit.type, kind=unit.kind,
            parent=by_code.get(unit.parent_code))
    vendor = connection.vendor
    rows = records.height

    head = records.head(sample)

    per_row = rolled_back(lambda: old_commit(head, None)) / sample
    extrapolated = per_row * rows
    first = timed(lambda: importing.load(records))
    again = timed(lambda: importing.load(records))
    changed = records.with_columns(pl.lit("9").alias("current_class"),
                                   pl.lit(9, pl.Int8).alias("class_grade"))
    update = timed(lambda: importing.load(changed))
    print(f"[{vendor}] {rows:,} records, {len(codes)} communes")
    print(f"[{vendor}] baseline (ORM row by row + audit), {sample:,} records:"
          f" {per_row * 1e3:.2f} ms/record → {extrapolated:.1f} s for {rows:,} (extrapolated)")
    print(f"[{vendor}] bulk import, audit included: {first:.1f} s"
          f" ({rows / first:,.0f} records/s)")
    print(f"[{vendor}] ratio baseline/bulk: {extrapolated / first:.1f}x")
    print(f"[{vendor}] same file again (nothing written): {again:.1f} s")
    print(f"[{vendor}] every record changed (bulk updates + audit): {update:.1f} s")

    if vendor == "postgresql":
        years = list(PersonYear.objects.values_list("id", "current_class"))
        values = [(pk, "8") for pk, _ in years]

        def executemany_update() -> None:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE register_personyear SET current_class = %s WHERE id = %s",
                    [(v, pk) for pk, v in values])

        measured = {
            "temporary table + UPDATE FROM": rolled_back(
                lambda: bulk.update_rows(PersonYear, ["current_class"], values)),
            "executemany of single-row UPDATEs": rolled_back(executemany_update),
        }
        for name, seconds in measured.items():
            print(f"[{vendor}] {len(values):,} survey years updated by {name}: {seconds:.2f} s")
        slow, fast = measured["executemany of single-row UPDATEs"], measured[
            "temporary table + UPDATE FROM"]
        print(f"[{vendor}] ratio executemany/UPDATE FROM: {slow / fast:.1f}x")
        copy_comparison(PersonYear)
        copy_comparison(AuditEntry)
        read_comparison(AuditEntry)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=None,
                        help="people in the district (default: its natural size)")
    parser.add_argument("--sample", type=int, default=3000,
                        help="records imported row by row for the baseline")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        run_backend(args.child, args.sample)
        return
    with tempfile.TemporaryDirectory() as workdir:
        start = time.perf_counter()
        store = prepare_records(args.people, Path(workdir))
        print(f"generated and validated the district in {time.perf_counter() - start:.1f} s")
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        for backend in backends:
            env = {**os.environ, "PHOCAP_VAR": str(Path(workdir) / backend), "PHOCAP_DEMO": "1"}
            env.pop("DATABASE_URL", None)
            if backend == "postgresql":
                if subprocess.run(["pg_isready", "-h", "127.0.0.1"], capture_output=True,
                                  check=False).returncode != 0:
                    print("[postgresql] skipped: no server at 127.0.0.1:5432")
                    continue
                subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists",
                                SCRATCH_DB], check=True)
                subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", SCRATCH_DB],
                               check=True)
                env["DATABASE_URL"] = PG_URL.format(name=SCRATCH_DB)
            try:
                subprocess.run([sys.executable, __file__, "--child", str(store),
                                "--sample", str(args.sample)], env=env, cwd=ROOT, check=True)
            finally:
                if backend == "postgresql":
                    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres",
                                    "--if-exists", SCRATCH_DB], check=False)


if __name__ == "__main__":
    main()
