"""Streaming keeps memory bounded: three million people need no more than one million."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# The peak is read from /proc/self/status (VmHWM, the process's own address space) rather
# than getrusage's ru_maxrss, which Linux carries over from the forking parent through
# exec: after a test module that held a large district, pytest's own size was measured.
SCRIPT = """
import sys
from pathlib import Path
from phocap.synth import write
write(Path(sys.argv[1]), "01", 2024, "national", 1, people=int(sys.argv[2]))
status = Path("/proc/self/status").read_text().splitlines()
print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""
BOUND_MB = 150


def peak_rss_mb(out: Path, people: int) -> float:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(out), str(people)],
        check=True, capture_output=True, text=True,
    )
    return int(done.stdout.split()[-1]) / 1024  # Linux reports KiB


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
def test_three_million_people_fit_in_the_memory_of_one(tmp_path: Path) -> None:
    one = peak_rss_mb(tmp_path / "one.parquet", 1_000_000)
    three = peak_rss_mb(tmp_path / "three.parquet", 3_000_000)
    assert three - one < BOUND_MB, (one, three)
    assert three < 1_000, three
