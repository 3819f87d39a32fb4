"""Year roll-over: year Y + 1 opened from Y, nothing of Y altered; diplomas confirmed."""

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from phocap.register.importing import commit
from phocap.register.models import PersonYear
from phocap.register.rollover import RolloverRefused, confirm_graduates, open_year
from phocap.survey.validate import validate

FIXTURE = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"


@pytest.fixture
def imported(tree: dict[str, Any], make_user: Any) -> Any:
    result = validate(FIXTURE, keep_records=True)
    assert result.records is not None
    staff = make_user("commune_staff", tree["communes"]["03319"])
    commit(result.records.filter(pl.col("commune_code") == "03319"), staff)
    return staff


def year_of(name: str, year: int) -> PersonYear:
    return PersonYear.objects.get(person__full_name=name, survey_year=year)


def test_pupils_move_up_and_year_y_is_untouched(tree: dict[str, Any], imported: Any) -> None:
    commune = tree["communes"]["03319"]
    before = list(PersonYear.objects.filter(survey_year=2021).order_by("pk").values())
    an = year_of("Lò Văn An", 2021).person_id  # grade 3, repeating now ("3*!")
    opened = open_year(imported, commune, 2021, repeating=set())
    assert list(PersonYear.objects.filter(survey_year=2021).order_by("pk").values()) == before
    # Lò Văn An: 3*! → 4* (two sessions kept, repeat mark dropped), highest grade 3.
    moved = year_of("Lò Văn An", 2022)
    assert (moved.current_class, moved.class_grade, moved.class_repeater) == ("4*", 4, False)
    assert moved.class_two_sessions
    assert moved.highest_grade == 3 and moved.person_id == an
    # Lò Thị Hoa: MG5 → grade 1, preschool completed in 2022.
    hoa = year_of("Lò Thị Hoa", 2022)
    assert (hoa.current_class, hoa.class_level, hoa.preschool_completed) == ("1", "primary", 2022)
    # Vàng Thị Mỷ: grade 9 (repeating) → awaits her THCS diploma, not a graduate yet.
    my = year_of("Vàng Thị Mỷ", 2022)
    assert my.current_class == "" and my.thcs_graduated is None and my.highest_grade == 9
    assert my.warnings == ["Chờ xác nhận tốt nghiệp lớp 9 năm 2022"]
    assert (opened.people, opened.promoted, opened.awaiting_diploma) == (7, 2, 1)


def test_repeaters_stay_in_their_class(tree: dict[str, Any], imported: Any) -> None:
    an = year_of("Lò Văn An", 2021).person_id
    opened = open_year(imported, tree["communes"]["03319"], 2021, repeating={an})
    stayed = year_of("Lò Văn An", 2022)
    assert (stayed.current_class, stayed.class_grade, stayed.class_repeater) == ("3*!", 3, True)
    assert stayed.highest_grade == 2 and opened.repeating == 1


def test_confirming_a_diploma(tree: dict[str, Any], imported: Any) -> None:
    commune = tree["communes"]["03319"]
    open_year(imported, commune, 2021)
    my = year_of("Vàng Thị Mỷ", 2022)
    assert confirm_graduates(imported, commune, 2022, [my.person_id]) == 1
    my.refresh_from_db()
    assert my.thcs_graduated == 2022 and my.warnings == []
    assert confirm_graduates(imported, commune, 2022, [my.person_id]) == 0


def test_opening_twice_or_outside_scope_is_refused(tree: dict[str, Any], imported: Any,
                                                  make_user: Any) -> None:
    commune = tree["communes"]["03319"]
    reviewer = make_user("district_reviewer", tree["districts"][0])
    with pytest.raises(PermissionDenied):
        open_year(reviewer, commune, 2021)
    open_year(imported, commune, 2021)
    with pytest.raises(RolloverRefused, match="đã được mở"):
        open_year(imported, commune, 2021)
    with pytest.raises(RolloverRefused, match="Chưa có dữ liệu năm 2019"):
        open_year(imported, commune, 2019)


def test_what_the_household_said_of_a_person_goes_on_and_the_years_events_do_not(
        tree: dict[str, Any], imported: Any) -> None:
    hoa = year_of("Lò Văn Hòa", 2021)  # the head of household 0001 ("Chủ hộ" in the file)
    PersonYear.objects.filter(pk=hoa.pk).update(
        parent_name="Lò Văn Pọm", phone="0912345678", disability_types="vận động",
        status_detail="Chuyển đến từ xã Thanh Nưa ngày 01/03/2021", note="ghi chú năm 2021")
    open_year(imported, tree["communes"]["03319"], 2021)
    carried = year_of("Lò Văn Hòa", 2022)
    assert (carried.relationship, carried.parent_name, carried.phone,
            carried.disability_types) == ("Chủ hộ", "Lò Văn Pọm", "0912345678", "vận động")
    # What happened in 2021 is 2021's: the event's detail and the year's note stay there.
    assert (carried.status, carried.status_detail, carried.note) == ("", "", "")


def test_a_course_without_grades_goes_on_under_its_own_code() -> None:
    """A vocational or university course has no grade to move up: the next year keeps the
    code the survey recorded ("TC", "DH"), not the text of a missing grade ("None"), which
    the 2025 demo's import then showed as a change of every such student."""
    from phocap.register import rollover
    from phocap.survey import classes

    for level, code in ((classes.VOCATIONAL_INTERMEDIATE, "TC"), (classes.UNIVERSITY, "DH")):
        record = dict.fromkeys(rollover.CARRIED) | {
            "survey_year": 2024, "class_level": level, "class_grade": None,
            "current_class": code, "class_two_sessions": False}
        built = rollover.next_year(record, birth_year=2004)
        assert (built.values["current_class"], built.values["class_level"]) == (code, level)


def test_an_audit_entry_shows_a_class_and_its_level_in_words() -> None:
    """A change of a survey year's class reads as the pages write it: the code in words
    ("TC" → "trung cấp") and the level too ("vocational_intermediate" → "trung cấp"),
    never the model's internal value."""
    from phocap.register import audit
    from phocap.register.models import AuditEntry

    entry = AuditEntry(model="personyear", action="update",
                       before={"current_class": "TC", "class_level": "vocational_intermediate"},
                       after={"current_class": "9!", "class_level": "lower_secondary"})
    assert [(old, new) for _, old, new in audit.changes(entry)] == [
        ("trung cấp", "trung học cơ sở"), ("trung cấp", "lớp 9 (lưu ban)")]
