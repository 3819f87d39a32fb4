"""The validation report, for a terminal (Rich) and as an XLSX workbook.

The workbook is what an officer takes back to the commune: one sheet lists
every problem, and a copy of each problematic row shows the offending cells in
red (error) or yellow (warning) with the message as a cell comment, so the fix
can be made where the mistake is.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from phocap.numbers import integer
from phocap.survey.cells import Workbook
from phocap.survey.official.reading import Context
from phocap.survey.problems import ERROR, SurveyFileError
from phocap.survey.readers import ROW, read
from phocap.survey.validate import Report

SEVERITY_VI = {"error": "Lỗi", "warning": "Cảnh báo"}


def ordered(problems: pl.DataFrame) -> pl.DataFrame:
    """File order: file, sheet, row; file-level problems first."""
    return problems.sort(["file", "sheet", "row"], nulls_last=False, maintain_order=True)


def summary(report: Report) -> str:
    verdict = (
        "không có lỗi, có thể nhập" if report.ok
        else "có lỗi: chưa thể nhập tệp này, hãy sửa các ô được chỉ ra"
    )
    text = (
        f"Tệp {report.file}: {integer(report.rows)} dòng, {integer(report.errors)} lỗi,"
        f" {integer(report.warnings)} cảnh báo: {verdict}."
    )
    omitted = sum(report.omitted.values())
    if omitted:
        text += f" ({integer(omitted)} vấn đề không liệt kê chi tiết.)"
    return text


def print_report(report: Report, console: Console, limit: int = 200) -> None:
    problems = ordered(report.problems)
    if problems.height:
        table = Table(title=f"Kết quả kiểm tra {report.file}", show_lines=False)
        several = problems["file"].n_unique() > 1  # the village files of one commune
        for caption in ("Mức", *(("Tệp",) if several else ()), "Trang", "Dòng", "Cột", "Giá trị",
                        "Nội dung"):
            table.add_column(caption, overflow="fold")
        for row in problems.head(limit).iter_rows(named=True):
            style = "red" if row["severity"] == ERROR else "yellow"
            table.add_row(
                f"[{style}]{SEVERITY_VI[row['severity']]}[/{style}]",
                *((row["file"],) if several else ()),
                row["sheet"] or "",
                "" if row["row"] is None else str(row["row"]),
                row["header"] or row["column"] or "",
                row["value"] or "",
                row["message"],
            )
        console.print(table)
        if problems.height > limit:
            console.print(
                f"… và {integer(problems.height - limit)} vấn đề nữa"
                " (ghi báo cáo ra tệp XLSX bằng --xlsx để xem tất cả)."
            )
    style = "green" if report.ok else "bold red"
    console.print(f"[{style}]{summary(report)}[/{style}]")


def write_xlsx(report: Report, source: Path | Sequence[Path], out: Path,
               context: Context | None = None) -> None:
    """Write the problems and a highlighted copy of each problematic row.

    ``source`` is the file, or the files of one import (a commune's villages), read
    again with the import's ``context`` for the rows to copy."""
    problems = ordered(report.problems)
    workbook = Workbook(str(out))
    bold = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    red = workbook.add_format({"bg_color": "#F4B6B6", "border": 1})
    yellow = workbook.add_format({"bg_color": "#FFF2A8", "border": 1})
    sheet = workbook.add_worksheet("Lỗi và cảnh báo")
    sheet.write_row(0, 0, ["Tệp", "Trang", "Dòng", "Cột", "Giá trị", "Mức", "Nội dung"], bold)
    for i, row in enumerate(problems.iter_rows(named=True), start=1):
        fmt = red if row["severity"] == ERROR else yellow
        sheet.write_row(
            i,
            0,
            [
                row["file"],
                row["sheet"] or "",
                row["row"] if row["row"] is not None else "",
                row["header"] or row["column"] or "",
                row["value"] or "",
                SEVERITY_VI[row["severity"]],
                row["message"],
            ],
        )
        sheet.write(i, 5, SEVERITY_VI[row["severity"]], fmt)
    sheet.set_column(0, 1, 16)
    sheet.set_column(2, 2, 7)
    sheet.set_column(3, 4, 18)
    sheet.set_column(6, 6, 100)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(problems.height, 1), 6)
    located = problems.filter(pl.col("row").is_not_null())
    if located.height:
        # An unreadable file has no rows to copy: the problems sheet says why.
        with contextlib.suppress(SurveyFileError):
            sources = [source] if isinstance(source, Path) else list(source)
            for path in sources:
                _write_rows(workbook, path, located.filter(pl.col("file") == path.name),
                            bold, red, yellow, context, len(sources) > 1)
    workbook.close()


def _write_rows(
    workbook: Workbook,
    source: Path,
    located: pl.DataFrame,
    bold: object,
    red: object,
    yellow: object,
    context: Context | None = None,
    several: bool = False,
) -> None:
    for part in read(source, context=context):
        mine = located.filter(
            pl.col("sheet").is_null() if part.name is None else pl.col("sheet") == part.name
        )
        if mine.height == 0:
            continue
        rows = part.data.filter(pl.col(ROW).is_in(mine["row"].unique().implode()))
        if rows.height == 0:
            continue
        title = f"Dòng lỗi - {part.name}"[:31] if part.name else "Dòng có vấn đề"
        if several:
            number = len(workbook.worksheets())
            title = re.sub(r"[\[\]:*?/\\']", "", f"{number}. {source.stem}")[:31]
        out = workbook.add_worksheet(title)
        columns = [c for c in part.data.columns if c != ROW]
        out.write_row(0, 0, ["Dòng", *[part.headers.get(c, c) for c in columns]], bold)
        where = {c: i + 1 for i, c in enumerate(columns)}
        line = {r: i + 1 for i, r in enumerate(rows[ROW].to_list())}
        for r, values in zip(rows[ROW].to_list(), rows.select(columns).rows(), strict=True):
            out.write(line[r], 0, r)
            for c, value in enumerate(values, start=1):
                if value is not None:
                    out.write_string(line[r], c, value)
        for problem in mine.iter_rows(named=True):
            column = where.get(problem["column"] or "")
            target_row = line.get(problem["row"])
            if column is None or target_row is None:
                continue
            fmt = red if problem["severity"] == ERROR else yellow
            out.write(target_row, column, problem["value"] or "", fmt)
            out.write_comment(target_row, column, problem["message"], {"x_scale": 3, "y_scale": 2})
        out.freeze_panes(1, 1)
