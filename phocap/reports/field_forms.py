"""Pre-filled field forms: a village's households printed for the survey round.

Each year the commune's surveyors walk from household to household with paper
forms (reference date 30 September). Printing what the register already holds
turns the visit into recording changes: each household gets its own sheet with
its members' answers as the register has them for the survey year (after the
roll-over, last year's answers moved up a class, register/rollover.py), an empty
box under every answer to write a correction in, tick boxes for a member who
moved away, died or was not met, and empty rows for new members (births,
move-ins). The same records go to the ministry's data-entry workbook
(survey/official/writing.py) for offices that prefer to correct in Excel.

The layout [inferred]: no public copy of the printed household form
("Phiếu điều tra phổ cập giáo dục, xóa mù chữ") was found. The header follows the
fields the public instructions for filling it in number (commune, village,
address, head of household, Số phiếu as the household's number within its
village, residence, the head's phone) and the columns follow the data-entry
template's column groups and values (docs/official-files.md §1), one row per
person, on an A4 landscape sheet: Thông tin đối tượng, nơi ở, học tập, xóa mù
chữ, khuyết tật, hoàn cảnh, liên lạc. What is printed in each cell is exactly
what the template's writer puts in that column (``writing.row_cells``), so the
paper, the workbook and an import read the same values. Not printed, for want of
room on a legible row (the workbook has them): J Tôn giáo, K Diện ưu tiên,
Q Tình trạng cư trú, T and U (the school's district and name), AA Số bằng and
AY Ghi chú; L, M, N and O are the sheet's header (head, address, Số phiếu).

Order: the register records no walking order of a village's households, so the
sheets follow the household numbers, compared as numbers ("2" before "10").

Vietnamese text is normalised to NFC and checked against the vendored typeface
(reports/typeface.py) before anything is drawn, as the dossier is.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import polars as pl
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import CallerMacro

from phocap.reports import typeface
from phocap.survey.official import writing
from phocap.survey.official.layout import DISABILITY_LETTERS
from phocap.survey.schema import DISABILITY_TYPES

PAGE = landscape(A4)
MARGIN = 10 * mm
HEADER = 34 * mm  # the household's block at the top of every sheet
FOOTER = 24 * mm  # the date of the visit and the signatures
CELL_SIZE = 7
HEAD_SIZE = 6.5
PRINTED = colors.Color(0.9, 0.9, 0.9)  # last year's answers, so corrections stand out
BLANK_ROWS = 3
REFERENCE_DAY = "30/9"
"""The survey's reference date (30 September of the survey year)."""

Cells = dict[str, writing.Cell]


@dataclass(frozen=True)
class Place:
    """Where the village is, as the header prints it (the district is None from
    1 July 2025, when communes sit directly under the province)."""

    province: str
    district: str | None
    commune: str
    village: str


@dataclass(frozen=True)
class Member:
    number: int  # the member's row on the household's sheet (TT)
    cells: Cells  # the template's cells by column letter (writing.row_cells)


@dataclass(frozen=True)
class HouseholdSheet:
    household_no: str
    head: str
    address: str
    residence: str
    phone: str
    members: list[Member] = field(default_factory=list)


def _number_key(household_no: str) -> tuple[tuple[int, int | str], ...]:
    """A household number compared as officers read it: "2" before "10", "10a" after "10"."""
    parts = re.findall(r"\d+|\D+", household_no.strip())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


KINDS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn",
         "đặc khu")
"""The words an official unit's name starts with when it says its kind."""


def _says_kind(name: str) -> bool:
    folded = unicodedata.normalize("NFC", name).casefold()
    return any(folded.startswith(kind + " ") for kind in KINDS)


def households(records: pl.DataFrame) -> list[HouseholdSheet]:
    """One village's records as household sheets, in the order the surveyor walks them
    (by household number: the register records no other), members by their STT."""
    people = records.sort(["household_no", "person_no"], nulls_last=True).to_dicts()
    found_heads = writing.heads(people)
    sheets: dict[str, HouseholdSheet] = {}
    for person in people:
        number = str(person["household_no"])
        head = found_heads[person["household_no"]]
        sheet = sheets.get(number)
        if sheet is None:
            sheet = sheets[number] = HouseholdSheet(
                number, str(head["full_name"]), str(head.get("address") or ""),
                str(head.get("residence") or ""), str(head.get("phone") or ""))
        cells = writing.row_cells(person, len(sheet.members) + 1, None)
        if person is head and "AV" not in cells:
            cells["AV"] = "Chủ hộ"
        sheet.members.append(Member(len(sheet.members) + 1, cells))
    return sorted(sheets.values(), key=lambda s: _number_key(s.household_no))


# --- the columns ---------------------------------------------------------------------------------


def _text(cells: Cells, *letters: str, joiner: str = " ") -> str:
    return joiner.join(str(cells[x]) for x in letters if x in cells and str(cells[x]))


def _birth(cells: Cells) -> str:
    if "E" in cells and "F" in cells:
        return f"{int(cells['E']):02d}/{int(cells['F']):02d}/{cells.get('G', '')}"
    return str(cells.get("G", ""))


def _disabilities(cells: Cells) -> str:
    return ", ".join(kind for letter, kind in zip(DISABILITY_LETTERS, DISABILITY_TYPES,
                                                  strict=True) if letter in cells)


@dataclass(frozen=True)
class Column:
    group: str
    header: str
    width: float  # millimetres: together the page's width inside its margins
    value: Callable[[Cells], str] | None  # None: a tick box, printed empty


COLUMNS: tuple[Column, ...] = (
    Column("Thông tin đối tượng", "TT", 5, lambda c: _text(c, "B")),
    Column("Thông tin đối tượng", "Họ và tên", 25, lambda c: _text(c, "C", "D")),
    Column("Thông tin đối tượng", "Ngày sinh", 13, _birth),
    Column("Thông tin đối tượng", "Nữ", 5, lambda c: _text(c, "H")),
    Column("Thông tin đối tượng", "Dân tộc", 10, lambda c: _text(c, "I")),
    Column("Thông tin đối tượng", "Quan hệ với chủ hộ", 10, lambda c: _text(c, "AV")),
    Column("Nơi ở", "Diện cư trú", 10, lambda c: _text(c, "P")),
    Column("Học tập", "Khối học", 8, lambda c: _text(c, "R") + ("\nbổ túc" if "X" in c else "")),
    Column("Học tập", "Lớp học", 7, lambda c: _text(c, "S")),
    Column("Học tập", "Mã trường", 13, lambda c: _text(c, "V")),
    Column("Học tập", "Bậc, năm tốt nghiệp", 14, lambda c: _text(c, "W", "Y", joiner="\n")),
    Column("Học tập", "Bậc, năm TN nghề", 11, lambda c: _text(c, "Z", "AB", joiner="\n")),
    Column("Học tập", "Học xong: lớp, năm", 14, lambda c: _text(c, "AC", "AD", joiner="\n")),
    Column("Học tập", "Bỏ học: lớp, năm", 14, lambda c: _text(c, "AE", "AF", joiner="\n")),
    Column("Xóa mù chữ", "Đang học lớp", 7, lambda c: _text(c, "AG")),
    Column("Xóa mù chữ", "Hoàn thành lớp", 8, lambda c: _text(c, "AH")),
    Column("Xóa mù chữ", "Tái mù mức", 7, lambda c: _text(c, "AI")),
    Column("Khuyết tật", "Dạng khuyết tật", 12, _disabilities),
    Column("Khuyết tật", "Có chứng nhận", 8, lambda c: _text(c, "AR")),
    Column("Khuyết tật", "Khả năng học tập", 8, lambda c: _text(c, "AS")),
    Column("Hoàn cảnh", "Hoàn cảnh đặc biệt", 11, lambda c: _text(c, "AT", "AU", joiner=": ")),
    Column("Liên lạc", "Họ tên cha hoặc mẹ", 17, lambda c: _text(c, "AW")),
    Column("Liên lạc", "Điện thoại", 15, lambda c: _text(c, "AX")),
    Column("Biến động (đánh dấu ×)", "Chuyển đi", 9, None),
    Column("Biến động (đánh dấu ×)", "Chết", 7, None),
    Column("Biến động (đánh dấu ×)", "Không gặp", 9, None),
)
TICKS = [i for i, c in enumerate(COLUMNS) if c.value is None]


def _groups() -> list[tuple[str, int, int]]:
    """Each header group with its first and last column, as the template merges row 1."""
    found: list[tuple[str, int, int]] = []
    for index, column in enumerate(COLUMNS):
        if found and found[-1][0] == column.group:
            found[-1] = (column.group, found[-1][1], index)
        else:
            found.append((column.group, index, index))
    return found


# --- the document --------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    typeface.register()
    base = ParagraphStyle("cell", fontName=typeface.REGULAR, fontSize=CELL_SIZE,
                          leading=CELL_SIZE * 1.15, alignment=TA_LEFT)
    return {
        "cell": base,
        "head": ParagraphStyle("head", parent=base, fontName=typeface.BOLD, fontSize=HEAD_SIZE,
                               leading=HEAD_SIZE * 1.15, alignment=TA_CENTER),
        "section": ParagraphStyle("section", parent=base, fontName=typeface.BOLD),
    }


@dataclass
class _State:
    """The household whose sheet is being drawn, and how many pages it took so far."""

    household: HouseholdSheet | None = None
    sheet: int = 0

    def starts(self, household: HouseholdSheet) -> Flowable:
        """Where a household's sheet starts (a flowable of no size): from the page it is
        drawn on, the page's block is the household's."""
        def begin(_flowable: object) -> None:
            self.household, self.sheet = household, 0
        return CallerMacro(begin)


class _Writer:
    """Builds the flowables, keeping every string drawn so the font can be checked first."""

    def __init__(self, place: Place, year: int, blank_rows: int) -> None:
        self.place, self.year, self.blank_rows = place, year, blank_rows
        self.styles = _styles()
        self.texts: list[str] = []
        self.state = _State()
        self.width = PAGE[0] - 2 * MARGIN

    def text(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        self.texts.append(text)
        return text

    def p(self, text: str, style: str = "cell") -> Paragraph:
        return Paragraph(escape(self.text(text)).replace("\n", "<br/>"), self.styles[style])

    # Per page, drawn on the canvas once the page's rows are laid out.

    def header_lines(self, household: HouseholdSheet) -> list[tuple[str, str, bool]]:
        """(label, value, correctable) of the household's block: the units as they are
        named (a name that says its kind, "Xã Mường Phăng", is printed alone), then the
        household's own fields, each with a line to correct it."""
        place = self.place
        units = [("Tỉnh", place.province)]
        if place.district:
            units.append(("Huyện", place.district))
        units += [("Xã", place.commune), ("Thôn/xóm", place.village)]
        return [*[("" if _says_kind(name) else label, name, False) for label, name in units],
                ("Họ và tên chủ hộ", household.head, True), ("Địa chỉ", household.address, True),
                ("Diện cư trú", household.residence, True), ("Điện thoại", household.phone, True)]

    def draw_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        household = self.state.household
        if household is None:
            return
        self.state.sheet += 1
        top = PAGE[1] - MARGIN
        canvas.saveState()
        canvas.setFont(typeface.BOLD, 12)
        canvas.drawCentredString(PAGE[0] / 2, top - 4 * mm, self.text(
            "PHIẾU ĐIỀU TRA PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ"))
        canvas.setFont(typeface.ITALIC, 9)
        canvas.drawCentredString(PAGE[0] / 2, top - 9 * mm, self.text(
            f"Năm điều tra {self.year}, thời điểm {REFERENCE_DAY}/{self.year}. In sẵn theo"
            " sổ phổ cập: ghi số liệu đúng vào ô trắng dưới mỗi dòng, chỉ khi khác."))
        canvas.setFont(typeface.BOLD, 11)
        sheet = "" if self.state.sheet == 1 else f" (tiếp theo, tờ {self.state.sheet})"
        canvas.drawRightString(PAGE[0] - MARGIN, top - 4 * mm,
                               self.text(f"Số phiếu: {household.household_no}{sheet}"))
        columns = 4
        step = self.width / columns
        for index, (label, value, correctable) in enumerate(self.header_lines(household)):
            x = MARGIN + (index % columns) * step
            y = top - 16 * mm - (index // columns) * 8 * mm
            shown = self.text(f"{label}: ") if label else ""
            canvas.setFont(typeface.REGULAR, 9)
            canvas.drawString(x, y, shown)
            canvas.setFont(typeface.BOLD, 9)
            canvas.drawString(x + canvas.stringWidth(shown, typeface.REGULAR, 9), y,
                              self.text(value))
            if correctable:
                canvas.setFont(typeface.REGULAR, 7)
                canvas.setFillColor(colors.grey)
                canvas.drawString(x, y - 3.5 * mm, self.text("sửa:"))
                canvas.line(x + 6 * mm, y - 3.7 * mm, x + step - 4 * mm, y - 3.7 * mm)
                canvas.setFillColor(colors.black)
        self.draw_footer(canvas)
        canvas.restoreState()

    def draw_footer(self, canvas: Canvas) -> None:
        y = MARGIN + FOOTER - 6 * mm
        canvas.setFont(typeface.REGULAR, 9)
        canvas.drawString(MARGIN, y, self.text(
            f"Ngày điều tra: ........ / ........ / {self.year}"))
        for x, who in ((PAGE[0] * 0.5, "Chủ hộ"), (PAGE[0] * 0.8, "Người điều tra")):
            canvas.setFont(typeface.BOLD, 9)
            canvas.drawCentredString(x, y, self.text(who))
            canvas.setFont(typeface.ITALIC, 8)
            canvas.drawCentredString(x, y - 4 * mm, self.text("(ký, ghi rõ họ tên)"))

    # The table of members.

    def table(self, household: HouseholdSheet) -> Table:
        groups = _groups()
        header: list[list[Paragraph | str]] = [["" for _ in COLUMNS] for _ in range(2)]
        for name, first, _last in groups:
            header[0][first] = self.p(name, "head")
        for index, column in enumerate(COLUMNS):
            header[1][index] = self.p(column.header, "head")
        rows: list[list[Paragraph | str]] = []
        style: list[tuple[object, ...]] = []
        for member in household.members:
            first = len(header) + len(rows)
            values = [c.value(member.cells) if c.value else "" for c in COLUMNS]
            # An empty cell is no paragraph: a village of 150 households has some 40,000
            # cells, most of them empty, and each paragraph costs its parse and layout.
            rows.append([self.p(v) if v else "" for v in values])
            rows.append([self.text("sửa")] + ["" for _ in COLUMNS[1:]])
            style += [("BACKGROUND", (0, first), (TICKS[0] - 1, first), PRINTED),
                      ("NOSPLIT", (0, first), (-1, first + 1)),
                      ("FONT", (0, first + 1), (0, first + 1), typeface.ITALIC, HEAD_SIZE)]
            style += [("SPAN", (i, first), (i, first + 1)) for i in TICKS]
        section = len(header) + len(rows)
        rows.append([self.p("Người mới của hộ (mới sinh, chuyển đến): ghi mỗi người một dòng",
                            "section")] + ["" for _ in COLUMNS[1:]])
        style += [("SPAN", (0, section), (-1, section)),
                  ("NOSPLIT", (0, section), (-1, section + self.blank_rows))]
        for _ in range(self.blank_rows):
            rows.append(["" for _ in COLUMNS])
        blank = section + 1
        style += [("BACKGROUND", (TICKS[0], blank), (-1, blank + self.blank_rows - 1),
                   PRINTED)]
        widths = [c.width * mm for c in COLUMNS]
        scale = self.width / sum(widths)
        heights = [None, None] + [None if i % 2 == 0 else 6 * mm
                                  for i in range(2 * len(household.members))]
        heights += [None] + [7 * mm] * self.blank_rows
        table = Table(header + rows, colWidths=[w * scale for w in widths], repeatRows=2,
                      rowHeights=heights)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), typeface.REGULAR),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, 1), "MIDDLE"),
            ("VALIGN", (0, 2), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 1.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            *[("SPAN", (first, 0), (last, 0)) for _name, first, last in groups if last > first],
            *style,
        ]
        table.setStyle(TableStyle(style))
        return table

    def story(self, sheets: Sequence[HouseholdSheet]) -> list[Flowable]:
        out: list[Flowable] = []
        for index, household in enumerate(sheets):
            if index:
                out.append(PageBreak())
            out += [self.state.starts(household), self.table(household)]
        return out


def pdf(records: pl.DataFrame, place: Place, year: int, blank_rows: int = BLANK_ROWS) -> bytes:
    """The village's pre-filled forms: a sheet per household (more when its members do not
    fit on one, the household's block repeated), in the order of ``households``.

    Raises typeface.MissingGlyphs, naming them, when the text holds characters the
    vendored typeface cannot draw, before anything is drawn.
    """
    sheets = households(records)
    writer = _Writer(place, year, blank_rows)
    story = writer.story(sheets) if sheets else [writer.p(
        f"{place.village}: sổ chưa có hộ nào trong năm {year}.", "section")]
    for household in sheets:  # the page's block is drawn later: its text is checked now
        for label, value, _correctable in writer.header_lines(household):
            writer.text(f"{label}: {value}")
    lacking = typeface.missing(writer.texts)
    if lacking:
        raise typeface.MissingGlyphs(
            f"Phông chữ thiếu {len(lacking)} ký tự: {' '.join(sorted(lacking)[:20])}")
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=PAGE, title=f"Phiếu điều tra in sẵn – {place.village}",
                          author="phocap", leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=MARGIN, bottomMargin=MARGIN)
    frame = Frame(MARGIN, MARGIN + FOOTER, writer.width, PAGE[1] - 2 * MARGIN - HEADER - FOOTER,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("sheet", [frame], onPageEnd=writer.draw_page)])
    doc.build(story)
    return out.getvalue()
