"""A synthetic population carried across 1 July 2025 (synth/reform.py): the same people,
under the new communes, in a file that validates for 2025."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest

from phocap.survey.validate import validate
from phocap.synth import prepare
from phocap.synth.evolve import evolve, evolve_years
from phocap.synth.plan import CommunePlan
from phocap.synth.profiles import get_profile
from phocap.synth.reform import crossing, flags_after, units_after
from phocap.synth.writer import units_path, write_parquet, write_units

DEMO = get_profile("dien-bien-2021")
IDENTITY = ["household_no", "person_no", "national_id", "full_name", "birth_date", "sex",
            "ethnicity"]


def thanh_nua() -> list[CommunePlan]:
    """Three of the five communes that went whole into 03328 Xã Thanh Nưa, 300 people: Xã
    Thanh Nưa (03322) and Xã Thanh Luông (03328) both have a "Bản Na Pao"."""
    run = prepare("100", 2024, DEMO, 3, people=3000)
    plans = {p.commune.code: p for p in run.plans}
    return [
        dataclasses.replace(plans["03322"], villages=("Bản Na Pao", "Bản Che Căn")),
        dataclasses.replace(plans["03328"], villages=("Bản Na Pao", "Bản Co Mỵ")),
        dataclasses.replace(plans["03331"], villages=("Bản Ta Lếnh",)),
    ]


@pytest.fixture(scope="module")
def year_2024() -> tuple[list[CommunePlan], pa.Table]:
    plans = thanh_nua()
    run = prepare([p.commune for p in plans], 2024, DEMO, 3)
    run = dataclasses.replace(run, plans=plans)
    return plans, pa.Table.from_batches(list(run.batches()))


def test_the_merged_communes_villages_are_named_as_the_register_names_them(
    year_2024: tuple[list[CommunePlan], pa.Table],
) -> None:
    plans, _ = year_2024
    found = crossing(plans)
    assert {old: new.code for old, new in found.communes.items()} == {
        "03322": "03328", "03328": "03328", "03331": "03328"}
    assert found.communes["03322"].name == "Xã Thanh Nưa"
    # The shared name takes its old commune's short name in brackets (units/villages.py);
    # the others keep theirs.
    assert found.villages == {
        ("03322", "Bản Na Pao"): "Bản Na Pao (Thanh Nưa)",
        ("03322", "Bản Che Căn"): "Bản Che Căn",
        ("03328", "Bản Na Pao"): "Bản Na Pao (Thanh Luông)",
        ("03328", "Bản Co Mỵ"): "Bản Co Mỵ",
        ("03331", "Bản Ta Lếnh"): "Bản Ta Lếnh",
    }


def test_2025_is_the_same_people_under_the_new_commune_and_validates(
    year_2024: tuple[list[CommunePlan], pa.Table], tmp_path: Path,
) -> None:
    plans, before = year_2024
    found = crossing(plans)
    after, _ = evolve(before, plans, DEMO, 3, None, found)
    records = pl.from_arrow(after)
    assert isinstance(records, pl.DataFrame)
    assert records["commune_code"].unique().to_list() == ["03328"]
    assert records["province_code"].unique().to_list() == ["11"]
    assert records["district_code"].null_count() == records.height
    assert set(records["village"]) <= set(found.villages.values())
    # School codes of the new list: province + type + three digits.
    schools = set(records["current_school"].drop_nulls())
    assert schools and all(code.startswith("11") and len(code) == 7 for code in schools)
    # Everyone of 2024 still there is in 2025 with the same identity, in the village their
    # old village became.
    old = pl.from_arrow(before)
    assert isinstance(old, pl.DataFrame)
    names = pl.DataFrame([(c, v, n) for (c, v), n in found.villages.items()],
                         schema=["commune_code", "village", "new_village"], orient="row")
    stayed = (old.filter(pl.col("status").is_null() | (pl.col("status") == "chuyển đến"))
              .join(names, on=["commune_code", "village"])
              .select(pl.col("new_village").alias("village"), *IDENTITY))
    kept = stayed.join(records.select("village", *IDENTITY),
                       on=["village", "household_no", "person_no"], how="left", suffix="_25")
    assert kept.height == stayed.height > 250
    alive = kept.filter(pl.col("full_name_25").is_not_null())
    assert alive.height > 0.9 * stayed.height  # less whoever turned 61 (left the register)
    assert (alive["full_name"] == alive["full_name_25"]).all()
    assert (alive["birth_date"] == alive["birth_date_25"]).all()

    difficult = {p.commune.code: p.especially_difficult for p in plans}
    path = tmp_path / "thanh-nua-2025.parquet"
    write_parquet(path, after.to_batches())
    write_units(units_path(path), units_after(before, difficult, found))
    report = validate(path, year=2025).report
    assert report.ok, report.problems


def test_a_new_commune_is_difficult_when_its_difficult_predecessors_held_most_people(
    year_2024: tuple[list[CommunePlan], pa.Table],
) -> None:
    found = crossing(year_2024[0])
    difficult = {"03322": False, "03328": True, "03331": False}
    # 03328 Thanh Nưa holds 03322 + 03328 + 03331; only 03328 was ĐBKK.
    # 51 of 100 people: 2 × 51 = 102 > 100, ĐBKK; 50 of 100 (a tie) and 49 of 100: not.
    for held, expected in ((51, True), (50, False), (49, False)):
        people = {"03322": 100 - held - 10, "03328": held, "03331": 10}
        assert flags_after(people, difficult, found) == {"03328": expected}, held


def test_the_units_file_after_the_line_counts_the_people_still_there(
    year_2024: tuple[list[CommunePlan], pa.Table],
) -> None:
    plans, before = year_2024
    found = crossing(plans)
    records = pl.from_arrow(before)
    assert isinstance(records, pl.DataFrame)
    present = records.filter(~pl.col("status").is_in(["chuyển đi", "chết"]).fill_null(False))
    by_commune = dict(present.group_by("commune_code").len().iter_rows())
    only = max(by_commune, key=lambda c: by_commune[c])
    rows = units_after(before, {only: True}, found)
    assert [(r.code, r.type, r.parent_code) for r in rows] == [
        ("11", "province", ""), ("03328", "commune", "11")]
    # One predecessor flagged: ĐBKK exactly when it holds more than half the people.
    assert rows[1].especially_difficult == (2 * by_commune[only] > present.height)


def test_a_split_commune_is_the_officers_to_place_not_drawn() -> None:
    # 00016 Phường Ngọc Hà (Hà Nội) went in part into 00004 and in part into 00008.
    plans = prepare("00016", 2024, "lowland", 1, people=50).plans
    with pytest.raises(ValueError, match="chia cho nhiều xã mới"):
        crossing(plans)


def test_evolving_stops_at_2025_and_never_crosses_without_a_crossing(
    year_2024: tuple[list[CommunePlan], pa.Table],
) -> None:
    plans, before = year_2024
    with pytest.raises(ValueError, match="sáp nhập"):
        evolve(before, plans, DEMO, 3)
    with pytest.raises(ValueError, match="Chỉ chuyển được đến năm 2025"):
        list(evolve_years(before, plans, DEMO, 3, 2, crossing(plans)))
