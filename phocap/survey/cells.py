"""Cells that a spreadsheet shows and never runs: the one neutraliser of every XLSX and CSV
the product writes.

Names and villages come from officers' files and forms; one that begins with
``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some programs
skip before looking) is taken for a formula by Excel and LibreOffice when the
file is opened: ``=HYPERLINK(...)`` becomes a live link, ``-1+2`` becomes 1.
The OWASP advice on CSV injection is followed, in the form each format allows:

- XLSX: text is always written as text (xlsxwriter's ``strings_to_formulas``
  and ``strings_to_urls`` off), and a text cell that looks like a formula
  carries the "quote prefix" style, which is what Excel itself records when
  one types ``'=…``: the cell shows the text exactly, stays text when edited,
  and reads back unchanged (an exported survey file re-imports as it was).
- CSV has no types, so such a cell is written with a leading apostrophe.

Only text is touched: numbers (negative ones too) stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any, Final

import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN: Final = r"^[=+\-@\t\r]"
WORKBOOK_OPTIONS: Final = {"strings_to_formulas": False, "strings_to_urls": False}


def looks_like_formula(value: object) -> bool:
    """Text that a spreadsheet would run rather than show."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """A CSV cell that shows as written: formula-like text gets a leading apostrophe."""
    return "'" + value if looks_like_formula(value) else value


def csv_column(values: pa.Array) -> pa.Array:
    """``csv_cell`` for a column of an Arrow batch (text columns only)."""
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        return values
    risky = pc.fill_null(pc.match_substring_regex(values, _FORMULA_PATTERN), False)
    return pc.if_else(risky, pc.binary_join_element_wise("'", values, ""), values)


class CsvWriter:
    """``csv.writer`` whose every cell goes through ``csv_cell``."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class Workbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """An xlsxwriter workbook whose text cells are never formulas (see the module's docstring).

    Every string a sheet writes, by ``write``, ``write_row``, ``write_string``,
    ``merge_range`` or a table, passes through ``_Worksheet._write_string``.
    """

    def __init__(self, filename: Any, options: dict[str, Any] | None = None) -> None:
        self._properties: dict[int, dict[str, Any]] = {}  # before: the parent adds formats
        self._quoted: dict[int, Format] = {}
        super().__init__(filename, {**(options or {}), **WORKBOOK_OPTIONS})

    def add_format(self, properties: dict[str, Any] | None = None) -> Format:
        made = super().add_format(properties)
        self._properties[id(made)] = dict(properties or {})
        return made

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Any:
        sheet = super().add_worksheet(name, worksheet_class=worksheet_class or _Worksheet)
        sheet.book = self
        return sheet

    def quoted(self, cell_format: Format | None) -> Format:
        """The same format with the quote prefix (made once per format)."""
        key = id(cell_format)
        if key not in self._quoted:
            properties = self._properties.get(key, {}) if cell_format is not None else {}
            self._quoted[key] = self.add_format({**properties, "quote_prefix": True})
        return self._quoted[key]


class _Worksheet(Worksheet):  # type: ignore[misc]
    book: Workbook

    def _write_string(self, row: int, col: int, string: str,
                      cell_format: Format | None = None) -> Any:
        if looks_like_formula(string):
            cell_format = self.book.quoted(cell_format)
        return super()._write_string(row, col, string, cell_format)
