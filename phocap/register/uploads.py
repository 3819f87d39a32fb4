"""The one gate every uploaded file passes: its size before it is stored, its cost when read.

Survey imports (the pages and the API), class lists, attendance sheets and the
ministry's figures all come through here, so a new upload path gets the same
bounds by saving with ``store`` (a job's files, kept) or ``held`` (a file read
at once, then deleted) and reading with ``limits()``: the file's size is
refused from what the upload reports, before it is written anywhere, and the
readers (survey/limits.py) refuse a file with too many rows or an XLSX that
inflates beyond reason before they read it. The bounds are settings
(UPLOAD_MAX_*, documented in settings.py) so that a province with larger files
can raise them.

A refusal is a ``ProblemsFound`` (survey/problems.py), as a reader's problems
are, so a page shows both the same way (templates/_problems.html).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from phocap.survey.limits import Limits, check_archive, megabytes, member_name
from phocap.survey.problems import ERROR, Problem, ProblemsFound, SurveyFileError

_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


class UploadRefused(ProblemsFound):
    """An upload refused before it was read; the message says why, in Vietnamese."""

    def __init__(self, message: str, file: str = "") -> None:
        super().__init__([Problem(ERROR, "upload_refused", message, file)])


def limits(max_bytes: int | None = None, max_expanded: int | None = None) -> Limits:
    """The readers' bounds for an uploaded file; a small kind of file may lower them."""
    return Limits(
        max_bytes=min(max_bytes or settings.UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_BYTES),
        max_rows=settings.UPLOAD_MAX_ROWS,
        max_expanded=min(max_expanded or settings.UPLOAD_MAX_EXPANDED,
                         settings.UPLOAD_MAX_EXPANDED),
    )


def refuse_large(upload: UploadedFile[bytes], bounds: Limits | None = None) -> None:
    """Refuse a file above the size limit, from the size the upload reports."""
    ceiling = (bounds or limits()).max_bytes
    if ceiling is not None and (upload.size or 0) > ceiling:
        raise UploadRefused(
            _("Tệp “%(name)s” nặng %(size)s, quá giới hạn %(limit)s cho một lần tải lên. Hãy"
              " chia tệp theo xã hoặc theo thôn rồi tải từng phần.")
            % {"name": upload.name, "size": megabytes(upload.size or 0),
               "limit": megabytes(ceiling)}, file_name(upload.name))


def store(upload: UploadedFile[bytes], target: Path, bounds: Limits | None = None) -> Path:
    """Write an upload to ``target`` once its size is allowed; returns ``target``."""
    refuse_large(upload, bounds)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as sink:
        for chunk in upload.chunks():
            sink.write(chunk)
    return target


@contextmanager
def held(upload: UploadedFile[bytes], bounds: Limits | None = None,
         default: str = "upload") -> Iterator[Path]:
    """An upload read at once (a class list, an attendance sheet, the ministry's figures),
    saved by ``store`` under its own name in a folder of its own, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="phocap-upload-") as folder:
        yield store(upload, Path(folder) / file_name(upload.name, default), bounds)


def same(upload: UploadedFile[bytes], stored: Path) -> bool:
    """Whether ``upload`` is the file already stored (the same file picked twice)."""
    if upload.size != stored.stat().st_size:
        return False
    with stored.open("rb") as kept:
        return all(chunk == kept.read(len(chunk)) for chunk in upload.chunks())


def file_name(raw: str | None, default: str = "survey.csv") -> str:
    """A stored file's name: the uploaded one without its folders or characters a file
    system refuses, but with its spaces and Vietnamese letters, since the village of a
    ministry's workbook is read from its name ("01. Bản Pồn.xls")."""
    name = _UNSAFE.sub("", (raw or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return name[:200] or default


def unpack(archive: Path, target: Path, suffixes: tuple[str, ...],
           bounds: Limits | None = None) -> list[Path]:
    """Extract a stored ZIP of survey files into ``target``, once its members are measured
    (survey/limits.check_archive: their count, what they inflate to, paths that leave the
    folder, nested archives); each member is then held to the size limit of one upload."""
    bounds = bounds or limits()
    try:
        members = check_archive(archive, archive.name, bounds, suffixes)
    except SurveyFileError as exc:
        raise UploadRefused(exc.problem.message, archive.name) from exc
    target.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    with zipfile.ZipFile(archive) as opened:
        for info in members:
            name = file_name(member_name(info))
            if (target / name).exists():
                raise UploadRefused(
                    _("Tệp nén “%(archive)s” có hai tệp cùng tên “%(name)s”; mỗi thôn một tệp,"
                      " tên khác nhau.") % {"archive": archive.name, "name": name},
                    archive.name)
            if bounds.max_bytes is not None and info.file_size > bounds.max_bytes:
                raise UploadRefused(
                    _("Tệp “%(name)s” trong tệp nén “%(archive)s” nặng %(size)s, quá giới hạn"
                      " %(limit)s cho một tệp.")
                    % {"name": name, "archive": archive.name,
                       "size": megabytes(info.file_size), "limit": megabytes(bounds.max_bytes)},
                    archive.name)
            with opened.open(info) as source, (target / name).open("wb") as sink:
                while chunk := source.read(1024 * 1024):
                    sink.write(chunk)
            out.append(target / name)
    return out
