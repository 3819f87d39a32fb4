"""A small two-level province for Decree 277's forms, child by child, so every cell of
MN-01-TE and MN-01-TC,ĐK can be counted by hand (tests/reports/test_forms_nd277.py).

Survey year 2025; province 95; commune 95001 "Xã Một" (normal) and 95002 "Xã Hai"
(especially difficult, ĐBKK). Ages are 2025 − year of birth. A "*" after the class is
two sessions a day. The class lists of school year 2025–2026 (PUPILS) give each pupil's
school commune, the days the class recorded, the days absent, whether the pupil is still
on the list, and Vietnamese-language preparation (TCTV).

Commune 95001:
  P1  0, nữ, Kinh, at home
  P2  1, nam, Thái, NT             list 95001: 100 recorded, 50 absent
  P3  2, nữ, Thái, NT*             on no class list
  P4  3, nữ, Thái, MG3*            list 95001: 100 recorded, 45 absent, TCTV → completes (at 45)
  P5  3, nam, Kinh, MG3*           list 95001: 100 recorded, 46 absent → does not (just above)
  P6  3, nam, Kinh, MG3            list 95001: 100 recorded, 0 absent → does not (one session)
  P7  4, nữ, Kinh, MG4*            list 95001: 0 recorded → does not (no attendance record)
  P8  4, nam, Thái, MG4*           list 95002: 100 recorded, 10 absent → completes, elsewhere
  P9  4, nam, Kinh, disabled (can study), at home
  P10 5, nữ, Thái, MG5*            list 95001: 100 recorded, 0 absent → completes
  P11 5, nam, Kinh, disabled (cannot study)
  P12 5, nam, Kinh, MG5*, disabled (can study)  list 95001: 60 recorded, 3 absent, left → does not
  P13 6, nữ, Kinh, grade 1, completed preschool 2025
  P14 6, nam, Kinh, moved away (chuyển đi)
  P15 5, nữ, Kinh, MG5*, moved in (chuyển đến)  list 95001: 100 recorded, 20 absent → completes
  P16 4, nam, Kinh, deceased (chết)
Commune 95002 (ĐBKK):
  Q1  4, nữ, Mông, MG4*            list 95001 (from elsewhere there): 100 recorded, 5 absent,
                                   TCTV → completes
  Q2  3, nam, Mông, MG3*           list 95002: 100 recorded, 0 absent → completes
"""

from __future__ import annotations

import csv
from pathlib import Path

import ibis.expr.types as ir
import polars as pl

from phocap.engine.backends import connect, load
from phocap.engine.units import read_units_file
from phocap.reports.figures import PUPILS_SCHEMA
from phocap.survey.schema import KEYS
from phocap.survey.validate import validate

YEAR = 2025
UNITS = (
    ("95", "Tỉnh Chín Lăm", "province", "", "0"),
    ("95001", "Xã Một", "commune", "95", "0"),
    ("95002", "Xã Hai", "commune", "95", "1"),
)
CAN, CANNOT = "học được", "không học được"
PEOPLE: tuple[tuple[str, str, int, str, str, dict[str, object]], ...] = (
    ("95001", "P1", 0, "nữ", "Kinh", {}),
    ("95001", "P2", 1, "nam", "Thái", {"current_class": "NT"}),
    ("95001", "P3", 2, "nữ", "Thái", {"current_class": "NT*"}),
    ("95001", "P4", 3, "nữ", "Thái", {"current_class": "MG3*"}),
    ("95001", "P5", 3, "nam", "Kinh", {"current_class": "MG3*"}),
    ("95001", "P6", 3, "nam", "Kinh", {"current_class": "MG3"}),
    ("95001", "P7", 4, "nữ", "Kinh", {"current_class": "MG4*"}),
    ("95001", "P8", 4, "nam", "Thái", {"current_class": "MG4*"}),
    ("95001", "P9", 4, "nam", "Kinh", {"disability": CAN}),
    ("95001", "P10", 5, "nữ", "Thái", {"current_class": "MG5*"}),
    ("95001", "P11", 5, "nam", "Kinh", {"disability": CANNOT}),
    ("95001", "P12", 5, "nam", "Kinh", {"current_class": "MG5*", "disability": CAN}),
    ("95001", "P13", 6, "nữ", "Kinh", {"current_class": "1", "preschool_completed": 2025}),
    ("95001", "P14", 6, "nam", "Kinh", {"status": "chuyển đi"}),
    ("95001", "P15", 5, "nữ", "Kinh", {"current_class": "MG5*", "status": "chuyển đến"}),
    ("95001", "P16", 4, "nam", "Kinh", {"status": "chết"}),
    ("95002", "Q1", 4, "nữ", "Mông", {"current_class": "MG4*"}),
    ("95002", "Q2", 3, "nam", "Mông", {"current_class": "MG3*"}),
)
# name → (school commune, recorded days, days absent, still on the list, TCTV)
PUPILS: dict[str, tuple[str, int, int, bool, bool]] = {
    "P2": ("95001", 100, 50, True, False),
    "P4": ("95001", 100, 45, True, True),
    "P5": ("95001", 100, 46, True, False),
    "P6": ("95001", 100, 0, True, False),
    "P7": ("95001", 0, 0, True, False),
    "P8": ("95002", 100, 10, True, False),
    "P10": ("95001", 100, 0, True, False),
    "P12": ("95001", 60, 3, False, False),
    "P15": ("95001", 100, 20, True, False),
    "Q1": ("95001", 100, 5, True, True),
    "Q2": ("95002", 100, 0, True, False),
}


def household_no(name: str) -> str:
    return f"{[p[1] for p in PEOPLE].index(name) + 1:03d}"


def write(folder: Path) -> tuple[Path, Path]:
    survey, units = folder / "survey.csv", folder / "units.csv"
    with units.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("code", "name", "type", "parent_code", "especially_difficult"))
        writer.writerows(UNITS)
    with survey.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=KEYS)
        writer.writeheader()
        for commune, name, age, sex, ethnicity, fields in PEOPLE:
            row = dict.fromkeys(KEYS, "")
            row.update(survey_year=str(YEAR), province_code="95", commune_code=commune,
                       village="Bản Một", household_no=household_no(name), person_no="1",
                       full_name=f"Trẻ {name}", birth_date=str(YEAR - age), sex=sex,
                       ethnicity=ethnicity)
            row.update({k: str(v) for k, v in fields.items()})
            writer.writerow(row)
    return survey, units


def table_and_units(folder: Path) -> tuple[ir.Table, pl.DataFrame]:
    survey, units = write(folder)
    result = validate(survey, keep_records=True, check_units=False)
    assert result.report.ok, result.report.problems.to_dicts()[:5]
    assert result.records is not None
    return load(connect("duckdb"), result.records), read_units_file(units)


def pupils() -> pl.DataFrame:
    """The class lists as attendance/programme.class_lists gives them."""
    homes = {p[1]: p[0] for p in PEOPLE}
    return pl.DataFrame(
        [(homes[name], "Bản Một", household_no(name), 1, *values)
         for name, values in PUPILS.items()],
        schema=list(PUPILS_SCHEMA.items()), orient="row")
