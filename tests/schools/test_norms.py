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
