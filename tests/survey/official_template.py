"""Build workbooks of the ministry's data-entry template for tests.

Written from the template's description (docs/official-files.md, "Header
cells and merges"), not from phocap's writer, so that a reader test does not
read back what our own writer wrote. A person is a dict of cells by column
letter. ``text=True`` writes every cell as text, as tools export it; otherwise
numbers stay numbers (an .xls stores them as 1991.0). ``insert_at`` inserts
an extra column there, shifting the rest right, as an officer might;
``captions=False`` leaves rows 1–4 empty.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
import xlwt

GROUPS = [
    ("B1:K1", "Thông tin đối tượng"), ("L1:Q1", "Thông tin nơi đang ở"),
    ("R1:AF1", "Thông tin học tập"), ("AG1:AI1", "Xóa mù chữ"), ("AJ1:AS1", "Khuyết tật"),
    ("AT1:AU1", "Hoàn cảnh"), ("AV1:AY1", "Thông tin liên lạc"),
]
HEADERS = {
    "B2": "TT", "C2": "Họ đệm", "D2": "Tên", "E2": "Ngày", "F2": "Tháng", "G2": "Năm sinh",
    "H2": "Nữ", "I2": "Dân tộc", "J2": "Tôn giáo", "K2": "Diện ưu tiên", "L2": "Chủ hộ",
    "L3": "Họ đệm", "M3": "Tên", "N2": "Địa chỉ: số nhà, tên đường, tổ (nếu có)",
    "O2": "Số phiếu", "P2": "Diện cư trú", "Q2": "Tình trạng cư trú", "R2": "Khối học",
    "S2": "Lớp học", "V2": "Mã trường", "W2": "Bậc tốt nghiệp", "X2": "Bổ túc",
    "Y2": "Năm tốt nghiệp", "Z2": "Bậc TN nghề", "AB2": "Năm TN nghề", "AC2": "Học xong",
    "AC3": "Lớp", "AD3": "Năm", "AE2": "Bỏ học", "AE3": "Lớp", "AF3": "Năm",
    "AG2": "Đang học lớp", "AH2": "Hoàn thành lớp", "AI2": "Tái mù chữ mức",
    "AJ2": "Khuyết tật vận động", "AK2": "Khuyết tật nghe nói", "AL2": "Khuyết tật nhìn",
    "AM2": "Khuyết tật thần kinh, tâm thần", "AN2": "Khuyết tật trí tuệ",
    "AO2": "Khuyết tật học tập", "AP2": "Tự kỷ", "AQ2": "Khuyết tật khác",
    "AR2": "Có chứng nhận khuyết tật", "AS2": "Khả năng học tập", "AT2": "Hoàn cảnh đặc biệt",
    "AU2": "Chi tiết hoàn cảnh đặt biệt", "AV2": "Quan hệ với chủ hộ",
    "AW2": "Họ tên cha hoặc mẹ", "AX2": "Điện thoại", "AY2": "Ghi chú",
}
PAIRS = {"L", "AC", "AE"}  # merged across two columns in row 2
UNNUMBERED = {"T", "U", "AA"}


def column(letters: str) -> int:
    value = 0
    for char in letters:
        value = value * 26 + ord(char) - 64
    return value - 1


def split(cell: str) -> tuple[str, int]:
    letters = "".join(c for c in cell if c.isalpha())
    return letters, int(cell[len(letters):])


def build(
    path: Path,
    people: list[dict[str, object]],
    text: bool = False,
    sheet: str = "MauNhapLieu",
    insert_at: str | None = None,
    extra: dict[str, object] | None = None,
    captions: bool = True,
) -> Path:
    def at(letters: str) -> int:
        index = column(letters)
        return index + 1 if insert_at and index >= column(insert_at) else index

    cells: dict[tuple[int, int], object] = {}
    merges: list[tuple[int, int, int, int, str]] = []
    for area, caption in GROUPS:
        first, last = area.split(":")
        merges.append((0, 0, at(split(first)[0]), at(split(last)[0]), caption))
    for cell, caption in HEADERS.items():
        letters, row = split(cell)
        if row == 3:
            cells[(2, at(letters))] = caption
        elif letters in PAIRS:
            merges.append((1, 1, at(letters), at(letters) + 1, caption))
        else:
            merges.append((1, 2, at(letters), at(letters), caption))
    number = 1
    for index in range(column("B"), column("AY") + 1):
        letters = next(k for k in _LETTERS if column(k) == index)
        if letters not in UNNUMBERED:
            cells[(3, at(letters))] = number
            number += 1
    if insert_at:
        cells[(1, column(insert_at))] = "Tuổi"
    if not captions:
        cells, merges = {}, []
    for offset, person in enumerate(people):
        for letters, value in person.items():
            cells[(4 + offset, at(letters))] = str(value) if text else value
    for cell, value in (extra or {}).items():
        letters, row = split(cell)
        cells[(row - 1, column(letters))] = value
    if path.suffix == ".xls":
        book = xlwt.Workbook(encoding="utf-8")
        out = book.add_sheet(sheet)
        for r1, r2, c1, c2, caption in merges:
            out.write_merge(r1, r2, c1, c2, caption)
        for (row, col), value in cells.items():
            out.write(row, col, value)
        book.save(str(path))
    else:
        workbook = xlsxwriter.Workbook(str(path))
        out = workbook.add_worksheet(sheet)
        for r1, r2, c1, c2, caption in merges:
            out.merge_range(r1, c1, r2, c2, caption)
        for (row, col), value in cells.items():
            if isinstance(value, str):
                out.write_string(row, col, value)
            else:
                out.write(row, col, value)
        workbook.close()
    return path


_LETTERS = [chr(65 + i) for i in range(26)] + ["A" + chr(65 + i) for i in range(26)]
