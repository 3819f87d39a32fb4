"""Vietnamese normalisation: one spelling per word, folding only for matching."""

import unicodedata

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from phocap.survey.text import (
    fold,
    fold_expr,
    normalize,
    normalize_ascii_expr,
    normalize_expr,
    village_named,
    village_named_expr,
)


def test_tone_placement_is_unified_to_the_traditional_style() -> None:
    assert normalize("Hoà Bình") == normalize("Hòa Bình") == "Hòa Bình"
    assert normalize("thuỷ") == "thủy"
    assert normalize("khoẻ") == "khỏe"


def test_marks_move_only_in_open_syllables_and_never_after_qu() -> None:
    assert normalize("hoàn thành") == "hoàn thành"
    assert normalize("quý") == "quý"
    assert normalize("thuyết") == "thuyết"


def test_decomposed_input_becomes_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Huệ")
    assert decomposed != "Nguyễn Thị Huệ"
    assert normalize(decomposed) == "Nguyễn Thị Huệ"


def test_spaces_collapse() -> None:
    assert normalize("  Lò   Văn  An ") == "Lò Văn An"


def test_fold_handles_d_bar_case_and_punctuation() -> None:
    assert fold("ĐIỆN BIÊN") == "dien bien"
    assert fold("Thôn/xóm") == "thon xom"
    assert fold("H'Mông") == "h mong"


vietnamese = st.text(
    alphabet="aăâeêioôơuưyAĂÂEÊIOÔƠUƯYđĐ qgnhtràáảãạèéẻẽẹòóỏõọùúủũụỳýỷỹỵ\u0300\u0301\u0309",
    max_size=30,
)


@given(vietnamese)
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


@given(vietnamese)
def test_normalize_keeps_the_folded_letters(text: str) -> None:
    assert fold(normalize(text)) == fold(text)


@given(st.lists(vietnamese, min_size=1, max_size=5))
def test_column_functions_agree_with_scalar_ones(texts: list[str]) -> None:
    frame = pl.DataFrame({"t": texts}).select(
        normalize_expr(pl.col("t")).alias("n"), fold_expr(pl.col("t")).alias("f")
    )
    assert frame["n"].to_list() == [normalize(t) or None for t in texts]
    assert frame["f"].to_list() == [fold(t) for t in texts]


@given(st.lists(st.text(alphabet=st.characters(max_codepoint=0x7F)), min_size=1, max_size=8))
def test_the_ascii_short_way_normalizes_as_the_long_one(texts: list[str]) -> None:
    column = pl.DataFrame({"t": texts}).select(
        normalize_expr(pl.col("t")).alias("long"), normalize_ascii_expr(pl.col("t")).alias("short"))
    assert column["short"].to_list() == column["long"].to_list()


def test_a_village_is_named_once_as_a_village() -> None:
    """"thôn Thôn 5" read twice the word: a name that starts with its own kind is said as
    it is, any other after "thôn"."""
    names = ["Nà Sản", "Thôn 5", "Bản Pồn", "BẢN PỒN", "Tổ 3", "Ấp Long Bình", "Xóm Đồng",
             "Tô Hiệu", "Bảng"]
    said = ["thôn Nà Sản", "Thôn 5", "Bản Pồn", "BẢN PỒN", "Tổ 3", "Ấp Long Bình", "Xóm Đồng",
            "thôn Tô Hiệu", "thôn Bảng"]
    assert [village_named(n) for n in names] == said
    frame = pl.DataFrame({"v": names}).select(village_named_expr(pl.col("v")))
    assert frame["v"].to_list() == said
