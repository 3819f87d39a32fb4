"""The 54 official ethnic groups with their statistical codes.

Codes and names follow the General Statistics Office's list (Decision
121-TCTK/PPCĐ, 1979, used by the 2019 census). The survey may give a name in any
common spelling ("H'Mông", "Mông", "Hmông"; "Khơ-me", "Khmer") or the code.
"""

from __future__ import annotations

from phocap.survey.text import fold

# (code, canonical name, other spellings)
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("01", "Kinh", ("Việt",)),
    ("02", "Tày", ()),
    ("03", "Thái", ()),
    ("04", "Hoa", ("Hán",)),
    ("05", "Khmer", ("Khơ-me", "Khơ me", "Khơme")),
    ("06", "Mường", ()),
    ("07", "Nùng", ()),
    ("08", "Mông", ("Hmông", "H'Mông", "Hmong", "Mèo")),
    ("09", "Dao", ()),
    ("10", "Gia Rai", ("Jrai", "Gia-rai")),
    ("11", "Ngái", ()),
    ("12", "Ê Đê", ("Ê-đê", "Rhađê")),
    ("13", "Ba Na", ("Bahnar", "Ba-na")),
    ("14", "Xơ Đăng", ("Xơ-đăng",)),
    ("15", "Sán Chay", ("Cao Lan", "Sán Chí")),
    ("16", "Cơ Ho", ("Cơ-ho", "K'Ho")),
    ("17", "Chăm", ("Chàm",)),
    ("18", "Sán Dìu", ()),
    ("19", "Hrê", ("H'rê",)),
    ("20", "Mnông", ("M'Nông",)),
    ("21", "Ra Glai", ("Raglai", "Ra-glai")),
    ("22", "Xtiêng", ("Xtiêng", "Stiêng")),
    ("23", "Bru Vân Kiều", ("Bru-Vân Kiều", "Vân Kiều")),
    ("24", "Thổ", ()),
    ("25", "Giáy", ()),
    ("26", "Cơ Tu", ("Cơ-tu",)),
    ("27", "Gié Triêng", ("Giẻ Triêng", "Gié-Triêng")),
    ("28", "Mạ", ()),
    ("29", "Khơ Mú", ("Khơ-mú", "Khmu")),
    ("30", "Co", ("Cor",)),
    ("31", "Tà Ôi", ("Tà-ôi",)),
    ("32", "Chơ Ro", ("Chơ-ro",)),
    ("33", "Kháng", ()),
    ("34", "Xinh Mun", ("Xinh-mun",)),
    ("35", "Hà Nhì", ()),
    ("36", "Chu Ru", ("Chu-ru",)),
    ("37", "Lào", ()),
    ("38", "La Chí", ()),
    ("39", "La Ha", ()),
    ("40", "Phù Lá", ()),
    ("41", "La Hủ", ()),
    ("42", "Lự", ()),
    ("43", "Lô Lô", ()),
    ("44", "Chứt", ()),
    ("45", "Mảng", ()),
    ("46", "Pà Thẻn", ()),
    ("47", "Cơ Lao", ()),
    ("48", "Cống", ()),
    ("49", "Bố Y", ()),
    ("50", "Si La", ()),
    ("51", "Pu Péo", ()),
    ("52", "Brâu", ()),
    ("53", "Ơ Đu", ()),
    ("54", "Rơ Măm", ()),
)

NAMES: tuple[str, ...] = tuple(name for _, name, _ in GROUPS)
KINH = "Kinh"


def _key(text: str) -> str:
    return fold(text).replace(" ", "")


# Folded spelling (spaces, hyphens and apostrophes dropped) or code → canonical name.
LOOKUP: dict[str, str] = {}
for _code, _name, _others in GROUPS:
    LOOKUP[_code] = _name
    LOOKUP[str(int(_code))] = _name
    for _spelling in (_name, *_others):
        LOOKUP[_key(_spelling)] = _name


def canonical(value: str) -> str | None:
    """Canonical group name for a name or code in any common spelling, else None."""
    return LOOKUP.get(_key(value))
