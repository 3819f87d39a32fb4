"""Rulesets as data (docs/rules.md §6): the shipped files load, match docs/rules.md, and the loader
rejects inconsistent ones with a message that says where and why."""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

import pytest

from phocap.rules import FACTS, RulesetError, for_year, load, names
from phocap.rules.ruleset import parse

SHIPPED = ["nd20-2014", "nd20-2014+2025-two-level", "nd277-2025"]

# docs/rules.md §3: key → (fact, ages, ĐBKK ages, threshold, ĐBKK threshold)
ND20_CRITERIA = {
    "preschool_5.attending": ("attends_preschool", (5, 5), (5, 5), "0.95", "0.90"),
    "preschool_5.completed": ("completed_preschool", (6, 6), (6, 6), "0.85", "0.80"),
    "primary.1.grade_1_at_6": ("in_grade_1_or_higher", (6, 6), (6, 6), "0.90", "0.90"),
    "primary.1.completed_at_14": ("completed_primary", (14, 14), (14, 14), "0.80", "0.70"),
    "primary.2.grade_1_at_6": ("in_grade_1_or_higher", (6, 6), (6, 6), "0.95", "0.95"),
    "primary.2.completed_at_11": ("completed_primary", (11, 11), (11, 11), "0.80", "0.70"),
    "primary.2.others_at_11_in_primary": ("completed_or_in_primary", (11, 11), (11, 11), "1",
                                          "1"),
    "primary.3.grade_1_at_6": ("in_grade_1_or_higher", (6, 6), (6, 6), "0.98", "0.98"),
    "primary.3.completed_at_11": ("completed_primary", (11, 11), (11, 11), "0.90", "0.80"),
    "primary.3.others_at_11_in_primary": ("completed_or_in_primary", (11, 11), (11, 11), "1",
                                          "1"),
    "lower_secondary.1.graduates": ("lower_secondary_graduate", (15, 18), (15, 18), "0.80",
                                    "0.70"),
    "lower_secondary.2.graduates": ("lower_secondary_graduate", (15, 18), (15, 18), "0.90",
                                    "0.80"),
    "lower_secondary.3.graduates": ("lower_secondary_graduate", (15, 18), (15, 18), "0.95",
                                    "0.90"),
    "lower_secondary.3.beyond": ("studying_beyond_lower_secondary", (15, 18), (15, 18), "0.80",
                                 "0.70"),
    "literacy.1.literate": ("literate_1", (15, 35), (15, 25), "0.90", "0.90"),
    "literacy.2.literate": ("literate_2", (15, 60), (15, 35), "0.90", "0.90"),
}
# docs/rules.md §3: (standard, level) → prerequisites
ND20_REQUIRES = {
    ("preschool_5", 1): (),
    ("primary", 1): (),
    ("primary", 2): (("primary", 1),),
    ("primary", 3): (("primary", 2),),
    ("lower_secondary", 1): (("primary", 1), ("literacy", 1)),
    ("lower_secondary", 2): (("lower_secondary", 1),),
    ("lower_secondary", 3): (("lower_secondary", 2),),
    ("literacy", 1): (),
    ("literacy", 2): (("literacy", 1),),
}
# docs/rules.md §4: (standard, level) → (district share, province share before 2025, from 2025)
SHARES = {
    ("preschool_5", 1): ("0.90", "1", "0.90"),
    ("primary", 1): ("0.90", "1", "0.90"),
    ("primary", 2): ("0.90", "1", "0.90"),
    ("primary", 3): ("0.90", "1", "0.90"),
    ("lower_secondary", 1): ("0.90", "1", "0.90"),
    ("lower_secondary", 2): ("0.95", "1", "0.95"),
    ("lower_secondary", 3): ("1", "1", "1"),
    ("literacy", 1): ("0.90", "0.90", "0.90"),
    ("literacy", 2): ("0.90", "1", "0.90"),
}
# docs/rules.md §5 and nd277-2025.toml: key → (fact, ages, threshold, ĐBKK threshold)
ND277_CRITERIA = {
    "preschool_3_5.attending": ("attends_early_education", (3, 5), "0.90", "0.85"),
    # One rate over the programmes for ages 3–5, read a year later (legal review D4).
    "preschool_3_5.completed": ("completed_programme_for_age", (4, 6), "0.85", "0.80"),
}


def test_shipped_rulesets() -> None:
    assert names() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_ruleset_loads(name: str) -> None:
    ruleset = load(name)
    assert ruleset.name == name
    assert all(c.fact in FACTS for c in ruleset.criteria)
    for standard in ruleset.standards:
        numbers = [lv.level for lv in ruleset.levels_of(standard)]
        assert numbers == list(range(1, len(numbers) + 1))
        for number in numbers:
            assert ruleset.criteria_of(standard, number)
            assert ruleset.share(standard, number)


@pytest.mark.parametrize(
    ("year", "name"),
    [(2014, "nd20-2014"), (2021, "nd20-2014"), (2024, "nd20-2014"), (2025, "nd277-2025"),
     (2030, "nd277-2025")],
)
def test_ruleset_for_a_year(year: int, name: str) -> None:
    assert for_year(year).name == name


def test_no_ruleset_before_2014() -> None:
    with pytest.raises(RulesetError, match="2013"):
        for_year(2013)


def test_years_of_the_shipped_rulesets() -> None:
    assert [(load(n).first_year, load(n).last_year) for n in SHIPPED] == [
        (2014, 2024), (2025, None), (2025, None)
    ]
    assert [load(n).rollup for n in SHIPPED] == ["district", "province", "province"]


@pytest.mark.parametrize("name", SHIPPED)
def test_nd20_commune_criteria_match_rules_md(name: str) -> None:
    ruleset = load(name)
    got = {
        c.key: (c.fact, c.ages, c.ages_especially_difficult, c.threshold,
                c.threshold_especially_difficult)
        for c in ruleset.criteria if c.standard != "preschool_3_5"
    }
    assert got == {
        key: (fact, ages, ages_ed, Fraction(t), Fraction(t_ed))
        for key, (fact, ages, ages_ed, t, t_ed) in ND20_CRITERIA.items()
    }
    assert {(lv.standard, lv.level): lv.requires for lv in ruleset.levels
            if lv.standard != "preschool_3_5"} == ND20_REQUIRES


def test_nd20_shares_match_rules_md() -> None:
    before, after = load("nd20-2014"), load("nd20-2014+2025-two-level")
    for (standard, level), (district, province, two_level) in SHARES.items():
        share = before.share(standard, level)
        assert (share.district, share.province) == (Fraction(district), Fraction(province))
        share = after.share(standard, level)
        assert (share.district, share.province) == (None, Fraction(two_level))
        assert share.province_especially_difficult is None


def test_nd277_matches_rules_md() -> None:
    ruleset = load("nd277-2025")
    assert ruleset.standards == (
        "preschool_5", "preschool_3_5", "primary", "lower_secondary", "literacy"
    )
    got = {c.key: (c.fact, c.ages, c.threshold, c.threshold_especially_difficult)
           for c in ruleset.criteria if c.standard == "preschool_3_5"}
    assert got == {
        key: (fact, ages, Fraction(t), Fraction(t_ed))
        for key, (fact, ages, t, t_ed) in ND277_CRITERIA.items()
    }
    share = ruleset.share("preschool_3_5", 1)
    assert (share.province, share.province_especially_difficult) == (
        Fraction("0.90"), Fraction("0.85")
    )
    assert ruleset.share("literacy", 1).province == Fraction("0.90")  # D1: not 0.81


def test_marks_follow_rules_md() -> None:
    nd20 = load("nd20-2014")
    marks = {c.key: c.mark for c in nd20.criteria}
    unverified = {k for k, m in marks.items() if m == "unverified"}
    assert unverified == {
        "primary.3.grade_1_at_6", "primary.3.completed_at_11",
        "primary.3.others_at_11_in_primary", "lower_secondary.2.graduates",
    }
    assert marks["preschool_5.completed"] == "interpretation"
    assert marks["lower_secondary.3.beyond"] == "practice"
    literacy_2 = next(lv for lv in nd20.levels if lv.standard == "literacy" and lv.level == 2)
    assert literacy_2.requires_mark == "interpretation"
    assert nd20.share("lower_secondary", 2).mark == "unverified"
    assert load("nd20-2014+2025-two-level").unverified == ()
    assert "preschool_3_5" in load("nd277-2025").unverified
    assert all(c.mark == "unverified" for c in load("nd277-2025").criteria
               if c.standard == "preschool_3_5")


def test_the_two_level_shares_are_our_reading_of_nd20_not_nd143() -> None:
    """D2: no text states a province's share of communes, and Decree 143/2025 settles who
    recognises, not the share; each row cites the ND20 article it is derived from and is
    marked [interpretation], in the ruleset and in the ND277 ruleset built on it."""
    for name in ("nd20-2014+2025-two-level", "nd277-2025"):
        for share in load(name).shares:
            if share.standard == "preschool_3_5" or (share.standard, share.level) == (
                    "lower_secondary", 2):
                # ND277's own share, from its draft; ND20 Art 15's 95%, never read
                assert share.mark == "unverified"
                continue
            assert share.mark == "interpretation", (name, share)
            assert "ND143" not in share.source and share.source.startswith("ND20 Art "), share


# --- the loader rejects inconsistent rulesets -------------------------------------------------


def _criterion(standard: str, level: int, fact: str = "literate_1") -> dict[str, Any]:
    return {"key": f"{standard}.{level}.x", "standard": standard, "level": level, "fact": fact,
            "ages": [15, 35], "threshold": "0.9", "source": "test", "mark": "law"}


def _valid() -> dict[str, Any]:
    """A small consistent ruleset: primary levels 1–2, literacy level 1."""
    return {
        "ruleset": {"name": "test", "title": "Test", "sources": ["test"], "first_year": 2020,
                    "rollup": "district", "standards": ["primary", "literacy"]},
        "levels": [
            {"standard": "primary", "level": 1, "source": "test"},
            {"standard": "primary", "level": 2, "requires": [["primary", 1]], "source": "test"},
            {"standard": "literacy", "level": 1, "source": "test"},
        ],
        "criteria": [
            _criterion("primary", 1, "in_grade_1_or_higher"),
            _criterion("primary", 2, "completed_primary"),
            _criterion("literacy", 1),
        ],
        "rollup": [
            {"standard": s, "level": n, "district": "0.9", "province": "1", "source": "test"}
            for s, n in (("primary", 1), ("primary", 2), ("literacy", 1))
        ],
    }


def test_the_base_of_the_rejection_tests_is_valid() -> None:
    ruleset = parse(_valid(), "test")
    assert [c.key for c in ruleset.criteria] == ["primary.1.x", "primary.2.x", "literacy.1.x"]


def _unknown_fact(d: dict[str, Any]) -> None:
    d["criteria"][0]["fact"] = "can_read"


def _threshold_above_one(d: dict[str, Any]) -> None:
    d["criteria"][1]["threshold"] = "1.5"


def _threshold_not_a_string(d: dict[str, Any]) -> None:
    d["criteria"][1]["threshold"] = 0.9


def _threshold_not_a_number(d: dict[str, Any]) -> None:
    d["criteria"][1]["threshold"] = "90%"


def _threshold_zero(d: dict[str, Any]) -> None:
    d["criteria"][1]["threshold_especially_difficult"] = "0"


def _non_contiguous_levels(d: dict[str, Any]) -> None:
    d["levels"][1]["level"] = 3
    d["criteria"][1]["level"] = 3
    d["rollup"][1]["level"] = 3


def _prerequisite_on_a_missing_level(d: dict[str, Any]) -> None:
    d["levels"][1]["requires"] = [["literacy", 2]]


def _prerequisite_on_itself(d: dict[str, Any]) -> None:
    d["levels"][1]["requires"] = [["primary", 2]]


def _cycle(d: dict[str, Any]) -> None:
    d["levels"][0]["requires"] = [["literacy", 1]]
    d["levels"][2]["requires"] = [["primary", 2]]


def _missing_district_share(d: dict[str, Any]) -> None:
    del d["rollup"][2]["district"]


def _missing_rollup_entry(d: dict[str, Any]) -> None:
    del d["rollup"][1]


def _typo_in_a_criterion(d: dict[str, Any]) -> None:
    d["criteria"][0]["treshold"] = d["criteria"][0].pop("threshold")


def _typo_in_the_head(d: dict[str, Any]) -> None:
    d["ruleset"]["last_yaer"] = 2024


def _typo_in_a_rollup(d: dict[str, Any]) -> None:
    d["rollup"][0]["distric"] = d["rollup"][0].pop("district")


def _bad_ages(d: dict[str, Any]) -> None:
    d["criteria"][2]["ages"] = [35, 15]


def _bad_mark(d: dict[str, Any]) -> None:
    d["criteria"][2]["mark"] = "rumour"


def _level_without_criteria(d: dict[str, Any]) -> None:
    del d["criteria"][1]


def _criterion_of_an_undeclared_level(d: dict[str, Any]) -> None:
    d["criteria"].append(_criterion("literacy", 2) | {"key": "literacy.2.x"})


def _duplicate_criterion_key(d: dict[str, Any]) -> None:
    d["criteria"][1]["key"] = "primary.1.x"


def _unknown_rollup_era(d: dict[str, Any]) -> None:
    d["ruleset"]["rollup"] = "region"


def _standard_without_levels(d: dict[str, Any]) -> None:
    d["ruleset"]["standards"].append("preschool_5")


def _last_year_before_first(d: dict[str, Any]) -> None:
    d["ruleset"]["last_year"] = 2019


def _missing_head(d: dict[str, Any]) -> None:
    del d["ruleset"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_unknown_fact, r"criteria “primary\.1\.x”: fact “can_read” không có"),
        (_threshold_above_one,
         r"criteria “primary\.2\.x”: ngưỡng 1\.5 phải lớn hơn 0 và không quá 1"),
        (_threshold_not_a_string, r"criteria “primary\.2\.x”: ngưỡng phải là chuỗi số thập phân"),
        (_threshold_not_a_number, r"ngưỡng “90%” không phải số"),
        (_threshold_zero, r"ngưỡng 0 phải lớn hơn 0"),
        (_non_contiguous_levels, r"các mức của “primary” phải liên tiếp từ 1"),
        (_prerequisite_on_a_missing_level,
         r"“primary” mức 2 đòi “literacy” mức 2, mức này không có"),
        (_prerequisite_on_itself, r"“primary” mức 2 không thể đòi chính nó"),
        (_cycle, r"điều kiện tiên quyết vòng tròn: .*primary 1.*literacy 1"),
        (_missing_district_share, r"rollup #3: thời kỳ có cấp huyện cần tỷ lệ “district”"),
        (_missing_rollup_entry, r"thiếu tỷ lệ tổng hợp \(rollup\) cho “primary” mức 2"),
        (_typo_in_a_criterion, r"criteria “primary\.1\.x”: khóa không hợp lệ \['treshold'\]"),
        (_typo_in_the_head, r"khóa không hợp lệ \['last_yaer'\]"),
        (_typo_in_a_rollup, r"rollup #1: khóa không hợp lệ \['distric'\]"),
        (_bad_ages, r"criteria “literacy\.1\.x”: độ tuổi phải là \[từ, đến\]"),
        (_bad_mark, r"mark “rumour” phải là một trong"),
        (_level_without_criteria, r"mức 2 của “primary” không có tiêu chí"),
        (_criterion_of_an_undeclared_level,
         r"tiêu chí “literacy\.2\.x” thuộc mức chưa khai báo"),
        (_duplicate_criterion_key, r"khóa tiêu chí bị trùng"),
        (_unknown_rollup_era, r"rollup phải là “district” hoặc “province”"),
        (_standard_without_levels, r"các mức của “preschool_5” phải liên tiếp từ 1"),
        (_last_year_before_first, r"last_year trước first_year"),
        (_missing_head, r"thiếu mục \[ruleset\]"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else "",
)
def test_inconsistent_rulesets_are_rejected(mutate: Any, message: str) -> None:
    data = copy.deepcopy(_valid())
    mutate(data)
    with pytest.raises(RulesetError, match=message) as raised:
        parse(data, "test")
    assert str(raised.value).startswith("Bộ quy tắc “test”")


def test_file_name_and_ruleset_name_must_agree() -> None:
    with pytest.raises(RulesetError, match="khác tên tệp"):
        parse(_valid(), "other")


def test_unknown_ruleset_name() -> None:
    with pytest.raises(RulesetError, match="Không có bộ quy tắc “nd99”"):
        load("nd99")
