"""The one gate every uploaded file passes: its size before it is stored, its cost when read.

Survey imports (the pages and the API), class lists and attendance sheets all
come through here, so a new upload path gets the same bounds by calling
``store`` and reading with ``limits()``: the file's size is refused from what
the upload reports, before it is written anywhere, and the readers
(survey/limits.py) refuse a file with too many rows or an XLSX that inflates
beyond reason before they read it. The bounds are settings (UPLOAD_MAX_*,
documented in settings.py) so that a province with larger files can raise them.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from phocap.survey.limits import Limits, megabytes


class UploadRefused(Exception):
    """An upload refused before it was read; the message says why, in Vietnamese."""


def limits(max_bytes: int | None = None, max_expanded: int | None = None) -> Limits:
    """The readers' bounds for an uploaded file; a small kind of file may lower them."""
    return Limits(
        max_bytes=min(max_bytes or settings.UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_BYTES),
        max_rows=settings.UPLOAD_MAX_ROWS,
        max_expanded=min(max_expanded or settings.UPLOAD_MAX_EXPANDED,
                         settings.UPLOAD_MAX_EXPANDED),
    )


def refuse_large(upload: UploadedFile, bounds: Limits | None = None) -> None:
    """Refuse a file above the size limit, from the size the upload reports."""
    ceiling = (bounds or limits()).max_bytes
    if ceiling is not None and (upload.size or 0) > ceiling:
        raise UploadRefused(
            _("Tệp “%(name)s” nặng %(size)s, quá giới hạn %(limit)s cho một lần tải lên. Hãy"
              " chia tệp theo xã hoặc theo thôn rồi tải từng phần.")
            % {"name": upload.name, "size": megabytes(upload.size or 0),
               "limit": megabytes(ceiling)})


def store(upload: UploadedFile, target: Path, bounds: Limits | None = None) -> Path:
    """Write an upload to ``target`` once its size is allowed; returns ``target``."""
    refuse_large(upload, bounds)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as sink:
        for chunk in upload.chunks():
            sink.write(chunk)
    return target
