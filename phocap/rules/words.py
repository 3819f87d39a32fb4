"""How the rulesets' keys and citations read in Vietnamese, once for every output.

The rulesets cite their law in a compact form ("ND20 Art 16; ND143/2025") and name
their criteria by key ("primary.3.share_of_communes"); an officer writes "Điều 16
Nghị định 20/2014/NĐ-CP" and "Tỷ lệ xã đạt chuẩn PCGDTH mức độ 3", and reasons in
the age group a criterion counts ("trẻ 11 tuổi", "người 15–18 tuổi"). The results
pages, the recognition forms, the XLSX exports and the printed dossier all read
them through this module, so one citation or label never reads two ways.

No Django: the engine's exports and the PDF dossier use it as the web pages do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Protocol, TypeVar

from phocap.rules.ruleset import FACTS, STANDARD_NAMES_VI, Criterion, RulesetError, load, names

# The documents the rulesets cite, by the short name they use (rules/data/*.toml).
DOCUMENTS: dict[str, str] = {
    "ND20": "Nghị định 20/2014/NĐ-CP",
    "ND142": "Nghị định 142/2025/NĐ-CP",
    "ND143": "Nghị định 143/2025/NĐ-CP",
    "ND277": "Nghị định 277/2025/NĐ-CP",
    "TT07": "Thông tư 07/2016/TT-BGDĐT",
}
_KINDS = {"ND": ("Nghị định", "NĐ-CP"), "TT": ("Thông tư", "TT-BGDĐT")}
_CITED = re.compile(r"(ND|TT)(\d+)(?:/(\d{4}))?(?: Arts? (\d+(?:[–-]\d+)?))?")

# The standards as officers abbreviate them in "đạt chuẩn … mức độ n".
STANDARD_ABBREVIATIONS: dict[str, str] = {
    "preschool_5": "PCGDMN cho trẻ 5 tuổi",
    "preschool_3_5": "PCGDMN cho trẻ 3–5 tuổi",
    "primary": "PCGDTH",
    "lower_secondary": "PCGDTHCS",
    "literacy": "XMC",
}
# The standards' short names, as the results tables head their columns.
SHORT_VI: dict[str, str] = {
    "preschool_5": "MN 5 tuổi",
    "preschool_3_5": "MN 3–5 tuổi",
    "primary": "Tiểu học",
    "lower_secondary": "THCS",
    "literacy": "XMC",
}
PEOPLE, COMMUNES, DISTRICTS = "người", "xã", "huyện"
_SHARE = re.compile(r"(\w+)\.(\d+)\.share_of_(?:(normal|especially_difficult)_)?"
                    r"(communes|districts)")


def citation(source: str) -> str:
    """A ruleset's citation as an officer writes it: "ND20 Art 16" → "Điều 16 Nghị định
    20/2014/NĐ-CP"; "ND20 Art 9; ND143/2025" → "Điều 9 Nghị định 20/2014/NĐ-CP; Nghị định
    143/2025/NĐ-CP". Text in another form is left as it is."""
    return "; ".join(_one(part.strip()) for part in source.split(";") if part.strip())


def _one(part: str) -> str:
    found = _CITED.fullmatch(part)
    if found is None:
        return part
    kind, number, year, article = found.groups()
    document = DOCUMENTS.get(f"{kind}{number}")
    if year or document is None:
        word, suffix = _KINDS[kind]
        document = f"{word} {number}/{year}/{suffix}" if year else f"{word} {number}"
    return f"Điều {article.replace('-', '–')} {document}" if article else document


def ruleset_title(name: str) -> str:
    """A ruleset by its document's name ("Nghị định 20/2014/NĐ-CP về phổ cập giáo dục, xóa
    mù chữ"), never its key; an unknown key (an old snapshot) as stored."""
    try:
        return load(name).title
    except RulesetError:
        return name


@cache
def _criteria() -> dict[str, Criterion]:
    return {c.key: c for name in names() for c in load(name).criteria}


def cohort(ages: tuple[int, int]) -> str:
    """"trẻ 11 tuổi", "người 15–18 tuổi": children up to 14, people from 15 (the ages the
    decree counts adolescents and adults from, ND20 Arts 12 and 19)."""
    low, high = ages
    who = "trẻ" if high < 15 else "người"
    return f"{who} {low} tuổi" if low == high else f"{who} {low}–{high} tuổi"


def counted(key: str) -> str:
    """What a criterion counts, the unit of its shortfall: people, or communes and
    districts for a district's or province's share (engine/rollup.py keys)."""
    if key.endswith("_districts"):
        return DISTRICTS
    if key.endswith("_communes"):
        return COMMUNES
    return PEOPLE


def _share(key: str) -> str | None:
    """"primary.3.share_of_communes" → "Tỷ lệ xã đạt chuẩn PCGDTH mức độ 3"; None for a
    key that is not a roll-up share."""
    found = _SHARE.fullmatch(key)
    if found is None:
        return None
    standard, level, group, kind = found.groups()
    units = {"communes": COMMUNES, "districts": DISTRICTS}[kind]
    units += {"normal": " không thuộc diện đặc biệt khó khăn",
              "especially_difficult": " đặc biệt khó khăn"}.get(group or "", "")
    return (f"Tỷ lệ {units} đạt chuẩn {STANDARD_ABBREVIATIONS.get(standard, standard)}"
            f" mức độ {level}")


def label(key: str, ages: tuple[int, int] | None = None) -> str:
    """A criterion key in words, with the age group it counts: "Tiểu học mức 2: trẻ 11 tuổi
    đã hoàn thành chương trình tiểu học". ``ages`` is a commune's own cohort (an especially
    difficult commune's may differ); without it the ruleset's, with the especially
    difficult communes' when it differs. A roll-up share reads "Tỷ lệ xã đạt chuẩn PCGDTH
    mức độ 3"; a standard's key its name."""
    criterion = _criteria().get(key)
    if criterion is not None:
        standard = SHORT_VI.get(criterion.standard, criterion.standard)
        fact = FACTS.get(criterion.fact, criterion.fact)
        if ages is not None:
            who = cohort(ages)
        else:
            who = cohort(criterion.ages)
            if criterion.ages_especially_difficult != criterion.ages:
                low, high = criterion.ages_especially_difficult
                who += f" (xã đặc biệt khó khăn: {low}–{high} tuổi)"
        return f"{standard} mức {criterion.level}: {who} {fact}"
    share = _share(key)
    if share is not None:
        return share
    return STANDARD_NAMES_VI.get(key, key)


# --- What a mark means for the officer ---------------------------------------------------
#
# A criterion, roll-up share or prerequisite marked [unverified] or [interpretation]
# (docs/rules.md, "Marks used") never reaches an officer as a bare word: it reads as what
# is uncertain, what phocap does meanwhile, and what that means for the result, once, here.
# The results pages, the dossier (page and PDF), the forms, the schools' norms and the
# command line all say it through ``explained`` and ``verdict_note``.

UNVERIFIED, INTERPRETATION = "unverified", "interpretation"
# The marks that explain themselves; "law" and "practice" need no warning.
MARK_NAMES: dict[str, str] = {UNVERIFIED: "chưa kiểm chứng",
                              INTERPRETATION: "cách hiểu của phocap"}
# What phocap does meanwhile and what it means for the officer's result.
MEANWHILE: dict[str, str] = {
    UNVERIFIED: "phocap dùng tạm để tính. Nếu văn bản chính thức khác, kết quả có thể"
                " thay đổi.",
    INTERPRETATION: "phocap tính theo cách hiểu này cho đến khi có văn bản hướng dẫn. Nếu"
                    " cơ quan công nhận hiểu khác, kết quả có thể thay đổi.",
}
# What is uncertain when nothing more particular is known (the schools' norms).
GENERAL_DOUBT: dict[str, str] = {
    UNVERIFIED: "Lấy từ nguồn thứ cấp (bản tóm tắt, bản tin, dự thảo), chưa đối chiếu được"
                " văn bản gốc;",
    INTERPRETATION: "Văn bản không nói rõ điểm này;",
}

_ND20_LEVEL_3 = ("Ngưỡng mức độ 3 của Điều 11 Nghị định 20/2014/NĐ-CP lấy từ bản tin"
                 " chính thức, chưa đọc được nguyên văn điều này;")
_PROVINCE_SHARE = ("Từ 01/7/2025 không còn cấp huyện và chưa có văn bản nào quy định tỉnh"
                   " cần bao nhiêu phần trăm số xã đạt chuẩn; phocap lấy tỷ lệ số xã mà"
                   " Nghị định 20/2014/NĐ-CP yêu cầu đối với huyện;")
# What is uncertain, by criterion key, roll-up share key ("literacy.1.share_of_communes")
# or prerequisite ("literacy.2.requires"); ``DOUBTS_BY_STANDARD`` for a whole standard
# whose text was not read.
DOUBTS: dict[str, str] = {
    "preschool_5.completed": (
        "Nghị định nói trẻ 5 tuổi hoàn thành chương trình; phocap đếm trên trẻ 6 tuổi của"
        " năm điều tra, tức là trẻ 5 tuổi của năm học vừa kết thúc;"),
    "primary.3.grade_1_at_6": _ND20_LEVEL_3,
    "primary.3.completed_at_11": _ND20_LEVEL_3,
    "primary.3.others_at_11_in_primary": (
        _ND20_LEVEL_3.removesuffix(";") + " (mức độ 3 đã đòi đạt mức độ 2, có cùng tiêu chí"
        " này, nên tiêu chí không làm đổi kết quả);"),
    "lower_secondary.2.graduates": (
        "Ngưỡng mức độ 2 của Điều 15 Nghị định 20/2014/NĐ-CP (90%, xã đặc biệt khó khăn 80%)"
        " lấy từ nguồn thứ cấp và theo mức độ 1, mức độ 3; chưa đọc được nguyên văn điều"
        " này;"),
    "lower_secondary.2.share_of_communes": (
        "Tỷ lệ 95% số xã đạt chuẩn THCS mức độ 2 (Điều 15 Nghị định 20/2014/NĐ-CP, đối với"
        " huyện) lấy từ nguồn thứ cấp, chưa đọc được nguyên văn; từ 01/7/2025 không còn cấp"
        " huyện và phocap áp dụng tỷ lệ này cho số xã của tỉnh;"),
    "lower_secondary.2.share_of_districts": (
        "Tỷ lệ 100% số huyện đạt chuẩn THCS mức độ 2 (Điều 15 Nghị định 20/2014/NĐ-CP) lấy"
        " từ nguồn thứ cấp, chưa đọc được nguyên văn;"),
    "literacy.1.share_of_communes": (
        _PROVINCE_SHARE.removesuffix(";") + " (90%). Nếu nhân hai tỷ lệ của Nghị định"
        " (90% số xã của huyện × 90% số huyện của tỉnh), tỉnh chỉ cần 81% số xã;"),
    "inclusion.disabled_in_education": (
        "Tỷ lệ này (và mức “ít nhất 60%” đôi khi được nêu) được dẫn theo Điều 2 Thông tư"
        " 07/2016/TT-BGDĐT nhưng chưa tìm thấy trong văn bản; phocap chỉ báo cáo tỷ lệ, không"
        " áp ngưỡng nào và không dùng để xét công nhận, nên không mức đạt chuẩn nào phụ thuộc"
        " vào nó;"),
    "preschool_3_5.completed": (
        "Tỷ lệ hoàn thành chương trình được tính chung cho ba độ tuổi (một tỷ lệ, như dự thảo"
        " Nghị định 277 và biểu MN-01-TE), không xét riêng từng tuổi; trẻ hoàn thành chương"
        " trình tuổi a là trẻ a + 1 tuổi đã lên lớp trên (hoặc 6 tuổi đã hoàn thành chương"
        " trình giáo dục mầm non). Biểu MN-01-TE tính theo chú thích của biểu (học 2 buổi/ngày,"
        " nghỉ không quá 45 ngày) từ sổ điểm danh, nên số trên biểu có thể khác số ở đây;"),
    "preschool_3_5.1.share_of_normal_communes": (
        "Dự thảo Nghị định 277 yêu cầu 90% số xã “vùng thuận lợi”; phocap tính mọi xã không"
        " thuộc danh sách đặc biệt khó khăn vào nhóm này. Nếu văn bản có thêm nhóm “vùng khó"
        " khăn” với ngưỡng khác, các xã của nhóm đó đang bị xét chặt hơn (90%);"),
    "literacy.2.requires": (
        "Điều 21 Nghị định 20/2014/NĐ-CP không nói xã phải đạt xóa mù chữ mức độ 1 mới đạt"
        " mức độ 2; phocap đòi điều đó để không xã nào đạt mức độ 2 mà chưa đạt mức độ 1;"),
}
DOUBTS_BY_STANDARD: dict[str, str] = {
    # D4–D6 of the legal review (docs/rules.md §5): the draft's thresholds, and the year
    # the decree is first applied.
    "preschool_3_5": ("Ngưỡng này lấy từ bản dự thảo và tin báo về Nghị định 277/2025/NĐ-CP,"
                      " chưa đọc được văn bản chính thức; năm điều tra 2025 được xét theo Nghị"
                      " định này dù Nghị định ký ngày 20/10/2025, sau thời điểm điều tra"
                      " 30/9/2025, vì việc kiểm tra, công nhận năm 2025 diễn ra sau ngày đó và"
                      " biểu mẫu năm học 2025–2026 đã theo Nghị định này (nếu cấp trên hướng dẫn"
                      " chỉ xét từ năm 2026, kết quả trẻ 3–5 tuổi của năm 2025 chỉ để tham"
                      " khảo);"),
}
# Who decides a recognition from 1 July 2025, where the texts read leave it open
# (docs/rules.md §4; recognition/printing.authority_of): said beside the addressee.
AUTHORITY_CAVEATS: dict[str, str] = {
    "commune_from_2025": (
        "Cách hiểu của phocap: Nghị định 142/2025/NĐ-CP chuyển các việc của cấp huyện lên"
        " cấp tỉnh và cấp xã; việc công nhận xã được hiểu là chuyển lên tỉnh, nhưng chưa đọc"
        " được cơ quan nào của tỉnh ký quyết định. phocap gửi hồ sơ đến Ủy ban nhân dân tỉnh;"
        " nếu tỉnh giao việc này cho cơ quan khác, nơi nhận hồ sơ có thể thay đổi."),
    "one_level_from_2025": (
        "Cách hiểu của phocap: Nghị định 143/2025/NĐ-CP giao Chủ tịch Ủy ban nhân dân tỉnh"
        " công nhận tỉnh đạt chuẩn phổ cập giáo dục mức độ 1 và mức độ 2; tiêu chuẩn này chỉ"
        " có một mức, phocap coi là mức độ 1. Nếu có hướng dẫn khác, nơi nhận hồ sơ có thể"
        " thay đổi."),
}
# A two-level roll-up share with no doubt of its own.
_SHARE_DOUBT = {INTERPRETATION: _PROVINCE_SHARE}


def doubt(key: str, mark: str) -> str | None:
    """What is uncertain about ``key`` under ``mark``, in plain Vietnamese; None when
    nothing particular is written (tests/test_rule_words.py holds every marked entry of
    every ruleset to having one)."""
    if key in DOUBTS:
        return DOUBTS[key]
    standard = key.split(".", 1)[0]
    if standard in DOUBTS_BY_STANDARD:
        return DOUBTS_BY_STANDARD[standard]
    if _SHARE.fullmatch(key):
        return _SHARE_DOUBT.get(mark)
    return None


def explained(key: str, mark: str) -> str:
    """A marked entry in words: "Chưa kiểm chứng: <what is uncertain>; phocap dùng tạm để
    tính. Nếu văn bản chính thức khác, kết quả có thể thay đổi."; "" for law and
    practice."""
    if mark not in MARK_NAMES:
        return ""
    what = doubt(key, mark) or GENERAL_DOUBT[mark]
    name = MARK_NAMES[mark]
    return f"{name[0].upper()}{name[1:]}: {what} {MEANWHILE[mark]}"


def mark_explained(mark: str) -> str:
    """A mark with nothing known of the entry but its mark (the schools' norms):
    "Chưa kiểm chứng: lấy từ nguồn thứ cấp …; phocap dùng tạm để tính. …"."""
    if mark not in MARK_NAMES:
        return ""
    name = MARK_NAMES[mark]
    what = GENERAL_DOUBT[mark]
    return f"{name[0].upper()}{name[1:]}: {what[0].lower()}{what[1:]} {MEANWHILE[mark]}"


class Marked(Protocol):
    """A criterion as judged (engine CriterionResult, the dossier's Criterion)."""

    @property
    def key(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def mark(self) -> str: ...
    @property
    def passed(self) -> bool | None: ...


M = TypeVar("M", bound=Marked)


def deciding(level: int, criteria: Iterable[M]) -> list[M]:
    """The marked criteria a standard's ``level`` rests on: one that passed at a level
    reached (had it failed, the level would be lower) and one that failed at the next
    level (had it passed, the level could be higher). Not applicable decides nothing."""
    return [c for c in criteria if c.mark in MARK_NAMES
            and ((c.passed is True and c.level <= level)
                 or (c.passed is False and c.level == level + 1))]


def verdict_note(criteria: Iterable[Marked], labels: Iterable[str] | None = None) -> str:
    """Beside a verdict that rests on marked criteria: "Mức này dựa vào: <label> (chưa
    kiểm chứng); … Nếu văn bản chính thức hoặc cơ quan công nhận khác, mức này có thể
    thay đổi."; "" when none. ``labels`` are the criteria's own (a commune's cohort)."""
    criteria = list(criteria)
    if not criteria:
        return ""
    names = list(labels) if labels is not None else [label(c.key) for c in criteria]
    parts = "; ".join(f"{name} ({MARK_NAMES[c.mark]})" for name, c in zip(names, criteria,
                                                                         strict=True))
    return (f"Mức này dựa vào: {parts}. Nếu văn bản chính thức hoặc cơ quan công nhận khác,"
            " mức này có thể thay đổi.")
