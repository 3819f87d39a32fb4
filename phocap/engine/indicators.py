"""Mobilisation and SDG 4 indicators reported beside the standards (docs/rules.md §7).

Each indicator is a numerator count over a denominator count, both computed in
the engine's single pass, so they add up from communes to districts and
provinces. Populations are the residents of the register (moved-away and
deceased people excluded) [practice]; official ages follow the GSO definitions
(primary 6–10, THCS 11–14, THPT 15–17).
"""

from __future__ import annotations

from dataclasses import dataclass

from phocap.engine.counts import ALL_AGES, Count


@dataclass(frozen=True)
class Indicator:
    key: str
    label_vi: str
    numerator: Count
    denominator: Count
    source: str
    mark: str = "law"  # docs/rules.md "Marks used"; said through rules/words.explained


def _resident(lo: int, hi: int, fact: str = "everyone") -> Count:
    return Count("resident", fact, lo, hi)


def _enrolled_any_age(fact: str) -> Count:
    return Count("resident", fact, *ALL_AGES)


INDICATORS: tuple[Indicator, ...] = (
    # Nursery age is 3–36 months (nurseries take children from three months to three
    # years: Law on Education 2005 Art 25, read in a legal Q&A; the article of the 2019
    # law that replaced it was not read), but the survey gives some people a year of birth
    # alone and ages are Y − year of birth (docs/rules.md §1): the row counts ages 0–2
    # by year of birth (babies under 3 months included, children of 33–35 months born
    # late in Y − 3 not) and its label says so (docs/rules.md §7).
    Indicator("mobilisation.nursery_0_2", "Huy động trẻ nhà trẻ (0–2 tuổi theo năm sinh)",
              _resident(0, 2, "in_nursery"), _resident(0, 2), "docs/rules.md §7"),
    Indicator("mobilisation.kindergarten_3_5", "Huy động trẻ mẫu giáo (3–5 tuổi)",
              _resident(3, 5, "in_kindergarten"), _resident(3, 5), "docs/rules.md §7"),
    Indicator("mobilisation.kindergarten_5", "Huy động trẻ 5 tuổi ra lớp",
              _resident(5, 5, "in_kindergarten"), _resident(5, 5), "docs/rules.md §7"),
    Indicator("mobilisation.primary_6_10", "Huy động trẻ 6–10 tuổi học tiểu học",
              _resident(6, 10, "in_primary"), _resident(6, 10), "docs/rules.md §7"),
    Indicator("mobilisation.grade_6_at_11", "Huy động trẻ 11 tuổi vào lớp 6",
              _resident(11, 11, "in_grade_6"), _resident(11, 11), "docs/rules.md §7"),
    Indicator("mobilisation.lower_secondary_11_14", "Huy động trẻ 11–14 tuổi học THCS",
              _resident(11, 14, "in_lower_secondary"), _resident(11, 14), "docs/rules.md §7"),
    Indicator("enrolment.gross.primary", "Tỷ lệ nhập học chung tiểu học",
              _enrolled_any_age("in_primary"), _resident(6, 10), "GSO"),
    Indicator("enrolment.net.primary", "Tỷ lệ nhập học đúng tuổi tiểu học",
              _resident(6, 10, "in_primary"), _resident(6, 10), "GSO"),
    Indicator("enrolment.gross.lower_secondary", "Tỷ lệ nhập học chung THCS",
              _enrolled_any_age("in_lower_secondary"), _resident(11, 14), "GSO"),
    Indicator("enrolment.net.lower_secondary", "Tỷ lệ nhập học đúng tuổi THCS",
              _resident(11, 14, "in_lower_secondary"), _resident(11, 14), "GSO"),
    Indicator("enrolment.gross.upper_secondary", "Tỷ lệ nhập học chung THPT",
              _enrolled_any_age("in_upper_secondary"), _resident(15, 17), "GSO"),
    Indicator("enrolment.net.upper_secondary", "Tỷ lệ nhập học đúng tuổi THPT",
              _resident(15, 17, "in_upper_secondary"), _resident(15, 17), "GSO"),
    Indicator("out_of_school.primary_age", "Trẻ 6–10 tuổi không đi học",
              _resident(6, 10, "not_enrolled"), _resident(6, 10), "UIS SDG 4.1.4"),
    Indicator("out_of_school.lower_secondary_age", "Trẻ 11–14 tuổi không đi học",
              _resident(11, 14, "not_enrolled"), _resident(11, 14), "UIS SDG 4.1.4"),
    Indicator("out_of_school.upper_secondary_age", "Thanh thiếu niên 15–17 tuổi không đi học",
              _resident(15, 17, "not_enrolled"), _resident(15, 17), "UIS SDG 4.1.4"),
    # Completion (SDG 4.1.2): the cohort 3–5 years older than the official age of
    # the level's last grade (10, 14, 17) who completed it.
    Indicator("completion.primary", "Tỷ lệ hoàn thành tiểu học (13–15 tuổi)",
              _resident(13, 15, "completed_primary"), _resident(13, 15), "UIS SDG 4.1.2"),
    Indicator("completion.lower_secondary", "Tỷ lệ hoàn thành THCS (17–19 tuổi)",
              _resident(17, 19, "lower_secondary_graduate"), _resident(17, 19), "UIS SDG 4.1.2"),
    Indicator("completion.upper_secondary", "Tỷ lệ hoàn thành THPT (20–22 tuổi)",
              _resident(20, 22, "upper_secondary_graduate"), _resident(20, 22), "UIS SDG 4.1.2"),
    Indicator("upper_secondary_diploma_18_21", "Người 18–21 tuổi có bằng THPT",
              _resident(18, 21, "upper_secondary_graduate"), _resident(18, 21), "docs/rules.md §7"),
    Indicator("repetition.primary", "Tỷ lệ lưu ban tiểu học",
              _enrolled_any_age("repeating_primary"), _enrolled_any_age("in_primary"),
              "docs/rules.md §7"),
    Indicator("repetition.lower_secondary", "Tỷ lệ lưu ban THCS",
              _enrolled_any_age("repeating_lower_secondary"),
              _enrolled_any_age("in_lower_secondary"), "docs/rules.md §7"),
    # Inclusion: people with disabilities who can study and have access to education;
    # school ages 3–18 [interpretation]. Cited as TT07 Art 2, with "at least 60%", but
    # neither was found in the text (D15 of the legal review) [unverified]: reported,
    # never judged.
    Indicator("inclusion.disabled_in_education", "Người khuyết tật có khả năng học được đi học",
              Count("resident", "disabled_can_study_enrolled", 3, 18),
              Count("resident", "disabled_can_study", 3, 18), "TT07 Art 2", "unverified"),
)


def indicator_counts() -> list[Count]:
    return sorted({c for i in INDICATORS for c in (i.numerator, i.denominator)})
