"""The first open of the demo district's pages: cold (computed by the page) against warm
(computed beforehand by the worker, register/warming.py), in one run.

    PYTHONPATH=. .venv/bin/python benchmarks/cold_pages.py [--var DIR] [--reuse]

Setup (about three minutes; ``--reuse`` skips it when DIR holds the demo already):
a fresh SQLite database in DIR (a new temporary folder by default), migrate,
loadunits and loaddemo, as `make demo` does. loaddemo's imports queue one warm
task per commune (the worker of `make demo` runs them once the server is up).

Measurement, in this process through Django's test client (no network), with
the demo's accounts: "huyen" reads the old district in its newest year (2024),
"tinh" the province of 1 July 2025 in 2025, "xa" the dossier of its new commune
for 2025, submitted beforehand (recognition.workflow.submit) so that its PDF can
be printed (a province's dossier waits for all its communes' data).

- cold: the cache is emptied before each page, which then computes everything
  it shows, as every first open did before this change (and as a page still does
  with no worker running);
- warm: the cache is emptied once, the worker runs every queued warm task (its
  time is reported: it is spent in the background, not by a visitor), then each
  page is opened once, for the first time.

Each page must answer 200. The ratio is cold / warm. The audit page reads no
computed answer: it is timed as a control, and should not change.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(var: Path) -> None:
    os.environ["PHOCAP_VAR"] = str(var)
    os.environ.setdefault("PHOCAP_DEMO", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "phocap.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load(reuse: bool) -> float:
    from django.core.management import call_command

    from phocap.accounts.models import User

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if reuse and User.objects.filter(username="huyen").exists():
        return 0.0
    call_command("loadunits", verbosity=0)
    call_command("loaddemo", verbosity=0)
    return time.perf_counter() - started


def pages() -> list[tuple[str, str, str]]:
    """(what, account, URL) of every page timed."""
    from django.urls import reverse

    from phocap.accounts.models import User
    from phocap.recognition import workflow
    from phocap.recognition.models import Dossier

    huyen, tinh = User.objects.get(username="huyen"), User.objects.get(username="tinh")
    xa = User.objects.get(username="xa")
    district, province, commune = huyen.unit, tinh.unit, xa.unit
    assert district is not None and province is not None and commune is not None
    # (A province's dossier waits for all its communes' data; the demo has 8 of 45.)
    dossier = Dossier.objects.filter(unit=commune, survey_year=2025).first()
    for standard in ("primary", "literacy", "lower_secondary", "preschool_3_5"):
        if dossier is not None:
            break
        try:  # the first standard the commune reaches a level of
            dossier = workflow.submit(xa, commune, standard, 2025)
        except workflow.Refused:
            continue
    assert dossier is not None, "the demo commune reaches no level in 2025"

    def on(name: str, pk: int, year: int) -> str:
        return f"{reverse(name, args=[pk])}?year={year}"

    return [
        ("district results", "huyen", on("unit-results", district.pk, 2024)),
        ("district forms", "huyen", on("unit-forms", district.pk, 2024)),
        ("district forms XLSX", "huyen", on("unit-forms-xlsx", district.pk, 2024)),
        ("district trends", "huyen", on("dashboard-trends", district.pk, 2024)),
        ("district audit", "huyen", on("unit-audit", district.pk, 2024)),
        ("province results", "tinh", on("unit-results", province.pk, 2025)),
        ("province forms", "tinh", on("unit-forms", province.pk, 2025)),
        ("province trends", "tinh", on("dashboard-trends", province.pk, 2025)),
        ("commune dossier PDF", "xa", reverse("dossier-pdf", args=[dossier.pk])),
    ]


def opened(account: str, url: str) -> float:
    from django.test import Client

    from phocap.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=account))
    started = time.perf_counter()
    answer = client.get(url)
    took = time.perf_counter() - started
    assert answer.status_code == 200, (url, answer.status_code)
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    assert "Số liệu đang cập nhật".encode() not in body, url  # nothing pending here
    return took


def warm_all() -> tuple[float, int]:
    from phocap.register.worker import Worker

    started = time.perf_counter()
    ran = Worker().serve(poll=0, once=True)
    return time.perf_counter() - started, ran


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    var = args.var or Path(tempfile.mkdtemp(prefix="phocap-cold-pages-"))
    var.mkdir(parents=True, exist_ok=True)
    setup(var)
    from django.core.cache import cache

    from phocap.register import warming
    from phocap.register.models import BackgroundTask

    print(f"var: {var}; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}"
          f" {os.getloadavg()[2]:.2f}")
    took = load(args.reuse)
    print(f"loaddemo: {took:.0f} s")
    timed = pages()
    # What loaddemo left for the worker, and what the dossier's freeze added.
    queued = BackgroundTask.objects.filter(kind=warming.WARM.name,
                                           status=BackgroundTask.Status.QUEUED).count()
    print(f"warm tasks queued: {queued}")

    cold = {}
    for what, account, url in timed:
        cache.clear()
        cold[what] = opened(account, url)
        print(f"  cold {what}: {cold[what]:.2f} s", flush=True)

    cache.clear()
    spent, ran = warm_all()
    print(f"worker: {ran} warm tasks in {spent:.0f} s (in the background)")
    warm = {what: opened(account, url) for what, account, url in timed}

    print(f"\n{'page':<22}{'cold s':>9}{'warm s':>9}{'cold/warm':>11}")
    for what, _, _ in timed:
        print(f"{what:<22}{cold[what]:>9.2f}{warm[what]:>9.2f}{cold[what] / warm[what]:>10.0f}×")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
