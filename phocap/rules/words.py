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
from functools import cache

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
# What a reading marked [unverified] or [interpretation] means for the officer whose level
# it decides, in plain words, by the key the results list it under (a standard or a
# criterion). Every page that says "chưa kiểm chứng" says this beside it (docs/rules.md).
MEANINGS: dict[str, tuple[str, ...]] = {
    "preschool_3_5": (
        "Các ngưỡng của Nghị định 277/2025/NĐ-CP (90% trẻ 3–5 tuổi đến lớp, 85% hoàn thành "
        "chương trình; xã đặc biệt khó khăn 85% và 80%) lấy từ dự thảo và báo chí, chưa đối "
        "chiếu được toàn văn. Nếu văn bản chính thức khác, mức đạt chuẩn có thể khác: đối "
        "chiếu với văn bản trước khi lập hồ sơ đề nghị công nhận.",
        "Năm điều tra 2025 được xét theo Nghị định 277/2025/NĐ-CP dù Nghị định ký ngày "
        "20/10/2025, sau thời điểm điều tra 30/9/2025, vì việc kiểm tra, công nhận năm 2025 "
        "diễn ra sau ngày đó và biểu mẫu năm học 2025–2026 đã theo Nghị định này. Nếu cơ quan "
        "cấp trên hướng dẫn chỉ xét từ năm 2026, kết quả trẻ 3–5 tuổi của năm 2025 chỉ để "
        "tham khảo.",
    ),
    "preschool_3_5.completed": (
        "Tỷ lệ hoàn thành chương trình được tính chung cho ba độ tuổi (một tỷ lệ, như dự thảo "
        "Nghị định 277 và biểu MN-01-TE), không xét riêng từng tuổi; trẻ hoàn thành chương "
        "trình tuổi a là trẻ a + 1 tuổi đã lên lớp trên (hoặc 6 tuổi đã hoàn thành chương trình "
        "giáo dục mầm non). Biểu MN-01-TE tính theo chú thích của biểu (học 2 buổi/ngày, nghỉ "
        "không quá 45 ngày) từ sổ điểm danh, nên số trên biểu có thể khác số ở đây.",
    ),
    "preschool_3_5.1.share_of_normal_communes": (
        "Dự thảo Nghị định 277 yêu cầu 90% số xã “vùng thuận lợi”; phần mềm tính mọi xã không "
        "thuộc danh sách đặc biệt khó khăn vào nhóm này. Nếu văn bản có thêm nhóm “vùng khó "
        "khăn” với ngưỡng khác, các xã của nhóm đó đang bị xét chặt hơn (90%).",
    ),
}

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


def meaning(key: str) -> str:
    """What a reading that decides a level means for the officer (MEANINGS), or ""."""
    return " ".join(MEANINGS.get(key, ()))


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
    if key == "rollup":
        return "tỷ lệ đơn vị đạt chuẩn để công nhận cấp tỉnh từ 01/7/2025"
    return STANDARD_NAMES_VI.get(key, key)
