"""The audit trail of a unit's communes, and the logged export of their personal data."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from phocap import numbers
from phocap.accounts.permissions import sees_people
from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import year_shown
from phocap.register import audit
from phocap.register.downloads import XLSX, PersonData, download
from phocap.register.engine_table import survey_record
from phocap.register.models import AuditEntry
from phocap.register.results import survey_years
from phocap.register.views.common import (
    breadcrumbs,
    communes_below,
    page_of,
    whole_unit,
)
from phocap.survey.schema import COLUMNS, Kind
from phocap.synth.writer import write_xlsx


@login_required
def log(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = whole_unit(request, pk)
    if not sees_people(request.user):
        raise PermissionDenied
    entries = (AuditEntry.objects.for_user(request.user)
               .filter(commune__in=communes_below(unit)).select_related("user", "commune"))
    action = request.GET.get("action", "")
    if action in AuditEntry.Action.values:
        entries = entries.filter(action=action)
    page = page_of(request, entries, 100)
    return render(request, "register/audit.html", {
        "unit": unit, "breadcrumbs": breadcrumbs(unit, request.user),
        "page": page, "rows": [(e, audit.changes(e)) for e in page], "action": action,
        "actions": AuditEntry.Action.choices,
    })


@login_required
def export(request: AuthedRequest, pk: int) -> HttpResponse:
    """A commune's (or district's) survey records for a year, as the survey file; logged."""
    unit = whole_unit(request, pk)
    if not sees_people(request.user):
        raise PermissionDenied
    communes = communes_below(unit)
    year = year_shown(request, survey_years(communes))
    table = survey_record(year, [c.code for c in communes])
    keys = [c.key for c in COLUMNS] + ["birth_year"]
    frame = as_survey_text(table.select(*keys).order_by(
        ["commune_code", "village", "household_no", "person_no"]).to_polars())
    name = f"phieu-dieu-tra-{unit.code}-{year}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        rows = write_xlsx(path, frame.to_arrow().to_batches())
        content = path.read_bytes()
    return download(content, name, XLSX, PersonData(
        request.user, communes, {"year": year, "unit": unit.code, "rows": rows, "file": name}))


def as_survey_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Typed records back to the survey file's text: dates as officers write them and the
    reader reads them back ("31/05/2010", phocap.numbers), the birth year alone when the
    day is not known, "x" for a mark; the survey's own columns, in its order. Class codes
    stay codes ("9!"): this is the file format, read back by an import."""
    marks = [c.key for c in COLUMNS if c.kind is Kind.FLAG]
    day = pl.col("birth_date").map_elements(numbers.date, return_dtype=pl.String)
    birth = pl.coalesce(day, pl.col("birth_year").cast(pl.String))
    return frame.with_columns(
        *[pl.when(pl.col(c)).then(pl.lit("x")).otherwise(pl.lit("")).alias(c) for c in marks],
        birth.alias("birth_date"),
        *[pl.col(c).cast(pl.String) for c in frame.columns
          if c not in marks and c not in ("birth_date", "birth_year")],
    ).select([c.key for c in COLUMNS])
