"""The ministry's figures as an officer brings them: typed cell by cell, or as a workbook in
the layout phocap writes its forms (phocap.reports.xlsx), filled with the ministry's counts.

A workbook is matched by each sheet's name (the form code) and each body row's label
(the first text column, as phocap writes it); counts are read by column position under
the header, the layout xlsx.py writes. Every problem is a survey/problems.py Problem
naming the file, sheet, row, column and value, in Vietnamese, raised together as
ProblemsFound as every upload's reader does, and nothing is kept from a file with a
problem: half a form compared would mislead.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from phocap import numbers
from phocap.reports.model import Form, Row
from phocap.reports.reconcile import Theirs, column_label, counted_columns
from phocap.survey.limits import Limits, check_zip
from phocap.survey.official.layout import letter_of
from phocap.survey.problems import ERROR, Problem, ProblemsFound

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def count(raw: Any) -> int | None:
    """A count as written: blank (None), 12, 12.0, "12" or "1.234" (Vietnamese grouping).

    Raises ValueError for anything else: text, a fraction, a negative number.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError(raw)
        value = int(raw)
    else:
        text = str(raw).strip()
        if _GROUPED.match(text):
            text = text.replace(".", "")
        if not text.isdigit():
            raise ValueError(raw)
        value = int(text)
    if value < 0:
        raise ValueError(raw)
    return value


NOT_A_COUNT = "Cần số người: một số nguyên không âm, hoặc để trống."


def not_a_count(file: str, raw: Any, *, sheet: str | None = None, row: int | None = None,
                column: str | None = None, header: str | None = None,
                row_label: str | None = None) -> Problem:
    """A figure that is no count, where it was written: a workbook's cell, or a cell typed
    on the page (no file; the form's row named by its label in the message)."""
    message = f"Dòng “{row_label}”: {NOT_A_COUNT[0].lower()}{NOT_A_COUNT[1:]}" if row_label \
        else NOT_A_COUNT
    return Problem(ERROR, "not_a_count", message, file, sheet, row, column, header,
                   "" if raw is None else str(raw))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_sheet(name: str, sheet: str, rows: list[tuple[Any, ...]], form: Form
               ) -> tuple[Theirs, list[Problem]]:
    """One sheet's counts by row code and column key, and its problems."""
    first = form.columns[0].header[0]
    top = next((i for i, row in enumerate(rows) if row and _text(row[0]) == first), None)
    if top is None:
        return {}, [Problem(ERROR, "no_header",
                            f"Không thấy dòng tiêu đề của biểu {form.code}: cần một dòng bắt đầu"
                            f" bằng “{first}” như phocap ghi.", name, sheet)]
    depth = max(len(c.header) for c in form.columns) + (1 if form.column_numbers else 0)
    at = next(i for i, c in enumerate(form.columns) if c.key == "label")
    # A label may repeat (MN-01-TC,ĐK's "- Độ tuổi 5 tuổi" under each commune): rows are
    # matched in the order phocap wrote them.
    by_label: dict[str, list[Row]] = {}
    for written in form.rows:
        by_label.setdefault(written.label, []).append(written)
    counted = counted_columns(form)
    found: Theirs = {}
    problems: list[Problem] = []
    for number in range(top + depth, len(rows)):
        cells = rows[number]
        label = _text(cells[at]) if len(cells) > at else ""
        if not label:
            break  # the notes and signatures follow a blank line
        waiting = by_label.get(label)
        row = waiting.pop(0) if waiting else None
        if row is None:
            problems.append(Problem(
                ERROR, "unknown_row",
                f"Cần tên một dòng của biểu {form.code} như phocap ghi; biểu không có dòng này.",
                name, sheet, number + 1, letter_of(at), column_label(form.columns[at]), label))
            continue
        if row.rate:
            continue  # a row of rates (MN-01-TE rows 13, 19, 24) follows from the counts
        for column in counted:
            if isinstance(row.values.get(column.key), str):
                continue  # a mark, not a count ("x": MN-01-TC,ĐK's columns 3–6 per age)
            index = form.columns.index(column)
            raw = cells[index] if len(cells) > index else None
            try:
                value = count(raw)
            except ValueError:
                letter = letter_of(index)
                problems.append(not_a_count(name, raw, sheet=sheet, row=number + 1,
                                            column=letter,
                                            header=f"{letter} (“{column_label(column)}”)"))
                continue
            if value is not None:
                found.setdefault(row.code, {})[column.key] = value
    return found, problems


def _rows(sheet: Any, width: int, bounds: Limits) -> list[tuple[Any, ...]] | None:
    """The sheet's rows, only as wide as the form (a stray cell far to the right costs
    nothing); None past the row bound, before reading further."""
    rows: list[tuple[Any, ...]] = []
    for row in sheet.iter_rows(min_row=1, max_col=width, values_only=True):
        if bounds.max_rows is not None and len(rows) >= bounds.max_rows:
            return None
        rows.append(tuple(row))
    return rows


def read_workbook(path: Path, forms: list[Form], bounds: Limits) -> dict[str, Theirs]:
    """The ministry's figures of every form in the workbook (form code → cells), named by
    ``path``'s name; ProblemsFound with every problem otherwise, since half a form compared
    would mislead."""
    import openpyxl

    name = path.name
    check_zip(path, name, bounds)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several types for a file that is not a workbook
        raise ProblemsFound([Problem(ERROR, "unreadable",
                                     "Không đọc được tệp: cần tệp Excel (.xlsx) của các biểu.",
                                     name)]) from None
    by_code = {f.code: f for f in forms}
    found: dict[str, Theirs] = {}
    problems: list[Problem] = []
    try:
        for sheet in book.worksheets:
            form = by_code.get(sheet.title)
            if form is None:
                problems.append(Problem(
                    ERROR, "unknown_sheet",
                    f"Cần trang tính mang mã một biểu của phocap ({', '.join(by_code)}); "
                    "trang này không phải biểu nào.", name, sheet.title))
                continue
            rows = _rows(sheet, len(form.columns), bounds)
            if rows is None:
                problems.append(Problem(
                    ERROR, "too_many_rows",
                    f"Quá nhiều dòng: tối đa {numbers.integer(bounds.max_rows or 0)} dòng một"
                    " trang.",
                    name, sheet.title))
                continue
            cells, wrong = read_sheet(name, sheet.title, rows, form)
            problems += wrong
            if cells:
                found[form.code] = cells
    finally:
        book.close()
    if not found and not problems:
        problems.append(Problem(ERROR, "no_figures",
                                "Tệp không có số liệu của biểu nào: cần ít nhất một biểu đã điền.",
                                name))
    if problems:
        raise ProblemsFound(problems)
    return found
