"""Large Parquet files are checked batch by batch with the same answers."""

from pathlib import Path

import polars as pl
import pytest

from phocap.survey.validate import validate


def test_batches_find_what_one_pass_finds(tmp_path: Path, fixtures: Path) -> None:
    frame = pl.read_csv(fixtures / "en.csv", infer_schema=False)
    # Row 12 repeats row 2 (household 0001, person 1) in another batch; row 11 has a
    # birth date that does not exist.
    doubled = pl.concat([frame, frame.head(1)]).with_columns(
        pl.when(pl.int_range(pl.len()) == 9).then(pl.lit("31/02/2000"))
        .otherwise(pl.col("birth_date")).alias("birth_date")
    )
    path = tmp_path / "survey.parquet"
    doubled.write_parquet(path, row_group_size=3)
    whole = validate(path, keep_records=True).report.problems
    batched = validate(path, keep_records=True, batch_rows=3).report.problems
    assert whole.sort("row", "code").equals(batched.sort("row", "code"))
    assert set(whole["code"].to_list()) == {
        "invalid_birth_date", "duplicate_household_person", "duplicate_person",
        "duplicate_national_id",
    }
    duplicate = whole.filter(pl.col("code") == "duplicate_household_person").row(0, named=True)
    assert duplicate["row"] == 12 and "dòng 2" in duplicate["message"]


def test_problems_beyond_the_cap_are_counted(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("phocap.survey.validate.MAX_KEPT_PROBLEMS", 5)
    frame = pl.read_csv(fixtures / "en.csv", infer_schema=False).with_columns(
        pl.lit("??").alias("sex")
    )
    path = tmp_path / "bad.csv"
    frame.write_csv(path)
    report = validate(path).report
    assert report.problems.height == 5
    assert report.errors == 10 and sum(report.omitted.values()) == 5
