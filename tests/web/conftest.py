"""A small unit tree built by hand (not the 14,000 official units) and its users."""

from __future__ import annotations

from typing import Any

import pytest

OLD = "2025-01-04"


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    """Province 11 → districts 100 and 101 → communes 03319, 03322 (in 100) and 03370 (in 101)."""
    from phocap.register.models import AdministrativeUnit, Household, Person, Village

    def unit(code: str, type_: str, parent: Any = None) -> Any:
        return AdministrativeUnit.objects.create(
            vintage=OLD, code=code, name=f"{type_} {code}", type=type_, kind=type_, parent=parent
        )

    province = unit("11", "province")
    district, other_district = unit("100", "district", province), unit("101", "district", province)
    communes = {
        "03319": unit("03319", "commune", district),
        "03322": unit("03322", "commune", district),
        "03370": unit("03370", "commune", other_district),
    }
    people = {}
    for code, commune in communes.items():
        village = Village.objects.create(commune=commune, name=f"Thôn {code}")
        household = Household.objects.create(commune=commune, village=village, household_no="0001")
        people[code] = Person.objects.create(household=household, person_no=1,
                                             full_name=f"Người {code}", birth_year=2010, sex="nam")
    return {"province": province, "districts": (district, other_district), "communes": communes,
            "people": people}


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
