"""Demo schools from the register (schools/demo.py) on a small hand-made commune.

Commune 03319 of the `surveyed` tree: village "Thôn 03319" plus "Bản Xa". Pupils of 2021:
14 in grade 1 of 11100TH01 living in Bản Xa (a satellite site: ≥ 12 pupils of
grades 1–3 away from the main site's village), 20 in grade 4 of 11100TH01 in
Thôn 03319 (the main site), 3 in MG5 of 11100MN01, and the tree's own person
(grade 5, no school code: not a pupil of any demo school).
"""

from __future__ import annotations

from typing import Any

import pytest

from phocap.accounts.models import User
from phocap.register.models import AuditEntry, Household, Person, PersonYear, Village
from phocap.schools import conditions, demo, reconcile
from phocap.schools.models import Enrolment, School, SchoolClass, SchoolSite, Staff

YEAR = 2021


@pytest.fixture
def commune(surveyed: dict[str, Any]) -> Any:
    commune = surveyed["communes"]["03319"]
    home = Village.objects.get(commune=commune)
    far = Village.objects.create(commune=commune, name="Bản Xa")
    groups = [(far, "1", "11100TH01", 14), (home, "4", "11100TH01", 20),
              (home, "MG5", "11100MN01", 3)]
    n = 0
    for village, grade, school, count in groups:
        for _ in range(count):
            n += 1
            household = Household.objects.create(commune=commune, village=village,
                                                 household_no=f"H{n:03d}")
            person = Person.objects.create(household=household, person_no=1,
                                           full_name=f"Học Sinh {n:03d}",
                                           birth_year=YEAR - 6 if grade != "4" else YEAR - 9,
                                           sex="nam" if n % 2 else "nữ")
            PersonYear.objects.create(person=person, survey_year=YEAR, current_class=grade,
                                      current_school=school)
    User.objects.create_user(username="truong", password="x" * 20, role="school_staff",
                             unit=commune)
    return commune


def test_schools_classes_and_links_follow_the_register(commune: Any) -> None:
    created = demo.load_demo([commune], YEAR, seed=1)
    assert sorted(School.objects.values_list("code", "level")) == [
        ("11100MN01", "preschool"), ("11100TH01", "primary")]
    primary = School.objects.get(code="11100TH01")
    # 14 grade-1 pupils at the satellite in Bản Xa, 20 grade-4 pupils at the main site.
    assert sorted(SchoolClass.objects.filter(school=primary).values_list(
        "name", "site__main", "site__village__name")) == [
        ("1A", False, "Bản Xa"), ("4A", True, "Thôn 03319")]
    assert SchoolSite.objects.filter(school=primary).count() == 2
    assert created["pupils"] == 37 == Enrolment.objects.filter(person__isnull=False).count()
    assert not reconcile.unlinked_pupils(School.objects.all(), YEAR).exists()
    # The tree's own person (born 2010, grade 5, no school code) is on no class list.
    assert [y.person.full_name for y in reconcile.unenrolled_people(commune, YEAR)] == [
        "Người 03319"]
    teacher = Staff.objects.get(user__username="truong")
    assert teacher.school == primary and teacher.homeroom_classes.get().name == "1A"
    # Every class has its homeroom teacher: class teachers in primary (4A keeps the one
    # the demo gave it; 1A went to the school account), a preschool teacher for MG5.
    homerooms = dict(SchoolClass.objects.values_list("name", "homeroom__subject"))
    assert homerooms == {"1A": "class", "4A": "class", "MG5A": "preschool"}
    # Everything the demo made is audited under the commune, so results see it.
    assert AuditEntry.objects.filter(commune=commune).count() >= created["pupils"]
    # Conditions can be judged: facts for every school teaching, an officer answered.
    assert set(conditions.for_communes([commune], YEAR)["03319"]) >= {"primary", "literacy"}


def test_a_second_load_changes_nothing(commune: Any) -> None:
    demo.load_demo([commune], YEAR, seed=1)
    state = (School.objects.count(), SchoolClass.objects.count(), Enrolment.objects.count(),
             Staff.objects.count(), AuditEntry.objects.count())
    assert demo.load_demo([commune], YEAR, seed=1) == {"homeroom": 0}
    assert (School.objects.count(), SchoolClass.objects.count(), Enrolment.objects.count(),
            Staff.objects.count(), AuditEntry.objects.count()) == state


def test_a_school_with_more_classes_next_year_hires_up_to_the_norm(commune: Any) -> None:
    """11100TH01 has 2 primary classes in 2021 (14 pupils of grade 1, 20 of grade 4, at most
    35 a class): the norm asks ceil(1,5 × 2) = 3 teachers, and the demo staffs it with 5
    (2 class teachers and at least 3 specialists). Opened again for 2022 with the same
    pupils one grade up plus 100 new first-graders (ceil(100 / 35) = 3 classes), it has
    5 classes, needs ceil(1,5 × 5) = 8 teachers, and hires the difference; its staff
    of 2021 stay."""
    from phocap.schools import norms

    demo.load_demo([commune], YEAR, seed=1)
    school = School.objects.get(code="11100TH01")
    before = set(school.staff.values_list("pk", flat=True))
    for record in PersonYear.objects.filter(survey_year=YEAR, current_school="11100TH01"):
        PersonYear.objects.create(person=record.person, survey_year=YEAR + 1,
                                  current_class=str(int(record.current_class) + 1),
                                  current_school="11100TH01")
    household = Household.objects.first()
    for n in range(100):
        person = Person.objects.create(household=household, person_no=100 + n,
                                       full_name=f"Lớp Một {n}", birth_year=YEAR - 5, sex="nữ")
        PersonYear.objects.create(person=person, survey_year=YEAR + 1, current_class="1",
                                  current_school="11100TH01")
    demo.load_demo([commune], YEAR + 1, seed=1)
    classes = SchoolClass.objects.filter(school=school, school_year=YEAR + 1).count()
    assert classes == 5
    teachers = school.staff.filter(role=Staff.Role.TEACHER).count()
    assert teachers >= 8 == -(-3 * 5 // 2)
    assert before <= set(school.staff.values_list("pk", flat=True))
    year = conditions.school_years([school], YEAR + 1)[school.pk]
    assert [c.met for c in norms.checks(year.counts, ["teachers"])] == [True]
    # The school account teaches the next year too: signed in, the teacher opens this
    # year's class, not last year's (issue 14).
    account = Staff.objects.get(user__username="truong")
    assert sorted(account.homeroom_classes.values_list("school_year", flat=True)) == [
        YEAR, YEAR + 1]


def test_an_upper_secondary_school_has_a_room_per_class(commune: Any) -> None:
    """Issue 14: the demo's THPT showed 0,03 rooms per class. Its rooms were drawn from
    the recognition norm alone, which asks nothing of upper secondary (0 + 0 to 2 rooms
    for 30 classes). 200 pupils of grade 10 make ⌈200/35⌉ = 6 classes: at least 6 rooms,
    and the preschool's and primary school's at least one a class too."""
    from phocap.schools.models import SchoolYearFacts

    home = Village.objects.get(commune=commune, name="Thôn 03319")
    for n in range(200):
        household = Household.objects.create(commune=commune, village=home,
                                             household_no=f"T{n:03d}")
        person = Person.objects.create(household=household, person_no=1,
                                       full_name=f"Học Sinh THPT {n:03d}",
                                       birth_year=YEAR - 15, sex="nam" if n % 2 else "nữ")
        PersonYear.objects.create(person=person, survey_year=YEAR, current_class="10",
                                  current_school="11100PT01")
    demo.load_demo([commune], YEAR, seed=1)
    for facts in SchoolYearFacts.objects.filter(school_year=YEAR).select_related("school"):
        classes = SchoolClass.objects.filter(school=facts.school, school_year=YEAR).count()
        assert facts.classrooms >= classes, facts.school.code
    assert SchoolClass.objects.filter(school__code="11100PT01").count() == 6
