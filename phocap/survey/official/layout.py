"""The ministry's data-entry template (sheet ``MauNhapLieu``), as data.

The template of pcgd.moet.gov.vn has no published specification; its cells are
described in docs/official-files.md from public tools that read and write it.
Reader, writer and header check all take the layout from here, so a correction
to the template is made once. Column letters are absolute: column A is empty
in the template and the people start on row 5.
"""

from __future__ import annotations

from dataclasses import dataclass

from phocap.survey.text import fold

SHEET_NAME = "MauNhapLieu"
COMMUNE_SHEET_NAME = "DATA"  # the commune workbook's merged register
GROUP_ROW, HEADER_ROW, SUB_HEADER_ROW, NUMBER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5
COMMUNE_YEAR_CELL = (2, "A")  # the commune workbook's survey year (row, column)
LAST_LETTER = "AY"


@dataclass(frozen=True)
class Column:
    """One column of the template.

    ``header`` is the caption as the template writes it: in row 2 (merged with
    row 3), or in row 3 under a caption ``over`` it that spans two columns.
    T, U and AA have neither caption nor number.
    """

    letter: str
    header: str
    over: str = ""
    group: str = ""

    @property
    def caption(self) -> str:
        """How a message names the column: its letter and its header."""
        name = f"{self.over} – {self.header}" if self.over else self.header
        return f"{self.letter} ({name})" if name else self.letter


def index(letter: str) -> int:
    """0-based column index of a column letter (A → 0, AY → 50)."""
    value = 0
    for char in letter:
        value = value * 26 + ord(char) - 64
    return value - 1


def letter_of(position: int) -> str:
    """Column letter of a 0-based index."""
    out = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        out = chr(65 + rest) + out
    return out


_SUBJECT, _HOME, _STUDY = "Thông tin đối tượng", "Thông tin nơi đang ở", "Thông tin học tập"
_LITERACY, _DISABILITY = "Xóa mù chữ", "Khuyết tật"
_CIRCUMSTANCE, _CONTACT = "Hoàn cảnh", "Thông tin liên lạc"

COLUMNS: tuple[Column, ...] = (
    Column("B", "TT", group=_SUBJECT),
    Column("C", "Họ đệm", group=_SUBJECT),
    Column("D", "Tên", group=_SUBJECT),
    Column("E", "Ngày", group=_SUBJECT),
    Column("F", "Tháng", group=_SUBJECT),
    Column("G", "Năm sinh", group=_SUBJECT),
    Column("H", "Nữ", group=_SUBJECT),
    Column("I", "Dân tộc", group=_SUBJECT),
    Column("J", "Tôn giáo", group=_SUBJECT),
    Column("K", "Diện ưu tiên", group=_SUBJECT),
    Column("L", "Họ đệm", over="Chủ hộ", group=_HOME),
    Column("M", "Tên", over="Chủ hộ", group=_HOME),
    Column("N", "Địa chỉ: số nhà, tên đường, tổ (nếu có)", group=_HOME),
    Column("O", "Số phiếu", group=_HOME),
    Column("P", "Diện cư trú", group=_HOME),
    Column("Q", "Tình trạng cư trú", group=_HOME),
    Column("R", "Khối học", group=_STUDY),
    Column("S", "Lớp học", group=_STUDY),
    Column("T", "", group=_STUDY),
    Column("U", "", group=_STUDY),
    Column("V", "Mã trường", group=_STUDY),
    Column("W", "Bậc tốt nghiệp", group=_STUDY),
    Column("X", "Bổ túc", group=_STUDY),
    Column("Y", "Năm tốt nghiệp", group=_STUDY),
    Column("Z", "Bậc TN nghề", group=_STUDY),
    Column("AA", "", group=_STUDY),
    Column("AB", "Năm TN nghề", group=_STUDY),
    Column("AC", "Lớp", over="Học xong", group=_STUDY),
    Column("AD", "Năm", over="Học xong", group=_STUDY),
    Column("AE", "Lớp", over="Bỏ học", group=_STUDY),
    Column("AF", "Năm", over="Bỏ học", group=_STUDY),
    Column("AG", "Đang học lớp", group=_LITERACY),
    Column("AH", "Hoàn thành lớp", group=_LITERACY),
    Column("AI", "Tái mù chữ mức", group=_LITERACY),
    Column("AJ", "Khuyết tật vận động", group=_DISABILITY),
    Column("AK", "Khuyết tật nghe nói", group=_DISABILITY),
    Column("AL", "Khuyết tật nhìn", group=_DISABILITY),
    Column("AM", "Khuyết tật thần kinh, tâm thần", group=_DISABILITY),
    Column("AN", "Khuyết tật trí tuệ", group=_DISABILITY),
    Column("AO", "Khuyết tật học tập", group=_DISABILITY),
    Column("AP", "Tự kỷ", group=_DISABILITY),
    Column("AQ", "Khuyết tật khác", group=_DISABILITY),
    Column("AR", "Có chứng nhận khuyết tật", group=_DISABILITY),
    Column("AS", "Khả năng học tập", group=_DISABILITY),
    Column("AT", "Hoàn cảnh đặc biệt", group=_CIRCUMSTANCE),
    Column("AU", "Chi tiết hoàn cảnh đặt biệt", group=_CIRCUMSTANCE),
    Column("AV", "Quan hệ với chủ hộ", group=_CONTACT),
    Column("AW", "Họ tên cha hoặc mẹ", group=_CONTACT),
    Column("AX", "Điện thoại", group=_CONTACT),
    Column("AY", "Ghi chú", group=_CONTACT),
)
BY_LETTER: dict[str, Column] = {c.letter: c for c in COLUMNS}
DISABILITY_LETTERS = ("AJ", "AK", "AL", "AM", "AN", "AO", "AP", "AQ")
HEAD = "Chủ hộ"  # column AV of the household head


def caption(letter: str) -> str:
    return BY_LETTER[letter].caption


def numbers() -> dict[str, int]:
    """Row 4: 1..47 from B to AY, skipping the columns without a header."""
    numbered = [c.letter for c in COLUMNS if c.header]
    return {letter: n for n, letter in enumerate(numbered, start=1)}


def group_spans() -> list[tuple[str, str, str]]:
    """Row 1: (first letter, last letter, caption) of each merged group."""
    spans: list[tuple[str, str, str]] = []
    for column in COLUMNS:
        if spans and spans[-1][2] == column.group:
            spans[-1] = (spans[-1][0], column.letter, column.group)
        else:
            spans.append((column.letter, column.letter, column.group))
    return spans


def _opens_pair(column: Column) -> bool:
    """The first of two columns under one caption (Chủ hộ, Học xong, Bỏ học)."""
    position = COLUMNS.index(column)
    return bool(column.over) and COLUMNS[position - 1].over != column.over


def header_cells() -> dict[tuple[int, str], str]:
    """Every caption of rows 1–3 at its (row, letter), merged areas at their first cell."""
    cells = {(GROUP_ROW, first): text for first, _, text in group_spans()}
    for column in COLUMNS:
        if column.over:
            if _opens_pair(column):
                cells[(HEADER_ROW, column.letter)] = column.over
            cells[(SUB_HEADER_ROW, column.letter)] = column.header
        elif column.header:
            cells[(HEADER_ROW, column.letter)] = column.header
    return cells


def merges() -> list[tuple[int, str, int, str]]:
    """Merged areas (first row, first letter, last row, last letter) of rows 1–3."""
    areas = [(GROUP_ROW, first, GROUP_ROW, last) for first, last, _ in group_spans()]
    for column in COLUMNS:
        if column.over:
            if _opens_pair(column):
                pair = COLUMNS[COLUMNS.index(column) + 1].letter
                areas.append((HEADER_ROW, column.letter, HEADER_ROW, pair))
        elif column.header:
            areas.append((HEADER_ROW, column.letter, SUB_HEADER_ROW, column.letter))
    return areas


# A sheet is taken for the template when one row carries this many of the
# template's own row-2 captions; our survey format shares only a few of them.
RECOGNISE_MIN = 12
_SHARED_WITH_SURVEY_FORMAT = {fold(h) for h in ("Số phiếu", "Dân tộc", "Diện cư trú", "TT")}
DISTINCTIVE = frozenset(
    fold(text)
    for (row, _), text in header_cells().items()
    if row == HEADER_ROW and fold(text) not in _SHARED_WITH_SURVEY_FORMAT
)

