"""Evolving a population: one school year lived, people kept, records still valid."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from phocap.survey.schema import KEYS
from phocap.survey.text import fold_expr
from phocap.survey.validate import validate
from phocap.synth import prepare
from phocap.synth.evolve import evolve, evolve_years
from phocap.synth.plan import CommunePlan
from phocap.synth.profiles import Profile, get_profile
from phocap.synth.records import ARROW_SCHEMA
from phocap.synth.school_year import Traits, dropout_hazard

DEMO = get_profile("dien-bien-2021")
IDENTITY = ("commune_code", "village", "household_no", "person_no", "national_id", "full_name",
            "birth_date", "sex", "ethnicity")


def quiet(**changes: Any) -> Profile:
    """The demo profile where nothing happens by chance: no deaths, moves, repeats, dropouts."""
    setting = DEMO.mountain
    still: dict[str, Any] = {"deceased": 0.0, "moved_away": 0.0, "moved_in": 0.0}
    zero = ((18, 0.0),)
    certain: dict[str, Any] = {
        "repeat": (0.0, 0.0, 0.0), "never": zero, "primary_fail": zero, "no_transition": zero,
        "thcs_fail": zero, "no_continuation": zero, "upper_fail": zero, "vocational": 0.0,
        "continuing_education": 0.0, "thpt_pass": 1.0, "university": 0.0, "college": 0.0,
        "kindergarten": (1.0, 1.0, 1.0),
    }
    demography = dataclasses.replace(
        setting.demography, **(still | {k: v for k, v in changes.items() if k in still}))
    schooling = dataclasses.replace(
        setting.schooling, **(certain | {k: v for k, v in changes.items() if k in certain}))
    yearly = dataclasses.replace(setting.yearly, literacy_course=0.0, relapse=0.0)
    calm = dataclasses.replace(setting, demography=demography, schooling=schooling, yearly=yearly)
    return dataclasses.replace(DEMO, lowland=calm, mountain=calm)


def commune_plan() -> list[CommunePlan]:
    plan = prepare("03319", 2021, DEMO, 1, people=100).plans[0]
    return [dataclasses.replace(plan, two_sessions=False)]


def person(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(KEYS)
    row |= {"survey_year": 2021, "province_code": "11", "district_code": "100",
            "commune_code": "03319", "village": "Bản Na Hát", "sex": "nam",
            "ethnicity": "Thái", "full_name": "Lò Văn An", "highest_grade": None}
    return row | values


def records(*people: dict[str, Any]) -> pa.Table:
    numbered = [p | {"household_no": p.get("household_no") or f"{i + 1:04d}",
                     "person_no": p.get("person_no") or 1} for i, p in enumerate(people)]
    return pa.Table.from_pylist(numbered, schema=ARROW_SCHEMA)


def lived(*people: dict[str, Any], profile: Profile | None = None) -> dict[str, dict[str, Any]]:
    """Each person's 2022 record by name."""
    table, _ = evolve(records(*people), commune_plan(), profile or quiet(), seed=3)
    return {row["full_name"]: row for row in table.to_pylist()}


def test_a_promoted_grade_5_pupil_completes_primary_in_2022_and_goes_to_the_thcs_school() -> None:
    after = lived(
        person(full_name="Lò Văn An", birth_date="03/04/2011", current_class="5",
               current_school="11100TH01", highest_grade=4),
        person(full_name="Lò Văn Bình", birth_date="05/06/2008", current_class="8",
               current_school="11100CS01", highest_grade=7),
    )
    an = after["Lò Văn An"]
    assert (an["survey_year"], an["current_class"]) == (2022, "6")
    assert an["current_school"] == "11100CS01"
    assert (an["primary_completed"], an["highest_grade"]) == (2022, 5)
    assert after["Lò Văn Bình"]["current_class"] == "9"


def test_an_mg5_child_completes_preschool_in_2022_and_enters_grade_1() -> None:
    after = lived(person(full_name="Lò Thị Ca", sex="nữ", birth_date="10/02/2016",
                         current_class="MG5", current_school="11100MN01"))
    ca = after["Lò Thị Ca"]
    assert (ca["current_class"], ca["preschool_completed"], ca["highest_grade"]) == ("1", 2022, 0)


def test_a_grade_9_graduate_streams() -> None:
    pupil = person(full_name="Lò Văn Dũng", birth_date="01/01/2006", current_class="9",
                   current_school="11100CS01", highest_grade=8, primary_completed=2017)
    upper = person(full_name="Lò Văn Em", birth_date="01/01/2005", current_class="10",
                   current_school="11100PT01", highest_grade=9, primary_completed=2016,
                   thcs_graduated=2020)
    to_ten = lived(pupil, upper)["Lò Văn Dũng"]
    assert (to_ten["thcs_graduated"], to_ten["highest_grade"]) == (2022, 9)
    assert (to_ten["current_class"], to_ten["current_school"]) == ("10", "11100PT01")
    to_tc = lived(pupil, upper, profile=quiet(vocational=1.0))["Lò Văn Dũng"]
    assert (to_tc["current_class"], to_tc["current_school"], to_tc["thcs_graduated"]) == (
        "TC", None, 2022)


def test_who_is_not_carried_over_and_who_dies_during_the_year() -> None:
    after = lived(
        person(full_name="Lò Văn Giàu", birth_date="1980", status="chết"),
        person(full_name="Lò Văn Hải", birth_date="1985", status="chuyển đi"),
        person(full_name="Lò Văn Khánh", birth_date="12/12/1961"),
        person(full_name="Lò Văn Long", birth_date="12/12/1962", status="chuyển đến"),
    )
    assert set(after) == {"Lò Văn Long"}  # 60 in 2022; the others left the register
    assert after["Lò Văn Long"]["status"] is None  # moved in a year ago: an ordinary resident
    dying = lived(person(full_name="Lò Văn Minh", birth_date="02/02/2012", current_class="4",
                         current_school="11100TH01"), profile=quiet(deceased=1.0))
    assert (dying["Lò Văn Minh"]["status"], dying["Lò Văn Minh"]["current_class"]) == ("chết", None)


def test_dropout_hazards_follow_the_profile_and_the_pupil() -> None:
    """Demo THCS: 1.8% fail per cohort, ×3 in a ĐBKK commune, spread evenly over 4 grades."""
    n = 4
    traits = Traits(
        age=np.array([12, 14, 12, 13]), group=np.zeros(n, np.int64),
        mountain=np.ones(n, np.bool_), risk=np.zeros(n, np.int64), female=np.zeros(n, np.bool_),
        especially_difficult=np.array([False, False, True, True]),
        disability=np.zeros(n, np.int64), two_sessions=np.zeros(n, np.bool_),
    )
    grade = np.array([6, 6, 6, 6])
    hazard = dropout_hazard([DEMO.mountain] * 2, traits, grade, np.zeros(n, np.bool_))
    # Pupil 2 is two years over-age (×1.5²), pupil 4 one year (×1.5); the mean factor is
    # renormalised to 1 so the level's dropout stays the profile's.
    factor = np.array([1.0, 2.25, 1.0, 1.5])
    base = np.array([0.018, 0.018, 0.054, 0.054]) / 4
    assert hazard == pytest.approx(base * factor / factor.mean())
    repeating = dropout_hazard([DEMO.mountain] * 2, traits, grade, np.array([1, 0, 0, 0], bool))
    assert repeating[0] / repeating[2] == pytest.approx(2.0 * 0.018 / 0.054)


@pytest.fixture(scope="module")
def district() -> tuple[list[pl.DataFrame], dict[str, bool]]:
    run = prepare("100", 2021, DEMO, 2021)
    first = pa.Table.from_batches(list(run.batches()))
    years = [first, *evolve_years(first, run.plans, run.profile, run.seed, 2)]
    frames = [pl.DataFrame(t) for t in years]
    return frames, {p.commune.code: p.especially_difficult for p in run.plans}


def test_the_same_seed_gives_the_same_year_and_another_seed_another() -> None:
    run = prepare("03319", 2021, DEMO, 5, people=3000)
    first = pa.Table.from_batches(list(run.batches()))
    one, _ = evolve(first, run.plans, DEMO, 5)
    two, _ = evolve(first, run.plans, DEMO, 5)
    other, _ = evolve(first, run.plans, DEMO, 6)
    assert one.equals(two)
    assert not one.equals(other)


def test_people_keep_their_identity(district: tuple[list[pl.DataFrame], dict[str, bool]]) -> None:
    frames, _ = district
    key = ["commune_code", "household_no", "person_no"]
    for before, after in itertools.pairwise(frames):
        age = after["survey_year"][0] - before["birth_date"].str.slice(-4).cast(pl.Int32)
        stayers = before.filter(
            ~pl.col("status").is_in(["chuyển đi", "chết"]).fill_null(False) & (age <= 60))
        joined = stayers.join(after, on=key, how="left", suffix="_after")
        assert joined["survey_year_after"].null_count() == 0  # everyone carried over
        for column in IDENTITY:
            if column not in key:
                changed = joined.filter(pl.col(column).ne_missing(pl.col(f"{column}_after")))
                assert changed.height == 0, (column, changed.head(3))
        new = after.join(before, on=key, how="anti")
        assert new.height > 0 and new["status"].is_in(["chuyển đến"]).any()


def test_three_years_of_the_district_validate(
    district: tuple[list[pl.DataFrame], dict[str, bool]], tmp_path: Path,
) -> None:
    frames, _ = district
    path = tmp_path / "three-years.parquet"
    pq.write_table(pl.concat(frames).to_arrow(), path)
    report = validate(path).report
    assert report.rows == sum(f.height for f in frames)
    assert report.errors == 0, report.problems.head(5)


def test_a_mountain_district_with_dropouts_at_every_level_validates(tmp_path: Path) -> None:
    """The demo has no primary dropout or late entry; the mountainous profile has both."""
    run = prepare("098", 2021, "mountainous", 4, people=20_000)
    first = pa.Table.from_batches(list(run.batches()))
    years = [first, *evolve_years(first, run.plans, run.profile, run.seed, 2)]
    path = tmp_path / "tua-chua.parquet"
    pq.write_table(pa.concat_tables(years), path)
    assert validate(path).report.errors == 0
    dropped = pl.DataFrame(years[1]).filter(pl.col("dropout_year") == 2022)["dropout_grade"]
    assert dropped.min() <= 5 and dropped.max() >= 10  # primary and upper secondary


def test_yearly_rates_match_the_profile(
    district: tuple[list[pl.DataFrame], dict[str, bool]],
) -> None:
    frames, flags = district
    before, after = frames[0], frames[1]
    difficult = pl.col("commune_code").replace_strict(flags, return_dtype=pl.Boolean)
    key = ["commune_code", "household_no", "person_no"]
    joined = before.filter(pl.col("status").is_null()).join(after, on=key, suffix="_after")
    joined = joined.filter(pl.col("status_after").is_null())

    # THCS pupils of ĐBKK communes drop out at 3 × 1.8% over four grades: ~1.38% a year.
    thcs = joined.filter(pl.col("current_class").is_in(["6", "7", "8", "9"]) & difficult)
    rate = thcs["dropout_year_after"].eq_missing(2022).mean()
    assert thcs.height > 4000 and rate == pytest.approx(0.0138, abs=0.003)

    # Grade-9 graduates of ordinary communes: 5.5% leave, then 15% TC, then 10% GDTX.
    nine = joined.filter((pl.col("current_class") == "9") & ~difficult
                         & (pl.col("thcs_graduated_after") == 2022))
    shares = {code: (nine["current_class_after"].eq_missing(code)).mean()
              for code in (None, "TC", "BT10")}
    assert nine.height > 500
    assert shares[None] == pytest.approx(0.055, abs=0.025)
    assert shares["TC"] == pytest.approx(0.945 * 0.15, abs=0.03)
    assert shares["BT10"] == pytest.approx(0.945 * 0.85 * 0.1, abs=0.025)

    # Deaths and moves at the demo's yearly rates (0.3% of people, 0.5% of households).
    status = after.filter(pl.col("survey_year") == 2022)["status"]
    assert status.eq_missing("chết").mean() == pytest.approx(0.003, abs=0.001)
    assert status.eq_missing("chuyển đi").mean() == pytest.approx(0.005, abs=0.003)
    # Births: the mountain pyramid's age-0 share of the register (2.12 / 90.46 = 2.34% of
    # the people present a year), born October 2021 to September 2022.
    newborn = after.join(before, on=key, how="anti").filter(pl.col("status").is_null())
    present = joined.height + newborn.height
    assert newborn.height / present == pytest.approx(0.0234, abs=0.002)
    assert newborn["birth_date"].str.slice(-4).is_in(["2021", "2022"]).all()
    # Nobody shares a name with another member of their household (accents aside).
    folded = after.select("commune_code", "household_no", fold_expr(pl.col("full_name")))
    assert not folded.is_duplicated().any()


def test_the_district_stays_near_its_2021_levels(
    district: tuple[list[pl.DataFrame], dict[str, bool]],
) -> None:
    from tests.synth.test_synth_demo import THRESHOLDS, commune_rates

    frames, flags = district
    for frame in frames[1:]:
        rates = commune_rates(frame, flags)
        for criterion, (normal, difficult) in THRESHOLDS.items():
            threshold = pl.when(pl.col("difficult")).then(difficult).otherwise(normal)
            short = rates.filter(pl.col(criterion) < threshold)
            assert short.height == 0, (frame["survey_year"][0], criterion, short)
