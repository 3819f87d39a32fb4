"""Name lists of a commune: the people behind the numerators the forms report.

Dossiers carry, per commune, the children who completed preschool, the pupils
who completed primary, the lower-secondary graduates and the people recognised
literate, by level. Each list is the engine's fact among the people in PPC of
the criterion's ages, queried where the data lives, so its length is the
numerator printed on the forms. They hold personal data: callers log exports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import ibis.expr.types as ir
import polars as pl

from phocap import numbers
from phocap.engine import facts
from phocap.reports.forms.common import Context
from phocap.reports.model import Column, Form, Row, Value


@dataclass(frozen=True)
class NameList:
    code: str
    title: str
    fact: str
    ages: tuple[int, int]
    year_column: str  # the survey column shown as the completion year
    year_header: str


NAME_LISTS = (
    NameList("DS-MN", "DANH SÁCH TRẺ EM HOÀN THÀNH CHƯƠNG TRÌNH GIÁO DỤC MẦM NON",
             "completed_preschool", (6, 6), "preschool_completed", "Năm hoàn thành"),
    NameList("DS-TH", "DANH SÁCH HỌC SINH HOÀN THÀNH CHƯƠNG TRÌNH TIỂU HỌC",
             "completed_primary", (11, 14), "primary_completed", "Năm hoàn thành"),
    NameList("DS-THCS", "DANH SÁCH THANH THIẾU NIÊN TỐT NGHIỆP TRUNG HỌC CƠ SỞ",
             "lower_secondary_graduate", (15, 18), "thcs_graduated", "Năm tốt nghiệp"),
    NameList("DS-XMC", "DANH SÁCH NGƯỜI ĐẠT CHUẨN BIẾT CHỮ",
             "literate_1", (15, 60), "literacy_year", "Năm XMC"),
)
COLUMNS = (
    Column("stt", ("STT",)),
    Column("full_name", ("Họ và tên",)),
    Column("birth_date", ("Ngày sinh",)),
    Column("age", ("Tuổi",)),
    Column("sex", ("Giới tính",)),
    Column("ethnicity", ("Dân tộc",)),
    Column("village", ("Thôn/xóm",)),
    Column("household_no", ("Số phiếu",)),
)


def people(table: ir.Table, spec: NameList, communes: list[str], year: int) -> pl.DataFrame:
    """The people of a list in some communes, in one query (sorted by commune, village,
    household and position in it)."""
    t = table.filter((table.survey_year == year) & table.commune_code.isin(communes))
    fact: Callable[[ir.Table], ir.BooleanValue] = facts.fact(spec.fact)
    chosen = t.filter(facts.in_scope(t) & facts.age(t).between(*spec.ages) & fact(t))
    query = chosen.select(
        "commune_code", "village", "household_no", "person_no", "full_name", "birth_date",
        "birth_year", "sex", "ethnicity", spec.year_column,
        age=facts.age(chosen),
        level_2=facts.literate_2(chosen),
    ).order_by(["commune_code", "village", "household_no", "person_no"])
    frame = pl.from_arrow(query.to_pyarrow())
    assert isinstance(frame, pl.DataFrame)
    return frame


def _birth(row: dict[str, object]) -> str:
    date = row["birth_date"]
    if isinstance(date, dt.date):
        return numbers.date(date)
    born = row["birth_year"]
    return numbers.year(born) if isinstance(born, int) else ""


def name_list(context: Context, frame: pl.DataFrame, spec: NameList) -> Form:
    """One list for one commune (context.unit), from ``people`` of that commune."""
    columns = [*COLUMNS]
    if spec.fact == "literate_1":
        columns.append(Column("level", ("Mức độ biết chữ",)))
    columns.append(Column("year", (spec.year_header,)))
    rows = []
    for index, row in enumerate(frame.iter_rows(named=True), start=1):
        values: dict[str, Value] = {
            "stt": index,
            "full_name": row["full_name"],
            "birth_date": _birth(row),
            "age": int(row["age"]),
            "sex": row["sex"] or "",
            "ethnicity": row["ethnicity"] or "",
            "village": row["village"],
            "household_no": row["household_no"],
            "year": "" if row[spec.year_column] is None else str(row[spec.year_column]),
        }
        if spec.fact == "literate_1":
            values["level"] = "Mức độ 2" if row["level_2"] else "Mức độ 1"
        key = f"{row['village']}/{row['household_no']}/{row['person_no']}"
        rows.append(Row(str(row["full_name"]), values, code=key))
    lo, hi = spec.ages
    ages = f"{lo} tuổi" if lo == hi else f"{lo}–{hi} tuổi"
    return Form(
        code=spec.code,
        title=spec.title,
        year=context.year,
        unit_code=context.unit.code,
        headings=context.headings(),
        columns=tuple(columns),
        rows=tuple(rows),
        notes=(f"Người phải phổ cập {ages} (năm sinh {context.year - hi}–{context.year - lo}).",
               "Danh sách có dữ liệu cá nhân: chỉ dùng cho hồ sơ công nhận."),
        signatures=context.signatures(),
        place_date=context.place_date(),
    )
