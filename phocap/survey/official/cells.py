"""One person's row of the template → the survey record's raw text.

The record is what validation types and checks, so the row is turned into the
very text our own survey format would hold ("12/03/1985", "MG5", "2003"), and
every existing check and message applies unchanged. What only this template
can get wrong (a school year, a split birth date, a Khối học value) is said
here, at its cell. Every column of the template has a field of the record
(docs/official-files.md); B, the running number, is the only cell not kept.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from phocap.survey.official import values
from phocap.survey.official.layout import DISABILITY_LETTERS, HEAD, caption
from phocap.survey.official.values import Bad
from phocap.survey.schema import DISABILITY_TYPES
from phocap.survey.text import fold

# Columns read as text into a field of the record, as written.
TEXT_COLUMNS = {
    "J": "religion", "K": "priority", "N": "address", "Q": "residence_status",
    "T": "school_district", "U": "school_name", "V": "current_school", "AA": "diploma_no",
    "AU": "status_detail", "AV": "relationship", "AW": "parent_name", "AX": "phone",
    "AY": "note",
}
BIRTH = "E–G (Ngày, Tháng, Năm sinh)"

# The record's keys a row gives, and the template column each comes from.
HEADERS: dict[str, str] = {
    "household_no": caption("O"),
    "full_name": "C, D (Họ đệm, Tên)",
    "birth_date": BIRTH,
    "sex": caption("H"),
    "ethnicity": caption("I"),
    "residence": caption("P"),
    "status": caption("AT"),
    "disability": "AJ–AS (Khuyết tật, Khả năng học tập)",
    "disability_types": "AJ–AQ (Khuyết tật)",
    "disability_certified": caption("AR"),
    "current_class": "R, S, X (Khối học, Lớp học, Bổ túc)",
    "class_name": caption("S"),
    "continuing": caption("X"),
    "preschool_completed": "W, Y (Bậc tốt nghiệp MN, Năm tốt nghiệp)",
    "primary_completed": "W, Y (Bậc tốt nghiệp TH, Năm tốt nghiệp)",
    "thcs_graduated": "W, Y (Bậc tốt nghiệp THCS, Năm tốt nghiệp)",
    "thpt_graduated": "W, Y (Bậc tốt nghiệp THPT, Năm tốt nghiệp)",
    "vocational_level": caption("Z"),
    "vocational_completed": caption("AB"),
    "highest_grade": "AC, AE (Học xong – Lớp; Bỏ học – Lớp)",
    "finished_grade": caption("AC"),
    "finished_year": caption("AD"),
    "dropout_grade": caption("AE"),
    "dropout_year": caption("AF"),
    "literacy_class": caption("AG"),
    "literacy_completed": caption("AH"),
    "relapse_level": caption("AI"),
    **{key: caption(letter) for letter, key in TEXT_COLUMNS.items()},
}
RECORD_KEYS = tuple(k for k in HEADERS if k != "household_no")


@dataclass
class CellProblem:
    letter: str
    header: str
    key: str | None
    value: str
    message: str
    severity: str = "error"


@dataclass
class Person:
    """The raw record text of one row, and what the row could not give."""

    raw: dict[str, str | None] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    lost: Counter[str] = field(default_factory=Counter)  # letter → cells not carried
    head: bool = False


def _bad(person: Person, letter: str, key: str | None, value: str, bad: Bad | str) -> None:
    expected = bad.expected if isinstance(bad, Bad) else bad
    person.problems.append(CellProblem(letter, caption(letter), key, value, expected))


def _flag(person: Person, cells: dict[str, str | None], letter: str) -> bool:
    mark = values.flag(cells[letter])
    if isinstance(mark, Bad):
        _bad(person, letter, None, cells[letter] or "", mark)
        return False
    return mark


def _sex(person: Person, cells: dict[str, str | None]) -> str:
    """H is marked X for a woman; some officers write the word instead."""
    written = fold(cells["H"] or "")
    if written in ("nu", "nam"):
        return "nữ" if written == "nu" else "nam"
    return "nữ" if _flag(person, cells, "H") else "nam"


def _birth(person: Person, cells: dict[str, str | None]) -> None:
    day_text, month_text, year_text = cells["E"], cells["F"], cells["G"]
    if year_text is None:
        person.raw["birth_date"] = None if day_text is None and month_text is None else (
            f"{day_text or ''}/{month_text or ''}/"
        )
        return
    year = values.calendar_year(year_text)
    if isinstance(year, Bad):
        _bad(person, "G", "birth_date", year_text, year)
        person.raw["birth_date"] = year_text
        return
    if day_text is None and month_text is None:
        person.raw["birth_date"] = str(year)
        return
    day, month = values.whole(day_text), values.whole(month_text)
    written = f"{day_text or ''}/{month_text or ''}/{year_text}"
    person.raw["birth_date"] = written
    if day is None or month is None:
        missing = "E" if day is None else "F"
        _bad(person, missing, "birth_date", cells[missing] or "",
             "cần ghi ngày và tháng sinh bằng số, hoặc để trống cả hai khi chỉ biết năm sinh")
        return
    try:
        date = dt.date(year, month, day)
    except ValueError:
        person.problems.append(CellProblem(
            "E", BIRTH, "birth_date", written,
            f"ngày {day} tháng {month} năm {year} không có thật (các cột E, F, G ghép lại)",
        ))
        return
    person.raw["birth_date"] = date.strftime("%d/%m/%Y")


def _class(person: Person, cells: dict[str, str | None]) -> None:
    khoi_text, name, continuing = cells["R"], cells["S"] or "", _flag(person, cells, "X")
    marks = "".join(m for m in "*!" if m in name)
    person.raw["class_name"] = name.replace("!", "").replace("*", "").strip() or None
    person.raw["continuing"] = "x" if continuing else None
    if khoi_text is None:
        if marks:
            person.lost["S"] += 1  # a repeater or two-session mark with no class to carry it
        return
    base = values.khoi(khoi_text)
    if isinstance(base, Bad):
        _bad(person, "R", "current_class", khoi_text, base)
        return
    if continuing and base.isdigit() and int(base) >= 6:
        base = "BT" + base
    person.raw["current_class"] = base + marks


def _completion(person: Person, cells: dict[str, str | None]) -> None:
    level_text, year_text = cells["W"], cells["Y"]
    if level_text is None and year_text is None:
        return
    key = values.LEVELS.get(fold(level_text or ""))
    if level_text is not None and key is None:
        _bad(person, "W", None, level_text, values.LEVEL_EXPECTED)
        return
    if level_text is None:
        _bad(person, "W", None, "", "có Năm tốt nghiệp (cột Y) thì cần ghi Bậc tốt nghiệp")
        return
    if year_text is None:
        _bad(person, "Y", key, "", "có Bậc tốt nghiệp (cột W) thì cần ghi năm học tốt nghiệp,"
             " ví dụ 2023-2024")
        return
    year = _school_year(person, "Y", key, year_text)
    if year is not None and key is not None:
        person.raw[key] = str(year)


def _school_year(person: Person, letter: str, key: str | None, text: str) -> int | None:
    year, as_school_year = values.school_year(text)
    if isinstance(year, Bad):
        _bad(person, letter, key, text, year)
        return None
    if not as_school_year:
        person.problems.append(CellProblem(
            letter, caption(letter), key, text,
            f"mẫu ghi năm học (ví dụ {values.school_year_text(year)}); đã hiểu là năm học kết"
            f" thúc năm {year}", "warning",
        ))
    return year


def _vocational(person: Person, cells: dict[str, str | None]) -> None:
    level_text, year_text = cells["Z"], cells["AB"]
    if level_text is not None:
        level = values.VOCATIONAL.get(fold(level_text))
        if level is None:
            _bad(person, "Z", "vocational_level", level_text, values.VOCATIONAL_EXPECTED)
            return
        person.raw["vocational_level"] = level
    if year_text is not None:
        year = _school_year(person, "AB", "vocational_completed", year_text)
        if year is not None:
            person.raw["vocational_completed"] = str(year)


def _history(person: Person, cells: dict[str, str | None]) -> None:
    finished, dropped = cells["AC"], cells["AE"]
    finished_grade = values.whole(finished)
    grades = [finished_grade] if finished_grade is not None else []
    dropped_grade = values.whole(dropped)
    if dropped_grade is not None and dropped_grade >= 2:
        grades.append(dropped_grade - 1)  # dropping out of grade N means N − 1 was finished
    if finished is not None and finished_grade is None:
        person.raw["highest_grade"] = finished  # validation names it
    elif grades:
        person.raw["highest_grade"] = str(max(grades))
    person.raw["finished_grade"] = values.whole_text(finished)
    if cells["AD"] is not None:
        year = _school_year(person, "AD", "finished_year", cells["AD"])
        if year is not None:
            person.raw["finished_year"] = str(year)
    person.raw["dropout_grade"] = values.whole_text(dropped)
    if cells["AF"] is not None:
        year = _school_year(person, "AF", "dropout_year", cells["AF"])
        if year is not None:
            person.raw["dropout_year"] = str(year)


def _literacy(person: Person, cells: dict[str, str | None]) -> None:
    """AG, AH and AI as written; validation derives the stage and the relapse from them."""
    for letter, key, top in (("AG", "literacy_class", 5), ("AH", "literacy_completed", 5),
                             ("AI", "relapse_level", 2)):
        text = cells[letter]
        if text is None:
            continue
        number = values.whole(text)
        if number is None or not 1 <= number <= top:
            _bad(person, letter, key, text, f"cần một số từ 1 đến {top}")
        else:
            person.raw[key] = str(number)


def _disability(person: Person, cells: dict[str, str | None]) -> None:
    kinds = [kind for letter, kind in zip(DISABILITY_LETTERS, DISABILITY_TYPES, strict=True)
             if _flag(person, cells, letter)]
    able = _flag(person, cells, "AS")
    person.raw["disability_types"] = "; ".join(kinds) or None
    person.raw["disability_certified"] = "x" if _flag(person, cells, "AR") else None
    if kinds or able:
        person.raw["disability"] = "học được" if able else "không học được"


def person(cells: dict[str, str | None]) -> Person:
    """Read one row (cells by letter) of the template."""
    found = Person()
    raw = found.raw
    raw["household_no"] = values.whole_text(cells["O"])
    names = [cells["C"], cells["D"]]
    raw["full_name"] = " ".join(n for n in names if n) or None
    _birth(found, cells)
    raw["sex"] = _sex(found, cells)
    raw["ethnicity"] = cells["I"]
    raw["residence"] = cells["P"]
    raw["status"] = cells["AT"]
    for letter, key in TEXT_COLUMNS.items():
        raw[key] = cells[letter]
    raw["phone"] = values.phone(cells["AX"])
    _class(found, cells)
    _completion(found, cells)
    _vocational(found, cells)
    _history(found, cells)
    _literacy(found, cells)
    _disability(found, cells)
    relation = cells["AV"]
    found.head = relation is not None and fold(relation) == fold(HEAD)
    return found
