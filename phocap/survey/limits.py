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

The library also allocates the whole rectangle a sheet's cells span, and
trusts an XLS's DIMENSIONS record and an XLSX's shared-strings count: a 5 KB
file with one cell at XFD1048576 asked for 512 GB and aborted. So the cells a
sheet reaches (every ``r="…"`` of the XML, measured as it inflates; an XLS's
records, read from its workbook stream) are bounded by ``max_cells``.

``max_bytes`` bounds the file as stored (CSV and XLS are read whole) and
``max_rows`` the rows read; both are unbounded by default, for the command
line and the province's own machines, and set by the web application from
its settings (register/uploads.py; docs/uploads.md).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO, Final

import numpy as np

from phocap.numbers import decimal, integer
from phocap.survey.problems import ERROR, Problem, SurveyFileError

MIB: Final = 1024 * 1024
CHUNK: Final = 64 * 1024  # bytes read, and inflated, at a time
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
    max_members: int = 500


DEFAULT: Final = Limits()


def megabytes(size: int) -> str:
    """A size for a message: "64 MB", "1,5 MB", "64 KB"."""
    if size < MIB:
        return f"{max(size // 1024, 1)} KB"
    value = Fraction(size, MIB)
    return decimal(value, 0 if value >= 10 else 1, trim=True) + " MB"


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
                f"Tệp “{name}” có hơn {integer(limits.max_rows)} dòng, quá giới hạn cho một"
                " lần tải lên. Hãy chia tệp theo xã hoặc theo thôn rồi tải từng phần.",
                name,
                sheet,
            )
        )


def check_zip(source: Path | IO[bytes], name: str, limits: Limits) -> set[str]:
    """Refuse an XLSX whose members inflate beyond the bounds (see the module's docstring).

    ``source`` is the file or an open binary file object; ``name`` names it in
    the message. A file that is not a ZIP archive is left for the reader to
    refuse in its own words. Returns the sheets (their parts) that may hold a
    formula, noticed on the way: the survey reader looks for formulas without
    a value in those alone, instead of inflating every sheet a second time.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        return set()
    formulas: set[str] = set()
    with archive:
        total = 0
        for info in archive.infolist():
            if not info.is_dir():
                member = _Member(archive, info, name, limits)
                total += member.inflate(limits.max_expanded - total)
                if member.formula:
                    formulas.add(info.filename)
    return formulas


ARCHIVE_JUNK: Final = re.compile(r"(^|/)(__MACOSX/|\.[^/]*$|Thumbs\.db$|desktop\.ini$)", re.I)
"""Members an archiver adds by itself (macOS resource forks, hidden files, Windows thumbnails)."""


def check_archive(source: Path | IO[bytes], name: str, limits: Limits,
                  suffixes: tuple[str, ...]) -> list[zipfile.ZipInfo]:
    """The members of a ZIP of survey files (a commune's village files), measured before
    anything is extracted; archiver junk is left out.

    Refused: a file that is no ZIP, more than ``max_members`` members, a member whose
    path leaves the folder (absolute, a drive, ".."), a ZIP inside the ZIP, a member that
    is not one of ``suffixes``, and members that inflate beyond the bounds of an XLSX's
    (the same measure, ``_Member``, on what each really yields).
    """
    def refused(message: str) -> SurveyFileError:
        return SurveyFileError(Problem(ERROR, "zip_bomb", f"Tệp nén “{name}” không được mở: "
                                       f"{message}", name))

    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise refused("tệp bị hỏng hoặc không phải tệp ZIP. Hãy nén lại các tệp của thôn"
                      " bằng ZIP rồi tải lên.") from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise refused(f"có {integer(len(members))} phần, quá giới hạn"
                          f" {integer(limits.max_members)} cho một lần tải lên.")
        kept = []
        for info in members:
            member = member_name(info)
            parts = member.replace("\\", "/").split("/")
            if (member.startswith(("/", "\\")) or ".." in parts
                    or re.match(r"^[A-Za-z]:", member)):
                raise refused(f"phần “{member}” trỏ ra ngoài thư mục của tệp nén (có thể là tệp"
                              " độc hại). Hãy nén lại chỉ các tệp của thôn.")
            if info.is_dir() or ARCHIVE_JUNK.search(member):
                continue
            suffix = Path(parts[-1]).suffix.lower()
            if suffix in (".zip", ".rar", ".7z", ".gz", ".tar"):
                raise refused(f"phần “{member}” lại là một tệp nén; hãy giải nén nó và đặt các"
                              " tệp của thôn trực tiếp trong tệp nén.")
            if suffix not in suffixes:
                raise refused(f"phần “{member}” không phải tệp phiếu điều tra (cần"
                              f" {', '.join(suffixes)}).")
            kept.append(info)
        total = 0
        for info in kept:
            total += _Member(archive, info, name, limits, "ZIP").inflate(
                limits.max_expanded - total)
        return kept


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its archiver wrote it: names not flagged UTF-8 are often UTF-8
    all the same (Python reads them as CP437), else left as read."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


@dataclass
class _Member:
    """One member of an archive, inflated only to count what it yields (and, for a sheet or
    the shared strings, what the spreadsheet library would allocate for it)."""

    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    name: str
    limits: Limits
    kind: str = "XLSX"
    formula: bool = False  # a sheet's XML holds "<f" (a formula, or a validation's <formula1>)

    def refused(self, why: str, code: str = "zip_bomb") -> SurveyFileError:
        advice = ("Hãy mở tệp bằng Excel, chép dữ liệu sang một tệp mới rồi tải lại."
                  if self.kind == "XLSX" else "Hãy nén lại các tệp của thôn rồi tải lên.")
        return SurveyFileError(
            Problem(
                ERROR,
                code,
                f"Tệp “{self.name}” không được mở: phần “{member_name(self.info)}” bên trong"
                f" tệp {self.kind} {why}, bất thường với một"
                f" {'bảng tính' if self.kind == 'XLSX' else 'tệp nén'} (có thể là tệp độc hại"
                f" “bom nén”). {advice}",
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
        last = b""
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
                self.formula = self.formula or b"<f" in piece or (
                    last == b"<" and piece[:1] == b"f")
                last = piece[-1:]
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
                    f"khai báo {integer(int(value))} chuỗi ({attribute.decode()}), quá"
                    f" giới hạn {integer(self.limits.max_cells)}", "sheet_too_large")


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
                f"có ô ở dòng {integer(self.rows)}, cột {integer(self.columns)}: trải ra"
                f" hơn {integer(self.member.limits.max_cells)} ô", "sheet_too_large")

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


# --- XLS (BIFF in an OLE2 compound file) -------------------------------------------------------

_CFB_SIGNATURE: Final = bytes.fromhex("d0cf11e0a1b11ae1")
_END_OF_CHAIN: Final = 0xFFFFFFFE
_XLS_ROWS, _XLS_COLUMNS = 65_536, 256  # BIFF8's sheet
_DIMENSIONS: Final = 0x0200
_CELL_RECORDS: Final = frozenset((0x0006, 0x00BD, 0x00BE, 0x00D6, 0x00FD, 0x0201, 0x0203,
                                  0x0204, 0x0205, 0x027E))  # FORMULA, MULRK, …, RK


def check_xls(path: Path, name: str, limits: Limits) -> None:
    """Refuse an XLS whose sheets claim more rows or columns than the format has, before
    the spreadsheet library allocates them: a DIMENSIONS record of two billion rows in a
    13 KB file made it ask for 22 TB and abort the process. A file that is not a compound
    document is left for the reader to refuse in its own words."""
    content = path.read_bytes()
    stream = _workbook_stream(content)
    if stream is None:
        return
    rows = columns = 0
    at = 0
    while at + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4: at + 4 + length]
        if record == _DIMENSIONS and length >= 14:
            _, last_row, _, last_column = struct.unpack_from("<IIHH", body)
            rows, columns = max(rows, last_row), max(columns, last_column)
        elif record == _DIMENSIONS and length >= 10:
            _, last_row, _, last_column = struct.unpack_from("<HHHH", body)
            rows, columns = max(rows, last_row), max(columns, last_column)
        elif record in _CELL_RECORDS and length >= 4:
            row, column = struct.unpack_from("<HH", body)
            if record in (0x00BD, 0x00BE) and length >= 6:  # MULRK, MULBLANK: last column
                column = struct.unpack_from("<H", body, length - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        at += 4 + length
    if rows > _XLS_ROWS or columns > _XLS_COLUMNS or rows * columns > limits.max_cells:
        raise SurveyFileError(
            Problem(
                ERROR,
                "sheet_too_large",
                f"Tệp “{name}” không được mở: trang tính trong tệp XLS khai báo"
                f" {integer(rows)} dòng và {integer(columns)} cột, vượt quá giới hạn của"
                " tệp XLS hoặc của một lần tải lên (có thể là tệp độc hại). Hãy mở tệp bằng"
                " Excel, chép dữ liệu sang một tệp mới rồi tải lại.",
                name,
            )
        )


def _workbook_stream(content: bytes) -> bytes | None:
    """The "Workbook" (or BIFF5 "Book") stream of a compound file, or None if unreadable.

    A minimal reader of the published format ([MS-CFB]): the header's sector sizes
    and FAT sectors (the first 109, and the DIFAT chain), the directory, and the
    stream's sector chain in the FAT, or in the mini FAT when it is small. Every
    chain is bounded by the file's own number of sectors, so a looping chain ends.
    """
    if len(content) < 512 or content[:8] != _CFB_SIGNATURE:
        return None
    shift, mini_shift = struct.unpack_from("<HH", content, 0x1E)
    if not 9 <= shift <= 12 or mini_shift != 6:
        return None
    size = 1 << shift
    count = len(content) // size

    def sector(number: int) -> bytes:
        return content[(number + 1) * size: (number + 2) * size]

    def chain(first: int, table: list[int]) -> list[int]:
        found: list[int] = []
        number = first
        while number < len(table) and len(found) <= count:
            found.append(number)
            number = table[number]
        return found

    difat = list(struct.unpack_from("<109I", content, 0x4C))
    next_difat = struct.unpack_from("<I", content, 0x44)[0]
    for _ in range(count):
        if next_difat >= count:
            break
        more = struct.unpack_from(f"<{size // 4}I", sector(next_difat))
        difat.extend(more[:-1])
        next_difat = more[-1]
    fat: list[int] = []
    for number in difat:
        if number < count:
            fat.extend(struct.unpack(f"<{size // 4}I", sector(number)))
    directory = b"".join(sector(n) for n in chain(struct.unpack_from("<I", content, 0x30)[0], fat))
    entries = [directory[i: i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        return None
    cutoff = struct.unpack_from("<I", content, 0x38)[0]
    for entry in entries:
        length = min(struct.unpack_from("<H", entry, 0x40)[0], 64)
        name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
        if name not in ("Workbook", "Book") or entry[0x42] != 2:
            continue
        first, stream_size = struct.unpack_from("<II", entry, 0x74)
        if stream_size >= cutoff:
            data = b"".join(sector(n) for n in chain(first, fat))
            return data[:stream_size]
        root_first = struct.unpack_from("<I", entries[0], 0x74)[0]
        mini_stream = b"".join(sector(n) for n in chain(root_first, fat))
        mini_fat_bytes = b"".join(
            sector(n) for n in chain(struct.unpack_from("<I", content, 0x3C)[0], fat))
        mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
        data = b"".join(mini_stream[n * 64: (n + 1) * 64] for n in chain(first, mini_fat))
        return data[:stream_size]
    return None
