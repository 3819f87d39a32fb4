"""Attendance pages: the day grid, the at-risk lists, follow-ups, the import and the
commune's report; their scope matrix and audit.

The hand-made tree (tests/web/conftest.py) gets a school in each of its three
communes (03319, its sibling 03322, 03370 of the other district) plus a second
school in 03319, each with class 6A of 2021–2022 and three pupils. The school
staff account of 03319 is the Staff of the first school and homeroom teacher
of its 6A. Scope: the pupils of a school open to whoever covers its commune,
except that school staff read only their own school and the ministry viewer
reads no pupil; only the school's own staff save.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from phocap.attendance.models import Absence, ClassDay, FollowUp, SchoolCalendar
from phocap.register.models import AuditEntry
from phocap.schools.models import Enrolment, School, SchoolClass, SchoolSite, Staff
from phocap.survey.problems import ProblemsFound
from tests.web.problem_rows import problem_rows
from tests.web.roles import COVERS, PASSWORD, ROLES

YEAR = 2021
MONDAY = dt.date(2021, 9, 6)  # the first school day of 2021–2022 (default calendar)


def make_school(commune: Any, code: str) -> dict[str, Any]:
    school = School.objects.create(code=code, name=f"Trường THCS {code}", level="lower_secondary",
                                   commune=commune)
    site = SchoolSite.objects.create(school=school, name="Điểm chính", main=True)
    teacher = Staff.objects.create(school=school, full_name=f"Cô giáo {code}", role="teacher")
    klass = SchoolClass.objects.create(school=school, site=site, school_year=YEAR, name="6A",
                                       grade="6", homeroom=teacher)
    village = commune.villages.first()
    pupils = [Enrolment.objects.create(klass=klass, pupil_no=n, full_name=f"Học sinh {code}-{n}",
                                       birth_year=2010, sex="nam", village=village)
              for n in (1, 2, 3)]
    return {"school": school, "klass": klass, "pupils": pupils, "teacher": teacher}


@pytest.fixture
def schools(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    made = {code: make_school(commune, f"T{code}") for code, commune in tree["communes"].items()}
    made["neighbour"] = make_school(tree["communes"]["03319"], "T03319B")
    return made


@pytest.fixture
def keeper(schools: dict[str, Any], make_user: Any, tree: dict[str, Any]) -> Any:
    """The school staff account of 03319, linked to the first school's teacher."""
    user = make_user("school_staff", tree["communes"]["03319"])
    teacher = schools["03319"]["teacher"]
    teacher.user = user
    teacher.save()
    return user


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


SCHOOL_PAGES = ("attendance-school", "attendance-calendar", "attendance-at-risk-export")


def urls(made: dict[str, Any], commune: Any) -> dict[str, str]:
    day = MONDAY.isoformat()
    return {
        "attendance-school": f"/attendance/schools/{made['school'].pk}/",
        "attendance-import": f"/attendance/schools/{made['school'].pk}/import/",
        "attendance-day": f"/attendance/classes/{made['klass'].pk}/{day}/",
        "attendance-pupil": f"/attendance/pupils/{made['pupils'][0].pk}/",
        "attendance-commune": f"/attendance/communes/{commune.pk}/",
        "attendance-calendar": f"/attendance/schools/{made['school'].pk}/calendar/?year={YEAR}",
        "attendance-at-risk-export": f"/attendance/schools/{made['school'].pk}/at-risk.csv",
    }


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("code", ["03319", "03322", "03370", "neighbour"])
def test_attendance_scope_matrix(schools: dict[str, Any], keeper: Any, make_user: Any,
                                 tree: dict[str, Any], role: str, unit_of: Any,
                                 code: str) -> None:
    """Reading: 200 where the role covers the commune (school staff: own school only),
    404 elsewhere; the ministry viewer, who knows every school by name, 403 on a
    school's pages and the commune report, 404 on a class or a pupil it never sees
    (permissions.refuse). Writing: 302 for the school's own staff, 403 for anyone who
    reads it, 404 otherwise; nothing is saved by anyone but the keeper."""
    user = keeper if role == "school_staff" else make_user(role, unit_of(tree))
    client = client_for(user)
    commune_code = "03319" if code == "neighbour" else code
    made = schools[code]
    covered = commune_code in COVERS[role]
    reads = covered and not (role == "school_staff" and code != "03319")
    keeps = role == "school_staff" and code == "03319"
    knows = reads or role == "ministry_viewer"  # a school's pages (schools.scope)
    for name, url in urls(made, tree["communes"][commune_code]).items():
        got = client.get(url).status_code
        if name == "attendance-commune":
            want = 403 if role == "ministry_viewer" else 200 if covered else 404
        elif name == "attendance-import":
            want = 200 if keeps else 403 if knows else 404
        elif name in SCHOOL_PAGES:
            want = 200 if reads else 403 if knows else 404
        else:
            want = 200 if reads else 404
        assert got == want, (name, role, code)
    day = urls(made, tree["communes"][commune_code])["attendance-day"]
    pupil = made["pupils"][0]
    posted = client.post(day, {f"s-{pupil.pk}": "unexcused"}).status_code
    assert posted == (302 if keeps else 403 if reads else 404), (role, code)
    follow = client.post(f"/attendance/pupils/{pupil.pk}/",
                         {"date": "2021-09-07", "kind": "home_visit", "outcome": "returned"})
    assert follow.status_code == (302 if keeps else 403 if reads else 404), (role, code)
    calendar = client.post(f"/attendance/schools/{made['school'].pk}/calendar/?year={YEAR}", {
        "first_day": "2021-09-06", "last_day": "2022-05-31", "tet_first_day": "2022-01-24",
        "tet_last_day": "2022-02-06"})
    assert calendar.status_code == (302 if keeps else 403 if knows else 404), (role, code)
    assert Absence.objects.filter(enrolment=pupil).count() == int(keeps)
    assert FollowUp.objects.filter(enrolment=pupil).count() == int(keeps)
    assert SchoolCalendar.objects.filter(school=made["school"]).count() == int(keeps)


def test_a_year_without_a_known_lunar_new_year_is_not_guessed(schools: dict[str, Any],
                                                              keeper: Any) -> None:
    """?year=2040 (Tết 2041 is not in the data): the page falls back to the school's
    latest year, 2021–2022, instead of failing or inventing a calendar."""
    made = schools["03319"]
    page = client_for(keeper).get(f"/attendance/schools/{made['school'].pk}/?year=2040")
    assert page.status_code == 200 and "năm học 2021–2022" in page.content.decode()


def test_mine_lists_the_homeroom_classes_only_for_staff(schools: dict[str, Any], keeper: Any,
                                                        make_user: Any,
                                                        tree: dict[str, Any]) -> None:
    """attendance-mine: the teacher sees their 6A and its pupils' warnings; an account
    without a Staff record (a commune officer) has no such page (404)."""
    page = client_for(keeper).get("/attendance/mine/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Lớp 6A" in text and f"/attendance/classes/{schools['03319']['klass'].pk}/" in text
    assert "T03319B" not in text
    officer = make_user("commune_staff", tree["communes"]["03319"])
    assert client_for(officer).get("/attendance/mine/").status_code == 404


def test_a_day_saved_in_one_request_audited_and_idempotent(schools: dict[str, Any],
                                                           keeper: Any) -> None:
    """Pupil 2 excused, pupil 3 unexcused, pupil 1 present by default: one class day and
    two absences, three audit entries under 03319, and the confirmation. Saving the same
    again writes nothing; making pupil 2 present deletes one absence (one entry)."""
    made = schools["03319"]
    p1, p2, p3 = made["pupils"]
    client = client_for(keeper)
    url = f"/attendance/classes/{made['klass'].pk}/{MONDAY.isoformat()}/"
    response = client.post(url, {f"s-{p2.pk}": "excused", f"s-{p3.pk}": "unexcused"},
                           follow=True)
    assert "Đã lưu chuyên cần lớp 6A ngày 06/09/2021: 1 có mặt, 1 vắng có phép, " \
           "1 vắng không phép." in response.content.decode()
    assert ClassDay.objects.filter(klass=made["klass"], date=MONDAY).count() == 1
    assert dict(Absence.objects.values_list("enrolment_id", "kind")) == {
        p2.pk: "excused", p3.pk: "unexcused"}
    entries = AuditEntry.objects.filter(model__in=["classday", "absence"])
    assert entries.count() == 3
    assert set(entries.values_list("commune_id", flat=True)) == {made["school"].commune_id}
    assert set(entries.values_list("user_id", flat=True)) == {keeper.pk}
    client.post(url, {f"s-{p2.pk}": "excused", f"s-{p3.pk}": "unexcused"})
    assert entries.count() == 3
    client.post(url, {f"s-{p1.pk}": "present", f"s-{p3.pk}": "unexcused"})
    assert entries.count() == 4 and entries.filter(action="delete").count() == 1
    assert list(Absence.objects.values_list("enrolment_id", flat=True)) == [p3.pk]


@pytest.mark.parametrize(("day", "words"), [
    ("2022-02-01", "không phải ngày học"),  # Tết 2022: inside the default break
    ("2021-09-11", "không phải ngày học"),  # a Saturday
    ("2021-08-30", "không phải ngày học"),  # before the school year
])
def test_no_attendance_outside_school_days(schools: dict[str, Any], keeper: Any, day: str,
                                           words: str) -> None:
    made = schools["03319"]
    response = client_for(keeper).post(f"/attendance/classes/{made['klass'].pk}/{day}/",
                                       {f"s-{made['pupils'][0].pk}": "unexcused"}, follow=True)
    assert words in response.content.decode()
    assert not ClassDay.objects.exists() and not Absence.objects.exists()


def test_the_at_risk_list_shows_each_reason(schools: dict[str, Any], keeper: Any) -> None:
    """Pupil 1 repeats grade 6 and was born in 2008: 2021 − 2008 − 6 − 5 = 2 years over
    age: 2 + 2 = 4 points, the flag. Pupil 2 lives 6,5 km away: 1 point, not listed."""
    made = schools["03319"]
    p1, p2, _ = made["pupils"]
    Enrolment.objects.filter(pk=p1.pk).update(repeating=True, birth_year=2008)
    Enrolment.objects.filter(pk=p2.pk).update(distance_km=Decimal("6.5"))
    for url in ("/attendance/mine/", f"/attendance/schools/{made['school'].pk}/"):
        text = client_for(keeper).get(url).content.decode()
        assert "Đang lưu ban" in text and "Quá tuổi 2 năm so với lớp" in text, url
        assert p1.full_name in text and "Nhà cách trường" not in text, url
    download = client_for(keeper).get(f"/attendance/schools/{made['school'].pk}/at-risk.csv")
    rows = download.content.decode("utf-8-sig").splitlines()
    assert rows == ["Lớp,STT,Họ và tên,Năm sinh,Thôn,Điểm,Lý do",
                    f"6A,1,{p1.full_name},2008,Thôn 03319,4,"
                    "Đang lưu ban; Quá tuổi 2 năm so với lớp"]
    logged = AuditEntry.objects.get(action="export")
    assert logged.user == keeper and logged.commune_id == made["school"].commune_id
    assert logged.after == {"what": "attendance_at_risk", "school": "T03319",
                            "school_year": YEAR, "pupils": 1}
    text = client_for(keeper).get(f"/attendance/pupils/{p2.pk}/").content.decode()
    assert "Nhà cách trường 6,5 km" in text


def test_rates_and_the_commune_report(schools: dict[str, Any], keeper: Any,
                                      tree: dict[str, Any]) -> None:
    """Two days (6 and 7 Sept): pupil 3 unexcused on the 6th and 7th, pupil 2 excused on
    the 7th: 6 pupil-days, 3 present → 50,00% for September and the year; no day after
    Tết yet, so no return to report. One follow-up
    (home visit, returned) counts on the commune's report with the reasons."""
    made = schools["03319"]
    _p1, p2, p3 = made["pupils"]
    client = client_for(keeper)
    base = f"/attendance/classes/{made['klass'].pk}/"
    client.post(base + "2021-09-06/", {f"s-{p3.pk}": "unexcused"})
    client.post(base + "2021-09-07/", {f"s-{p3.pk}": "unexcused", f"s-{p2.pk}": "excused"})
    school_page = client.get(f"/attendance/schools/{made['school'].pk}/").content.decode()
    assert "<th class=\"num\">2021-09</th>" in school_page
    assert '<td class="num">50,00%</td><td class="num">50,00%</td>' in school_page
    # Pupil 2, present 1 of 2 days: two recorded days are too few to read attendance
    # from (10, data/warning.toml; issue 14): not on the list, and the page says why.
    # The window (4 weeks to 7 Sept) holds 2 school days (Mon 6, Tue 7): 2/2 recorded.
    assert "Chuyên cần 50,00% trong 4 tuần gần đây" not in school_page
    assert 'data-recorded="2/2"' in school_page and "chưa đủ số liệu" in school_page
    assert 'data-classes-this-week="1/1"' in school_page
    assert "Chưa lớp nào điểm danh trong 5 ngày học đầu tiên sau kỳ nghỉ Tết." in school_page
    # The school's total row is the class's (one class); by ISO week 36 the same 3 of 6.
    assert '<th>Toàn trường</th><th></th><th class="num">50,00%</th>' in school_page
    weekly = client.get(f"/attendance/schools/{made['school'].pk}/?period=week").content.decode()
    assert '<th class="num">2021-W36</th>' in weekly and "2021-09</th>" not in weekly
    assert '<td class="num">50,00%</td><td class="num">50,00%</td>' in weekly
    client.post(f"/attendance/pupils/{p3.pk}/",
                {"date": "2021-09-08", "kind": "home_visit", "outcome": "returned",
                 "note": "Gia đình hứa cho đi học"})
    follow = FollowUp.objects.get()
    assert follow.by == keeper
    assert AuditEntry.objects.filter(model="followup", object_id=follow.pk).count() == 1
    report = client.get(f"/attendance/communes/{tree['communes']['03319'].pk}/").content.decode()
    assert "thăm gia đình" in report and "đã đi học lại" in report
    # The whole commune as the school staff see it (their own school only): 3 of 6 days.
    assert '<th>Toàn xã</th><th class="num">50,00%</th><th class="num">50,00%</th>' in report
    assert "Chuyên cần thấp" not in report  # pupil 3: 0 of 2 days, too few to read


def test_import_all_or_nothing_named_problems_and_idempotent(schools: dict[str, Any],
                                                             keeper: Any) -> None:
    """A CSV with one bad row saves nothing and names file, row, column and value; the
    corrected file saves two class days; importing it again changes nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    made = schools["03319"]
    client = client_for(keeper)
    url = f"/attendance/schools/{made['school'].pk}/import/"
    bad = "Lớp,STT,Ngày,Trạng thái\n6A,2,06/09/2021,K\n6A,3,07/09/2021,X\n6B,1,07/09/2021,P\n"
    response = client.post(url, {"file": SimpleUploadedFile("chuyen-can.csv", bad.encode())})
    text = response.content.decode()
    assert response.status_code == 400
    assert problem_rows(text) == [
        ("chuyen-can.csv", "", "3", "Trạng thái", "X",
         "Cần C (có mặt), P (vắng có phép) hoặc K (vắng không phép)."),
        ("chuyen-can.csv", "", "4", "Lớp", "6B",
         "Cần tên một lớp của trường trong năm học 2021–2022; trường không có lớp này.")]
    assert not Absence.objects.exists() and not ClassDay.objects.exists()
    good = bad.replace(",X\n", ",P\n").replace("6B,1", "6A,1")
    upload = {"file": SimpleUploadedFile("chuyen-can.csv", good.encode())}
    assert client.post(url, upload).status_code == 302
    assert ClassDay.objects.count() == 2 and Absence.objects.count() == 3
    entries = AuditEntry.objects.count()
    again = client.post(url, {"file": SimpleUploadedFile("chuyen-can.csv", good.encode())},
                        follow=True)
    assert "0 dòng thay đổi" in again.content.decode()
    assert AuditEntry.objects.count() == entries


def test_a_satellite_site_counts(schools: dict[str, Any], keeper: Any) -> None:
    """The class moved to a satellite site (1 point) with pupil 1 semi-boarding (1) and an
    earlier dropout in the register's 2019 survey year (3): 5 points, three reasons."""
    from phocap.register.models import PersonYear

    made = schools["03319"]
    site = SchoolSite.objects.create(school=made["school"], name="Điểm bản Xa", main=False)
    SchoolClass.objects.filter(pk=made["klass"].pk).update(site=site)
    person = made["school"].commune.households.first().members.first()
    PersonYear.objects.create(person=person, survey_year=2019, dropout_year=2019,
                              dropout_grade=4)
    Enrolment.objects.filter(pk=made["pupils"][0].pk).update(semi_boarding=True, person=person)
    text = client_for(keeper).get(f"/attendance/pupils/{made['pupils'][0].pk}/").content.decode()
    for words in ("Học ở điểm trường lẻ", "Học sinh bán trú", "Đã từng bỏ học",
                  "Điểm cảnh báo: 5"):
        assert words in text


def test_a_month_grid_like_the_paper_register(schools: dict[str, Any], keeper: Any,
                                              tmp_path: Any) -> None:
    """September 2021 of 6A as an XLSX grid: pupil 1 K on the 7th and P on the 8th, pupil
    2 all empty (present). A K on Saturday the 11th is refused by row and column, and
    nothing is saved; without it, every school day of September from the 6th is a class
    day: 6–10, 13–17, 20–24 and 27–30 = 5 + 5 + 5 + 4 = 19, with two absences."""
    import openpyxl

    from phocap.attendance import importing

    def grid(saturday: str) -> Path:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Tháng 9"
        sheet.append(["Lớp", "STT", "Họ và tên", "Tháng", *range(1, 32)])
        days: list[str | None] = [None] * 31
        days[6], days[7], days[10] = "K", "p", saturday or None
        sheet.append(["6A", 1, "Học sinh 1", "09/2021", *days])
        sheet.append(["6A", 2, "Học sinh 2", "09/2021", *[None] * 31])
        path = tmp_path / "so-diem-danh.xlsx"
        book.save(path)
        return path

    school = schools["03319"]["school"]
    p1 = schools["03319"]["pupils"][0]
    with pytest.raises(ProblemsFound) as refused:
        importing.read(keeper, school, grid("K"))
    [problem] = refused.value.problems
    assert (problem.file, problem.sheet, problem.row, problem.column, problem.header,
            problem.value) == ("so-diem-danh.xlsx", "Tháng 9", 2, "11", "11", "K")
    assert problem.message.startswith("Ngày 11/09/2021 không phải ngày học")
    assert not ClassDay.objects.exists()
    saved = importing.read(keeper, school, grid(""))
    assert saved.days == 19
    assert ClassDay.objects.count() == 19
    assert sorted(Absence.objects.values_list("enrolment_id", "date", "kind")) == [
        (p1.pk, dt.date(2021, 9, 7), "unexcused"), (p1.pk, dt.date(2021, 9, 8), "excused")]
    again = importing.read(keeper, school, grid(""))
    assert again.changed == 0


def test_a_school_calendar_moves_the_days(schools: dict[str, Any], keeper: Any) -> None:
    """The default break for Tết 2022 (1 February) runs 27 January – 8 February. The school
    enters its province's: 24 January – 6 February. Monday 24 January is then no school
    day and Monday 7 February is; the change is audited (create, then update)."""
    made = schools["03319"]
    client = client_for(keeper)
    url = f"/attendance/schools/{made['school'].pk}/calendar/?year={YEAR}"
    page = client.get(url).content.decode()
    assert "01/02/2022" in page and "27/01/2022 – 08/02/2022" in page and "183" in page
    fields = {"first_day": "2021-09-06", "last_day": "2022-05-31",
              "tet_first_day": "2022-01-24", "tet_last_day": "2022-02-06"}
    assert client.post(url, fields).status_code == 302
    day = f"/attendance/classes/{made['klass'].pk}/"
    pupil = made["pupils"][0]
    refused = client.post(day + "2022-01-24/", {f"s-{pupil.pk}": "unexcused"}, follow=True)
    assert "không phải ngày học" in refused.content.decode()
    client.post(day + "2022-02-07/", {f"s-{pupil.pk}": "unexcused"})
    assert list(ClassDay.objects.values_list("date", flat=True)) == [dt.date(2022, 2, 7)]
    assert client.post(url, dict(fields, saturday="on")).status_code == 302
    actions = list(AuditEntry.objects.filter(model="schoolcalendar").order_by("pk")
                   .values_list("action", flat=True))
    assert actions == ["create", "update"]
    wrong = client.post(url, dict(fields, tet_first_day="2022-06-10", tet_last_day="2022-06-12"))
    assert wrong.status_code == 400 and "Kỳ nghỉ Tết phải nằm trong năm học." in \
        wrong.content.decode()


def test_a_save_that_loses_a_race_is_retried(schools: dict[str, Any], keeper: Any,
                                             monkeypatch: Any) -> None:
    """Another save stores pupil 1's absence between this save's read and its insert (the
    first insert raises IntegrityError); the save is retried on what is now stored and
    the day ends as this save entered it: pupil 1 excused, written once."""
    from django.db import IntegrityError

    from phocap.attendance import recording

    made = schools["03319"]
    pupil = made["pupils"][0]
    original = Absence.objects.bulk_create
    calls: list[int] = []

    def racing(rows: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(rows))
        if len(calls) == 1:
            raise IntegrityError("duplicate key value violates unique constraint")
        return original(rows, *args, **kwargs)

    monkeypatch.setattr(Absence.objects, "bulk_create", racing)
    saved = recording.save_day(keeper, made["klass"], MONDAY, {pupil.pk: "excused"})
    assert calls == [1, 1] and saved.excused == 1
    assert list(Absence.objects.values_list("enrolment_id", "kind")) == [(pupil.pk, "excused")]
    assert AuditEntry.objects.filter(model="absence").count() == 1


def test_one_recorded_day_in_may_is_not_a_return_after_tet(schools: dict[str, Any],
                                                           keeper: Any) -> None:
    """Issue 14: after one recorded day in May the Tết-return table read 0–15% returned in
    every village. 16 May 2022 (a Monday) is far past the first five school days after
    the break (9–15 February 2022, default calendar): no class recorded those, so there
    is no return to report, and one recorded day with one excused absence puts nobody
    at risk (1 of 1 recorded day is under the 10 the rules read from)."""
    made = schools["03319"]
    _p1, p2, _p3 = made["pupils"]
    client = client_for(keeper)
    client.post(f"/attendance/classes/{made['klass'].pk}/2022-05-16/", {f"s-{p2.pk}": "excused"})
    page = client.get(f"/attendance/schools/{made['school'].pk}/").content.decode()
    assert "Chưa lớp nào điểm danh trong 5 ngày học đầu tiên sau kỳ nghỉ Tết." in page
    assert "0,00%" not in page.split("Học sinh trở lại sau Tết")[1]
    assert "Chuyên cần 0,00%" not in page and "Chuyên cần 50,00%" not in page
    assert 'data-recorded="1/' in page and "chưa đủ số liệu" in page
