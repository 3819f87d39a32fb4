"""A commune whose people make phocap's forms and the ministry's differ in known ways.

Survey year 2021; province 70, district 701, commune 70101. Ages are 2021 − birth year
(rules.md §1). Each person carries one attribute the ministry's practice reads
differently (phocap.reports.reconcile.RULES):

  P1  Lò Thị Một       11, grade 5, disabled and able to study (học được)
  P2  Cà Văn Hai        9, moved away (chuyển đi)
  P3  Vì Văn Ba        11, grade 5 — nothing special, counted alike by both
  P4  Lường Thị Bốn     7 by birth year, born 15/11/2014 (6 at 30/9/2021), grade 2
  P5  Quàng Văn Năm    16, finished grade 9 without a THCS diploma, completed primary 2016
  P6  Tòng Thị Sáu     13, grade 7 repeating (7!)
  P8  Điêu Thị Tám     17, disabled and able to study, completed primary 2015
  P10 Hà Văn Mười      15 by birth year, born 10/10/2006 (14 at 30/9/2021), completed
                       primary 2017
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
COMMUNE = "70101"
UNITS = (
    ("70", "Tỉnh Bảy Mươi", "province", "", "0"),
    ("701", "Huyện Bảy Linh Một", "district", "70", "0"),
    (COMMUNE, "Xã Đối Chiếu", "commune", "701", "0"),
)
PEOPLE = (
    ("P1", "Lò Thị Một", "2010", "nữ", {"current_class": "5", "disability": "học được"}),
    ("P2", "Cà Văn Hai", "2012", "nam", {"status": "chuyển đi"}),
    ("P3", "Vì Văn Ba", "2010", "nam", {"current_class": "5"}),
    ("P4", "Lường Thị Bốn", "15/11/2014", "nữ", {"current_class": "2"}),
    ("P5", "Quàng Văn Năm", "2005", "nam", {"highest_grade": 9, "primary_completed": 2016}),
    ("P6", "Tòng Thị Sáu", "2008", "nữ", {"current_class": "7!", "primary_completed": 2020}),
    ("P8", "Điêu Thị Tám", "2004", "nữ", {"disability": "học được", "primary_completed": 2015}),
    ("P10", "Hà Văn Mười", "10/10/2006", "nam", {"primary_completed": 2017}),
)
NAMES = {key: name for key, name, *_ in PEOPLE}


def table_and_units(folder: Path) -> tuple[ir.Table, pl.DataFrame]:
    survey, units = folder / "survey.csv", folder / "units.csv"
    with units.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("code", "name", "type", "parent_code", "especially_difficult"))
        writer.writerows(UNITS)
    with survey.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=KEYS)
        writer.writeheader()
        for number, (_, name, born, sex, fields) in enumerate(PEOPLE, 1):
            row = dict.fromkeys(KEYS, "")
            row.update(survey_year=str(YEAR), province_code="70", district_code="701",
                       commune_code=COMMUNE, village="Bản Đối", household_no=f"{number:03d}",
                       person_no="1", full_name=name, birth_date=born, sex=sex,
                       ethnicity="Thái")
            row.update({k: str(v) for k, v in fields.items()})
            writer.writerow(row)
    result = validate(survey, keep_records=True, check_units=False)
    assert result.report.ok, result.report.problems.to_dicts()[:5]
    assert result.records is not None
    return load(connect("duckdb"), result.records), read_units_file(units)
