"""The packaged unit lists: counts, hierarchy, codes that need their vintage."""

import time
from dataclasses import FrozenInstanceError

import pytest

from phocap.units import Unit, Vintage, registry, registry_for_year, vintage_for_year
from phocap.units.registry import _load_conversion, _load_registry, conversion_links

OLD = Vintage.V2025_01_04
NEW = Vintage.V2025_07_01


def test_counts_before_july_2025() -> None:
    units = registry(OLD)
    assert len(units.provinces()) == 63
    # 696 districts, as the README says, including the five island districts
    # (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) that have no communes.
    assert len(units.districts()) == 696
    assert len(units.communes()) == 10_051
    empty = sorted(d.code for d in units.districts() if not units.children(d.code))
    assert empty == ["318", "471", "498", "536", "755"]


def test_counts_from_july_2025() -> None:
    units = registry(NEW)
    assert len(units.provinces()) == 34
    assert len(units.communes()) == 3_321
    assert units.districts() == ()
    assert sum(len(units.children(p.code)) for p in units.provinces()) == 3_321
    kinds = {u.kind for u in units.communes()}
    assert kinds == {"Xã", "Phường", "Đặc khu"}
    assert sum(u.kind == "Đặc khu" for u in units.communes()) == 13


def test_every_unit_hangs_together() -> None:
    for vintage in Vintage:
        units = registry(vintage)
        for unit in units:
            assert units.get(unit.code) is unit
            assert unit.name.startswith(unit.kind + " ")
            if unit.type == "province":
                assert (unit.parent_code, unit.province_code) == ("", unit.code)
                continue
            parent = units.get(unit.parent_code)
            assert parent is not None
            assert unit.province_code == parent.province_code
            if unit.type == "commune":
                assert units.contains(unit.province_code, unit.code)
                assert unit.district_code == (unit.parent_code if vintage.has_districts else "")


def test_dien_bien_district_has_21_communes() -> None:
    units = registry(OLD)
    district = units.get("100", "district")
    assert district is not None
    assert (district.name, district.province_code) == ("Huyện Điện Biên", "11")
    communes = units.communes_of("100")
    assert len(communes) == 21
    assert {(c.district_code, c.province_code) for c in communes} == {("100", "11")}
    assert "Xã Mường Pồn" in {c.name for c in communes}
    assert units.children("100") == communes
    assert all(units.contains("100", c.code) and units.contains("11", c.code) for c in communes)
    assert not units.contains("101", communes[0].code)


def test_code_02809_means_different_units_in_each_vintage() -> None:
    old, new = registry(OLD).get("02809"), registry(NEW).get("02809")
    assert old is not None and new is not None
    assert (old.name, old.kind, old.district_code, old.province_code) == (
        "Thị trấn Si Ma Cai",
        "Thị trấn",
        "084",
        "10",
    )
    assert (new.name, new.kind, new.district_code, new.province_code) == (
        "Xã Si Ma Cai",
        "Xã",
        "",
        "15",
    )


def test_province_codes_changed() -> None:
    old, new = registry(OLD), registry(NEW)
    old_lao_cai = old.match_name("Lào Cai", type="province").unit
    new_lao_cai = new.match_name("Lào Cai", type="province").unit
    assert old_lao_cai is not None and old_lao_cai.code == "10"
    assert new_lao_cai is not None and new_lao_cai.code == "15"
    yen_bai = old.get("15")
    assert yen_bai is not None and yen_bai.name == "Tỉnh Yên Bái"
    assert new.get("10") is None
    # Trà Vinh (84) is gone: it became part of Vĩnh Long (86).
    assert old.get("84") is not None and new.get("84") is None


def test_get_pads_codes_only_when_the_level_is_known() -> None:
    units = registry(OLD)
    assert units.get("2809", "commune") == units.get("02809")
    assert units.get(" 1 ", "province") == units.get("01")
    assert units.get("2809") is None
    assert units.get("02809", "district") is None
    assert "02809" in units and "2809" not in units
    with pytest.raises(ValueError):
        units.get("01", "ward")  # type: ignore[arg-type]


def test_unknown_codes_raise_where_empty_would_mislead() -> None:
    units = registry(NEW)
    with pytest.raises(KeyError):
        units.children("99")
    with pytest.raises(KeyError):
        units.communes_of("100")  # districts do not exist from July 2025
    with pytest.raises(ValueError):
        units.communes_of("02809")
    assert not units.contains("15", "99999")


def test_vintage_for_year() -> None:
    # The survey's reference date is 30 September; the reform is 1 July 2025.
    assert vintage_for_year(2019) is OLD
    assert vintage_for_year(2024) is OLD
    assert vintage_for_year(2025) is NEW
    assert vintage_for_year(2031) is NEW
    assert registry_for_year(2024) is registry("2025-01-04")
    assert registry_for_year(2025) is registry(NEW)
    assert OLD.has_districts and not NEW.has_districts
    with pytest.raises(ValueError):
        registry("2024-01-01")


def test_units_are_immutable() -> None:
    unit = registry(NEW).get("15")
    assert isinstance(unit, Unit)
    with pytest.raises(FrozenInstanceError):
        unit.name = "x"  # type: ignore[misc]


def test_loading_is_fast() -> None:
    # Cold load of both vintages and the conversion table, as on first use.
    _load_registry.cache_clear()
    _load_conversion.cache_clear()
    start = time.perf_counter()
    registry(OLD)
    registry(NEW)
    conversion_links()
    assert time.perf_counter() - start < 1.0
