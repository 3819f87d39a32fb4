"""The ``phocap`` command line: the same core the web application calls."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from phocap.survey.report import print_report, vi_number, write_xlsx
from phocap.survey.summary import by_commune
from phocap.survey.validate import validate as validate_file
from phocap.units import registry_for_year

app = typer.Typer(
    help="Phổ cập giáo dục – xóa mù chữ: kiểm tra, tạo dữ liệu và tính kết quả.",
    no_args_is_help=True,
    add_completion=False,
)
units_app = typer.Typer(help="Danh mục đơn vị hành chính.", no_args_is_help=True)
app.add_typer(units_app, name="units")

EXIT_ERRORS = 2


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Tệp phiếu điều tra: CSV, XLSX, XLS hoặc Parquet.")],
    year: Annotated[int | None, typer.Option(help="Năm điều tra mà mọi dòng phải có.")] = None,
    xlsx: Annotated[
        Path | None, typer.Option(help="Ghi báo cáo ra tệp XLSX, tô màu các ô có vấn đề.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Số dòng báo cáo tối đa in ra màn hình.")] = 200,
) -> None:
    """Kiểm tra một tệp phiếu điều tra; mã thoát 0 khi không có lỗi, 2 khi có lỗi."""
    console = Console()
    result = validate_file(file, year=year)
    print_report(result.report, console, limit=limit)
    if xlsx is not None:
        write_xlsx(result.report, file, xlsx)
        console.print(f"Đã ghi báo cáo: {xlsx}")
    if not result.report.ok:
        raise typer.Exit(EXIT_ERRORS)


SUMMARY_CAPTIONS = {
    "survey_year": "Năm",
    "commune_code": "Mã xã",
    "villages": "Thôn",
    "households": "Hộ",
    "people": "Người",
    "minority": "DTTS",
    "moved_away_or_deceased": "Đi/chết",
    "cannot_study": "KT không học được",
    "preschool": "Đang học MN",
    "primary": "TH",
    "lower_secondary": "THCS",
    "upper_secondary": "THPT",
    "vocational": "Nghề",
}


@app.command()
def summary(
    file: Annotated[Path, typer.Argument(help="Tệp phiếu điều tra.")],
    year: Annotated[int | None, typer.Option(help="Năm điều tra mà mọi dòng phải có.")] = None,
) -> None:
    """Tóm tắt số hộ, số người và số đang đi học theo từng xã."""
    console = Console()
    result = validate_file(file, year=year, keep_records=True)
    if not result.report.ok or result.records is None:
        print_report(result.report, console, limit=20)
        raise typer.Exit(EXIT_ERRORS)
    table_data = by_commune(result.records)
    names = {u.code: u.name for y in table_data["survey_year"].unique()
             for u in registry_for_year(int(y)).communes()}
    table = Table(title=f"Tóm tắt {file.name}")
    table.add_column("Xã")
    for column in table_data.columns:
        table.add_column(SUMMARY_CAPTIONS[column], justify="right")
    for row in table_data.iter_rows(named=True):
        values = [row[c] for c in table_data.columns]
        table.add_row(
            names.get(row["commune_code"], ""),
            *[vi_number(v) if isinstance(v, int) and c != "survey_year" else str(v)
              for c, v in zip(table_data.columns, values, strict=True)],
        )
    console.print(table)


@units_app.command("build")
def units_build(
    source: Annotated[Path, typer.Option(help="Thư mục danh mục gốc.")] = Path(
        "../shared/data/units"
    ),
    out: Annotated[Path, typer.Option(help="Thư mục dữ liệu của gói.")] = Path(
        "phocap/units/data"
    ),
) -> None:
    """Dựng lại dữ liệu đơn vị hành chính của gói từ danh mục gốc."""
    from phocap.units.build import build_main

    build_main(source, out)


def _mount_synth() -> None:
    from phocap.synth.cli import app as synth_app

    app.registered_commands.extend(synth_app.registered_commands)


_mount_synth()

if __name__ == "__main__":
    app()
