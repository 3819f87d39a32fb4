"""A small district for the form tests, person by person, so every cell can be counted by hand.

Survey year 2021; province 90, district 901; commune 90101 (normal) and 90102
(especially difficult, ĐBKK). Ages are ages in 2021 (docs/rules.md §1).

Commune 90101:
  A  6, nữ, Thái, grade 1, completed preschool 2021
  B  6, nam, Kinh, grade 1, completed preschool 2021
  C  6, nam, Kinh, not at school
  C2 6, nữ, Kinh, moved away (chuyển đi): counted in the total, not in PPC
  D  11, nữ, Kinh, grade 6, completed primary 2021
  E  11, nam, Kinh, grade 5
  F  14, nam, Kinh, grade 9, completed primary 2018
  G  16, nữ, Thái, grade 11, completed primary 2016, THCS graduate 2020
  H  16, nam, Kinh, completed primary 2016, dropped out of grade 8 in 2019
  I  40, nữ, Kinh, completed grade 3 only (literate level 1, not level 2)
Commune 90102 (ĐBKK):
  J  6, nam, Mông, grade 1, completed preschool 2021
  K  5, nữ, Mông, MG5
  L  20, nữ, Mông, never at school (illiterate)
  M  16, nam, Mông, grade 10, completed primary 2016, THCS graduate 2020
"""

from __future__ import annotations

import csv
from pathlib import Path

import ibis.expr.types as ir
import polars as pl

from phocap.engine.backends import connect, load
from phocap.engine.units import read_units_file
from phocap.survey.schema import KEYS
from phocap.survey.validate import validate

YEAR = 2021
UNITS = (
    ("90", "Tỉnh Chín Mươi", "province", "", "0"),
    ("901", "Huyện Chín Linh Một", "district", "90", "0"),
    ("90101", "Xã Một", "commune", "901", "0"),
    ("90102", "Xã Hai", "commune", "901", "1"),
)
PEOPLE = (
    ("90101", "A", 6, "nữ", "Thái", {"current_class": "1", "preschool_completed": 2021}),
    ("90101", "B", 6, "nam", "Kinh", {"current_class": "1", "preschool_completed": 2021}),
    ("90101", "C", 6, "nam", "Kinh", {}),
    ("90101", "C2", 6, "nữ", "Kinh", {"status": "chuyển đi"}),
    ("90101", "D", 11, "nữ", "Kinh", {"current_class": "6", "primary_completed": 2021}),
    ("90101", "E", 11, "nam", "Kinh", {"current_class": "5"}),
    ("90101", "F", 14, "nam", "Kinh", {"current_class": "9", "primary_completed": 2018}),
    ("90101", "G", 16, "nữ", "Thái", {"current_class": "11", "primary_completed": 2016,
                                      "thcs_graduated": 2020}),
    ("90101", "H", 16, "nam", "Kinh", {"primary_completed": 2016, "dropout_grade": 8,
                                       "dropout_year": 2019}),
    ("90101", "I", 40, "nữ", "Kinh", {"highest_grade": 3}),
    ("90102", "J", 6, "nam", "Mông", {"current_class": "1", "preschool_completed": 2021}),
    ("90102", "K", 5, "nữ", "Mông", {"current_class": "MG5"}),
    ("90102", "L", 20, "nữ", "Mông", {}),
    ("90102", "M", 16, "nam", "Mông", {"current_class": "10", "primary_completed": 2016,
                                       "thcs_graduated": 2020}),
)


def write(folder: Path) -> tuple[Path, Path]:
    survey, units = folder / "survey.csv", folder / "units.csv"
    with units.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("code", "name", "type", "parent_code", "especially_difficult"))
        writer.writerows(UNITS)
    with survey.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=KEYS)
        writer.writeheader()
        for number, (commune, name, age, sex, ethnicity, fields) in enumerate(PEOPLE, 1):
            row = dict.fromkeys(KEYS, "")
            row.update(survey_year=str(YEAR), province_code="90", district_code="901",
                       commune_code=commune, village="Bản Một", household_no=f"{number:03d}",
                       person_no="1", full_name=f"Người {name}", birth_date=str(YEAR - age),
                       sex=sex, ethnicity=ethnicity)
            row.update({k: str(v) for k, v in fields.items()})
            writer.writerow(row)
    return survey, units


def table_and_units(folder: Path) -> tuple[ir.Table, pl.DataFrame]:
    survey, units = write(folder)
    result = validate(survey, keep_records=True, check_units=False)
    assert result.report.ok, result.report.problems.to_dicts()[:5]
    assert result.records is not None
    return load(connect("duckdb"), result.records), read_units_file(units)
