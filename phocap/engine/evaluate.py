"""Evaluation: person facts → counts per commune → levels → roll-up.

The heavy part (one pass over every person) runs where the data lives, as an
Ibis expression; what follows works on one row per commune and is plain Python
with exact fractions, so every backend gives the same answer by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis.expr.types as ir
import polars as pl

from phocap.engine import counts as counting
from phocap.engine.indicators import INDICATORS, indicator_counts
from phocap.engine.levels import commune_standards, plan
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


_INDICATOR_COLUMNS = [(i, i.numerator.column, i.denominator.column) for i in INDICATORS]


def _indicators(row: Mapping[str, Any]) -> dict[str, IndicatorResult]:
    return {
        i.key: IndicatorResult(i.key, i.label_vi, row.get(num, 0), row.get(den, 0), i.source,
                               i.mark)
        for i, num, den in _INDICATOR_COLUMNS
    }


def _sums_by_parent(
    counts: pl.DataFrame, members: dict[str, list[str]]
) -> dict[str, dict[str, Any]]:
    """Each larger unit's counts: the sums over the communes below it (indicators add up)."""
    pairs = pl.DataFrame(
        [(parent, commune) for parent, communes in members.items() for commune in communes],
        schema={"parent": pl.String, "commune_code": pl.String},
        orient="row",
    )
    columns = [c for c in counts.columns if c not in counting.GROUP]
    summed = (
        pairs.join(counts.drop("survey_year"), on="commune_code", how="inner")
        .group_by("parent")
        .agg(pl.col(columns).sum())
    )
    return {row["parent"]: row for row in summed.iter_rows(named=True)}


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
    by_commune = {row["commune_code"]: row for row in counts.iter_rows(named=True)}
    conditions = conditions or {}
    planned = plan(ruleset)

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
                planned, row, bool(unit["especially_difficult"]), conditions.get(unit["code"])
            ),
            indicators=_indicators(row),
            has_data=unit["code"] in by_commune,
        )

    # Every commune below each larger unit, following parent codes upwards.
    parent_of = dict(zip(units["code"].to_list(), units["parent_code"].to_list(), strict=True))
    members: dict[str, list[str]] = {}
    for commune in results:
        parent = parent_of.get(commune)
        while parent is not None:
            members.setdefault(parent, []).append(commune)
            parent = parent_of.get(parent)
    sums = _sums_by_parent(counts, members)

    parents = sorted(units.filter(pl.col("type") != "commune").iter_rows(named=True),
                     key=lambda u: {"district": 0, "province": 1}[u["type"]])
    for unit in parents:
        code, unit_type = unit["code"], unit["type"]
        communes = [results[c] for c in members.get(code, [])]
        if unit_type == "province" and ruleset.rollup == "district":
            judged = [results[d["code"]] for d in parents
                      if d["type"] == "district" and d["parent_code"] == code]
        else:
            judged = communes
        surveyed = [u for u in judged if u.has_data]
        results[code] = UnitResult(
            code=code,
            name=unit["name"],
            type=unit_type,
            parent_code=unit["parent_code"],
            especially_difficult=False,
            standards={s: rolled_up(ruleset, s, surveyed, unit_type) for s in ruleset.standards},
            indicators=_indicators(sums.get(code, {})),
            has_data=bool(surveyed),
            coverage=(len(surveyed), len(judged)),
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
