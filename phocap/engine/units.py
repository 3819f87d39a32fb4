"""The units an evaluation reports on: communes with their parents and ĐBKK flags.

From a units file (docs/survey-format.md "Units file": code, name, type, parent_code,
especially_difficult for the survey year), or, without one, from the official
lists of the survey year's vintage restricted to the communes in the survey, in
which case no commune is especially difficult. Communes of the file that have
no one in the survey still count in the roll-up (as not recognised), since a
district is judged on all its communes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from phocap.units import registry_for_year

UNITS_SCHEMA = {
    "code": pl.String,
    "name": pl.String,
    "type": pl.String,
    "parent_code": pl.String,
    "especially_difficult": pl.Boolean,
}
TYPES = ("province", "district", "commune")


class UnitsFileError(ValueError):
    """A units file that cannot be used; the message names file, row and column."""


def read_units_file(path: Path) -> pl.DataFrame:
    """Read and check a units CSV."""
    rows: list[dict[str, object]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"code", "name", "type", "parent_code"} - set(reader.fieldnames or [])
        if missing:
            raise UnitsFileError(
                f"{path.name}: thiếu cột {', '.join(sorted(missing))}"
                " (cần code, name, type, parent_code, especially_difficult)."
            )
        for line, row in enumerate(reader, start=2):
            unit_type = (row.get("type") or "").strip()
            if unit_type not in TYPES:
                raise UnitsFileError(
                    f"{path.name}, dòng {line}, cột type: “{unit_type}” phải là province,"
                    " district hoặc commune."
                )
            flag = (row.get("especially_difficult") or "0").strip()
            if flag not in ("0", "1", ""):
                raise UnitsFileError(
                    f"{path.name}, dòng {line}, cột especially_difficult: “{flag}” phải là 1"
                    " hoặc 0."
                )
            rows.append({
                "code": (row.get("code") or "").strip(),
                "name": (row.get("name") or "").strip(),
                "type": unit_type,
                "parent_code": (row.get("parent_code") or "").strip() or None,
                "especially_difficult": flag == "1",
            })
    frame = pl.DataFrame(rows, schema=UNITS_SCHEMA)
    duplicated = frame.filter(pl.col("code").is_duplicated())["code"].unique().to_list()
    if duplicated:
        raise UnitsFileError(f"{path.name}: mã đơn vị bị trùng: {', '.join(duplicated[:5])}.")
    return frame


def official_units(year: int, commune_codes: list[str]) -> pl.DataFrame:
    """The communes of the survey and their ancestors, from the official lists."""
    registry = registry_for_year(year)
    wanted: dict[str, tuple[str, str, str, str | None]] = {}
    for code in commune_codes:
        unit = registry.get(code, "commune")
        while unit is not None and unit.code not in wanted:
            wanted[unit.code] = (unit.code, unit.name, unit.type, unit.parent_code or None)
            unit = registry.get(unit.parent_code) if unit.parent_code else None
    rows = [(*values, False) for values in wanted.values()]
    return pl.DataFrame(rows, schema=UNITS_SCHEMA, orient="row")


def with_unknown_communes(units: pl.DataFrame, commune_codes: list[str]) -> pl.DataFrame:
    """Communes of the survey missing from the units: kept, with no parent, so no one is lost."""
    known = set(units["code"].to_list())
    extra = [(c, c, "commune", None, False) for c in commune_codes if c not in known]
    if not extra:
        return units
    return pl.concat([units, pl.DataFrame(extra, schema=UNITS_SCHEMA, orient="row")])


def read_conditions_file(path: Path) -> dict[str, dict[str, bool]]:
    """Conditions (TT07 Arts 3–6) per commune and standard: commune_code,standard,met.

    A commune or standard absent from the file stays "not assessed".
    """
    conditions: dict[str, dict[str, bool]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"commune_code", "standard", "met"} - set(reader.fieldnames or [])
        if missing:
            raise UnitsFileError(
                f"{path.name}: thiếu cột {', '.join(sorted(missing))}"
                " (cần commune_code, standard, met)."
            )
        for line, row in enumerate(reader, start=2):
            met = (row.get("met") or "").strip()
            if met not in ("0", "1"):
                raise UnitsFileError(
                    f"{path.name}, dòng {line}, cột met: “{met}” phải là 1 (đạt) hoặc 0 (chưa đạt)."
                )
            code = (row.get("commune_code") or "").strip()
            conditions.setdefault(code, {})[(row.get("standard") or "").strip()] = met == "1"
    return conditions
