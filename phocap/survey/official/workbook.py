"""The cells of a workbook by absolute column letter.

calamine (under fastexcel) returns a sheet's *used* range: the template's
column A is empty, so its first column is B, and every position would be off
by one. fastexcel reports each column's absolute index, and the columns are
renamed to their letters here. Rows have no such index: the template's header
row anchors them (see reading.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from phocap.survey.official.layout import LAST_LETTER, index, letter_of

LETTERS = tuple(letter_of(i) for i in range(index(LAST_LETTER) + 1))


@dataclass
class Grid:
    """A sheet as text, one column per letter A..AY, one row per row of its used range."""

    sheet: str
    frame: pl.DataFrame

    def row(self, position: int) -> dict[str, str | None]:
        if position >= self.frame.height:
            return dict.fromkeys(LETTERS)
        return dict(zip(LETTERS, self.frame.row(position), strict=True))


@dataclass
class Loaded:
    """A sheet as calamine read it, and its cells as text: parsed once per workbook, then
    given both to the template's recogniser and to whichever reader takes the sheet
    (parsing a 200,000-row sheet is seconds, and it was done twice)."""

    name: str
    sheet: fastexcel.ExcelSheet
    frame: pl.DataFrame


def load(path: Path, rows: int | None = None) -> list[Loaded]:
    """Every sheet of a workbook (its first ``rows`` rows). Raises what fastexcel raises."""
    reader = fastexcel.read_excel(str(path))
    found = []
    for name in reader.sheet_names:
        sheet = reader.load_sheet(name, header_row=None, dtypes="string", n_rows=rows)
        found.append(Loaded(name, sheet, sheet.to_polars()))
    return found


def _as_letters(loaded: Loaded) -> pl.DataFrame:
    sheet, raw = loaded.sheet, loaded.frame
    names: dict[str, str] = {}
    for info in sheet.available_columns():
        if info.absolute_index < len(LETTERS):
            names[info.name] = LETTERS[info.absolute_index]
    kept = raw.select([pl.col(n).alias(letter) for n, letter in names.items()])
    kept = kept.with_columns(pl.all().cast(pl.String).str.strip_chars())
    kept = kept.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in kept.columns
    )
    return kept.select(
        [pl.col(c) if c in kept.columns else pl.lit(None, pl.String).alias(c) for c in LETTERS]
    )


def grids(sheets: list[Loaded], rows: int | None = None) -> list[Grid]:
    """Every non-empty sheet (its first ``rows`` rows) by column letter."""
    return [Grid(s.name, _as_letters(Loaded(s.name, s.sheet, s.frame.head(rows)
                                             if rows is not None else s.frame)))
            for s in sheets if s.frame.width and s.frame.height]
