"""Class lists imported from a file (schools/classlists.py) and the reconciliation lists.

tests/fixtures/schools/class-list.csv, imported at a school of commune 03319 for
2021: 5A/1 "Người 03319" born 2010, male — the register's person of 03319
(`tree`), linked; 5A/2 "Lò Thị Mới" — nobody in the register; 6A/1 "Người
03370" — a person of commune 03370, another commune: not linked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from phocap.register.models import AuditEntry, PersonYear
from phocap.schools import classlists, reconcile, services
from phocap.schools.models import Enrolment, School, SchoolClass

FIXTURES = Path(__file__).parent.parent / "fixtures" / "schools"
YEAR = 2021


@pytest.fixture
def officer(surveyed: dict[str, Any], make_user: Any) -> Any:
    return make_user("commune_staff", surveyed["communes"]["03319"])


@pytest.fixture
def school(surveyed: dict[str, Any], officer: Any) -> School:
    return services.save_school(officer, surveyed["communes"]["03319"], None, None, {
        "code": "11100LC01", "name": "Trường PTCS Một", "level": "primary_lower_secondary"})


def test_import_links_matches_and_is_idempotent(surveyed: dict[str, Any], officer: Any,
                                                school: School) -> None:
    outcome = classlists.import_file(officer, school, YEAR, FIXTURES / "class-list.csv",
                                     "class-list.csv")
    assert (outcome.created, outcome.changed, outcome.linked) == (3, 0, 1)
    assert sorted(SchoolClass.objects.filter(school=school).values_list("name", "grade")) == [
        ("5A", "5"), ("6A", "6")]
    first = Enrolment.objects.get(klass__name="5A", pupil_no=1)
    assert first.person == surveyed["people"]["03319"]
    assert first.semi_boarding and first.village is not None and first.ethnicity == "Thái"
    assert str(first.birth_date) == "2010-09-05"
    audited = AuditEntry.objects.count()
    again = classlists.import_file(officer, school, YEAR, FIXTURES / "class-list.csv",
                                   "class-list.csv")
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert AuditEntry.objects.count() == audited


def test_bad_rows_name_file_row_column_and_value(surveyed: dict[str, Any], officer: Any,
                                                 school: School) -> None:
    with pytest.raises(classlists.ClassListError) as raised:
        classlists.import_file(officer, school, YEAR, FIXTURES / "class-list-bad.csv",
                               "lop.csv")
    problems = raised.value.problems
    assert any("lop.csv, dòng 2, cột “Ngày sinh”: “31/02/2010”" in p for p in problems)
    assert any("lop.csv, dòng 4, cột “Lớp”: “X”" in p for p in problems)
    assert any("lop.csv, dòng 3, cột “STT”: “1”" in p and "dòng 2" in p for p in problems)
    assert not Enrolment.objects.exists() and not SchoolClass.objects.exists()


def test_reconciliation_both_ways(surveyed: dict[str, Any], officer: Any,
                                  school: School) -> None:
    """After the import: 2 pupils unlinked (5A/2, 6A/1); of the register, the 11-year-old of
    03319 is enrolled, so no one of 03319 is missing; 03322's child is (age 2021−2010 = 11)."""
    classlists.import_file(officer, school, YEAR, FIXTURES / "class-list.csv", "class-list.csv")
    assert [p.full_name for p in reconcile.unlinked_pupils([school], YEAR)] == [
        "Lò Thị Mới", "Người 03370"]
    assert not reconcile.unenrolled_people(surveyed["communes"]["03319"], YEAR).exists()
    missing = reconcile.unenrolled_people(surveyed["communes"]["03322"], YEAR)
    assert [y.person.full_name for y in missing] == ["Người 03322"]
    PersonYear.objects.filter(person=surveyed["people"]["03322"]).update(status="chuyển đi")
    assert not reconcile.unenrolled_people(surveyed["communes"]["03322"], YEAR).exists()


@pytest.mark.parametrize(("born", "listed"), [(2016, False), (2015, True), (2007, True),
                                              (2006, False)])
def test_school_ages_six_to_fourteen(surveyed: dict[str, Any], born: int, listed: bool) -> None:
    """Age = 2021 − birth year: 2016 → 5 and 2006 → 15 are outside, 2015 → 6 and 2007 → 14
    inside."""
    person = surveyed["people"]["03322"]
    person.birth_year = born
    person.save()
    assert reconcile.unenrolled_people(surveyed["communes"]["03322"], YEAR).exists() is listed
