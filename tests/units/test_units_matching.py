"""Name matching: exact first, folded only as a reported, ambiguous-aware fallback."""

import unicodedata

import pytest

from phocap.units import Vintage, registry

OLD = registry(Vintage.V2025_01_04)
NEW = registry(Vintage.V2025_07_01)


def test_exact_with_or_without_kind() -> None:
    with_kind = OLD.match_name("Xã Mường Pồn")
    without_kind = OLD.match_name("Mường Pồn")
    assert with_kind.exact and without_kind.exact
    assert with_kind.unit is not None and with_kind.unit.code == "03319"
    assert without_kind.candidates == with_kind.candidates
    # A different kind is a different unit: no town of that name exists.
    assert not OLD.match_name("Thị trấn Mường Pồn").found


def test_letter_case_and_spacing_do_not_matter_for_exact() -> None:
    match = OLD.match_name("  xã   MƯỜNG pồn ")
    assert match.exact and match.unit is not None and match.unit.code == "03319"


def test_folded_is_only_a_fallback_and_says_so() -> None:
    match = OLD.match_name("Xa Muong Pon")
    assert match.method == "folded" and not match.exact
    assert match.unit is not None and match.unit.code == "03319"


def test_exact_match_hides_folded_namesakes() -> None:
    # "Văn Lang" and "Văn Lăng" are both communes of the new Thái Nguyên (19).
    exact = NEW.match_name("Văn Lang", within="19")
    assert exact.exact and [u.code for u in exact.candidates] == ["02143"]
    other = NEW.match_name("Xã Văn Lăng", within="19")
    assert other.exact and [u.code for u in other.candidates] == ["05665"]


def test_folded_match_reports_every_collision() -> None:
    match = NEW.match_name("Van Lang", within="19")
    assert match.method == "folded" and match.ambiguous and match.unit is None
    assert [u.name for u in match.candidates] == ["Xã Văn Lang", "Xã Văn Lăng"]


def test_tan_thanh_is_ambiguous_nationally() -> None:
    # The README's "Tân Thành 15 times nationally" is the new list's folded
    # count (Tân Thành, Tân Thanh, Tân Thạnh); spelt exactly it is 9 communes.
    # The old list has 34 communes exact and 51 folded (52 names with the
    # district Huyện Tân Thạnh).
    assert len(NEW.match_name("Tân Thành").candidates) == 9
    assert NEW.match_name("Tân Thành").ambiguous
    folded = NEW.match_name("Tan Thanh", type="commune")
    assert folded.method == "folded" and len(folded.candidates) == 15
    assert len(OLD.match_name("Tân Thành").candidates) == 34
    assert len(OLD.match_name("tan thanh", type="commune").candidates) == 51
    assert len(OLD.match_name("tan thanh").candidates) == 52


def test_hoa_spellings_find_the_same_unit() -> None:
    # The source writes "Huyện Phú Hoà"; "Hòa" is the stored spelling.
    old_style = OLD.match_name("Huyện Phú Hoà")
    new_style = OLD.match_name("Huyện Phú Hòa")
    decomposed = OLD.match_name(unicodedata.normalize("NFD", "Huyện Phú Hoà"))
    assert old_style.exact and new_style.exact and decomposed.exact
    assert old_style.unit is not None and old_style.unit.code == "563"
    assert old_style.candidates == new_style.candidates == decomposed.candidates


def test_type_and_within_narrow_the_candidates() -> None:
    everything = OLD.match_name("Điện Biên")
    assert [u.type for u in everything.candidates] == [
        "province",
        "district",
        "commune",
        "commune",
    ]
    district = OLD.match_name("Điện Biên", type="district")
    assert district.unit is not None and district.unit.code == "100"
    inside = OLD.match_name("Điện Biên", within="11")
    assert [u.code for u in inside.candidates] == ["100"]  # not the province itself
    with pytest.raises(KeyError):
        OLD.match_name("Điện Biên", within="999")


def test_a_name_that_begins_with_a_kind_word() -> None:
    # The Huế ward is officially "Phường Phường Đúc".
    match = OLD.match_name("Phường Đúc")
    assert match.exact and match.unit is not None and match.unit.code == "19780"


def test_no_match() -> None:
    match = NEW.match_name("Atlantis")
    assert (match.method, match.candidates, match.found) == (None, (), False)
    assert not NEW.match_name("   ").found


def test_every_commune_is_found_by_its_own_name_within_its_parent() -> None:
    for units in (OLD, NEW):
        for commune in units.communes():
            match = units.match_name(commune.name, within=commune.parent_code)
            assert match.exact and commune in match.candidates
