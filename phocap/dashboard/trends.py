"""A unit's results over its survey years: levels, criteria rates and mobilisation.

Everything here reads the engine's result for the unit, one per survey year (as
``results.cached_results`` gives it), and returns charts (phocap.reports.charts)
with the same numbers as table rows, so a page shows both and a printout or a
screen reader loses nothing.

A commune's criteria of different levels often measure the same rate against
different thresholds (grade 1 at age 6: 90%, 95%, 98% for levels 1–3); they are
one line with one dashed threshold per level. A district's or province's
criteria are shares of the units below at each level; they are one line per
level against the roll-up share.

A new commune's or province's years before 2025 are its predecessors' counts
added up (register/series.py); the charts draw the line of 1 July 2025 between
the years on either side (``DIVIDE``), and the figures of an approximate year
and its label on the charts' axis are marked approximate (numbers.approximate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypedDict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phocap import numbers
from phocap.dashboard.models import MOBILISATION
from phocap.engine.result import CriterionResult, IndicatorResult, UnitResult
from phocap.register.series import FIRST_YEAR_AFTER, MISSING, PART, Figures
from phocap.reports.charts import (
    Divide,
    Reference,
    Series,
    level_chart,
    line_chart,
    percent_label,
)
from phocap.rules import FACTS, STANDARD_NAMES_VI
from phocap.rules.words import SHORT_VI

YearResults = dict[int, UnitResult | None]
"""Survey year → the unit's result (None: nothing computed)."""

Approximate = frozenset[int]
"""The survey years whose figures are approximate (register/series.py)."""

REORGANISED = gettext_lazy("01/7/2025: sắp xếp đơn vị hành chính")


def divide() -> Divide:
    """The line of 1 July 2025, between survey years 2024 and 2025 (Decrees 142/2025 and
    143/2025: the communes of 2025 on, no districts)."""
    return Divide(2024.5, str(REORGANISED))


def notes(found: Figures) -> list[str]:
    """Why a year's figures are approximate, one phrase per predecessor, each marked
    approximate (the page says which year)."""
    said = []
    for note in found.notes:
        if note.kind == PART:
            said.append(numbers.approximate(
                _("gồm cả phần của %(name)s đã chuyển sang xã, phường khác")
                % {"name": note.unit.name}))
        elif note.kind == MISSING:
            said.append(numbers.approximate(
                _("không gồm %(name)s (chưa có số liệu)") % {"name": note.unit.name}))
    return said


def mark_divide(charts: list[Chart], years: list[int]) -> None:
    """Mark the table cells of the first year from 2025 when a year before it is shown, so
    the tables draw the line of 1 July 2025 where the charts do."""
    after = [i for i, year in enumerate(years) if year >= FIRST_YEAR_AFTER]
    if not after or after[0] == 0:
        return
    for chart in charts:
        for row in chart.rows:
            row.cells[after[0]].divide = True


def _shown(text: str, year: int, approximate: Approximate) -> str:
    return numbers.approximate(text) if year in approximate else text


@dataclass
class Cell:
    text: str
    detail: str = ""  # numerator/denominator
    passed: bool | None = None
    divide: bool = False  # the first year after 1 July 2025, beside one before it


@dataclass
class Row:
    key: str
    label: str
    threshold: str
    cells: list[Cell]


@dataclass
class Chart:
    key: str
    title: str
    svg: str
    rows: list[Row] = field(default_factory=list)


def _rate(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator * 100, denominator) if denominator else None


def _ages(ages: tuple[int, int] | None) -> str:
    if not ages:
        return ""
    lo, hi = ages
    return _("%(age)s tuổi") % {"age": lo} if lo == hi else _("%(lo)s–%(hi)s tuổi") % {
        "lo": lo, "hi": hi}


def _share_title(key: str) -> str:
    """"primary.2.share_of_communes" → the share of communes at a level (rollup.py keys)."""
    kind = key.split(".share_of_")[-1]
    return {
        "communes": _("Tỷ lệ xã đạt chuẩn"),
        "districts": _("Tỷ lệ huyện đạt chuẩn"),
        "normal_communes": _("Tỷ lệ xã (không ĐBKK) đạt chuẩn"),
        "especially_difficult_communes": _("Tỷ lệ xã ĐBKK đạt chuẩn"),
    }.get(kind, key)


def _group_of(standard: str, criterion: CriterionResult) -> tuple[str, str, bool]:
    """(group key, title, whether each level is its own line) of a criterion."""
    if criterion.fact:
        ages = criterion.ages
        key = f"{standard}:{criterion.fact}:{None if ages is None else list(ages)}"
        title = f"{FACTS.get(criterion.fact, criterion.fact)} ({_ages(ages)})"
        return key, title, False
    share = criterion.key.split(".share_of_")[-1]
    return f"{standard}:share:{share}", _share_title(criterion.key), True


def _level_label(levels: list[int]) -> str:
    return _("Mức %(levels)s") % {"levels": ", ".join(str(n) for n in sorted(levels))}


def _references(thresholds: dict[int, Fraction]) -> list[Reference]:
    """One dashed line per threshold value, naming every level that uses it."""
    by_value: dict[float, list[int]] = {}
    for level, value in thresholds.items():
        by_value.setdefault(round(float(value) * 100, 4), []).append(level)
    return [Reference(_level_label(levels), value) for value, levels in sorted(by_value.items())]


class _CriterionYears(TypedDict):
    level: int
    years: dict[int, CriterionResult]


class _Group(TypedDict):
    title: str
    per_level: bool
    criteria: dict[str, _CriterionYears]
    thresholds: dict[int, Fraction]


def criteria_charts(years: list[int], per_year: YearResults,
                    approximate: Approximate = frozenset()) -> list[Chart]:
    """Per standard and measured rate, a chart over the years and its rows (one per criterion)."""
    groups: dict[str, _Group] = {}
    for year in years:
        unit = per_year.get(year)
        for standard, result in (unit.standards if unit else {}).items():
            for c in result.criteria:
                key, title, per_level = _group_of(standard, c)
                group = groups.setdefault(key, {
                    "title": f"{SHORT_VI.get(standard, standard)}: {title}",
                    "per_level": per_level, "criteria": {}, "thresholds": {}})
                group["criteria"].setdefault(c.key, {"level": c.level, "years": {}})
                group["criteria"][c.key]["years"][year] = c
                group["thresholds"][c.level] = c.threshold  # the latest year's wins
    charts = []
    for index, (key, group) in enumerate(groups.items()):
        criteria = group["criteria"]
        rows = [_criterion_row(k, v, years, approximate) for k, v in criteria.items()]
        if group["per_level"]:
            series = [Series(_level_label([v["level"]]), _points(v["years"], years))
                      for v in criteria.values()]
        else:
            # The levels measure the same rate: one line, labelled with the latest value.
            first = next(iter(criteria.values()))
            points = _points(first["years"], years)
            latest = next((v for _, v in reversed(points) if v is not None), None)
            series = [Series(percent_label(latest) if latest is not None else "—", points)]
        svg = line_chart(f"criteria-{index}", group["title"], series,
                         _references(group["thresholds"]), empty_text=_("Chưa có số liệu"),
                         divide=divide(), approximate=approximate)
        charts.append(Chart(key, group["title"], svg, rows))
    return charts


def _points(by_year: dict[int, CriterionResult] | dict[int, IndicatorResult],
            years: list[int]) -> tuple[tuple[int, Fraction | None], ...]:
    return tuple((y, _rate(by_year[y].numerator, by_year[y].denominator))
                 for y in years if y in by_year)


def _criterion_row(key: str, criterion: _CriterionYears, years: list[int],
                   approximate: Approximate) -> Row:
    by_year = criterion["years"]
    thresholds = sorted({c.threshold for c in by_year.values()})
    cells = []
    for year in years:
        c = by_year.get(year)
        if c is None:
            cells.append(Cell("—"))
            continue
        cells.append(Cell(_shown(numbers.rate(c.numerator, c.denominator), year, approximate),
                          f"{numbers.integer(c.numerator)}/"
                          f"{numbers.integer(c.denominator)}", c.passed))
    return Row(key, _level_label([criterion["level"]]),
               " / ".join(numbers.threshold(t) for t in thresholds), cells)


def levels_chart(years: list[int], per_year: YearResults,
                 approximate: Approximate = frozenset()) -> Chart:
    """Each standard's level per year, as steps, and the same as rows."""
    standards: dict[str, dict[int, int]] = {}
    for year in years:
        unit = per_year.get(year)
        for standard, result in (unit.standards if unit else {}).items():
            standards.setdefault(standard, {})[year] = result.level
    names = (_("Chưa đạt"), _("Mức 1"), _("Mức 2"), _("Mức 3"))
    series = [Series(SHORT_VI.get(s, s), tuple((y, float(by_year[y])) for y in years
                                               if y in by_year))
              for s, by_year in standards.items()]
    title = _("Mức đạt chuẩn theo năm điều tra")
    rows = [Row(s, STANDARD_NAMES_VI.get(s, s), "", [
        Cell(_shown(names[by_year[y]], y, approximate) if y in by_year else "—") for y in years])
        for s, by_year in standards.items()]
    svg = level_chart("levels", title, series, level_names=names,
                      empty_text=_("Chưa có số liệu"), divide=divide(), approximate=approximate)
    return Chart("levels", title, svg, rows)


MOBILISATION_SHORT = {
    "mobilisation.nursery_0_2": gettext_lazy("Nhà trẻ (0–2)"),
    "mobilisation.kindergarten_3_5": gettext_lazy("Mẫu giáo (3–5)"),
    "mobilisation.kindergarten_5": gettext_lazy("5 tuổi"),
    "mobilisation.primary_6_10": gettext_lazy("Tiểu học (6–10)"),
    "mobilisation.grade_6_at_11": gettext_lazy("Lớp 6 (11 tuổi)"),
    "mobilisation.lower_secondary_11_14": gettext_lazy("THCS (11–14)"),
}


def mobilisation_chart(years: list[int], per_year: YearResults,
                       approximate: Approximate = frozenset()) -> Chart:
    """The mobilisation rates (docs/rules.md §7) over the years, one line each."""
    series, rows = [], []
    for indicator in MOBILISATION:
        found = {y: unit.indicators[indicator.key] for y in years
                 if (unit := per_year.get(y)) and indicator.key in unit.indicators}
        series.append(Series(str(MOBILISATION_SHORT[indicator.key]), tuple(
            (y, _rate(i.numerator, i.denominator)) for y, i in found.items())))
        rows.append(Row(indicator.key, indicator.label_vi, "", [
            Cell(_shown(numbers.rate(found[y].numerator, found[y].denominator), y, approximate),
                 f"{numbers.integer(found[y].numerator)}/"
                 f"{numbers.integer(found[y].denominator)}")
            if y in found else Cell("—") for y in years]))
    title = _("Tỷ lệ huy động theo năm điều tra")
    svg = line_chart("mobilisation", title, [s for s in series if s.points],
                     empty_text=_("Chưa có số liệu"), divide=divide(), approximate=approximate)
    return Chart("mobilisation", title, svg, rows)
