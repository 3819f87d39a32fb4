"""Streaming keeps memory bounded: three million people need no more than one million."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import resource, sys
from pathlib import Path
from phocap.synth import write
write(Path(sys.argv[1]), "01", 2024, "national", 1, people=int(sys.argv[2]))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
BOUND_MB = 150


def peak_rss_mb(out: Path, people: int) -> float:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(out), str(people)],
        check=True, capture_output=True, text=True,
    )
    return int(done.stdout.split()[-1]) / 1024  # Linux reports KiB


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units differ")
def test_three_million_people_fit_in_the_memory_of_one(tmp_path: Path) -> None:
    one = peak_rss_mb(tmp_path / "one.parquet", 1_000_000)
    three = peak_rss_mb(tmp_path / "three.parquet", 3_000_000)
    assert three - one < BOUND_MB, (one, three)
    assert three < 1_000, three
