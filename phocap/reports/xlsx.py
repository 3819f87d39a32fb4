"""Report forms as an XLSX workbook laid out like the paper forms (XlsxWriter).

One sheet per form, named by its code: the unit headings, the title, a
multi-level header whose shared prefixes are merged (as on the forms), the
rows with totals in bold and rates as percentages, then the notes, the place
and date line and the signature blocks. Printed A4 landscape, fitted to the
page width, the header repeated on every page.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

from phocap import numbers
from phocap.reports.model import Form, Value, header_cells
from phocap.survey.cells import Workbook

FONT = "Times New Roman"
SHEET_NAME_MAX = 31  # Excel's limit


def _header_depth(form: Form) -> int:
    return max(len(c.header) for c in form.columns)


def _value(value: Value) -> Any:
    if isinstance(value, Fraction):
        return numbers.cell_rate(value)
    return "" if value is None else value


def sheet_name(code: str, taken: set[str]) -> str:
    """The form code, made unique within the workbook (name lists repeat per commune)."""
    base = code[:SHEET_NAME_MAX]
    name, number = base, 2
    while name in taken:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    taken.add(name)
    return name


def _write_form(sheet: Any, form: Form, styles: dict[str, Any]) -> None:
    width = len(form.columns)
    row = 0
    if form.mark:  # the official template's code, top right as on the paper form
        sheet.write(0, width - 1, form.mark, styles["mark"])
    for line in form.headings:
        sheet.write(row, 0, line, styles["heading"])
        row += 1
    row += 1
    sheet.merge_range(row, 0, row, width - 1, form.title, styles["title"])
    sheet.set_row(row, 24)
    row += 1
    if not form.mark:
        sheet.merge_range(row, 0, row, width - 1, f"Mẫu {form.code} – năm {form.year}",
                          styles["subtitle"])
    row += 2

    depth = _header_depth(form)
    top = row
    for cell in header_cells(form.columns):
        if (cell.first_row, cell.first_column) == (cell.last_row, cell.last_column):
            sheet.write(top + cell.first_row, cell.first_column, cell.text, styles["header"])
        else:
            sheet.merge_range(top + cell.first_row, cell.first_column, top + cell.last_row,
                              cell.last_column, cell.text, styles["header"])
    row = top + depth
    for col, number in enumerate(form.column_numbers):
        sheet.write(row, col, number, styles["header"])
    row += 1 if form.column_numbers else 0
    sheet.freeze_panes(row, 2 if width > 2 else 0)
    sheet.repeat_rows(top, row - 1)

    for body in form.rows:
        bold = "total_" if body.total else ""
        for col, column in enumerate(form.columns):
            value = body.values.get(column.key)
            if column.rate or (body.rate and isinstance(value, Fraction | type(None))):
                style = styles[f"{bold}rate"]
            elif isinstance(value, numbers.Year):
                style = styles[f"{bold}year"]
            elif isinstance(value, int):
                style = styles[f"{bold}number"]
            else:
                style = styles[f"{bold}text"]
            sheet.write(row, col, _value(value), style)
        row += 1

    row += 1
    for note in form.notes:
        sheet.write(row, 0, note, styles["note"])
        row += 1
    row = _write_appendix(sheet, form, row + 1, styles) if form.appendix else row
    _write_signatures(sheet, form, row + 1, width, styles)

    sheet.set_column(0, 0, 8 if form.columns[0].key == "stt" else 30)
    if width > 1:
        sheet.set_column(1, 1, 28 if form.columns[0].key == "stt" else 11)
    if width > 2:
        sheet.set_column(2, width - 1, 11)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _write_appendix(sheet: Any, form: Form, row: int, styles: dict[str, Any]) -> int:
    """The criteria block under the notes (MN-01-TE): its header, then its rows; the first
    column spans the table's label and number columns as on the template. Returns the row
    after it."""
    spans = [(0, 1)] + [(2 + i, 2 + i) for i in range(len(form.appendix_columns) - 1)]
    for (left, right), column in zip(spans, form.appendix_columns, strict=True):
        _merged(sheet, row, left, right, " – ".join(column.header), styles["header"])
    row += 1
    for body in form.appendix:
        for (left, right), column in zip(spans, form.appendix_columns, strict=True):
            value = body.values.get(column.key)
            style = styles["rate" if column.rate else
                           "number" if isinstance(value, int) else "text"]
            if left == right:
                sheet.write(row, left, _value(value), style)
            else:
                sheet.merge_range(row, left, row, right, _value(value), style)
        row += 1
    return row


def _write_signatures(sheet: Any, form: Form, row: int, width: int,
                      styles: dict[str, Any]) -> None:
    """The place and date line over the last block, then each block side by side."""
    if not form.signatures:
        return
    blocks = len(form.signatures)
    span = max(1, width // blocks)
    last_first = (blocks - 1) * span
    if form.place_date:
        _merged(sheet, row, last_first, width - 1, form.place_date, styles["place_date"])
        row += 1
    depth = max(len(s.title.split("\n")) for s in form.signatures)
    for index, signature in enumerate(form.signatures):
        first = index * span
        last = width - 1 if index == blocks - 1 else first + span - 1
        for offset, line in enumerate(signature.title.split("\n")):
            _merged(sheet, row + offset, first, last, line, styles["signature"])
        # The hints line up under the deepest title, as on a printed form.
        _merged(sheet, row + depth, first, last, signature.hint, styles["hint"])


def _merged(sheet: Any, row: int, first: int, last: int, text: str, style: Any) -> None:
    if first == last:
        sheet.write(row, first, text, style)
    else:
        sheet.merge_range(row, first, row, last, text, style)


def _styles(book: Workbook) -> dict[str, Any]:
    base = {"font_name": FONT, "font_size": 11}
    cell = {**base, "border": 1, "valign": "vcenter"}
    styles = {
        "heading": book.add_format({**base, "bold": True}),
        "mark": book.add_format({**base, "bold": True, "align": "right"}),
        "title": book.add_format({**base, "bold": True, "font_size": 14, "align": "center"}),
        "subtitle": book.add_format({**base, "italic": True, "align": "center"}),
        "header": book.add_format({**cell, "bold": True, "align": "center",
                                   "text_wrap": True, "bg_color": "#EEEEEE"}),
        "note": book.add_format({**base, "italic": True, "font_size": 10}),
        "place_date": book.add_format({**base, "italic": True, "align": "center"}),
        "signature": book.add_format({**base, "bold": True, "align": "center"}),
        "hint": book.add_format({**base, "italic": True, "align": "center"}),
    }
    for prefix, bold in (("", False), ("total_", True)):
        styles[f"{prefix}text"] = book.add_format({**cell, "bold": bold, "text_wrap": True})
        styles[f"{prefix}number"] = book.add_format({**cell, "bold": bold,
                                                     "num_format": "#,##0"})
        styles[f"{prefix}rate"] = book.add_format({**cell, "bold": bold,
                                                   "num_format": "0.00%"})
        styles[f"{prefix}year"] = book.add_format({**cell, "bold": bold, "num_format": "0"})
    return styles


def write_forms(forms: Iterable[Form], path: Path) -> Path:
    """Write forms to one workbook, one sheet per form; returns the path."""
    book = Workbook(str(path))
    taken: set[str] = set()
    try:
        styles = _styles(book)
        for form in forms:
            _write_form(book.add_worksheet(sheet_name(form.code, taken)), form, styles)
    finally:
        book.close()
    return path
