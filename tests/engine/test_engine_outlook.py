"""Next-year outlook: roll the cohorts forward one year under normal progression.

Commune 90101 (normal), survey year 2021, primary (ND20 Arts 9–11):

    now (2021)                                   next year (2022, rolled forward)
    age 5:  20 in MG5                            → age 6: 20 in grade 1
    age 6:  20 in grade 1        20/20 ≥ 98%
    age 10: 8 in grade 5, 2 in grade 3           → age 11: 8 completed primary in 2022,
                                                   2 in grade 4 (still in primary)
    age 11: 10 completed primary, in grade 6      (age 12: no criterion)
            10/10 ≥ 90%; others in primary 10/10
    age 13: 10 completed primary, in grade 8      → age 14: 10/10 completed
    age 14: 10 completed primary  10/10 ≥ 80%

Now: grade 1 at 6 20/20, completed at 14 10/10, at 11 10/10, others 10/10 → level 3.
Next year: grade 1 at 6 20/20; completed at 14 10/10; completed at 11 8/10 = 80%
(< 90% for level 3, ≥ 80% for level 2); others at 11 in primary 10/10 → level 2.
The commune loses level 3; it misses primary.3.completed_at_11 by
ceil(0.90 × 10 − 8) = 1 person.
"""

from pathlib import Path

import polars as pl
from engine_builder import Survey, Units

from phocap.engine.backends import connect, load
from phocap.engine.outlook import LOSE, outlook, roll_forward
from phocap.engine.units import read_units_file
from phocap.survey.validate import validate


def scenario(tmp_path: Path) -> tuple[object, pl.DataFrame]:
    units = Units()
    units.province("90")
    units.district("901", "90")
    units.commune("90101", "901")
    survey = Survey(2021, units)
    survey.add("90101", 20, age=5, current_class="MG5", preschool_completed="")
    survey.add("90101", 20, age=6, current_class="1", preschool_completed="2021")
    survey.add("90101", 8, age=10, current_class="5")
    survey.add("90101", 2, age=10, current_class="3")
    survey.add("90101", 10, age=11, current_class="6", primary_completed="2021")
    survey.add("90101", 10, age=13, current_class="8", primary_completed="2019")
    survey.add("90101", 10, age=14, primary_completed="2018", highest_grade="8")
    survey_csv = survey.write(tmp_path / "survey.csv")
    result = validate(survey_csv, keep_records=True, check_units=False)
    assert result.report.ok and result.records is not None
    table = load(connect("duckdb"), result.records)
    return table, read_units_file(units.write(tmp_path / "units.csv"))


def test_a_commune_that_will_lose_a_level_is_named_with_its_shortfall(tmp_path: Path) -> None:
    table, units = scenario(tmp_path)
    now, following, changes = outlook(table, units=units)
    assert now.unit("90101").standards["primary"].level == 3
    assert following.year == 2022
    assert following.unit("90101").standards["primary"].level == 2
    change = next(c for c in changes if c.code == "90101" and c.standard == "primary")
    assert (change.level_now, change.level_next, change.change) == (3, 2, LOSE)
    assert change.shortfalls == [("primary.3.completed_at_11", 1)]


def test_roll_forward_progresses_every_class(tmp_path: Path) -> None:
    table, _ = scenario(tmp_path)
    rolled = pl.from_arrow(roll_forward(table, 2021).to_pyarrow())
    assert isinstance(rolled, pl.DataFrame)
    assert set(rolled["survey_year"].to_list()) == {2022}
    by_age = rolled.with_columns(age=pl.col("survey_year") - pl.col("birth_year")).group_by(
        "age", "class_level", "class_grade", "primary_completed", "preschool_completed"
    ).len().sort("age", "class_grade")
    rows = {tuple(r[:5]): r[5] for r in by_age.iter_rows()}
    assert rows[(6, "primary", 1, None, 2022)] == 20  # MG5 → grade 1, preschool completed
    assert rows[(11, "lower_secondary", 6, 2022, None)] == 8  # grade 5 → completed, grade 6
    assert rows[(11, "primary", 4, None, None)] == 2
    assert rows[(15, None, None, 2018, None)] == 10  # not enrolled: no change
