"""Opening 2025 of a new commune from its predecessors' 2024 registers (register/crossing.py).

Real units of the conversion table of 1 July 2025 (phocap/units/data/conversion-2025-07-01.csv):

- a merge of three: Xã Minh Trí 00382, Xã Minh Phú 00397 and Xã Tân Dân 00415 (Huyện Sóc
  Sơn 016, Hà Nội) went wholly into Xã Kim Anh 00382;
- a split: Phường Ngọc Hà 00016 (Quận Ba Đình 001) went in part into Phường Ba Đình 00004
  and in part into the new Phường Ngọc Hà 00008;
- a rename: Xã Krông Na 24235 (Huyện Buôn Đôn 647, Đắk Lắk) went wholly, alone, into
  Xã Buôn Đôn 24235 (detail "Đổi tên").

Each register is built by hand, person by person, so what must cross can be counted on
the fingers: the check that matters is person by person (``assert_person_by_person``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from phocap.recognition.models import Dossier
from phocap.register import crossing, editing, freezing, importing, uniqueness
from phocap.register.crossing import CrossingRefused, cross, plan
from phocap.register.models import (
    AdministrativeUnit,
    AuditEntry,
    Household,
    Person,
    PersonYear,
    Village,
    VillageHome,
)
from phocap.register.rollover import RolloverRefused, open_year
from phocap.survey import classes
from phocap.survey.validate import validate
from phocap.units.villages import names_after, short_commune_name

OLD, NEW = "2025-01-04", "2025-07-01"
FIXTURE = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"
GONE = ("chuyển đi", "chết")


def unit(vintage: str, code: str, name: str, type_: str, parent: Any = None) -> Any:
    return AdministrativeUnit.objects.create(vintage=vintage, code=code, name=name, type=type_,
                                             kind=name.split()[0], parent=parent)


def household(commune: Any, village: str, number: str = "1") -> Household:
    place, _ = Village.objects.get_or_create(commune=commune, name=village)
    return Household.objects.create(commune=commune, village=place, household_no=number,
                                    head_name="", residence="thường trú")


def person(home: Household, number: int, name: str, born: int, sex: str = "nam",
           class_code: str = "", status: str = "", national_id: str | None = None) -> Person:
    """A person with their record of 2024 (a class code as the survey writes it)."""
    found = Person.objects.create(household=home, person_no=number, full_name=name,
                                  birth_year=born, sex=sex, ethnicity="Kinh",
                                  national_id=national_id)
    parsed = classes.parse(class_code) if class_code else None
    PersonYear.objects.create(
        person=found, survey_year=2024, residence="thường trú", status=status,
        current_class=class_code, class_level=parsed.level if parsed else "",
        class_grade=parsed.grade if parsed else None,
        class_two_sessions=bool(parsed and parsed.two_sessions))
    return found


@pytest.fixture
def units(tree: dict[str, Any]) -> dict[str, Any]:
    """The old and new units of the three cases; Hà Nội 01 and Quận Ba Đình 001 are the
    ``tree`` fixture's other province and its district."""
    hanoi, ba_dinh = tree["other_province"], AdministrativeUnit.objects.get(code="001")
    soc_son = unit(OLD, "016", "Huyện Sóc Sơn", "district", hanoi)
    dak_lak = unit(OLD, "66", "Tỉnh Đắk Lắk", "province")
    buon_don = unit(OLD, "647", "Huyện Buôn Đôn", "district", dak_lak)
    new_hanoi, new_dak_lak = (unit(NEW, "01", "Thành phố Hà Nội", "province"),
                              unit(NEW, "66", "Tỉnh Đắk Lắk", "province"))
    return {
        "minh_tri": unit(OLD, "00382", "Xã Minh Trí", "commune", soc_son),
        "minh_phu": unit(OLD, "00397", "Xã Minh Phú", "commune", soc_son),
        "tan_dan": unit(OLD, "00415", "Xã Tân Dân", "commune", soc_son),
        "kim_anh": unit(NEW, "00382", "Xã Kim Anh", "commune", new_hanoi),
        "old_ngoc_ha": unit(OLD, "00016", "Phường Ngọc Hà", "commune", ba_dinh),
        "ba_dinh": unit(NEW, "00004", "Phường Ba Đình", "commune", new_hanoi),
        "ngoc_ha": unit(NEW, "00008", "Phường Ngọc Hà", "commune", new_hanoi),
        "krong_na": unit(OLD, "24235", "Xã Krông Na", "commune", buon_don),
        "new_buon_don": unit(NEW, "24235", "Xã Buôn Đôn", "commune", new_dak_lak),
        "new_hanoi": new_hanoi,
    }


@pytest.fixture
def merge(units: dict[str, Any]) -> dict[str, Any]:
    """Three old communes, two of which both have a "Thôn Đông".

    Carried: An, Bình, Dung, Giang, Hà (5 people) in 4 households (Đông 1 of Minh Trí,
    Đông 1 and Bắc 1 of Minh Phú, Nam 1 of Tân Dân) of 4 villages. Not carried: Cường
    (moved away), Em (died), and Ích (moved away), whose household Nam 2 stays behind.
    """
    minh_tri = household(units["minh_tri"], "Thôn Đông")
    person(minh_tri, 1, "Nguyễn Văn An", 2019, class_code="MG5")
    person(minh_tri, 2, "Nguyễn Thị Bình", 2013, "nữ", class_code="5")
    person(minh_tri, 3, "Nguyễn Văn Cường", 1985, status="chuyển đi")
    minh_phu = household(units["minh_phu"], "Thôn Đông")
    person(minh_phu, 1, "Trần Văn Dung", 2009, class_code="9")
    person(minh_phu, 2, "Trần Thị Em", 1940, "nữ", status="chết")
    person(household(units["minh_phu"], "Thôn Bắc"), 1, "Lê Thị Giang", 2015, "nữ",
           class_code="3*", national_id="001315000001")
    person(household(units["tan_dan"], "Thôn Nam"), 1, "Phạm Văn Hà", 1990,
           national_id="001090000002")
    person(household(units["tan_dan"], "Thôn Nam", "2"), 1, "Phạm Văn Ích", 1992,
           status="chuyển đi")
    return units


@pytest.fixture
def split(units: dict[str, Any]) -> dict[str, Any]:
    """Phường Ngọc Hà's three groups: Tổ 1 (2 people) goes to Ba Đình, Tổ 2 (1 person and
    1 who died) and Tổ 3 (1 person) to the new Ngọc Hà; Tổ 3 has no home yet."""
    old = units["old_ngoc_ha"]
    first = household(old, "Tổ 1")
    person(first, 1, "Đỗ Văn Khánh", 2012, class_code="7")
    person(first, 2, "Đỗ Thị Lan", 1988, "nữ", national_id="001188000003")
    second = household(old, "Tổ 2")
    person(second, 1, "Vũ Văn Minh", 2017, class_code="2")
    person(second, 2, "Vũ Văn Nam", 1935, status="chết")
    person(household(old, "Tổ 3"), 1, "Hoàng Thị Oanh", 2020, "nữ", class_code="MG4")
    for name, new in (("Tổ 1", "ba_dinh"), ("Tổ 2", "ngoc_ha")):
        VillageHome.objects.create(village=Village.objects.get(commune=old, name=name),
                                   commune=units[new])
    return units


@pytest.fixture
def renamed(units: dict[str, Any]) -> dict[str, Any]:
    """Xã Krông Na: one village, one household, two people, all carried."""
    home = household(units["krong_na"], "Buôn Drang Phôk")
    person(home, 1, "Y Khoa Niê", 1980)
    person(home, 2, "H Mai Niê", 2014, "nữ", class_code="4")
    return units


def records_2024() -> list[tuple[Any, ...]]:
    """Every 2024 record as the engine reads it (the survey_record view)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM survey_record WHERE survey_year = 2024"
                       " ORDER BY commune_code, village, household_no, person_no")
        return [tuple(row) for row in cursor.fetchall()]


def year_rows(year: int) -> list[dict[str, Any]]:
    return list(PersonYear.objects.filter(survey_year=year).order_by("pk").values())


def assert_person_by_person(olds: list[Any], news: list[Any]) -> None:
    """Every 2024 person of ``olds`` who neither moved away nor died has exactly one
    continuing person, in exactly one of ``news``, with the same identity and a 2025
    record; nobody else is continued, and nobody of ``news`` is anyone else."""
    living = PersonYear.objects.filter(survey_year=2024, person__household__commune__in=olds
                                       ).exclude(status__in=GONE)
    gone = PersonYear.objects.filter(survey_year=2024, person__household__commune__in=olds,
                                     status__in=GONE)
    for record in living.select_related("person"):
        old = record.person
        continuing = list(Person.objects.filter(continues=old).select_related(
            "household__commune", "household__continues"))
        assert len(continuing) == 1, old.full_name
        new = continuing[0]
        assert new.household.commune in news
        assert new.household.continues == old.household
        assert [getattr(new, f) for f in crossing.PERSON_IDENTITY] == [
            getattr(old, f) for f in crossing.PERSON_IDENTITY]
        assert old.superseded and not new.superseded
        assert list(new.years.values_list("survey_year", flat=True)) == [2025]
    for record in gone.select_related("person"):
        assert not Person.objects.filter(continues=record.person).exists(), record.person
    created = Person.objects.filter(household__commune__in=news)
    assert created.count() == living.count()
    assert created.filter(continues__isnull=True).count() == 0
    assert PersonYear.objects.filter(survey_year=2025, person__household__commune__in=news
                                     ).count() == living.count()


def test_a_merge_of_three_carries_everyone_living_once(merge: dict[str, Any]) -> None:
    olds = [merge["minh_tri"], merge["minh_phu"], merge["tan_dan"]]
    kim_anh = merge["kim_anh"]
    before, before_view = year_rows(2024), records_2024()
    preview = plan(kim_anh)
    # Minh Trí: An, Bình (Cường moved away); Minh Phú: Dung, Giang (Em died); Tân Dân: Hà
    # (Ích moved away) → 2 + 2 + 1 = 5 people, 1 + 2 + 1 = 4 households, 1 + 2 + 1 = 4 villages.
    assert [(s.link.old.code, len(s.villages), s.households, s.people, s.left)
            for s in preview.shares] == [("00382", 1, 1, 2, 1), ("00397", 2, 2, 2, 1),
                                         ("00415", 1, 1, 1, 1)]
    assert (preview.villages, preview.households, preview.people) == (4, 4, 5)

    done = cross(None, kim_anh)
    assert (done.villages, done.households, done.people) == (4, 4, 5)
    assert year_rows(2024) == before and records_2024() == before_view
    assert_person_by_person(olds, [kim_anh])
    # The two "Thôn Đông" are told apart by their old commune; the others keep their names.
    assert sorted(Village.objects.filter(commune=kim_anh).values_list("name", flat=True)) == [
        "Thôn Bắc", "Thôn Nam", "Thôn Đông (Minh Phú)", "Thôn Đông (Minh Trí)"]

    # The same promotion as a roll-over inside one commune (rollover.next_year).
    def next_of(name: str) -> PersonYear:
        return PersonYear.objects.get(survey_year=2025, person__full_name=name,
                                      person__household__commune=kim_anh)
    an, binh = next_of("Nguyễn Văn An"), next_of("Nguyễn Thị Bình")
    dung = next_of("Trần Văn Dung")
    assert (an.current_class, an.preschool_completed) == ("1", 2025)
    assert (binh.current_class, binh.primary_completed) == ("6", 2025)
    assert dung.current_class == "" and dung.warnings == [
        "Chờ xác nhận tốt nghiệp lớp 9 năm 2025"]
    assert next_of("Lê Thị Giang").current_class == "4*"
    assert (done.opened.promoted, done.opened.awaiting_diploma) == (3, 1)  # An, Bình, Giang


def test_a_split_carries_each_village_to_its_own_new_commune(split: dict[str, Any]) -> None:
    old, ba_dinh, ngoc_ha = split["old_ngoc_ha"], split["ba_dinh"], split["ngoc_ha"]
    with pytest.raises(CrossingRefused, match=r"Phường Ngọc Hà \(1 thôn\)"):
        cross(None, ba_dinh)
    assert not Village.objects.filter(commune=ba_dinh).exists()
    assert crossing.place(None, old, {Village.objects.get(commune=old, name="Tổ 3").pk: ngoc_ha}
                          ) == 1
    before, before_view = year_rows(2024), records_2024()
    # Ba Đình: Tổ 1 (Khánh, Lan); Ngọc Hà: Tổ 2 (Minh; Nam died) and Tổ 3 (Oanh).
    assert (plan(ba_dinh).villages, plan(ba_dinh).people) == (1, 2)
    assert (plan(ngoc_ha).villages, plan(ngoc_ha).people) == (2, 2)
    first = cross(None, ba_dinh)
    assert (first.villages, first.households, first.people) == (1, 1, 2)
    # Ba Đình has crossed: the homes are what was carried and no longer change.
    with pytest.raises(CrossingRefused, match="không đổi được nữa"):
        crossing.place(None, old, {Village.objects.get(commune=old, name="Tổ 3").pk: ba_dinh})
    second = cross(None, ngoc_ha)
    assert (second.villages, second.households, second.people) == (2, 2, 2)
    assert year_rows(2024) == before and records_2024() == before_view
    assert_person_by_person([old], [ba_dinh, ngoc_ha])
    assert list(Village.objects.filter(commune=ngoc_ha).order_by("name")
                .values_list("name", "continues__name")) == [("Tổ 2", "Tổ 2"), ("Tổ 3", "Tổ 3")]


def test_a_renamed_commune_carries_everything_under_its_new_name(
        renamed: dict[str, Any]) -> None:
    krong_na, buon_don = renamed["krong_na"], renamed["new_buon_don"]
    before = records_2024()
    done = cross(None, buon_don)
    assert (done.villages, done.households, done.people) == (1, 1, 2)
    assert records_2024() == before
    assert_person_by_person([krong_na], [buon_don])
    assert list(Village.objects.filter(commune=buon_don).values_list("name", flat=True)) == [
        "Buôn Drang Phôk"]


def test_the_national_id_is_held_once_among_current_people(merge: dict[str, Any]) -> None:
    cross(None, merge["kim_anh"])
    both = Person.objects.filter(national_id="001315000001")
    assert [(p.household.commune.code, p.household.commune.vintage, p.superseded)
            for p in both.order_by("pk")] == [("00397", OLD, True), ("00382", NEW, False)]
    holder = uniqueness.holders(["001315000001"])["001315000001"]
    assert holder.commune_id == merge["kim_anh"].pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(household=Household.objects.filter(commune=merge["kim_anh"])[0],
                              person_no=9, full_name="Người khác", birth_year=2000, sex="nam",
                              national_id="001315000001")


def test_everything_created_and_superseded_is_audited(merge: dict[str, Any],
                                                      make_user: Any) -> None:
    kim_anh = merge["kim_anh"]
    staff = make_user("commune_staff", kim_anh)
    cross(staff, kim_anh)
    entries = AuditEntry.objects.filter(user=staff)
    # 4 villages + 4 households + 5 people + 5 records of 2025, under Kim Anh.
    assert sorted(entries.filter(action="create", commune=kim_anh)
                  .values_list("model", flat=True)) == sorted(
        ["village"] * 4 + ["household"] * 4 + ["person"] * 5 + ["personyear"] * 5)
    superseded = entries.filter(action="update", model="person")
    assert superseded.count() == 5
    assert {e.commune.code for e in superseded} == {"00382", "00397", "00415"}
    assert all(e.before["superseded"] is False and e.after["superseded"] is True
               for e in superseded)
    assert entries.count() == 18 + 5


def test_crossing_twice_is_refused(renamed: dict[str, Any]) -> None:
    cross(None, renamed["new_buon_don"])
    with pytest.raises(CrossingRefused, match="đã được mở"):
        cross(None, renamed["new_buon_don"])
    assert Person.objects.filter(household__commune=renamed["new_buon_don"]).count() == 2


def test_a_frozen_2025_is_refused(renamed: dict[str, Any]) -> None:
    Dossier.objects.create(unit=renamed["new_buon_don"], standard="primary", survey_year=2025,
                           status=Dossier.Status.SUBMITTED, level_claimed=1, snapshot={})
    with pytest.raises(CrossingRefused, match="khóa"):
        cross(None, renamed["new_buon_don"])
    assert not Household.objects.filter(commune=renamed["new_buon_don"]).exists()


def test_only_the_new_commune_s_staff_open_it(renamed: dict[str, Any], make_user: Any) -> None:
    for who in (make_user("commune_staff", renamed["krong_na"]),
                make_user("province_reviewer", renamed["new_buon_don"].parent)):
        with pytest.raises(PermissionDenied):
            cross(who, renamed["new_buon_don"])
    assert not Household.objects.filter(commune=renamed["new_buon_don"]).exists()


def test_an_old_commune_does_not_open_2025_itself(renamed: dict[str, Any],
                                                  make_user: Any) -> None:
    """"Lên lớp" inside the old commune would put 2025 under a commune of the old list."""
    staff = make_user("commune_staff", renamed["krong_na"])
    with pytest.raises(RolloverRefused, match="Mở năm 2025 từ sổ của các xã cũ"):
        open_year(staff, renamed["krong_na"], 2024)
    assert not PersonYear.objects.filter(survey_year=2025).exists()


def test_nothing_to_cross_without_2024(units: dict[str, Any]) -> None:
    with pytest.raises(CrossingRefused, match="chưa có dữ liệu năm 2024"):
        cross(None, units["new_buon_don"])
    with pytest.raises(CrossingRefused, match="Chỉ mở được năm 2025"):
        cross(None, units["new_buon_don"], 2023)


def test_carried_rows_of_the_old_commune_no_longer_change(renamed: dict[str, Any],
                                                          make_user: Any) -> None:
    krong_na = renamed["krong_na"]
    old_staff = make_user("commune_staff", krong_na)
    cross(None, renamed["new_buon_don"])
    carried = Person.objects.get(household__commune=krong_na, person_no=1)
    with pytest.raises(freezing.Frozen, match="đã được chuyển sang Xã Buôn Đôn"):
        editing.update_person(old_staff, carried.pk, carried.version, {"full_name": "Y Khoa"})
    assert freezing.carried_on(krong_na) is not None


def test_an_old_commune_crossed_from_takes_no_more_files(renamed: dict[str, Any],
                                                         tmp_path: Path) -> None:
    """A file of 2024 for Krông Na after Buôn Đôn crossed would change the old rows (a
    corrected name on the old person only): refused, saying why."""
    header = FIXTURE.read_text(encoding="utf-8-sig").splitlines()[0]
    row = ["2024", "66", "647", "24235", "Buôn Drang Phôk", "1", "1", "", "Y Khoa Niê Kdăm",
           "1980", "nam", "Ê Đê", "thường trú"]
    path = tmp_path / "krong-na-2024.csv"
    path.write_text("\n".join([header, ",".join(row + [""] * (header.count(",") + 1 - len(row)))])
                    + "\n", encoding="utf-8")
    checked = validate(path, keep_records=True)
    assert checked.records is not None, checked.report.problems
    assert len(importing.preview(checked.records).changed) == 1  # before: Y Khoa Niê renamed
    cross(None, renamed["new_buon_don"])
    with pytest.raises(importing.ImportRefused, match="Xã Buôn Đôn đã mở năm 2025"):
        importing.preview(checked.records)


def test_a_carried_household_takes_no_new_member(renamed: dict[str, Any],
                                                 make_user: Any) -> None:
    old_staff = make_user("commune_staff", renamed["krong_na"])
    cross(None, renamed["new_buon_don"])
    old = Household.objects.get(commune=renamed["krong_na"])
    record = {"person_no": 3, "full_name": "Y Mới Niê", "birth_year": 2024, "sex": "nam",
              "national_id": None}
    with pytest.raises(freezing.Frozen, match="Hộ số 1 đã được chuyển sang Xã Buôn Đôn"):
        editing.add_person(old_staff, old, 2024, record)


def test_village_homes_only_among_the_successors(split: dict[str, Any],
                                                 make_user: Any) -> None:
    old = split["old_ngoc_ha"]
    village = Village.objects.get(commune=old, name="Tổ 3")
    assert {c.code for c in crossing.homes_for(old)} == {"00004", "00008"}
    with pytest.raises(CrossingRefused, match="không chuyển vào"):
        crossing.place(None, old, {village.pk: split["new_buon_don"]})
    # Tổ 1 already goes to Ba Đình: saving it again changes nothing and writes nothing.
    tu_1 = Village.objects.get(commune=old, name="Tổ 1")
    assert crossing.place(None, old, {village.pk: split["ba_dinh"], tu_1.pk: split["ba_dinh"]}
                          ) == 1
    assert crossing.place(None, old, {village.pk: split["ngoc_ha"]}) == 1
    assert VillageHome.objects.get(village=village).commune == split["ngoc_ha"]
    assert list(AuditEntry.objects.filter(model="villagehome").order_by("pk")
                .values_list("action", "commune__code")) == [("create", "00016"),
                                                            ("update", "00016")]
    # Who may: the staff of a successor, the new province's staff; not another commune's.
    for role, unit_of, may in (("commune_staff", "ba_dinh", True),
                               ("province_reviewer", "new_hanoi", True),
                               ("commune_staff", "new_buon_don", False),
                               ("commune_staff", "old_ngoc_ha", False)):
        who = make_user(role, split[unit_of])
        if may:
            crossing.place(who, old, {village.pk: split["ba_dinh"]})
        else:
            with pytest.raises(PermissionDenied):
                crossing.place(who, old, {village.pk: split["ba_dinh"]})


def test_village_names_after_the_line() -> None:
    assert short_commune_name("Xã Thanh Luông") == "Thanh Luông"
    assert short_commune_name("Phường Ngọc Hà") == "Ngọc Hà"
    assert short_commune_name("Đặc khu Thổ Châu") == "Thổ Châu"
    assert names_after([("Xã Thanh Luông", "Bản Na Sang"), ("Xã Thanh Hưng", "Bản Na Sang"),
                        ("Xã Thanh Hưng", "Bản Co Đứa")]) == {
        ("Xã Thanh Luông", "Bản Na Sang"): "Bản Na Sang (Thanh Luông)",
        ("Xã Thanh Hưng", "Bản Na Sang"): "Bản Na Sang (Thanh Hưng)",
        ("Xã Thanh Hưng", "Bản Co Đứa"): "Bản Co Đứa"}
