"""An evaluation as JSON, as an XLSX workbook, or as Rich tables in Vietnamese."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text

from phocap import numbers
from phocap.engine.outlook import GAIN, LOSE, Change
from phocap.engine.result import CriterionResult, Evaluation, UnitResult
from phocap.rules import STANDARD_NAMES_VI, ruleset_title
from phocap.rules.words import SHORT_VI, citation, counted, explained, label
from phocap.survey.cells import Workbook

PASSED_VI = {None: "không áp dụng", True: "đạt", False: "chưa đạt"}
TYPE_VI = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã"}
CHANGE_VI = {"keep": "giữ", "lose": "mất", "gain": "đạt thêm"}


def json_parts(evaluation: Evaluation) -> Iterator[str]:
    """The evaluation as JSON, a unit to a line.

    A nation's evaluation is some 10,000 units: indented JSON made it 180 MB,
    and indenting forces Python's slow encoder (40 s at that size), while a
    unit a line keeps the C encoder and stays readable with a pager or grep.
    """
    yield json.dumps(evaluation.head_json(), ensure_ascii=False)[:-1] + ', "units": [\n'
    for i, unit in enumerate(evaluation.units):
        yield ("" if i == 0 else ",\n") + json.dumps(unit.to_json(), ensure_ascii=False)
    yield "\n]}\n"


def write_json(evaluation: Evaluation, path: Path | None) -> str:
    """Write to ``path``, a part at a time (nothing returned); or return the text."""
    if path is None:
        return "".join(json_parts(evaluation))
    with path.open("w", encoding="utf-8") as out:
        out.writelines(json_parts(evaluation))
    return ""


def criterion_sentence(c: CriterionResult) -> str:
    """"THCS mức 3: người 15–18 tuổi đã tốt nghiệp THCS: 180/200 = 90,00% < 95,00% (thiếu
    10 người) [Điều 16 Nghị định 20/2014/NĐ-CP]"; a district's "Tỷ lệ xã đạt chuẩn PCGDTH
    mức độ 3: 14/15 = 93,33% < 100,00% (thiếu 1 xã)".

    A rate that rounds onto the other side of its threshold says so: "1.899/1.999 =
    95,00% < 95,00% (94,9975% trước khi làm tròn)" (docs/numbers.md).
    """
    what = label(c.key, c.ages)
    if not c.applicable:
        return f"{what}: không áp dụng (không có ai trong diện)"
    sign = "≥" if c.passed else "<"
    text = (
        f"{what}: {numbers.integer(c.numerator)}/{numbers.integer(c.denominator)}"
        f" = {numbers.percent(c.rate)} {sign} {numbers.percent(c.threshold)}"
    )
    if numbers.rounds_across(c.numerator, c.denominator, c.threshold):
        text += f" ({numbers.percent(c.rate, places=4)} trước khi làm tròn)"
    if not c.passed:
        text += f" (thiếu {numbers.integer(c.gap)} {counted(c.key)})"
    return text + f" [{citation(c.source)}]"


def _level_cell(level: int, maximum: int) -> Text:
    style = "green" if level == maximum else ("yellow" if level > 0 else "red")
    return Text(str(level) if level else "Chưa đạt", style=style)


def results_table(evaluation: Evaluation) -> Table:
    standards = list(evaluation.units[0].standards) if evaluation.units else []
    table = Table(title=f"Kết quả phổ cập giáo dục – xóa mù chữ năm {evaluation.year}"
                        f" ({ruleset_title(evaluation.ruleset)})")
    table.add_column("Mã")
    table.add_column("Đơn vị")
    table.add_column("ĐBKK", justify="center")
    for standard in standards:
        table.add_column(SHORT_VI.get(standard, standard), justify="center")
    for unit in evaluation.units:
        indent = {"province": "", "district": "  ", "commune": "    "}[unit.type]
        cells = [
            _level_cell(r.level, max((c.level for c in r.criteria), default=0))
            for r in unit.standards.values()
        ]
        table.add_row(unit.code, indent + unit.name, "x" if unit.especially_difficult else "",
                      *cells)
    return table


def _prerequisite_vi(key: str) -> str:
    standard, level = key.rsplit(".", 1)
    return f"{STANDARD_NAMES_VI.get(standard, standard).lower()} mức {level}"


def shortfalls(unit: UnitResult) -> list[str]:
    """For each standard below its top level: why the next level is not reached."""
    lines = []
    for standard, result in unit.standards.items():
        top = max((c.level for c in result.criteria), default=0)
        if result.level >= top:
            continue
        following = result.level + 1
        failing = [c for c in result.criteria if c.level == following and c.passed is False]
        reasons = [criterion_sentence(c) for c in failing]
        if result.unmet_prerequisites:
            needed = [_prerequisite_vi(p) for p in result.unmet_prerequisites]
            reasons.append("chưa đạt điều kiện tiên quyết: " + ", ".join(needed))
        if result.empty:
            reasons.append("không có người nào trong các độ tuổi phải phổ cập")
        if result.conditions == "not_met":
            reasons.append("chưa đủ điều kiện về cơ sở vật chất, đội ngũ"
                           " (Thông tư 07/2016/TT-BGDĐT)")
        name = STANDARD_NAMES_VI.get(standard, standard)
        lines.append(f"{name}, mức {following}: " + "; ".join(reasons))
    return lines


def explanation(evaluation: Evaluation) -> Group:
    parts: list[Text] = []
    for unit in evaluation.units:
        reasons = shortfalls(unit)
        if reasons:
            parts.append(Text(f"{unit.name} ({unit.code})", style="bold"))
            parts.extend(Text("  • " + r) for r in reasons)
    # Each [unverified] or [interpretation] entry the results used, once, with what its
    # mark means for them (rules/words.py).
    marked = {c.key: explained(c.key, c.mark) for unit in evaluation.units
              for result in unit.standards.values() for c in result.criteria
              if explained(c.key, c.mark)}
    parts.extend(Text(f"{label(key)}: {meaning}", style="dim")
                 for key, meaning in sorted(marked.items()))
    parts.append(Text("Điều kiện (Điều 3–6 Thông tư 07/2016/TT-BGDĐT) chưa được đánh giá nếu"
                      " chưa nhập.", style="dim"))
    return Group(*parts)


def outlook_table(changes: list[Change], year: int) -> Table:
    table = Table(title=f"Dự báo năm {year + 1} nếu học sinh lên lớp bình thường")
    for caption in ("Mã", "Đơn vị", "Chuẩn", "Năm nay", "Năm sau", "", "Thiếu"):
        table.add_column(caption)
    for change in changes:
        if change.change == "keep" and not change.shortfalls:
            continue
        style = {LOSE: "red", GAIN: "green"}.get(change.change, "")
        table.add_row(
            change.code, change.name, SHORT_VI.get(change.standard, change.standard),
            str(change.level_now), str(change.level_next),
            Text(CHANGE_VI[change.change], style=style),
            "; ".join(f"{label(key)}: thiếu {numbers.integer(gap)} {counted(key)}"
                      for key, gap in change.shortfalls),
        )
    return table


def write_xlsx(evaluation: Evaluation, path: Path) -> None:
    """One sheet of results, one of criteria, one of indicators."""
    workbook = Workbook(str(path))
    bold = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    percent = workbook.add_format({"num_format": "0.00%"})
    results = workbook.add_worksheet("Kết quả")
    standards = list(evaluation.units[0].standards) if evaluation.units else []
    results.write_row(0, 0, ["Mã", "Đơn vị", "Cấp", "Đơn vị trên", "ĐBKK",
                             *[SHORT_VI.get(s, s) for s in standards]], bold)
    for r, unit in enumerate(evaluation.units, start=1):
        results.write_row(r, 0, [unit.code, unit.name, TYPE_VI[unit.type], unit.parent_code or "",
                                 "x" if unit.especially_difficult else "",
                                 *[unit.standards[s].level for s in standards]])
    results.freeze_panes(1, 2)
    results.set_column(1, 1, 28)

    criteria = workbook.add_worksheet("Tiêu chí")
    criteria.write_row(0, 0, ["Mã", "Đơn vị", "Chuẩn", "Mức", "Tiêu chí", "Độ tuổi", "Tử số",
                              "Mẫu số", "Tỷ lệ", "Ngưỡng", "Đạt", "Thiếu", "Căn cứ",
                              "Ghi chú"], bold)
    row = 1
    for unit in evaluation.units:
        for standard, result in unit.standards.items():
            for c in result.criteria:
                ages = f"{c.ages[0]}–{c.ages[1]}" if c.ages else ""
                passed = PASSED_VI[c.passed]
                criteria.write_row(row, 0, [unit.code, unit.name, SHORT_VI.get(standard, standard),
                                            c.level, label(c.key, c.ages), ages, c.numerator,
                                            c.denominator])
                if c.rate is not None:
                    criteria.write_number(row, 8, numbers.cell_rate(c.rate), percent)
                criteria.write_number(row, 9, float(c.threshold), percent)
                criteria.write_row(row, 10, [passed, c.gap, citation(c.source),
                                             explained(c.key, c.mark)])
                row += 1
    criteria.freeze_panes(1, 2)
    criteria.autofilter(0, 0, max(row - 1, 1), 13)

    indicators = workbook.add_worksheet("Chỉ số")
    indicators.write_row(0, 0, ["Mã", "Đơn vị", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Nguồn"],
                         bold)
    row = 1
    for unit in evaluation.units:
        for indicator in unit.indicators.values():
            indicators.write_row(row, 0, [unit.code, unit.name, indicator.label_vi,
                                          indicator.numerator, indicator.denominator])
            if indicator.rate is not None:
                indicators.write_number(row, 5, numbers.cell_rate(indicator.rate), percent)
            indicators.write(row, 6, " ".join(filter(None, [
                citation(indicator.source), explained(indicator.key, indicator.mark)])))
            row += 1
    indicators.set_column(2, 2, 40)
    workbook.close()

