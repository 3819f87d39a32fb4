"""Read the ministry's workbooks into the survey record's raw text.

Two workbooks are recognised by their content, with no flag: a village's
data-entry file (the sheet carrying the template's header; ``MauNhapLieu`` by
default) and the commune workbook (sheet ``DATA``: the village in column A,
the survey year in A2). Each template sheet becomes one readers.Sheet with the
survey record's keys, so the file goes through the same validation as our own
format. What the file does not say (survey year, commune, village) comes
from the officer through a Context.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from phocap.survey.official import cells, layout, values
from phocap.survey.official.workbook import Grid, Loaded, grids
from phocap.survey.problems import ERROR, WARNING, Problem
from phocap.survey.readers import ROW, Sheet
from phocap.survey.text import fold, normalize

HEADER_SCAN_ROWS = 10
# Why a cell the reader counts as not kept is not kept, by its column.
NOT_KEPT = {
    "L": "tên chủ hộ ở cột L, M khác tên người ghi “Chủ hộ” ở cột AV; sổ lấy người đó làm chủ"
         " hộ",
    "S": "dấu lưu ban (!) hoặc học 2 buổi (*) ở cột S nhưng cột R không ghi khối học",
}
_LEADING_NUMBER = re.compile(r"^\d+\s*[.\-_)]\s*")


@dataclass
class Context:
    """What an official file does not carry, chosen by the officer at import."""

    commune_code: str | None = None
    year: int | None = None
    village: str | None = None


@dataclass
class _Found:
    grid: Grid
    commune_workbook: bool
    header: int | None  # frame position of the template's row 2, if any


def village_from_file(path: Path) -> str:
    """ "01. Bản Pồn.xls" → "Bản Pồn": the village a file is named after."""
    return normalize(_LEADING_NUMBER.sub("", path.stem))


def _header_position(grid: Grid) -> int | None:
    best, best_hits = None, layout.RECOGNISE_MIN - 1
    for position in range(min(HEADER_SCAN_ROWS, grid.frame.height)):
        found = {fold(v) for v in grid.row(position).values() if v}
        hits = len(found & layout.DISTINCTIVE)
        if hits > best_hits:
            best, best_hits = position, hits
    return best


def _recognise(grid: Grid) -> _Found | None:
    header = _header_position(grid)
    if fold(grid.sheet) == fold(layout.COMMUNE_SHEET_NAME):
        year_cell = [grid.row(p)["A"] for p in range(2)]
        if header is not None or any(values.whole(v) for v in year_cell):
            return _Found(grid, True, header)
    if header is not None:
        return _Found(grid, False, header)
    return None


def read(path: Path, context: Context | None, sheets: list[Loaded]) -> list[Sheet] | None:
    """The template sheets of a workbook (its ``sheets``, loaded once by readers.read) as
    Sheets; None when it has none."""
    heads = grids(sheets, rows=HEADER_SCAN_ROWS)
    if not heads or not any(_recognise(g) for g in heads):
        return None
    context = context or Context()
    out: list[Sheet] = []
    for grid in grids(sheets):
        found = _recognise(grid)
        if found is not None:
            out.append(_SheetReader(path, found, context).sheet())
    return out


class _SheetReader:
    def __init__(self, path: Path, found: _Found, context: Context) -> None:
        self.path, self.found, self.context = path, found, context
        self.grid = found.grid
        self.problems: list[Problem] = []
        # Rows have no absolute index in calamine's used range: the template's
        # row 2 (or, in the commune workbook, the year in A2) anchors them.
        anchor = found.header
        if anchor is None:
            anchor = 0 if values.whole(self.grid.row(0)["A"]) else 1
        self.offset = layout.HEADER_ROW - 1 - anchor  # file row = position + 1 + offset

    def file_row(self, position: int) -> int:
        return position + 1 + self.offset

    def position(self, file_row: int) -> int:
        return file_row - 1 - self.offset

    def problem(self, code: str, message: str, row: int | None = None, key: str | None = None,
                header: str | None = None, value: str | None = None,
                severity: str = ERROR) -> None:
        self.problems.append(Problem(severity, code, message, self.path.name, self.grid.sheet,
                                     row, key, header, value))

    def where(self, row: int, header: str) -> str:
        return f"Tệp {self.path.name}, trang “{self.grid.sheet}”, dòng {row}, cột {header}"

    # --- structure ------------------------------------------------------------------------

    def check_header(self) -> None:
        header = self.found.header
        if header is None:
            return
        if self.offset < 0:
            self.problem(
                "official_header_moved",
                f"Tệp {self.path.name}, trang “{self.grid.sheet}”: tiêu đề cột nằm ở dòng"
                f" {header + 1}, mẫu của Bộ đặt ở dòng {layout.HEADER_ROW}–{layout.SUB_HEADER_ROW}"
                " (có dòng bị chèn phía trên). Hãy xóa các dòng thừa để dữ liệu bắt đầu từ dòng"
                f" {layout.FIRST_DATA_ROW}.",
                header + 1,
            )
        owners: dict[str, str] = {}
        for (row, letter), text in layout.header_cells().items():
            if row != layout.GROUP_ROW:
                owners.setdefault(fold(text), letter)
        for (row, letter), expected in layout.header_cells().items():
            if row == layout.GROUP_ROW:
                continue
            actual = self.grid.row(self.position(row))[letter] or ""
            if fold(actual) == fold(expected):
                continue
            owner = owners.get(fold(actual))
            if self.found.commune_workbook and (owner is None or owner == letter):
                continue  # the commune workbook's own captions vary; only a shift matters
            hint = (
                f" “{actual}” là tiêu đề của cột {owner} trong mẫu: có cột đã bị chèn, xóa hoặc"
                " dời chỗ."
                if owner and owner != letter else ""
            )
            column = layout.BY_LETTER[letter]
            self.problem(
                "official_header_mismatch",
                f"{self.where(row, column.caption)}: tiêu đề là “{actual}”, mẫu của Bộ ghi"
                f" “{expected}”.{hint} Hãy đặt các cột đúng thứ tự như mẫu (cột A để trống,"
                " TT ở cột B).",
                row, None, column.caption, actual,
            )

    # --- the file's context ---------------------------------------------------------------

    def unit(self) -> dict[str, str | None]:
        """survey_year, province, district and commune codes, from the context."""
        year = self.context.year
        if self.found.commune_workbook:
            written = values.whole(self.grid.row(self.position(layout.COMMUNE_YEAR_CELL[0]))["A"])
            if year is None:
                year = written
            elif written is not None and written != year:
                self.problem(
                    "official_year_mismatch",
                    f"Tệp {self.path.name}, trang “{self.grid.sheet}”, ô A2 ghi năm điều tra"
                    f" {written}, khác năm đã chọn {year}.",
                    2, "survey_year", "A2 (Năm điều tra)", str(written),
                )
        if year is None:
            self.problem("official_year_missing",
                         f"Tệp {self.path.name} theo mẫu của Bộ không ghi năm điều tra: hãy chọn"
                         " năm điều tra (--year).")
            return {}
        out: dict[str, str | None] = {"survey_year": str(year)}
        code = self.context.commune_code
        if code is None:
            self.problem("official_commune_missing",
                         f"Tệp {self.path.name} theo mẫu của Bộ không ghi xã: hãy chọn mã xã"
                         " (--commune).")
            return out
        from phocap.units import registry_for_year

        unit = registry_for_year(year).get(code.strip(), "commune")
        if unit is None:
            self.problem("official_commune_unknown",
                         f"Mã xã “{code}” đã chọn không có trong danh mục đơn vị hành chính năm"
                         f" {year}.", value=code)
            return out
        out.update(province_code=unit.province_code, district_code=unit.district_code or None,
                   commune_code=unit.code)
        return out

    # --- people ---------------------------------------------------------------------------

    def rows(self) -> list[tuple[int, dict[str, str | None]]]:
        first = self.position(layout.FIRST_DATA_ROW)
        numbering = self.grid.row(first - 1)
        if numbering["B"] not in (None, "1") and any(numbering[c] for c in ("C", "D", "O")):
            self.problem(
                "official_numbering_row",
                f"Tệp {self.path.name}, trang “{self.grid.sheet}”, dòng {layout.NUMBER_ROW} là"
                " dòng đánh số cột của mẫu (1, 2, 3…), nhưng đang có dữ liệu: dữ liệu bắt đầu"
                f" từ dòng {layout.FIRST_DATA_ROW}.",
                layout.NUMBER_ROW,
            )
        people = []
        frame = self.grid.frame
        person_columns = [c for c in frame.columns if layout.index(c) >= layout.index("C")]
        filled = frame.select(pl.any_horizontal(pl.col(person_columns).is_not_null()))
        for position, has_data in enumerate(filled.to_series().to_list()):
            if position >= max(first, 0) and has_data:
                people.append((self.file_row(position), self.grid.row(position)))
        return people

    def village(self, row_cells: dict[str, str | None]) -> str | None:
        if self.context.village:
            return self.context.village
        if self.found.commune_workbook:
            return row_cells["A"]
        return village_from_file(self.path)

    def sheet(self) -> Sheet:
        self.check_header()
        unit = self.unit()
        records: list[dict[str, str | None]] = []
        heads: list[bool] = []
        named_heads: list[bool] = []
        lost: Counter[str] = Counter()
        for row, row_cells in self.rows():
            person = cells.person(row_cells)
            for found in person.problems:
                self.problem(
                    "official_cell", f"{self.where(row, found.header)}: “{found.value}” —"
                    f" {found.message}.", row, found.key, found.header, found.value,
                    found.severity,
                )
            lost.update(person.lost)
            record = {**unit, **person.raw, "village": self.village(row_cells), ROW: str(row)}
            head_name = " ".join(v for v in (row_cells["L"], row_cells["M"]) if v)
            record["__head__"] = head_name
            records.append(record)
            named = bool(head_name) and fold(head_name) == fold(record["full_name"] or "")
            heads.append(person.head)
            named_heads.append(row_cells["AV"] is None and named)
        self.households(records, heads, named_heads, lost)
        self.report_lost(lost)
        return self.build(records, list(unit))

    def households(self, records: list[dict[str, str | None]], heads: list[bool],
                   named_heads: list[bool], lost: Counter[str]) -> None:
        """Number each household's members (the head first) and check its one head.

        The head says "Chủ hộ" in AV; in a household where no row does, the head is
        the row with AV blank that bears the name written in L and M. The template
        has no member number: the head is 1 and the others follow in file order.
        A household is its village and Số phiếu: the ministry numbers households
        within each village, so two villages of one import may both have household 1.
        """
        groups: dict[tuple[str | None, str], list[int]] = {}
        av = layout.caption("AV")
        for i, record in enumerate(records):
            number = record["household_no"]
            if number is None:
                row = int(record[ROW] or 0)
                self.problem(
                    "official_no_household",
                    f"{self.where(row, layout.caption('O'))}: người “{record['full_name'] or ''}”"
                    " không có Số phiếu nên không thuộc hộ nào. Hãy ghi số phiếu của hộ.",
                    row, "household_no", layout.caption("O"), "",
                )
                continue
            groups.setdefault((record["village"], number), []).append(i)
        for (_, number), members in groups.items():
            rows = [int(records[i][ROW] or 0) for i in members]
            head_positions = [i for i in members if heads[i]] or [
                i for i in members if named_heads[i]
            ]
            if not head_positions:
                alone = len(members) == 1
                text = (
                    f"{self.where(rows[0], layout.caption('O'))}: không có hộ nào mang Số phiếu"
                    f" “{number}” (không dòng nào cùng số phiếu ghi “{layout.HEAD}” ở cột AV)."
                    " Kiểm tra lại số phiếu của người này."
                    if alone else
                    f"{self.where(rows[0], av)}: hộ Số phiếu “{number}” (dòng"
                    f" {', '.join(map(str, rows))}) không có ai ghi “{layout.HEAD}” ở cột AV:"
                    " mỗi hộ cần đúng một chủ hộ."
                )
                self.problem("official_no_head" if not alone else "official_unknown_household",
                             text, rows[0], "household_no",
                             av if not alone else layout.caption("O"), number)
            for extra in head_positions[1:]:
                row = int(records[extra][ROW] or 0)
                first = int(records[head_positions[0]][ROW] or 0)
                self.problem(
                    "official_two_heads",
                    f"{self.where(row, av)}: hộ Số phiếu “{number}” đã có chủ hộ ở dòng {first};"
                    " mỗi hộ chỉ có một người ghi “Chủ hộ”.",
                    row, "household_no", av, layout.HEAD,
                )
            ordered = head_positions[:1] + [i for i in members if i not in head_positions[:1]]
            for person_no, i in enumerate(ordered, start=1):
                records[i]["person_no"] = str(person_no)
            if head_positions:
                head_name = fold(records[head_positions[0]]["full_name"] or "")
                lost["L"] += sum(
                    1 for i in members if records[i]["__head__"]
                    and fold(records[i]["__head__"] or "") != head_name
                )

    def report_lost(self, lost: Counter[str]) -> None:
        found = [(letter, n) for letter, n in sorted(lost.items(), key=lambda i: layout.index(
            i[0])) if n]
        if not found:
            return
        listed = "; ".join(f"{layout.caption(letter)}: {n} ô ({NOT_KEPT[letter]})"
                           for letter, n in found)
        self.problem(
            "official_not_carried",
            f"Tệp {self.path.name}, trang “{self.grid.sheet}”: các ô sau không được nhập vào"
            f" sổ — {listed}. Hãy kiểm tra và sửa trong tệp nếu cần.",
            severity=WARNING,
        )

    def build(self, records: list[dict[str, str | None]], unit: list[str]) -> Sheet:
        """The Sheet; the unit's columns only when the context gave them (one message, not
        one a row)."""
        keys = [*unit, "village", "household_no", "person_no", *cells.RECORD_KEYS]
        data = pl.DataFrame(
            {k: [r.get(k) for r in records] for k in keys}, schema=dict.fromkeys(keys, pl.String)
        ).with_columns(pl.Series(ROW, [int(r[ROW] or 0) for r in records], dtype=pl.Int32))
        headers = {
            "survey_year": "Năm điều tra (đã chọn)",
            "province_code": "Mã tỉnh (theo xã đã chọn)",
            "district_code": "Mã huyện (theo xã đã chọn)",
            "commune_code": "Mã xã (đã chọn)",
            "village": "A (Thôn/xóm)" if self.found.commune_workbook and not self.context.village
            else "Thôn/xóm (tên tệp)",
            "person_no": "STT (chủ hộ là 1)",
            **cells.HEADERS,
        }
        return Sheet(self.path.name, self.grid.sheet, data, headers, [], self.problems,
                     layout.HEADER_ROW)
