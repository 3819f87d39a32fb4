"""Command line: ``phocap synth`` writes a synthetic survey file (Vietnamese messages).

    phocap synth --profile dien-bien-2021 --output demo.parquet
    phocap synth --profile national --nation --people 100000000 --output vn.parquet
    phocap synth --profile lowland --unit 01 --year 2024 --seed 3 --output hn.xlsx
    phocap synth --profile dien-bien-2021 --years 2021-2023 --output demo-3-years.parquet

The sub-app is mounted by the main CLI (phocap/cli.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from phocap.numbers import integer
from phocap.synth.evolve import write_years
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
    years: Annotated[
        str | None,
        typer.Option(help="Nhiều năm điều tra, ví dụ 2021-2023: tạo năm đầu rồi cho dân số"
                          " sống qua từng năm học (cùng người, lên lớp, bỏ học, sinh, mất,"
                          " chuyển đi, chuyển đến), ghi tất cả vào một tệp."),
    ] = None,
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
    span = _span(years, survey_year, year is not None) if years else None
    with Progress(
        TextColumn("Đang tạo"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=errors, transient=True,
    ) as progress:
        task = progress.add_task("synth", total=None)

        def advance(rows: int, total: int) -> None:
            progress.update(task, advance=rows, total=total)

        try:
            if span is None:
                summary = write(
                    output, selection, survey_year, chosen, seed, people, on_batch=advance
                )
            else:
                summary = write_years(
                    output, selection, span, chosen, seed, people, on_batch=advance
                )
        except (ValueError, KeyError, OSError) as exc:
            errors.print(f"[red]Lỗi:[/red] {exc}")
            raise typer.Exit(1) from None
    records = "bản ghi" if span else "người"
    console.print(
        f"Đã tạo {integer(summary.people)} {records} trong {integer(summary.communes)} xã"
        + (f", các năm {span[0]}–{span[1]}" if span else "")
        + f" → {summary.path}"
    )
    console.print(f"Danh mục đơn vị → {summary.units_path}")


def _span(text: str, year: int, year_given: bool) -> tuple[int, int]:
    """``"2021-2023"`` → (2021, 2023); a single year is the span from the survey year to it."""
    parts = text.replace("–", "-").split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 1:
        numbers = [year, numbers[0]]
    if len(numbers) != 2 or numbers[1] < numbers[0]:
        errors.print(
            f"[red]Lỗi:[/red] --years “{text}”: cần dạng NĂM_ĐẦU-NĂM_CUỐI, ví dụ 2021-2023."
        )
        raise typer.Exit(2)
    if year_given and numbers[0] != year:
        errors.print(f"[red]Lỗi:[/red] --year {year} khác năm đầu của --years “{text}”.")
        raise typer.Exit(2)
    return numbers[0], numbers[1]
