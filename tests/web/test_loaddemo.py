"""loaddemo: a (small) Điện Biên demo district over three survey years, demo accounts for
every role, idempotent."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from phocap.accounts.models import Role, User
from phocap.attendance.models import ClassDay
from phocap.demo.management.commands.loaddemo import PASSWORD
from phocap.register.models import AuditEntry, Person, PersonYear, UnitYear
from phocap.schools.models import Enrolment, School, SchoolClass, Staff
from phocap.streaming.models import PupilDestination
from phocap.survey.validate import validate


def load(tmp_path: Path) -> str:
    out = io.StringIO()
    call_command("loaddemo", people=3000, output=tmp_path, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loaddemo_loads_the_district_and_accounts_and_changes_nothing_the_second_time(
    tmp_path: Path,
) -> None:
    printed = load(tmp_path)
    people = Person.objects.count()
    surveyed = PersonYear.objects.filter(survey_year=2021).count()
    assert 2900 <= surveyed <= 3100  # the profile's communes scaled to about 3,000 people
    # 2022 and 2023: the same people a school year later, with newborns and newcomers.
    for year in (2022, 2023):
        assert surveyed <= PersonYear.objects.filter(survey_year=year).count() <= 1.1 * surveyed
        assert f"năm {year}:" in printed
    kept = PersonYear.objects.filter(survey_year=2022, person__years__survey_year=2021)
    assert kept.count() > 0.95 * surveyed
    assert surveyed < people < 1.2 * surveyed
    assert Person.objects.values("household__commune").distinct().count() == 21
    flags = {year: dict(UnitYear.objects.filter(survey_year=year)
                        .values_list("unit__code", "especially_difficult"))
             for year in (2021, 2022, 2023)}
    assert len(flags[2021]) == 21 and any(flags[2021].values())
    assert flags[2021] == flags[2022] == flags[2023]
    entries = AuditEntry.objects.count()
    assert entries > 2 * people and not AuditEntry.objects.exclude(user=None).exists()

    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {"xa": Role.COMMUNE_STAFF, "truong": Role.SCHOOL_STAFF,
                     "huyen": Role.DISTRICT_REVIEWER, "tinh": Role.PROVINCE_REVIEWER,
                     "quantri": Role.PROVINCE_ADMIN, "bo": Role.MINISTRY_VIEWER}
    staff = User.objects.get(username="xa")
    assert staff.unit is not None and staff.unit.type == "commune"
    assert User.objects.get(username="huyen").unit == staff.unit.parent
    assert User.objects.get(username="bo").unit is None
    assert authenticate(username="tinh", password=PASSWORD) is not None
    for username in roles:
        assert username in printed
    assert PASSWORD in printed

    good = tmp_path / f"{staff.unit.code}.xlsx"
    bad = tmp_path / f"{staff.unit.code}-co-loi.xlsx"
    assert validate(good, year=2021).report.ok
    report = validate(bad, year=2021).report
    assert report.errors == 1
    assert report.problems.filter(pl_error())["row"].to_list() == [2]

    # The school side, built from the register: the last two school years' schools and
    # class lists, their grade-9 pupils' destinations, the latest year's attendance,
    # and the school account as a homeroom teacher.
    school_side = school_counts()
    assert school_side["schools"] > 0 and school_side["staff"] > 0
    assert {2022, 2023} == set(SchoolClass.objects.values_list("school_year", flat=True))
    linked = Enrolment.objects.exclude(person=None).count()
    assert linked > 0.95 * Enrolment.objects.count() > 0
    assert school_side["destinations"] > 0 and school_side["class_days"] > 0
    assert not ClassDay.objects.exclude(klass__school_year=2023).exists()
    assert SchoolClass.objects.filter(homeroom__user__username="truong").exists()

    again = load(tmp_path)
    assert again.count("0 người mới, 0 thay đổi") == 3
    assert school_counts() == school_side
    assert (Person.objects.count(), AuditEntry.objects.count()) == (people, entries)
    assert User.objects.count() == 6
    assert authenticate(username="xa", password=PASSWORD) is not None


def school_counts() -> dict[str, int]:
    return {"schools": School.objects.count(), "staff": Staff.objects.count(),
            "pupils": Enrolment.objects.count(), "class_days": ClassDay.objects.count(),
            "destinations": PupilDestination.objects.count()}


def pl_error() -> Any:
    import polars as pl

    return pl.col("severity") == "error"
