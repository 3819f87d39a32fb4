"""The cost curve: time and peak memory from one district to a nation of 100 million.

    .venv/bin/python benchmarks/cost_curve.py [--out /work/big-curve]
        [--max-people 10000000] [--steps district,province,nation-10m,nation-100m]
        [--regenerate] [--raw-up-to 10000000] [--web-up-to 1000000]
        [--sqlite-up-to 200000] [--database phocap_curve]

Issue 16 asks when one machine stops being enough: the register grows from a
district (the demo's Điện Biên 2021, about 126,000 people) to a province of a
million and a nation of 10 and 100 million, and every part that grows with it
is measured at each step, so the doc (docs/scale.md) can point at figures:

- the engine on files: ``phocap synth`` (skipped when the file is already
  there, unless ``--regenerate``), ``phocap validate --records`` (the typed
  store), ``phocap evaluate`` of the raw file on DuckDB and on PySpark (it
  validates the file again first; up to ``--raw-up-to`` people), and the
  evaluation of the typed store on DuckDB and on PySpark;
- the baseline of each step: one hand-written DuckDB query computing the same
  per-commune counts over the same typed store (engine_bench.py's, from
  duck_counts.py), so every time is also printed as a ratio to it, measured
  in the same run;
- the web side, up to ``--web-up-to`` people: the register's bulk import into
  a fresh PostgreSQL database (and SQLite up to ``--sqlite-up-to``), then the
  unit's results page opened twice in one process (cold: nothing cached; warm),
  with the peak memory of the PostgreSQL backend that served it.

Each part runs in its own process, so its figures are its own: the time is the
process's wall time, start included; the peak is the larger of the kernel's
maximum resident set (wait4) and the sum over the process and its children,
sampled every 0.2 s (the JVM that PySpark starts is a child, not the Python
process). The table goes to stdout and everything to
``<out>/cost-curve-<UTC date and time>.json`` (a run of one step does not
overwrite the last full run); generated files stay in ``--out`` and are reused
by the next run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
YEAR = 2021
MIB = 1024 * 1024


@dataclass(frozen=True)
class Step:
    """A size of the register: how it is generated, and the unit whose page is opened."""

    name: str
    people: int | None  # None: the profile's own size
    synth: tuple[str, ...]
    unit: str | None = None  # the results page's unit (web side only)
    role: str = "province_reviewer"


STEPS = [
    Step("district", None, ("--profile", "dien-bien-2021", "--unit", "100", "--seed", "2021"),
         unit="100", role="district_reviewer"),
    Step("province", 1_000_000, ("--profile", "mountainous", "--unit", "11", "--seed", "2021",
                                 "--people", "1000000"), unit="11"),
    Step("nation-10m", 10_000_000, ("--profile", "national", "--nation", "--seed", "7",
                                    "--people", "10000000")),
    Step("nation-100m", 100_000_000, ("--profile", "national", "--nation", "--seed", "7",
                                      "--people", "100000000")),
]


@dataclass
class Part:
    """One measured part of one step."""

    step: str
    people: int
    part: str
    seconds: float | None
    peak_mib: float | None
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- measuring a process


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        found.setdefault(parent, []).append(int(entry.name))
    return found


def tree_rss(pid: int) -> int:
    """Bytes resident in the process and all its descendants now."""
    children, total, todo = _children(), 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError, IndexError):  # gone meanwhile
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page
        todo += children.get(current, [])
    return total


@dataclass
class Run:
    seconds: float
    peak_mib: float
    output: str
    code: int


def measure(command: list[str], env: dict[str, str]) -> Run:
    """Run ``command`` alone; its wall time and peak memory (see the module's docstring)."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, text=True)
        sampled = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            sampled = max(sampled, tree_rss(process.pid))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    peak = max(usage.ru_maxrss * 1024, sampled) / MIB
    return Run(seconds, peak, output, process.returncode)


def last_json(output: str) -> dict[str, Any]:
    """The JSON object a helper process printed on its last line."""
    found: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return found


# ---------------------------------------------------------------- helpers run in their own process


def baseline_part(store: Path) -> None:
    """The hand-written DuckDB query of engine_bench.py (duck_counts.py) over the typed store."""
    import duckdb
    from duck_counts import baseline_sql

    from phocap.engine.evaluate import needed_counts
    from phocap.rules import for_year

    sql = baseline_sql(f"read_parquet('{store}')", needed_counts(for_year(YEAR)))
    rows = duckdb.connect().sql(sql).fetchall()
    print(json.dumps({"communes": len(rows)}))


def store_part(store: Path, units: Path, backend: str) -> None:
    """phocap's evaluation of the typed store (as ``phocap evaluate`` after validating)."""
    from phocap.engine.backends import connect, load
    from phocap.engine.evaluate import evaluate
    from phocap.engine.units import read_units_file

    evaluation = evaluate(load(connect(backend), store), year=YEAR,
                          units=read_units_file(units))
    print(json.dumps({"communes": len(evaluation.of_type("commune"))}))


# Runs inside `manage.py shell`: the typed store written by the register's bulk import.
IMPORT = """
import json, time
import polars as pl
from django.db import connection, transaction
from phocap.register import importing
from phocap.register.models import AdministrativeUnit, UnitYear
from phocap.units import vintage_for_year

records = pl.read_parquet("{store}")
started = time.perf_counter()
done = importing.load(records)
seconds = time.perf_counter() - started
from pathlib import Path
from phocap.engine.units import read_units_file
units = read_units_file(Path("{units}"))
difficult = dict(units.filter(pl.col("type") == "commune")
                 .select("code", "especially_difficult").iter_rows())
vintage = vintage_for_year({year}).value
with transaction.atomic():
    for commune in AdministrativeUnit.objects.filter(vintage=vintage, code__in=list(difficult)):
        UnitYear.objects.update_or_create(unit=commune, survey_year={year}, defaults={{
            "especially_difficult": bool(difficult[commune.code])}})
print(json.dumps({{"import_seconds": seconds, "people": len(done.new)}}))
"""

# Runs inside `manage.py shell`: the unit's results page, cold then warm, as its reviewer.
PAGE = """
import json, time
from pathlib import Path
from django.db import connection
from django.test import Client
from phocap.accounts.models import User
from phocap.register.models import AdministrativeUnit
from phocap.units import vintage_for_year

unit = AdministrativeUnit.objects.get(vintage=vintage_for_year({year}).value, code="{unit}")
user, _ = User.objects.update_or_create(username="curve", defaults={{
    "role": "{role}", "unit": unit}})
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
found = {{}}
for label in ("cold", "warm"):
    started = time.perf_counter()
    answer = client.get(f"/units/{{unit.pk}}/results/?year={year}")
    assert answer.status_code == 200, answer.status_code
    found[label] = time.perf_counter() - started
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), pg_database_size(current_database())")
        pid, size = cursor.fetchone()
    status = Path(f"/proc/{{pid}}/status").read_text().splitlines()
    found["backend_peak_mib"] = next(int(line.split()[1]) for line in status
                                     if line.startswith("VmHWM")) / 1024
else:
    size = Path(connection.settings_dict["NAME"]).stat().st_size
found["database_mib"] = size / 1024 / 1024
print(json.dumps(found))
"""


# ---------------------------------------------------------------- the steps


class Curve:
    """Measures the parts of each step in turn and keeps what it found."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.env = os.environ | {"PYTHONPATH": f"{ROOT}:{ROOT / 'benchmarks'}",
                                 "PHOCAP_DEBUG": "0", "PHOCAP_DEMO": "1"}
        self.parts: list[Part] = []

    def run(self, step: Step, people: int, part: str, command: list[str],
            env: dict[str, str] | None = None) -> Part | None:
        load_before = os.getloadavg()[0]
        done = measure(command, env or self.env)
        if done.code:
            print(f"  {part} failed ({done.code}):\n{done.output[-2000:]}", flush=True)
            self.parts.append(Part(step.name, people, part, None, None, "failed"))
            return None
        found = Part(step.name, people, part, done.seconds, done.peak_mib,
                     detail={"load_before": load_before, "load_after": os.getloadavg()[0]})
        if done.output.strip().endswith("}"):
            found.detail.update(last_json(done.output))
        self.parts.append(found)
        print(f"  {part:<28} {done.seconds:9.1f} s {done.peak_mib:9,.0f} MiB"
              f"  load {load_before:.1f} → {os.getloadavg()[0]:.1f}", flush=True)
        return found

    def phocap(self, *args: str) -> list[str]:
        return [str(BIN / "phocap"), *args]

    def itself(self, *args: str) -> list[str]:
        return [sys.executable, str(Path(__file__).resolve()), *args]

    def step(self, step: Step) -> None:
        out: Path = self.args.out
        survey = out / f"{step.name}.parquet"
        units = survey.with_suffix(".units.csv")
        store = out / f"{step.name}.records.parquet"
        print(f"{step.name}:", flush=True)
        people = step.people or 0
        if self.args.regenerate or not survey.exists():
            self.run(step, people, "synth", self.phocap(
                "synth", *step.synth, "--year", str(YEAR), "--output", str(survey)))
        else:
            self.parts.append(Part(step.name, people, "synth", None, None, "file reused"))
        checked = self.run(step, people, "validate --records", self.phocap(
            "validate", str(survey), "--records", str(store)))
        if checked is None:
            return
        people = self._count(store)
        for part in self.parts:
            if part.step == step.name:
                part.people = people
        self.run(step, people, "baseline (DuckDB SQL)", self.itself("--part", "baseline",
                                                                   "--store", str(store)))
        for backend in self.args.backends:
            self.run(step, people, f"evaluate store, {backend}", self.itself(
                "--part", "store", "--store", str(store), "--units", str(units),
                "--backend", backend))
        if people <= self.args.raw_up_to:
            for backend in self.args.backends:
                self.run(step, people, f"evaluate file, {backend}", self.phocap(
                    "evaluate", str(survey), "--units", str(units), "--backend", backend,
                    "--output", os.devnull))
        if step.unit and people <= self.args.web_up_to:
            self.web(step, people, store, units, "postgresql")
            if people <= self.args.sqlite_up_to:
                self.web(step, people, store, units, "sqlite")

    @staticmethod
    def _count(store: Path) -> int:
        import polars as pl

        rows: int = pl.scan_parquet(store).select(pl.len()).collect().item()
        return rows

    def web(self, step: Step, people: int, store: Path, units: Path, database: str) -> None:
        """A fresh register on ``database``: import the step, then open its results page."""
        var = Path(tempfile.mkdtemp(prefix="phocap-curve-"))
        env = self.env | {"PHOCAP_VAR": str(var)}
        if database == "postgresql":
            name = f"{self.args.database}_{step.name.replace('-', '_')}"
            create_database(name)
            env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{name}"
        try:
            for setup in (["migrate", "-v0"], ["loadunits"]):
                done = subprocess.run([sys.executable, "manage.py", *setup], cwd=ROOT, env=env,
                                      capture_output=True, text=True, check=False)
                if done.returncode:
                    raise SystemExit(f"manage.py {setup[0]} failed:\n{done.stderr[-2000:]}")
            manage = [sys.executable, "manage.py", "shell", "-c"]
            imported = self.run(step, people, f"import, {database}",
                                [*manage, IMPORT.format(store=store, units=units, year=YEAR)], env)
            if imported is not None:
                self.parts.append(Part(step.name, people, f"  importing.load, {database}",
                                       imported.detail["import_seconds"], None,
                                       "inside the process"))
            page = self.run(step, people, f"results page, {database}",
                            [*manage, PAGE.format(unit=step.unit, role=step.role, year=YEAR)], env)
            if page is not None:
                page.note = f"database {page.detail['database_mib']:,.0f} MiB"
                if "backend_peak_mib" in page.detail:
                    page.note += f", its backend's peak {page.detail['backend_peak_mib']:,.0f} MiB"
                for label in ("cold", "warm"):
                    self.parts.append(Part(step.name, people, f"  page {label}, {database}",
                                           page.detail[label], None, "inside the process"))
        finally:
            shutil.rmtree(var, ignore_errors=True)


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {name}")


def table(parts: list[Part]) -> str:
    """Step, people, part, seconds, peak, ratio to the step's baseline, people per second."""
    baselines = {p.step: p.seconds for p in parts if p.part.startswith("baseline") and p.seconds}
    lines = [f"{'step':<12} {'people':>12}  {'part':<30} {'seconds':>9} {'peak MiB':>9}"
             f" {'ratio':>7} {'people/s':>11}  note"]
    for p in parts:
        if p.seconds is None:
            lines.append(f"{p.step:<12} {p.people:>12,}  {p.part:<30} {p.note}")
            continue
        base = baselines.get(p.step)
        ratio = f"{p.seconds / base:7.1f}" if base else " " * 7
        peak = f"{p.peak_mib:9,.0f}" if p.peak_mib is not None else " " * 9
        rate = f"{p.people / p.seconds:11,.0f}" if p.people else ""
        lines.append(f"{p.step:<12} {p.people:>12,}  {p.part:<30} {p.seconds:9.2f} {peak}"
                     f" {ratio} {rate:>11}  {p.note}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/work/big-curve"),
                        help="where generated files and the JSON record go (not the repository)")
    parser.add_argument("--steps", default=",".join(s.name for s in STEPS),
                        help="which of the steps, comma-separated (default: all of them)")
    parser.add_argument("--max-people", type=int, default=10_000_000,
                        help="skip the steps above this size (100000000 for the nation)")
    parser.add_argument("--regenerate", action="store_true",
                        help="generate (and time) the files even when they exist")
    parser.add_argument("--backends", default="duckdb,pyspark",
                        help="the engine's backends to evaluate on, comma-separated")
    parser.add_argument("--raw-up-to", type=int, default=10_000_000,
                        help="evaluate the raw file (validating it again) up to this size")
    parser.add_argument("--web-up-to", type=int, default=1_000_000,
                        help="import into PostgreSQL and open the page up to this size")
    parser.add_argument("--sqlite-up-to", type=int, default=200_000,
                        help="the same on SQLite up to this size")
    parser.add_argument("--database", default="phocap_curve",
                        help="prefix of the PostgreSQL databases (one per step, recreated)")
    parser.add_argument("--part", choices=["baseline", "store"], help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--units", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part == "baseline":
        return baseline_part(args.store)
    if args.part == "store":
        return store_part(args.store, args.units, args.backend)
    args.backends = args.backends.split(",")
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = args.steps.split(",")
    curve = Curve(args)
    now = time.gmtime()
    started = time.strftime("%Y-%m-%d %H:%M UTC", now)
    for step in STEPS:
        if step.name in wanted and (step.people or 0) <= args.max_people:
            curve.step(step)
    print(table(curve.parts))
    record = args.out / time.strftime("cost-curve-%Y%m%d-%H%M.json", now)
    record.write_text(json.dumps({"started": started, "cpus": os.cpu_count(),
                                  "parts": [asdict(p) for p in curve.parts]}, indent=1))
    print(f"written: {record}")


if __name__ == "__main__":
    main()
