"""A small unit tree built by hand (not the 14,000 official units) and its users."""

from __future__ import annotations

from typing import Any

import pytest

OLD = "2025-01-04"


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    """Province 11 → districts 100 and 101 → communes 03319, 03322 (in 100) and 03370 (in 101);
    and another province, 01 → district 001 → commune 00001. One person in each commune."""
    from phocap.register.models import AdministrativeUnit, Household, Person, Village

    def unit(code: str, type_: str, parent: Any = None) -> Any:
        return AdministrativeUnit.objects.create(
            vintage=OLD, code=code, name=f"{type_} {code}", type=type_, kind=type_, parent=parent
        )

    province = unit("11", "province")
    district, other_district = unit("100", "district", province), unit("101", "district", province)
    other_province = unit("01", "province")
    far_district = unit("001", "district", other_province)
    communes = {
        "03319": unit("03319", "commune", district),
        "03322": unit("03322", "commune", district),
        "03370": unit("03370", "commune", other_district),
        "00001": unit("00001", "commune", far_district),
    }
    people = {}
    for code, commune in communes.items():
        village = Village.objects.create(commune=commune, name=f"Thôn {code}")
        household = Household.objects.create(commune=commune, village=village, household_no="0001")
        people[code] = Person.objects.create(household=household, person_no=1,
                                             full_name=f"Người {code}", birth_year=2010, sex="nam")
    return {"province": province, "districts": (district, other_district), "communes": communes,
            "people": people, "other_province": other_province}


NEW = "2025-07-01"


@pytest.fixture
def after_line(tree: dict[str, Any]) -> dict[str, Any]:
    """The units of 1 July 2025 over the tree, linked as the official conversion table
    links their codes (register/lineage.py reads it by code):

    new province 11 ← old province 11, with new communes 03202 ← old 03319 (whole; the
    table's other predecessor, old 03202, is not in the tree), 03328 ← old 03322
    (whole) and 03370 ← old 03370 (whole, the same code);
    new province 01 ← old province 01, with 00097 ← old 00001 (whole), and the old
    commune 00016 (added to district 001, without people) split between the new 00004
    and 00008 (part of it into each).
    """
    from phocap.register.models import AdministrativeUnit

    def unit(code: str, type_: str, parent: Any = None, vintage: str = NEW) -> Any:
        return AdministrativeUnit.objects.create(
            vintage=vintage, code=code, name=f"{type_} mới {code}", type=type_, kind=type_,
            parent=parent)

    province, other_province = unit("11", "province"), unit("01", "province")
    communes = {code: unit(code, "commune", province) for code in ("03202", "03328", "03370")}
    communes |= {code: unit(code, "commune", other_province)
                 for code in ("00097", "00004", "00008")}
    split = unit("00016", "commune", tree["communes"]["00001"].parent, vintage=OLD)
    return tree | {"new": {"province": province, "other_province": other_province,
                           "communes": communes}, "split": split}


@pytest.fixture
def file_villages(tree: dict[str, Any]) -> None:
    """The tree's household 0001 of 03319 and 03322 put in the village the survey fixtures
    (tests/fixtures/survey) give their household 0001, so that the files' first person is
    the tree's person: a household is its village and number (households per village)."""
    from phocap.register.models import Village

    for code, name in (("03319", "Bản Pồn"), ("03322", "Bản Noong Nhai")):
        Village.objects.filter(commune=tree["communes"][code]).update(name=name)


@pytest.fixture
def make_user(tree: dict[str, Any]) -> Any:
    from phocap.accounts.models import User

    def make(role: str, unit: Any) -> Any:
        return User.objects.create_user(username=f"{role}-{unit.code if unit else 'all'}",
                                        password="mat-khau-du-manh-2021", role=role, unit=unit)

    return make


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """The cache lives in a folder that outlasts a test (and a run): start each test empty."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(request: Any, settings: Any) -> None:
    """The matrices sign in hundreds of users: a deliberately slow hash would dominate the
    suite. Production keeps Django's PBKDF2 (settings.PASSWORD_HASHERS is not set); tests
    marked ``real_hashing`` check exactly that."""
    if request.node.get_closest_marker("real_hashing"):
        return
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def surveyed(tree: dict[str, Any]) -> dict[str, Any]:
    """Each commune's person gets a 2021 record: a pupil in grade 5."""
    from phocap.register.models import PersonYear

    for person in tree["people"].values():
        PersonYear.objects.create(person=person, survey_year=2021, current_class="5",
                                  class_level="primary", class_grade=5)
    return tree


@pytest.fixture
def two_schools(surveyed: dict[str, Any]) -> dict[str, Any]:
    """Two schools of commune 03319, each with a class list of one pupil, and a staff login
    for each; and a third person of the commune on no class list.

    Primary school T1 teaches the tree's person of 03319 (household 0001); preschool T2
    a child of household 0002; household 0003's adult goes to no school.
    """
    from phocap.accounts.models import User
    from phocap.register.models import Household, Person, PersonYear, Village
    from phocap.schools.models import Enrolment, School, SchoolClass, Staff

    commune = surveyed["communes"]["03319"]
    village = Village.objects.get(commune=commune)

    def member(household_no: str, name: str, born: int) -> Any:
        household = Household.objects.create(commune=commune, village=village,
                                             household_no=household_no, head_name=name)
        person = Person.objects.create(household=household, person_no=1, full_name=name,
                                       birth_year=born, sex="nữ", national_id=f"0011{born}0000")
        PersonYear.objects.create(person=person, survey_year=2021)
        return person

    pupils = {"own": surveyed["people"]["03319"], "other": member("0002", "Bé Trường Khác", 2017),
              "none": member("0003", "Người Không Đi Học", 1990)}
    schools, logins = {}, {}
    for key, code, level, grade, pupil in (("own", "T1", "primary", "5", pupils["own"]),
                                           ("other", "T2", "preschool", "MG4", pupils["other"])):
        school = School.objects.create(code=code, name=f"Trường {code}", level=level,
                                       commune=commune)
        klass = SchoolClass.objects.create(school=school, school_year=2021, name=f"Lớp {grade}",
                                           grade=grade)
        Enrolment.objects.create(klass=klass, person=pupil, pupil_no=1, full_name=pupil.full_name,
                                 birth_year=pupil.birth_year, sex=pupil.sex)
        user = User.objects.create_user(username=f"truong-{code}",
                                        password="mat-khau-du-manh-2021",
                                        role="school_staff", unit=commune)
        Staff.objects.create(school=school, full_name=f"Cán bộ {code}", role="teacher", user=user)
        schools[key], logins[key] = school, user
    return surveyed | {"schools": schools, "logins": logins, "pupils": pupils}


@pytest.fixture
def pupil(tree: dict[str, Any]) -> Any:
    """The own commune's person, a pupil in grade 5 in 2021: the person edits are tried on."""
    from phocap.register.models import PersonYear

    person = tree["people"]["03319"]
    PersonYear.objects.create(person=person, survey_year=2021, current_class="5",
                              class_level="primary", class_grade=5)
    return person
