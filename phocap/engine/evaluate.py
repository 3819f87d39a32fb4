"""Evaluation: person facts → counts per commune → levels → roll-up.

The heavy part (one pass over every person) runs where the data lives, as an
Ibis expression; what follows works on one row per commune and is plain Python
with exact fractions, so every backend gives the same answer by construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ibis.expr.types as ir
import polars as pl

from phocap.engine import counts as counting
from phocap.engine.indicators import INDICATORS, indicator_counts
from phocap.engine.levels import commune_standards
from phocap.engine.result import Evaluation, IndicatorResult, UnitResult
from phocap.engine.rollup import rolled_up
from phocap.engine.units import official_units, with_unknown_communes
from phocap.rules import Ruleset, for_year, load


class EvaluationError(ValueError):
    """Input the engine cannot evaluate (e.g. several survey years and none chosen)."""


def survey_years(table: ir.Table) -> list[int]:
    years = table.select("survey_year").distinct().to_pyarrow().column(0).to_pylist()
    return sorted(int(y) for y in years if y is not None)


def resolve(
    table: ir.Table, year: int | None, ruleset: str | Ruleset | None
) -> tuple[int, Ruleset]:
    """The survey year (the only one in the data, unless given) and its ruleset."""
    if year is None:
        years = survey_years(table)
        if len(years) != 1:
            raise EvaluationError(
                "Dữ liệu có nhiều năm điều tra: "
                + ", ".join(map(str, years))
                + ". Hãy chọn một năm (--year)."
                if years else "Dữ liệu không có người nào."
            )
        year = years[0]
    if ruleset is None:
        chosen = for_year(year)
    elif isinstance(ruleset, str):
        chosen = load(ruleset)
    else:
        chosen = ruleset
    return year, chosen


def _indicators(row: Mapping[str, Any]) -> dict[str, IndicatorResult]:
    return {
        i.key: IndicatorResult(
            i.key, i.label_vi, row.get(i.numerator.column, 0), row.get(i.denominator.column, 0),
            i.source,
        )
        for i in INDICATORS
    }


def _summed(rows: Sequence[Mapping[str, Any]], columns: list[str]) -> dict[str, int]:
    return {c: sum(int(r.get(c, 0)) for r in rows) for c in columns}


def evaluate_counts(
    counts: pl.DataFrame,
    year: int,
    ruleset: Ruleset,
    units: pl.DataFrame | None = None,
    conditions: Mapping[str, Mapping[str, bool]] | None = None,
) -> Evaluation:
    """Levels and roll-up from per-commune counts of one survey year."""
    counts = counts.filter(pl.col("survey_year") == year)
    communes_in_survey = counts["commune_code"].to_list()
    if units is None:
        units = official_units(year, communes_in_survey)
    units = with_unknown_communes(units, communes_in_survey)
    columns = [c for c in counts.columns if c not in counting.GROUP]
    by_commune = {row["commune_code"]: row for row in counts.iter_rows(named=True)}
    conditions = conditions or {}

    results: dict[str, UnitResult] = {}
    for unit in units.filter(pl.col("type") == "commune").iter_rows(named=True):
        row = by_commune.get(unit["code"], {})
        results[unit["code"]] = UnitResult(
            code=unit["code"],
            name=unit["name"],
            type="commune",
            parent_code=unit["parent_code"],
            especially_difficult=bool(unit["especially_difficult"]),
            standards=commune_standards(
                ruleset, row, bool(unit["especially_difficult"]), conditions.get(unit["code"])
            ),
            indicators=_indicators(row),
        )

    def below(code: str, of_type: str) -> list[UnitResult]:
        return [r for r in results.values() if r.parent_code == code and r.type == of_type]

    def communes_under(code: str) -> list[UnitResult]:
        direct = below(code, "commune")
        for district in below(code, "district"):
            direct += communes_under(district.code)
        return direct

    parents = units.filter(pl.col("type") != "commune")
    order = {"district": 0, "province": 1}
    for unit in sorted(parents.iter_rows(named=True), key=lambda u: order[u["type"]]):
        code, unit_type = unit["code"], unit["type"]
        if unit_type == "district" or ruleset.rollup == "province":
            children = below(code, "commune") if unit_type == "district" else communes_under(code)
        else:
            children = below(code, "district")
        rows = [by_commune.get(c.code, {}) for c in communes_under(code)]
        results[code] = UnitResult(
            code=code,
            name=unit["name"],
            type=unit_type,
            parent_code=unit["parent_code"],
            especially_difficult=False,
            standards={s: rolled_up(ruleset, s, children, unit_type) for s in ruleset.standards},
            indicators=_indicators(_summed(rows, columns)),
        )
    ordered = sorted(
        results.values(), key=lambda r: ({"province": 0, "district": 1, "commune": 2}[r.type],
                                         r.code)
    )
    unverified = sorted({c.key for c in ruleset.criteria if c.mark == "unverified"}
                        | set(ruleset.unverified))
    return Evaluation(year=year, ruleset=ruleset.name, units=ordered, unverified=unverified)


def needed_counts(ruleset: Ruleset) -> list[counting.Count]:
    return sorted(set(counting.ruleset_counts(ruleset)) | set(indicator_counts()))


def evaluate(
    table: ir.Table,
    year: int | None = None,
    ruleset: str | Ruleset | None = None,
    units: pl.DataFrame | None = None,
    conditions: Mapping[str, Mapping[str, bool]] | None = None,
) -> Evaluation:
    """Evaluate a survey table (typed survey records) on its own backend."""
    year, chosen = resolve(table, year, ruleset)
    counts = counting.compute(table.filter(table.survey_year == year), needed_counts(chosen))
    return evaluate_counts(counts, year, chosen, units, conditions)
