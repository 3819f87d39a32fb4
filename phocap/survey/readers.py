"""Readers: CSV, XLSX, XLS and Parquet into one table of raw text.

Every cell is read as text, exactly as written, so that a problem can quote the
value the officer typed; typing happens in validation. Headers may be the
English key or the Vietnamese header in any case and with or without
diacritics; banner rows above the header (titles, merged group captions) are
skipped by finding the row that looks most like a header. Rows keep the number
the officer sees in the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

import polars as pl
import pyarrow.parquet as pq

from phocap.survey import legacy_fonts
from phocap.survey.limits import (
    DEFAULT,
    Limits,
    check_size,
    check_xls,
    check_zip,
    megabytes,
    too_many_rows,
)
from phocap.survey.official.workbook import Loaded, load
from phocap.survey.parse import code
from phocap.survey.problems import ERROR, WARNING, Problem, SurveyFileError
from phocap.survey.schema import COLUMNS
from phocap.survey.text import fold

if TYPE_CHECKING:
    from phocap.survey.official.reading import Context

ROW = "source_row"
HEADER_SCAN_ROWS = 20  # how far down a sheet the header row may sit
MIN_HEADER_MATCHES = 3  # a row naming fewer known columns is not a header
PARQUET_BATCH_ROWS = 250_000
LEGACY_CELLS_LISTED = 200  # legacy-font cells warned one by one, per sheet

# Other spellings officers use for the same columns. Folded (see text.fold).
_ALIASES: dict[str, tuple[str, ...]] = {
    "survey_year": ("nam", "nam dieu tra pc"),
    "village": ("thon", "xom", "ban", "thon ban", "thon xom ban", "thon to"),
    "household_no": ("so phieu dieu tra", "ma ho", "so ho"),
    "person_no": ("so thu tu", "tt"),
    "national_id": ("cccd", "so cccd", "ma dinh danh", "so dinh danh ca nhan"),
    "full_name": ("ho ten", "ho va ten nguoi"),
    "birth_date": ("ngay thang nam sinh", "ngay sinh nam sinh"),
    "sex": ("gioi", "gioi tinh nam nu"),
    "current_class": ("lop",),
    "current_school": ("truong",),
    "disability": ("khuyet tat kt",),
}


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        lookup[fold(column.key.replace("_", " "))] = column.key
        lookup[fold(column.header_vi)] = column.key
        for alias in _ALIASES.get(column.key, ()):
            lookup[alias] = column.key
    return lookup


HEADER_LOOKUP = _header_lookup()


def header_key(header: str) -> str | None:
    """The contract key a header names, if any."""
    return HEADER_LOOKUP.get(fold(header))


@dataclass
class Sheet:
    """Raw text of one sheet (or one batch of a large file), headers mapped.

    ``data`` has one String column per mapped contract key and per unknown
    header (kept as extra data), plus ``source_row``.
    """

    file: str
    name: str | None
    data: pl.DataFrame
    headers: dict[str, str] = field(default_factory=dict)  # column in data → header as written
    unknown: list[str] = field(default_factory=list)  # columns of data that are not contract keys
    problems: list[Problem] = field(default_factory=list)
    header_row: int = 1  # file row of the header
    positional_headers: list[str] = field(default_factory=list)  # header of each file column


def read(
    path: Path, batch_rows: int = PARQUET_BATCH_ROWS, limits: Limits = DEFAULT,
    context: Context | None = None, warnings: bool = True,
) -> Iterator[Sheet]:
    """Yield the sheets of a survey file; large Parquet files come in batches.

    ``warnings=False`` skips the search for text in legacy fonts, which only ever
    warns: for a caller that reads the errors alone (validate's ``warnings``).

    A workbook of the ministry's own template is recognised by its header and
    read by phocap.survey.official, with ``context`` supplying what it lacks.
    Raises SurveyFileError when the file cannot be read at all, or would cost
    more than ``limits`` allow (checked before the costly part is read, and
    before either reader of workbooks opens one).
    """
    suffix = path.suffix.lower()
    if not path.exists():
        raise SurveyFileError(Problem(ERROR, "file_missing", "Không tìm thấy tệp.", path.name))
    check_size(path, limits)
    if suffix == ".csv" or suffix == ".txt":
        sheets: Iterator[Sheet] = iter([_read_csv(path, limits)])
    elif suffix in (".xlsx", ".xlsm", ".xls"):
        from phocap.survey.official import reading as official  # it builds on this module

        with_formulas = _check_excel(path, limits)
        loaded = _load_excel(path, limits)
        found = official.read(path, context, loaded)
        sheets = (iter(found) if found is not None
                  else _read_excel(path, limits, loaded, with_formulas))
    elif suffix == ".parquet":
        sheets = _read_parquet(path, batch_rows, limits)
    else:
        raise SurveyFileError(
            Problem(
                ERROR,
                "file_type",
                f"Không đọc được loại tệp “{path.suffix}”: cần CSV, XLSX, XLS hoặc Parquet.",
                path.name,
            )
        )
    rows = 0
    for sheet in sheets:
        rows += sheet.data.height
        too_many_rows(path.name, rows, limits, sheet.name)
        if warnings:
            sheet.problems.extend(_legacy_fonts(sheet))
        yield sheet


def _rows_to_read(limits: Limits) -> int | None:
    """Raw rows worth reading: the row limit, and room for banner rows and the header."""
    return None if limits.max_rows is None else limits.max_rows + HEADER_SCAN_ROWS + 1


# --- header handling -------------------------------------------------------------------------


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _find_header_row(rows: list[list[str | None]]) -> int | None:
    best, best_hits = None, MIN_HEADER_MATCHES - 1
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = len({header_key(_clean(cell)) for cell in row if _clean(cell)} - {None})
        if hits > best_hits:
            best, best_hits = index, hits
    return best


def _map_columns(
    file: str, sheet: str | None, header_cells: list[str], header_row: int, data: pl.DataFrame
) -> Sheet:
    """Rename raw columns to contract keys; report unknown, empty and repeated headers."""
    problems: list[Problem] = []
    renames: dict[str, str] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    seen: dict[str, str] = {}
    drop: list[str] = []
    for raw_name, header in zip(data.columns, header_cells, strict=True):
        if raw_name == ROW:
            continue
        if not header:
            if data[raw_name].drop_nulls().len() == 0:
                drop.append(raw_name)
                continue
            position = data.columns.index(raw_name) + 1
            problems.append(
                Problem(
                    ERROR,
                    "header_empty",
                    f"Cột thứ {position} có dữ liệu nhưng không có tiêu đề ở dòng {header_row}"
                    " (có thể do ô tiêu đề bị gộp). Hãy bỏ gộp ô và ghi tên cột cho từng cột.",
                    file,
                    sheet,
                    header_row,
                )
            )
            drop.append(raw_name)
            continue
        key = header_key(header)
        if key is None:
            name = header
            while name in renames.values() or name in HEADER_LOOKUP.values():
                name += "_"
            renames[raw_name], headers[name] = name, header
            unknown.append(name)
            continue
        if key in seen:
            problems.append(
                Problem(
                    ERROR,
                    "header_repeated",
                    f"Hai cột cùng chỉ “{key}”: “{seen[key]}” và “{header}”. Hãy giữ một cột.",
                    file,
                    sheet,
                    header_row,
                    key,
                    header,
                )
            )
            drop.append(raw_name)
            continue
        seen[key] = header
        renames[raw_name], headers[key] = key, header
    if unknown:
        problems.append(
            Problem(
                WARNING,
                "header_unknown",
                "Cột không thuộc mẫu phiếu, được giữ lại như dữ liệu bổ sung: "
                + ", ".join(f"“{headers[u]}”" for u in unknown)
                + ".",
                file,
                sheet,
                header_row,
            )
        )
    out = data.drop(drop).rename(renames)
    positional = [h for h in header_cells if h is not None]
    return Sheet(file, sheet, out, headers, unknown, problems, header_row, positional)


def _frame_from_rows(file: str, sheet: str | None, raw: pl.DataFrame, first_row: int) -> Sheet:
    """From a sheet read without headers: find the header, keep the rows below it.

    ``first_row`` is the file row number of raw's first row (1-based).
    """
    raw = raw.with_columns(pl.all().cast(pl.String).str.strip_chars())
    head_rows = raw.head(HEADER_SCAN_ROWS).rows()
    index = _find_header_row([list(r) for r in head_rows])
    if index is None:
        found = [c for c in (head_rows[0] if head_rows else ()) if c]
        raise SurveyFileError(
            Problem(
                ERROR,
                "header_missing",
                f"Không tìm thấy dòng tiêu đề trong {HEADER_SCAN_ROWS} dòng đầu"
                + (f" (trang “{sheet}”)" if sheet else "")
                + ": cần các cột như “Mã xã”, “Số phiếu”, “STT”, “Họ và tên”, “Ngày sinh”."
                + (f" Dòng đầu có: {', '.join(found[:6])}." if found else " Trang trống."),
                file,
                sheet,
            )
        )
    header_row = first_row + index
    header_cells = [_clean(c) for c in head_rows[index]]
    body = raw.slice(index + 1).with_columns(
        pl.int_range(header_row + 1, header_row + 1 + raw.height - index - 1, dtype=pl.Int32)
        .alias(ROW)
    )
    body = body.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
        for c in body.columns
        if c != ROW
    )
    value_columns = [c for c in body.columns if c != ROW]
    body = body.filter(pl.any_horizontal(pl.col(value_columns).is_not_null()))
    return _map_columns(file, sheet, [*header_cells, ""], header_row, body)


# --- legacy fonts ----------------------------------------------------------------------------


def _legacy_fonts(sheet: Sheet) -> list[Problem]:
    """A warning per cell that looks typed in TCVN3 or VNI (legacy_fonts.py), with its reading.

    The scan is one regular expression over the text columns; only the few cells it
    matches are read both ways. Past LEGACY_CELLS_LISTED cells a sheet gets one more
    warning with the count.
    """
    columns = [c for c in sheet.data.columns if c != ROW]
    if not columns or sheet.data.height == 0:
        return []
    suspect = sheet.data.filter(
        pl.any_horizontal(pl.col(c).str.contains(legacy_fonts.SUSPECT) for c in columns))
    found: list[Problem] = []
    unlisted = 0
    for row in suspect.iter_rows(named=True):
        for column in columns:
            value = row[column]
            reading = legacy_fonts.legacy_reading(value) if value else None
            if reading is None:
                continue
            if len(found) >= LEGACY_CELLS_LISTED:
                unlisted += 1
                continue
            header = sheet.headers.get(column, column)
            encoding, unicode_text = reading
            found.append(
                Problem(
                    WARNING,
                    "legacy_font",
                    f"Ô “{header}” có vẻ được gõ bằng phông {encoding} (bảng mã cũ, không phải"
                    f" Unicode): “{value}” đọc là “{unicode_text}”. Hãy chuyển tệp sang Unicode"
                    " (lệnh “phocap unicode”, hoặc công cụ chuyển mã của Unikey) rồi tải lại.",
                    sheet.file,
                    sheet.name,
                    row[ROW],
                    None if column in sheet.unknown else column,
                    header,
                    value,
                )
            )
    if unlisted:
        found.append(
            Problem(
                WARNING,
                "legacy_font",
                f"Còn {unlisted} ô khác cũng có vẻ được gõ bằng phông TCVN3 hoặc VNI: hãy"
                " chuyển cả tệp sang Unicode (lệnh “phocap unicode”) rồi tải lại.",
                sheet.file,
                sheet.name,
            )
        )
    return found


# --- CSV -------------------------------------------------------------------------------------


def _decode_problem(path: Path, content: bytes) -> Problem | None:
    """Why CSV bytes are not UTF-8, in words an officer can act on."""
    hint = " Hãy mở tệp trong Excel và lưu lại bằng “CSV UTF-8 (Comma delimited)”."
    head = content[:4096]
    # UTF-16 without a BOM shows as a NUL beside every ASCII letter.
    if content[:2] in (b"\xff\xfe", b"\xfe\xff") or head.count(b"\x00") > len(head) // 4:
        return Problem(
            ERROR, "encoding", "Tệp CSV đang ở bảng mã UTF-16, cần UTF-8." + hint, path.name
        )
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        byte = content[exc.start : exc.start + 1].hex().upper()
        return Problem(
            ERROR,
            "encoding",
            f"Tệp CSV không phải UTF-8: dòng {line} có byte 0x{byte} không hợp lệ"
            " (tệp có thể đang ở bảng mã Windows-1258 hoặc TCVN3)." + hint,
            path.name,
            row=line,
        )
    return None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def _read_csv(path: Path, limits: Limits) -> Sheet:
    content = path.read_bytes()
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    problem = _decode_problem(path, content)
    if problem is not None:
        raise SurveyFileError(problem)
    if not content.strip():
        raise SurveyFileError(Problem(ERROR, "empty", "Tệp CSV trống.", path.name))
    first_line = content.split(b"\n", 1)[0].decode("utf-8")
    try:
        raw = pl.read_csv(
            content,
            has_header=False,
            infer_schema=False,
            separator=_delimiter(first_line),
            truncate_ragged_lines=True,
            n_rows=_rows_to_read(limits),
        )
    except pl.exceptions.PolarsError as exc:
        raise SurveyFileError(
            Problem(ERROR, "csv_structure", f"Không đọc được cấu trúc CSV: {exc}", path.name)
        ) from exc
    return _bounded(_frame_from_rows(path.name, None, raw, 1), raw, limits)


def _bounded(sheet: Sheet, raw: pl.DataFrame, limits: Limits) -> Sheet:
    """The sheet, unless rows beyond the limit were left unread below its header."""
    too_many_rows(sheet.file, raw.height - sheet.header_row, limits, sheet.name)
    return sheet


# --- Excel -----------------------------------------------------------------------------------

_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*(?<!/)>(?:(?!</c>).)*?<f[ >/]((?:(?!</c>).)*?)</c>', re.S
)


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (letter - 64)
    return index - 1


def _formulas_without_values(path: Path, parts: set[str]) -> dict[str, list[tuple[int, int, str]]]:
    """Formula cells whose result was never calculated, per sheet XML part (of ``parts``,
    those that hold any formula).

    Files written by programs (not saved by Excel) can carry formulas with no
    cached result; a reader would then see an empty or zero cell. We refuse to
    guess and name the cell instead.
    """
    found: dict[str, list[tuple[int, int, str]]] = {}
    if not parts:
        return found
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name not in parts or not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
                continue
            xml = archive.read(name)
            if b"<f" not in xml:
                continue
            for match in _FORMULA_CELL.finditer(xml):
                rest = match.group(3)
                if b"<v>" in rest and not rest.endswith(b"<v></v>"):
                    continue
                formula = re.sub(rb"<[^>]+>.*", b"", rest).decode("utf-8", "replace")
                found.setdefault(name, []).append(
                    (int(match.group(2)), _column_index(match.group(1)), formula)
                )
    return found


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its XML part, from the workbook and its relationships."""
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "").lstrip("/")
        parts[sheet.get("name", "")] = target if target.startswith("xl/") else f"xl/{target}"
    return parts


def _check_excel(path: Path, limits: Limits) -> set[str]:
    """What a workbook would inflate to, measured before any library opens it; the sheet
    parts of an XLSX that may hold formulas (limits.check_zip)."""
    if path.suffix.lower() == ".xls":
        check_xls(path, path.name, limits)
        return set()
    return check_zip(path, path.name, limits)


def _broken(path: Path, exc: Exception) -> SurveyFileError:
    """A workbook that cannot be opened, in the officer's words."""
    kind = "XLS" if path.suffix.lower() == ".xls" else "XLSX"
    return SurveyFileError(
        Problem(
            ERROR,
            "excel_broken",
            f"Không mở được tệp {kind}: tệp bị hỏng, không đầy đủ hoặc không phải tệp {kind}"
            f" ({type(exc).__name__}). Hãy mở bằng Excel và lưu lại.",
            path.name,
        )
    )


def _load_excel(path: Path, limits: Limits) -> list[Loaded]:
    """Every sheet of a workbook parsed once (workbook.load), the rows limited; a workbook
    that cannot be read is one error in the officer's words."""
    try:
        return load(path, rows=_rows_to_read(limits))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError) as exc:
        raise _broken(path, exc) from exc
    except Exception as exc:  # fastexcel raises its own exception types
        raise SurveyFileError(
            Problem(
                ERROR,
                "excel_broken",
                f"Không mở được tệp Excel: tệp bị hỏng hoặc không đầy đủ ({exc}).",
                path.name,
            )
        ) from exc


def _read_excel(path: Path, limits: Limits, loaded: list[Loaded],
                with_formulas: set[str]) -> Iterator[Sheet]:
    """A workbook in phocap's own layout; read() has checked it (_check_excel: its sheets
    ``with_formulas``) and parsed its sheets (_load_excel)."""
    is_xlsx = path.suffix.lower() != ".xls"
    try:
        formulas = _formulas_without_values(path, with_formulas) if is_xlsx else {}
        parts = _sheet_parts(path) if is_xlsx and formulas else {}
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _broken(path, exc) from exc
    found = 0
    skipped: list[str] = []
    for book_sheet in loaded:
        sheet_name, raw = book_sheet.name, book_sheet.frame
        if raw.height == 0 or raw.width == 0:
            skipped.append(sheet_name)
            continue
        try:
            sheet = _bounded(_frame_from_rows(path.name, sheet_name, raw, 1), raw, limits)
        except SurveyFileError as exc:
            if exc.problem.code == "too_many_rows":
                raise

            skipped.append(sheet_name)
            continue
        part = parts.get(sheet_name)
        for row, col, formula in formulas.get(part, []) if part else []:
            cells = sheet.positional_headers
            header = cells[col] if col < len(cells) else None
            sheet.problems.append(
                Problem(
                    ERROR,
                    "formula_without_value",
                    f"Ô có công thức “={formula}” nhưng chưa có giá trị tính sẵn (tệp chưa được"
                    " lưu bằng Excel). Hãy mở tệp trong Excel rồi lưu lại, hoặc dán giá trị"
                    " thay cho công thức.",
                    path.name,
                    sheet_name,
                    row,
                    header_key(header or ""),
                    header,
                    "=" + formula,
                )
            )
        found += 1
        yield sheet
    if not found:
        names = ", ".join(f"“{s}”" for s in skipped) or "(không có trang nào)"
        raise SurveyFileError(
            Problem(
                ERROR,
                "no_survey_sheet",
                f"Không có trang tính nào chứa dữ liệu phiếu điều tra: các trang {names} trống"
                " hoặc không có dòng tiêu đề (cần các cột như “Mã xã”, “Số phiếu”, “STT”,"
                " “Họ và tên”, “Ngày sinh”).",
                path.name,
            )
        )


# --- Parquet ---------------------------------------------------------------------------------


def _read_parquet(path: Path, batch_rows: int, limits: Limits) -> Iterator[Sheet]:
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        metadata = parquet.metadata
    except Exception as exc:
        raise SurveyFileError(
            Problem(
                ERROR,
                "parquet_broken",
                f"Không đọc được tệp Parquet: tệp bị hỏng hoặc không đầy đủ ({exc}).",
                path.name,
            )
        ) from exc
    if not any(header_key(n) for n in names):
        raise SurveyFileError(
            Problem(
                ERROR,
                "header_missing",
                "Tệp Parquet không có cột nào của mẫu phiếu (cần các cột như commune_code,"
                f" household_no, person_no, full_name, birth_date). Có: {', '.join(names[:8])}.",
                path.name,
            )
        )
    too_many_rows(path.name, metadata.num_rows, limits)
    groups = (metadata.row_group(i) for i in range(metadata.num_row_groups))
    if any(group.total_byte_size > limits.max_expanded for group in groups):
        raise SurveyFileError(
            Problem(
                ERROR,
                "parquet_too_large",
                f"Tệp “{path.name}” có nhóm dòng giải nén ra hơn"
                f" {megabytes(limits.max_expanded)}: hãy ghi lại tệp với nhóm dòng nhỏ hơn"
                " (row group).",
                path.name,
            )
        )
    offset = 0
    try:
        # Polars' own reader, a slice at a time: it decodes only the row groups a slice
        # touches, on every core, several times faster than pyarrow's batches, and the
        # slices bound what is in memory (its batch iterator reads ahead without bound).
        scan = pl.scan_parquet(path)
        for start in range(0, metadata.num_rows, batch_rows):
            frame = scan.slice(start, batch_rows).collect()
            frame = frame.select(
                pl.col(c).cast(pl.String) if frame[c].dtype != pl.String
                else pl.col(c).str.strip_chars()
                for c in frame.columns
            )
            frame = frame.with_columns(
                pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
                for c in frame.columns
            ).with_columns(
                pl.int_range(offset + 2, offset + 2 + frame.height, dtype=pl.Int32).alias(ROW)
            )
            offset += frame.height
            yield _map_columns(path.name, None, [*names, ""], 1, frame)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise SurveyFileError(
            Problem(
                ERROR,
                "parquet_broken",
                f"Tệp Parquet bị hỏng sau dòng {offset + 1}: {exc}",
                path.name,
                row=offset + 1,
            )
        ) from exc



def commune_codes(path: Path, limits: Limits = DEFAULT,
                  context: Context | None = None) -> set[str]:
    """The commune codes a survey file names, as validation will read them (an XLSX cell
    3319 is commune 03319), read before anything else; cells that are no code are left
    out (validation reports them, and a file with errors is never previewed).

    The register asks this before validating an upload (register/scope.py): who may
    import a file depends only on its communes. Parquet reads the one column; the
    other formats are read as for validation but only this column is kept. The
    upload's ``limits`` hold here too, since this is the first read of the file.
    A ministry's workbook names no commune: its code is the ``context``'s, as
    validation will read it.
    """
    if not path.exists():
        raise SurveyFileError(Problem(ERROR, "file_missing", "Không tìm thấy tệp.", path.name))
    check_size(path, limits)
    if path.suffix.lower() == ".parquet":
        try:
            parquet = pq.ParquetFile(path)
        except Exception:
            return _codes_of_sheets(path, limits, context)
        too_many_rows(path.name, parquet.metadata.num_rows, limits)
        wanted = [n for n in parquet.schema_arrow.names if header_key(n) == "commune_code"]
        if not wanted:
            return set()
        column = pq.read_table(path, columns=wanted[:1]).column(0)
        return _codes(pl.Series([None if v is None else str(v) for v in column.to_pylist()],
                                dtype=pl.String))
    return _codes_of_sheets(path, limits, context)


def _codes_of_sheets(path: Path, limits: Limits, context: Context | None) -> set[str]:
    codes: set[str] = set()
    for sheet in read(path, limits=limits, context=context):
        if "commune_code" in sheet.data.columns:
            codes |= _codes(sheet.data["commune_code"])
    return codes


def _codes(raw: pl.Series) -> set[str]:
    width = next(c.width for c in COLUMNS if c.key == "commune_code")
    parsed = pl.DataFrame({"raw": raw.str.strip_chars()}).select(code(pl.col("raw"), width))
    return set(parsed.to_series().drop_nulls().to_list())
