"""A descriptive summary of survey records per commune.

Counts only, straight from the records: who is in the register, where they
study. Recognition rates and levels are the engine's job (docs/rules.md); this is
what an officer checks first to see that a file holds the commune they expect.
"""

from __future__ import annotations

import polars as pl

from phocap.survey import classes

ENROLLED_BY_LEVEL = {
    "preschool": [classes.NURSERY, classes.KINDERGARTEN],
    "primary": [classes.PRIMARY],
    "lower_secondary": [classes.LOWER_SECONDARY, classes.CONTINUING_LOWER_SECONDARY],
    "upper_secondary": [classes.UPPER_SECONDARY, classes.CONTINUING_UPPER_SECONDARY],
    "vocational": [
        classes.VOCATIONAL_ELEMENTARY,
        classes.VOCATIONAL_INTERMEDIATE,
        classes.VOCATIONAL_COLLEGE,
    ],
}


def by_commune(records: pl.DataFrame) -> pl.DataFrame:
    """One row per survey year and commune, then a total row per survey year."""
    level = pl.col("class_level")
    counts = [
        pl.col("village").n_unique().alias("villages"),
        # A household is its village and number: each village numbers from 1.
        pl.struct("village", "household_no").n_unique().alias("households"),
        pl.len().alias("people"),
        (pl.col("ethnicity") != "Kinh").sum().alias("minority"),
        pl.col("status").is_in(["chuyển đi", "chết"]).sum().alias("moved_away_or_deceased"),
        (pl.col("disability") == "không học được").sum().alias("cannot_study"),
        *[level.is_in(values).sum().alias(name) for name, values in ENROLLED_BY_LEVEL.items()],
    ]
    per_commune = (
        records.group_by("survey_year", "commune_code").agg(counts).sort("survey_year",
                                                                          "commune_code")
    )
    totals = per_commune.group_by("survey_year").agg(
        pl.lit("Tổng").alias("commune_code"),
        *[pl.col(c).sum() for c in per_commune.columns[2:]],
    )
    return pl.concat([per_commune, totals.select(per_commune.columns)], how="vertical")
