"""Staffing and classroom norms of a school, as data, and the arithmetic on them.

Why data: the norms change with each circular (Circular 06/2015 gave way to
Circular 19/2023 for preschools, Circular 16/2017 to Circular 20/2023 for
general education), and a province must be able to see and check the numbers
an answer was judged by. Each norm carries its source and a mark, as docs/rules.md
does: **[law]** read in the legal text, **[interpretation]** our reading where
the text is silent, **[unverified]** restated from a secondary source (here the
project's issue) because the circular's own text could not be read. The page
shows the mark next to every figure.

Everything is exact (``Fraction``); rounding happens only for display.
Nothing here imports Django: the conditions module feeds it counts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from phocap import numbers

LAW, INTERPRETATION, UNVERIFIED = "law", "interpretation", "unverified"

# The school levels a class grade belongs to (the survey's class codes without marks).
PRESCHOOL, PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY = (
    "preschool", "primary", "lower_secondary", "upper_secondary")


def level_of_grade(grade: str) -> str | None:
    """The level of a class grade: NT and MG3–MG5 preschool, 1–5 primary, 6–9 THCS,
    10–12 THPT (continuing education BT6–BT12 likewise by its number)."""
    code = grade.strip().upper()
    if code == "NT" or code.startswith("MG"):
        return PRESCHOOL
    digits = code.removeprefix("BT")
    if not digits.isdigit():
        return None
    number = int(digits)
    if 1 <= number <= 5 and not code.startswith("BT"):
        return PRIMARY
    if 6 <= number <= 9:
        return LOWER_SECONDARY
    if 10 <= number <= 12:
        return UPPER_SECONDARY
    return None


@dataclass(frozen=True)
class Norm:
    """One number of a norm, with where it comes from (``source`` is shown on the page, so it
    names the document as an officer would)."""

    value: Fraction
    source: str
    mark: str


# Classrooms per class that recognition requires (docs/rules.md §3, TT07 Arts 3–6).
# For preschool the class counted is the 5-year-olds' class (MG5). Upper secondary
# has no room norm: no standard of universal education is judged on it.
CLASSROOMS_PER_CLASS: dict[str, Norm] = {
    PRESCHOOL: Norm(Fraction(1), "Điều 3 Thông tư 07/2016/TT-BGDĐT", UNVERIFIED),
    PRIMARY: Norm(Fraction(7, 10), "Điều 4 Thông tư 07/2016/TT-BGDĐT", UNVERIFIED),
    LOWER_SECONDARY: Norm(Fraction(1, 2), "Điều 5 Thông tư 07/2016/TT-BGDĐT", UNVERIFIED),
}
# What each level's norm counts per: the room norm of preschool counts the
# 5-year-olds' classes only, the teacher norm every group and class.
ROOM_BASIS: dict[str, str] = {PRESCHOOL: "lớp mẫu giáo 5 tuổi", PRIMARY: "lớp tiểu học",
                              LOWER_SECONDARY: "lớp THCS"}
CLASS_BASIS: dict[str, str] = {PRESCHOOL: "nhóm, lớp mầm non", PRIMARY: "lớp tiểu học",
                               LOWER_SECONDARY: "lớp THCS", UPPER_SECONDARY: "lớp THPT"}

# Teachers per class (or per preschool group). The circulars' own text could
# not be read here, so the numbers are restated from secondary sources [unverified].
# Each is a ceiling: the circulars let a school be given at most so many posts a class
# ("bố trí tối đa … giáo viên/lớp"), and TT07 Arts 3–5 ask for "đủ giáo viên … theo
# quy định". Reading the ceiling as the number a school needs is the practice of the
# PCGD forms and ours (CEILING_READ_AS_NEED, D10 of the legal review); a shortfall is
# said to be against the ceiling wherever it is shown.
TEACHERS_PER_CLASS: dict[str, Norm] = {
    PRESCHOOL: Norm(Fraction(22, 10),
                    "Thông tư 19/2023/TT-BGDĐT (lớp mẫu giáo học 2 buổi/ngày)",
                    UNVERIFIED),
    PRIMARY: Norm(Fraction(15, 10),
                  "Thông tư 20/2023/TT-BGDĐT (kể cả giáo viên các môn chuyên biệt)", UNVERIFIED),
    LOWER_SECONDARY: Norm(Fraction(19, 10), "Thông tư 20/2023/TT-BGDĐT", UNVERIFIED),
    # D8 of the legal review: 2,25 is the norm in force (a secondary source restating
    # Circular 20/2023) and the figure of the earlier norms too; the 2,2 was a
    # slip. No standard of universal education is judged on it.
    UPPER_SECONDARY: Norm(Fraction(225, 100), "Thông tư 20/2023/TT-BGDĐT", UNVERIFIED),
}

# The mark of that reading, shown beside the norms on the schools' pages.
CEILING_READ_AS_NEED = INTERPRETATION
CEILING = "định mức tối đa"

# Subject keys (Staff.subject) and their Vietnamese names. "class" is a primary
# class teacher (giáo viên chủ nhiệm dạy các môn), "preschool" a preschool teacher.
SUBJECTS: dict[str, str] = {
    "preschool": "giáo viên mầm non",
    "class": "giáo viên dạy lớp (tiểu học)",
    "vietnamese_literature": "Ngữ văn",
    "mathematics": "Toán",
    "english": "Tiếng Anh",
    "informatics": "Tin học",
    "science": "Khoa học tự nhiên",
    "history_geography": "Lịch sử và Địa lí",
    "civics": "Giáo dục công dân",
    "technology": "Công nghệ",
    "physical_education": "Giáo dục thể chất",
    "music": "Âm nhạc",
    "fine_arts": "Mĩ thuật",
}

# Specialist teachers a school of the level needs at least one of, whatever its
# size [interpretation: the programme of 2018 (Circular 32/2018/TT-BGDĐT) teaches
# these subjects at the level, so a school with no teacher of one cannot teach it;
# a larger school needs more, which the per-class total catches].
SPECIALISTS: dict[str, tuple[str, ...]] = {
    PRESCHOOL: (),
    PRIMARY: ("english", "informatics", "music", "fine_arts", "physical_education"),
    LOWER_SECONDARY: ("vietnamese_literature", "mathematics", "english", "informatics",
                      "science", "history_geography", "civics", "technology",
                      "physical_education", "music", "fine_arts"),
    UPPER_SECONDARY: ("vietnamese_literature", "mathematics", "english", "informatics",
                      "history_geography", "physical_education"),
}
SPECIALISTS_MARK = INTERPRETATION

# Primary: one class teacher per class besides the specialists [interpretation].
CLASS_TEACHERS_PER_CLASS = {PRIMARY: 1}
# Preschool: the per-class total is all preschool teachers.
# A school nurse (nhân viên y tế) per school [unverified: Circular 20/2023/TT-BGDĐT
# and Circular 19/2023/TT-BGDĐT provide the position in every school].
NURSES_PER_SCHOOL = Norm(Fraction(1), "Thông tư 19/2023/TT-BGDĐT và 20/2023/TT-BGDĐT", UNVERIFIED)
NURSE = "nurse"


@dataclass(frozen=True)
class SchoolCounts:
    """What the norms are applied to: one school in one school year."""

    classes: Mapping[str, int]  # level → number of classes (preschool: all groups and classes)
    five_year_old_classes: int  # MG5 classes (the preschool room condition counts these)
    classrooms: int
    teachers: Mapping[str, int]  # subject key → active teachers
    nurses: int


def teachers_needed(counts: SchoolCounts) -> Fraction:
    """Σ over the school's levels of classes × teachers per class: the ceiling of the
    staffing norm, read as what the school needs [interpretation, CEILING_READ_AS_NEED]."""
    return sum((TEACHERS_PER_CLASS[level].value * n for level, n in counts.classes.items()
                if level in TEACHERS_PER_CLASS), Fraction(0))


def classrooms_needed(counts: SchoolCounts) -> Fraction:
    """Σ over the school's levels of classes × classrooms per class; for preschool the
    5-year-olds' classes only (docs/rules.md §3)."""
    need = Fraction(0)
    for level, n in counts.classes.items():
        if level == PRESCHOOL:
            need += CLASSROOMS_PER_CLASS[PRESCHOOL].value * counts.five_year_old_classes
        elif level in CLASSROOMS_PER_CLASS:
            need += CLASSROOMS_PER_CLASS[level].value * n
    return need


def shortages(counts: SchoolCounts) -> dict[str, int]:
    """Teachers (and nurse) missing, by subject key, plus "total" against the per-class norm.

    A specialist subject of a level the school teaches is short by 1 when no
    active teacher teaches it; primary class teachers are short by classes −
    class teachers; "total" is ⌈teachers needed⌉ − all teachers, at least 0, against
    the norm's ceiling (``teachers_needed``). Only positive shortages are listed.
    """
    found: dict[str, int] = {}
    for level, n in counts.classes.items():
        if n <= 0:
            continue
        for subject in SPECIALISTS.get(level, ()):
            if counts.teachers.get(subject, 0) < 1:
                found[subject] = 1
        per_class = CLASS_TEACHERS_PER_CLASS.get(level)
        if per_class:
            missing = per_class * n - counts.teachers.get("class", 0)
            if missing > 0:
                found["class"] = missing
    if any(n > 0 for n in counts.classes.values()) and counts.nurses < NURSES_PER_SCHOOL.value:
        found[NURSE] = int(NURSES_PER_SCHOOL.value) - counts.nurses
    total = math.ceil(teachers_needed(counts)) - sum(counts.teachers.values())
    if total > 0:
        found["total"] = total
    return found


def meets_teacher_norm(counts: SchoolCounts) -> bool:
    """All teachers ≥ classes × teachers per class, exactly (1,5 × 3 classes = 4,5: 5 teachers
    meet it, 4 do not): the ceiling read as the need [interpretation]."""
    return sum(counts.teachers.values()) >= teachers_needed(counts)


def meets_classroom_norm(counts: SchoolCounts) -> bool:
    """Classrooms ≥ what the school's classes need (0,7 × 10 primary classes = 7 rooms)."""
    return counts.classrooms >= classrooms_needed(counts)


@dataclass(frozen=True)
class Check:
    """One norm applied to one school, with the arithmetic an officer can redo by hand."""

    name: str  # "rooms" or "teachers"
    met: bool
    have: int
    need: Fraction
    sentence: str

    @property
    def short(self) -> int:
        """Whole rooms or teachers missing: ⌈need⌉ − have, at least 0."""
        return max(0, math.ceil(self.need) - self.have)


def _check(name: str, have: int, unit: str, per_unit: str,
           terms: list[tuple[Fraction, int, str]], ceiling: bool = False) -> Check:
    """"Phòng học: 12 phòng / 15 lớp THCS = 0,80 phòng/lớp, cần ≥ 1; thiếu 3 phòng", or
    with several levels "…: 20 phòng, cần ≥ 0,7 × 15 lớp tiểu học + 0,5 × 8 lớp THCS =
    14,5 phòng; …". A norm that is a ceiling (``ceiling``, the staffing norms) says so
    after the need and after the shortfall: "cần ≥ 1,5 (định mức tối đa); thiếu 2 giáo
    viên so với định mức tối đa" (D10)."""
    need = sum((value * n for value, n, _ in terms), Fraction(0))
    title = {"rooms": "Phòng học", "teachers": "Giáo viên"}[name]
    if len(terms) == 1:
        value, n, basis = terms[0]
        text = (f"{title}: {numbers.integer(have)} {unit} / {numbers.integer(n)} {basis}"
                f" = {per(have, n)} {per_unit}, cần ≥ {numbers.decimal(value, trim=True)}")
    else:
        parts = " + ".join(f"{numbers.decimal(value, trim=True)} × {numbers.integer(n)} {basis}"
                           for value, n, basis in terms)
        text = (f"{title}: {numbers.integer(have)} {unit}, cần ≥ {parts}"
                f" = {numbers.decimal(need, trim=True)} {unit}")
    if ceiling:
        text += f" ({CEILING})"
    found = Check(name, have >= need, have, need, text)
    if not found.met:
        against = f" so với {CEILING}" if ceiling else ""
        return Check(name, False, have, need,
                     f"{text}; thiếu {numbers.integer(found.short)} {unit}{against}")
    return found


def checks(counts: SchoolCounts) -> list[Check]:
    """The room and teacher norms that decide recognition (``meets_classroom_norm``,
    ``meets_teacher_norm``), each with its arithmetic: the school page and a commune's
    results say which norm a school misses and by how much."""
    rooms = [(CLASSROOMS_PER_CLASS[level].value,
              counts.five_year_old_classes if level == PRESCHOOL else n, ROOM_BASIS[level])
             for level, n in counts.classes.items() if level in CLASSROOMS_PER_CLASS and n > 0]
    rooms = [term for term in rooms if term[1] > 0]
    teachers = [(TEACHERS_PER_CLASS[level].value, n, CLASS_BASIS[level])
                for level, n in counts.classes.items() if level in TEACHERS_PER_CLASS and n > 0]
    found = []
    if rooms:
        found.append(_check("rooms", counts.classrooms, "phòng", "phòng/lớp", rooms))
    if teachers:
        found.append(_check("teachers", sum(counts.teachers.values()), "giáo viên",
                            "giáo viên/lớp", teachers, ceiling=True))
    return found


def rate(numerator: int, denominator: int) -> str:
    """"57/65 (87,69%)": Vietnamese decimal comma, two decimals; "—" with nothing to divide."""
    if denominator == 0:
        return numbers.DASH
    return (f"{numbers.integer(numerator)}/{numbers.integer(denominator)}"
            f" ({numbers.rate(numerator, denominator)})")


def per(numerator: int, denominator: int) -> str:
    """A ratio such as classrooms per class, two decimals with a comma ("0,75")."""
    if denominator == 0:
        return numbers.DASH
    return numbers.decimal(Fraction(numerator, denominator))
