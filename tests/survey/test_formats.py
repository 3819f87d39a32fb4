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
    lines = [source[0] + ",Sở thích"] + [line + ",sở thích " + str(i) for i, line in
                                         enumerate(source[1:])]
    path = tmp_path / "extra.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate(path, keep_records=True)
    assert result.report.ok
    unknown = result.report.problems.filter(pl.col("code") == "header_unknown")
    assert unknown.height == 1 and "Sở thích" in unknown["message"][0]
    assert result.records is not None
    assert '"Sở thích":"sở thích 0"' in result.records["extra"][0]


@pytest.mark.parametrize("name", FORMATS)
def test_the_commune_codes_are_read_alone_before_anything_else(fixtures: Path,
                                                              name: str) -> None:
    """What the register's scope asks before validating an upload (register/scope.py):
    the same communes in every format and header language, as validation reads them."""
    from phocap.survey.readers import commune_codes

    assert commune_codes(fixtures / name) == set(records(fixtures / "en.csv")["commune_code"])


def test_a_file_without_a_commune_column_names_no_commune(tmp_path: Path) -> None:
    from phocap.survey.readers import commune_codes

    path = tmp_path / "no-commune.csv"
    path.write_text("household_no,person_no,full_name,birth_date\n0001,1,A,2010\n")
    assert commune_codes(path) == set()
    frame = pl.DataFrame({"household_no": ["0001"], "ghi_chu": ["03319"]})
    frame.write_parquet(tmp_path / "x.parquet")
    assert commune_codes(tmp_path / "x.parquet") == set()
