"""The norms' arithmetic, each threshold at, below and above (phocap/schools/norms.py)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from phocap.schools import norms
from phocap.schools.norms import SchoolCounts

PRIMARY_SPECIALISTS = {s: 1 for s in norms.SPECIALISTS[norms.PRIMARY]}


def primary(classes: int, classrooms: int, class_teachers: int, nurses: int = 1,
            specialists: dict[str, int] | None = None) -> SchoolCounts:
    teachers = {"class": class_teachers, **(PRIMARY_SPECIALISTS if specialists is None
                                             else specialists)}
    return SchoolCounts({norms.PRIMARY: classes}, 0, classrooms, teachers, nurses)


@pytest.mark.parametrize(("grade", "level"), [
    ("NT", "preschool"), ("MG5", "preschool"), ("1", "primary"), ("5", "primary"),
    ("6", "lower_secondary"), ("BT9", "lower_secondary"), ("12", "upper_secondary"),
    ("BT5", None), ("SC", None)])
def test_level_of_grade(grade: str, level: str | None) -> None:
    assert norms.level_of_grade(grade) == level


@pytest.mark.parametrize(("rooms", "meets"), [(6, False), (7, True), (8, True)])
def test_primary_rooms_at_below_above(rooms: int, meets: bool) -> None:
    """10 primary classes × 0,7 = 7 rooms needed."""
    assert norms.classrooms_needed(primary(10, rooms, 10)) == 7
    assert norms.meets_classroom_norm(primary(10, rooms, 10)) is meets


@pytest.mark.parametrize(("rooms", "meets"), [(2, False), (3, True)])
def test_thcs_half_a_room_per_class(rooms: int, meets: bool) -> None:
    """5 THCS classes × 0,5 = 2,5 rooms: 3 rooms meet it, 2 do not."""
    counts = SchoolCounts({norms.LOWER_SECONDARY: 5}, 0, rooms, {}, 1)
    assert norms.classrooms_needed(counts) == Fraction(5, 2)
    assert norms.meets_classroom_norm(counts) is meets


def test_preschool_rooms_count_the_five_year_olds_classes() -> None:
    """6 groups of which 2 are MG5: 2 rooms needed (1 per MG5 class)."""
    counts = SchoolCounts({norms.PRESCHOOL: 6}, 2, 2, {"preschool": 14}, 1)
    assert norms.classrooms_needed(counts) == 2
    assert norms.meets_classroom_norm(counts)
    assert not norms.meets_classroom_norm(SchoolCounts({norms.PRESCHOOL: 6}, 2, 1, {}, 1))


@pytest.mark.parametrize(("class_teachers", "meets"), [(9, False), (10, True), (11, True)])
def test_primary_teachers_at_below_above(class_teachers: int, meets: bool) -> None:
    """10 classes × 1,5 = 15 teachers: 10 class teachers + 5 specialists = 15 meets it."""
    counts = primary(10, 7, class_teachers)
    assert norms.teachers_needed(counts) == 15
    assert norms.meets_teacher_norm(counts) is meets


def test_combined_school_needs_both_levels() -> None:
    """4 primary + 2 THCS classes: 4×1,5 + 2×1,9 = 9,8 teachers; 4×0,7 + 2×0,5 = 3,8 rooms."""
    counts = SchoolCounts({norms.PRIMARY: 4, norms.LOWER_SECONDARY: 2}, 0, 4, {"class": 10}, 1)
    assert norms.teachers_needed(counts) == Fraction(98, 10)
    assert norms.classrooms_needed(counts) == Fraction(38, 10)
    assert norms.meets_classroom_norm(counts) and norms.meets_teacher_norm(counts)


def test_shortages_by_subject() -> None:
    """6 classes, 4 class teachers, English only, no nurse: class 6−4 = 2; informatics,
    music, fine arts, PE 1 each; nurse 1; total ⌈6×1,5⌉ − 5 = 4."""
    counts = primary(6, 5, 4, nurses=0, specialists={"english": 1})
    assert norms.shortages(counts) == {"class": 2, "informatics": 1, "music": 1,
                                       "fine_arts": 1, "physical_education": 1, "nurse": 1,
                                       "total": 4}


def test_no_shortage_when_staffed() -> None:
    assert norms.shortages(primary(6, 5, 6)) == {}


def test_rates_as_officers_read_them() -> None:
    assert norms.rate(57, 65) == "57/65 (87,69%)"
    assert norms.rate(1, 3) == "1/3 (33,33%)"
    assert norms.rate(2, 3) == "2/3 (66,67%)"
    assert norms.rate(0, 0) == "—"
    assert norms.per(3, 4) == "0,75"
    assert norms.per(7, 10) == "0,70"


# --- A failing condition says which norm, the arithmetic and the shortfall (issue 14) ----


def test_a_school_short_of_rooms_is_told_the_norm_the_arithmetic_and_the_shortfall() -> None:
    """Before, a commune failing on facilities read "Chưa đạt" and nothing else."""
    # 3 rooms for 4 five-year-olds' classes: 3/4 = 0,75 room per class < 1; 4 − 3 = 1 short.
    # The preschool's 14 other groups do not count for the room norm (docs/rules.md §3).
    school = SchoolCounts({norms.PRESCHOOL: 18}, 4, 3, {"preschool": 40}, 1)
    rooms, teachers = norms.checks(school)
    assert (rooms.name, rooms.met, rooms.short) == ("rooms", False, 1)
    assert rooms.sentence == ("Phòng học: 3 phòng / 4 lớp mẫu giáo 5 tuổi = 0,75 phòng/lớp,"
                              " cần ≥ 1; thiếu 1 phòng")
    # 40 teachers for 18 groups: 2,2 × 18 = 39,6 ≤ 40, met; the norm is a ceiling (D10).
    assert teachers.met and teachers.sentence == (
        "Giáo viên: 40 giáo viên / 18 nhóm, lớp mầm non = 2,22 giáo viên/lớp, cần ≥ 2,2"
        " (định mức tối đa)")


def test_a_school_of_two_levels_shows_the_sum_it_is_judged_on() -> None:
    # 0,7 × 15 + 0,5 × 8 = 10,5 + 4 = 14,5 rooms; 10 rooms: ⌈14,5⌉ − 10 = 5 short.
    # 1,5 × 15 + 1,9 × 8 = 22,5 + 15,2 = 37,7 teachers; 30: ⌈37,7⌉ − 30 = 8 short.
    school = SchoolCounts({norms.PRIMARY: 15, norms.LOWER_SECONDARY: 8}, 0, 10, {"class": 30}, 1)
    rooms, teachers = norms.checks(school)
    assert rooms.sentence == ("Phòng học: 10 phòng, cần ≥ 0,7 × 15 lớp tiểu học + 0,5 × 8 lớp"
                              " THCS = 14,5 phòng; thiếu 5 phòng")
    assert teachers.sentence == ("Giáo viên: 30 giáo viên, cần ≥ 1,5 × 15 lớp tiểu học + 1,9 × 8"
                                 " lớp THCS = 37,7 giáo viên (định mức tối đa); thiếu 8 giáo"
                                 " viên so với định mức tối đa")


@pytest.mark.parametrize("rooms", range(0, 13))
@pytest.mark.parametrize("teachers", range(14, 22))
def test_the_checks_shown_are_the_checks_that_decide(rooms: int, teachers: int) -> None:
    """What the page says is what decides: every check met exactly when the school meets
    the norms (10 primary classes: 7 rooms and 15 teachers; 4 MG5 of 6 groups: 4 rooms and
    13,2 teachers; together 11 rooms and 28,2 teachers, so 0–12 rooms and 14–21 teachers of
    each kind cover both sides)."""
    for school in (primary(10, rooms, teachers, specialists={}),
                   SchoolCounts({norms.PRESCHOOL: 6, norms.PRIMARY: 10}, 4, rooms,
                                {"class": teachers, "preschool": teachers - 7}, 1)):
        found = {c.name: c.met for c in norms.checks(school)}
        assert found["rooms"] is norms.meets_classroom_norm(school)
        assert found["teachers"] is norms.meets_teacher_norm(school)


def test_upper_secondary_has_no_room_norm_to_be_judged_on() -> None:
    """Rooms of an upper secondary school decide no recognition: no room check for it."""
    school = SchoolCounts({norms.UPPER_SECONDARY: 30}, 0, 30, {"mathematics": 66}, 1)
    assert [c.name for c in norms.checks(school)] == ["teachers"]


@pytest.mark.parametrize(("teachers", "meets"), [(67, False), (68, True), (69, True)])
def test_upper_secondary_two_and_a_quarter_teachers_per_class(teachers: int, meets: bool) -> None:
    """D8: 2,25 per THPT class. 30 classes × 2,25 = 67,5: 68 teachers meet it, 67 do not
    (with the old 2,2, 30 × 2,2 = 66 and 67 met it)."""
    school = SchoolCounts({norms.UPPER_SECONDARY: 30}, 0, 30, {"mathematics": teachers}, 1)
    assert norms.teachers_needed(school) == Fraction(135, 2)
    assert norms.meets_teacher_norm(school) is meets


def test_a_teacher_shortfall_is_measured_against_the_ceiling() -> None:
    """D10: the staffing norms are ceilings ("bố trí tối đa"); reading one as the need is
    ours, marked [interpretation], and the shortfall says what it is measured against.
    Rooms are a minimum (TT07 "tối thiểu") and say nothing of a ceiling.
    2 primary classes × 1,5 = 3 teachers; 2 teachers: ⌈3⌉ − 2 = 1 short; 1 room < 1,4."""
    assert norms.CEILING_READ_AS_NEED == norms.INTERPRETATION
    rooms, teachers = norms.checks(primary(2, 1, 2, specialists={}))
    assert teachers.sentence.endswith(
        "cần ≥ 1,5 (định mức tối đa); thiếu 1 giáo viên so với định mức tối đa")
    assert "tối đa" not in rooms.sentence
