"""Writing generated records: Parquet for any size, CSV and XLSX for smaller ones.

- **Parquet** streams each batch as one row group through ``pq.ParquetWriter``
  (zstd), so a national file of 100 million rows is written in the memory of
  one batch.
- **CSV** is UTF-8 with a byte-order mark (so that Excel opens Vietnamese text
  correctly) and the English keys as headers, streamed batch by batch.

Text that a spreadsheet would run as a formula is neutralised (survey/cells.py).
- **XLSX** uses xlsxwriter's constant-memory mode with the Vietnamese headers
  of the contract; it writes cell by cell, so it is meant for a commune or a
  district, and it stops at Excel's row limit.

The units file (docs/survey-format.md, "Units file") goes beside the survey as
``<name>.units.csv``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from phocap import numbers
from phocap.survey.cells import CsvWriter, Workbook, csv_column
from phocap.survey.schema import COLUMNS
from phocap.synth.records import ARROW_SCHEMA

XLSX_MAX_ROWS: Final = 1_048_575
"""Excel's 1,048,576 rows less the header row."""
PARQUET_OPTIONS: Final[dict[str, object]] = {
    "compression": "zstd",
    # Min/max statistics only where readers filter (a province out of a national file):
    # statistics on every text column cost a fifth of the writing time.
    "write_statistics": ["survey_year", "province_code", "district_code", "commune_code"],
}
UNITS_HEADER: Final = ("code", "name", "type", "parent_code", "especially_difficult")
BOM: Final = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class UnitRow:
    """One row of the units file."""

    code: str
    name: str
    type: str
    parent_code: str
    especially_difficult: bool


def write_parquet(path: Path, batches: Iterable[pa.RecordBatch]) -> int:
    """Stream batches to Parquet, one row group each; returns the number of rows."""
    rows = 0
    with pq.ParquetWriter(path, ARROW_SCHEMA, **PARQUET_OPTIONS) as writer:
        for batch in batches:
            writer.write_batch(batch, row_group_size=max(batch.num_rows, 1))
            rows += batch.num_rows
    return rows


def write_csv(path: Path, batches: Iterable[pa.RecordBatch]) -> int:
    """Stream batches to a UTF-8 CSV with BOM and English keys; returns the number of rows."""
    rows = 0
    with path.open("wb") as sink:
        sink.write(BOM)
        options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
        with pacsv.CSVWriter(sink, ARROW_SCHEMA, write_options=options) as writer:
            for batch in batches:
                writer.write_batch(pa.RecordBatch.from_arrays(
                    [csv_column(column) for column in batch.columns], schema=batch.schema))
                rows += batch.num_rows
    return rows


def write_xlsx(path: Path, batches: Iterable[pa.RecordBatch]) -> int:
    """Write an XLSX sheet with the contract's Vietnamese headers; returns the number of rows."""
    workbook = Workbook(str(path), {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet("Phiếu điều tra")
        sheet.write_row(0, 0, [c.header_vi for c in COLUMNS])
        rows = 0
        for batch in batches:
            if rows + batch.num_rows > XLSX_MAX_ROWS:
                raise ValueError(
                    f"Tệp XLSX chứa tối đa {numbers.integer(XLSX_MAX_ROWS)} dòng: hãy dùng"
                    " .parquet hoặc .csv."
                )
            columns = [column.to_pylist() for column in batch.columns]
            for offset, values in enumerate(zip(*columns, strict=True)):
                # Blank cells are skipped, as constant-memory mode expects.
                sheet.write_row(rows + 1 + offset, 0, values)
            rows += batch.num_rows
    finally:
        workbook.close()
    return rows


WRITERS: Final[dict[str, Callable[[Path, Iterable[pa.RecordBatch]], int]]] = {
    ".parquet": write_parquet,
    ".csv": write_csv,
    ".xlsx": write_xlsx,
}


def writer_for(path: Path) -> Callable[[Path, Iterable[pa.RecordBatch]], int]:
    """The writer of a path's extension; ValueError (in Vietnamese) for another."""
    try:
        return WRITERS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(WRITERS)
        raise ValueError(f"Không ghi được tệp “{path.name}”: chỉ hỗ trợ {known}.") from None


def units_path(path: Path) -> Path:
    """Where the units file of a survey file goes: ``out.parquet`` → ``out.units.csv``."""
    return path.with_name(f"{path.stem}.units.csv")


def write_units(path: Path, rows: Sequence[UnitRow]) -> None:
    """Write the units file (UTF-8 with BOM)."""
    with path.open("w", encoding="utf-8-sig", newline="") as sink:
        out = CsvWriter(sink)
        out.writerow(UNITS_HEADER)
        for row in rows:
            out.writerow(
                (row.code, row.name, row.type, row.parent_code, int(row.especially_difficult))
            )
