"""Command line: ``phocap synth`` writes a synthetic survey file (Vietnamese messages).

    phocap synth --profile dien-bien-2021 --output demo.parquet
    phocap synth --profile national --nation --people 100000000 --output vn.parquet
    phocap synth --profile lowland --unit 01 --year 2024 --seed 3 --output hn.xlsx

The sub-app is mounted by the main CLI (phocap/cli.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from phocap.survey.report import vi_number
from phocap.synth.generate import NATION, write
from phocap.synth.profiles import PROFILES, get_profile

app = typer.Typer(help="Tạo dữ liệu điều tra tổng hợp (không phải dữ liệu thật).")
console = Console()
errors = Console(stderr=True)  # errors and the progress bar


@app.command("synth")
def synth(
    profile: Annotated[
        str,
        typer.Option(help=f"Hồ sơ dân số: {', '.join(PROFILES)}."),
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Tệp kết quả: .parquet, .csv hoặc .xlsx."),
    ],
    unit: Annotated[
        str | None,
        typer.Option(help="Mã xã, huyện hoặc tỉnh (theo danh mục của năm điều tra)."),
    ] = None,
    nation: Annotated[bool, typer.Option("--nation", help="Cả nước.")] = False,
    year: Annotated[
        int | None, typer.Option(help="Năm điều tra (ngày điều tra 30/9 của năm).")
    ] = None,
    people: Annotated[
        int | None, typer.Option(min=0, help="Tổng số người (mặc định: quy mô thực tế).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu.")]
    = 0,
) -> None:
    """Tạo dữ liệu phiếu điều tra tổng hợp cho một xã, huyện, tỉnh hoặc cả nước."""
    try:
        chosen = get_profile(profile)
    except ValueError as exc:
        errors.print(f"[red]Lỗi:[/red] {exc}")
        raise typer.Exit(2) from None
    if unit and nation:
        errors.print("[red]Lỗi:[/red] chỉ chọn một trong --unit và --nation.")
        raise typer.Exit(2)
    selection = NATION if nation else (unit or chosen.default_unit)
    if selection is None:
        errors.print("[red]Lỗi:[/red] hãy chọn --unit MÃ hoặc --nation.")
        raise typer.Exit(2)
    survey_year = year if year is not None else chosen.default_year
    with Progress(
        TextColumn("Đang tạo"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=errors, transient=True,
    ) as progress:
        task = progress.add_task("synth", total=None)

        def advance(rows: int, total: int) -> None:
            progress.update(task, advance=rows, total=total)

        try:
            summary = write(
                output, selection, survey_year, chosen, seed, people, on_batch=advance
            )
        except (ValueError, KeyError, OSError) as exc:
            errors.print(f"[red]Lỗi:[/red] {exc}")
            raise typer.Exit(1) from None
    console.print(
        f"Đã tạo {vi_number(summary.people)} người trong {vi_number(summary.communes)} xã"
        f" → {summary.path}"
    )
    console.print(f"Danh mục đơn vị → {summary.units_path}")
