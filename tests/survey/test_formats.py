"""Every format and header language reads to the same records."""

from pathlib import Path

import polars as pl
import pytest

from phocap.survey.schema import SCHEMA
from phocap.survey.validate import validate

FORMATS = ["en.csv", "vi.csv", "vi.xlsx", "en.xls", "en.parquet"]


def records(path: Path) -> pl.DataFrame:
    result = validate(path, keep_records=True)
    assert result.report.ok, result.report.problems
    assert result.records is not None
    return result.records


@pytest.mark.parametrize("name", FORMATS[1:])
def test_format_reads_like_the_english_csv(fixtures: Path, name: str) -> None:
    expected = records(fixtures / "en.csv").select(list(SCHEMA))
    actual = records(fixtures / name).select(list(SCHEMA))
    for column in SCHEMA:
        assert actual[column].to_list() == expected[column].to_list(), column


def test_values_are_typed_and_canonical(fixtures: Path) -> None:
    people = records(fixtures / "vi.csv").to_dicts()
    first, second, third = people[0], people[1], people[2]
    assert first["full_name"] == "Lò Văn Hòa"  # "Hoà" in NFD became one spelling
    assert second["full_name"] == "Lò Thị Thủy"
    assert first["commune_code"] == "03319"
    assert first["ethnicity"] == "Thái"  # given as code 03
    assert people[4]["ethnicity"] == "Mông"  # given as H'Mông
    assert first["sex"] == "nam" and second["sex"] == "nữ"
    assert first["birth_date"].isoformat() == "1985-03-12"
    assert second["birth_date"] is None and second["birth_year"] == 1987  # year alone
    assert (third["current_class"], third["class_level"], third["class_grade"]) == (
        "3*!", "primary", 3
    )
    assert third["class_repeater"] and third["class_two_sessions"]
    assert people[4]["relapsed"] is True and first["relapsed"] is False
    assert people[5]["status"] == "chuyển đến" and people[5]["disability"] == "học được"


def test_rows_keep_the_number_the_officer_sees(fixtures: Path) -> None:
    # vi.xlsx has a title banner on row 1, a blank row 2 and headers on row 3.
    rows = records(fixtures / "vi.xlsx")["source_row"].to_list()
    assert rows == list(range(4, 14))
    assert records(fixtures / "en.csv")["source_row"].to_list() == list(range(2, 12))


def test_unknown_columns_are_kept_and_reported_once(tmp_path: Path, fixtures: Path) -> None:
    source = (fixtures / "en.csv").read_text(encoding="utf-8").splitlines()
    lines = [source[0] + ",Ghi chú"] + [line + ",ghi chú " + str(i) for i, line in
                                         enumerate(source[1:])]
    path = tmp_path / "extra.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate(path, keep_records=True)
    assert result.report.ok
    unknown = result.report.problems.filter(pl.col("code") == "header_unknown")
    assert unknown.height == 1 and "Ghi chú" in unknown["message"][0]
    assert result.records is not None
    assert '"Ghi chú":"ghi chú 0"' in result.records["extra"][0]
