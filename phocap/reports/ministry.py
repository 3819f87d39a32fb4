"""The ministry's figures as an officer brings them: typed cell by cell, or as a workbook in
the layout phocap writes its forms (phocap.reports.xlsx), filled with the ministry's counts.

A workbook is matched by each sheet's name (the form code) and each body row's label
(the first text column, as phocap writes it); counts are read by column position under
the header, the layout xlsx.py writes. Every problem names the file, sheet, row, column
and value, in Vietnamese, as the survey's problems do, and nothing is kept from a file
with a problem: half a form compared would mislead.
"""

from __future__ import annotations

import io
import re
from typing import Any

from phocap.reports.model import Form
from phocap.reports.reconcile import Theirs, column_label, counted_columns
from phocap.survey.limits import Limits, check_zip
from phocap.survey.official.layout import letter_of
from phocap.survey.problems import SurveyFileError

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


def not_a_count(place: str, raw: Any) -> str:
    """``place`` names the cell (file, sheet, row, column; or the row and column typed)."""
    return (f"{place}: “{raw}” không phải số người (cần một số nguyên không âm, hoặc để "
            "trống).")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_sheet(name: str, sheet: str, rows: list[tuple[Any, ...]], form: Form
               ) -> tuple[Theirs, list[str]]:
    """One sheet's counts by row code and column key, and its problems."""
    first = form.columns[0].header[0]
    top = next((i for i, row in enumerate(rows) if row and _text(row[0]) == first), None)
    where = f"Tệp “{name}”, trang tính “{sheet}”"
    if top is None:
        return {}, [f"{where}: không thấy dòng tiêu đề bắt đầu bằng “{first}” của biểu "
                    f"{form.code} như phocap ghi."]
    depth = max(len(c.header) for c in form.columns)
    at = next(i for i, c in enumerate(form.columns) if c.key == "label")
    by_label = {r.label: r for r in form.rows}
    counted = counted_columns(form)
    found: Theirs = {}
    problems: list[str] = []
    for number in range(top + depth, len(rows)):
        cells = rows[number]
        label = _text(cells[at]) if len(cells) > at else ""
        if not label:
            break  # the notes and signatures follow a blank line
        place = f"{where}, dòng {number + 1}"
        row = by_label.get(label)
        if row is None:
            problems.append(f"{place}, cột {letter_of(at)}: biểu {form.code} của phocap không có "
                            f"dòng “{label}”.")
            continue
        for column in counted:
            index = form.columns.index(column)
            raw = cells[index] if len(cells) > index else None
            try:
                value = count(raw)
            except ValueError:
                problems.append(not_a_count(
                    f"{place}, cột {letter_of(index)} (“{column_label(column)}”)", raw))
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


def read_workbook(content: bytes, name: str, forms: list[Form], bounds: Limits
                  ) -> tuple[dict[str, Theirs], list[str]]:
    """The ministry's figures of every form in the workbook (form code → cells) and the
    problems; with any problem the figures are to be discarded."""
    import openpyxl

    try:
        check_zip(io.BytesIO(content), name, bounds)
    except SurveyFileError as error:
        return {}, [error.problem.message]
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several types for a file that is not a workbook
        return {}, [f"Tệp “{name}” không đọc được như một tệp Excel (.xlsx)."]
    by_code = {f.code: f for f in forms}
    found: dict[str, Theirs] = {}
    problems: list[str] = []
    try:
        for sheet in book.worksheets:
            form = by_code.get(sheet.title)
            if form is None:
                problems.append(f"Tệp “{name}”: trang tính “{sheet.title}” không phải biểu nào "
                                f"của phocap (các biểu: {', '.join(by_code)}).")
                continue
            rows = _rows(sheet, len(form.columns), bounds)
            if rows is None:
                problems.append(f"Tệp “{name}”, trang tính “{sheet.title}”: quá nhiều dòng "
                                f"(tối đa {bounds.max_rows}).")
                continue
            cells, wrong = read_sheet(name, sheet.title, rows, form)
            problems += wrong
            if cells:
                found[form.code] = cells
    finally:
        book.close()
    if not found and not problems:
        problems.append(f"Tệp “{name}” không có số liệu của biểu nào.")
    return found, problems
