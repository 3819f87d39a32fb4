"""Bounds on what a survey file may cost to read, checked before it is read.

A 4.8 MB XLSX whose sheet inflates to gigabytes of XML took a web worker to
4.9 GB and killed it (and the ``phocap`` command with a Rust abort): the
spreadsheet library expands a member whatever size the archive declares. So an
XLSX is opened only after its members have been inflated here, in small
pieces and without keeping anything, counting the bytes each really yields;
the declared sizes are not trusted. A member may not yield more than
``max_expanded`` bytes, all members together not more either, and a member
that yields more than a megabyte may not have been compressed more than
``max_ratio`` times: spreadsheets compress ten to twenty times, a deflate bomb
a thousand.

``max_bytes`` bounds the file as stored (CSV and XLS are read whole) and
``max_rows`` the rows read; both are unbounded by default, for the command
line and the province's own machines, and set by the web application from
its settings (PHOCAP_UPLOAD_MAX_BYTES, PHOCAP_UPLOAD_MAX_ROWS).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

import numpy as np

from phocap.survey.problems import ERROR, Problem, SurveyFileError

MIB: Final = 1024 * 1024
CHUNK: Final = 64 * 1024  # compressed bytes fed to zlib at a time
RATIO_FLOOR: Final = MIB  # members smaller than this are not held to max_ratio
REFUSALS: Final = (
    "file_too_large", "too_many_rows", "zip_bomb", "sheet_too_large", "parquet_too_large")
"""Problem codes of a file refused for what reading it would cost, not for its content."""
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIGNATURE: Final = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    """What one file may cost; ``None`` leaves a bound open."""

    max_bytes: int | None = None
    max_rows: int | None = None
    max_expanded: int = 1024 * MIB
    max_ratio: int = 100
    max_cells: int = 20_000_000


DEFAULT: Final = Limits()


def megabytes(size: int) -> str:
    """A size for a message: "64 MB", "1,5 MB", "64 KB"."""
    if size < MIB:
        return f"{max(size // 1024, 1)} KB"
    value = size / MIB
    return (f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}").replace(
        ".", ","
    ) + " MB"


def thousands(value: int) -> str:
    """200000 → "200.000": Vietnamese thousands separator."""
    return f"{value:,}".replace(",", ".")


def check_size(path: Path, limits: Limits) -> None:
    """Refuse a file larger than ``max_bytes`` from its size on disk, before reading it."""
    if limits.max_bytes is None:
        return
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise SurveyFileError(
            Problem(
                ERROR,
                "file_too_large",
                f"Tệp “{path.name}” nặng {megabytes(size)}, quá giới hạn"
                f" {megabytes(limits.max_bytes)} cho một lần tải lên. Hãy chia tệp theo xã"
                " hoặc theo thôn rồi tải từng phần.",
                path.name,
            )
        )


def too_many_rows(name: str, rows: int, limits: Limits, sheet: str | None = None) -> None:
    """Refuse a file with more than ``max_rows`` rows (``rows`` read so far)."""
    if limits.max_rows is not None and rows > limits.max_rows:
        raise SurveyFileError(
            Problem(
                ERROR,
                "too_many_rows",
                f"Tệp “{name}” có hơn {thousands(limits.max_rows)} dòng, quá giới hạn cho một"
                " lần tải lên. Hãy chia tệp theo xã hoặc theo thôn rồi tải từng phần.",
                name,
                sheet,
            )
        )


def check_zip(source: Path | IO[bytes], name: str, limits: Limits) -> None:
    """Refuse an XLSX whose members inflate beyond the bounds (see the module's docstring).

    ``source`` is the file or an open binary file object; ``name`` names it in
    the message. A file that is not a ZIP archive is left for the reader to
    refuse in its own words.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        total = 0
        for info in archive.infolist():
            if not info.is_dir():
                total += _Member(archive, info, name, limits).inflate(limits.max_expanded - total)


@dataclass
class _Member:
    """One member of an archive, inflated only to count what it yields (and, for a sheet or
    the shared strings, what the spreadsheet library would allocate for it)."""

    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    name: str
    limits: Limits

    def refused(self, why: str, code: str = "zip_bomb") -> SurveyFileError:
        return SurveyFileError(
            Problem(
                ERROR,
                code,
                f"Tệp “{self.name}” không được mở: phần “{self.info.filename}” bên trong tệp"
                f" XLSX {why}, bất thường với một bảng tính (có thể là tệp độc hại “bom nén”)."
                " Hãy mở tệp bằng Excel, chép dữ liệu sang một tệp mới rồi tải lại.",
                self.name,
            )
        )

    def inflate(self, room: int) -> int:
        """The bytes the member really yields; refused once past ``room``, the ratio or the
        cells a sheet may span."""
        handle = self.archive.fp
        if handle is None:
            return 0
        handle.seek(self.info.header_offset)
        header = handle.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
            raise self.refused("có phần đầu không hợp lệ")
        fields = _LOCAL_HEADER.unpack(header)
        handle.seek(fields[-2] + fields[-1], 1)  # the member's name and extra field
        if self.info.compress_type == zipfile.ZIP_STORED:
            pieces = self._stored(handle)
        elif self.info.compress_type == zipfile.ZIP_DEFLATED:
            pieces = self._deflated(handle)
        else:
            raise self.refused("dùng kiểu nén không có trong tệp Excel")
        extent = _Extent(self) if _SHEET.fullmatch(self.info.filename) else None
        strings = self.info.filename == _SHARED_STRINGS
        size = 0
        for piece, read in pieces:
            if strings and size == 0:
                self._string_counts(piece)
            size += len(piece)
            if size > room:
                raise self.refused(f"giải nén vượt quá {megabytes(self.limits.max_expanded)}")
            if size > RATIO_FLOOR and size > self.limits.max_ratio * read:
                raise self.refused(
                    f"nén hơn {self.limits.max_ratio} lần (mỗi {megabytes(read)} thành"
                    f" hơn {megabytes(size)})")
            if extent is not None:
                extent.scan(piece)
        if extent is not None:
            extent.scan(b"", last=True)
        return size

    def _stored(self, handle: IO[bytes]) -> Iterator[tuple[bytes, int]]:
        left = read = self.info.compress_size
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                return
            left -= len(data)
            yield data, read

    def _deflated(self, handle: IO[bytes]) -> Iterator[tuple[bytes, int]]:
        """Inflated pieces of at most CHUNK bytes, with the compressed bytes read so far."""
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        left = self.info.compress_size
        read = 0
        while left > 0 and not inflater.eof:
            data = handle.read(min(CHUNK, left))
            if not data:
                return
            left -= len(data)
            read += len(data)
            while data and not inflater.eof:
                try:
                    piece = inflater.decompress(data, CHUNK)
                except zlib.error as exc:
                    raise self.refused("bị hỏng") from exc
                yield piece, read
                data = inflater.unconsumed_tail

    def _string_counts(self, head: bytes) -> None:
        """The shared-string counts the library reserves room for, before reading a string."""
        for attribute, value in _STRING_COUNT.findall(head[:4096]):
            if int(value) > self.limits.max_cells:
                raise self.refused(
                    f"khai báo {thousands(int(value))} chuỗi ({attribute.decode()}), quá"
                    f" giới hạn {thousands(self.limits.max_cells)}", "sheet_too_large")


_SHEET: Final = re.compile(r"xl/worksheets/[^/]+\.xml")
_SHARED_STRINGS: Final = "xl/sharedStrings.xml"
_STRING_COUNT: Final = re.compile(rb'\b(count|uniqueCount)="(\d{1,20})"')
_MAX_LETTERS: Final = 3  # XFD, Excel's last column
_MAX_DIGITS: Final = 8  # rows up to 99,999,999; Excel stops at 1,048,576
_REF_WIDTH: Final = _MAX_LETTERS + _MAX_DIGITS + 1  # bytes read after ' r="'


@dataclass
class _Extent:
    """How far a sheet's cells reach: the library allocates every cell of the rectangle
    from A1 to its farthest row and column, so one cell at XFD1048576 costs seventeen
    billion cells. Every ' r="…"' of the sheet is read (a cell's "AB12", a row's "12": a
    cell without a reference sits in its row), with numpy, as the XML streams past."""

    member: _Member
    rows: int = 0
    columns: int = 0
    tail: bytes = b""

    def scan(self, piece: bytes, last: bool = False) -> None:
        text = self.tail + piece
        keep = 0 if last else _REF_WIDTH + 4
        self.tail = text[len(text) - keep:] if keep else b""
        codes = np.frombuffer(text + bytes(_REF_WIDTH + 4), dtype=np.uint8)
        usable = len(text) - keep
        starts = np.flatnonzero(
            (codes[: usable] == 0x20) & (codes[1: usable + 1] == 0x72)  # ' r'
            & (codes[2: usable + 2] == 0x3D) & (codes[3: usable + 3] == 0x22)) + 4  # '="'
        if starts.size:
            self._measure(codes[starts[:, None] + np.arange(_REF_WIDTH)])
        cells = self.rows * max(self.columns, 1)
        if cells > self.member.limits.max_cells:
            raise self.member.refused(
                f"có ô ở dòng {thousands(self.rows)}, cột {thousands(self.columns)}: trải ra"
                f" hơn {thousands(self.member.limits.max_cells)} ô", "sheet_too_large")

    def _measure(self, refs: np.ndarray) -> None:
        """The farthest row and column among references, one per line of ``refs``.

        A reference is up to three capitals and up to eight digits, then '"'; its digits
        right-aligned over zeros (and its letters over '@') compare as bytes in the
        order of their numbers, so the farthest is found without arithmetic.
        """
        lines = np.arange(len(refs))[:, None]
        position = np.arange(_REF_WIDTH)
        letters = np.argmin((refs >= 0x41) & (refs <= 0x5A), axis=1)
        digit = (refs >= 0x30) & (refs <= 0x39)
        end = np.argmin(digit | (position < letters[:, None]), axis=1)
        closed = refs[lines[:, 0], end] == 0x22
        if ((letters > _MAX_LETTERS) | (end - letters > _MAX_DIGITS) | ~closed
                & digit[lines[:, 0], -1]).any():
            raise self.member.refused(
                "có ô ở dòng hoặc cột vượt quá giới hạn của Excel", "sheet_too_large")
        real = closed & (end > letters)
        if not real.any():
            return
        refs, letters, end = refs[real], letters[real], end[real]
        lines = lines[: len(refs)]
        at = end[:, None] - _MAX_DIGITS + np.arange(_MAX_DIGITS)
        digits = np.where(at >= letters[:, None], refs[lines, np.maximum(at, 0)], 0x30)
        farthest = np.ascontiguousarray(digits, dtype=np.uint8).view(">u8").max()
        self.rows = max(self.rows, int(int(farthest).to_bytes(8, "big").decode()))
        at = letters[:, None] - _MAX_LETTERS + np.arange(_MAX_LETTERS)
        capitals = np.where(at >= 0, refs[lines, np.maximum(at, 0)], 0x40)
        padded = np.concatenate([np.full((len(refs), 1), 0x40), capitals], axis=1)
        widest = np.ascontiguousarray(padded, dtype=np.uint8).view(">u4").max()
        self.columns = max(self.columns,
                           _column_number(int(widest).to_bytes(4, "big").lstrip(b"@")))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
