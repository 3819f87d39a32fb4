"""The engine's per-commune counts as one hand-written DuckDB SQL query.

The baseline of the engine benchmarks (engine_bench.py over the typed store,
raw_bench.py over the raw survey file): every count the engine needs per
commune, each individual standard written again in SQL, so that equal counts
also cross-check phocap's own definitions (phocap/engine/facts.py).
"""

from __future__ import annotations

from phocap.engine.counts import Count

# The individual standards of docs/rules.md §2, written by hand in DuckDB SQL over the
# typed survey record. They are the baseline's own definitions, independent of
# phocap.engine.facts, so equal counts also cross-check the Ibis expressions.
PRIMARY_UP = ("'primary','lower_secondary','upper_secondary','continuing_lower_secondary',"
              "'continuing_upper_secondary','vocational_elementary','vocational_intermediate',"
              "'vocational_college','university'")
SQL_FACTS = {
    "everyone": "TRUE",
    "resident": "coalesce(status NOT IN ('chuyển đi','chết'), TRUE)",
    "in_scope": "coalesce(status NOT IN ('chuyển đi','chết'), TRUE)"
                " AND coalesce(disability <> 'không học được', TRUE)",
    "attends_preschool": f"coalesce(class_level IN ('kindergarten',{PRIMARY_UP}), FALSE)",
    "completed_preschool": "coalesce(preschool_completed <= survey_year, FALSE)",
    "in_mg4_or_higher": f"coalesce((class_level = 'kindergarten' AND class_grade >= 4)"
                        f" OR class_level IN ({PRIMARY_UP}), FALSE)",
    "in_mg5_or_higher": f"coalesce((class_level = 'kindergarten' AND class_grade >= 5)"
                        f" OR class_level IN ({PRIMARY_UP}), FALSE)",
    "in_grade_1_or_higher": f"coalesce(class_level IN ({PRIMARY_UP}), FALSE)",
    "lower_secondary_graduate": "coalesce(thcs_graduated <= survey_year, FALSE)"
                                " OR coalesce(thpt_graduated <= survey_year, FALSE)",
    "completed_primary": "coalesce(primary_completed <= survey_year, FALSE)"
                         " OR coalesce(thcs_graduated <= survey_year, FALSE)"
                         " OR coalesce(thpt_graduated <= survey_year, FALSE)"
                         " OR coalesce(vocational_completed <= survey_year"
                         " AND vocational_level IN ('trung cấp','cao đẳng'), FALSE)",
    "studying_beyond_lower_secondary": "coalesce(class_level IN ('upper_secondary',"
        "'continuing_upper_secondary','vocational_elementary','vocational_intermediate',"
        "'vocational_college','university'), FALSE)"
        " OR coalesce(thpt_graduated <= survey_year, FALSE)"
        " OR coalesce(vocational_completed <= survey_year, FALSE)",
    "in_nursery": "coalesce(class_level = 'nursery', FALSE)",
    "in_kindergarten": "coalesce(class_level = 'kindergarten', FALSE)",
    "in_primary": "coalesce(class_level = 'primary', FALSE)",
    "in_lower_secondary": "coalesce(class_level IN ('lower_secondary',"
                          "'continuing_lower_secondary'), FALSE)",
    "in_upper_secondary": "coalesce(class_level IN ('upper_secondary',"
                          "'continuing_upper_secondary'), FALSE)",
    "in_grade_6": "coalesce(class_level IN ('lower_secondary','continuing_lower_secondary')"
                  " AND class_grade = 6, FALSE)",
    "not_enrolled": "class_level IS NULL",
    "repeating_primary": "coalesce(class_level = 'primary' AND class_repeater, FALSE)",
    "repeating_lower_secondary": "coalesce(class_level IN ('lower_secondary',"
                                 "'continuing_lower_secondary') AND class_repeater, FALSE)",
    "upper_secondary_graduate": "coalesce(thpt_graduated <= survey_year, FALSE)",
    "moved_in": "coalesce(status = 'chuyển đến', FALSE)",
    "moved_away": "coalesce(status = 'chuyển đi', FALSE)",
    "deceased": "coalesce(status = 'chết', FALSE)",
}
SQL_FACTS["completed_or_in_primary"] = (
    f"({SQL_FACTS['completed_primary']}) OR coalesce(class_level = 'primary', FALSE)"
)
SQL_FACTS["cannot_study"] = (
    f"({SQL_FACTS['resident']}) AND coalesce(disability = 'không học được', FALSE)"
)
SQL_FACTS["disabled_can_study"] = (
    f"({SQL_FACTS['resident']}) AND coalesce(disability = 'học được', FALSE)"
)
SQL_FACTS["disabled_can_study_enrolled"] = (
    f"({SQL_FACTS['disabled_can_study']}) AND class_level IS NOT NULL"
)
_NOT_RELAPSED = "NOT coalesce(relapsed, FALSE)"
SQL_FACTS["literate_1"] = (
    f"(coalesce(highest_grade >= 3, FALSE) OR coalesce(class_level = 'primary' AND"
    f" class_grade >= 4, FALSE) OR coalesce(class_level IN ({PRIMARY_UP.split(',', 1)[1]}),"
    f" FALSE) OR coalesce(literacy_stage >= 1, FALSE) OR ({SQL_FACTS['completed_primary']}))"
    f" AND {_NOT_RELAPSED}"
)
SQL_FACTS["literate_2"] = (
    f"(({SQL_FACTS['completed_primary']}) OR coalesce(literacy_stage >= 2, FALSE))"
    f" AND {_NOT_RELAPSED}"
)


def baseline_sql(source: str, counts: list[Count]) -> str:
    """The counts per survey year and commune over ``source``, a SQL relation holding the
    typed survey record's columns (a ``read_parquet(…)`` or a subquery)."""
    columns = []
    for c in counts:
        ages = "" if (c.lo, c.hi) == (0, 200) else f" AND age BETWEEN {c.lo} AND {c.hi}"
        columns.append(
            f"sum(CASE WHEN ({SQL_FACTS[c.population]}) AND ({SQL_FACTS[c.fact]}){ages}"
            f" THEN 1 ELSE 0 END)::BIGINT AS \"{c.column}\""
        )
    return (
        "SELECT survey_year::INT AS survey_year, commune_code, " + ", ".join(columns)
        + f" FROM (SELECT *, (survey_year - birth_year)::INT AS age FROM {source})"
        " GROUP BY ALL ORDER BY survey_year, commune_code"
    )
