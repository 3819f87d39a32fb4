"""A small district to check every role's answers by hand (issue 14, the role journeys).

Survey year 2021 (school year 2021–2022, Decree 20/2014: the district recognises
its communes), province 11 "Tỉnh Điện Biên" → district 100 "Huyện Điện Biên" →
three communes, each with its own family name so that a name says where it lives:

- 03319 Xã Nà Nhạn (family Lò): keeps every rate; its THCS meets the room and
  teacher norms, so it keeps primary level 3, lower secondary level 3, literacy 2.
- 03322 Xã Mường Phăng (family Quàng): one 16-year-old, Lường Thị Mai, left grade 8
  without the THCS diploma: graduates 15–18 are 9/10 = 90,00% < 95% (ND20 Art 16),
  so lower secondary stops at level 2 (≥ 90%); primary 3 and literacy 2 hold.
- 03325 Xã Pá Khoang (family Cà): every rate green, but its primary school has 10
  classes and 4 rooms against 0,7 a class: 10 × 0,7 = 7 rooms needed, thiếu 3 phòng
  (TT07 Art 4), so primary is not reached, nor lower secondary (which needs primary 1);
  literacy 2 holds.

Hence: primary level 3 in 2/3 communes (Nà Nhạn, Mường Phăng), lower secondary
level 3 in 1/3 (Nà Nhạn), literacy level 2 in 3/3.

Each commune has the same children (age = 2021 − birth year, docs/rules.md §1):
two born 2020 (age 1), one in the nursery (NT); one child of each age 6–10 in
grades 1–5; two 11-year-olds in grade 6 (primary completed 2021); one each of
12, 13, 14 in grades 7, 8, 9; two adults born 1990 (THCS 2006). The 15–18 cohort:
two 16-year-olds in grade 11 (THCS 2020), except Mường Phăng's ten (above).
Pá Khoang besides: its 8-year-old (Cà Văn Khoa) is in no school and a 13-year-old
(Cà Văn Lực) left grade 7. Mobilisation in the district (docs/rules.md §7):
- 3–36 months in the nursery: 1 + 1 + 1 of 2 + 2 + 2 = 3/6 = 50,00% (plan 60,00%);
- 6–10 in primary: 5 + 5 + 4 of 15 = 14/15 = 93,33% (plan 95,00%);
- 11 in grade 6: 2 + 2 + 2 of 6 = 6/6 = 100,00% (plan 98,00%);
- 11–14 in THCS: 5 + 5 + 5 of 5 + 5 + 6 = 15/16 = 93,75% (plan 95,00%).
Mường Phăng alone: 1/2 = 50,00%, 5/5, 2/2, 5/5 = 100,00%, against the district's
plan, which it inherits.

Schools (2021): Trường THCS Nà Nhạn, national standard level 1 (45/QĐ-UBND), classes
6A and 9A, 3 rooms (needs 2 × 0,5 = 1), 9 teachers (needs 2 × 1,9 = 3,8): it meets
the norms, but teaches no English or Informatics and has no nurse: short 1 Tiếng
Anh, 1 Tin học, 1 nhân viên y tế. Trường Tiểu học Pá Khoang, not national standard:
classes 1A–5B, 4 rooms, 10 class teachers + 5 specialists + a nurse (15 ≥ 10 × 1,5).
National-standard schools in the district: 1/2.

Attendance, 2021–2022 (Tết 01/02/2022, break 27/01–08/02/2022):
- 6A of THCS Nà Nhạn, four pupils, all present on 24, 25, 26/01; after Tết (09, 10,
  11, 14, 15/02) Cà Văn Bốn is absent without leave every day: back by the fifth
  school day 3/4 = 75,00%; all four present on 31/05/2022, the year's last school
  day, where its homeroom teacher lands (today is later). Quàng Văn Hai, born 2008,
  repeats grade 6: repeating 2 points + two years over age (2021 − 2008 − 11 = 2)
  2 points = 4 ≥ flag_at 4 (attendance/data/warning.toml): at risk, "Lưu ban",
  "Quá tuổi từ 2 năm".
- 5A of TH Pá Khoang, two pupils, both present on the five days after Tết: 2/2.
The district's return after Tết: (3 + 2)/(4 + 2) = 5/6 = 83,33%.

Grade 9 (9A of THCS Nà Nhạn, three pupils, all graduated): two go on to THPT and one
to trung cấp: THPT 2/3 = 66,67%, vocational 1/3 = 33,33%.

Dossiers: Nà Nhạn's primary dossier of 2021, recognised by the district at level 3
(25/QĐ-UBND of 15/03/2022); the district's own literacy dossier (3/3 communes at
level 2), recognised by the province at level 2 (08/QĐ-UBND of 20/04/2022).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

YEAR = 2021
PASSWORD = "mat-khau-du-manh-2021"
OLD = "2025-01-04"  # the units' vintage before the 2025 reorganisation
TET_BEFORE = [dt.date(2022, 1, d) for d in (24, 25, 26)]
TET_AFTER = [dt.date(2022, 2, d) for d in (9, 10, 11, 14, 15)]
LAST_DAY = dt.date(2022, 5, 31)
COMMUNES = {"03319": ("Xã Nà Nhạn", "Lò"), "03322": ("Xã Mường Phăng", "Quàng"),
            "03325": ("Xã Pá Khoang", "Cà")}
GIVEN = ("Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Văn Đức", "Thị Hà", "Văn Hùng",
         "Thị Lan", "Văn Minh", "Thị Nga", "Văn Phúc", "Thị Quế", "Văn Sơn", "Thị Tâm",
         "Văn Thắng", "Thị Uyên", "Văn Vinh", "Thị Xuân", "Văn Yên", "Thị Ánh", "Văn Bảo",
         "Thị Châu", "Văn Dũng", "Thị Giang")
# Mobilisation targets of the district for 2021 (percent).
PLAN = {"mobilisation.nursery_0_2": Decimal("60"), "mobilisation.primary_6_10": Decimal("95"),
        "mobilisation.grade_6_at_11": Decimal("98"),
        "mobilisation.lower_secondary_11_14": Decimal("95")}
# The specialists THCS Nà Nhạn has: every one of the level's but English and Informatics.
THCS_SUBJECTS = ("vietnamese_literature", "mathematics", "science", "history_geography",
                 "civics", "technology", "physical_education", "music", "fine_arts")


@dataclass
class World:
    """What the journeys look for, by name."""

    province: Any
    district: Any
    communes: dict[str, Any]
    schools: dict[str, Any]
    classes: dict[str, Any]
    users: dict[str, Any]
    dossier: Any


def _grade(grade: int) -> dict[str, Any]:
    """A PersonYear's class fields for a pupil of ``grade`` in 2021 (with what that implies
    about primary and THCS completion)."""
    level = ("primary" if grade <= 5 else "lower_secondary" if grade <= 9
             else "upper_secondary")
    fields: dict[str, Any] = {"current_class": str(grade), "class_level": level,
                              "class_grade": grade, "highest_grade": grade - 1}
    if grade >= 6:
        fields["primary_completed"] = YEAR - (grade - 6)
    if grade >= 10:
        fields["thcs_graduated"] = YEAR - (grade - 10) - 1
    return fields


class _Register:
    """People of one commune, each in a household of their own in the commune's village."""

    def __init__(self, commune: Any, family: str) -> None:
        from phocap.register.models import Village

        self.commune, self.family, self.count = commune, family, 0
        self.village = Village.objects.create(commune=commune, name=f"Bản {commune.name[3:]}")

    def add(self, born: int, name: str | None = None, birth_date: dt.date | None = None,
            **fields: Any) -> Any:
        from phocap.register.models import Household, Person, PersonYear

        self.count += 1
        name = name or f"{self.family} {GIVEN[self.count - 1]}"
        household = Household.objects.create(commune=self.commune, village=self.village,
                                             household_no=f"{self.count:04d}", head_name=name)
        person = Person.objects.create(household=household, person_no=1, full_name=name,
                                       birth_date=birth_date, birth_year=born,
                                       sex="nữ" if " Thị " in name else "nam")
        PersonYear.objects.create(person=person, survey_year=YEAR, **fields)
        return person


def _people(commune: Any, family: str) -> None:
    register = _Register(commune, family)
    code = commune.code
    register.add(2020, birth_date=dt.date(2020, 3, 15), current_class="NT",
                 class_level="nursery")
    register.add(2020, birth_date=dt.date(2020, 3, 15))
    for age in range(6, 11):
        if code == "03325" and age == 8:
            register.add(YEAR - age, "Cà Văn Khoa")  # in no school
        else:
            register.add(YEAR - age, **_grade(age - 5))
    for _ in range(2):
        register.add(2010, **_grade(6))
    for age, grade in ((12, 7), (13, 8), (14, 9)):
        register.add(YEAR - age, **_grade(grade))
    if code == "03325":
        register.add(2008, "Cà Văn Lực", primary_completed=2019, highest_grade=6,
                     dropout_grade=7, dropout_year=2020)
    graduates = 9 if code == "03322" else 2
    for _ in range(graduates):
        register.add(2005, **_grade(11))
    if code == "03322":
        register.add(2005, "Lường Thị Mai", primary_completed=2016, highest_grade=7,
                     dropout_grade=8, dropout_year=2019)
    for _ in range(2):
        register.add(1990, primary_completed=2002, thcs_graduated=2006, highest_grade=9)


def _units() -> tuple[Any, Any, dict[str, Any]]:
    from phocap.register.models import AdministrativeUnit, UnitYear

    def unit(code: str, name: str, type_: str, parent: Any = None) -> Any:
        return AdministrativeUnit.objects.create(vintage=OLD, code=code, name=name, type=type_,
                                                 kind=type_, parent=parent)

    province = unit("11", "Tỉnh Điện Biên", "province")
    district = unit("100", "Huyện Điện Biên", "district", province)
    communes = {}
    for code, (name, family) in COMMUNES.items():
        communes[code] = unit(code, name, "commune", district)
        UnitYear.objects.create(unit=communes[code], survey_year=YEAR)
        _people(communes[code], family)
    return province, district, communes


def _users(province: Any, district: Any, communes: dict[str, Any]) -> dict[str, Any]:
    from phocap.accounts.models import Role, User

    def user(name: str, role: str, unit: Any, first: str, last: str) -> Any:
        return User.objects.create_user(username=name, password=PASSWORD, role=role, unit=unit,
                                        first_name=first, last_name=last)

    return {
        "commune": user("xa", Role.COMMUNE_STAFF, communes["03322"], "Quàng Văn", "Xã"),
        "commune-nn": user("xa-nn", Role.COMMUNE_STAFF, communes["03319"], "Lò Văn", "Xã"),
        "teacher": user("giaovien", Role.SCHOOL_STAFF, communes["03319"], "Lò Thị", "Giáo"),
        "school": user("truong", Role.SCHOOL_STAFF, communes["03319"], "Điêu Văn", "Hiệu"),
        "district": user("huyen", Role.DISTRICT_REVIEWER, district, "Lò Văn", "Huyện"),
        "province": user("tinh", Role.PROVINCE_REVIEWER, province, "Cầm Văn", "Tỉnh"),
        "ministry": user("bo", Role.MINISTRY_VIEWER, None, "Nguyễn Văn", "Bộ"),
    }


def _class(school: Any, name: str, grade: str, pupils: list[tuple[str, int, bool]],
           village: Any) -> Any:
    from phocap.schools.models import Enrolment, SchoolClass

    klass = SchoolClass.objects.create(school=school, site=school.sites.first(),
                                       school_year=YEAR, name=name, grade=grade)
    for n, (full_name, born, repeating) in enumerate(pupils, start=1):
        Enrolment.objects.create(klass=klass, pupil_no=n, full_name=full_name, birth_year=born,
                                 sex="nữ" if " Thị " in full_name else "nam", village=village,
                                 repeating=repeating)
    return klass


def _schools(communes: dict[str, Any], users: dict[str, Any]) -> tuple[dict[str, Any],
                                                                        dict[str, Any]]:
    from phocap.schools.models import (
        School,
        SchoolSite,
        SchoolYearFacts,
        Staff,
    )

    nn, pk = communes["03319"], communes["03325"]
    thcs = School.objects.create(code="NN-THCS", name="Trường THCS Nà Nhạn",
                                 level=School.Level.LOWER_SECONDARY, commune=nn,
                                 national_standard_level=1,
                                 national_standard_decision="45/QĐ-UBND",
                                 national_standard_date=dt.date(2020, 6, 1))
    th = School.objects.create(code="PK-TH", name="Trường Tiểu học Pá Khoang",
                               level=School.Level.PRIMARY, commune=pk)
    for school in (thcs, th):
        SchoolSite.objects.create(school=school, name="Điểm chính", main=True)
    village_nn, village_pk = nn.villages.first(), pk.villages.first()
    six = _class(thcs, "6A", "6", [("Lò Văn Một", 2010, False), ("Quàng Văn Hai", 2008, True),
                                   ("Lò Thị Ba", 2010, False), ("Cà Văn Bốn", 2010, False)],
                 village_nn)
    nine = _class(thcs, "9A", "9", [("Lò Văn Chín", 2007, False), ("Lò Thị Mười", 2007, False),
                                    ("Quàng Văn Tám", 2007, False)], village_nn)
    classes = {"6A": six, "9A": nine}
    for grade in range(1, 6):
        for letter in "AB":
            pupils = ([("Cà Thị Hoa", 2011, False), ("Cà Văn Nam", 2011, False)]
                      if (grade, letter) == (5, "A") else [])
            classes[f"{grade}{letter}"] = _class(th, f"{grade}{letter}", str(grade), pupils,
                                                 village_pk)
    for school, rooms, qualified in ((thcs, 3, len(THCS_SUBJECTS)), (th, 4, 15)):
        SchoolYearFacts.objects.create(
            school=school, school_year=YEAR, classrooms=rooms, qualified_teachers=qualified,
            monitoring_person=f"Cán bộ phổ cập {school.commune.name}",
            monitoring_decision="12/QĐ-UBND")
    Staff.objects.create(school=thcs, full_name="Điêu Văn Hiệu", role=Staff.Role.PRINCIPAL,
                         user=users["school"])
    for n, subject in enumerate(THCS_SUBJECTS):
        teacher = Staff.objects.create(school=thcs, full_name=f"Lò {GIVEN[n]} (GV)",
                                       role=Staff.Role.TEACHER, subject=subject,
                                       user=users["teacher"] if subject == "mathematics"
                                       else None)
        if subject == "mathematics":
            six.homeroom = teacher
            six.save(update_fields=["homeroom"])
    for n in range(10):
        Staff.objects.create(school=th, full_name=f"Cà {GIVEN[n]} (GV)",
                             role=Staff.Role.TEACHER, subject="class")
    for n, subject in enumerate(("english", "informatics", "music", "fine_arts",
                                 "physical_education"), start=10):
        Staff.objects.create(school=th, full_name=f"Cà {GIVEN[n]} (GV)",
                             role=Staff.Role.TEACHER, subject=subject)
    Staff.objects.create(school=th, full_name="Cà Thị Y Tá", role=Staff.Role.NURSE)
    return {"thcs": thcs, "th": th}, classes


def _attendance(users: dict[str, Any], classes: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    from phocap.accounts.models import Role
    from phocap.attendance.recording import PRESENT, save_day
    from phocap.schools.models import Staff

    six, five = classes["6A"], classes["5A"]
    bon = six.pupils.get(full_name="Cà Văn Bốn").pk
    for day in (*TET_BEFORE, LAST_DAY):
        save_day(users["school"], six, day, {e.pk: PRESENT for e in six.pupils.all()})
    for day in TET_AFTER:
        save_day(users["school"], six, day,
                 {e.pk: ("unexcused" if e.pk == bon else PRESENT) for e in six.pupils.all()})
    keeper = get_user_model().objects.create_user(
        username="truong-pk", password=PASSWORD, role=Role.SCHOOL_STAFF,
        unit=five.school.commune)
    Staff.objects.create(school=five.school, full_name="Cà Văn Hiệu", role=Staff.Role.PRINCIPAL,
                         user=keeper)
    for day in TET_AFTER:
        save_day(keeper, five, day, {e.pk: PRESENT for e in five.pupils.all()})


def _streaming(users: dict[str, Any], nine: Any) -> None:
    from phocap.streaming.rates import Destination
    from phocap.streaming.services import set_destination

    going = {"Lò Văn Chín": Destination.UPPER_SECONDARY,
             "Lò Thị Mười": Destination.UPPER_SECONDARY,
             "Quàng Văn Tám": Destination.VOCATIONAL_INTERMEDIATE}
    for enrolment in nine.pupils.all():
        set_destination(users["school"], enrolment, going[enrolment.full_name], True, None)


def build() -> World:
    """The whole world, through the models and the services the product uses."""
    from phocap.dashboard.targets import set_targets
    from phocap.recognition import workflow

    province, district, communes = _units()
    users = _users(province, district, communes)
    schools, classes = _schools(communes, users)
    _attendance(users, classes)
    _streaming(users, classes["9A"])
    set_targets(users["district"], district, YEAR, dict(PLAN))
    # Last: a submitted dossier freezes Nà Nhạn's 2021.
    dossier = workflow.submit(users["commune-nn"], communes["03319"], "primary", YEAR, 3,
                              "Đủ điều kiện mức 3.")
    dossier = workflow.decide(users["district"], dossier, "25/QĐ-UBND", dt.date(2022, 3, 15),
                              "Chủ tịch UBND huyện", 3, "Kiểm tra thực tế đạt.")
    own = workflow.submit(users["district"], district, "literacy", YEAR, 2, "3/3 xã đạt mức 2.")
    workflow.decide(users["province"], own, "08/QĐ-UBND", dt.date(2022, 4, 20),
                    "Chủ tịch UBND tỉnh", 2, "Đạt.")
    return World(province, district, communes, schools, classes, users, dossier)
