"""Load on the register's pages: 20 commune officers browsing and editing at once.

    .venv/bin/python benchmarks/load_register.py [--backend sqlite --backend postgresql]
        [--users 20] [--duration 60] [--people N]

For each database the script builds a fresh register (migrate, loadunits, and
loaddemo: the Điện Biên 2021 demo district, about 126,000 people in 21
communes), gives each of ``--users`` communes its own commune-staff account,
starts gunicorn on loopback as the deployment guide does (2 workers × 8
threads), and then runs the load generator as a second process: one thread per
user, each with its own session, logging in through the form (CSRF included)
and then, without pausing, opening the commune page, searching households (the
htmx fragment), opening a household and a person, saving the person's record
with the version the page showed, and opening the commune's results. Each user
edits a person of their own commune, so edits do not collide; every tenth save
deliberately sends an out-of-date version and must be refused with the
Vietnamese "changed by someone else" message (counted as refused, not as an
error). It runs twice: first with no pause at all (20 users clicking without
pause, far more than 20 officers produce: the stress case), then with pauses
of 3 s on average after each answer and the users arriving over 15 s (closer to
officers at work; --think sets the pauses).

The baseline, measured in the same run under the same concurrency, is the login
page: a Django page that touches no register data. The ratio p95(action) /
p95(baseline) shows what the register's own work costs on top of the framework,
the server and the machine.

Errors are 5xx responses, connection failures and timeouts, and any status the
action should not return (a page that is not 200, a save that neither
redirects nor is refused as stale). The server's log is searched for
tracebacks and "database is locked".

SQLite lives in a temporary PHOCAP_VAR; PostgreSQL in the database
``phocap_load`` on 127.0.0.1:5432 (user postgres), created and dropped here.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "phocap_load"
PASSWORD = "tai-khoan-do-tai-2021"
YEAR = 2021
STALE = "Người này vừa được người khác sửa"
TIMEOUT = 60.0  # seconds a request may take before it counts as an error
RAMP_UP = 15.0  # seconds over which users who pause arrive
ACTIONS = ("commune", "search", "household", "person", "save", "save_stale", "results")

# Runs inside `manage.py shell`: one commune-staff account per commune with people.
MAKE_USERS = """
import json
from phocap.accounts.models import Role, User
from phocap.register.models import AdministrativeUnit
communes = (AdministrativeUnit.objects.filter(type="commune", households__isnull=False)
            .distinct().order_by("code")[:{users}])
made = []
for i, commune in enumerate(communes):
    user, _ = User.objects.get_or_create(username=f"tai{{i:02d}}", defaults={{
        "role": Role.COMMUNE_STAFF, "unit": commune}})
    user.set_password("{password}")
    user.save()
    made.append(user.username)
print(json.dumps(made))
"""


# ---------------------------------------------------------------- the load generator


class Page(HTMLParser):
    """What a user reads off a page: links, the record form's fields, the CSRF token."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.fields: dict[str, str] = {}
        self.csrf = ""
        self._form = False
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self._form = a.get("id") == "record-form"
        elif tag == "input" and a.get("name") == "csrfmiddlewaretoken":
            self.csrf = a.get("value", "")
        elif self._form and tag in ("input", "textarea") and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif self._form and tag == "select":
            self._select, self._first_option = a.get("name"), None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.fields[self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = False
        elif tag == "select" and self._select:
            self.fields.setdefault(self._select, self._first_option or "")
            self._select = None


def parse(body: bytes) -> Page:
    page = Page()
    page.feed(body.decode("utf-8", "replace"))
    return page


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Each request is timed on its own: a redirect is an answer, not followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Sample:
    action: str
    seconds: float
    status: int  # 0: no answer (connection error or timeout)
    error: str = ""


@dataclass
class User:
    base: str
    username: str
    think: float = 0.0  # mean pause after each answer, in seconds (not part of the latency)
    samples: list[Sample] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, action: str, path: str, data: dict[str, str] | None = None,
                headers: dict[str, str] | None = None,
                expect: tuple[int, ...] = (200,)) -> tuple[int, bytes, str]:
        """One timed request; the sample says whether the answer was one the action expects."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        if data is not None:
            request.add_header("Referer", self.base + path)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                status, content, location = response.status, response.read(), ""
        except urllib.error.HTTPError as answer:
            status, content = answer.code, answer.read()
            location = answer.headers.get("Location", "")
        except (OSError, urllib.error.URLError) as exc:
            self.samples.append(Sample(action, time.perf_counter() - started, 0,
                                       type(exc).__name__ + ": " + str(exc)[:120]))
            return 0, b"", ""
        seconds = time.perf_counter() - started
        error = "" if status in expect else f"HTTP {status} on {path}"
        self.samples.append(Sample(action, seconds, status, error))
        if self.think:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.think)
        return status, content, location

    def log_in(self) -> str:
        """The form and its CSRF token, then the post; the answer leads to the user's unit."""
        _, body, _ = self.request("login_page", "/login/")
        token = parse(body).csrf
        status, _, _ = self.request(
            "login", "/login/", {"username": self.username, "password": PASSWORD,
                                 "csrfmiddlewaretoken": token, "next": ""}, expect=(302,))
        if status != 302:
            raise RuntimeError(f"{self.username} could not log in (HTTP {status})")
        _, _, unit = self.request("home", "/", expect=(302,))
        return urllib.parse.urlparse(unit).path

    def run(self, until: float, seed: int, start_after: float = 0.0) -> None:
        rng = self.rng = random.Random(seed)
        time.sleep(start_after)
        try:
            unit = self.log_in()
        except RuntimeError as exc:
            self.samples.append(Sample("login", 0.0, 0, str(exc)))
            return
        mine: str | None = None  # the person this user edits, found on the first visit
        saves = 0
        while time.monotonic() < until:
            _, body, _ = self.request("commune", f"{unit}?year={YEAR}")
            households = [link for link in parse(body).links if link.startswith("/households/")
                          and "/edit/" not in link and "/members/" not in link]
            if not households:
                self.samples.append(Sample("commune", 0.0, 0, f"no households on {unit}"))
                return
            household = rng.choice(households)
            term = rng.choice(["Lò", "Thị", "Văn", "00", "Quàng"])
            self.request("search", f"{unit}households/?year={YEAR}&q="
                         + urllib.parse.quote(term), headers={"HX-Request": "true"})
            _, body, _ = self.request("household", household)
            people = [link for link in parse(body).links if link.startswith("/persons/")]
            if people:
                if mine is None:
                    mine = people[0].split("?")[0]
                self.request("person", rng.choice(people))
            if mine is not None:
                saves += 1
                self.save(mine, stale=saves % 5 == 2)
            self.request("results", f"{unit}results/?year={YEAR}")

    def save(self, person: str, stale: bool) -> None:
        """Open the person's form and save it, toggling their residence (thường trú ↔ tạm trú).

        A stale save sends the version before the current one, as a form opened
        before someone else's save would; it must be refused, not applied.
        """
        path = f"{person}?year={YEAR}"
        _, body, _ = self.request("person", path)
        page = parse(body)
        if "version" not in page.fields:
            self.samples.append(Sample("save", 0.0, 0, f"no record form on {path}"))
            return
        data = dict(page.fields)
        data["csrfmiddlewaretoken"] = page.csrf
        data["residence"] = "tạm trú" if data.get("residence") == "thường trú" else "thường trú"
        if stale:
            data["version"] = str(int(data["version"]) - 1)
            status, body, _ = self.request("save_stale", path, data, expect=(200,))
            if status == 200 and STALE not in body.decode("utf-8", "replace"):
                self.samples[-1].error = "a stale save was not refused"
            return
        status, body, _ = self.request("save", path, data, expect=(302,))
        if status == 200:
            text = body.decode("utf-8", "replace")
            found = re.findall(r'class="errorlist[^"]*"><li>([^<]+)', text)
            self.samples[-1].error = "form refused: " + "; ".join(found[:2])[:160]


def hammer(base: str, path: str, users: int, seconds: float) -> list[Sample]:
    """The baseline: ``users`` threads fetching one page without pause."""
    clients = [User(base, f"baseline{i}") for i in range(users)]
    until = time.monotonic() + seconds

    def loop(client: User) -> None:
        while time.monotonic() < until:
            client.request("baseline", path)

    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [s for c in clients for s in c.samples]


def generate(base: str, usernames: list[str], seconds: float, baseline_seconds: float,
             think: float) -> None:
    """The load generator's process: baseline, then the users; samples as JSON on stdout."""
    baseline = hammer(base, "/login/", len(usernames), baseline_seconds)
    clients = [User(base, name, think) for name in usernames]
    until = time.monotonic() + seconds
    # Officers who pause do not all log in in the same second: they arrive over RAMP_UP s.
    step = RAMP_UP / len(clients) if think else 0.0
    threads = [threading.Thread(target=c.run, args=(until, i, i * step))
               for i, c in enumerate(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    samples = baseline + [s for c in clients for s in c.samples]
    json.dump({"elapsed": elapsed, "samples": [s.__dict__ for s in samples]}, sys.stdout)


# ---------------------------------------------------------------- the orchestrator


def quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def report(title: str, result: dict[str, Any], server_log: str) -> None:
    samples = [Sample(**s) for s in result["samples"]]
    by_action: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_action[s.action].append(s)
    baseline = [s.seconds for s in by_action["baseline"] if not s.error]
    base_p95 = quantile(baseline, 0.95)
    steady = [s for s in samples if s.action in ACTIONS]
    print(f"\n{title}: {result['elapsed']:.0f} s of load, {len(steady) / result['elapsed']:.1f}"
          " requests/s")
    print(f"{'action':<12}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
          f"{'errors':>8}{'error %':>9}{'p95/base':>10}")
    rows = ["baseline", "login", *ACTIONS]
    for name, group in [(n, by_action[n]) for n in rows if by_action[n]] + [("all", steady)]:
        times = [s.seconds for s in group]
        errors = sum(1 for s in group if s.error)
        p95 = quantile(times, 0.95)
        print(f"{name:<12}{len(group):>9}{quantile(times, 0.5) * 1000:>9.0f}{p95 * 1000:>9.0f}"
              f"{max(times) * 1000:>9.0f}{errors:>8}{100 * errors / len(group):>9.2f}"
              f"{p95 / base_p95:>10.1f}")
    refused = sum(1 for s in by_action["save_stale"] if not s.error)
    print(f"stale saves refused as they should be: {refused} of {len(by_action['save_stale'])}")
    kinds: dict[str, int] = defaultdict(int)
    for s in samples:
        if s.error:
            kinds[s.error[:100]] += 1
    for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {count:>5} × {kind}")
    print(f"server log so far: {server_log.count('Traceback')} tracebacks,"
          f" {server_log.count('database is locked')} 'database is locked'")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def postgres(action: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        if action == "create":
            con.execute(f"CREATE DATABASE {PG_DATABASE}")


def wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited; see its log")
        try:
            with urllib.request.urlopen(base + "/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def run_backend(backend: str, args: argparse.Namespace) -> None:
    var = Path(tempfile.mkdtemp(prefix=f"phocap-load-{backend}-"))
    env = os.environ | {"PHOCAP_VAR": str(var), "PHOCAP_DEBUG": "0", "PHOCAP_DEMO": "1"}
    env.pop("DATABASE_URL", None)
    if backend == "postgresql":
        postgres("create")
        env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{PG_DATABASE}"
    server = None
    try:
        started = time.perf_counter()
        manage(env, "migrate", "-v0")
        manage(env, "loadunits")
        demo = ["loaddemo"] + (["--people", str(args.people)] if args.people else [])
        manage(env, *demo)
        made = manage(env, "shell", "-c", MAKE_USERS.format(users=args.users,
                                                            password=PASSWORD))
        usernames = json.loads(made.strip().splitlines()[-1])
        print(f"{backend}: demo district and {len(usernames)} accounts ready in"
              f" {time.perf_counter() - started:.0f} s")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = var / "gunicorn.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [str(BIN / "gunicorn"), "phocap.wsgi", "-b", f"127.0.0.1:{port}",
                 "--workers", str(args.workers), "--threads", str(args.threads),
                 "--timeout", "120"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            wait_until_up(base, server)
            for think in args.think or [0.0, 3.0]:
                load_before = os.getloadavg()[0]
                generator = subprocess.run(
                    [sys.executable, __file__, "--generate", base, "--think", str(think),
                     "--duration", str(args.duration),
                     "--baseline-seconds", str(args.baseline_seconds), *usernames],
                    capture_output=True, text=True, check=False)
                if generator.returncode:
                    raise SystemExit(f"load generator failed:\n{generator.stderr}")
                pause = f"pauses of {think:g} s on average" if think else "no pauses"
                report(f"{backend}, {len(usernames)} users, {pause},"
                       f" gunicorn {args.workers} workers × {args.threads} threads",
                       json.loads(generator.stdout), log_path.read_text("utf-8", "replace"))
                # The machine's other work shows here: 2 vCPU carry the server, the
                # database and the generator, and should carry nothing else.
                print(f"load average (1 min) before / after: {load_before:.1f} /"
                      f" {os.getloadavg()[0]:.1f}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        if backend == "postgresql":
            postgres("drop")
        if args.keep:
            print(f"kept {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument("--people", type=int, default=None,
                        help="a smaller demo district (default: its real size)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--think", type=float, action="append",
                        help="mean pause after each answer, s; repeat for several runs"
                             " (default: 0 then 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary PHOCAP_VAR")
    parser.add_argument("--generate", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("usernames", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.usernames, args.duration, args.baseline_seconds,
                 (args.think or [0.0])[0])
        return
    for backend in args.backend or ["sqlite", "postgresql"]:
        run_backend(backend, args)


if __name__ == "__main__":
    main()
