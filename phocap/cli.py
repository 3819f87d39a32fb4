"""The ``phocap`` command line: the same core the web application calls."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from phocap.numbers import integer
from phocap.survey.official.reading import Context
from phocap.survey.report import print_report, write_xlsx
from phocap.survey.summary import by_commune
from phocap.survey.validate import validate as validate_file
from phocap.units import registry_for_year
from phocap.units.build import PACKAGE_DATA_DIR, SOURCE_DIR, build_main

app = typer.Typer(
    help="Phổ cập giáo dục – xóa mù chữ: kiểm tra, tạo dữ liệu và tính kết quả.",
    no_args_is_help=True,
    add_completion=False,
)
units_app = typer.Typer(help="Danh mục đơn vị hành chính.", no_args_is_help=True)
app.add_typer(units_app, name="units")

EXIT_ERRORS = 2


CommuneOpt = Annotated[
    str | None,
    typer.Option("--commune", help="Mã xã của các tệp theo mẫu của Bộ (tệp không ghi xã)."),
]
VillageOpt = Annotated[
    str | None,
    typer.Option("--village", help="Thôn của tệp theo mẫu của Bộ; mặc định theo tên tệp."),
]


def _context(commune: str | None, year: int | None, village: str | None) -> Context:
    """What the ministry's own files do not say, from the command line."""
    return Context(commune_code=commune, year=year, village=village)


@app.command()
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(help="Tệp phiếu điều tra: CSV, XLSX, XLS, Parquet, hoặc các tệp thôn"
                       " theo mẫu của Bộ (cùng một xã)."),
    ],
    year: Annotated[int | None, typer.Option(help="Năm điều tra mà mọi dòng phải có.")] = None,
    commune: CommuneOpt = None,
    village: VillageOpt = None,
    xlsx: Annotated[
        Path | None, typer.Option(help="Ghi báo cáo ra tệp XLSX, tô màu các ô có vấn đề.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Số dòng báo cáo tối đa in ra màn hình.")] = 200,
    records: Annotated[
        Path | None,
        typer.Option(help="Ghi bản ghi đã chuẩn hóa ra tệp Parquet (chỉ khi không có lỗi)."),
    ] = None,
) -> None:
    """Kiểm tra tệp phiếu điều tra; mã thoát 0 khi không có lỗi, 2 khi có lỗi."""
    console = Console()
    context = _context(commune, year, village)
    result = validate_file(files, year=year, records_to=records, context=context)
    print_report(result.report, console, limit=limit)
    if xlsx is not None:
        write_xlsx(result.report, files, xlsx, context)  # every file's faulty rows
        console.print(f"Đã ghi báo cáo: {xlsx}")
    if records is not None and result.report.ok:
        console.print(f"Đã ghi bản ghi chuẩn hóa: {records}")
    if not result.report.ok:
        raise typer.Exit(EXIT_ERRORS)


SUMMARY_CAPTIONS = {
    "villages": "Thôn",
    "households": "Hộ",
    "people": "Người",
    "minority": "DTTS",
    "preschool": "MN",
    "primary": "TH",
    "lower_secondary": "THCS",
    "upper_secondary": "THPT",
}


@app.command()
def summary(
    file: Annotated[Path, typer.Argument(help="Tệp phiếu điều tra.")],
    year: Annotated[int | None, typer.Option(help="Năm điều tra mà mọi dòng phải có.")] = None,
) -> None:
    """Tóm tắt số thôn, hộ, người và số đang đi học theo từng xã."""
    console = Console()
    result = validate_file(file, year=year, keep_records=True)
    if not result.report.ok or result.records is None:
        print_report(result.report, console, limit=20)
        raise typer.Exit(EXIT_ERRORS)
    frame = by_commune(result.records)
    for survey_year in frame["survey_year"].unique().sort().to_list():
        names = {u.code: u.bare_name for u in registry_for_year(survey_year).communes()}
        table = Table(title=f"Tóm tắt {file.name}, năm điều tra {survey_year}",
                      box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0, 0, 1))
        table.add_column("Xã", no_wrap=True)
        for caption in SUMMARY_CAPTIONS.values():
            table.add_column(caption, justify="right", no_wrap=True, min_width=6)
        for row in frame.filter(frame["survey_year"] == survey_year).iter_rows(named=True):
            name = "Tổng" if row["commune_code"] == "Tổng" else names.get(
                row["commune_code"], row["commune_code"]
            )
            table.add_row(name, *[integer(row[c]) for c in SUMMARY_CAPTIONS])
        console.print(table)
    console.print("DTTS: người dân tộc thiểu số; MN, TH, THCS, THPT: số người đang học cấp đó.")


class Format(StrEnum):
    json = "json"
    xlsx = "xlsx"
    text = "text"


class Backend(StrEnum):
    duckdb = "duckdb"
    sqlite = "sqlite"
    postgres = "postgres"
    pyspark = "pyspark"


def _survey_table(
    files: Path | list[Path], year: int | None, backend: Backend, console: Console,
    workdir: Path, context: Context | None = None,
) -> Any:
    """Validate survey files; on errors print the report and stop with exit code 2.

    Only the errors are looked for: they decide whether the file is computed at
    all, and these commands show no warning (``phocap validate`` does).
    """
    store = workdir / "records.parquet"
    result = validate_file(files, year=year, records_to=store, context=context, warnings=False)
    if not result.report.ok:
        print_report(result.report, console, limit=50)
        raise typer.Exit(EXIT_ERRORS)
    from phocap.engine.backends import connect, load

    return load(connect(backend.value), store)


def _units(path: Path | None, console: Console, conditions: bool = False) -> Any:
    """A units (or, with ``conditions``, a conditions) file; a bad one stops with exit 2."""
    if path is None:
        return None
    from phocap.engine.units import UnitsFileError, read_conditions_file, read_units_file

    try:
        return read_conditions_file(path) if conditions else read_units_file(path)
    except (UnitsFileError, OSError) as exc:
        console.print(f"[bold red]{exc}[/bold red]")
        raise typer.Exit(EXIT_ERRORS) from exc


SurveyArg = Annotated[Path, typer.Argument(help="Tệp phiếu điều tra: CSV, XLSX, XLS hoặc Parquet.")]
UnitsOpt = Annotated[
    Path | None,
    typer.Option(help="Tệp đơn vị (code,name,type,parent_code,especially_difficult)."),
]
ConditionsOpt = Annotated[
    Path | None,
    typer.Option(help="Tệp điều kiện TT07 (commune_code,standard,met); thiếu thì “chưa đánh giá”."),
]
YearOpt = Annotated[int | None, typer.Option(help="Năm điều tra.")]
RulesetOpt = Annotated[str | None, typer.Option(help="Bộ quy tắc; mặc định theo năm điều tra.")]
BackendOpt = Annotated[Backend, typer.Option(help="Nơi tính toán.")]


@app.command()
def evaluate(
    survey: Annotated[
        list[Path],
        typer.Argument(help="Tệp phiếu điều tra, hoặc các tệp thôn theo mẫu của Bộ (cùng một"
                       " xã)."),
    ],
    units: UnitsOpt = None,
    conditions: ConditionsOpt = None,
    year: YearOpt = None,
    ruleset: RulesetOpt = None,
    backend: BackendOpt = Backend.duckdb,
    format: Annotated[Format, typer.Option("--format", help="Dạng kết quả.")] = Format.text,
    output: Annotated[Path | None, typer.Option(help="Ghi kết quả ra tệp.")] = None,
    commune: CommuneOpt = None,
    village: VillageOpt = None,
) -> None:
    """Tính mức đạt chuẩn phổ cập, xóa mù chữ của từng xã, huyện, tỉnh."""
    from phocap.engine import export
    from phocap.engine.evaluate import evaluate as run

    console = Console()
    with tempfile.TemporaryDirectory() as workdir:
        table = _survey_table(survey, year, backend, console, Path(workdir),
                              _context(commune, year, village))
        evaluation = run(table, year=year, ruleset=ruleset, units=_units(units, console),
                         conditions=_units(conditions, console, conditions=True))
    if format is Format.json:
        text = export.write_json(evaluation, output)
        if output is None:
            typer.echo(text)
    elif format is Format.xlsx:
        target = output or survey[0].with_name(f"{survey[0].stem}-ket-qua.xlsx")
        export.write_xlsx(evaluation, target)
        console.print(f"Đã ghi kết quả: {target}")
    else:
        target_console = Console(file=output.open("w", encoding="utf-8")) if output else console
        target_console.print(export.results_table(evaluation))
        target_console.print(export.explanation(evaluation))


@app.command()
def outlook(
    survey: SurveyArg,
    units: UnitsOpt = None,
    year: YearOpt = None,
    ruleset: RulesetOpt = None,
    backend: BackendOpt = Backend.duckdb,
) -> None:
    """Dự báo năm sau: xã nào giữ, mất hoặc đạt thêm mức nếu học sinh lên lớp bình thường."""
    from phocap.engine import export
    from phocap.engine.outlook import outlook as run

    console = Console()
    with tempfile.TemporaryDirectory() as workdir:
        table = _survey_table(survey, year, backend, console, Path(workdir))
        now, _, changes = run(table, year=year, ruleset=ruleset, units=_units(units, console))
    console.print(export.outlook_table(changes, now.year))


@app.command()
def people(
    survey: SurveyArg,
    commune: Annotated[str, typer.Option(help="Mã xã.")],
    criterion: Annotated[
        str, typer.Option(help="Khóa tiêu chí, ví dụ lower_secondary.3.graduates.")
    ],
    units: UnitsOpt = None,
    year: YearOpt = None,
    ruleset: RulesetOpt = None,
    output: Annotated[Path | None, typer.Option(help="Ghi danh sách ra tệp XLSX.")] = None,
) -> None:
    """Danh sách những người chưa đạt một tiêu chí ở một xã (kèm tình trạng học tập)."""
    from phocap.engine.evaluate import resolve
    from phocap.engine.people import people_behind

    console = Console()
    with tempfile.TemporaryDirectory() as workdir:
        table = _survey_table(survey, year, Backend.duckdb, console, Path(workdir))
        chosen_year, chosen = resolve(table, year, ruleset)
        found = [c for c in chosen.criteria if c.key == criterion]
        if not found:
            keys = ", ".join(c.key for c in chosen.criteria)
            console.print(f"[red]Không có tiêu chí “{criterion}”. Có: {keys}[/red]")
            raise typer.Exit(EXIT_ERRORS)
        unit_frame = _units(units, console)
        difficult = bool(
            unit_frame is not None
            and unit_frame.filter((unit_frame["code"] == commune)
                                  & unit_frame["especially_difficult"]).height
        )
        frame = people_behind(table, found[0], commune, chosen_year, difficult)
    columns = ["village", "household_no", "full_name", "birth_year", "current_class",
               "situation"]
    table_out = Table(title=f"{criterion} – xã {commune}: {integer(frame.height)} người")
    for caption in ("Thôn", "Số phiếu", "Họ và tên", "Năm sinh", "Lớp", "Tình trạng"):
        table_out.add_column(caption)
    for row in frame.select(columns).iter_rows():
        table_out.add_row(*["" if v is None else str(v) for v in row])
    console.print(table_out)
    if output is not None:
        frame.write_excel(output, worksheet="Danh sách")
        console.print(f"Đã ghi danh sách: {output}")


@app.command()
def forms(
    survey: SurveyArg,
    unit: Annotated[str, typer.Option(help="Mã đơn vị (xã, huyện hoặc tỉnh) lập biểu.")],
    units: UnitsOpt = None,
    year: YearOpt = None,
    ruleset: RulesetOpt = None,
    output: Annotated[Path | None, typer.Option(help="Tệp XLSX các biểu.")] = None,
    names: Annotated[
        Path | None,
        typer.Option(help="Ghi danh sách người (dữ liệu cá nhân) của từng xã ra tệp XLSX."),
    ] = None,
) -> None:
    """Lập các biểu thống kê PCGD–XMC của một đơn vị (XLSX) và kiểm tra chúng khớp nhau."""
    from phocap.engine.evaluate import evaluate as run
    from phocap.engine.evaluate import resolve
    from phocap.reports.consistency import check
    from phocap.reports.figures import compute
    from phocap.reports.forms import forms_for, name_lists_for
    from phocap.reports.xlsx import write_forms

    console = Console()
    with tempfile.TemporaryDirectory() as workdir:
        table = _survey_table(survey, year, Backend.duckdb, console, Path(workdir))
        chosen_year, chosen = resolve(table, year, ruleset)
        evaluation = run(table, year=chosen_year, ruleset=chosen, units=_units(units, console))
        if unit not in {u.code for u in evaluation.units}:
            console.print(f"[red]Không có đơn vị “{unit}” trong dữ liệu năm {chosen_year}.[/red]")
            raise typer.Exit(EXIT_ERRORS)
        figures = compute(table, chosen_year)
        built = forms_for(evaluation, figures, unit)
        lists = name_lists_for(table, evaluation, figures, unit) if names else []
    target = output or survey.with_name(f"{survey.stem}-bieu-{unit}.xlsx")
    write_forms(built, target)
    console.print(f"Đã ghi {len(built)} biểu: {target}")
    if names is not None:
        write_forms(lists, names)
        console.print(f"Đã ghi {len(lists)} danh sách (dữ liệu cá nhân): {names}")
    problems = check([*built, *lists], evaluation)
    if not problems:
        console.print("[green]Các biểu khớp với kết quả tính và khớp nhau.[/green]")
        return
    table_out = Table(title=f"{len(problems)} chỗ không khớp", box=box.SIMPLE_HEAD)
    table_out.add_column("Chỗ không khớp")
    for problem in problems:
        table_out.add_row(problem)
    console.print(table_out)
    raise typer.Exit(EXIT_ERRORS)


@app.command()
def unicode(
    file: Annotated[Path, typer.Argument(help="Tệp phiếu điều tra hoặc danh sách (CSV, XLSX).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Tệp kết quả: .xlsx, hoặc .csv (trang đầu).")
    ],
) -> None:
    """Chuyển các ô gõ bằng phông TCVN3 (ABC) hoặc VNI sang Unicode, ghi ra tệp mới.

    Mỗi trang của tệp thành một trang của tệp kết quả, bắt đầu từ dòng tiêu đề
    (các dòng tiêu đề phụ phía trên bị bỏ); ô đã là Unicode giữ nguyên.
    """
    from collections import Counter

    from phocap.survey.cells import CsvWriter, Workbook
    from phocap.survey.legacy_fonts import convert_column
    from phocap.survey.problems import SurveyFileError
    from phocap.survey.readers import ROW, read

    console = Console()
    if output.suffix.lower() not in (".xlsx", ".csv"):
        console.print(f"[red]Không ghi được “{output.name}”: cần tệp .xlsx hoặc .csv.[/red]")
        raise typer.Exit(EXIT_ERRORS)
    counts: Counter[str] = Counter()
    sheets: list[tuple[str, list[str], list[list[str | None]]]] = []
    try:
        for number, sheet in enumerate(read(file), start=1):
            columns = [c for c in sheet.data.columns if c != ROW]
            converted = []
            for column in columns:
                values, found = convert_column(sheet.data[column].to_list())
                converted.append(values)
                counts.update(found)
            rows = [list(r) for r in zip(*converted, strict=True)] if converted else []
            sheets.append((sheet.name or f"Trang {number}",
                           [sheet.headers.get(c, c) for c in columns], rows))
    except SurveyFileError as exc:
        console.print(f"[red]{exc.problem.message}[/red]")
        raise typer.Exit(EXIT_ERRORS) from None
    if output.suffix.lower() == ".csv":
        with output.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = CsvWriter(handle)
            for _, headers, rows in sheets[:1]:
                writer.writerow(headers)
                writer.writerows(rows)
    else:
        book = Workbook(str(output))
        for name, headers, rows in sheets:
            page = book.add_worksheet(name[:31])
            page.write_row(0, 0, headers)
            for index, row in enumerate(rows, start=1):
                page.write_row(index, 0, row)
        book.close()
    done = ", ".join(f"{integer(n)} ô {encoding}" for encoding, n in sorted(counts.items()))
    console.print(f"Đã chuyển sang Unicode: {done or 'không có ô nào cần chuyển'} → {output}")


@app.command("export-official")
def export_official(
    files: Annotated[list[Path], typer.Argument(help="Tệp phiếu điều tra (mọi dạng phocap đọc).")],
    output: Annotated[
        Path,
        typer.Option(help="Tệp .zip (một tệp mỗi thôn), hoặc .xls/.xlsx khi chỉ có một thôn."),
    ],
    year: YearOpt = None,
    commune: CommuneOpt = None,
    village: VillageOpt = None,
    suffix: Annotated[
        str, typer.Option("--format", help="Dạng tệp trong .zip: xls (như hệ thống) hoặc xlsx.")
    ] = "xls",
) -> None:
    """Ghi sổ ra mẫu nhập liệu của Bộ (pcgd.moet.gov.vn) để tải lên hệ thống."""
    from phocap.survey.official import writing

    console = Console()
    result = validate_file(files, year=year, keep_records=True,
                           context=_context(commune, year, village))
    if not result.report.ok or result.records is None:
        print_report(result.report, console, limit=50)
        raise typer.Exit(EXIT_ERRORS)
    records = result.records
    if commune is not None:
        records = records.filter(records["commune_code"] == commune)
    communes = records["commune_code"].unique().to_list()
    villages = records["village"].unique().to_list()
    if len(communes) != 1:
        console.print(f"[red]Dữ liệu có {len(communes)} xã: chọn một xã bằng --commune.[/red]")
        raise typer.Exit(EXIT_ERRORS)
    if output.suffix.lower() == ".zip":
        notes = writing.write_commune(records, output, f".{suffix.lstrip('.').lower()}")
    elif output.suffix.lower() in (".xls", ".xlsx") and len(villages) == 1:
        notes = writing.write_village(records, output)
    else:
        console.print(f"[red]Xã có {len(villages)} thôn: cần tệp .zip (một tệp mỗi thôn), hoặc"
                      " .xls/.xlsx khi chỉ có một thôn.[/red]")
        raise typer.Exit(EXIT_ERRORS)
    console.print(f"Đã ghi {len(villages)} thôn, {records.height} người theo mẫu của Bộ: {output}")
    for note in notes:
        console.print(f"[yellow]Lưu ý:[/yellow] {note}")


@units_app.command("build")
def units_build(
    source: Annotated[Path, typer.Option(help="Thư mục danh mục gốc.")] = SOURCE_DIR,
    out: Annotated[Path, typer.Option(help="Thư mục dữ liệu của gói.")] = PACKAGE_DATA_DIR,
) -> None:
    """Dựng lại dữ liệu đơn vị hành chính của gói từ danh mục gốc (phocap/units/sources)."""
    build_main(source, out)


def _mount_synth() -> None:
    from phocap.synth.cli import app as synth_app

    app.registered_commands.extend(synth_app.registered_commands)


_mount_synth()

if __name__ == "__main__":
    app()
