"""A report form (``model.Form``) as a reportlab table, laid out as on the paper form.

The multi-level header is merged as printed ("Số trẻ 6 tuổi" over "Tổng số",
"Nữ", "Dân tộc"; ``model.header_cells``, the layout the XLSX shares), repeated
at the top of every page the table runs onto, and a totals row is bold. Numbers
are written the Vietnamese way ("1.234", "95,24%").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from phocap.reports.model import Column, Form, Value, header_cells, shown
from phocap.reports.typeface import BOLD, REGULAR

Cell = Callable[[str, str], Paragraph]  # (text, style name) → a cell
PADDING = 4  # points of padding left and right in a cell
SLACK = 1  # a point more than measured: a word exactly as wide as its cell would break
MAX_TEXT = 50 * mm  # a long unit or person's name wraps instead of crowding the figures


def cell_text(value: Value, column: Column) -> str:
    return shown(value)


def natural_widths(form: Form, size: float) -> list[float]:
    """Each column's width for its widest header word and its widest value (points).

    Measured on the NFC text the cells will show (a name typed with separate tone
    marks measures otherwise, and would wrap); a text column (names, units) is
    capped and wraps instead of crowding the figures.
    """
    widths = []
    for column in form.columns:
        words = [w for part in column.header for w in part.split()]
        head = max((stringWidth(w, BOLD, size) for w in words), default=0)
        values = [row.values.get(column.key) for row in form.rows]
        widest = max((stringWidth(unicodedata.normalize("NFC", cell_text(v, column)), BOLD,
                                  size) for v in values), default=0)
        texts = any(isinstance(v, str) and v for v in values)
        width = min(widest, MAX_TEXT) if texts else widest
        widths.append(max(head, width, 6 * mm) + 2 * PADDING + SLACK)
    return widths


def form_table(form: Form, width: float, size: float, cell: Cell) -> Table:
    """The form's columns (the row labels are a column, as in the XLSX) as a table no wider
    than ``width``; its header repeats on every page."""
    cells = header_cells(form.columns)
    depth = max(c.last_row for c in cells) + 1 if cells else 1
    header: list[list[Paragraph | str]] = [["" for _ in form.columns] for _ in range(depth)]
    for head in cells:
        header[head.first_row][head.first_column] = cell(head.text, "head")
    if form.column_numbers:  # the template's row of column numbers ("7=8+9"), repeated too
        header.append([cell(number, "head") for number in form.column_numbers])
        depth += 1
    body: list[list[Paragraph | str]] = []
    for row in form.rows:
        weight = "bold" if row.total else ""
        body.append([
            cell(cell_text(row.values.get(c.key), c),
                 ("cell" if isinstance(row.values.get(c.key), str) else "num") + weight)
            for c in form.columns])
    widths = natural_widths(form, size)
    scale = min(1.0, width / sum(widths))
    table = Table(header + body, colWidths=[w * scale for w in widths], repeatRows=depth)
    style: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # empty cells too: no standard font
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, depth - 1), "MIDDLE"),
        ("VALIGN", (0, depth), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING * scale),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING * scale),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("SPAN", (c.first_column, c.first_row), (c.last_column, c.last_row))
              for c in cells if (c.first_column, c.first_row) != (c.last_column, c.last_row)]
    table.setStyle(TableStyle(style))
    return table
