"""A series across 1 July 2025 (register/series.py): a new unit's years before 2025 are its
predecessors' counts added up, never their rates averaged, and marked approximate where a
predecessor was split or has no data.

The units are real (phocap/units/data/conversion-2025-07-01.csv), but only those named here
are in the register:

- merge: Xã Chung Chải (03157), Xã Mường Nhé (03160) and Xã Nậm Vì (03161) of Huyện Mường
  Nhé (096), Tỉnh Điện Biên (11), went whole into the new Xã Mường Nhé (03160);
- split: Phường Trúc Bạch (00004) and Phường Quán Thánh (00013) of Quận Ba Đình (001),
  Hà Nội (01), went whole into the new Phường Ba Đình (00004); Phường Ngọc Hà (00016) was
  split between it and the new Phường Ngọc Hà (00008).

Every figure is the mobilisation rate of 6–10-year-olds in primary (docs/rules.md §7):
children born eight years before the survey, ``in`` of them in grade 3 and the others at
no school. Counts per old commune (in primary / aged 6–10):

    year   03157   03160   03161   00004   00013   00016
    2022    4/5     2/3     —       —       —       —
    2023    9/10    1/2     3/8     3/4     1/1     2/5

and the new Xã Mường Nhé surveys 5/5 itself in 2025.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from django.test import Client

from phocap import numbers
from phocap.register import lineage, series
from phocap.units import conversion_links

PRIMARY = "mobilisation.primary_6_10"
PASSWORD = "mat-khau-du-manh-2021"
COUNTS = {
    2022: {"03157": (4, 5), "03160": (2, 3)},
    2023: {"03157": (9, 10), "03160": (1, 2), "03161": (3, 8),
           "00004": (3, 4), "00013": (1, 1), "00016": (2, 5)},
}


def _children(commune: Any, year: int, in_primary: int, total: int) -> None:
    from phocap.register.models import Household, Person, PersonYear, Village

    village, _ = Village.objects.get_or_create(commune=commune, name="Thôn 1")
    household = Household.objects.create(commune=commune, village=village,
                                         household_no=f"{year}")
    for n in range(total):
        person = Person.objects.create(household=household, person_no=n + 1,
                                       full_name=f"Trẻ {n + 1}", birth_year=year - 8,
                                       sex="nam" if n % 2 else "nữ")
        PersonYear.objects.create(person=person, survey_year=year, **(
            {"current_class": "3", "class_level": "primary", "class_grade": 3}
            if n < in_primary else {}))


@pytest.fixture
def line(db: Any) -> dict[str, Any]:
    """The units on both sides of the line, and the counts of the module's table."""
    from phocap.register.models import AdministrativeUnit

    def unit(vintage: str, code: str, name: str, type_: str, parent: Any = None) -> Any:
        return AdministrativeUnit.objects.create(vintage=vintage, code=code, name=name,
                                                 type=type_, kind=name.split()[0],
                                                 parent=parent)

    old, new = lineage.OLD, lineage.NEW
    dien_bien = unit(old, "11", "Tỉnh Điện Biên", "province")
    muong_nhe = unit(old, "096", "Huyện Mường Nhé", "district", dien_bien)
    ha_noi = unit(old, "01", "Thành phố Hà Nội", "province")
    ba_dinh = unit(old, "001", "Quận Ba Đình", "district", ha_noi)
    olds = {code: unit(old, code, name, "commune", parent) for code, name, parent in (
        ("03157", "Xã Chung Chải", muong_nhe), ("03160", "Xã Mường Nhé", muong_nhe),
        ("03161", "Xã Nậm Vì", muong_nhe), ("00004", "Phường Trúc Bạch", ba_dinh),
        ("00013", "Phường Quán Thánh", ba_dinh), ("00016", "Phường Ngọc Hà", ba_dinh))}
    provinces = {"11": unit(new, "11", "Tỉnh Điện Biên", "province"),
                 "01": unit(new, "01", "Thành phố Hà Nội", "province")}
    news = {code: unit(new, code, name, "commune", provinces[province])
            for code, name, province in (
                ("03160", "Xã Mường Nhé", "11"), ("03158", "Xã Sín Thầu", "11"),
                ("00004", "Phường Ba Đình", "01"), ("00008", "Phường Ngọc Hà", "01"))}
    for year, counts in COUNTS.items():
        for code, (in_primary, total) in counts.items():
            _children(olds[code], year, in_primary, total)
    _children(news["03160"], 2025, 5, 5)
    return {"old": olds, "new": news, "provinces": provinces,
            "old_provinces": {"11": dien_bien, "01": ha_noi}}


def _primary(found: series.Figures) -> tuple[int, int]:
    assert found.result is not None
    indicator = found.result.indicators[PRIMARY]
    return indicator.numerator, indicator.denominator


def test_three_merged_communes_are_summed_not_averaged(line: dict[str, Any]) -> None:
    """2023: (9 + 1 + 3) / (10 + 2 + 8) = 13/20 = 65,00%. Averaging the three rates would give
    (90% + 50% + 37,5%) / 3 = 59,17%: a commune of 10 children would weigh as much as one of
    2. Every link is whole and every predecessor has data: exact."""
    found = series.figures(line["new"]["03160"], 2023)
    assert _primary(found) == (13, 20)
    assert numbers.rate(*_primary(found)) == "65,00%"
    naive = (Fraction(9, 10) + Fraction(1, 2) + Fraction(3, 8)) / 3
    assert numbers.percent(naive) == "59,17%"
    assert naive != Fraction(13, 20)
    assert {u.code for u in found.summed_from} == {"03157", "03160", "03161"}
    assert not found.approximate and found.notes == ()


def test_a_predecessor_without_data_is_left_out_and_named(line: dict[str, Any]) -> None:
    """2022: Xã Nậm Vì surveyed no one; (4 + 2) / (5 + 3) = 6/8 = 75,00%, approximate."""
    found = series.figures(line["new"]["03160"], 2022)
    assert _primary(found) == (6, 8)
    assert found.approximate
    assert [(n.kind, n.unit.name) for n in found.notes] == [(series.MISSING, "Xã Nậm Vì")]


def test_a_split_predecessor_is_counted_whole_and_marked(line: dict[str, Any]) -> None:
    """2023, Phường Ba Đình: Trúc Bạch 3/4 + Quán Thánh 1/1 + all of Ngọc Hà 2/5 = 6/10 =
    60,00%; Ngọc Hà was split, so approximate. The new Phường Ngọc Hà: 2/5 = 40,00%, as
    approximate (the same split predecessor, counted whole again)."""
    ba_dinh = series.figures(line["new"]["00004"], 2023)
    assert _primary(ba_dinh) == (6, 10)
    assert [(n.kind, n.unit.name) for n in ba_dinh.notes] == [(series.PART, "Phường Ngọc Hà")]
    ngoc_ha = series.figures(line["new"]["00008"], 2023)
    assert _primary(ngoc_ha) == (2, 5) and ngoc_ha.approximate


def test_a_new_province_counts_each_old_commune_once(line: dict[str, Any]) -> None:
    """The new Hà Nội in 2023 is the old one's communes: (3 + 1 + 2) / (4 + 1 + 5) = 6/10,
    exact, not its new wards added up (6/10 + 2/5 = 8/15 counts Ngọc Hà twice). The new
    Điện Biên: 13/20 in 2023, judged on its old district (ND20's roll-up), and 5/5 of its
    own in 2025."""
    ha_noi = series.figures(line["provinces"]["01"], 2023)
    assert _primary(ha_noi) == (6, 10) and not ha_noi.approximate
    assert ha_noi.summed_from == (line["old_provinces"]["01"],)
    dien_bien = series.figures(line["provinces"]["11"], 2023)
    assert _primary(dien_bien) == (13, 20)
    assert dien_bien.result is not None and dien_bien.result.coverage == (1, 1)  # Mường Nhé
    assert _primary(series.figures(line["provinces"]["11"], 2025)) == (5, 5)
    assert series.years(line["provinces"]["11"]) == [2022, 2023, 2025]


def test_years_cross_the_line_for_new_units_and_stop_at_2024_for_old(
        line: dict[str, Any]) -> None:
    """The new commune: its predecessors' 2022 and 2023, its own 2025. The old Xã Chung
    Chải stops at 2023, its last survey, and names the new Xã Mường Nhé; Phường Ngọc Hà,
    split, names both wards."""
    assert series.years(line["new"]["03160"]) == [2022, 2023, 2025]
    assert series.years(line["old"]["03157"]) == [2022, 2023]
    assert series.figures(line["old"]["03157"], 2025).result is None
    assert series.continued_by(line["old"]["03157"]) == [line["new"]["03160"]]
    assert series.continued_by(line["old"]["00016"]) == [line["new"]["00004"],
                                                         line["new"]["00008"]]
    assert series.continued_by(line["old_provinces"]["01"]) == [line["provinces"]["01"]]
    assert series.continued_by(line["new"]["03160"]) == []


@pytest.mark.django_db(transaction=True)
def test_an_edit_of_a_predecessor_changes_the_sum(line: dict[str, Any]) -> None:
    """The summed answer is cached under the predecessors' revisions: one more child of
    Xã Nậm Vì in primary in 2023 (an audited change raises its revision once it commits)
    makes it 14/20."""
    from phocap.register import revisions
    from phocap.register.models import PersonYear

    assert _primary(series.figures(line["new"]["03160"], 2023)) == (13, 20)
    record = PersonYear.objects.filter(person__household__commune=line["old"]["03161"],
                                       survey_year=2023, current_class="").first()
    assert record is not None
    record.current_class, record.class_level, record.class_grade = "3", "primary", 3
    record.save()
    revisions.bump([line["old"]["03161"].pk])
    assert _primary(series.figures(line["new"]["03160"], 2023)) == (14, 20)


def test_no_old_province_is_split() -> None:
    """lineage.province_predecessors relies on it: every commune of an old province goes
    into the same new province (the table's 10.571 rows)."""
    new_of: dict[str, set[str]] = {}
    for link in conversion_links():
        new_of.setdefault(link.old_province_code, set()).add(link.new_province_code)
    assert len(new_of) == 63
    assert all(len(found) == 1 for found in new_of.values())


def _client(role: str, unit: Any) -> Client:
    from phocap.accounts.models import User

    user = User.objects.create_user(username=f"{role}-{unit.pk if unit else 'all'}",
                                    password=PASSWORD, role=role, unit=unit)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_trends_page_shows_the_line_and_why_a_year_is_approximate(
        line: dict[str, Any]) -> None:
    """The new commune's staff: 2022 ≈ 75,00% (Nậm Vì left out, named), 2023 65,00%, 2025
    100,00%; the line of 1 July 2025 on the chart and between 2023 and 2025 in the table."""
    commune = line["new"]["03160"]
    page = _client("commune_staff", commune).get(f"/units/{commune.pk}/trends/")
    assert page.status_code == 200
    html = page.content.decode()
    rows = {r.key: r for r in page.context["mobilisation"].rows}
    assert [c.text for c in rows[PRIMARY].cells] == ["≈ 75,00%", "65,00%", "100,00%"]
    assert [c.divide for c in rows[PRIMARY].cells] == [False, False, True]
    assert page.context["year_heads"] == ["≈ 2022", "2023", "2025"]
    # The levels and mobilisation charts cross the line; a criterion's chart does where
    # both rulesets measure it (ND20 before, ND277 and the rest after).
    for chart in (page.context["levels"], page.context["mobilisation"]):
        assert 'class="divide-label"' in chart.svg
    assert 'class="divide-label"' in next(c.svg for c in page.context["criteria"]
                                          if "primary:in_grade_1_or_higher" in c.key)
    assert "01/7/2025: sắp xếp đơn vị hành chính" in html
    assert "Năm 2022: ≈ không gồm Xã Nậm Vì (chưa có số liệu)" in html
    assert "Xã Chung Chải, Xã Mường Nhé, Xã Nậm Vì" in html  # what was summed
    assert 'class="num year-cell divide"' in html


def test_the_split_is_said_on_the_page(line: dict[str, Any]) -> None:
    ward = line["new"]["00004"]
    html = _client("commune_staff", ward).get(f"/units/{ward.pk}/trends/").content.decode()
    assert "≈ gồm cả phần của Phường Ngọc Hà đã chuyển sang xã, phường khác" in html
    assert "≈ 60,00%" in html


def test_the_mobilisation_page_before_2025(line: dict[str, Any]) -> None:
    """The new commune in 2023: 13/20 = 65,00% exact; in 2022 ≈ 75,00% with the note. The
    new Hà Nội in 2023: its own 6/10, its wards ≈ 60,00% and ≈ 40,00% (each approximate)."""
    commune = line["new"]["03160"]
    client = _client("commune_staff", commune)
    page = client.get(f"/units/{commune.pk}/mobilisation/?year=2023")
    row = next(r for r in page.context["rows"] if r["key"] == PRIMARY)
    assert (row["numerator"], row["denominator"], row["rate"]) == (13, 20, "65,00%")
    assert page.context["years"] == [2025, 2023, 2022]
    earlier = client.get(f"/units/{commune.pk}/mobilisation/?year=2022")
    row = next(r for r in earlier.context["rows"] if r["key"] == PRIMARY)
    assert row["rate"] == "≈ 75,00%"
    assert "≈ không gồm Xã Nậm Vì" in earlier.content.decode()

    province = line["provinces"]["01"]
    page = _client("province_reviewer", province).get(
        f"/units/{province.pk}/mobilisation/?year=2023")
    row = next(r for r in page.context["rows"] if r["key"] == PRIMARY)
    assert row["rate"] == "60,00%"
    wards = {c["unit"].code: {f["key"]: f["rate"] for f in c["figures"]}
             for c in page.context["children"]}
    assert (wards["00004"][PRIMARY], wards["00008"][PRIMARY]) == ("≈ 60,00%", "≈ 40,00%")
    assert "Phường Ngọc Hà: ≈ gồm cả phần của Phường Ngọc Hà" in page.content.decode()


def test_an_old_commune_points_to_the_new_one(line: dict[str, Any]) -> None:
    """The ministry viewer covers every unit, so the name links to the new commune's page."""
    old = line["old"]["03157"]
    page = _client("ministry_viewer", None).get(f"/units/{old.pk}/trends/")
    assert page.context["years"] == [2022, 2023]
    assert f'href="/units/{line["new"]["03160"].pk}/trends/">Xã Mường Nhé</a>' in (
        page.content.decode())


def test_the_new_communes_staff_see_its_sum_and_no_other_commune(line: dict[str, Any]) -> None:
    """Scope is the unit's (permissions.covers): the summed series of their own commune, and
    404 for a neighbour of the same province or a ward of another."""
    client = _client("commune_staff", line["new"]["03160"])
    for other in (line["new"]["03158"], line["new"]["00004"]):
        for page in ("trends", "mobilisation"):
            assert client.get(f"/units/{other.pk}/{page}/").status_code == 404
    mine = client.get(f"/units/{line['new']['03160'].pk}/trends/")
    assert mine.status_code == 200 and "65,00%" in mine.content.decode()
