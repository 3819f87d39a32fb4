"""A report form (``model.Form``) as a reportlab table, laid out as on the paper form.

The multi-level header is merged as printed ("Số trẻ 6 tuổi" over "Tổng số",
"Nữ", "Dân tộc"), repeated at the top of every page the table runs onto, and a
totals row is bold. Numbers are written the Vietnamese way ("1.234",
"95,24%").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from fractions import Fraction

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from phocap.engine.result import display_rate
from phocap.reports.dossier import vi_number
from phocap.reports.model import Column, Form, Value
from phocap.reports.typeface import BOLD, REGULAR

Cell = Callable[[str, str], Paragraph]  # (text, style name) → a cell
PADDING = 4  # points of padding left and right in a cell
SLACK = 1  # a point more than measured: a word exactly as wide as its cell would break
MAX_TEXT = 50 * mm  # a long unit or person's name wraps instead of crowding the figures


def cell_text(value: Value, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, Fraction):
        return display_rate(value)
    if isinstance(value, int):
        return vi_number(value)
    return value


def header_grid(columns: tuple[Column, ...]) -> tuple[list[list[str]], list[tuple[int, ...]]]:
    """The header rows (top first) and the spans merging them.

    Adjacent columns sharing a header prefix merge across under it; a column
    whose header path is shorter than the deepest merges down to the last
    header row. Spans are (first column, first row, last column, last row).
    """
    depth = max((len(c.header) for c in columns), default=1)
    rows = [["" for _ in columns] for _ in range(depth)]
    spans: list[tuple[int, ...]] = []
    for level in range(depth):
        start = 0
        while start < len(columns):
            path = columns[start].header
            if len(path) <= level:
                start += 1
                continue
            end = start
            while (end + 1 < len(columns) and len(columns[end + 1].header) > level
                   and columns[end + 1].header[:level + 1] == path[:level + 1]):
                end += 1
            rows[level][start] = path[level]
            if end > start:
                spans.append((start, level, end, level))
            elif len(path) == level + 1 and level < depth - 1:
                spans.append((start, level, start, depth - 1))
            start = end + 1
    return rows, spans


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
    grid, spans = header_grid(form.columns)
    depth = len(grid)
    header: list[list[Paragraph | str]] = [
        [cell(text, "head") if text else "" for text in row] for row in grid]
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
    style += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in spans]
    table.setStyle(TableStyle(style))
    return table
