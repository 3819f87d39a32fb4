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


def test_several_years_go_into_one_file(tmp_path: Path) -> None:
    out = tmp_path / "ba-nam.parquet"
    result = CliRunner().invoke(
        app, ["--profile", "dien-bien-2021", "--unit", "03319", "--people", "1000",
              "--years", "2021-2023", "--output", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "các năm 2021–2023" in result.output
    years = pq.read_table(out, columns=["survey_year"])["survey_year"].to_pylist()
    assert sorted(set(years)) == [2021, 2022, 2023]
    assert years.count(2021) == 1000
    # The same people, a year later each time (some born, moved in, aged out, died).
    assert 950 <= years.count(2022) <= 1100 and 950 <= years.count(2023) <= 1150


def test_a_wrong_span_of_years_is_refused(tmp_path: Path) -> None:
    out = str(tmp_path / "x.parquet")
    runner = CliRunner()
    backwards = runner.invoke(app, ["--profile", "dien-bien-2021", "--years", "2023-2021",
                                    "-o", out])
    assert backwards.exit_code == 2 and "2021-2023" in backwards.output
    other = runner.invoke(app, ["--profile", "dien-bien-2021", "--year", "2020",
                                "--years", "2021-2022", "-o", out])
    assert other.exit_code == 2 and "--year 2020" in other.output
    reform = runner.invoke(app, ["--profile", "dien-bien-2021", "--unit", "03319", "--people",
                                 "200", "--years", "2024-2025", "-o", out])
    assert reform.exit_code == 1 and "01/7/2025" in reform.output
    assert not Path(out).exists()  # refused before anything is written
