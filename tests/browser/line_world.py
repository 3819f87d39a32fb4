"""A small province across 1 July 2025, its 2025 opened by the crossing (issue 15, the demo).

Two old communes of Huyện Điện Biên (100), Tỉnh Điện Biên (11), went whole into the new
Xã Thanh Nưa (03328), as the demo's five do (units/data/conversion-2025-07-01.csv); only
these two are in the register, so the sums are exact (register/series.py). Both have a
"Bản Na Pao", which the merged commune tells apart by the old communes' names
(units/villages.py): "Bản Na Pao (Thanh Nưa)" and "Bản Na Pao (Thanh Luông)".

Survey years 2023 and 2024 are kept by the old communes; 2025 is made by
register/crossing.cross from 2024, exactly as loaddemo makes it (people carried, pupils
promoted a class, who moved away left behind). Mobilisation of 6–10-year-olds in
primary (docs/rules.md §7; age = survey year − birth year; who moved away is out of the
count):

- Xã Thanh Nưa (03322), family Lò: five children born 2015, four in grade 3 in 2023 and
  grade 4 in 2024, Lò Văn Năm at no school; Lò Thị Bé, born 2019, in MG4 (2023) and MG5
  (2024), who enters grade 1 in 2025 at six;
- Xã Thanh Luông (03328), family Quàng: three children born 2015, in grade 3 in 2023;
  Quàng Văn Ba moved away in 2024, the two others in grade 4; Quàng Thị Nhỏ, born 2021,
  in the nursery (2023) and MG3 (2024).

    year  Thanh Nưa  Thanh Luông  the new Xã Thanh Nưa
    2023    4/5          3/3       7/8 = 87,50%   (Bé is 4)
    2024    4/5          2/2       6/7 = 85,71%   (Bé is 5; Ba moved away)
    2025     —            —        7/8 = 87,50%   (Bé in grade 1; Ba not carried)

In 2025 the four and the two move up to grade 5, Năm stays out of school and Bé enters
grade 1: 4 + 2 + 1 = 7 of 5 + 2 + 1 = 8.

MN-01-TE of the new Xã Thanh Nưa, 2025 (Decree 277; columns by year of birth): Nhỏ,
born 2021, moved up to MG4: one child of 4 (row 3), to be mobilised and at school
(rows 9 and 10), 1/1 = 100,00% (row 13); Bé, born 2019, the one child of 6, completed
the preschool programme entering grade 1 (its criteria block: 1, 100,00%). The
column "0-5 tuổi" counts Nhỏ alone: 1.

The province reviewer "tinh" holds Tỉnh Điện Biên of the new list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PASSWORD = "mat-khau-du-manh-2021"
GIVEN = ("Văn Một", "Thị Hai", "Văn Ba", "Thị Bốn")


@dataclass
class LineWorld:
    old_province: Any
    province: Any
    old: dict[str, Any]
    commune: Any
    user: Any


def _unit(vintage: str, code: str, name: str, type_: str, parent: Any = None) -> Any:
    from phocap.register.models import AdministrativeUnit

    return AdministrativeUnit.objects.create(vintage=vintage, code=code, name=name, type=type_,
                                             kind=name.split()[0], parent=parent)


def _pupil(year: int, grade: int | None) -> dict[str, Any]:
    if grade is None:
        return {}
    return {"current_class": str(grade), "class_level": "primary", "class_grade": grade,
            "highest_grade": grade - 1 if grade > 1 else None}


def _kindergarten(age: int) -> dict[str, Any]:
    return {"current_class": f"MG{age}", "class_level": "kindergarten", "class_grade": age}


def _family(commune: Any, family: str,
            children: list[tuple[str, int, dict[int, Any]]]) -> None:
    """A household in "Bản Na Pao" per child: (given name, birth year, {year: fields})."""
    from phocap.register.models import Household, Person, PersonYear, Village

    village = Village.objects.create(commune=commune, name="Bản Na Pao")
    for n, (given, born, years) in enumerate(children, start=1):
        name = f"{family} {given}"
        household = Household.objects.create(commune=commune, village=village,
                                             household_no=f"{n:04d}", head_name=name)
        person = Person.objects.create(household=household, person_no=1, full_name=name,
                                       birth_year=born, sex="nữ" if " Thị " in name else "nam")
        for year, fields in years.items():
            PersonYear.objects.create(person=person, survey_year=year, **fields)


def build() -> LineWorld:
    from phocap.accounts.models import Role, User
    from phocap.register import crossing, lineage
    from phocap.register.models import UnitYear

    old_province = _unit(lineage.OLD, "11", "Tỉnh Điện Biên", "province")
    district = _unit(lineage.OLD, "100", "Huyện Điện Biên", "district", old_province)
    old = {code: _unit(lineage.OLD, code, name, "commune", district)
           for code, name in (("03322", "Xã Thanh Nưa"), ("03328", "Xã Thanh Luông"))}
    province = _unit(lineage.NEW, "11", "Tỉnh Điện Biên", "province")
    commune = _unit(lineage.NEW, "03328", "Xã Thanh Nưa", "commune", province)

    in_school = {2023: _pupil(2023, 3), 2024: _pupil(2024, 4)}
    _family(old["03322"], "Lò", [
        *[(given, 2015, in_school) for given in GIVEN[:4]],
        ("Văn Năm", 2015, {2023: {}, 2024: {}}),
        ("Thị Bé", 2019, {2023: _kindergarten(4), 2024: _kindergarten(5)}),
    ])
    _family(old["03328"], "Quàng", [
        ("Văn Một", 2015, in_school), ("Thị Hai", 2015, in_school),
        ("Văn Ba", 2015, {2023: _pupil(2023, 3), 2024: {"status": "chuyển đi"}}),
        ("Thị Nhỏ", 2021, {2023: {"current_class": "NT", "class_level": "nursery"},
                           2024: _kindergarten(3)}),
    ])
    for year in (2023, 2024):
        for unit in old.values():
            UnitYear.objects.create(unit=unit, survey_year=year, especially_difficult=False)
    crossing.cross(None, commune, 2024)
    UnitYear.objects.create(unit=commune, survey_year=2025, especially_difficult=False)
    user = User.objects.create_user(username="tinh", password=PASSWORD,
                                    role=Role.PROVINCE_REVIEWER, unit=province)
    return LineWorld(old_province, province, old, commune, user)
