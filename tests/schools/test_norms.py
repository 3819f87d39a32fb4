"""The norms' arithmetic, each threshold at, below and above (phocap/schools/norms.py)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from phocap.schools import norms
from phocap.schools.norms import SchoolCounts

PRIMARY_SPECIALISTS = {s: 1 for s in norms.SPECIALISTS[norms.PRIMARY]}


def school(grades: dict[str, int], classrooms: int, teachers: dict[str, int], nurses: int = 1,
           one_session: dict[str, int] | None = None,
           **entered: int | str | None) -> SchoolCounts:
    """A school's counts: ``grades`` classes studying two sessions a day, ``one_session``
    classes studying one; every teacher at the qualification standard and a monitoring
    person appointed unless said."""
    entered.setdefault("qualified_teachers", sum(teachers.values()))
    entered.setdefault("monitoring_person", "Lò Văn Theo")
    found = {(grade, True): n for grade, n in grades.items()}
    found.update({(grade, False): n for grade, n in (one_session or {}).items()})
    return SchoolCounts(found, classrooms, teachers, nurses, **entered)


def primary(classes: int, classrooms: int, class_teachers: int, nurses: int = 1,
            specialists: dict[str, int] | None = None) -> SchoolCounts:
    """A primary school of ``classes`` grade-1 classes."""
    teachers = {"class": class_teachers, **(PRIMARY_SPECIALISTS if specialists is None
                                             else specialists)}
    return school({"1": classes}, classrooms, teachers, nurses)


def met(counts: SchoolCounts, name: str) -> bool | None:
    [found] = [c for c in norms.checks(counts) if c.name == name]
    return found.met


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
    assert met(primary(10, rooms, 10), "rooms") is meets


@pytest.mark.parametrize(("rooms", "meets"), [(2, False), (3, True)])
def test_thcs_half_a_room_per_class(rooms: int, meets: bool) -> None:
    """5 THCS classes × 0,5 = 2,5 rooms: 3 rooms meet it, 2 do not."""
    counts = school({"6": 5}, rooms, {}, 1)
    assert norms.classrooms_needed(counts) == Fraction(5, 2)
    assert met(counts, "rooms") is meets


@pytest.mark.parametrize(("rooms", "meets"), [(1, False), (2, True), (3, True)])
def test_preschool_rooms_count_the_five_year_olds_rooms_and_classes(rooms: int,
                                                                    meets: bool) -> None:
    """D13: 6 groups of which 2 are MG5: 2 rooms needed (1 per MG5 class), counted among
    the rooms the MG5 classes use. The school's 6 rooms do not make up for it: before
    D13 they did (6 ≥ 2), so a school with 10 groups, 2 MG5 classes and 2 rooms both
    used by younger groups passed."""
    counts = school({"NT": 2, "MG4": 2, "MG5": 2}, 6, {"preschool": 14}, 1,
                    five_year_old_rooms=rooms)
    assert norms.classrooms_needed(counts) == 2
    assert met(counts, "rooms_5") is meets
    assert "rooms" not in {c.name for c in norms.checks(counts)}


def test_the_five_year_olds_rooms_not_entered_is_never_a_pass() -> None:
    """Rooms of the MG5 classes not entered: "chưa nhập", the standard not assessed."""
    counts = school({"MG5": 2}, 9, {"preschool": 9}, 1, five_year_old_teachers=5)
    [check] = norms.checks(counts, ["rooms_5"])
    assert (check.met, check.sentence) == (
        None, "Phòng học của các lớp mẫu giáo 5 tuổi: chưa nhập")
    assert norms.meets(counts, "preschool_5") is None


@pytest.mark.parametrize(("class_teachers", "meets"), [(9, False), (10, True), (11, True)])
def test_primary_teachers_at_below_above(class_teachers: int, meets: bool) -> None:
    """10 classes × 1,5 = 15 teachers: 10 class teachers + 5 specialists = 15 meets it."""
    counts = primary(10, 7, class_teachers)
    assert norms.teachers_needed(counts) == 15
    assert met(counts, "teachers") is meets


def test_combined_school_needs_both_levels() -> None:
    """4 primary + 2 THCS classes: 4×1,5 + 2×1,9 = 9,8 teachers; 4×0,7 + 2×0,5 = 3,8 rooms."""
    counts = school({"1": 4, "6": 2}, 4, {"class": 10}, 1)
    assert norms.teachers_needed(counts) == Fraction(98, 10)
    assert norms.classrooms_needed(counts) == Fraction(38, 10)
    assert norms.meets(counts) is True


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
    counts = school({"NT": 4, "MG3": 5, "MG4": 5, "MG5": 4}, 18, {"preschool": 40}, 1,
                    five_year_old_teachers=9, five_year_old_rooms=3)
    rooms, teachers = norms.checks(counts, ["rooms_5", "teachers_5"])
    assert (rooms.name, rooms.met, rooms.short) == ("rooms_5", False, 1)
    assert rooms.sentence == ("Phòng học của các lớp mẫu giáo 5 tuổi: 3 phòng / 4 lớp mẫu"
                              " giáo 5 tuổi = 0,75 phòng/lớp, cần ≥ 1; thiếu 1 phòng")
    # 9 teachers for the 4 MG5 classes: 2,2 × 4 = 8,8 ≤ 9, met; the norm is a ceiling (D10).
    assert teachers.met and teachers.sentence == (
        "Giáo viên dạy lớp mẫu giáo 5 tuổi: 9 giáo viên / 4 lớp mẫu giáo 5 tuổi học 2 buổi/ngày"
        " = 2,25 giáo viên/lớp, cần ≥ 2,2 (định mức tối đa)")


def test_a_school_of_two_levels_shows_the_sum_it_is_judged_on() -> None:
    # 0,7 × 15 + 0,5 × 8 = 10,5 + 4 = 14,5 rooms; 10 rooms: ⌈14,5⌉ − 10 = 5 short.
    # 1,5 × 15 + 1,9 × 8 = 22,5 + 15,2 = 37,7 teachers; 30: ⌈37,7⌉ − 30 = 8 short.
    counts = school({"1": 15, "6": 8}, 10, {"class": 30}, 1)
    rooms, teachers = norms.checks(counts, ["rooms", "teachers"])
    assert rooms.sentence == ("Phòng học: 10 phòng, cần ≥ 0,7 × 15 lớp tiểu học + 0,5 × 8 lớp"
                              " THCS = 14,5 phòng; thiếu 5 phòng")
    assert teachers.sentence == (
        "Giáo viên: 30 giáo viên, cần ≥ 1,5 × 15 lớp tiểu học 2 buổi/ngày + 1,9 × 8 lớp THCS"
        " = 37,7 giáo viên (định mức tối đa); thiếu 8 giáo viên so với định mức tối đa")


@pytest.mark.parametrize("rooms", range(0, 13))
@pytest.mark.parametrize("teachers", range(14, 22))
def test_the_checks_shown_are_the_checks_that_decide(rooms: int, teachers: int) -> None:
    """What the page says is what decides: a school meets a standard exactly when every
    check of that standard shown is met (10 primary classes: 7 rooms and 15 teachers; 4 MG5
    of 6 groups beside them: 4 rooms of their own (rooms − 7 of them here), 2 NT × 2,5 +
    4 MG × 2,2 + 15 = 28,8 teachers and 2,2 × 4 = 8,8 MG5 teachers (teachers − 12), so
    0–12 rooms and 14–21 teachers cover both sides)."""
    for counts in (primary(10, rooms, teachers, specialists={}),
                   school({"NT": 2, "MG5": 4, "1": 10}, rooms,
                          {"class": teachers, "preschool": teachers - 7}, 1,
                          five_year_old_teachers=teachers - 12,
                          five_year_old_rooms=max(0, rooms - 7),
                          kindergarten_teachers=teachers - 12,
                          kindergarten_rooms=max(0, rooms - 7))):
        for standard, names in norms.STANDARD_CONDITIONS.items():
            if not norms.classes_judged(counts, standard):
                continue
            shown = norms.checks(counts, names)
            assert norms.meets(counts, standard) is all(c.met is True for c in shown)
            assert {c.name for c in shown} == set(names)


def test_upper_secondary_has_no_room_norm_to_be_judged_on() -> None:
    """Rooms of an upper secondary school decide no recognition: no room check for it."""
    counts = school({"10": 30}, 30, {"mathematics": 66}, 1)
    assert [c.name for c in norms.checks(counts)] == ["teachers"]


@pytest.mark.parametrize(("teachers", "meets"), [(67, False), (68, True), (69, True)])
def test_upper_secondary_two_and_a_quarter_teachers_per_class(teachers: int, meets: bool) -> None:
    """D8: 2,25 per THPT class. 30 classes × 2,25 = 67,5: 68 teachers meet it, 67 do not
    (with the old 2,2, 30 × 2,2 = 66 and 67 met it)."""
    counts = school({"10": 30}, 30, {"mathematics": teachers}, 1)
    assert norms.teachers_needed(counts) == Fraction(135, 2)
    assert met(counts, "teachers") is meets


def test_a_teacher_shortfall_is_measured_against_the_ceiling() -> None:
    """D10: the staffing norms are ceilings ("bố trí tối đa"); reading one as the need is
    ours, marked [interpretation], and the shortfall says what it is measured against.
    Rooms are a minimum (TT07 "tối thiểu") and say nothing of a ceiling.
    2 primary classes × 1,5 = 3 teachers; 2 teachers: ⌈3⌉ − 2 = 1 short; 1 room < 1,4."""
    assert norms.CEILING_READ_AS_NEED == norms.INTERPRETATION
    rooms, teachers = norms.checks(primary(2, 1, 2, specialists={}), ["rooms", "teachers"])
    assert teachers.sentence.endswith(
        "cần ≥ 1,5 (định mức tối đa); thiếu 1 giáo viên so với định mức tối đa")
    assert "tối đa" not in rooms.sentence


# --- D7: preschool staffing by group kind and sessions; TT07 Art 3 on the MG5 classes -----


@pytest.mark.parametrize(("teachers", "short"), [(13, 1), (14, 0), (15, 0)])
def test_preschool_staffing_by_nursery_group_and_sessions(teachers: int, short: int) -> None:
    """Circular 19/2023: 2,5 a nursery group, 2,2 a kindergarten class of two sessions a day,
    1,2 of one. 2 NT + 3 MG4 (two sessions) + 2 MG3 (one session):
    2 × 2,5 + 3 × 2,2 + 2 × 1,2 = 5 + 6,6 + 2,4 = 14 teachers (before D7: 7 × 2,2 = 15,4)."""
    counts = school({"NT": 2, "MG4": 3}, 7, {"preschool": teachers}, 1, one_session={"MG3": 2})
    assert norms.teachers_needed(counts) == 14
    assert norms.shortages(counts).get("total", 0) == short


@pytest.mark.parametrize(("teachers", "meets"), [(7, False), (8, True), (9, True)])
def test_the_five_year_olds_teachers_against_their_classes(teachers: int, meets: bool) -> None:
    """TT07 Art 3 asks for the teachers of the MG5 classes: 3 MG5 of two sessions and 1 of
    one: 3 × 2,2 + 1 × 1,2 = 6,6 + 1,2 = 7,8; 8 meet it, 7 do not (⌈7,8⌉ − 7 = 1 short).
    The school's 10 nursery groups, and all its 40 teachers, do not enter it."""
    counts = school({"NT": 10, "MG5": 3}, 4, {"preschool": 40}, 1, one_session={"MG5": 1},
                    five_year_old_teachers=teachers, five_year_old_rooms=4)
    assert norms.five_year_old_teachers_needed(counts) == Fraction(78, 10)
    [check] = norms.checks(counts, ["teachers_5"])
    assert check.met is meets
    assert norms.meets(counts, "preschool_5") is meets
    if not meets:
        assert check.sentence == (
            "Giáo viên dạy lớp mẫu giáo 5 tuổi: 7 giáo viên, cần ≥ 2,2 × 3 lớp mẫu giáo 5 tuổi"
            " học 2 buổi/ngày + 1,2 × 1 lớp mẫu giáo 5 tuổi học 1 buổi/ngày = 7,8 giáo viên"
            " (định mức tối đa); thiếu 1 giáo viên so với định mức tối đa")


def test_the_five_year_olds_teachers_not_entered_is_never_a_pass() -> None:
    """Rooms met (2 ≥ 2 MG5 classes), MG5 teachers not entered: not assessed (None), and
    the check reads "chưa nhập"; a failing room check still fails the standard."""
    counts = school({"MG5": 2}, 2, {"preschool": 9}, 1, five_year_old_rooms=2)
    [check] = norms.checks(counts, ["teachers_5"])
    assert (check.met, check.short) == (None, 0)
    assert check.sentence == "Giáo viên dạy lớp mẫu giáo 5 tuổi: chưa nhập"
    assert norms.meets(counts, "preschool_5") is None
    assert norms.meets(school({"MG5": 2}, 1, {"preschool": 9}, 1, five_year_old_rooms=1),
                       "preschool_5") is False


def test_a_preschool_without_five_year_olds_answers_for_no_standard_of_ND20() -> None:
    """3 NT and 2 MG3: no MG5 class, so TT07 Art 3 asks nothing of it."""
    counts = school({"NT": 3, "MG3": 2}, 5, {"preschool": 12}, 1)
    assert norms.classes_judged(counts, "preschool_5") == 0
    assert norms.checks(counts, norms.STANDARD_CONDITIONS["preschool_5"]) == []


# --- Every condition cites its article -------------------------------------------------------


def test_every_condition_and_every_check_cites_its_article() -> None:
    """A condition without a citation cannot be made, and every check an officer reads
    carries its condition's citation."""
    for name, condition in norms.CONDITIONS.items():
        assert condition.name == name
        assert "Thông tư" in condition.source or "Nghị định" in condition.source
    for names in norms.STANDARD_CONDITIONS.values():
        assert set(names) <= set(norms.CONDITIONS)
    counts = school({"NT": 1, "MG5": 1, "1": 2, "6": 2, "10": 1}, 5, {"class": 9}, 1,
                    five_year_old_rooms=1)
    found = norms.checks(counts)
    assert {c.name for c in found} == set(norms.CONDITIONS)
    assert all(c.source == norms.CONDITIONS[c.name].source for c in found)


@pytest.mark.parametrize("source", ["", "   ", "the issue"])
def test_a_condition_without_a_citation_is_refused(source: str) -> None:
    with pytest.raises(ValueError, match="cites no legal text"):
        norms.Condition("rooms", "Phòng học", source, norms.UNVERIFIED)


# --- D9: a primary class taught one session a day ------------------------------------------


@pytest.mark.parametrize(("class_teachers", "meets"), [(11, False), (12, True), (13, True)])
def test_one_session_primary_classes_at_one_point_two(class_teachers: int, meets: bool) -> None:
    """4 classes of two sessions a day and 6 of one: 4 × 1,5 + 6 × 1,2 = 6 + 7,2 = 13,2
    teachers (before D9: 10 × 1,5 = 15). With 2 specialists, 12 class teachers make 14 ≥
    13,2 and meet it; 11 make 13 < 13,2 and are ⌈13,2⌉ − 13 = 1 short."""
    counts = school({"1": 4}, 7, {"class": class_teachers, "english": 1, "music": 1}, 1,
                    one_session={"2": 6})
    assert norms.teachers_needed(counts) == Fraction(132, 10)
    [check] = norms.checks(counts, ["teachers"])
    assert check.met is meets
    assert check.sentence.startswith(
        f"Giáo viên: {class_teachers + 2} giáo viên, cần ≥ 1,5 × 4 lớp tiểu học 2 buổi/ngày"
        " + 1,2 × 6 lớp tiểu học 1 buổi/ngày = 13,2 giáo viên (định mức tối đa)")


def test_the_one_session_primary_norm_is_marked_unverified() -> None:
    """D9: Circular 20/2023 was not read on one-session classes; 1,2 is the earlier norms'."""
    norm = norms.TEACHERS_PER_CLASS[norms.PRIMARY_ONE_SESSION]
    assert (norm.value, norm.mark) == (Fraction(6, 5), norms.UNVERIFIED)
    assert "16/2017" in norm.source and "20/2023" in norm.source


# --- D11: every teacher at the qualification standard (TT07 Arts 3–5) -----------------------


@pytest.mark.parametrize(("qualified", "meets"), [(13, False), (14, True), (15, True)])
def test_every_teacher_at_the_qualification_standard(qualified: int, meets: bool) -> None:
    """14 teachers (9 class teachers and the 5 specialists), 100% asked: 14 qualified meet
    it, 13 do not (13/14 = 92,86%; ⌈14⌉ − 13 = 1 short). Rooms and staffing are met (6
    classes: 4,2 rooms, 9 teachers), so the qualification alone decides."""
    counts = school({"1": 6}, 5, {"class": 9, **PRIMARY_SPECIALISTS}, 1,
                    qualified_teachers=qualified)
    [check] = norms.checks(counts, ["qualification"])
    assert check.met is meets
    assert norms.meets(counts, "primary") is meets
    if not meets:
        assert check.sentence == ("Giáo viên đạt chuẩn trình độ đào tạo: 13/14 giáo viên"
                                  " (92,86%), cần 100%; thiếu 1 giáo viên")


def test_the_qualification_not_entered_is_never_a_pass() -> None:
    """Nothing entered: "chưa nhập", and primary is not assessed though the rest is met."""
    counts = school({"1": 6}, 5, {"class": 9, **PRIMARY_SPECIALISTS}, 1,
                    qualified_teachers=None)
    [check] = norms.checks(counts, ["qualification"])
    assert (check.met, check.sentence) == (None, "Giáo viên đạt chuẩn trình độ đào tạo: chưa nhập")
    assert norms.meets(counts, "primary") is None


def test_a_preschool_is_judged_on_all_its_teachers_qualification() -> None:
    """[interpretation] Art 3 asks it of the 5-year-olds' teachers; the school enters one
    count over all its 12 teachers, so 11 qualified fail preschool_5 even if the one below
    standard teaches a nursery group (the risk docs/rules.md §3 states)."""
    assert norms.QUALIFICATION_OVER_ALL_TEACHERS == norms.INTERPRETATION
    counts = school({"NT": 2, "MG5": 2}, 4, {"preschool": 12}, 1, five_year_old_teachers=5,
                    five_year_old_rooms=2, qualified_teachers=11)
    assert norms.meets(counts, "preschool_5") is False
    assert norms.meets(school({"NT": 2}, 2, {"preschool": 5}, 1, qualified_teachers=0)) is True


# --- D12: the school's monitoring person --------------------------------------------------------


@pytest.mark.parametrize(("person", "meets", "sentence"), [
    (None, None, "Người theo dõi công tác phổ cập của trường: chưa nhập"),
    ("", False, "Người theo dõi công tác phổ cập của trường: chưa phân công"),
    ("  ", False, "Người theo dõi công tác phổ cập của trường: chưa phân công"),
    ("Lò Văn Theo", True, "Người theo dõi công tác phổ cập của trường: Lò Văn Theo"),
])
def test_the_schools_monitoring_person(person: str | None, meets: bool | None,
                                       sentence: str) -> None:
    """TT07 Arts 3–6 ask it of each establishment: every other condition of the 6 primary
    classes met (4,2 rooms ≤ 5; 9 teachers; all qualified), the person decides primary and,
    through the primary school, literacy [interpretation]."""
    counts = school({"1": 6}, 5, {"class": 9}, 1, monitoring_person=person)
    [check] = norms.checks(counts, ["monitoring"])
    assert (check.met, check.sentence) == (meets, sentence)
    assert norms.meets(counts, "primary") is meets
    assert norms.meets(counts, "literacy") is meets
    assert norms.classes_judged(counts, "literacy") == 6
    assert norms.LITERACY_BY_PRIMARY_SCHOOLS == norms.INTERPRETATION


# --- D14: preschool for children aged 3–5 (draft Decree 277/2025) ---------------------------


def kindergarten(rooms: int | None = 6, teachers: int | None = 11) -> SchoolCounts:
    """2 NT, 2 MG3 of one session, 2 MG4 and 2 MG5 of two: kindergarten classes 6;
    their teachers' norm 2 × 1,2 + 4 × 2,2 = 2,4 + 8,8 = 11,2; their rooms 1 × 6 = 6."""
    return school({"NT": 2, "MG4": 2, "MG5": 2}, 9, {"preschool": 16}, 1,
                  one_session={"MG3": 2}, kindergarten_rooms=rooms,
                  kindergarten_teachers=teachers, five_year_old_rooms=2,
                  five_year_old_teachers=5)


@pytest.mark.parametrize(("rooms", "meets"), [(5, False), (6, True), (7, True)])
def test_the_kindergarten_classes_rooms(rooms: int, meets: bool) -> None:
    """6 kindergarten classes need 6 rooms of their own (1 each, [interpretation] on the
    draft); the nursery groups' rooms do not count; 5 rooms: 1 short."""
    counts = kindergarten(rooms=rooms, teachers=12)
    [check] = norms.checks(counts, ["rooms_3_5"])
    assert (check.met, check.short) == (meets, 0 if meets else 1)
    assert norms.meets(counts, "preschool_3_5") is meets
    assert norms.KINDERGARTEN_ROOMS_PER_CLASS.mark == norms.INTERPRETATION


@pytest.mark.parametrize(("teachers", "meets"), [(11, False), (12, True), (13, True)])
def test_the_kindergarten_classes_teachers(teachers: int, meets: bool) -> None:
    """11,2 teachers for the 6 kindergarten classes: 12 meet it, 11 are ⌈11,2⌉ − 11 = 1 short."""
    counts = kindergarten(teachers=teachers)
    assert norms.kindergarten_teachers_needed(counts) == Fraction(112, 10)
    [check] = norms.checks(counts, ["teachers_3_5"])
    assert check.met is meets
    if not meets:
        assert check.sentence == (
            "Giáo viên dạy các lớp mẫu giáo (3–5 tuổi): 11 giáo viên, cần ≥ 2,2 × 4 lớp mẫu"
            " giáo học 2 buổi/ngày + 1,2 × 2 lớp mẫu giáo học 1 buổi/ngày = 11,2 giáo viên"
            " (định mức tối đa); thiếu 1 giáo viên so với định mức tối đa")


def test_the_kindergarten_counts_not_entered_are_never_a_pass() -> None:
    counts = kindergarten(rooms=None, teachers=None)
    assert [(c.name, c.met, c.sentence) for c in norms.checks(
        counts, norms.STANDARD_CONDITIONS["preschool_3_5"])] == [
        ("rooms_3_5", None, "Phòng học của các lớp mẫu giáo (3–5 tuổi): chưa nhập"),
        ("teachers_3_5", None, "Giáo viên dạy các lớp mẫu giáo (3–5 tuổi): chưa nhập")]
    assert norms.meets(counts, "preschool_3_5") is None


def test_the_three_to_five_conditions_cite_the_draft() -> None:
    for name in norms.STANDARD_CONDITIONS["preschool_3_5"]:
        assert "Dự thảo Nghị định 277/2025/NĐ-CP" in norms.CONDITIONS[name].source
