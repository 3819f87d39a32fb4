"""Vietnamese typed in the legacy font encodings, TCVN3 (ABC) and VNI-Windows, found and
converted to Unicode.

Before Unicode, Vietnamese was typed in fonts that redraw Latin-1 letters:
with a ".VnTime" (TCVN3) font, "Nguyễn" is stored as "NguyÔn" and "Hà Giang"
as "Hµ Giang"; with a "VNI-Times" font, as "Nguyeãn" and "Haø Giang". An
old spreadsheet keeps those bytes inside an XLSX, so the file reads without
error and the register would hold "NguyÔn" for ever, never matching the
same person typed in Unicode. The readers warn on such cells (file, sheet,
row, column, value, and what it reads as), and ``phocap unicode`` converts
a file.

The tables follow the published code tables: TCVN 5712:1993 (VN3), one byte
per letter, where only lower-case toned letters exist (the upper-case
".VnTimeH" fonts draw the same bytes in capitals, so capitals typed that way
come out in lower case here); and VNI-Windows, a base letter followed by one
byte for its marks (circumflex or breve and tone together), with đ, ơ, ư
and the toned i's as single bytes.

A cell is suspected only when it holds a Latin-1 character that no
Vietnamese word uses (µ, §, ¸, Ö, ø, ï…); it is then read both ways and the
reading that gives real Vietnamese (no stray symbol, no mark on a consonant,
at most one tone per word) is offered. Text in Unicode is never suspected.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import pairwise
from typing import Final

TCVN3: Final = "TCVN3"
VNI: Final = "VNI"

_TCVN3_TABLE: Final = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}

# Combining marks: circumflex, breve, horn; grave, acute, hook above, tilde, dot below.
_HAT, _BREVE = "\u0302", "\u0306"
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_TONES: Final = frozenset((_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT))

# VNI-Windows, lower-case byte → what it stands for; the capital is 0x20 lower.
_VNI_LOWER: Final = {
    # single letters
    0xF1: "đ", 0xF4: "ơ", 0xF6: "ư",
    0xEC: "ì", 0xED: "í", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị",
    # marks on the letter before: a tone alone
    0xF8: _GRAVE, 0xF9: _ACUTE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT,
    # the circumflex, alone or with a tone
    0xE2: _HAT, 0xE0: _HAT + _GRAVE, 0xE1: _HAT + _ACUTE, 0xE5: _HAT + _HOOK,
    0xE3: _HAT + _TILDE, 0xE4: _HAT + _DOT,
    # the breve, alone or with a tone
    0xEA: _BREVE, 0xE8: _BREVE + _GRAVE, 0xE9: _BREVE + _ACUTE, 0xFA: _BREVE + _HOOK,
    0xFC: _BREVE + _TILDE, 0xEB: _BREVE + _DOT,
}
_VNI_TABLE: Final = {
    **_VNI_LOWER,
    **{byte - 0x20: value.upper() for byte, value in _VNI_LOWER.items()},
}

_TCVN3_MAP: Final = str.maketrans({chr(b): c for b, c in _TCVN3_TABLE.items()})
_VNI_MAP: Final = str.maketrans({chr(b): c for b, c in _VNI_TABLE.items()})

# The Latin-1 letters Vietnamese itself uses (à, á, â, ã, è, é, ê, ì, í, ò, ó, ô, õ, ù, ú, ý).
_VIETNAMESE_LATIN1: Final = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
FOREIGN: Final = "".join(chr(c) for c in range(0xA1, 0x100) if chr(c) not in _VIETNAMESE_LATIN1)
"""Latin-1 characters no Vietnamese word uses."""
# What gives each encoding away: TCVN3 its symbols (µ ¸ ª § ­…) and a capital inside a
# word ("NguyÔn"); VNI a vowel followed by its mark bytes ("Nguyeãn", "Vaên", "Haø").
_TCVN3_SIGN: Final = "[\u00a1-\u00bf]|[a-z][ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝÇÖ]"
_VNI_SIGN: Final = "[aeAE][ÂÀÁÃÄÅÊÈÉâàáãäåêèé]|[oO][âäåÂÄÅ]|[øûïØÛÏöÖñÑæÆ]"
SUSPECT: Final = f"[{re.escape(FOREIGN)}]|{_TCVN3_SIGN}|{_VNI_SIGN}"
"""A regular expression (for Python and polars alike) matching a cell worth reading both
ways; Unicode Vietnamese never matches it."""
_SUSPECT: Final = re.compile(SUSPECT)
_SIGNS: Final = {TCVN3: re.compile(_TCVN3_SIGN), VNI: re.compile(_VNI_SIGN)}
_WORD: Final = re.compile(r"[^\W\d_]+")


def from_tcvn3(text: str) -> str:
    """TCVN3 (ABC) text read as Unicode NFC."""
    return unicodedata.normalize("NFC", text.translate(_TCVN3_MAP))


def from_vni(text: str) -> str:
    """VNI-Windows text read as Unicode NFC."""
    return unicodedata.normalize("NFC", text.translate(_VNI_MAP))


def _oddities(text: str) -> int:
    """How far a reading is from Vietnamese: stray symbols, marks left on consonants,
    capitals inside words, words with more than one tone."""
    odd = sum(1 for ch in text if ch in FOREIGN or unicodedata.combining(ch))
    for word in _WORD.findall(text):
        odd += sum(1 for before, ch in pairwise(word) if before.islower() and ch.isupper())
        tones = sum(1 for ch in unicodedata.normalize("NFD", word) if ch in _TONES)
        odd += max(tones - 1, 0)
    return odd


def legacy_reading(text: str) -> tuple[str, str] | None:
    """(encoding, Unicode text) when ``text`` looks typed in TCVN3 or VNI, else None.

    Of the two readings, the one closer to Vietnamese wins; between two equally
    plausible ones, the encoding whose signature the text carries.
    """
    if not _SUSPECT.search(text):
        return None
    readings = [(encoding, convert(text)) for encoding, convert in
                ((TCVN3, from_tcvn3), (VNI, from_vni))]
    encoding, converted = min(readings, key=lambda reading: (
        _oddities(reading[1]), not _SIGNS[reading[0]].search(text)))
    if _oddities(converted) or converted == text:
        return None
    return encoding, converted


def to_unicode(text: str) -> str:
    """``text`` in Unicode: converted when it looks typed in a legacy font, else unchanged."""
    found = legacy_reading(text)
    return text if found is None else found[1]


def convert_column(values: list[str | None]) -> tuple[list[str | None], Counter[str]]:
    """A column with every legacy-font cell in Unicode, and how many of each were converted."""
    counts: Counter[str] = Counter()
    out: list[str | None] = []
    for value in values:
        reading = legacy_reading(value) if value else None
        if reading is not None:
            counts[reading[0]] += 1
            value = reading[1]
        out.append(value)
    return out, counts
