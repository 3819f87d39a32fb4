"""A report form as plain data, so one form renders the same to XLSX and to PDF.

Officers submit the same tables twice: as workbooks to the district or province,
and printed, signed and sealed in the recognition dossier. Keeping a form as
data (titles, headings, a multi-level header, rows, totals, signatures) lets the
XLSX writer and the PDF writer lay out the same figures, and lets the
consistency check compare forms by cell instead of by re-reading files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from phocap import numbers

Value = int | Fraction | str | None
"""A cell: a count, an exact rate (shown as a percentage), text, or empty."""


def shown(value: Value) -> str:
    """A cell as printed: "1.234", "95,24%" (docs/rules.md §1: rounded only for display), text."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        return numbers.percent(value)
    if isinstance(value, int):
        return numbers.integer(value)
    return value


@dataclass(frozen=True)
class Column:
    """One column; ``header`` is its path in a multi-level header, top level first.

    Adjacent columns sharing a header prefix are merged under it, as on the paper
    forms ("Số trẻ 6 tuổi" over "Tổng số", "Nữ", "Dân tộc").
    """

    key: str
    header: tuple[str, ...]
    rate: bool = False  # a Fraction shown as "95,24%"


@dataclass(frozen=True)
class HeaderCell:
    """One cell of a multi-level header, spanning rows and columns (0-based, inclusive)."""

    text: str
    first_row: int
    first_column: int
    last_row: int
    last_column: int


def header_cells(columns: tuple[Column, ...]) -> list[HeaderCell]:
    """The header as printed, top row first: every renderer (XLSX, PDF, HTML) merges alike.

    Adjacent columns sharing a header prefix share its cell; a column whose path
    is shorter than the deepest spans down to the last header row.
    """
    depth = max((len(c.header) for c in columns), default=1)
    cells = []
    for level in range(depth):
        first = 0
        while first < len(columns):
            header = columns[first].header
            if len(header) <= level:
                first += 1
                continue
            last = first
            while (last + 1 < len(columns) and len(columns[last + 1].header) > level
                   and columns[last + 1].header[:level + 1] == header[:level + 1]):
                last += 1
            last_row = depth - 1 if level == len(header) - 1 else level
            cells.append(HeaderCell(header[level], level, first, last_row, last))
            first = last + 1
    return cells


@dataclass(frozen=True)
class Row:
    label: str
    values: dict[str, Value]
    total: bool = False  # a totals row (bold, computed from the rows above)
    code: str = ""  # the unit code or person key the row stands for, for the checks
    rate: bool = False  # a row of rates (MN-01-TE rows 13, 19, 24): shown as percentages


@dataclass(frozen=True)
class Signature:
    """A signature block: who signs, the hint under it, and whether the seal goes there."""

    title: str  # "NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
    hint: str = "(Ký, ghi rõ họ tên)"
    seal: bool = False


@dataclass(frozen=True)
class Form:
    code: str  # "TH-M1"; a name list uses "DS-…"
    title: str  # upper-case Vietnamese title as on the form
    year: int
    unit_code: str
    headings: tuple[str, ...]  # lines above the table: "Tỉnh: …", "Xã: …", "Năm điều tra: 2021"
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    signatures: tuple[Signature, ...] = field(default_factory=tuple)
    place_date: str = ""  # "…, ngày … tháng … năm 2021" above the signatures
    # The official template's own code, printed at the top right as on the paper form
    # ("Mẫu: MN-01-TE"); empty for the forms laid out by us ("Mẫu TH-M1 – năm 2021").
    mark: str = ""
    column_numbers: tuple[str, ...] = ()  # a row under the header: "1", "7=8+9", …
    # A block of criteria under the notes (MN-01-TE's "Tiêu chí / Số lượng / Tỉ lệ").
    appendix_columns: tuple[Column, ...] = ()
    appendix: tuple[Row, ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def row(self, code: str) -> Row:
        return next(r for r in self.rows if r.code == code)
