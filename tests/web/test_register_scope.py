"""Scope: each role reads only the people of the units it covers; only commune staff edit."""

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from phocap.accounts.permissions import may_edit
from phocap.register.models import Household, Person, PersonYear


def visible(user: Any) -> set[str]:
    return {p.household.commune.code for p in Person.objects.for_user(user)}


@pytest.mark.parametrize(
    ("role", "unit_path", "expected"),
    [
        ("commune_staff", ("communes", "03319"), {"03319"}),
        ("district_reviewer", ("districts", 0), {"03319", "03322"}),
        ("district_reviewer", ("districts", 1), {"03370"}),
        ("province_reviewer", ("province",), {"03319", "03322", "03370"}),
        ("province_admin", ("province",), {"03319", "03322", "03370"}),
    ],
)
def test_each_role_sees_exactly_its_units(
    tree: dict[str, Any], make_user: Any, role: str, unit_path: tuple[Any, ...],
    expected: set[str],
) -> None:
    unit = tree[unit_path[0]]
    for step in unit_path[1:]:
        unit = unit[step]
    user = make_user(role, unit)
    assert visible(user) == expected
    assert {h.commune.code for h in Household.objects.for_user(user)} == expected


def test_a_school_sees_its_own_pupils_and_their_households_only(
        two_schools: dict[str, Any]) -> None:
    """Every scoped model narrows a school's account: its pupil, that pupil's years and
    household and village; not the other school's pupil, not the adult on no class list,
    not the commune's audit trail, not the other school's class list."""
    from phocap.register.models import AuditEntry, Village
    from phocap.schools.models import Enrolment, School

    for login in ("own", "other"):
        user, mine = two_schools["logins"][login], two_schools["pupils"][login]
        assert list(Person.objects.for_user(user)) == [mine]
        assert list(Household.objects.for_user(user)) == [mine.household]
        assert {y.person_id for y in PersonYear.objects.for_user(user)} == {mine.pk}
        assert list(Village.objects.for_user(user)) == [mine.household.village]
        assert list(School.objects.for_user(user)) == [two_schools["schools"][login]]
        assert [e.person_id for e in Enrolment.objects.for_user(user)] == [mine.pk]
        assert not AuditEntry.objects.for_user(user).exists()


def test_a_school_account_without_a_staff_record_sees_nobody(tree: dict[str, Any],
                                                             make_user: Any) -> None:
    user = make_user("school_staff", tree["communes"]["03322"])
    assert visible(user) == set() and not Household.objects.for_user(user).exists()


def test_ministry_viewer_sees_no_person(tree: dict[str, Any], make_user: Any) -> None:
    user = make_user("ministry_viewer", None)
    assert visible(user) == set()
    assert not PersonYear.objects.for_user(user).exists()


def test_anonymous_sees_nothing(tree: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not Person.objects.for_user(AnonymousUser()).exists()


def test_only_commune_staff_edit_and_only_their_commune(tree: dict[str, Any],
                                                        make_user: Any) -> None:
    communes = tree["communes"]
    staff = make_user("commune_staff", communes["03319"])
    assert may_edit(staff, communes["03319"])
    assert not may_edit(staff, communes["03322"])
    reviewer = make_user("district_reviewer", tree["districts"][0])
    assert not may_edit(reviewer, communes["03319"])


@pytest.mark.real_hashing
def test_createuser_checks_role_unit_and_password(tree: dict[str, Any]) -> None:
    from phocap.accounts.models import User

    call_command("createuser", "--username", "xa03319", "--password", "mat-khau-du-manh-2021",
                 "--role", "commune_staff", "--unit", "03319", "--vintage", "2025-01-04")
    user = User.objects.get(username="xa03319")
    assert user.unit.code == "03319" and user.check_password("mat-khau-du-manh-2021")
    assert user.password.startswith("pbkdf2_sha256$")
    with pytest.raises(CommandError, match="gắn với cấp commune"):
        call_command("createuser", "--username", "x2", "--password", "mat-khau-du-manh-2021",
                     "--role", "commune_staff", "--unit", "100", "--vintage", "2025-01-04")
    with pytest.raises(CommandError, match="chưa đủ mạnh"):
        call_command("createuser", "--username", "x3", "--password", "12345678",
                     "--role", "district_reviewer", "--unit", "100", "--vintage", "2025-01-04")
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("createuser", "--username", "x4", "--password", "mat-khau-du-manh-2021",
                     "--role", "province_reviewer", "--unit", "99", "--vintage", "2025-01-04")
