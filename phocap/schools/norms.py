"""Staffing and classroom norms of a school, as data, and the arithmetic on them.

Why data: the norms change with each circular (Circular 06/2015 gave way to
Circular 19/2023 for preschools, Circular 16/2017 to Circular 20/2023 for
general education), and a province must be able to see and check the numbers
an answer was judged by. Each norm carries its source and a mark, as docs/rules.md
does: **[law]** read in the legal text, **[interpretation]** our reading where
the text is silent, **[unverified]** restated from a secondary source (a summary,
a draft, the project's issue) because the circular's own text could not be read.
The page shows the mark next to every figure. The recognition conditions a school is
checked on (``CONDITIONS``) each cite their article, and ``checks`` gives an officer
the arithmetic of each, or says "chưa nhập" where the school has not entered what it
needs (docs/rules.md §3; D7–D14 of the legal review).

Everything is exact (``Fraction``); rounding happens only for display.
Nothing here imports Django: the conditions module feeds it counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
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
# For preschool the class counted is the 5-year-olds' class (MG5), against the rooms
# those classes use (D13); Art 3's ratio was not read. Upper secondary has no room
# norm: no standard of universal education is judged on it.
CLASSROOMS_PER_CLASS: dict[str, Norm] = {
    PRESCHOOL: Norm(Fraction(1), "Điều 3 Thông tư 07/2016/TT-BGDĐT", UNVERIFIED),
    PRIMARY: Norm(Fraction(7, 10), "Điều 4 Thông tư 07/2016/TT-BGDĐT", UNVERIFIED),
    LOWER_SECONDARY: Norm(Fraction(1, 2), "Điều 5 Thông tư 07/2016/TT-BGDĐT", UNVERIFIED),
}
# What each level's room norm counts per: the preschool one the 5-year-olds' classes only.
ROOM_BASIS: dict[str, str] = {PRESCHOOL: "lớp mẫu giáo 5 tuổi", PRIMARY: "lớp tiểu học",
                              LOWER_SECONDARY: "lớp THCS"}
# Preschool for children aged 3–5 (D14): the draft of Decree 277/2025 sets facility
# conditions for the establishments doing it, with no ratio read; a room for each
# kindergarten class (MG3–MG5), as TT07 Art 3 is read for the 5-year-olds, is ours.
KINDERGARTEN_ROOMS_PER_CLASS = Norm(
    Fraction(1), "Dự thảo Nghị định 277/2025/NĐ-CP (điều kiện cơ sở vật chất)", INTERPRETATION)

# The kinds of class the staffing norms tell apart (D7 of the legal review): Circular
# 19/2023 a nursery group from a kindergarten class, and a kindergarten class by its
# sessions a day; general education classes by level.
NURSERY = "nursery"
KINDERGARTEN_TWO_SESSIONS = "kindergarten_two_sessions"
KINDERGARTEN_ONE_SESSION = "kindergarten_one_session"
PRIMARY_TWO_SESSIONS = "primary_two_sessions"
PRIMARY_ONE_SESSION = "primary_one_session"
KINDERGARTEN_GRADES = ("MG3", "MG4", "MG5")
FIVE_YEAR_OLDS = "MG5"


def staffing_kind(grade: str, two_sessions: bool = True) -> str | None:
    """The kind of a class for the staffing norms: a nursery group (NT), a kindergarten
    class (MG3–MG5) or a primary class of two sessions a day or of one, or the class's
    level."""
    code = grade.strip().upper()
    level = level_of_grade(code)
    if level == PRIMARY:
        return PRIMARY_TWO_SESSIONS if two_sessions else PRIMARY_ONE_SESSION
    if level != PRESCHOOL:
        return level
    if code == "NT":
        return NURSERY
    return KINDERGARTEN_TWO_SESSIONS if two_sessions else KINDERGARTEN_ONE_SESSION


# What each kind's teacher norm counts per, as the pages say it.
CLASS_BASIS: dict[str, str] = {
    NURSERY: "nhóm trẻ",
    KINDERGARTEN_TWO_SESSIONS: "lớp mẫu giáo học 2 buổi/ngày",
    KINDERGARTEN_ONE_SESSION: "lớp mẫu giáo học 1 buổi/ngày",
    PRIMARY_TWO_SESSIONS: "lớp tiểu học 2 buổi/ngày",
    PRIMARY_ONE_SESSION: "lớp tiểu học 1 buổi/ngày",
    LOWER_SECONDARY: "lớp THCS", UPPER_SECONDARY: "lớp THPT"}

# Teachers per class (or per nursery group), by kind of class. The circulars' own text
# could not be read here, so the numbers are restated from secondary sources
# [unverified]. Each is a ceiling: the circulars let a school be given at most so many
# posts a class ("bố trí tối đa … giáo viên/lớp"), and TT07 Arts 3–5 ask for "đủ giáo
# viên … theo quy định". Reading the ceiling as the number a school needs is the
# practice of the PCGD forms and ours (CEILING_READ_AS_NEED, D10 of the legal review); a
# shortfall is said to be against the ceiling wherever it is shown.
TEACHERS_PER_CLASS: dict[str, Norm] = {
    # D7: Circular 19/2023, as summarised in a public legal-document list: "Nhóm trẻ: Bố
    # trí tối đa 2,5 giáo viên / nhóm trẻ. Lớp mẫu giáo học 2 buổi/ngày: … 2,2 … Lớp
    # mẫu giáo học 1 buổi/ngày: … 1,2 giáo viên / lớp."
    NURSERY: Norm(Fraction(25, 10), "Thông tư 19/2023/TT-BGDĐT (nhóm trẻ)", UNVERIFIED),
    KINDERGARTEN_TWO_SESSIONS: Norm(Fraction(22, 10),
                                    "Thông tư 19/2023/TT-BGDĐT (lớp mẫu giáo học 2 buổi/ngày)",
                                    UNVERIFIED),
    KINDERGARTEN_ONE_SESSION: Norm(Fraction(12, 10),
                                   "Thông tư 19/2023/TT-BGDĐT (lớp mẫu giáo học 1 buổi/ngày)",
                                   UNVERIFIED),
    PRIMARY_TWO_SESSIONS: Norm(
        Fraction(15, 10),
        "Thông tư 20/2023/TT-BGDĐT (lớp học 2 buổi/ngày, kể cả giáo viên các môn chuyên biệt)",
        UNVERIFIED),
    # D9: the earlier norms (Joint Circular 35/2006, Circular 16/2017) gave a class taught
    # one session a day 1,2 teachers; whether Circular 20/2023, which replaced them, kept
    # that case could not be read, so 1,2 is [unverified]. It is kept rather than 1,5
    # because the norm is a ceiling read as a need (D10): 1,5 would ask a one-session
    # class for more teachers than the last norm read ever allowed it.
    PRIMARY_ONE_SESSION: Norm(
        Fraction(12, 10),
        "Thông tư 16/2017/TT-BGDĐT (lớp học 1 buổi/ngày); chưa đọc được Thông tư"
        " 20/2023/TT-BGDĐT có giữ mức này không", UNVERIFIED),
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
    """What the norms are applied to: one school in one school year.

    ``grades`` counts the classes by grade code and sessions a day, from which the
    levels, the kinds of the staffing norms and the 5-year-olds' classes follow. The
    counts a school enters for the conditions are None until entered.
    """

    grades: Mapping[tuple[str, bool], int]  # (grade, two sessions a day) → classes
    classrooms: int
    teachers: Mapping[str, int]  # subject key → active teachers
    nurses: int
    five_year_old_teachers: int | None = None  # teachers of the MG5 classes (TT07 Art 3)
    five_year_old_rooms: int | None = None  # rooms the MG5 classes use (TT07 Art 3, D13)
    qualified_teachers: int | None = None  # teachers at the qualification standard (D11)
    monitoring_person: str | None = None  # the school's monitoring person; "" nobody (D12)
    kindergarten_teachers: int | None = None  # teachers of the MG3–MG5 classes (D14)
    kindergarten_rooms: int | None = None  # rooms the MG3–MG5 classes use (D14)

    @property
    def classes(self) -> dict[str, int]:
        """Level → classes (preschool: all groups and classes)."""
        found: dict[str, int] = {}
        for (grade, _), n in self.grades.items():
            level = level_of_grade(grade)
            if level is not None:
                found[level] = found.get(level, 0) + n
        return found

    @property
    def kinds(self) -> dict[str, int]:
        """Kind of class of the staffing norms → classes."""
        found: dict[str, int] = {}
        for (grade, two), n in self.grades.items():
            kind = staffing_kind(grade, two)
            if kind is not None:
                found[kind] = found.get(kind, 0) + n
        return found

    def of_grades(self, wanted: tuple[str, ...]) -> dict[str, int]:
        """Kind of class → classes, of these grades only (the 5-year-olds' classes)."""
        found: dict[str, int] = {}
        for (grade, two), n in self.grades.items():
            if grade.strip().upper() in wanted:
                kind = staffing_kind(grade, two) or ""
                found[kind] = found.get(kind, 0) + n
        return found

    @property
    def kindergarten_classes(self) -> int:
        """The kindergarten classes, MG3–MG5 (preschool for children aged 3–5 counts these)."""
        return sum(self.of_grades(KINDERGARTEN_GRADES).values())

    @property
    def five_year_old_classes(self) -> int:
        """The MG5 classes (the preschool room and teacher conditions count these)."""
        return sum(self.of_grades((FIVE_YEAR_OLDS,)).values())


def teachers_needed(counts: SchoolCounts) -> Fraction:
    """Σ over the school's kinds of class of classes × teachers per class: the ceiling of
    the staffing norm, read as what the school needs [interpretation, CEILING_READ_AS_NEED]."""
    return sum((TEACHERS_PER_CLASS[kind].value * n for kind, n in counts.kinds.items()
                if kind in TEACHERS_PER_CLASS), Fraction(0))


def five_year_old_teachers_needed(counts: SchoolCounts) -> Fraction:
    """Σ over the MG5 classes of their norm (2,2 two sessions a day, 1,2 one): what TT07
    Art 3's "đủ giáo viên dạy lớp mẫu giáo 5 tuổi theo quy định" asks (D7)."""
    return sum((TEACHERS_PER_CLASS[kind].value * n
                for kind, n in counts.of_grades((FIVE_YEAR_OLDS,)).items()), Fraction(0))


def kindergarten_teachers_needed(counts: SchoolCounts) -> Fraction:
    """Σ over the kindergarten classes (MG3–MG5) of their norm: what preschool for children
    aged 3–5 is judged on (D14)."""
    return sum((TEACHERS_PER_CLASS[kind].value * n
                for kind, n in counts.of_grades(KINDERGARTEN_GRADES).items()), Fraction(0))


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


@dataclass(frozen=True)
class Condition:
    """A recognition condition a school is checked on, and the article it rests on.

    A condition without a citation is refused when the module loads: every check an
    officer reads must say where it comes from.
    """

    name: str
    title: str  # how the pages name it
    source: str  # the article, as officers cite it
    mark: str

    def __post_init__(self) -> None:
        if not self.source.strip() or not any(
                word in self.source for word in ("Thông tư", "Nghị định", "Luật")):
            raise ValueError(f"condition {self.name!r} cites no legal text: {self.source!r}")
        if self.mark not in (LAW, INTERPRETATION, UNVERIFIED):
            raise ValueError(f"condition {self.name!r} has no mark: {self.mark!r}")


ROOMS, TEACHERS = "rooms", "teachers"
ROOMS_5, TEACHERS_5 = "rooms_5", "teachers_5"
QUALIFICATION, MONITORING = "qualification", "monitoring"
ROOMS_3_5, TEACHERS_3_5 = "rooms_3_5", "teachers_3_5"
CONDITIONS: dict[str, Condition] = {c.name: c for c in (
    Condition(ROOMS, "Phòng học", "Điều 4, 5 Thông tư 07/2016/TT-BGDĐT", UNVERIFIED),
    # D13: the rooms the 5-year-olds' classes use, against those classes; the ratio of
    # Art 3 was not read (1 a class is [unverified], CLASSROOMS_PER_CLASS).
    Condition(ROOMS_5, "Phòng học của các lớp mẫu giáo 5 tuổi",
              "Điều 3 Thông tư 07/2016/TT-BGDĐT", UNVERIFIED),
    Condition(TEACHERS, "Giáo viên",
              "Điều 4, 5 Thông tư 07/2016/TT-BGDĐT; Thông tư 20/2023/TT-BGDĐT", UNVERIFIED),
    # D7: TT07 Art 3 asks for "đủ giáo viên dạy lớp mẫu giáo 5 tuổi theo quy định",
    # the 5-year-olds' classes, not every group of the school.
    Condition(TEACHERS_5, "Giáo viên dạy lớp mẫu giáo 5 tuổi",
              "Điều 3 Thông tư 07/2016/TT-BGDĐT; Thông tư 19/2023/TT-BGDĐT", UNVERIFIED),
    # D11: "100% giáo viên đạt chuẩn" (Arts 3–5, summary read). Counted over all the
    # school's teachers [interpretation]: Art 3 asks it of the 5-year-olds' teachers,
    # so a preschool with a nursery teacher below the standard fails here where Art 3
    # alone would not (QUALIFICATION_OVER_ALL_TEACHERS).
    Condition(QUALIFICATION, "Giáo viên đạt chuẩn trình độ đào tạo",
              "Điều 3, 4, 5 Thông tư 07/2016/TT-BGDĐT", UNVERIFIED),
    # D12: each educational establishment "có người theo dõi công tác phổ cập giáo dục,
    # xóa mù chữ tại địa bàn được phân công" (Arts 3–5; Art 6 for literacy), not the
    # commune.
    Condition(MONITORING, "Người theo dõi công tác phổ cập của trường",
              "Điều 3, 4, 5, 6 Thông tư 07/2016/TT-BGDĐT", UNVERIFIED),
    # D14: preschool for children aged 3–5, from the draft of Decree 277/2025 (facilities
    # and equipment for the establishments doing it; its final text was not read), on
    # the same data as D7 and D13 for the kindergarten classes (MG3–MG5).
    Condition(ROOMS_3_5, "Phòng học của các lớp mẫu giáo (3–5 tuổi)",
              "Dự thảo Nghị định 277/2025/NĐ-CP", UNVERIFIED),
    Condition(TEACHERS_3_5, "Giáo viên dạy các lớp mẫu giáo (3–5 tuổi)",
              "Dự thảo Nghị định 277/2025/NĐ-CP; Thông tư 19/2023/TT-BGDĐT", UNVERIFIED),
)}

# The conditions that decide each standard of universal education, school by school.
STANDARD_CONDITIONS: dict[str, tuple[str, ...]] = {
    "preschool_5": (ROOMS_5, TEACHERS_5, QUALIFICATION, MONITORING),
    "primary": (ROOMS, TEACHERS, QUALIFICATION, MONITORING),
    "lower_secondary": (ROOMS, TEACHERS, QUALIFICATION, MONITORING),
    # [interpretation] The establishments taking part in literacy (Art 6) are not
    # recorded; literacy classes follow the primary programme, so the schools teaching
    # primary answer for it (LITERACY_BY_PRIMARY_SCHOOLS).
    "literacy": (MONITORING,),
    "preschool_3_5": (ROOMS_3_5, TEACHERS_3_5),
}
LITERACY_BY_PRIMARY_SCHOOLS = INTERPRETATION
QUALIFICATION_OVER_ALL_TEACHERS = INTERPRETATION


def classes_judged(counts: SchoolCounts, standard: str) -> int:
    """The classes that make a school answer for a standard's conditions: its MG5 classes
    for preschool for 5-year-olds (TT07 Art 3 speaks of them only), its kindergarten
    classes (MG3–MG5) for 3–5-year-olds, its primary classes for literacy
    [interpretation], its classes of the level otherwise."""
    if standard == "preschool_5":
        return counts.five_year_old_classes
    if standard == "preschool_3_5":
        return counts.kindergarten_classes
    level = {"primary": PRIMARY, "lower_secondary": LOWER_SECONDARY,
             "literacy": PRIMARY}.get(standard)
    return counts.classes.get(level, 0) if level else 0


@dataclass(frozen=True)
class Check:
    """One condition applied to one school, with the arithmetic an officer can redo by hand.

    ``met`` is None when what the condition needs was not entered: the sentence then
    says "chưa nhập", and the condition is not assessed, never passed.
    """

    name: str  # a key of CONDITIONS
    met: bool | None
    have: int
    need: Fraction
    sentence: str
    source: str

    @property
    def short(self) -> int:
        """Whole rooms or teachers missing: ⌈need⌉ − have, at least 0."""
        if self.met is None:
            return 0
        return max(0, math.ceil(self.need) - self.have)


NOT_ENTERED = "chưa nhập"


def _not_entered(name: str) -> Check:
    condition = CONDITIONS[name]
    return Check(name, None, 0, Fraction(0), f"{condition.title}: {NOT_ENTERED}",
                 condition.source)


def _check(name: str, have: int, unit: str, per_unit: str,
           terms: list[tuple[Fraction, int, str]], ceiling: bool = False) -> Check:
    """"Phòng học: 12 phòng / 15 lớp THCS = 0,80 phòng/lớp, cần ≥ 1; thiếu 3 phòng", or
    with several levels "…: 20 phòng, cần ≥ 0,7 × 15 lớp tiểu học + 0,5 × 8 lớp THCS =
    14,5 phòng; …". A norm that is a ceiling (``ceiling``, the staffing norms) says so
    after the need and after the shortfall: "cần ≥ 1,5 (định mức tối đa); thiếu 2 giáo
    viên so với định mức tối đa" (D10)."""
    condition = CONDITIONS[name]
    need = sum((value * n for value, n, _ in terms), Fraction(0))
    title = condition.title
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
    found = Check(name, have >= need, have, need, text, condition.source)
    if not found.met:
        against = f" so với {CEILING}" if ceiling else ""
        return Check(name, False, have, need,
                     f"{text}; thiếu {numbers.integer(found.short)} {unit}{against}",
                     condition.source)
    return found


def _teacher_terms(kinds: Mapping[str, int]) -> list[tuple[Fraction, int, str]]:
    return [(TEACHERS_PER_CLASS[kind].value, n, CLASS_BASIS[kind])
            for kind, n in kinds.items() if kind in TEACHERS_PER_CLASS and n > 0]


def _rooms(counts: SchoolCounts) -> Check | None:
    """The school's rooms against its primary and THCS classes (TT07 Arts 4, 5)."""
    terms = [(CLASSROOMS_PER_CLASS[level].value, n, ROOM_BASIS[level])
             for level, n in counts.classes.items()
             if level in CLASSROOMS_PER_CLASS and level != PRESCHOOL and n > 0]
    return _check(ROOMS, counts.classrooms, "phòng", "phòng/lớp", terms) if terms else None


def _rooms_5(counts: SchoolCounts) -> Check | None:
    """The rooms the 5-year-olds' classes use against those classes (TT07 Art 3, D13): the
    rooms of the nursery groups and of the 3–4-year-olds do not seat them."""
    n = counts.five_year_old_classes
    if not n:
        return None
    if counts.five_year_old_rooms is None:
        return _not_entered(ROOMS_5)
    return _check(ROOMS_5, counts.five_year_old_rooms, "phòng", "phòng/lớp",
                  [(CLASSROOMS_PER_CLASS[PRESCHOOL].value, n, ROOM_BASIS[PRESCHOOL])])


def _teachers(counts: SchoolCounts) -> Check | None:
    """All the school's teachers against all its classes: judged where it teaches general
    education (a preschool answers for its 5-year-olds' teachers, ``_teachers_5``)."""
    if not any(n > 0 for level, n in counts.classes.items() if level != PRESCHOOL):
        return None
    return _check(TEACHERS, sum(counts.teachers.values()), "giáo viên", "giáo viên/lớp",
                  _teacher_terms(counts.kinds), ceiling=True)


def _teachers_5(counts: SchoolCounts) -> Check | None:
    terms = _teacher_terms(counts.of_grades((FIVE_YEAR_OLDS,)))
    if not terms:
        return None
    if counts.five_year_old_teachers is None:
        return _not_entered(TEACHERS_5)
    return _check(TEACHERS_5, counts.five_year_old_teachers, "giáo viên", "giáo viên/lớp",
                  [(value, n, "lớp mẫu giáo 5 tuổi" + basis.removeprefix("lớp mẫu giáo"))
                   for value, n, basis in terms], ceiling=True)


def _qualification(counts: SchoolCounts) -> Check | None:
    """Every teacher of the school at the qualification standard (TT07 Arts 3–5, D11):
    "Giáo viên đạt chuẩn trình độ đào tạo: 12/14 giáo viên (85,71%), cần 100%; thiếu 2 giáo
    viên".
    Judged where the school answers for a standard of ND20 (MG5, primary or THCS classes)."""
    if not (counts.five_year_old_classes or counts.classes.get(PRIMARY)
            or counts.classes.get(LOWER_SECONDARY)):
        return None
    if counts.qualified_teachers is None:
        return _not_entered(QUALIFICATION)
    condition = CONDITIONS[QUALIFICATION]
    teachers = sum(counts.teachers.values())
    have = counts.qualified_teachers
    text = (f"{condition.title}: {numbers.integer(have)}/{numbers.integer(teachers)} giáo viên"
            f" ({numbers.rate(have, teachers)}), cần 100%" if teachers
            else f"{condition.title}: {numbers.integer(have)} giáo viên")
    found = Check(QUALIFICATION, have >= teachers, have, Fraction(teachers), text,
                  condition.source)
    if found.met:
        return found
    return Check(QUALIFICATION, False, have, Fraction(teachers),
                 f"{text}; thiếu {numbers.integer(found.short)} giáo viên", condition.source)


def _monitoring(counts: SchoolCounts) -> Check | None:
    """The school's monitoring person (TT07 Arts 3–6, D12): "Người theo dõi công tác phổ
    cập của trường: Lò Văn Theo", or "…: chưa phân công" (not met), or "chưa nhập"."""
    if not (counts.five_year_old_classes or counts.classes.get(PRIMARY)
            or counts.classes.get(LOWER_SECONDARY)):
        return None
    if counts.monitoring_person is None:
        return _not_entered(MONITORING)
    condition = CONDITIONS[MONITORING]
    name = counts.monitoring_person.strip()
    return Check(MONITORING, bool(name), int(bool(name)), Fraction(1),
                 f"{condition.title}: {name or 'chưa phân công'}", condition.source)


def _rooms_3_5(counts: SchoolCounts) -> Check | None:
    """The kindergarten classes' rooms against those classes, 1 each [interpretation] (D14)."""
    n = counts.kindergarten_classes
    if not n:
        return None
    if counts.kindergarten_rooms is None:
        return _not_entered(ROOMS_3_5)
    return _check(ROOMS_3_5, counts.kindergarten_rooms, "phòng", "phòng/lớp",
                  [(KINDERGARTEN_ROOMS_PER_CLASS.value, n, "lớp mẫu giáo")])


def _teachers_3_5(counts: SchoolCounts) -> Check | None:
    """The kindergarten classes' teachers against their norm, 2,2 or 1,2 by sessions (D14)."""
    terms = _teacher_terms(counts.of_grades(KINDERGARTEN_GRADES))
    if not terms:
        return None
    if counts.kindergarten_teachers is None:
        return _not_entered(TEACHERS_3_5)
    return _check(TEACHERS_3_5, counts.kindergarten_teachers, "giáo viên", "giáo viên/lớp",
                  terms, ceiling=True)


CHECKERS = {ROOMS: _rooms, TEACHERS: _teachers, ROOMS_5: _rooms_5, TEACHERS_5: _teachers_5,
            QUALIFICATION: _qualification, MONITORING: _monitoring, ROOMS_3_5: _rooms_3_5,
            TEACHERS_3_5: _teachers_3_5}


def checks(counts: SchoolCounts, names: Iterable[str] | None = None) -> list[Check]:
    """The conditions that apply to the school (of ``names``, else all), each with its
    arithmetic and citation: the school page and a commune's results say which condition
    a school misses and by how much, or that it was not entered."""
    wanted = list(CONDITIONS) if names is None else list(names)
    return [found for name in CONDITIONS if name in wanted
            if (found := CHECKERS[name](counts)) is not None]


def verdict(found: Iterable[Check]) -> bool | None:
    """Not met when a check fails; else not assessed (None) when one was not entered;
    else met. Nothing entered is never a pass."""
    states = [c.met for c in found]
    if False in states:
        return False
    if None in states:
        return None
    return True


def meets(counts: SchoolCounts, standard: str | None = None) -> bool | None:
    """Whether the school meets the conditions of ``standard`` (else every condition that
    applies to it): ``verdict`` of its checks."""
    names = STANDARD_CONDITIONS[standard] if standard else None
    return verdict(checks(counts, names))


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
