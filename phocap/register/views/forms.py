"""The official report forms of a unit: listed with the consistency check's verdict, shown
one by one as on paper, and downloaded as the workbook officers submit.

The forms hold counts only and follow the unit's scope, like its results. The
name lists are personal data: a commune's, for roles that see people, and each
download is logged (audit.exported).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from phocap.accounts.permissions import sees_people
from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import year_shown
from phocap.register.downloads import XLSX, PersonData, download
from phocap.register.reporting import cached_forms, name_lists
from phocap.register.results import survey_years
from phocap.register.views.common import (
    breadcrumbs,
    commune_with_people,
    communes_below,
    lineage_of,
    updating_page,
    whole_unit,
    year_of,
)
from phocap.reports.model import Form, header_cells, shown
from phocap.reports.xlsx import write_forms


def _workbook(forms: list[Form], name: str,
              person_data: PersonData | None = None) -> HttpResponse:
    with tempfile.TemporaryDirectory() as folder:
        data = write_forms(forms, Path(folder) / name).read_bytes()
    return download(data, name, XLSX, person_data)


@login_required
@updating_page
def forms(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = whole_unit(request, pk)
    communes = communes_below(unit)
    years = survey_years(communes)
    year = year_of(request, years)
    # A year nobody surveyed has no forms to fill: the page says so (kit/empty.py)
    # instead of printing zeros, or failing on rules that do not know the unit.
    built = cached_forms(unit, year) if year in years else {"forms": [], "problems": []}
    return render(request, "register/forms.html", lineage_of(request.user, unit) | {
        "unit": unit, "year": year, "years": years, "has_data": year in years,
        "breadcrumbs": breadcrumbs(unit, request.user),
        "forms": built["forms"], "disagreements": built["problems"],
        "lists_people": unit.type == unit.Type.COMMUNE and sees_people(request.user),
    })


def _header_rows(form: Form) -> list[list[dict[str, object]]]:
    cells = header_cells(form.columns)
    rows: list[list[dict[str, object]]] = [[] for _ in range(max(c.last_row for c in cells) + 1)]
    for cell in cells:
        rows[cell.first_row].append({
            "text": cell.text, "colspan": cell.last_column - cell.first_column + 1,
            "rowspan": cell.last_row - cell.first_row + 1})
    return rows


@login_required
@updating_page
def form(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    unit = whole_unit(request, pk)
    communes = communes_below(unit)
    years = survey_years(communes)
    year = year_shown(request, years)
    if year not in years:
        raise Http404
    found = next((f for f in cached_forms(unit, year)["forms"] if f.code == code), None)
    if found is None:
        raise Http404
    body = [{"total": row.total,
             "cells": [{"text": shown(row.values.get(c.key)),
                        "number": not isinstance(row.values.get(c.key), str)}
                       for c in found.columns]}
            for row in found.rows]
    appendix = [[{"text": shown(row.values.get(c.key)),
                  "number": not isinstance(row.values.get(c.key), str)}
                 for c in found.appendix_columns] for row in found.appendix]
    return render(request, "register/form.html", {
        "unit": unit, "year": year, "breadcrumbs": breadcrumbs(unit, request.user),
        "form": found, "header": _header_rows(found), "body": body, "appendix": appendix,
    })


@login_required
def forms_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = whole_unit(request, pk)
    years = survey_years(communes_below(unit))
    year = year_shown(request, years)
    if year not in years:
        raise Http404  # no survey, no forms (the forms page says so)
    return _workbook(cached_forms(unit, year)["forms"], f"bieu-mau-{unit.code}-{year}.xlsx")


@login_required
def name_lists_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    commune = commune_with_people(request, pk)
    year = year_shown(request, survey_years([commune]))
    lists = name_lists(commune, year)
    name = f"danh-sach-{commune.code}-{year}.xlsx"
    return _workbook(lists, name, PersonData(request.user, [commune], {
        "year": year, "rows": sum(len(f.rows) for f in lists), "file": name,
        "lists": [f.code for f in lists]}))
