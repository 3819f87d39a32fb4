"""``phocap synth``: Vietnamese messages, files written, errors refused."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from phocap.synth.cli import app


def test_writes_a_commune(tmp_path: Path) -> None:
    out = tmp_path / "xa.parquet"
    result = CliRunner().invoke(
        app, ["--profile", "dien-bien-2021", "--unit", "03319", "--people", "1234",
              "--seed", "2", "--output", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "Đã tạo 1.234 người trong 1 xã →" in result.output
    assert pq.ParquetFile(out).metadata.num_rows == 1234
    assert (tmp_path / "xa.units.csv").exists()


def test_the_demo_defaults_to_its_district_and_year(tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    result = CliRunner().invoke(
        app, ["--profile", "dien-bien-2021", "--people", "2100", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "trong 21 xã" in result.output


def test_errors_are_explained(tmp_path: Path) -> None:
    out = str(tmp_path / "x.parquet")
    runner = CliRunner()
    missing = runner.invoke(app, ["--profile", "lowland", "--output", out])
    assert missing.exit_code == 2 and "--unit" in missing.output
    both = runner.invoke(app, ["--profile", "lowland", "--unit", "01", "--nation", "-o", out])
    assert both.exit_code == 2
    unknown = runner.invoke(app, ["--profile", "lowland", "--unit", "77777", "-o", out])
    assert unknown.exit_code == 1 and "Không có đơn vị" in unknown.output
    profile = runner.invoke(app, ["--profile", "hải-đảo", "--unit", "01", "-o", out])
    assert profile.exit_code == 2 and "hồ sơ" in profile.output
