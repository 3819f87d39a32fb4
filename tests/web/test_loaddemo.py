"""loaddemo: a (small) Điện Biên demo district over five survey years, 2025 under the communes
of 1 July 2025, demo accounts for every role, idempotent."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from phocap.accounts.models import Role, User
from phocap.attendance.models import ClassDay
from phocap.demo.management.commands.loaddemo import PASSWORD
from phocap.register.lineage import NEW, OLD
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
    # 2022 to 2025: the same people a school year later, with newborns and newcomers.
    for year in (2022, 2023, 2024, 2025):
        assert surveyed <= PersonYear.objects.filter(survey_year=year).count() <= 1.15 * surveyed
        assert f"năm {year}:" in printed
    kept = PersonYear.objects.filter(survey_year=2022, person__years__survey_year=2021)
    assert kept.count() > 0.95 * surveyed
    old = Person.objects.filter(household__commune__vintage=OLD)
    assert old.values("household__commune").distinct().count() == 21
    assert not PersonYear.objects.filter(person__in=old, survey_year=2025).exists()
    # 2025 under the eight communes of 1 July 2025 the 21 went into whole, each person
    # continuing one of 2024 (register/crossing.py) or new that year.
    new = Person.objects.filter(household__commune__vintage=NEW)
    assert new.values("household__commune").distinct().count() == 8
    assert not PersonYear.objects.filter(person__in=new).exclude(survey_year=2025).exists()
    continued = new.filter(continues__years__survey_year=2024).count()
    assert continued > 0.95 * PersonYear.objects.filter(survey_year=2025).count()
    # The file of 2025 came in on top of the crossing: most people carried, unchanged.
    year_2025 = re.search(r"năm 2025: ([\d.]+) người mới, ([\d.]+) thay đổi, ([\d.]+) không đổi",
                          printed)
    assert year_2025 is not None
    added, changed, same = (int(n.replace(".", "")) for n in year_2025.groups())
    assert added < 0.1 * surveyed and same > changed
    flags = {year: dict(UnitYear.objects.filter(survey_year=year)
                        .values_list("unit__code", "especially_difficult"))
             for year in (2021, 2022, 2023, 2024, 2025)}
    assert len(flags[2021]) == 21 and any(flags[2021].values())
    assert flags[2021] == flags[2022] == flags[2023] == flags[2024]
    assert set(flags[2025]) == {"03202", "03328", "03334", "03349", "03352", "03356", "03358",
                                "03368"}
    assert not flags[2025]["03334"]  # a ward, from 03334 Xã Thanh Xương (not ĐBKK) alone
    entries = AuditEntry.objects.count()
    # Every entry is the system's, but the demo's survey round: opened and assigned by "xa",
    # three households visited by "dieutra" (rounds/demo.py).
    assert entries > 2 * people
    assert sorted(AuditEntry.objects.exclude(user=None).values_list(
        "user__username", "model", "action")) == [
        ("dieutra", "visit", "create")] * 3 + [("xa", "assignment", "create"),
                                              ("xa", "surveyround", "create")]
    # The accounts carried across the line, one entry each: xa, truong, tinh, quantri
    # moved, huyen history only.
    assert AuditEntry.objects.filter(model="user", action="update").count() == 5

    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {"xa": Role.COMMUNE_STAFF, "truong": Role.SCHOOL_STAFF,
                     "huyen": Role.DISTRICT_REVIEWER, "tinh": Role.PROVINCE_REVIEWER,
                     "quantri": Role.PROVINCE_ADMIN, "bo": Role.MINISTRY_VIEWER,
                     "dieutra": Role.SURVEYOR}
    # After the line: the commune's and school's accounts at 03202 Xã Mường Pồn (which
    # received the demo commune 03319), the province's at Tỉnh Điện Biên of the new list,
    # the district's where it was.
    staff = User.objects.get(username="xa")
    assert staff.unit is not None and (staff.unit.code, staff.unit.vintage) == ("03202", NEW)
    assert User.objects.get(username="truong").unit == staff.unit
    huyen = User.objects.get(username="huyen")
    assert huyen.unit is not None and (huyen.unit.code, huyen.unit.vintage) == ("100", OLD)
    assert huyen.history_only  # no districts after 1 July 2025 (register/carry.py)
    for username in ("tinh", "quantri"):
        assert User.objects.get(username=username).unit == staff.unit.parent
    assert staff.unit.parent is not None and staff.unit.parent.code == "11"
    assert User.objects.get(username="bo").unit is None
    assert authenticate(username="tinh", password=PASSWORD) is not None
    for username in roles:
        assert username in printed
    assert PASSWORD in printed

    good = tmp_path / f"{staff.unit.code}.xlsx"
    bad = tmp_path / f"{staff.unit.code}-co-loi.xlsx"
    assert validate(good, year=2025).report.ok
    report = validate(bad, year=2025).report
    assert report.errors == 1
    assert report.problems.filter(pl_error())["row"].to_list() == [2]

    # The school side, built from the register: the last two school years' schools and
    # class lists (2025's under the new communes), their grade-9 pupils' destinations,
    # the latest year's attendance, and the school account as a homeroom teacher.
    school_side = school_counts()
    assert school_side["schools"] > 0 and school_side["staff"] > 0
    assert {2024, 2025} == set(SchoolClass.objects.values_list("school_year", flat=True))
    for year, vintage in ((2024, OLD), (2025, NEW)):
        assert set(School.objects.filter(classes__school_year=year)
                   .values_list("commune__vintage", flat=True)) == {vintage}
    linked = Enrolment.objects.exclude(person=None).count()
    assert linked > 0.95 * Enrolment.objects.count() > 0
    assert school_side["destinations"] > 0 and school_side["class_days"] > 0
    assert not ClassDay.objects.exclude(klass__school_year=2025).exists()
    assert SchoolClass.objects.filter(homeroom__user__username="truong",
                                      school_year=2025).exists()

    again = load(tmp_path)
    assert again.count("0 người mới, 0 thay đổi") == 1  # 2025, the only year still open
    assert again.count("giữ nguyên") == 4  # 2021–2024, carried on under the new communes
    assert school_counts() == school_side
    assert (Person.objects.count(), AuditEntry.objects.count()) == (people, entries)
    assert User.objects.count() == 7
    assert authenticate(username="xa", password=PASSWORD) is not None
    # The survey round of 2025 at 03202, open, three of its households visited.
    from phocap.rounds.models import SurveyRound, Visit

    survey_round = SurveyRound.objects.get()
    assert (survey_round.commune, survey_round.survey_year) == (staff.unit, 2025)
    assert sorted(Visit.objects.values_list("outcome", flat=True)) == [
        "changed", "not_found", "unchanged"]
    assert authenticate(username="dieutra", password=PASSWORD) is not None


@pytest.mark.django_db
def test_up_to_2024_the_accounts_stay_on_the_old_units(tmp_path: Path) -> None:
    call_command("loaddemo", people=600, until=2022, output=tmp_path, stdout=io.StringIO())
    staff = User.objects.get(username="xa")
    assert staff.unit is not None and (staff.unit.code, staff.unit.vintage) == ("03319", OLD)
    huyen = User.objects.get(username="huyen")
    assert huyen.unit is not None and not huyen.history_only
    assert User.objects.get(username="tinh").unit == huyen.unit.parent
    assert not PersonYear.objects.filter(survey_year__gt=2022).exists()


def test_the_demo_ends_at_2025(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="tối đa 2025"):
        call_command("loaddemo", until=2026, output=tmp_path, stdout=io.StringIO())


def school_counts() -> dict[str, int]:
    return {"schools": School.objects.count(), "staff": Staff.objects.count(),
            "pupils": Enrolment.objects.count(), "class_days": ClassDay.objects.count(),
            "destinations": PupilDestination.objects.count()}


def pl_error() -> Any:
    import polars as pl

    return pl.col("severity") == "error"
