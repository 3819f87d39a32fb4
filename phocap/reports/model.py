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

Value = int | Fraction | str | None
"""A cell: a count, an exact rate (shown as a percentage), text, or empty."""


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
class Row:
    label: str
    values: dict[str, Value]
    total: bool = False  # a totals row (bold, computed from the rows above)
    code: str = ""  # the unit code or person key the row stands for, for the checks


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

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def row(self, code: str) -> Row:
        return next(r for r in self.rows if r.code == code)
