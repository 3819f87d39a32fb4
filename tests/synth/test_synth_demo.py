"""The Điện Biên demo: every commune meets the standards, mobilisation matches the report.

The rules engine does not exist yet, so :func:`commune_rates` computes the
criteria of docs/rules.md §1–3 directly with polars from the generated records:
age = Y − birth year; the population to be universalised (PPC) excludes people
with a disability preventing study, people who moved away and the deceased;
every rate has PPC as its denominator.
"""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pytest

from phocap.survey import classes
from phocap.synth import generate, prepare

YEAR = 2021
SEEDS = (1, 2)
MARGIN = 0.01  # every criterion must hold with at least one point to spare

# Reported mobilisation for Huyện Điện Biên, school year 2021–2022.
REPORTED = {"nursery": 0.516, "primary_6_10": 0.999, "grade6_at_11": 0.983, "thcs_11_14": 0.981}

# (criterion, threshold normal, threshold especially difficult), docs/rules.md §3.
THRESHOLDS = {
    "preschool_attending_5": (0.95, 0.90),
    "preschool_completed_6": (0.85, 0.80),
    "grade1_at_6": (0.98, 0.98),
    "primary_completed_11": (0.90, 0.80),
    "primary_completed_14": (0.80, 0.70),
    "thcs_graduates_15_18": (0.95, 0.90),
    "beyond_thcs_15_18": (0.80, 0.70),
    "literate1": (0.90, 0.90),
    "literate2": (0.90, 0.90),
}


def facts(records: pl.DataFrame) -> pl.DataFrame:
    """Individual facts of docs/rules.md §2, with age and PPC membership."""
    y = pl.col("survey_year")
    parsed = classes.parse_expr(pl.col("current_class"))
    # Computed once: the class-level expression is costly to evaluate repeatedly.
    records = records.with_columns(level=parsed["class_level"], grade=parsed["class_grade"])
    level, grade = pl.col("level"), pl.col("grade")
    done = lambda c: pl.col(c).is_not_null() & (pl.col(c) <= y)  # noqa: E731
    higher = done("thcs_graduated") | done("thpt_graduated") | done("vocational_completed")
    primary_done = done("primary_completed") | higher
    relapsed = pl.col("relapsed") == "x"
    beyond_levels = [
        classes.UPPER_SECONDARY, classes.CONTINUING_UPPER_SECONDARY,
        classes.VOCATIONAL_ELEMENTARY, classes.VOCATIONAL_INTERMEDIATE,
        classes.VOCATIONAL_COLLEGE,
    ]
    return records.select(
        "commune_code",
        age=(y - pl.col("birth_date").str.slice(-4).cast(pl.Int32)),
        ppc=~pl.col("disability").eq_missing("không học được")
        & ~pl.col("status").is_in(["chuyển đi", "chết"]).fill_null(False),
        nursery=(level == classes.NURSERY).fill_null(False),
        preschool=level.is_in([classes.KINDERGARTEN, classes.PRIMARY]).fill_null(False),
        preschool_completed=done("preschool_completed"),
        grade1=(level.is_not_null() & ~level.is_in([classes.NURSERY, classes.KINDERGARTEN]))
        .fill_null(False),
        in_primary=(level == classes.PRIMARY).fill_null(False),
        grade6=((level == classes.LOWER_SECONDARY) & (grade == 6)).fill_null(False),
        in_thcs=level.is_in([classes.LOWER_SECONDARY, classes.CONTINUING_LOWER_SECONDARY])
        .fill_null(False),
        primary_completed=primary_done,
        thcs_graduate=done("thcs_graduated") | done("thpt_graduated"),
        beyond_thcs=level.is_in(beyond_levels).fill_null(False)
        | done("thpt_graduated") | done("vocational_completed"),
        literate1=(
            (pl.col("highest_grade") >= 3).fill_null(False)
            | pl.col("literacy_stage").is_not_null()
            | primary_done
        ) & ~relapsed.fill_null(False),
        literate2=(primary_done | (pl.col("literacy_stage") == 2).fill_null(False))
        & ~relapsed.fill_null(False),
    ).filter(pl.col("ppc"))


def commune_rates(records: pl.DataFrame, difficult: dict[str, bool]) -> pl.DataFrame:
    """Per commune: every criterion's rate and its threshold for the commune."""
    f = facts(records).with_columns(
        difficult=pl.col("commune_code").replace_strict(difficult, return_dtype=pl.Boolean)
    )
    a = pl.col("age")
    d = pl.col("difficult").first()

    def rate(fact: str, cohort: pl.Expr) -> pl.Expr:
        return pl.col(fact).filter(cohort).mean()

    rates = f.group_by("commune_code").agg(
        d.alias("difficult"),
        rate("preschool", a == 5).alias("preschool_attending_5"),
        rate("preschool_completed", a == 6).alias("preschool_completed_6"),
        rate("grade1", a == 6).alias("grade1_at_6"),
        rate("primary_completed", a == 11).alias("primary_completed_11"),
        (pl.col("primary_completed") | pl.col("in_primary")).filter(a == 11).mean()
        .alias("primary_or_in_class_11"),
        rate("primary_completed", a == 14).alias("primary_completed_14"),
        rate("thcs_graduate", a.is_between(15, 18)).alias("thcs_graduates_15_18"),
        rate("beyond_thcs", a.is_between(15, 18)).alias("beyond_thcs_15_18"),
        pl.when(d).then(rate("literate1", a.is_between(15, 25)))
        .otherwise(rate("literate1", a.is_between(15, 35))).alias("literate1"),
        pl.when(d).then(rate("literate2", a.is_between(15, 35)))
        .otherwise(rate("literate2", a.is_between(15, 60))).alias("literate2"),
    )
    return rates.sort("commune_code")


def mobilisation(records: pl.DataFrame) -> dict[str, float]:
    """District mobilisation rates (docs/rules.md §7) over PPC."""
    f = facts(records)
    a = pl.col("age")
    row = f.select(
        nursery=pl.col("nursery").filter(a <= 2).mean(),
        primary_6_10=pl.col("in_primary").filter(a.is_between(6, 10)).mean(),
        grade6_at_11=pl.col("grade6").filter(a == 11).mean(),
        thcs_11_14=pl.col("in_thcs").filter(a.is_between(11, 14)).mean(),
    ).row(0, named=True)
    return {k: float(v) for k, v in row.items()}


@pytest.fixture(scope="module", params=SEEDS)
def demo(request: pytest.FixtureRequest) -> tuple[pl.DataFrame, dict[str, bool]]:
    run = prepare("100", YEAR, "dien-bien-2021", request.param)
    records = pl.from_arrow(pa.Table.from_batches(list(run.batches())))
    assert isinstance(records, pl.DataFrame)
    flags = {p.commune.code: p.especially_difficult for p in run.plans}
    return records, flags


def test_the_demo_is_the_real_district(demo: tuple[pl.DataFrame, dict[str, bool]]) -> None:
    records, flags = demo
    assert records["commune_code"].n_unique() == 21
    assert set(records["district_code"].unique()) == {"100"}
    assert set(records["province_code"].unique()) == {"11"}
    assert sorted(flags) == sorted(records["commune_code"].unique())
    assert sum(flags.values()) >= 11  # most communes especially difficult


def test_every_commune_meets_the_standards(
    demo: tuple[pl.DataFrame, dict[str, bool]],
) -> None:
    records, flags = demo
    rates = commune_rates(records, flags)
    assert rates.height == 21
    assert rates["primary_or_in_class_11"].min() == 1.0
    for criterion, (normal, difficult) in THRESHOLDS.items():
        threshold = pl.when(pl.col("difficult")).then(difficult).otherwise(normal)
        short = rates.filter(pl.col(criterion) < threshold + MARGIN)
        assert short.height == 0, (criterion, short.select("commune_code", "difficult", criterion))


def test_mobilisation_matches_the_report(demo: tuple[pl.DataFrame, dict[str, bool]]) -> None:
    records, _ = demo
    measured = mobilisation(records)
    for key, reported in REPORTED.items():
        assert abs(measured[key] - reported) <= 0.005, (key, measured[key], reported)


def test_about_65_schools() -> None:
    records = pl.from_arrow(pa.Table.from_batches(list(generate("100", YEAR, "dien-bien-2021", 1))))
    assert isinstance(records, pl.DataFrame)
    schools = records["current_school"].drop_nulls().unique()
    assert 55 <= schools.len() <= 75
    assert schools.str.contains(r"^11100(MN|TH|CS|LC|PT|GX)\d{2}$").all()
