"""Officers of other provinces at work while a 150,000-person file is committed on SQLite.

    .venv/bin/python benchmarks/import_under_load.py [--people 150000] [--users 20]
        [--baseline-seconds 60] [--think 2] [--max-seconds 300]

Builds a fresh SQLite register in a temporary PHOCAP_VAR (migrate, loadunits,
loaddemo --until 2021: the Điện Biên demo district, about 126,000 people in 21
communes of province 11), gives ``--users`` of its communes a commune-staff
account each, writes and validates a synthetic district of another province
(district 030 of Hà Giang, profile mountainous, ``--people`` people), and
starts gunicorn on loopback as deployed (2 workers × 8 threads).

Each officer (a thread of the load generator, a process of its own, real HTTP)
logs in through the form, takes an API token, and then in a loop opens their
commune's page, a household, a person and the commune's results, and every
other round reads a person of their commune through the API and saves it
(``PATCH /api/v1/persons/{id}`` with the version read), pausing ``--think``
seconds on average after each answer. The same officers run twice in the same
run: the baseline, with nothing else happening, for ``--baseline-seconds``;
then for as long as the other province's file is being committed
(``importing.load`` in a process of its own: the same chunked commit as an
import job), at most ``--max-seconds``. Printed: per action and in all, the
requests, p50, p95 and max latency, the errors (a 5xx, no answer, a timeout,
or any status the action should not get), and the ratio of each p95 during
the import to the baseline's; the commit's own time; tracebacks and
"database is locked" in the server's log. The issue's target: no error and
p95 under 1 s during the commit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

from load_register import (
    MAKE_USERS,
    PASSWORD,
    TIMEOUT,
    YEAR,
    Sample,
    User,
    free_port,
    manage,
    parse,
    quantile,
    wait_until_up,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DISTRICT = "030"  # Hà Giang, province 02: far from the demo's province 11
ACTIONS = ("commune", "household", "person", "results", "api_read", "api_save")

# Runs inside `manage.py shell`: the commit, timed, with a line per batch written.
COMMIT = """
import sys, time
import polars as pl
from phocap.register import importing
records = pl.read_parquet({records!r})
print("start", flush=True)
started = time.perf_counter()
done = importing.load(records, progress=lambda d, t: print(f"written {{d}} {{t}}", flush=True))
print(f"done {{len(done.new)}} {{time.perf_counter() - started:.1f}}", flush=True)
"""


class Officer(User):
    """A commune officer: pages of their own commune, and saves through the API."""

    token = ""

    def api(self, action: str, method: str, path: str,
            payload: dict[str, Any] | None = None) -> dict[str, Any] | None:
        body = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.base + path, data=body, method=method, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                status, content = response.status, response.read()
        except urllib.error.HTTPError as answer:
            status, content = answer.code, answer.read()
        except (OSError, urllib.error.URLError) as exc:
            self.samples.append(Sample(action, time.perf_counter() - started, 0,
                                       type(exc).__name__ + ": " + str(exc)[:120]))
            return None
        self.samples.append(Sample(action, time.perf_counter() - started, status,
                                   "" if status == 200 else f"HTTP {status} on {path}"))
        if self.think:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.think)
        return json.loads(content) if status == 200 else None

    def work(self, ready: threading.Barrier, until: list[float], stop: Path | None,
             seed: int) -> None:
        """Sign in, wait for every officer to have done so, then work until the end."""
        self.rng.seed(seed)
        # Officers arrive a third of a second apart, not all in the same instant: the login
        # throttle holds a place per attempt until its password is checked (accounts/
        # throttle.py), and twenty at once from one address would exceed the address's places.
        time.sleep(seed / 3)
        try:
            unit = self.log_in()
        except RuntimeError as exc:
            self.samples.append(Sample("login", 0.0, 0, str(exc)))
            ready.abort()
            return
        answer = self.api("token", "POST", "/api/v1/token",
                          {"username": self.username, "password": PASSWORD})
        self.token = (answer or {}).get("token", "")
        ready.wait()
        mine: str | None = None
        rounds = 0
        while time.monotonic() < until[0] and not (stop is not None and stop.exists()):
            rounds += 1
            _, body, _ = self.request("commune", f"{unit}?year={YEAR}")
            households = [link for link in parse(body).links if link.startswith("/households/")
                          and "/edit/" not in link and "/members/" not in link]
            if not households:
                self.samples.append(Sample("commune", 0.0, 0, f"no households on {unit}"))
                return
            _, body, _ = self.request("household", self.rng.choice(households))
            people = [link.split("?")[0] for link in parse(body).links
                      if link.startswith("/persons/")]
            if people:
                mine = mine or people[0]
                self.request("person", f"{self.rng.choice(people)}?year={YEAR}")
            self.request("results", f"{unit}results/?year={YEAR}")
            if mine is not None and rounds % 2 == 0:
                pk = mine.strip("/").split("/")[-1]
                person = self.api("api_read", "GET", f"/api/v1/persons/{pk}")
                if person is not None:
                    self.api("api_save", "PATCH", f"/api/v1/persons/{pk}",
                             {"version": person["version"], "full_name": person["full_name"]})


def generate(base: str, usernames: list[str], seconds: float, stop: str, think: float) -> None:
    """The load generator's process: the officers sign in, then work until ``seconds`` pass or
    ``stop`` exists; ``stop`` + ".ready" is created once they all have signed in."""
    officers = [Officer(base, name, think) for name in usernames]
    until = [0.0]
    flag = Path(stop) if stop else None

    def begin() -> None:  # run once, when the last officer has signed in
        until[0] = time.monotonic() + seconds
        if flag is not None:
            flag.with_suffix(".ready").touch()

    ready = threading.Barrier(len(officers), action=begin)
    threads = [threading.Thread(target=o.work, args=(ready, until, flag, i))
               for i, o in enumerate(officers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    json.dump({"elapsed": time.monotonic() - (until[0] - seconds),
               "samples": [s.__dict__ for o in officers for s in o.samples]}, sys.stdout)


def summarise(samples: list[Sample]) -> dict[str, dict[str, float]]:
    by_action: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        if s.action in ACTIONS:
            by_action[s.action].append(s)
            by_action["all"].append(s)
    found = {}
    for name, group in by_action.items():
        times = [s.seconds for s in group]
        found[name] = {"requests": len(group), "p50": quantile(times, 0.5),
                       "p95": quantile(times, 0.95), "max": max(times),
                       "errors": sum(1 for s in group if s.error)}
    return found


def report(baseline: dict[str, Any], during: dict[str, Any]) -> None:
    base, load = (summarise([Sample(**s) for s in r["samples"]]) for r in (baseline, during))
    print(f"\n{'action':<10}{'base n':>8}{'p50':>7}{'p95':>7}{'err':>5}"
          f"{'import n':>10}{'p50':>7}{'p95':>7}{'max':>7}{'err':>5}{'p95 ratio':>11}")
    for name in (*ACTIONS, "all"):
        b, d = base.get(name), load.get(name)
        if b is None or d is None:
            continue
        print(f"{name:<10}{b['requests']:>8}{b['p50'] * 1000:>7.0f}{b['p95'] * 1000:>7.0f}"
              f"{b['errors']:>5}{d['requests']:>10}{d['p50'] * 1000:>7.0f}"
              f"{d['p95'] * 1000:>7.0f}{d['max'] * 1000:>7.0f}{d['errors']:>5}"
              f"{d['p95'] / b['p95']:>11.2f}")
    print("(latencies in ms)")
    errors: dict[str, int] = defaultdict(int)
    for s in during["samples"] + baseline["samples"]:
        if s["error"]:
            errors[s["error"][:100]] += 1
    for kind, count in sorted(errors.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {count:>5} × {kind}")
    verdict = load["all"]["errors"] == 0 and load["all"]["p95"] < 1.0
    print(f"target (no error, p95 < 1 s during the commit): {'met' if verdict else 'NOT met'}")


def district_file(people: int, folder: Path) -> Path:
    sys.path.insert(0, str(ROOT))  # this checkout's phocap, as manage.py and gunicorn use
    from phocap.survey.validate import validate
    from phocap.synth.generate import write

    survey = folder / "other-province.parquet"
    write(survey, selection=DISTRICT, year=YEAR, profile="mountainous", seed=7, people=people)
    store = folder / "records.parquet"
    report = validate(survey, year=YEAR, records_to=store).report
    assert report.ok, report.problems.head(5)
    return store


def load_phase(base: str, usernames: list[str], think: float, seconds: float,
               stop: Path | None) -> dict[str, Any]:
    generator = subprocess.Popen(
        [sys.executable, __file__, "--generate", base, "--think", str(think),
         "--max-seconds", str(seconds), "--stop", str(stop or ""), *usernames],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return {"process": generator}


def finished(phase: dict[str, Any]) -> dict[str, Any]:
    out, err = phase["process"].communicate(timeout=900)
    if phase["process"].returncode:
        raise SystemExit(f"load generator failed:\n{err}")
    return dict(json.loads(out))


def signed_in(phase: dict[str, Any]) -> dict[str, Any]:
    """The phase, unless an officer could not sign in (then the others never began)."""
    failed = [s["error"] for s in phase["samples"] if s["action"] == "login" and s["error"]]
    if failed:
        raise SystemExit("officers could not sign in: " + "; ".join(failed[:5]))
    return phase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=150_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--baseline-seconds", type=float, default=60)
    parser.add_argument("--max-seconds", type=float, default=300,
                        help="the load during the commit stops after this at the latest")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean pause after each answer, s")
    parser.add_argument("--demo-people", type=int, default=None,
                        help="a smaller demo district for the officers (default: its real size)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary PHOCAP_VAR")
    parser.add_argument("--generate", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--stop", default="", help=argparse.SUPPRESS)
    parser.add_argument("usernames", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.usernames, args.max_seconds, args.stop, args.think)
        return

    var = Path(tempfile.mkdtemp(prefix="phocap-import-load-"))
    env = os.environ | {"PHOCAP_VAR": str(var), "PHOCAP_DEBUG": "0", "PHOCAP_DEMO": "1"}
    env.pop("DATABASE_URL", None)
    server = None
    try:
        started = time.perf_counter()
        manage(env, "migrate", "-v0")
        manage(env, "loadunits")
        manage(env, "loaddemo", "--until", str(YEAR),
               *(["--people", str(args.demo_people)] if args.demo_people else []))
        made = manage(env, "shell", "-c", MAKE_USERS.format(users=args.users, password=PASSWORD))
        usernames = json.loads(made.strip().splitlines()[-1])
        records = district_file(args.people, var)
        print(f"register, {len(usernames)} accounts and the {args.people:,}-person file of"
              f" district {DISTRICT} ready in {time.perf_counter() - started:.0f} s")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = var / "gunicorn.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [str(BIN / "gunicorn"), "phocap.wsgi", "-b", f"127.0.0.1:{port}",
                 "--workers", "2", "--threads", "8", "--timeout", "120"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            wait_until_up(base, server)

            print(f"baseline: {len(usernames)} officers, no import, {args.baseline_seconds:.0f} s")
            baseline = signed_in(finished(load_phase(base, usernames, args.think,
                                                     args.baseline_seconds, var / "baseline")))

            stop = var / "stop"
            phase = load_phase(base, usernames, args.think, args.max_seconds, stop)
            while not stop.with_suffix(".ready").exists():  # every officer has signed in
                if phase["process"].poll() is not None:
                    signed_in(finished(phase))
                time.sleep(0.2)
            commit = subprocess.Popen(
                [str(BIN / "python"), "manage.py", "shell", "-c",
                 COMMIT.format(records=str(records))],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            lines, _ = commit.communicate(timeout=args.max_seconds + 600)
            stop.touch()
            during = finished(phase)
            if commit.returncode:
                raise SystemExit(f"the commit failed: {commit.stderr}")
            outcome = lines.strip().splitlines()
            batches = sum(1 for line in outcome if line.startswith("written"))
            _, new, seconds = outcome[-1].split()
            print(f"the commit: {int(new):,} new people in {float(seconds):.1f} s,"
                  f" {batches} batches; officers' load during it: {during['elapsed']:.0f} s")
            report(baseline, during)
            server_log = log_path.read_text("utf-8", "replace")
            print(f"server log: {server_log.count('Traceback')} tracebacks,"
                  f" {server_log.count('database is locked')} 'database is locked'")
            print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        if args.keep:
            print(f"kept {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
