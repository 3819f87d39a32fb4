"""A village's pre-filled field forms for the survey round: the printable sheets
(reports/field_forms.py) and the ministry's data-entry workbook
(survey/official/writing.py), of one village or, as a ZIP, of every village of a commune.

Both carry everyone of the village, so they open to those who read the commune's people
as a whole (``commune_with_people``: not a school's staff, not the ministry viewer), and
each download is logged as a bulk read of person data (downloads.PersonData). The
records are the register's survey records of the year shown (the survey_record view,
read as the unit's export reads it), so the sheets print what an import of the
corrected workbook compares with.
"""

from __future__ import annotations

import io
import zipfile

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import year_shown
from phocap.register.downloads import PDF, XLSX, ZIP, PersonData, download
from phocap.register.engine_table import survey_record
from phocap.register.models import AdministrativeUnit, Village
from phocap.register.results import survey_years
from phocap.register.views.common import commune_with_people
from phocap.reports import field_forms
from phocap.survey.official import writing
from phocap.survey.schema import SCHEMA


def _place(commune: AdministrativeUnit, village: str) -> field_forms.Place:
    above = {unit.type: unit.name for unit in commune.ancestors()}
    return field_forms.Place(above.get(AdministrativeUnit.Type.PROVINCE, ""),
                             above.get(AdministrativeUnit.Type.DISTRICT), commune.name, village)


def _records(commune: AdministrativeUnit, year: int, village: str | None = None) -> pl.DataFrame:
    """The commune's survey records of ``year`` (of one village when named), typed as the
    survey record is."""
    table = survey_record(year, [commune.code])
    if village is not None:
        table = table.filter(table.village == village)
    frame: pl.DataFrame = table.to_polars()
    return frame.select(list(SCHEMA)).cast(pl.Schema(SCHEMA))


def _pdf_name(village: str, year: int) -> str:
    return writing.file_name(f"Phiếu in sẵn {village} {year}", ".pdf")


def _village(request: AuthedRequest, pk: int) -> tuple[Village, AdministrativeUnit, int,
                                                       pl.DataFrame]:
    """The village, its commune in the user's scope, the year shown and its records."""
    village = get_object_or_404(Village, pk=pk)
    commune = commune_with_people(request, village.commune_id)
    year = year_shown(request, survey_years([commune]))
    records = _records(commune, year, village.name)
    return village, commune, year, records


@login_required
def village_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The village's households as printable sheets, last year's answers filled in."""
    village, commune, year, records = _village(request, pk)
    name = _pdf_name(village.name, year)
    content = field_forms.pdf(records, _place(commune, village.name), year)
    return download(content, name, PDF, PersonData(request.user, [commune], {
        "year": year, "village": village.name, "rows": records.height, "file": name}))


@login_required
def village_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The same records as the ministry's data-entry workbook, named after the village
    (the import reads a ministry's file's village from its name)."""
    village, commune, year, records = _village(request, pk)
    name = writing.file_name(village.name, ".xlsx")
    return download(writing.workbook(records, ".xlsx"), name, XLSX, PersonData(
        request.user, [commune], {"year": year, "village": village.name,
                                  "rows": records.height, "file": name}))


@login_required
def commune_zip(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every village of the commune with people in the year: its sheets and its workbook,
    one ZIP."""
    commune = commune_with_people(request, pk)
    year = year_shown(request, survey_years([commune]))
    records = _records(commune, year)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for village, part in writing.villages(records):  # those with people in the year
            archive.writestr(_pdf_name(village, year),
                             field_forms.pdf(part, _place(commune, village), year))
            archive.writestr(writing.file_name(village, ".xlsx"), writing.workbook(part, ".xlsx"))
    name = writing.file_name(f"Phiếu in sẵn {commune.name} {year}", ".zip")
    return download(out.getvalue(), name, ZIP, PersonData(
        request.user, [commune], {"year": year, "rows": records.height, "file": name}))
