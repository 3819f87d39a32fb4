"""Class lists of a school year: read from a spreadsheet or typed on a page, linked to the register.

A class list file (CSV, XLSX or XLS, read by survey/readers.py, so the headers
may be written as the survey form writes them, with or without accents) has a
row per pupil: "Lớp" (class name, e.g. 6A), "STT", "Họ và tên", "Ngày sinh"
(a date or a year), "Giới tính", and optionally "Khối" (the grade, otherwise
the leading NT, MG3–MG5 or number of the class name), "Dân tộc", "Thôn",
"Bán trú" (x for a semi-boarding pupil), "Tăng cường tiếng Việt" (x for a pupil
given Vietnamese-language preparation this school year, MN-01-TE row 16) and
"2 buổi/ngày" (x when the pupil's class studies two sessions a day, blank for one:
the staffing norms differ by it, and every row of a class must say the same; without
the column a new class is taken to study two sessions and an existing one keeps what
it had).

The import is all or nothing: every row is checked first, and any problem (a
survey/problems.py Problem naming file, sheet, row, column and value, in
Vietnamese, raised together as ProblemsFound like every upload reader's) stops
it before anything is written. It is idempotent: a pupil is identified by class and STT, an
unchanged row changes nothing and is not audited again, and re-importing the
same file reports zero changes. Pupils missing from a new file are not deleted
(attendance and dropout records hang on them); the page lists them. Each new or
changed pupil is matched to the register (schools/matching.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction

from phocap.accounts.models import User
from phocap.accounts.permissions import may_keep_school_details
from phocap.register import audit, freezing, uploads
from phocap.register.models import Person, Village
from phocap.schools import matching
from phocap.schools.models import Enrolment, School, SchoolClass
from phocap.schools.services import NOT_YOURS
from phocap.survey import parse, readers
from phocap.survey.problems import ERROR, Problem, ProblemsFound
from phocap.survey.schema import COLUMNS
from phocap.survey.text import fold, normalize, text_problem

REQUIRED = {"current_class": "Lớp", "person_no": "STT", "full_name": "Họ và tên",
            "birth_date": "Ngày sinh", "sex": "Giới tính"}
_GRADE = re.compile(r"^(NT|MG[345]|BT(?:[6-9]|1[0-2])|1[0-2]|[1-9])(?![0-9])", re.IGNORECASE)
_SEX = next(c for c in COLUMNS if c.key == "sex")
NAME_CHARS = Enrolment._meta.get_field("full_name").max_length
CLASS_CHARS = SchoolClass._meta.get_field("name").max_length
PUPIL_FIELDS = ("full_name", "birth_date", "birth_year", "sex", "ethnicity", "village_id",
                "semi_boarding", "vietnamese_preparation")


@dataclass
class Outcome:
    """What an import or a match did, for the page."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0
    linked: int = 0
    ambiguous: list[Enrolment] = field(default_factory=list)
    missing: list[Enrolment] = field(default_factory=list)


def grade_of(class_name: str) -> str | None:
    found = _GRADE.match(class_name.strip().replace(" ", ""))
    return found.group(1).upper() if found else None


def _column(sheet: readers.Sheet, *names: str) -> str | None:
    """The sheet's column kept under an unknown header that folds to one of ``names``."""
    return next((c for c in sheet.unknown if fold(sheet.headers[c]) in names), None)


def read(path: Path, display_name: str, villages: dict[str, int]) -> list[dict[str, Any]]:
    """The pupils of a class list file, typed; ProblemsFound with every problem (a
    survey/problems.py Problem naming file, sheet, row, column and value) otherwise."""
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    try:
        sheets = list(readers.read(path, limits=uploads.limits()))
    except ProblemsFound as error:
        raise ProblemsFound([replace(p, file=display_name) for p in error.problems]) from None
    for sheet in sheets:
        missing = [header for key, header in REQUIRED.items() if key not in sheet.data.columns]
        if missing:
            problems.append(Problem(
                ERROR, "missing_columns",
                f"Thiếu cột {', '.join(f'“{m}”' for m in missing)}: dòng tiêu đề cần các cột "
                f"{', '.join(f'“{h}”' for h in REQUIRED.values())}.",
                display_name, sheet.name, sheet.header_row))
            continue
        grade_col = _column(sheet, "khoi", "khoi lop")
        boarding_col = _column(sheet, "ban tru", "hoc sinh ban tru")
        preparation_col = _column(sheet, "tang cuong tieng viet", "tctv")
        sessions_col = _column(sheet, "2 buoi ngay", "hoc 2 buoi ngay", "2 buoi")
        data = sheet.data
        birth_date, birth_year = parse.birth(pl.col("birth_date"))
        typed = data.with_columns(
            _no=parse.integer(pl.col("person_no"), 1, 999),
            _date=birth_date, _year=birth_year,
            _sex=parse.choice(pl.col("sex"), _SEX),
            _ethnicity=(parse.ethnic_group(pl.col("ethnicity")) if "ethnicity" in data.columns
                        else pl.lit(None, pl.String)),
            _boarding=(parse.flag(pl.col(boarding_col)) if boarding_col
                       else pl.lit(False)),
            _preparation=(parse.flag(pl.col(preparation_col)) if preparation_col
                          else pl.lit(False)),
            _two=(parse.flag(pl.col(sessions_col)) if sessions_col else pl.lit(None, pl.Boolean)),
        )
        for row in typed.iter_rows(named=True):
            number = int(row[readers.ROW])

            def bad(key: str, code: str, expected: str, row: dict[str, object] = row,
                    number: int = number, sheet: readers.Sheet = sheet) -> None:
                value = row.get(key)
                problems.append(Problem(ERROR, code, expected, display_name, sheet.name,
                                        number, key, sheet.headers.get(key, key),
                                        "" if value is None else str(value)))

            name = normalize(row["full_name"] or "")
            class_name = normalize(row["current_class"] or "")
            grade = grade_of(row[grade_col] or "") if grade_col and row[grade_col] else \
                grade_of(class_name)
            if not class_name:
                bad("current_class", "missing_class", "Cần tên lớp, ví dụ 6A.")
            elif grade is None:
                bad(grade_col or "current_class", "unknown_grade",
                    "Không nhận ra khối lớp: cần NT, MG3–MG5, 1–12 hoặc BT6–BT12 ở đầu tên lớp"
                    " hoặc cột “Khối”.")
            if row["_no"] is None:
                bad("person_no", "bad_pupil_no", "Cần số thứ tự từ 1 đến 999.")
            if not name:
                bad("full_name", "missing_name", "Cần họ và tên học sinh.")
            for key, value, limit in (("full_name", row["full_name"], NAME_CHARS),
                                      ("current_class", row["current_class"], CLASS_CHARS)):
                if value and (problem := text_problem(sheet.headers.get(key, key),
                                                      normalize(value), limit)):
                    bad(key, "bad_text", problem)
            if row["_year"] is None:
                bad("birth_date", "bad_birth", "Cần ngày sinh dạng 05/09/2010 hoặc năm sinh 2010.")
            if row["_sex"] is None:
                bad("sex", "bad_sex", "Cần “nam” hoặc “nữ”.")
            if "ethnicity" in data.columns and row["ethnicity"] and row["_ethnicity"] is None:
                bad("ethnicity", "unknown_ethnicity",
                    "Cần tên một trong 54 dân tộc của danh mục; không có tên này.")
            village_id = None
            if "village" in data.columns and row["village"]:
                village_id = villages.get(fold(row["village"]))
                if village_id is None:
                    bad("village", "unknown_village",
                        "Cần tên một thôn/bản của xã có trường; xã không có thôn/bản này.")
            if boarding_col and row[boarding_col] and row["_boarding"] is None:
                bad(boarding_col, "bad_boarding",
                    "Ghi “x” nếu học sinh bán trú, để trống nếu không.")
            if preparation_col and row[preparation_col] and row["_preparation"] is None:
                bad(preparation_col, "bad_preparation",
                    "Ghi “x” nếu trẻ được tăng cường tiếng Việt trong năm học, để trống nếu "
                    "không.")
            if sessions_col and row[sessions_col] and row["_two"] is None:
                bad(sessions_col, "bad_sessions",
                    "Ghi “x” nếu lớp học 2 buổi/ngày, để trống nếu học 1 buổi/ngày.")
            rows.append({
                "class_name": class_name, "grade": grade, "pupil_no": row["_no"],
                "full_name": name, "birth_date": row["_date"], "birth_year": row["_year"],
                "sex": row["_sex"], "ethnicity": row["_ethnicity"] or "",
                "village_id": village_id, "semi_boarding": bool(row["_boarding"]),
                "vietnamese_preparation": bool(row["_preparation"]),
                "two_sessions": (bool(row["_two"]) if sessions_col else None),
                "sessions_column": sessions_col,
                "sessions_header": sheet.headers.get(sessions_col, "") if sessions_col else "",
                "sessions_as_written": row[sessions_col] if sessions_col else None,
                "sheet": sheet.name, "row": number,
                "pupil_no_as_written": row["person_no"],
                "pupil_no_header": sheet.headers.get("person_no", "STT"),
            })
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        pupil = (row["class_name"], row["pupil_no"])
        if row["pupil_no"] is not None and pupil in seen:
            problems.append(Problem(
                ERROR, "pupil_no_twice",
                f"Cần mỗi học sinh một số thứ tự trong lớp: lớp {pupil[0]} đã có học sinh số "
                f"{pupil[1]} ở dòng {seen[pupil]}.",
                display_name, row["sheet"], row["row"], "person_no", row["pupil_no_header"],
                str(row["pupil_no_as_written"])))
        seen.setdefault(pupil, row["row"])
    first_row: dict[str, int] = {}
    for at, row in enumerate(rows):
        first = rows[first_row.setdefault(row["class_name"], at)]
        if row["two_sessions"] is not None and row["two_sessions"] != first["two_sessions"]:
            said = {True: "2 buổi/ngày", False: "1 buổi/ngày"}
            problems.append(Problem(
                ERROR, "sessions_differ",
                f"Cần mọi học sinh của một lớp cùng số buổi học: lớp {row['class_name']} ghi "
                f"{said[first['two_sessions']]} ở dòng {first['row']}, "
                f"{said[row['two_sessions']]} ở dòng này.",
                display_name, row["sheet"], row["row"], row["sessions_column"],
                row["sessions_header"],
                "" if row["sessions_as_written"] is None else str(row["sessions_as_written"])))
    if problems:
        raise ProblemsFound(problems)
    if not rows:
        raise ProblemsFound([Problem(ERROR, "no_pupils",
                                     "Tệp không có học sinh nào: cần mỗi dòng một học sinh.",
                                     display_name)])
    return rows


def import_file(user: User, school: School, year: int, path: Path,
                display_name: str) -> Outcome:
    """Check then store a class list file for the school's ``year``, all or nothing."""
    if not may_keep_school_details(user, school):
        raise PermissionDenied(NOT_YOURS)
    villages = {fold(name): pk for pk, name in
                Village.objects.filter(commune=school.commune).values_list("pk", "name")}
    rows = read(path, display_name, villages)
    outcome = Outcome()
    with transaction.atomic():
        freezing.refuse_if_frozen(school.commune, year)
        classes = {c.name: c for c in SchoolClass.objects.filter(school=school, school_year=year)}
        touched: list[Enrolment] = []
        for row in rows:
            klass = classes.get(row["class_name"])
            two = row["two_sessions"]
            if klass is None:
                klass = SchoolClass.objects.create(school=school, school_year=year,
                                                   name=row["class_name"], grade=row["grade"],
                                                   two_sessions=True if two is None else two)
                audit.record(user, "create", klass, None)
                classes[klass.name] = klass
            elif two is not None and klass.two_sessions != two:
                before = audit.snapshot(klass)
                klass.two_sessions = two
                klass.save(update_fields=["two_sessions"])
                audit.record(user, "update", klass, before)
            values = {k: row[k] for k in PUPIL_FIELDS}
            pupil = Enrolment.objects.filter(klass=klass, pupil_no=row["pupil_no"]).first()
            if pupil is None:
                pupil = Enrolment.objects.create(klass=klass, pupil_no=row["pupil_no"], **values)
                audit.record(user, "create", pupil, None)
                outcome.created += 1
                touched.append(pupil)
            elif any(getattr(pupil, k) != v for k, v in values.items()):
                before = audit.snapshot(pupil)
                for k, v in values.items():
                    setattr(pupil, k, v)
                pupil.version += 1
                pupil.person = None
                pupil.save()
                audit.record(user, "update", pupil, before)
                outcome.changed += 1
                touched.append(pupil)
            else:
                outcome.unchanged += 1
        in_file = {(r["class_name"], r["pupil_no"]) for r in rows}
        outcome.missing = [e for e in Enrolment.objects.filter(
            klass__in=[classes[n] for n in {r["class_name"] for r in rows}]).select_related("klass")
            if (e.klass.name, e.pupil_no) not in in_file]
        linked, outcome.ambiguous = link(user, school, year, touched)
        outcome.linked = linked
    return outcome


def add_pupil(user: User, klass: SchoolClass, values: dict[str, object]) -> Enrolment:
    """One pupil typed on the class page, matched to the register as a file's would be."""
    school = klass.school
    if not may_keep_school_details(user, school):
        raise PermissionDenied(NOT_YOURS)
    with transaction.atomic():
        freezing.refuse_if_frozen(school.commune, klass.school_year)
        number = (Enrolment.objects.filter(klass=klass).order_by("-pupil_no")
                  .values_list("pupil_no", flat=True).first() or 0) + 1
        pupil = Enrolment.objects.create(klass=klass, pupil_no=number, **values)
        audit.record(user, "create", pupil, None)
        link(user, school, klass.school_year, [pupil])
    pupil.refresh_from_db()
    return pupil


def outcomes(commune_id: int, year: int,
             pupils: Sequence[Enrolment]) -> list[matching.Outcome]:
    """What matching.match says of each pupil of a school in the commune, nothing stored.

    A person already linked to another pupil of the school year (at any school)
    is not linked twice: the pupil's outcome is ambiguous instead.
    """
    if not pupils:
        return []
    village_communes = dict(Village.objects.filter(
        pk__in={p.village_id for p in pupils if p.village_id}).values_list("pk", "commune_id"))
    places = [frozenset({commune_id} | ({village_communes[p.village_id]}
                                        if p.village_id in village_communes else set()))
              for p in pupils]
    communes = set().union(*places)
    keys = [matching.key(p.full_name, p.birth_year, p.sex) for p in pupils]
    people = [(pk, matching.key(name, born, sex), commune)
              for pk, name, born, sex, commune in Person.objects.filter(
                  household__commune_id__in=communes,
                  birth_year__in={k.birth_year for k in keys})
              .values_list("pk", "full_name", "birth_year", "sex", "household__commune_id")]
    found = matching.match(list(zip(keys, places, strict=True)), people)
    taken = set(Enrolment.objects.filter(klass__school_year=year, person__isnull=False)
                .exclude(pk__in=[p.pk for p in pupils]).values_list("person_id", flat=True))
    return [matching.Outcome(matching.AMBIGUOUS, None, o.candidates)
            if o.status == matching.LINKED and o.person_id in taken else o for o in found]


def link(user: User, school: School, year: int,
         pupils: Iterable[Enrolment]) -> tuple[int, list[Enrolment]]:
    """Match pupils to the register (``outcomes``) and store each unique link, audited;
    returns how many are linked and the ambiguous pupils."""
    pupils = list(pupils)
    linked, ambiguous = 0, []
    for pupil, found in zip(pupils, outcomes(school.commune_id, year, pupils), strict=True):
        if found.status == matching.LINKED:
            if pupil.person_id != found.person_id:
                before = audit.snapshot(pupil)
                Enrolment.objects.filter(pk=pupil.pk).update(person_id=found.person_id)
                pupil.person_id = found.person_id
                audit.record(user, "update", pupil, before)
            linked += 1
        elif found.status == matching.AMBIGUOUS:
            ambiguous.append(pupil)
    return linked, ambiguous
