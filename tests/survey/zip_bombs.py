"""Small XLSX zip bombs built on the spot: a few hundred KB that inflate to hundreds of MB.

Built by streaming one repeated row of shared-string XML through zipfile, so
building one never holds more than a row in memory. ``lie`` then rewrites the
member's declared size to a few KB, as a crafted file would, to show that the
check counts what the member yields rather than what the archive says.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

MIB = 1024 * 1024
_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
_ITEM = b"<si><t>" + b"A" * 1000 + b"</t></si>"
_MEMBER = "xl/sharedStrings.xml"


def zip_bomb(source: Path, target: Path, expanded: int = 300 * MIB, lie: bool = False) -> Path:
    """``source`` (a real XLSX) with its shared strings replaced by ``expanded`` bytes of XML."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(
        target, "w", zipfile.ZIP_DEFLATED, compresslevel=9
    ) as bomb:
        for info in original.infolist():
            if info.filename != _MEMBER:
                bomb.writestr(info.filename, original.read(info.filename))
        with bomb.open(_MEMBER, "w") as member:
            member.write(_HEAD)
            block = _ITEM * (MIB // len(_ITEM))
            for _ in range(expanded // len(block)):
                member.write(block)
            member.write(b"</sst>")
    if lie:
        _declare(target, _MEMBER.encode(), 4096)
    return target


def _declare(path: Path, name: bytes, size: int) -> None:
    """Rewrite a member's declared uncompressed size, in its local and central headers."""
    raw = bytearray(path.read_bytes())
    for signature, size_at, name_length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)
    ):
        at = raw.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", raw, at + name_length_at)[0]
            if raw[at + name_at: at + name_at + length] == name:
                struct.pack_into("<I", raw, at + size_at, size)
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))


def far_cell(target: Path, row: int = 1_048_575, column: int = 16_383) -> Path:
    """A few KB: a header and one cell far away; the library would allocate every cell
    between them (seventeen billion for XFD1048576)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Mã xã", "Số phiếu", "STT", "Họ và tên", "Ngày sinh"])
    sheet.write(row, column, "x")
    book.close()
    return target


def rewritten(source: Path, target: Path, member: str, old: bytes, new: bytes) -> Path:
    """``source`` with ``old`` replaced by ``new`` in one member."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(
        target, "w", zipfile.ZIP_DEFLATED
    ) as out:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == member:
                assert old in data, (member, old)
                data = data.replace(old, new)
            out.writestr(info.filename, data)
    return target
