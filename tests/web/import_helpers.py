"""Survey files for the import tests: the seven people of commune 03319 in the format fixture,
and a commune of many villages as the ministry's data-entry workbooks."""

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


def village_workbooks(folder: Path, villages: int = 20) -> list[Path]:
    """One ministry's workbook per village ("01. Bản 1.xlsx" …): village i has one household,
    numbered i, of a head and ``i % 3`` children, so 1 + i % 3 people."""
    from tests.survey.official_template import build

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(1, villages + 1):
        people: list[dict[str, object]] = [
            {"B": 1, "C": "Lò Văn", "D": f"Chủ {i}", "G": 1980, "I": "Thái", "O": f"{i:04d}",
             "P": "Thường trú", "AV": "Chủ hộ"},
            *[{"B": 1 + k, "C": "Lò Thị", "D": f"Con {i}.{k}", "G": 2010 + k, "H": "X",
               "I": "Thái", "O": f"{i:04d}", "P": "Thường trú", "AV": "Con"}
              for k in range(1, i % 3 + 1)],
        ]
        files.append(build(folder / f"{i:02d}. Bản {i}.xlsx", people))
    return files
