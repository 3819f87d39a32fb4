"""Attendance from a spreadsheet, all or nothing, idempotent, in either of two layouts.

The file is XLSX or CSV (the first sheet), with a header row; columns are
found by name in any order, any case, with or without marks:

- one row per pupil and day: "Lớp", "STT", "Ngày" (a date cell, dd/mm/yyyy or
  yyyy-mm-dd) and "Trạng thái": C (có mặt), P (vắng có phép) or K (vắng không
  phép);
- a month grid, as the paper register (sổ điểm danh): "Lớp", "STT", "Tháng"
  (mm/yyyy) and a column per day of the month, "1" to "31", holding P or K for
  an absence, C or nothing for present; every school day of the month up to
  today is then saved for the class, and a mark on a day without school is an
  error.

A class day named in the file is saved whole, as the grid saves it: a pupil of
the class not listed for that day was present. Nothing is written unless every
row is right; each problem is a survey/problems.py Problem naming the file,
sheet, row, column and value and saying what is expected, and the file is
refused with all of them (ProblemsFound), as every upload's reader does. The
file comes saved by register/uploads.py (``held``). Saving the same file again
changes nothing and writes no audit entry (recording.apply_day).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from phocap import numbers
from phocap.accounts.models import User
from phocap.accounts.permissions import may_keep_school
from phocap.attendance.models import calendar_for
from phocap.attendance.recording import (
    NOT_YOURS,
    NotASchoolDay,
    apply_day,
    check_school_day,
)
from phocap.kit.years import school_year_of
from phocap.register import audit, uploads
from phocap.schools.models import Enrolment, School, SchoolClass
from phocap.survey.limits import Limits, check_zip, too_many_rows
from phocap.survey.problems import ERROR, Problem, ProblemsFound
from phocap.survey.text import fold

COLUMNS = {"lop": "class", "stt": "pupil_no", "ngay": "date", "trang thai": "status",
           "thang": "month"}
LABELS = {"class": "Lớp", "pupil_no": "STT", "date": "Ngày", "status": "Trạng thái",
          "month": "Tháng"}
KEYS = {label: key for key, label in LABELS.items()}
STATUS_CODES = {"c": "present", "co mat": "present", "p": "excused", "co phep": "excused",
                "vang co phep": "excused", "k": "unexcused", "khong phep": "unexcused",
                "vang khong phep": "unexcused"}


MAX_BYTES = 5 * 1024 * 1024
"""An attendance sheet is a school's month: far smaller than a survey file, and read
into memory whole (openpyxl), so its bounds are lower than the register's."""
MAX_EXPANDED = 64 * 1024 * 1024


def limits() -> Limits:
    return uploads.limits(max_bytes=MAX_BYTES, max_expanded=MAX_EXPANDED)


@dataclass(frozen=True)
class Result:
    """What a saved file did: class days saved, audit entries written."""

    days: int = 0
    changed: int = 0


def _rows(path: Path) -> tuple[str | None, list[list[object]]]:
    """The first sheet's name (none for a CSV) and its rows."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    text = path.read_bytes().decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    return None, [list(row) for row in csv.reader(
        io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")]


def _date(value: object) -> dt.date | None:
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


@dataclass(frozen=True)
class Mark:
    """One pupil's status on one day, as read from the file, with where it was read."""

    row: int
    class_cell: object
    pupil_cell: object
    day: dt.date | None
    day_cell: object
    day_column: str
    status_cell: object
    status_column: str
    blank: bool = False  # a month grid's empty cell: present on a school day, else nothing


def _month(value: object) -> tuple[int, int] | None:
    if isinstance(value, dt.date):
        return value.year, value.month
    text = str(value or "").strip()
    for pattern in ("%m/%Y", "%m-%Y", "%Y-%m"):
        try:
            found = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return found.year, found.month
    return None


def _marks(rows: list[list[object]], header: dict[str, int], days: dict[int, int],
           bad_month: Callable[[int, object], None]) -> list[Mark]:
    """The file's marks: one per row (a "Ngày" column), or one per day column of a month
    grid (a "Tháng" column and columns 1–31: C/P/K, or empty for present)."""
    marks = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: row[i] if i < len(row) else None for c, i in header.items()}
        by_day = {k: row[i] if i < len(row) else None for k, i in days.items()}
        if all(v is None or str(v).strip() == "" for v in [*cells.values(), *by_day.values()]):
            continue
        if "date" in header:
            marks.append(Mark(number, cells["class"], cells["pupil_no"], _date(cells["date"]),
                              cells["date"], LABELS["date"], cells["status"], LABELS["status"]))
            continue
        month = _month(cells["month"])
        if month is None:
            bad_month(number, cells["month"])
            continue
        for k, value in sorted(by_day.items()):
            blank = value is None or str(value).strip() == ""
            try:
                day: dt.date | None = dt.date(month[0], month[1], k)
            except ValueError:
                if blank:
                    continue
                day = None
            marks.append(Mark(number, cells["class"], cells["pupil_no"], day, value, str(k),
                              "C" if blank else value, str(k), blank))
    return marks


def _whole(file: str, code: str, message: str) -> ProblemsFound:
    """The file refused for what no one cell is to blame for."""
    return ProblemsFound([Problem(ERROR, code, message, file)])


def read(user: User, school: School, path: Path, today: dt.date | None = None) -> Result:
    """Check the file against the school's class lists and save it; ProblemsFound with every
    problem, and nothing saved, otherwise. The file is named by ``path``'s name."""
    if not may_keep_school(user, school):
        raise PermissionDenied(NOT_YOURS)
    name = path.name
    problems: list[Problem] = []
    reported: set[tuple[int, str]] = set()
    bounds = limits()
    try:
        if path.suffix.lower() == ".xlsx":
            check_zip(path, name, bounds)
        sheet, rows = _rows(path)
        too_many_rows(name, len(rows) - 1, bounds)
    except (UnicodeDecodeError, ValueError, OSError, KeyError):
        raise _whole(name, "unreadable",
                     _("Không đọc được tệp; cần tệp XLSX hoặc CSV (UTF-8).")) from None
    if not rows:
        raise _whole(name, "empty", _("Tệp trống: cần dòng tiêu đề và các dòng điểm danh."))

    def problem(row: int, header: str, value: object, code: str, expected: str) -> None:
        if (row, header) in reported:  # a month grid's row: its class or pupil once
            return
        reported.add((row, header))
        problems.append(Problem(ERROR, code, expected, name, sheet, row,
                                KEYS.get(header, header), header,
                                "" if value is None else str(value)))

    folded = [fold(str(h if h is not None else "")).strip().lower() for h in rows[0]]
    header = {COLUMNS[h]: i for i, h in enumerate(folded) if h in COLUMNS}
    days = {int(h): i for i, h in enumerate(folded) if h.isdigit() and 1 <= int(h) <= 31}
    wanted = ["class", "pupil_no", "month"] if "month" in header and days else \
        ["class", "pupil_no", "date", "status"]
    missing = [LABELS[c] for c in wanted if c not in header]
    if missing:
        raise ProblemsFound([Problem(
            ERROR, "missing_columns",
            _("Thiếu cột %(columns)s: dòng 1 cần các cột %(wanted)s.")
            % {"columns": ", ".join(missing), "wanted": ", ".join(LABELS[c] for c in wanted)},
            name, sheet, 1)])
    if "date" not in wanted:
        header.pop("date", None)
    else:
        days = {}
    classes: dict[tuple[int, str], SchoolClass | None] = {}
    saved: dict[tuple[int, dt.date], dict[int, str]] = defaultdict(dict)
    by_key: dict[int, SchoolClass] = {}
    school_days: dict[int, set[dt.date]] = {}
    class_lists: dict[int, list[Enrolment]] = {}
    today = today or dt.date.today()
    marks = _marks(rows, header, days, lambda number, value: problem(
        number, LABELS["month"], value, "bad_month", _("Cần tháng dạng mm/yyyy, ví dụ 09/2021.")))
    for mark in marks:
        if mark.day is None:
            problem(mark.row, mark.day_column, mark.day_cell, "bad_date",
                    _("Cần một ngày có thật, dạng dd/mm/yyyy."))
            continue
        class_name = str(mark.class_cell or "").strip()
        key = (school_year_of(mark.day), class_name)
        if key not in classes:
            classes[key] = SchoolClass.objects.filter(school=school, school_year=key[0],
                                                      name=class_name).first()
        klass = classes[key]
        if klass is None:
            problem(mark.row, LABELS["class"], mark.class_cell, "unknown_class",
                    _("Cần tên một lớp của trường trong năm học %(first)d–%(last)d; trường"
                      " không có lớp này.") % {"first": key[0], "last": key[0] + 1})
            continue
        if klass.pk not in school_days:
            school_days[klass.pk] = set(calendar_for(klass.school_id,
                                                     klass.school_year).school_days())
        if mark.day not in school_days[klass.pk] or mark.day > today:
            if not mark.blank:
                try:
                    check_school_day(klass, mark.day, today)
                except NotASchoolDay as error:
                    problem(mark.row, mark.day_column, mark.day_cell, "not_a_school_day",
                            str(error))
            continue
        status = STATUS_CODES.get(fold(str(mark.status_cell or "")).strip().lower())
        if status is None:
            problem(mark.row, mark.status_column, mark.status_cell, "bad_status",
                    _("Cần C (có mặt), P (vắng có phép) hoặc K (vắng không phép)."))
            continue
        if klass.pk not in class_lists:
            class_lists[klass.pk] = list(klass.pupils.all())
        raw_no = str(mark.pupil_cell or "").strip().removesuffix(".0")
        pupil = next((e for e in class_lists[klass.pk] if str(e.pupil_no) == raw_no
                      and (e.left_on is None or e.left_on > mark.day)), None)
        if pupil is None:
            problem(mark.row, LABELS["pupil_no"], mark.pupil_cell, "unknown_pupil",
                    _("Cần số thứ tự của một học sinh trong danh sách lớp %(klass)s ngày"
                      " %(day)s; lớp không có học sinh số này.")
                    % {"klass": klass.name, "day": numbers.date(mark.day)})
            continue
        statuses = saved[(klass.pk, mark.day)]
        if statuses.get(pupil.pk, status) != status:
            problem(mark.row, mark.status_column, mark.status_cell, "two_statuses",
                    _("Học sinh này đã có trạng thái khác cho cùng ngày ở dòng trên: mỗi học"
                      " sinh một trạng thái một ngày."))
            continue
        statuses[pupil.pk] = status
        by_key[klass.pk] = klass
    if problems:
        raise ProblemsFound(problems)
    with transaction.atomic():
        entries: list[audit.Entry] = []
        for (klass_id, day), statuses in sorted(saved.items(), key=lambda item: item[0]):
            found, _saved = apply_day(user, by_key[klass_id], day, statuses)
            entries.extend(found)
        audit.record_many(user, entries)
    return Result(days=len(saved), changed=len(entries))
