"""Frozen means frozen: every write path against a submitted or recognised year.

Commune 03319 surveys one household, 0007, in two years: the frozen year F
and an open year O, either the year after F (F older than the open year) or
the year before (F the latest). Its three children are born in F − 11:

    F:  Lò Văn An, class 6, completed primary in F
        Lò Thị Bình, class 6, completed primary in F
        Quàng Văn Cường, class 5

so in F the criterion "completed primary at 11" (primary.2.completed_at_11)
reads 2/3 by hand. The identity edits below move An's birth to F − 12: if that
leaked into F, An would be 12 there and the criterion would read 1/2 (as the
issue's 655/657 became 654/656). A primary school with two classes, two
rooms, seven teachers and its monitoring person meets the conditions in both
years; deactivating its teachers fails them, which a frozen year must not see.

Each path is walked once; after each, what F's results are computed from
(its records in the survey_record view the engine reads, its school conditions
and its ĐBKK flag) is unchanged, and where the path is allowed the open year
has changed; at the end F's records, results, forms and name lists are
exactly what the dossier certified.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from phocap.recognition import workflow
from phocap.recognition.models import Dossier
from phocap.register import duplicates, editing, freezing, importing, records, reporting, rollover
from phocap.register.models import Person, PersonYear, UnitYear
from phocap.register.results import results
from phocap.reports.forms import forms_for
from phocap.schools import services
from phocap.schools.conditions import for_communes as school_conditions
from phocap.schools.models import School, SchoolYearFacts, Staff
from phocap.schools.norms import SPECIALISTS
from phocap.survey.validate import validate

PASSWORD = "mat-khau-du-manh-2021"
HEADER = ("survey_year,province_code,district_code,commune_code,village,household_no,"
          "person_no,national_id,full_name,birth_date,sex,ethnicity,residence,status,"
          "disability,current_class,current_school,preschool_completed,primary_completed,"
          "thcs_graduated,thpt_graduated,vocational_level,vocational_completed,highest_grade,"
          "dropout_grade,dropout_year,literacy_stage,literacy_year,relapsed")
CHILDREN = ((1, "Lò Văn An", "nam"), (2, "Lò Thị Bình", "nữ"), (3, "Quàng Văn Cường", "nam"))


def survey_file(tmp_path: Path, year: int, frozen_year: int,
                corrected: dict[int, tuple[str, int]] | None = None) -> pl.DataFrame:
    """The household's records of ``year`` as a validated survey file (what an import reads);
    ``corrected`` gives some children (by number) another name and year of birth."""
    lines = [HEADER]
    for number, name, sex in CHILDREN:
        age = year - (frozen_year - 11)
        completed = frozen_year if number < 3 else frozen_year + 1
        done = completed if completed <= year else ""
        grade = age - 5 if number < 3 else age - 6
        name, born = (corrected or {}).get(number, (name, frozen_year - 11))
        lines.append(f"{year},11,100,03319,Bản Pồn,0007,{number},,{name},{born},{sex},Thái,"
                     f"thường trú,,,{grade},,,{done},,,,,,,,,,")
    path = tmp_path / f"ho-0007-{year}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate(path, keep_records=True)
    assert result.records is not None, result.report.problems
    return result.records


def survey_records(commune: Any, year: int) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM survey_record WHERE commune_code = %s AND survey_year = %s"
                       " ORDER BY household_no, person_no", [commune.code, year])
        return [tuple(row) for row in cursor.fetchall()]


def state(commune: Any, year: int) -> dict[str, Any]:
    """What a dossier of the year certifies, read afresh from the database."""
    cache.clear()  # the counts are cached per commune revision; read the data themselves
    _, evaluation, counted = reporting.sources(commune, year)
    return {
        "records": survey_records(commune, year),
        "results": results(commune, year),
        "forms": repr(forms_for(evaluation, counted, commune.code)),
        "name_lists": repr(reporting.name_lists(commune, year)),
    }


def criterion(found: dict[str, Any], key: str) -> tuple[int, int]:
    standard = found["results"].unit("03319").standards["primary"]
    hit = next(c for c in standard.criteria if c.key == key)
    return hit.numerator, hit.denominator


def conditions(found: dict[str, Any]) -> str:
    return str(found["results"].unit("03319").standards["primary"].conditions)


def names(rows: list[tuple[Any, ...]]) -> list[str]:
    return [row[8] for row in rows]


@pytest.fixture
def staff(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user("commune_staff", tree["communes"]["03319"])


@pytest.fixture
def school(tree: dict[str, Any], staff: Any) -> Any:
    commune = tree["communes"]["03319"]
    school = services.save_school(staff, commune, None, None, {
        "code": "11100TH07", "name": "Trường Tiểu học Bảy", "level": "primary"})
    for subject in ("class", "class", *SPECIALISTS["primary"]):
        services.save_staff(staff, school, None, None, {
            "full_name": f"Giáo viên {subject}", "role": "teacher", "subject": subject})
    return school


def school_year(officer: Any, school: School, year: int) -> None:
    """Two classes in two rooms, with an officer appointed: 1,4 rooms and 3 teachers needed."""
    for name, grade in (("1A", "1"), ("2A", "2")):
        services.add_class(officer, school, year, name, grade)
    services.save_facts(officer, school, year, None, {
        "classrooms": 2, "qualified_teachers": 7, "monitoring_person": "Lò Văn Theo"})


@pytest.mark.parametrize("status", ["submitted", "recognised"])
@pytest.mark.parametrize("order", ["frozen_older", "frozen_latest"])
def test_every_write_path_leaves_a_frozen_year_as_certified(
        tree: dict[str, Any], make_user: Any, staff: Any, school: School, tmp_path: Path,
        status: str, order: str) -> None:
    frozen_year, open_year = (2021, 2022) if order == "frozen_older" else (2022, 2021)
    commune, district = tree["communes"]["03319"], tree["districts"][0]
    for year in (frozen_year, open_year):
        importing.load(survey_file(tmp_path, year, frozen_year))
        school_year(staff, school, year)
    an, binh, cuong = (Person.objects.get(household__commune=commune,
                                          household__household_no="0007", person_no=n)
                       for n in (1, 2, 3))

    before = state(commune, frozen_year)
    assert criterion(before, "primary.2.completed_at_11") == (2, 3)  # An and Bình of three
    assert conditions(before) == "met"
    dossier = workflow.submit(staff, commune, "primary", frozen_year, 1, "Hồ sơ đủ điều kiện.")
    if status == "recognised":
        dossier = workflow.decide(make_user("district_reviewer", district), dossier,
                                  "12/QĐ-UBND", dt.date(frozen_year + 1, 1, 5), "Chủ tịch UBND",
                                  1, "Đạt mức 1 theo kiểm tra thực tế.")
    assert Dossier.objects.get(pk=dossier.pk).status == status
    certified = state(commune, frozen_year)
    assert certified == before

    def inputs() -> tuple[Any, ...]:
        """Everything the year's results, forms and name lists are computed from."""
        return (survey_records(commune, frozen_year),
                school_conditions([commune], frozen_year),
                list(UnitYear.objects.filter(unit=commune, survey_year=frozen_year)
                     .values_list("especially_difficult", flat=True)))

    certified_inputs = inputs()

    def unchanged(path: str) -> None:
        assert inputs() == certified_inputs, f"{path} changed the frozen year"

    # The person's page: the frozen year's record is refused, the open year's saved,
    # and with it the corrected birth year and name (identity shared by the years).
    page = Client()
    page.force_login(staff)

    def post_record(person: Person, year: int, **raw: str) -> Any:
        person.refresh_from_db()
        surveyed = PersonYear.objects.get(person=person, survey_year=year)
        data = records.raw(person, surveyed) | raw | {"version": person.version,
                                                       "relationship": ""}
        return page.post(reverse("person", args=[person.pk]) + f"?year={year}", data)

    refused = post_record(an, frozen_year, birth_date=str(frozen_year - 12))
    assert refused.status_code == 200
    assert (freezing.frozen(commune, frozen_year) or "?") in refused.content.decode()
    unchanged("a record of the frozen year")
    saved = post_record(an, open_year, birth_date=str(frozen_year - 12),
                        full_name="Lò Văn Ân")
    assert saved.status_code == 302, saved.content.decode()
    assert "Lò Văn Ân" in names(survey_records(commune, open_year))
    unchanged("an identity edit in the open year")
    # The frozen year's record is shown read-only (no form to type into), the open year's
    # in its form.
    for year, shown in ((frozen_year, "<dd>Lò Văn An</dd>"), (open_year, 'value="Lò Văn Ân"')):
        form = page.get(reverse("person", args=[an.pk]) + f"?year={year}").content.decode()
        assert shown in form, year
        assert ('id="record-form"' in form) is (year == open_year), year

    # The API's PATCH: the same identity, through editing.update_person.
    token = Client().post("/api/v1/token", {"username": staff.username, "password": PASSWORD},
                          content_type="application/json").json()["token"]
    cuong.refresh_from_db()
    patched = Client().patch(f"/api/v1/persons/{cuong.pk}",
                             {"version": cuong.version, "full_name": "Quàng Văn Cương"},
                             content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {token}")
    assert patched.status_code == 200, patched.content
    assert "Quàng Văn Cương" in names(survey_records(commune, open_year))
    unchanged("the API's PATCH")

    # The household: a new form number and village apply to the open year only.
    household = an.household
    household.refresh_from_db()
    editing.save_household(staff, commune, household.pk, household.version,
                           {"household_no": "0008", "village": _village(commune, "Bản Mới")})
    assert {row[5] for row in survey_records(commune, open_year)} == {"0008"}
    unchanged("a household edit")

    # A new member and a move: refused in the frozen year, recorded in the open one.
    with pytest.raises(freezing.Frozen):
        editing.add_person(staff, household, frozen_year,
                           _record(commune, frozen_year, "Lò Văn Út"))
    editing.add_person(staff, household, open_year, _record(commune, open_year, "Lò Văn Út"))
    binh.refresh_from_db()
    with pytest.raises(freezing.Frozen):
        editing.move(staff, binh.pk, binh.version, frozen_year, "moved_out",
                     dt.date(frozen_year, 3, 1), "xã Mường Phăng")
    editing.move(staff, binh.pk, binh.version, open_year, "moved_out",
                 dt.date(open_year, 3, 1), "xã Mường Phăng")
    assert len(survey_records(commune, open_year)) == 4
    unchanged("a new member and a move")

    # Imports: the frozen year's file is refused at preview and at commit; a file of
    # the open year (older or newer) corrects identities for the open years only.
    corrected = {1: ("Lò Văn Ân", frozen_year - 12), 2: ("Lò Thị Bính", frozen_year - 11),
                 3: ("Quàng Văn Cương", frozen_year - 11)}
    for step in (importing.preview, lambda r: importing.commit(r, staff)):
        with pytest.raises(importing.ImportRefused, match=f"Không nhập được tệp năm {frozen_year}"):
            step(survey_file(tmp_path, frozen_year, frozen_year, corrected))
    file = survey_file(tmp_path, open_year, frozen_year, corrected).with_columns(
        household_no=pl.lit("0008"), village=pl.lit("Bản Mới"))
    importing.commit(file, staff)
    assert "Lò Thị Bính" in names(survey_records(commune, open_year))
    unchanged("an import")

    # A merge: a twin without years folds into An; An (frozen record) into a twin does not.
    an.refresh_from_db()
    twin = Person.objects.create(household=an.household, person_no=9, full_name=an.full_name,
                                 birth_year=an.birth_year, sex="nam", national_id="011210000009")
    duplicates.merge(staff, commune, an.pk, an.version, twin.pk, twin.version)
    an.refresh_from_db()
    assert an.national_id == "011210000009"
    other = Person.objects.create(household=an.household, person_no=10, full_name=an.full_name,
                                  birth_year=an.birth_year, sex="nam")
    with pytest.raises(freezing.Frozen):
        duplicates.merge(staff, commune, other.pk, other.version, an.pk, an.version)
    unchanged("a merge")

    # The roll-over opens the year after the latest; diplomas of the frozen year wait.
    latest = max(frozen_year, open_year)
    opened = rollover.open_year(staff, commune, latest)
    assert opened.people > 0
    with pytest.raises(rollover.RolloverRefused):
        rollover.confirm_graduates(staff, commune, frozen_year, [an.pk])
    unchanged("the roll-over")

    # ĐBKK: the flag of the frozen year is refused with its reason, the open year's saved.
    admin = Client()
    admin.force_login(make_user("province_admin", tree["province"]))
    answer = admin.post(reverse("admin-difficult"), {"year": frozen_year,
                                                     "difficult": [commune.pk]}, follow=True)
    assert "Chưa lưu gì" in answer.content.decode()
    assert not UnitYear.objects.filter(unit=commune, survey_year=frozen_year).exists()
    admin.post(reverse("admin-difficult"), {"year": open_year, "difficult": [commune.pk]})
    assert UnitYear.objects.get(unit=commune, survey_year=open_year).especially_difficult
    unchanged("the ĐBKK flags")

    # The school: the frozen year's facts (its monitoring person among them) and classes
    # are refused; the staff
    # (not kept per year) may change, and fail the open year's conditions only.
    facts = SchoolYearFacts.objects.get(school=school, school_year=frozen_year)
    with pytest.raises(freezing.Frozen):
        services.save_facts(staff, school, frozen_year, facts.version, {"classrooms": 0})
    with pytest.raises(freezing.Frozen):
        services.add_class(staff, school, frozen_year, "3A", "3")
    for teacher in Staff.objects.filter(school=school, role="teacher"):
        services.save_staff(staff, school, teacher.pk, teacher.version, {"active": False})
    assert school_conditions([commune], open_year)["03319"]["primary"] is False
    unchanged("the school's facts and staff")
    assert state(commune, frozen_year) == certified

    # Returned (or refused), the year follows the register again: the pin did the work.
    if status == "submitted":
        workflow.return_(make_user("district_reviewer", district), dossier, "Sửa tên.")
        released = state(commune, frozen_year)
        assert criterion(released, "primary.2.completed_at_11") == (1, 2)  # Ân is 12 now
        assert names(released["records"]) == ["Lò Văn Ân", "Lò Thị Bính", "Quàng Văn Cương"]
        assert conditions(released) == "not_met"


def _village(commune: Any, name: str) -> Any:
    from phocap.register.models import Village

    return Village.objects.get_or_create(commune=commune, name=name)[0]


def _record(commune: Any, year: int, name: str) -> dict[str, Any]:
    """A newborn's checked survey record (the page's checking.check)."""
    from phocap.register import checking

    place = checking.location(commune, "Bản Mới", "0008", 4)
    result = checking.check(place | {"full_name": name, "birth_date": str(year), "sex": "nam",
                                     "ethnicity": "Thái", "residence": "thường trú"}, year)
    assert result.record is not None, result.errors
    return result.record
