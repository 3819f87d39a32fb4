"""Checking one person's record typed on a page with the same validation as a file.

The page's values become a one-row survey file that the core validates
(phocap.survey.validate): the same parsing, the same rules (class against age,
completion years, literacy, units) and the same Vietnamese messages as an
import, so an edit can never store what an import would refuse.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phocap.register.models import AdministrativeUnit
from phocap.survey.problems import ERROR
from phocap.survey.schema import COLUMNS
from phocap.survey.validate import validate


@dataclass
class Checked:
    record: dict[str, Any] | None  # the typed record, when there is no error
    errors: dict[str, list[str]]  # contract column (or "" for the whole row) → messages
    warnings: list[str]


def location(commune: AdministrativeUnit, village: str, household_no: str,
             person_no: int) -> dict[str, str]:
    """The columns that place a person: province, district (before 2025), commune, household."""
    parent = commune.parent
    district = parent if parent is not None and parent.type == "district" else None
    province = district.parent if district is not None else parent
    return {
        "province_code": province.code if province is not None else "",
        "district_code": district.code if district is not None else "",
        "commune_code": commune.code, "village": village, "household_no": household_no,
        "person_no": str(person_no),
    }


def check(values: dict[str, str], year: int) -> Checked:
    """Validate one survey row given as raw text by contract key."""
    row = {"survey_year": str(year)} | values
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bieu-mau.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            keys = [c.key for c in COLUMNS]
            writer.writerow(keys)
            writer.writerow([row.get(k, "") for k in keys])
        result = validate(path, year=year, keep_records=True)
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    for problem in result.report.problems.iter_rows(named=True):
        if problem["severity"] == ERROR:
            errors.setdefault(problem["column"] or "", []).append(problem["message"])
        else:
            warnings.append(problem["message"])
    record = None
    if not errors and result.records is not None and result.records.height == 1:
        record = result.records.row(0, named=True)
    return Checked(record, errors, warnings)
