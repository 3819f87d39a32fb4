"""Generated records are internally consistent (docs/survey-format.md; brief point 3).

Checked with polars over a generated district (2023, with districts) and a
province of the two-level era (2025), and by the project's own validator, which
must find no error and no warning.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import polars as pl
import pytest

from phocap.survey import classes, ethnicity
from phocap.survey.schema import BY_KEY, KEYS
from phocap.survey.text import fold_expr
from phocap.survey.validate import validate
from phocap.synth import write

YEAR_COLUMNS = (
    "preschool_completed", "primary_completed", "thcs_graduated", "thpt_graduated",
    "vocational_completed", "dropout_year", "literacy_year",
)


def typed(records: pl.DataFrame) -> pl.DataFrame:
    """Records with age, birth year and the parts of the class code."""
    parts = classes.parse_expr(pl.col("current_class"))
    return records.with_columns(
        born=pl.col("birth_date").str.slice(-4).cast(pl.Int32),
        level=parts["class_level"],
        grade=parts["class_grade"].cast(pl.Int32),
        repeater=parts["class_repeater"],
    ).with_columns(age=pl.col("survey_year").cast(pl.Int32) - pl.col("born"))


def none(records: pl.DataFrame, condition: pl.Expr) -> None:
    """No record meets ``condition`` (shows a few offending rows if some do)."""
    bad = records.filter(condition)
    assert bad.height == 0, bad.head(5)


@pytest.fixture(params=["district", "province_2025"])
def records(request: pytest.FixtureRequest) -> pl.DataFrame:
    data: pl.DataFrame = request.getfixturevalue(request.param)
    return typed(data)


def test_columns_are_the_contract(records: pl.DataFrame) -> None:
    assert tuple(records.columns[: len(KEYS)]) == KEYS


def test_ages_and_birth_dates(records: pl.DataFrame) -> None:
    y = pl.col("survey_year")
    none(records, ~pl.col("age").is_between(0, 60))
    none(records, ~pl.col("birth_date").str.contains(r"^(\d{2}/\d{2}/)?\d{4}$"))
    full = records.filter(pl.col("birth_date").str.len_chars() == 10).with_columns(
        date=pl.col("birth_date").str.to_date("%d/%m/%Y")
    )
    assert full["date"].null_count() == 0
    none(full, pl.col("date") > pl.date(y, 9, 30))
    year_only = records.filter(pl.col("birth_date").str.len_chars() == 4)
    none(year_only, pl.col("age") < 40)
    adults_40 = records.filter(pl.col("age") >= 40).height
    assert 0.002 < year_only.height / adults_40 < 0.05


def test_units_and_codes(records: pl.DataFrame) -> None:
    two_level = int(records["survey_year"][0]) >= 2025
    none(records, ~pl.col("province_code").str.contains(r"^\d{2}$"))
    none(records, ~pl.col("commune_code").str.contains(r"^\d{5}$"))
    if two_level:
        assert records["district_code"].null_count() == records.height
    else:
        none(records, ~pl.col("district_code").str.contains(r"^\d{3}$").fill_null(False))


def test_households_and_persons(records: pl.DataFrame) -> None:
    keys = ["commune_code", "household_no", "person_no"]
    assert not records.select(pl.struct(keys).is_duplicated().any()).item()
    none(records, ~pl.col("household_no").str.contains(r"^\d{4,}$"))
    numbering = records.group_by("commune_code", "household_no").agg(
        pl.col("person_no").min().alias("first"),
        pl.col("person_no").max().alias("last"),
        pl.len().alias("n"),
    )
    none(numbering, (pl.col("first") != 1) | (pl.col("last") != pl.col("n")))
    sizes = numbering["n"]
    assert 2.5 < sizes.mean() < 6.0  # type: ignore[operator]
    assert sizes.max() < 30  # type: ignore[operator]


def test_national_ids(records: pl.DataFrame) -> None:
    ids = records["national_id"].drop_nulls()
    assert ids.len() > 0.5 * records.height
    assert ids.str.contains(r"^\d{12}$").all()
    assert ids.n_unique() == ids.len()
    # 3 digits of province, then sex and century, then the year of birth.
    with_id = records.filter(pl.col("national_id").is_not_null())
    none(with_id, pl.col("national_id").str.slice(0, 3) != "0" + pl.col("province_code"))
    none(with_id, pl.col("national_id").str.slice(4, 2) != pl.col("born").cast(pl.String)
         .str.slice(2, 2))


def test_choices_and_groups(records: pl.DataFrame) -> None:
    for key in ("sex", "residence", "status", "disability", "vocational_level"):
        allowed = list(BY_KEY[key].choices)
        none(records, pl.col(key).is_not_null() & ~pl.col(key).is_in(allowed))
    assert records["sex"].null_count() == 0
    none(records, ~pl.col("ethnicity").is_in(list(ethnicity.NAMES)))
    none(records, pl.col("relapsed").is_not_null() & (pl.col("relapsed") != "x"))


def test_completion_years(records: pl.DataFrame) -> None:
    for key in YEAR_COLUMNS:
        none(records, pl.col(key) > pl.col("survey_year"))
    born = pl.col("born")
    none(records, ~(pl.col("preschool_completed") - born).is_between(5, 6))
    none(records, pl.col("primary_completed") < born + 10)
    none(records, pl.col("thcs_graduated") < born + 14)
    none(records, pl.col("thpt_graduated") < born + 17)
    order = ("preschool_completed", "primary_completed", "thcs_graduated", "thpt_graduated")
    for earlier, later in pairwise(order):
        none(records, pl.col(later) < pl.col(earlier))
    # Anyone with a later qualification has the earlier one.
    none(records, pl.col("thcs_graduated").is_not_null() & pl.col("primary_completed").is_null())
    none(records, pl.col("thpt_graduated").is_not_null() & pl.col("thcs_graduated").is_null())
    none(records, pl.col("vocational_level").is_null() != pl.col("vocational_completed").is_null())


def test_dropouts(records: pl.DataFrame) -> None:
    none(records, pl.col("dropout_grade").is_null() != pl.col("dropout_year").is_null())
    none(records, ~pl.col("dropout_grade").is_between(1, 12))
    none(records, pl.col("dropout_grade") != pl.col("highest_grade") + 1)
    none(records, pl.col("dropout_year") < pl.col("born") + 7)
    assert records["dropout_grade"].drop_nulls().len() > 0


def test_current_class_fits_age(records: pl.DataFrame) -> None:
    enrolled = records.filter(pl.col("current_class").is_not_null())
    assert enrolled["level"].null_count() == 0  # every code is valid
    a, g, level = pl.col("age"), pl.col("grade"), pl.col("level")
    none(enrolled, (level == classes.NURSERY) & (a > 2))
    none(enrolled, (level == classes.KINDERGARTEN) & (a != g))
    general = level.is_in([
        classes.PRIMARY, classes.LOWER_SECONDARY, classes.UPPER_SECONDARY,
        classes.CONTINUING_UPPER_SECONDARY,
    ])
    none(enrolled, general & (a < g + 4))
    none(enrolled, general & (a > g + 10))
    none(enrolled, general & (pl.col("highest_grade") >= g))
    none(enrolled, general & (pl.col("highest_grade") != g - 1))
    none(enrolled, pl.col("status").is_in(["chết", "chuyển đi"]))
    none(enrolled, pl.col("disability") == "không học được")
    none(enrolled, (level == classes.UNIVERSITY) & pl.col("thpt_graduated").is_null())
    # Realistic: most children in class at the right age, some repeaters.
    assert enrolled.filter(a == g + 5).height > 0.8 * enrolled.filter(general).height
    assert enrolled["repeater"].sum() > 0


def test_grades_and_literacy(records: pl.DataFrame) -> None:
    none(records, ~pl.col("highest_grade").is_between(0, 12))
    none(records, (pl.col("age") < 6) & pl.col("highest_grade").is_not_null())
    stage = pl.col("literacy_stage")
    none(records, stage.is_not_null() & ~stage.is_in([1, 2]))
    none(records, stage.is_null() != pl.col("literacy_year").is_null())
    none(records, stage.is_not_null() & ((pl.col("age") < 15) | pl.col("primary_completed")
                                          .is_not_null()))
    none(records, pl.col("literacy_year") < pl.col("born") + 15)
    relapsed = pl.col("relapsed") == "x"
    none(records, relapsed & ((pl.col("highest_grade") >= 5) | (pl.col("age") < 15)))
    assert records.filter(relapsed).height > 0
    assert records.filter(stage == 2).height > 0


def test_no_likely_duplicate_people(records: pl.DataFrame) -> None:
    keyed = records.select(
        "commune_code", "birth_date", "household_no", name=fold_expr(pl.col("full_name"))
    )
    assert not keyed.select(pl.struct("commune_code", "name", "birth_date")
                            .is_duplicated().any()).item()
    assert not keyed.select(pl.struct("commune_code", "household_no", "name")
                            .is_duplicated().any()).item()


def test_family_names_follow_the_family(district: pl.DataFrame) -> None:
    """In most multi-person Mông and Thái households, most members share the head's name."""
    heads = district.filter(pl.col("person_no") == 1).select(
        "commune_code", "household_no", head=pl.col("full_name").str.split(" ").list.first()
    )
    members = district.join(heads, on=["commune_code", "household_no"]).filter(
        pl.col("ethnicity").is_in(["Mông", "Thái"]) & (pl.col("person_no") > 2)
    )
    shared = (pl.col("full_name").str.split(" ").list.first() == pl.col("head")).mean()
    assert members.select(shared).item() > 0.6


def test_the_validator_finds_nothing(tmp_path: Path) -> None:
    out = tmp_path / "district.parquet"
    write(out, "098", 2023, "mountainous", 11, people=20_000)
    result = validate(out)
    assert result.report.errors == 0
    assert result.report.warnings == 0
