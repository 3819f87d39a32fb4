"""The public API: determinism, the contract's columns and types, files and units."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from phocap.survey.schema import COLUMNS, KEYS
from phocap.synth import Commune, generate, prepare, write
from phocap.synth.records import ARROW_SCHEMA


def table(*args: object, **kwargs: object) -> pa.Table:
    return pa.Table.from_batches(list(generate(*args, **kwargs)))  # type: ignore[arg-type]


def test_same_seed_same_records() -> None:
    first = table("03319", 2021, "dien-bien-2021", 7)
    again = table("03319", 2021, "dien-bien-2021", 7)
    other = table("03319", 2021, "dien-bien-2021", 8)
    assert first.equals(again)
    assert not first.equals(other)


def test_same_seed_byte_identical_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    write(a, "03322", 2021, "dien-bien-2021", 3)
    write(b, "03322", 2021, "dien-bien-2021", 3)
    assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a.units.csv").read_bytes() == (tmp_path / "b.units.csv").read_bytes()


def test_a_commune_is_the_same_alone_or_with_its_district() -> None:
    alone = prepare("03319", 2021, "dien-bien-2021", 4).plans[0]
    within = prepare("100", 2021, "dien-bien-2021", 4).plans[0]
    assert (alone.people, alone.groups, alone.villages, alone.especially_difficult) == (
        within.people, within.groups, within.villages, within.especially_difficult
    )


def test_schema_is_the_contract() -> None:
    assert tuple(ARROW_SCHEMA.names) == KEYS
    records = table("03319", 2021, "dien-bien-2021", 1)
    assert records.schema.equals(ARROW_SCHEMA)
    types = {f.name: f.type for f in records.schema}
    assert types["survey_year"] == pa.int16()
    assert types["person_no"] == pa.int16()
    assert types["birth_date"] == pa.string()  # DD/MM/YYYY or a year alone
    for key in ("primary_completed", "thcs_graduated", "dropout_year", "literacy_year"):
        assert types[key] == pa.int16()
    for key in ("province_code", "district_code", "commune_code", "household_no"):
        assert types[key] == pa.string()


def test_parquet_types(tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    write(out, "03319", 2021, "dien-bien-2021", 1)
    schema = pq.read_schema(out)
    assert tuple(schema.names) == KEYS
    assert schema.field("survey_year").type == pa.int16()
    assert schema.field("commune_code").type == pa.string()
    assert pq.ParquetFile(out).metadata.num_rows > 3000


def test_people_scales_exactly_and_proportionally() -> None:
    run = prepare("100", 2021, "dien-bien-2021", 2, people=10_000)
    assert run.people == 10_000
    natural = prepare("100", 2021, "dien-bien-2021", 2)
    ratio = [p.people / q.people for p, q in zip(run.plans, natural.plans, strict=True)]
    assert max(ratio) - min(ratio) < 0.01
    assert sum(b.num_rows for b in run.batches()) == 10_000


def test_natural_sizes() -> None:
    mountain = prepare("11", 2021, "mountainous", 1)
    rural = [p.people for p in mountain.plans if p.commune.kind == "Xã"]
    assert min(rural) >= 3_000
    assert max(rural) <= 9_000
    lowland = prepare("01", 2021, "lowland", 1)
    assert all(8_000 <= p.people <= 15_000 for p in lowland.plans if p.setting == "lowland")
    assert sum(p.setting == "lowland" for p in lowland.plans) > 0.9 * len(lowland.plans)


def test_two_level_years_use_the_new_units(province_2025: pl.DataFrame) -> None:
    from phocap.units import registry_for_year

    communes = set(province_2025["commune_code"].unique())
    registry = registry_for_year(2025)
    assert communes <= {u.code for u in registry.communes_of("66")}
    assert province_2025["district_code"].null_count() == province_2025.height


def test_unknown_selection_is_refused_in_vietnamese() -> None:
    with pytest.raises(ValueError, match="Không có đơn vị"):
        prepare("100", 2025, "national", 1)  # no districts from 2025
    with pytest.raises(ValueError, match="hồ sơ"):
        prepare("100", 2021, "nope", 1)


def test_an_explicit_list_of_communes() -> None:
    communes = [Commune("99901", "Xã Thử", "Xã", "99", "999")]
    records = table(communes, 2022, "lowland", 1, people=500)
    assert records.num_rows == 500
    assert set(records.column("commune_code").to_pylist()) == {"99901"}


def test_units_file_beside_the_survey(tmp_path: Path) -> None:
    out = tmp_path / "demo.parquet"
    summary = write(out, "100", 2021, "dien-bien-2021", 1, people=5_000)
    assert summary.units_path == tmp_path / "demo.units.csv"
    assert summary.communes == 21
    with summary.units_path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["code", "name", "type", "parent_code", "especially_difficult"]
    assert rows[0] == {"code": "11", "name": "Tỉnh Điện Biên", "type": "province",
                       "parent_code": "", "especially_difficult": "0"}
    assert rows[1]["code"] == "100" and rows[1]["parent_code"] == "11"
    communes = [r for r in rows if r["type"] == "commune"]
    assert len(communes) == 21
    assert {r["parent_code"] for r in communes} == {"100"}
    difficult = sum(r["especially_difficult"] == "1" for r in communes)
    assert 11 <= difficult < 21


def test_csv_has_bom_and_english_keys(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    summary = write(out, "03319", 2021, "dien-bien-2021", 1, people=300)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\n", 1)[0].decode()
    assert header.replace('"', "").split(",") == list(KEYS)
    back = pl.read_csv(out, infer_schema=False)
    assert back.height == summary.people == 300
    assert back["commune_code"].unique().to_list() == ["03319"]  # leading zero kept


def test_xlsx_has_vietnamese_headers(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    write(out, "03319", 2021, "dien-bien-2021", 1, people=200)
    sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header_vi for c in COLUMNS]
    assert len(rows) == 201
    assert rows[1][KEYS.index("commune_code")] == "03319"


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="chỉ hỗ trợ"):
        write(tmp_path / "x.json", "03319", 2021, "dien-bien-2021", 1)
