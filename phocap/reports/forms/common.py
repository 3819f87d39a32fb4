"""What every form shares: the unit and its place in the hierarchy, headings, signatures.

Forms are built from two things computed once per survey year: the engine's
Evaluation (levels, criteria, the units with their parents) and the Figures
(the same facts counted per commune and age). A form for a larger unit sums
the communes below it; a summary form lists the units one level below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from phocap.engine.result import Evaluation, UnitResult
from phocap.reports.figures import Figures, UnitFigures
from phocap.reports.model import Column, Form, Row, Signature, Value
from phocap.rules import words
from phocap.survey.schema import FIRST_TWO_LEVEL_YEAR

UNIT_WORD = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã"}
HEAD_OF_UNIT = {
    # ND20 Art 31 and TT07: the commune's people's committee, the district's
    # education office and the province's department sign and seal the reports.
    "commune": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    "district": "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
    "province": "GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO",
}


def rate(numerator: int, denominator: int) -> Fraction | None:
    """An exact rate; None (shown as a dash) when the cohort is empty (docs/rules.md §1)."""
    return Fraction(numerator, denominator) if denominator else None


def count(value: Value) -> int:
    """A count cell as an int (an empty cell counts nothing)."""
    return value if isinstance(value, int) else 0


@dataclass
class Context:
    """One survey year's evaluation and figures, and the unit a form is built for."""

    evaluation: Evaluation
    figures: Figures
    unit: UnitResult
    _cache: dict[str, UnitFigures] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.evaluation.year

    @property
    def two_level(self) -> bool:
        """From 1 July 2025 there are no districts (Decrees 142/2025 and 143/2025)."""
        return self.year >= FIRST_TWO_LEVEL_YEAR

    def communes_below(self, code: str) -> list[str]:
        return self.evaluation.communes_below(code)

    def children(self) -> list[UnitResult]:
        """The rows of a summary form: the units one level below (the commune itself for a
        commune); a province before 2025 lists its districts, from 2025 its communes."""
        if self.unit.type == "commune":
            return [self.unit]
        below = [u for u in self.evaluation.units if u.parent_code == self.unit.code]
        return sorted(below, key=lambda u: u.code)

    def figures_of(self, code: str) -> UnitFigures:
        if code not in self._cache:
            self._cache[code] = self.figures.of(self.communes_below(code))
        return self._cache[code]

    @property
    def own(self) -> UnitFigures:
        return self.figures_of(self.unit.code)

    def headings(self) -> tuple[str, ...]:
        """Province, district (before 2025) and commune names, then the survey year."""
        chain: list[UnitResult] = []
        unit: UnitResult | None = self.unit
        while unit is not None:
            chain.append(unit)
            parent = unit.parent_code
            unit = self.evaluation.unit(parent) if parent else None
        lines = [f"{UNIT_WORD[u.type]}: {u.name}" for u in reversed(chain)]
        lines.append(f"Năm điều tra: {self.year} (số liệu tại thời điểm 30/9/{self.year})")
        return tuple(lines)

    def signatures(self) -> tuple[Signature, ...]:
        return (
            Signature("NGƯỜI LẬP BIỂU"),
            Signature(HEAD_OF_UNIT[self.unit.type], "(Ký tên, đóng dấu)", seal=True),
        )

    def place_date(self) -> str:
        return f"{self.unit.name}, ngày … tháng … năm {self.year}"


def age_columns(
    year: int, ages: range, bands: tuple[tuple[int, int], ...], label: str = "Độ tuổi"
) -> tuple[Column, ...]:
    """One column per age (headed by its birth year, as on the forms), then band totals."""
    columns = [Column("label", (label,))]
    columns += [
        Column(f"a{age}", ("Độ tuổi – năm sinh", f"{age} tuổi", f"Sinh năm {year - age}"))
        for age in ages
    ]
    columns += [
        Column(f"a{lo}_{hi}", ("Cộng", f"{lo}–{hi} tuổi", f"{year - hi}–{year - lo}"))
        for lo, hi in bands
    ]
    return tuple(columns)


def population_rows(children: bool) -> tuple[tuple[str, str], ...]:
    """The rows every age form opens with: the cohort, its exclusions and what remains to
    be universalised (PPC = total − moved away − deceased − cannot study, docs/rules.md §1).
    The children's forms (MN-01, TH-M1) say "trẻ"; the others do not."""
    child = "trẻ " if children else ""
    return (
        ("total", f"Tổng số {child}trong độ tuổi"),
        ("total__female", "Trong đó: nữ"),
        ("total__minority", "Trong đó: dân tộc thiểu số"),
        ("disabled", "Trẻ khuyết tật" if children else "Khuyết tật"),
        ("disabled_can_study", "Khuyết tật có khả năng học tập"),
        ("disabled_can_study_enrolled", "Khuyết tật được tiếp cận giáo dục"),
        ("moved_in", "Chuyển đến"),
        ("moved_away", "Chuyển đi"),
        ("deceased", "Chết"),
        ("cannot_study", "Khuyết tật không có khả năng học tập"),
        ("in_scope", f"Số {child}phải phổ cập"),
    )


def age_rows(
    figures: UnitFigures,
    ages: range,
    bands: tuple[tuple[int, int], ...],
    rows: tuple[tuple[str, str], ...],
) -> tuple[Row, ...]:
    """One row per figure (metric, label), one cell per age and per band."""
    built = []
    for metric, label in rows:
        values: dict[str, Value] = {"label": label}
        values.update({f"a{age}": figures.get(metric, age) for age in ages})
        values.update({f"a{lo}_{hi}": figures.get(metric, lo, hi) for lo, hi in bands})
        built.append(Row(label, values, code=metric))
    return tuple(built)


def level_text(unit: UnitResult, standard: str) -> str:
    """The level a unit reached, in words ("Mức độ 2", "Đạt chuẩn", "Chưa đạt"), or "Chưa có
    dữ liệu" for a unit nobody surveyed that year: never a failure (docs/rules.md §1; the
    pages' wording is kit/empty.py's, the forms are in Vietnamese only)."""
    result = unit.standards.get(standard)
    if result is None:
        return ""
    if not unit.has_data:
        return "Chưa có dữ liệu"
    if result.level == 0:
        return "Chưa đạt"
    if len({c.level for c in result.criteria}) == 1:
        return "Đạt chuẩn"
    return f"Mức độ {result.level}"


Cells = Callable[[UnitFigures], dict[str, Value]]


def summary_rows(
    context: Context, cells: Cells, standard: str, sums: tuple[str, ...],
    rates: dict[str, tuple[str, str]],
) -> tuple[Row, ...]:
    """A row per unit below, then the total: counts summed, rates recomputed from the sums,
    and the level of the unit the form is for."""
    rows: list[Row] = []
    for index, child in enumerate(context.children(), start=1):
        values = {"stt": index, "label": child.name, **cells(context.figures_of(child.code)),
                  "level": level_text(child, standard)}
        rows.append(Row(child.name, values, code=child.code))
    total: dict[str, Value] = {"stt": "", "label": "Cộng"}
    for key in sums:
        total[key] = sum(count(r.values[key]) for r in rows)
    for key, (numerator, denominator) in rates.items():
        total[key] = rate(count(total[numerator]), count(total[denominator]))
    total["level"] = level_text(context.unit, standard)
    rows.append(Row("Cộng", total, total=True, code="total"))
    return tuple(rows)


def marked_notes(context: Context, standard: str) -> tuple[str, ...]:
    """Under the "Mức đạt chuẩn" column: the units whose level rests on an [unverified] or
    [interpretation] criterion, grouped by what it rests on, and what each such criterion's
    mark means (rules/words.py), once."""
    units = {u.code: u for u in (*context.children(), context.unit)}
    grouped: dict[str, list[str]] = {}
    meant: dict[str, str] = {}
    for unit in units.values():
        result = unit.standards.get(standard)
        if result is None or not unit.has_data:
            continue
        found = words.deciding(result.level, result.criteria)
        if found:
            grouped.setdefault(words.verdict_note(found), []).append(unit.name)
            meant |= {words.label(c.key): words.explained(c.key, c.mark) for c in found}
    return (*(f"{', '.join(names)}: {note}" for note, names in grouped.items()),
            *(f"{what}: {meaning}" for what, meaning in meant.items()))


Rates = dict[str, tuple[str, str]]  # rate column → (numerator column, denominator column)


def with_rates(cells: dict[str, Value], rates: Rates) -> dict[str, Value]:
    """Add each rate, computed exactly from the counts beside it."""
    for key, (numerator, denominator) in rates.items():
        cells[key] = rate(count(cells[numerator]), count(cells[denominator]))
    return cells


def summary_columns(
    headers: tuple[tuple[str, tuple[str, ...]], ...], rates: Rates
) -> tuple[Column, ...]:
    """STT and unit, the given columns (rates marked), then the level reached."""
    return (
        Column("stt", ("STT",)),
        Column("label", ("Đơn vị",)),
        *(Column(key, header, rate=key in rates) for key, header in headers),
        Column("level", ("Mức đạt chuẩn",)),
    )


def summary_form(
    context: Context,
    code: str,
    title: str,
    headers: tuple[tuple[str, tuple[str, ...]], ...],
    rates: Rates,
    cells: Cells,
    standard: str,
    notes: tuple[str, ...] = (),
) -> Form:
    """A form with a row per unit below and a total row."""
    sums = tuple(key for key, _ in headers if key not in rates)
    return Form(
        code=code,
        title=title,
        year=context.year,
        unit_code=context.unit.code,
        headings=context.headings(),
        columns=summary_columns(headers, rates),
        rows=summary_rows(context, lambda f: with_rates(cells(f), rates), standard, sums, rates),
        notes=(*notes, *marked_notes(context, standard)),
        signatures=context.signatures(),
        place_date=context.place_date(),
    )


def age_form(
    context: Context,
    code: str,
    title: str,
    ages: range,
    bands: tuple[tuple[int, int], ...],
    rows: tuple[tuple[str, str], ...],
    notes: tuple[str, ...] = (),
) -> Form:
    """A form with a row per figure and a column per age (and per band)."""
    return Form(
        code=code,
        title=title,
        year=context.year,
        unit_code=context.unit.code,
        headings=context.headings(),
        columns=age_columns(context.year, ages, bands, "Nội dung"),
        rows=age_rows(context.own, ages, bands, rows),
        notes=notes,
        signatures=context.signatures(),
        place_date=context.place_date(),
    )
