"""Write survey records back into the ministry's data-entry template.

One workbook per village, as the ministry's system hands them out and takes
them back: the template's header cells, merges and row-4 numbering, people
from row 5, ``.xls`` (Excel 97, what the system uses) or ``.xlsx``. A commune
is a zip of its villages' files. The template cannot hold everything the
record holds (it has no national ID, one graduation level a person, no year
of the literacy class); ``carried`` says exactly what survives a round trip,
and the writer returns a note for everything it could not write.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import xlwt

from phocap.survey import classes
from phocap.survey.cells import Workbook
from phocap.survey.official import layout, values
from phocap.survey.official.layout import DISABILITY_LETTERS
from phocap.survey.schema import DISABILITY_TYPES
from phocap.survey.text import fold

COMPLETION_ORDER = ("thpt_graduated", "thcs_graduated", "primary_completed", "preschool_completed")
Cell = str | int
_UNSAFE = re.compile(r'[\\/:*?"<>|]')


def _split_name(full_name: str) -> tuple[str, str]:
    words = full_name.split()
    return " ".join(words[:-1]), words[-1] if words else ""


def _ordered(records: pl.DataFrame) -> pl.DataFrame:
    return records.sort(["village", "household_no", "person_no"], nulls_last=True)


def _highest_completion(person: dict[str, object]) -> str | None:
    return next((k for k in COMPLETION_ORDER if person.get(k) is not None), None)


def _class_cells(code: str | None, name: str | None, continuing: bool) -> dict[str, Cell]:
    """R (Khối học), S (the class's name and its marks) and X (Bổ túc)."""
    parsed = classes.parse(code) if code else None
    out: dict[str, Cell] = {"X": "X"} if continuing else {}
    marks = ""
    if parsed is not None:
        base = parsed.code.rstrip("*!")
        marks = ("*" if parsed.two_sessions else "") + ("!" if parsed.repeater else "")
        if base in values.KHOI_OF_BASE:
            out["R"] = values.KHOI_OF_BASE[base]
        elif base.startswith("BT"):
            out["R"], out["X"] = int(base[2:]), "X"
        else:
            out["R"] = int(base)
    if name or marks:
        out["S"] = (name or "") + marks
    return out


def _number(person: dict[str, object], key: str) -> int | None:
    value = person.get(key)
    return int(value) if isinstance(value, int) else None


def _text(person: dict[str, object], key: str) -> str | None:
    value = person.get(key)
    return None if value is None else str(value)


# Text fields written as they are, by the template's column.
_TEXT_CELLS = (
    ("I", "ethnicity"), ("J", "religion"), ("K", "priority"), ("N", "address"),
    ("O", "household_no"), ("Q", "residence_status"), ("T", "school_district"),
    ("U", "school_name"), ("V", "current_school"), ("AA", "diploma_no"),
    ("AU", "status_detail"), ("AV", "relationship"), ("AW", "parent_name"), ("AX", "phone"),
    ("AY", "note"),
)


def _finished_grade(person: dict[str, object]) -> int | None:
    """AC: the grade finished without the diploma, else the highest grade finished."""
    grade = _number(person, "finished_grade")
    return grade if grade is not None else _number(person, "highest_grade")


def _literacy_class(person: dict[str, object]) -> int | None:
    """AH: the literacy class completed, else the last class of the stage completed."""
    completed = _number(person, "literacy_completed")
    stage = _number(person, "literacy_stage")
    if completed is not None:
        return completed
    return values.CLASS_OF_STAGE[stage] if stage is not None else None


def _relapse_level(person: dict[str, object]) -> int | None:
    level = _number(person, "relapse_level")
    return level if level is not None else (1 if person.get("relapsed") else None)


def row_cells(person: dict[str, object], number: int, head_name: str | None) -> dict[str, Cell]:
    """The template's cells (by letter) of one person."""
    cells: dict[str, Cell] = {"B": number}
    family, given = _split_name(_text(person, "full_name") or "")
    if family:
        cells["C"] = family
    cells["D"] = given
    birth = person.get("birth_date")
    if isinstance(birth, dt.date):
        cells["E"], cells["F"] = birth.day, birth.month
    born = _number(person, "birth_year")
    if born is not None:
        cells["G"] = born
    if person.get("sex") == "nữ":
        cells["H"] = "X"
    if head_name:
        cells["L"], cells["M"] = _split_name(head_name)
    for letter, key in _TEXT_CELLS:
        text = _text(person, key)
        if text is not None:
            cells[letter] = text
    for letter, key in (("P", "residence"), ("AT", "status")):
        text = _text(person, key)
        if text is not None:
            cells[letter] = text.capitalize()
    cells.update(_class_cells(_text(person, "current_class"), _text(person, "class_name"),
                              bool(person.get("continuing"))))
    level = _highest_completion(person)
    completed = _number(person, level) if level else None
    if level is not None and completed is not None:
        cells["W"], cells["Y"] = values.LEVEL_OF_KEY[level], values.school_year_text(completed)
    vocational = _text(person, "vocational_level")
    if vocational is not None:
        cells["Z"] = values.VOCATIONAL_OF_LEVEL[vocational]
    for letter, key in (("AB", "vocational_completed"), ("AD", "finished_year"),
                        ("AF", "dropout_year")):
        year = _number(person, key)
        if year is not None:
            cells[letter] = values.school_year_text(year)
    for letter, grade in (("AC", _finished_grade(person)),
                          ("AE", _number(person, "dropout_grade")),
                          ("AG", _number(person, "literacy_class")),
                          ("AH", _literacy_class(person)), ("AI", _relapse_level(person))):
        if grade is not None:
            cells[letter] = grade
    kinds = (_text(person, "disability_types") or "").split("; ")
    for letter, kind in zip(DISABILITY_LETTERS, DISABILITY_TYPES, strict=True):
        if kind in kinds:
            cells[letter] = "X"
    if person.get("disability") is not None:
        if not any(letter in cells for letter in DISABILITY_LETTERS):
            cells["AQ"] = "X"  # disabled, of a kind the record does not say
        if person["disability"] == "học được":
            cells["AS"] = "X"
    if person.get("disability_certified"):
        cells["AR"] = "X"
    return cells


def _is_head(person: dict[str, object]) -> bool:
    relationship = person.get("relationship")
    return isinstance(relationship, str) and fold(relationship) == fold(layout.HEAD)


def heads(people: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    """Each household's head, by its Số phiếu: the member whose relationship is "Chủ hộ",
    else its first member, as the ministry's system takes only households with one."""
    found: dict[object, dict[str, object]] = {}
    for person in people:
        household = person["household_no"]
        if household not in found or (_is_head(person) and not _is_head(found[household])):
            found[household] = person
    return found


def village_rows(records: pl.DataFrame) -> list[dict[str, Cell]]:
    """Cells of every person of one village, households together, the head first.

    A household no member of which is its head ("Chủ hộ") gets its first member
    as head (``heads``).
    """
    out: list[dict[str, Cell]] = []
    people = _ordered(records).to_dicts()
    found = heads(people)
    for number, person in enumerate(people, start=1):
        head = found[person["household_no"]]
        cells = row_cells(person, number, str(head["full_name"]))
        if person is head and not _is_head(person):
            cells["AV"] = layout.HEAD
        out.append(cells)
    return out


# --- what survives -------------------------------------------------------------------------------


def carried(records: pl.DataFrame) -> pl.DataFrame:
    """The records as the template carries them: what reading a written file gives back."""
    highest = [pl.col(k) for k in COMPLETION_ORDER]
    keep = [
        pl.when(pl.all_horizontal([pl.lit(True), *[h.is_null() for h in highest[:i]]]))
        .then(highest[i])
        .otherwise(None).alias(k)
        for i, k in enumerate(COMPLETION_ORDER)
    ]
    dropped_before = pl.when(pl.col("dropout_grade") >= 2).then(pl.col("dropout_grade") - 1)
    finished = pl.coalesce("finished_grade", "highest_grade")
    completed = pl.coalesce(
        "literacy_completed",
        pl.col("literacy_stage").replace_strict(values.CLASS_OF_STAGE, default=None),
    )
    head = pl.col("relationship").fill_null("").map_elements(
        lambda text: fold(text) == fold(layout.HEAD), return_dtype=pl.Boolean)
    household = ["village", "household_no"]
    no_head = ~head.any().over(household)
    first = pl.col("person_no") == pl.col("person_no").min().over(household)
    relationship = pl.when(no_head & first).then(pl.lit(layout.HEAD)).otherwise(
        pl.col("relationship"))
    is_head = relationship.fill_null("") == layout.HEAD
    disabled = pl.col("disability").is_not_null()
    # Column X marks continuing education; beside a grade of 6–12 the reader takes the
    # pair for the continuing-education class of that grade (BT6–BT12).
    general = pl.col("class_level").is_in([classes.LOWER_SECONDARY, classes.UPPER_SECONDARY])
    code = pl.when(pl.col("continuing").fill_null(False) & general.fill_null(False)).then(
        pl.lit("BT") + pl.col("current_class")).otherwise(pl.col("current_class"))
    parts = classes.parse_expr(code)
    return records.with_columns(
        *[expr.cast(records.schema[key]).alias(key) for key, expr in parts.items()
          if key in records.schema],
    ).with_columns(
        *keep,
        pl.lit(None, pl.String).alias("national_id"),
        pl.lit(None, pl.Int16).alias("literacy_year"),
        pl.max_horizontal(finished, dropped_before).cast(pl.Int8).alias("highest_grade"),
        finished.cast(pl.Int8).alias("finished_grade"),
        completed.cast(pl.Int8).alias("literacy_completed"),
        pl.when(completed >= 5).then(pl.lit(2)).when(completed >= 3).then(pl.lit(1))
        .cast(pl.Int8).alias("literacy_stage"),
        pl.coalesce("relapse_level", pl.when(pl.col("relapsed")).then(pl.lit(1)))
        .cast(pl.Int8).alias("relapse_level"),
        pl.when(disabled & pl.col("disability_types").is_null()).then(pl.lit("khác"))
        .otherwise(pl.col("disability_types")).alias("disability_types"),
        pl.when(~disabled & pl.col("disability_types").is_not_null())
        .then(pl.lit("không học được")).otherwise(pl.col("disability")).alias("disability"),
        relationship.alias("relationship"),
        pl.struct(is_head.not_(), "person_no").rank("ordinal").over(household).cast(pl.Int16)
        .alias("person_no"),
    )


def notes(records: pl.DataFrame) -> list[str]:
    """What the template cannot hold of these records, in Vietnamese."""
    known = [pl.col(k).is_not_null().cast(pl.Int32) for k in COMPLETION_ORDER]
    lower = pl.sum_horizontal(known) - 1
    counts = records.select(
        pl.col("national_id").is_not_null().sum().alias("national_id"),
        pl.col("literacy_year").is_not_null().sum().alias("literacy_year"),
        lower.clip(0).sum().alias("lower"),
        (pl.col("disability").is_not_null() & pl.col("disability_types").is_null()).sum()
        .alias("disability"),
    ).row(0, named=True)
    found = []
    if counts["national_id"]:
        found.append(f"{counts['national_id']} số định danh không được ghi: mẫu của Bộ không có"
                     " cột Số định danh.")
    if counts["literacy_year"]:
        found.append(f"{counts['literacy_year']} năm xóa mù chữ không được ghi: mẫu chỉ có lớp"
                     " xóa mù chữ đã hoàn thành (cột AH), không có năm.")
    if counts["lower"]:
        found.append(f"{counts['lower']} năm hoàn thành cấp học thấp hơn không được ghi: mẫu chỉ"
                     " ghi bậc tốt nghiệp cao nhất (cột W, Y).")
    if counts["disability"]:
        found.append(f"{counts['disability']} người khuyết tật chưa ghi dạng khuyết tật được ghi"
                     " ở cột AQ (Khuyết tật khác).")
    return found


# --- workbooks -----------------------------------------------------------------------------------


def xls_book(rows: list[dict[str, Cell]]) -> xlwt.Workbook:
    """The .xls workbook of one village's rows, before it is saved."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(layout.SHEET_NAME)
    header = xlwt.easyxf("font: bold on; align: horiz center, vert center, wrap on;"
                         " borders: left thin, right thin, top thin, bottom thin")
    cells = layout.header_cells()
    merged: set[tuple[int, str]] = set()
    for first_row, first, last_row, last in layout.merges():
        sheet.write_merge(first_row - 1, last_row - 1, layout.index(first), layout.index(last),
                          cells.get((first_row, first), ""), header)
        merged.add((first_row, first))
    for (row, letter), text in cells.items():
        if (row, letter) not in merged:
            sheet.write(row - 1, layout.index(letter), text, header)
    for letter, number in layout.numbers().items():
        sheet.write(layout.NUMBER_ROW - 1, layout.index(letter), number, header)
    for offset, person in enumerate(rows):
        for letter, value in person.items():
            sheet.write(layout.FIRST_DATA_ROW - 1 + offset, layout.index(letter), value)
    return book


def _xls(rows: list[dict[str, Cell]]) -> bytes:
    out = io.BytesIO()
    xls_book(rows).save(out)
    return out.getvalue()


def _xlsx(rows: list[dict[str, Cell]]) -> bytes:
    out = io.BytesIO()
    book = Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(layout.SHEET_NAME)
    header = book.add_format({"bold": True, "align": "center", "valign": "vcenter",
                              "text_wrap": True, "border": 1})
    cells = layout.header_cells()
    merged: set[tuple[int, str]] = set()
    for first_row, first, last_row, last in layout.merges():
        sheet.merge_range(first_row - 1, layout.index(first), last_row - 1, layout.index(last),
                          cells.get((first_row, first), ""), header)
        merged.add((first_row, first))
    for (row, letter), text in cells.items():
        if (row, letter) not in merged:
            sheet.write_string(row - 1, layout.index(letter), text, header)
    for letter, number in layout.numbers().items():
        sheet.write_number(layout.NUMBER_ROW - 1, layout.index(letter), number, header)
    for offset, person in enumerate(rows):
        for letter, value in person.items():
            row, column = layout.FIRST_DATA_ROW - 1 + offset, layout.index(letter)
            if isinstance(value, int):
                sheet.write_number(row, column, value)
            else:
                sheet.write_string(row, column, value)
    sheet.freeze_panes(layout.FIRST_DATA_ROW - 1, layout.index("C"))
    book.close()
    return out.getvalue()


def workbook(records: pl.DataFrame, suffix: str) -> bytes:
    """One village's records as a template workbook (``.xls`` or ``.xlsx``)."""
    rows = village_rows(records)
    if suffix.lower() == ".xls":
        return _xls(rows)
    if suffix.lower() == ".xlsx":
        return _xlsx(rows)
    raise ValueError(f"the template is written as .xls or .xlsx, not {suffix}")


def file_name(village: str, suffix: str) -> str:
    """The village's file, named as officers name them ("Bản Pồn.xls")."""
    return _UNSAFE.sub("-", village).strip() + suffix


def villages(records: pl.DataFrame) -> Iterator[tuple[str, pl.DataFrame]]:
    for (village,), part in _ordered(records).group_by("village", maintain_order=True):
        yield str(village), part


def write_village(records: pl.DataFrame, target: Path) -> list[str]:
    """Write one village's records to ``target`` (.xls or .xlsx); notes on what was left out."""
    target.write_bytes(workbook(records, target.suffix))
    return notes(records)


def write_commune(records: pl.DataFrame, target: Path, suffix: str = ".xls") -> list[str]:
    """A zip of one template workbook per village; notes on what was left out."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for village, part in villages(records):
            archive.writestr(file_name(village, suffix), workbook(part, suffix))
    return notes(records)
