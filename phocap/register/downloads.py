"""The one way a page hands over a file: CSV, XLSX, PDF or ZIP, named, neutralised, audited.

- The name: Vietnamese file names ("danh-sách-Mường Phăng.csv") reach every browser
  as typed. Content-Disposition carries them per RFC 6266 with the RFC 5987
  ``filename*=UTF-8''…`` form, after an ASCII ``filename="…"`` fallback (diacritics
  folded, đ→d) for clients that read only that; a quote or line break in a name
  can never end the header.
- The cells: a CSV is written through survey/cells.py's CsvWriter, so a cell a
  spreadsheet would run as a formula ("=HYPERLINK(…)", "+84…") shows as typed, and
  starts with a byte-order mark so spreadsheet programs read it as UTF-8. XLSX
  files are built with survey/cells.Workbook by their callers, which neutralises
  the same way.
- The record: a file carrying people (``PersonData``) is logged with
  register/audit.exported for each commune it reads, before the response leaves.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from django.http import HttpResponse

from phocap.accounts.models import User
from phocap.register import audit
from phocap.register.models import AdministrativeUnit
from phocap.survey.cells import CsvWriter

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
ZIP = "application/zip"
BOM = "\ufeff"


@dataclass(frozen=True)
class PersonData:
    """A download of people's data: who takes it, the communes whose people it carries,
    and what the audit entry says about it (file, year, rows…)."""

    user: User
    communes: Sequence[AdministrativeUnit]
    details: dict[str, object] = field(default_factory=dict)


def content_disposition(filename: str) -> str:
    """``attachment`` with the name as an ASCII fallback and, when it is not plain ASCII,
    as UTF-8 (RFC 6266 §4.3, RFC 5987 §3.2)."""
    fallback = _ascii(filename)
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def _ascii(filename: str) -> str:
    """The name without diacritics (đ→d), anything else outside printable ASCII, quotes
    and backslashes replaced by "_"."""
    folded = unicodedata.normalize("NFD", filename.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return "".join(ch if " " <= ch <= "~" and ch not in '"\\' else "_" for ch in plain)


def download(data: bytes | str, filename: str, content_type: str,
             person_data: PersonData | None = None) -> HttpResponse:
    """The file as an attachment; logged first if it carries people."""
    if person_data is not None:
        for commune in person_data.communes:
            audit.exported(person_data.user, commune, person_data.details)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def csv_download(filename: str, headers: Sequence[object], rows: Iterable[Sequence[object]],
                 person_data: PersonData | None = None) -> HttpResponse:
    """A CSV of ``headers`` then ``rows``, every cell neutralised (survey/cells.py)."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return download(BOM + out.getvalue(), filename, CSV, person_data)
