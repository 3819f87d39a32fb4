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

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from phocap.survey.problems import ERROR, Problem, SurveyFileError

MIB: Final = 1024 * 1024
CHUNK: Final = 64 * 1024  # compressed bytes fed to zlib at a time
RATIO_FLOOR: Final = MIB  # members smaller than this are not held to max_ratio
REFUSALS: Final = ("file_too_large", "too_many_rows", "zip_bomb", "parquet_too_large")
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
    """One member of an archive, inflated only to count what it yields."""

    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    name: str
    limits: Limits

    def refused(self, why: str) -> SurveyFileError:
        return SurveyFileError(
            Problem(
                ERROR,
                "zip_bomb",
                f"Tệp “{self.name}” không được mở: phần “{self.info.filename}” bên trong tệp"
                f" XLSX {why}, bất thường với một bảng tính (có thể là tệp độc hại “bom nén”)."
                " Hãy mở tệp bằng Excel, chép dữ liệu sang một tệp mới rồi tải lại.",
                self.name,
            )
        )

    def inflate(self, room: int) -> int:
        """The bytes the member really yields; refused once past ``room`` or the ratio."""
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
            size = self.info.compress_size
        elif self.info.compress_type == zipfile.ZIP_DEFLATED:
            size = self._deflated(handle, room)
        else:
            raise self.refused("dùng kiểu nén không có trong tệp Excel")
        if size > room:
            raise self.refused(f"giải nén vượt quá {megabytes(self.limits.max_expanded)}")
        return size

    def _deflated(self, handle: IO[bytes], room: int) -> int:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        left = self.info.compress_size
        read = size = 0
        while left > 0 and not inflater.eof:
            data = handle.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            read += len(data)
            while data and not inflater.eof:
                try:
                    size += len(inflater.decompress(data, CHUNK))
                except zlib.error as exc:
                    raise self.refused("bị hỏng") from exc
                if size > room:
                    raise self.refused(
                        f"giải nén vượt quá {megabytes(self.limits.max_expanded)}")
                if size > RATIO_FLOOR and size > self.limits.max_ratio * read:
                    raise self.refused(
                        f"nén hơn {self.limits.max_ratio} lần (mỗi {megabytes(read)} thành"
                        f" hơn {megabytes(size)})")
                data = inflater.unconsumed_tail
        return size
