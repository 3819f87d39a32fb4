"""The problems an upload page lists (templates/_problems.html), read back as rows."""

from __future__ import annotations

import html
import re

_ROW = re.compile(r'<tr class="problem">(.*?)</tr>', re.S)
_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def problem_rows(page: str) -> list[tuple[str, str, str, str, str, str]]:
    """(file, sheet, row, column, value, message) of each problem listed on ``page``."""
    rows = []
    for found in _ROW.findall(page):
        cells = [html.unescape(c).strip() for c in _CELL.findall(found)]
        rows.append((cells[0], cells[1], cells[2], cells[3], cells[4], cells[6]))
    return rows
