"""Attendance from a spreadsheet: one row per pupil and day, all or nothing, idempotent.

The file (XLSX or CSV, the first sheet) has a header row naming the columns
"Lớp", "STT", "Ngày" and "Trạng thái" (in any order, any case, with or without
marks), then one row per pupil and day: the class's name, the pupil's number
on the class list, the date (a date cell, dd/mm/yyyy or yyyy-mm-dd) and C (có
mặt), P (vắng có phép) or K (vắng không phép). A class day named in the file is
saved whole, as the grid saves it: a pupil of the class not listed for that day
was present. Nothing is written unless every row is right; each problem names
the file, row, column and value and says what is expected. Saving the same file
again changes nothing and writes no audit entry (recording.apply_day).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from phocap.attendance.recording import (
    NOT_YOURS,
    NotASchoolDay,
    apply_day,
    check_school_day,
)
from phocap.register import audit
from phocap.schools.models import School, SchoolClass
from phocap.schools.scope import may_keep_school
from phocap.survey.text import fold

COLUMNS = {"lop": "class", "stt": "pupil_no", "ngay": "date", "trang thai": "status"}
LABELS = {"class": "Lớp", "pupil_no": "STT", "date": "Ngày", "status": "Trạng thái"}
STATUS_CODES = {"c": "present", "co mat": "present", "p": "excused", "co phep": "excused",
                "vang co phep": "excused", "k": "unexcused", "khong phep": "unexcused",
                "vang khong phep": "unexcused"}


@dataclass
class Result:
    problems: list[str] = field(default_factory=list)
    days: int = 0
    changed: int = 0


def _rows(name: str, content: bytes) -> list[list[Any]]:
    if name.lower().endswith(".xlsx"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    text = content.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    return [list(row) for row in csv.reader(io.StringIO(text),
                                            delimiter=";" if first.count(";") > first.count(",")
                                            else ",")]


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def school_year_of(day: dt.date) -> int:
    """A school year starts in August at the earliest: January–July belong to the one before."""
    return day.year if day.month >= 8 else day.year - 1


def read(user: Any, school: School, name: str, content: bytes,
         today: dt.date | None = None) -> Result:
    """Check the file against the school's class lists and save it, or report every problem."""
    if not may_keep_school(user, school):
        raise PermissionDenied(NOT_YOURS)
    result = Result()

    def problem(row: int, column: str, value: Any, expected: str) -> None:
        result.problems.append(
            _("Tệp %(file)s, dòng %(row)d, cột %(column)s: giá trị «%(value)s» — %(expected)s")
            % {"file": name, "row": row, "column": LABELS[column], "value": value if value
               is not None else "", "expected": expected})

    try:
        rows = _rows(name, content)
    except (UnicodeDecodeError, ValueError, OSError, KeyError):
        result.problems.append(_("Tệp %(file)s: không đọc được; cần tệp XLSX hoặc CSV (UTF-8).")
                               % {"file": name})
        return result
    if not rows:
        result.problems.append(_("Tệp %(file)s trống.") % {"file": name})
        return result
    header = {COLUMNS[fold(str(h or "")).strip().lower()]: i for i, h in enumerate(rows[0])
              if fold(str(h or "")).strip().lower() in COLUMNS}
    missing = [LABELS[c] for c in LABELS if c not in header]
    if missing:
        result.problems.append(_("Tệp %(file)s, dòng 1: thiếu cột %(columns)s.")
                               % {"file": name, "columns": ", ".join(missing)})
        return result
    classes: dict[tuple[int, str], SchoolClass | None] = {}
    days: dict[tuple[int, dt.date], dict[int, str]] = defaultdict(dict)
    by_key: dict[int, SchoolClass] = {}
    checked: set[tuple[int, dt.date]] = set()
    class_lists: dict[int, list[Any]] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: row[i] if i < len(row) else None for c, i in header.items()}
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        day = _date(cells["date"])
        if day is None:
            problem(number, "date", cells["date"], _("cần ngày dạng dd/mm/yyyy"))
            continue
        class_name = str(cells["class"] or "").strip()
        key = (school_year_of(day), class_name)
        if key not in classes:
            classes[key] = SchoolClass.objects.filter(school=school, school_year=key[0],
                                                      name=class_name).first()
        klass = classes[key]
        if klass is None:
            problem(number, "class", cells["class"],
                    _("trường không có lớp này trong năm học %(first)d–%(last)d")
                    % {"first": key[0], "last": key[0] + 1})
            continue
        status = STATUS_CODES.get(fold(str(cells["status"] or "")).strip().lower())
        if status is None:
            problem(number, "status", cells["status"],
                    _("cần C (có mặt), P (vắng có phép) hoặc K (vắng không phép)"))
            continue
        if (klass.pk, day) not in checked:
            try:
                check_school_day(klass, day, today)
            except NotASchoolDay as error:
                problem(number, "date", cells["date"], str(error))
                continue
            checked.add((klass.pk, day))
        if klass.pk not in class_lists:
            class_lists[klass.pk] = list(klass.pupils.all())
        raw_no = str(cells["pupil_no"] or "").strip().removesuffix(".0")
        pupil = next((e for e in class_lists[klass.pk] if str(e.pupil_no) == raw_no
                      and (e.left_on is None or e.left_on > day)), None)
        if pupil is None:
            problem(number, "pupil_no", cells["pupil_no"],
                    _("lớp %(klass)s không có học sinh số này vào ngày %(day)s")
                    % {"klass": klass.name, "day": day.strftime("%d/%m/%Y")})
            continue
        statuses = days[(klass.pk, day)]
        if statuses.get(pupil.pk, status) != status:
            problem(number, "status", cells["status"],
                    _("học sinh này đã có trạng thái khác cho cùng ngày ở dòng trên"))
            continue
        statuses[pupil.pk] = status
        by_key[klass.pk] = klass
    if result.problems:
        return result
    with transaction.atomic():
        entries: list[audit.Entry] = []
        for (klass_id, day), statuses in sorted(days.items(), key=lambda item: item[0]):
            found, _saved = apply_day(user, by_key[klass_id], day, statuses)
            entries.extend(found)
        audit.record_many(user, entries)
    result.days = len(days)
    result.changed = len(entries)
    return result
