"""The school side of MN-01-TE and MN-01-TC,ĐK from the register: class lists, attendance
and the preschools' own records.

Survey year 2025, province 95 of the 1 July 2025 units, communes 95001 and 95002. School
S1 of 95001 (two sites) teaches, in school year 2025–2026:
  A  95001, aged 4, MG4*: class "Chồi" (50 days recorded), 45 days absent → completes
  B  95001, aged 4, MG4*: class "Chồi", 46 days absent → does not (one day over)
  C  95002, aged 3, Mông, MG3*: class "Mầm" (50 days), 0 absent, Vietnamese-language
     preparation → completes; from elsewhere for 95001, prepared for 95002
  D  95001, aged 5, MG5*: class "Lá" that never took attendance → does not
  E  95001, aged 5, MG5*: class "Chồi" until day 21 (20 days recorded on the list), 0
     absent, left → does not (no longer on a class list)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from phocap.register.reporting import cached_forms
from tests.web.roles import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = 2025
NEW = "2025-07-01"


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    from phocap.attendance.models import Absence, ClassDay
    from phocap.register.models import AdministrativeUnit, Household, Person, PersonYear, Village
    from phocap.schools.models import Enrolment, School, SchoolClass, SchoolSite

    province = AdministrativeUnit.objects.create(vintage=NEW, code="95", name="Tỉnh Chín Lăm",
                                                 type="province", kind="province")
    communes = {code: AdministrativeUnit.objects.create(
        vintage=NEW, code=code, name=f"Xã {code}", type="commune", kind="xã", parent=province)
        for code in ("95001", "95002")}
    school = School.objects.create(code="S1", name="Trường Mầm non S1", level="preschool",
                                   commune=communes["95001"])
    SchoolSite.objects.create(school=school, name="Điểm chính", main=True)
    SchoolSite.objects.create(school=school, name="Điểm Bản Một")
    classes = {name: SchoolClass.objects.create(school=school, school_year=YEAR, name=name,
                                                grade=grade)
               for name, grade in (("Mầm", "MG3"), ("Chồi", "MG4"), ("Lá", "MG5"))}
    days = [dt.date(2025, 9, 5) + dt.timedelta(days=i) for i in range(50)]
    for name in ("Mầm", "Chồi"):
        ClassDay.objects.bulk_create(ClassDay(klass=classes[name], date=d) for d in days)
    people = {}
    for number, (name, commune, age, klass, absent, extra) in enumerate((
            ("A", "95001", 4, "Chồi", 45, {}),
            ("B", "95001", 4, "Chồi", 46, {}),
            ("C", "95002", 3, "Mầm", 0, {"vietnamese_preparation": True}),
            ("D", "95001", 5, "Lá", 0, {}),
            ("E", "95001", 5, "Chồi", 0, {"left_on": days[20]}),
    ), start=1):
        village, _ = Village.objects.get_or_create(commune=communes[commune], name="Bản Một")
        household = Household.objects.create(commune=communes[commune], village=village,
                                             household_no=f"{number:03d}")
        person = Person.objects.create(household=household, person_no=1, full_name=f"Trẻ {name}",
                                       birth_year=YEAR - age, sex="nữ",
                                       ethnicity="Mông" if name == "C" else "Kinh")
        PersonYear.objects.create(person=person, survey_year=YEAR, current_class=f"MG{age}*",
                                  class_level="kindergarten", class_grade=age,
                                  class_two_sessions=True)
        pupil = Enrolment.objects.create(klass=classes[klass], person=person, pupil_no=number,
                                         full_name=person.full_name, birth_year=YEAR - age,
                                         sex="nữ", **extra)
        Absence.objects.bulk_create(Absence(enrolment=pupil, date=d, kind="excused")
                                    for d in days[:absent])
        people[name] = person
    return {"province": province, "communes": communes, "people": people}


def test_the_forms_count_the_school_side(world: dict[str, Any]) -> None:
    """The attendance query (recorded days stop the day E left), then the forms on it."""
    from phocap.attendance.programme import class_lists

    frame = class_lists(world["communes"].values(), YEAR).sort("household_no")
    # (household, school commune, days recorded, days absent, still on the list, TCTV)
    assert frame.select("household_no", "school_commune_code", "recorded_days", "days_absent",
                        "still_enrolled", "vietnamese_preparation").rows() == [
        ("001", "95001", 50, 45, True, False),  # A
        ("002", "95001", 50, 46, True, False),  # B
        ("003", "95001", 50, 0, True, True),  # C
        ("004", "95001", 0, 0, True, False),  # D: "Lá" recorded nothing
        ("005", "95001", 20, 0, False, False),  # E: days 0–19, before leaving on day 20
    ]
    built = cached_forms(world["province"], YEAR)
    assert built["problems"] == []
    forms = {(f.unit_code, f.code): f for f in built["forms"]}
    te = forms[("95", "MN-01-TE")]
    # 23: A (aged 4) and C (aged 3); 25 and 17: C, from 95002, at S1 of 95001
    assert [te.row("completed_programme").values[f"a{a}"] for a in (3, 4, 5)] == [1, 1, 0]
    assert te.row("from_elsewhere").values["a3"] == 1
    assert te.row("from_elsewhere_completed").values["a3"] == 1
    assert te.row("vietnamese_preparation").values["a3"] == 1  # C is Mông and prepared
    # 11: A, B, D, E study in their commune; 12: C only elsewhere
    assert te.row("studying_in_commune").values["a0_5"] == 4
    assert te.row("studying_elsewhere").values["a3"] == 1
    tcdk = forms[("95", "MN-01-TCDK")]
    # 95001: 3–4: A, B attending, A completing; 5: D, E attending, nobody completing
    assert [tcdk.row("95001:3_4").values[k] for k in ("need", "attending", "completed")] == [
        2, 2, 1]
    assert [tcdk.row("95001:5").values[k] for k in ("need", "attending", "completed")] == [
        2, 2, 0]
    assert tcdk.row("95002:3_4").values["completed"] == 1
    # columns 4, 6, 7 from the schools' records: S1 on two sites, "Mầm" and "Chồi" for ages
    # 3–4, "Lá" for 5; 95002 has no school
    assert [tcdk.row("95001").values[k] for k in ("schools", "sites")] == [1, 2]
    assert [tcdk.row(f"95001:{g}").values["classes"] for g in ("3_4", "5")] == [2, 1]
    assert [tcdk.row("95002").values[k] for k in ("schools", "sites")] == [0, 0]
    assert tcdk.row("total").values["schools"] == 1


def test_the_form_page_and_the_workbook(world: dict[str, Any]) -> None:
    from django.test import Client

    from phocap.accounts.models import User

    commune = world["communes"]["95001"]
    User.objects.create_user(username="xa-95001", password=PASSWORD, role="commune_staff",
                             unit=commune)
    client = Client()
    assert client.login(username="xa-95001", password=PASSWORD)
    listing = client.get(f"/units/{commune.pk}/forms/?year={YEAR}").content.decode()
    for code in ("MN-01-TE", "MN-01-TCDK"):
        assert f"/units/{commune.pk}/forms/{code}/?year={YEAR}" in listing
    assert "/forms/MN-01/" not in listing
    page = client.get(f"/units/{commune.pk}/forms/MN-01-TE/?year={YEAR}").content.decode()
    assert "Mẫu: MN-01-TE" in page and "THỐNG KÊ TRẺ EM MẦM NON THEO ĐỘ TUỔI" in page
    assert "Tiêu chí" in page and "TM. BAN CHỈ ĐẠO PCGD-XMC" in page
    tcdk = client.get(f"/units/{commune.pk}/forms/MN-01-TCDK/?year={YEAR}").content.decode()
    assert "14=13/11" in tcdk and "Mẫu: MN-01-TC, ĐK" in tcdk
    assert client.get(f"/units/{commune.pk}/forms.xlsx?year={YEAR}").status_code == 200
    # the ministry's figures are typed beside every count cell; a rate row has no input
    for code in ("MN-01-TE", "MN-01-TCDK"):
        entry = client.get(f"/units/{commune.pk}/forms/{code}/reconcile/?year={YEAR}")
        assert entry.status_code == 200
    entry = client.get(f"/units/{commune.pk}/forms/MN-01-TE/reconcile/?year={YEAR}")
    assert 'name="c:completed_programme:a4"' in entry.content.decode()
    assert 'name="c:completed_rate:a4"' not in entry.content.decode()


def test_the_results_say_what_the_readings_mean(world: dict[str, Any]) -> None:
    """Decree 277's unverified thresholds, its first year and the one completion rate, in
    plain words beside each criterion they decide (rules/words.explained)."""
    from django.test import Client

    from phocap.accounts.models import User

    commune = world["communes"]["95001"]
    User.objects.create_user(username="xa-95001", password=PASSWORD, role="commune_staff",
                             unit=commune)
    client = Client()
    assert client.login(username="xa-95001", password=PASSWORD)
    page = client.get(f"/units/{commune.pk}/results/?year={YEAR}").content.decode()
    assert "lấy từ bản dự thảo và tin báo về Nghị định 277/2025/NĐ-CP" in page  # thresholds
    assert "sau thời điểm điều tra 30/9/2025" in page  # 2025 judged under ND277 (D5)
    completed = page[page.index('data-criterion="preschool_3_5.completed"'):]
    assert "tính chung cho ba độ tuổi" in completed[:completed.index("</tr>")]  # one rate (D4)


def test_a_frozen_years_pupils_are_matched_as_certified(world: dict[str, Any]) -> None:
    """A year frozen by a dossier shows the identities it was certified with: A's household
    was then number 901 of "Bản Cũ"; A's class list still finds A's record (row 23)."""
    from phocap.attendance.programme import class_lists
    from phocap.register.models import PersonYear

    a = world["people"]["A"]
    PersonYear.objects.filter(person=a, survey_year=YEAR).update(
        pinned=True, pinned_full_name=a.full_name, pinned_birth_year=a.birth_year,
        pinned_sex=a.sex, pinned_ethnicity=a.ethnicity, pinned_village="Bản Cũ",
        pinned_household_no="901")
    frame = class_lists(world["communes"].values(), YEAR)
    assert frame.filter(frame["household_no"] == "901")["village"].to_list() == ["Bản Cũ"]
    te = next(f for f in cached_forms(world["communes"]["95001"], YEAR)["forms"]
              if f.code == "MN-01-TE")
    assert te.row("completed_programme").values["a4"] == 1  # A, 45 days
