"""How the rulesets' citations, names and criteria read (phocap/rules/words.py), issue 14:
district results showed "ND20 Art 16", "Bộ quy tắc: nd20-2014",
"primary.3.share_of_communes" and labels without the age group officers reason in."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from phocap.engine.indicators import INDICATORS
from phocap.rules import citation, load, names, ruleset_title, words
from phocap.rules.words import counted, label


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


# --- What a mark means for the officer (issue 15, item 5) ---------------------------------

CONSEQUENCE = "kết quả có thể thay đổi"


def marked_entries() -> list[tuple[str, str, str]]:
    """(ruleset, key as the engine names it, mark) of every criterion, roll-up share,
    prerequisite and whole-standard entry marked [unverified] or [interpretation], in
    every ruleset. A share's keys are the engine's (engine/rollup.py): a district's
    "…share_of_communes" and a province's "…share_of_districts" before 2025, a province's
    "…share_of_communes" from 2025, split by group where ND277 gives two shares."""
    found = []
    for name in names():
        ruleset = load(name)
        found += [(name, c.key, c.mark) for c in ruleset.criteria]
        for share in ruleset.shares:
            stem = f"{share.standard}.{share.level}.share_of_"
            if ruleset.rollup == "district":
                keys = [stem + "communes", stem + "districts"]
            elif share.province_especially_difficult is not None:
                keys = [stem + "normal_communes", stem + "especially_difficult_communes"]
            else:
                keys = [stem + "communes"]
            found += [(name, key, share.mark) for key in keys]
        found += [(name, f"{lv.standard}.{lv.level}.requires", lv.requires_mark)
                  for lv in ruleset.levels]
        found += [(name, key, words.UNVERIFIED) for key in ruleset.unverified]
    found += [("indicators", i.key, i.mark) for i in INDICATORS]
    return [entry for entry in found if entry[2] in words.MARK_NAMES]


def test_every_marked_entry_of_every_ruleset_explains_itself() -> None:
    """Each [unverified] or [interpretation] entry has its own words for what is uncertain,
    then what phocap does meanwhile and what it means for the result: never the bare mark."""
    entries = marked_entries()
    # The marks standing today (docs/rules.md, "What remains an interpretation"): ND20's
    # level-3 primary and level-2 THCS rates, the preschool completion cohort, literacy 2
    # requiring 1, the roll-up from 2025 and ND277: the walk must meet each kind.
    keys = {key for _, key, _ in entries}
    assert {"primary.3.grade_1_at_6", "lower_secondary.2.graduates", "preschool_5.completed",
            "literacy.2.requires", "literacy.1.share_of_communes",
            "lower_secondary.2.share_of_districts", "preschool_3_5.attending",
            "inclusion.disabled_in_education"} <= keys
    for name, key, mark in entries:
        assert words.doubt(key, mark) is not None, (name, key, mark)
        said = words.explained(key, mark)
        assert said.lower().startswith(words.MARK_NAMES[mark] + ": "), said
        assert said.endswith(CONSEQUENCE + "."), said
        assert "ND" not in said.replace("NĐ", "") and "Art" not in said, said


def test_law_and_practice_need_no_explanation() -> None:
    assert words.explained("primary.1.grade_1_at_6", "law") == ""
    assert words.explained("lower_secondary.3.beyond", "practice") == ""
    assert words.mark_explained("law") == ""


def test_the_explanation_reads_as_the_issue_asks() -> None:
    """What is uncertain, what phocap does meanwhile, what it means for the result."""
    assert words.explained("preschool_3_5.attending", "unverified") == (
        "Chưa kiểm chứng: Ngưỡng này lấy từ bản dự thảo và tin báo về Nghị định"
        " 277/2025/NĐ-CP, chưa đọc được văn bản chính thức; năm điều tra 2025 được xét theo"
        " Nghị định này dù Nghị định ký ngày 20/10/2025, sau thời điểm điều tra 30/9/2025, vì"
        " việc kiểm tra, công nhận năm 2025 diễn ra sau ngày đó và biểu mẫu năm học 2025–2026"
        " đã theo Nghị định này (nếu cấp trên hướng dẫn chỉ xét từ năm 2026, kết quả trẻ 3–5"
        " tuổi của năm 2025 chỉ để tham khảo); phocap dùng tạm để tính. Nếu văn bản chính"
        " thức khác, kết quả có thể thay đổi.")
    # D1: the province's literacy-1 share names the other reading and its 81%.
    assert "81% số xã" in words.explained("literacy.1.share_of_communes", "interpretation")
    # An entry nothing particular is known of (a norm) still says what the mark means.
    assert words.mark_explained("unverified").endswith(CONSEQUENCE + ".")


@dataclass
class Judged:
    key: str
    level: int
    mark: str
    passed: bool | None


# Primary, marks as nd20-2014: level 1 law; level 3's three criteria unverified.
PRIMARY = [Judged("primary.1.grade_1_at_6", 1, "law", True),
           Judged("primary.3.grade_1_at_6", 3, "unverified", None),
           Judged("primary.3.completed_at_11", 3, "unverified", None)]


@pytest.mark.parametrize(("level", "passed", "expected"), [
    # Level 1 reached, level 3's criteria not reached yet: they decide nothing.
    (1, (None, None), []),
    # Level 2 reached and level 3 failed on an unverified criterion: had it passed, the
    # commune could be at level 3 — it decides (the level just above).
    (2, (True, False), ["primary.3.completed_at_11"]),
    # Level 3 reached on both: had either failed, the level would be lower.
    (3, (True, True), ["primary.3.grade_1_at_6", "primary.3.completed_at_11"]),
    # Level 1 reached, level 3 failing: two levels above, it decides nothing.
    (1, (False, False), []),
])
def test_a_marked_criterion_decides_at_its_level_and_the_next(
        level: int, passed: tuple[bool | None, bool | None], expected: list[str]) -> None:
    criteria = [PRIMARY[0], dataclasses.replace(PRIMARY[1], passed=passed[0]),
                dataclasses.replace(PRIMARY[2], passed=passed[1])]
    assert [c.key for c in words.deciding(level, criteria)] == expected


def test_beside_the_verdict_the_criteria_it_rests_on_and_that_it_may_change() -> None:
    found = [Judged("primary.3.completed_at_11", 3, "unverified", True),
             Judged("preschool_5.completed", 1, "interpretation", True)]
    assert words.verdict_note(found) == (
        "Mức này dựa vào: Tiểu học mức 3: trẻ 11 tuổi đã hoàn thành chương trình tiểu học"
        " (chưa kiểm chứng); MN 5 tuổi mức 1: trẻ 6 tuổi đã hoàn thành chương trình giáo dục"
        " mầm non (cách hiểu của phocap). Nếu văn bản chính thức hoặc cơ quan công nhận"
        " khác, mức này có thể thay đổi.")
    assert words.verdict_note([]) == ""


def test_the_inclusion_rate_is_unverified_reported_and_never_judged() -> None:
    """D15: "at least 60%" (TT07 Art 2) was not found in the text. The indicator is marked
    [unverified], says so with what it means, and no criterion of any ruleset counts it."""
    inclusion = next(i for i in INDICATORS if i.key == "inclusion.disabled_in_education")
    assert inclusion.mark == words.UNVERIFIED
    said = words.explained(inclusion.key, inclusion.mark)
    assert "60%" in said and "không dùng để xét công nhận" in said
    assert all("disabled" not in c.fact for name in names() for c in load(name).criteria)


def test_every_doubt_is_of_an_entry_that_is_marked() -> None:
    """A written doubt (rules/words.DOUBTS) names a marked criterion, share, prerequisite
    or indicator of a shipped ruleset, and a standard's doubt a standard one marks, so
    that a misspelt or stale key cannot hide an explanation."""
    entries = marked_entries()
    keys = {key for _, key, _ in entries}
    for key in words.DOUBTS:
        assert key in keys, key
    standards = {key.split(".", 1)[0] for key in keys}
    for standard in words.DOUBTS_BY_STANDARD:
        assert standard in standards, standard
