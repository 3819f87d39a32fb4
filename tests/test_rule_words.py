"""How the rulesets' citations, names and criteria read (phocap/rules/words.py), issue 14:
district results showed "ND20 Art 16", "Bộ quy tắc: nd20-2014",
"primary.3.share_of_communes" and labels without the age group officers reason in."""

from __future__ import annotations

import pytest

from phocap.rules import citation, load, names, ruleset_title
from phocap.rules.words import MEANINGS, counted, label, meaning


@pytest.mark.parametrize(("source", "expected"), [
    ("ND20 Art 16", "Điều 16 Nghị định 20/2014/NĐ-CP"),
    ("ND20 Art 9; ND143/2025", "Điều 9 Nghị định 20/2014/NĐ-CP; Nghị định 143/2025/NĐ-CP"),
    ("ND277", "Nghị định 277/2025/NĐ-CP"),
    ("TT07 Art 3", "Điều 3 Thông tư 07/2016/TT-BGDĐT"),
    ("ND20 Arts 28-30", "Điều 28–30 Nghị định 20/2014/NĐ-CP"),
    ("Điều 3 Thông tư 07/2016/TT-BGDĐT", "Điều 3 Thông tư 07/2016/TT-BGDĐT"),
])
def test_a_citation_reads_as_officers_write_it(source: str, expected: str) -> None:
    assert citation(source) == expected


def test_every_source_of_every_ruleset_reads_in_vietnamese() -> None:
    for name in names():
        ruleset = load(name)
        for item in (*ruleset.criteria, *ruleset.levels, *ruleset.shares):
            read = citation(item.source)
            assert "ND" not in read.replace("NĐ", "") and " Art" not in read, (name, read)


def test_a_ruleset_reads_as_its_documents_name() -> None:
    assert ruleset_title("nd20-2014") == "Nghị định 20/2014/NĐ-CP về phổ cập giáo dục, xóa mù chữ"
    assert ruleset_title("no-such-ruleset") == "no-such-ruleset"


@pytest.mark.parametrize(("key", "ages", "expected"), [
    ("primary.2.completed_at_11", None,
     "Tiểu học mức 2: trẻ 11 tuổi đã hoàn thành chương trình tiểu học"),
    ("lower_secondary.3.graduates", None, "THCS mức 3: người 15–18 tuổi đã tốt nghiệp THCS"),
    # The especially difficult communes' cohort is named where it differs …
    ("literacy.2.literate", None,
     "XMC mức 2: người 15–60 tuổi (xã đặc biệt khó khăn: 15–35 tuổi) biết chữ mức độ 2"),
    # … and a commune's own cohort is used when it is known.
    ("literacy.2.literate", (15, 35), "XMC mức 2: người 15–35 tuổi biết chữ mức độ 2"),
])
def test_a_criterion_carries_its_age_group(key: str, ages: tuple[int, int] | None,
                                           expected: str) -> None:
    assert label(key, ages) == expected


def test_every_criterion_of_every_ruleset_names_its_age_group() -> None:
    for name in names():
        for criterion in load(name).criteria:
            assert " tuổi " in label(criterion.key), criterion.key


@pytest.mark.parametrize(("key", "words", "unit"), [
    ("primary.3.share_of_communes", "Tỷ lệ xã đạt chuẩn PCGDTH mức độ 3", "xã"),
    ("lower_secondary.2.share_of_districts", "Tỷ lệ huyện đạt chuẩn PCGDTHCS mức độ 2", "huyện"),
    ("preschool_3_5.1.share_of_especially_difficult_communes",
     "Tỷ lệ xã đặc biệt khó khăn đạt chuẩn PCGDMN cho trẻ 3–5 tuổi mức độ 1", "xã"),
    ("primary.2.completed_at_11", None, "người"),
])
def test_a_roll_up_share_reads_in_words_and_counts_units(key: str, words: str | None,
                                                        unit: str) -> None:
    """A district short of one commune is "thiếu 1 xã", never "thiếu 1 người"."""
    if words is not None:
        assert label(key) == words
    assert counted(key) == unit


def test_every_meaning_is_of_a_key_the_results_show() -> None:
    """A plain-words meaning (rules/words.MEANINGS) names a standard, a criterion or a
    roll-up share of a shipped ruleset, so that a misspelt key cannot hide it."""
    keys = {key for name in names() for key in (
        *load(name).standards, *(c.key for c in load(name).criteria))}
    for key in MEANINGS:
        assert key in keys or label(key).startswith("Tỷ lệ xã"), key
        assert meaning(key).endswith(".")
    assert meaning("primary") == ""
