"""Survey files for the import tests: the seven people of commune 03319 in the format fixture."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"


def commune_csv(replace: dict[tuple[int, str], str] | None = None) -> bytes:
    """Header and the 03319 rows; ``replace`` sets cells by (row of the result, column key)."""
    lines = FIXTURE.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:] if line.split(",")[3] == "03319"]
    for (row, key), value in (replace or {}).items():
        rows[row - 2][header.index(key)] = value  # row as the officer sees it (header is 1)
    return "\n".join([lines[0], *(",".join(r) for r in rows)]).encode() + b"\n"


def wait_for(job: Any, timeout: float = 60) -> Any:
    """Poll the job's row until its background step is over."""
    from phocap.register.jobs import RUNNING

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status not in RUNNING:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job.pk} still {job.status} after {timeout} s")
