"""Vietnamese text normalisation and folding.

Vietnamese arrives in many byte-level spellings of the same word: composed or
decomposed Unicode, and two conventions for where the tone mark sits in the
open syllables -oa, -oe, -uy ("hoà" vs "hòa", "thuỷ" vs "thủy"). The official
unit lists themselves mix both. ``normalize`` makes one spelling of each word so
that equality means equality; ``fold`` drops every mark (and maps đ to d) for
accent-insensitive matching, which is only ever a fallback.

The polars expressions do the same work column-wise for files of millions of
rows; the Python functions serve single values (headers, look-ups).
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

# Tone marks as combining characters (NFD): grave, acute, hook, tilde, dot below.
TONES = "\u0300\u0301\u0309\u0303\u0323"
_TONE_CLASS = f"[{TONES}]"
_LETTER_OR_MARK = r"[^\W\d_]|[\u0300-\u036f]"

# Canonical placement is the traditional one ("hòa", "khỏe", "thủy"): the tone
# sits on the first vowel of a final -oa/-oe/-uy. "qu" is a consonant, so "quý"
# keeps its mark on y. When a consonant follows ("hoàn", "thuyết") both
# conventions agree and nothing moves.
_NEW_STYLE = re.compile(
    rf"(?<![qQ])([oO])([aAeE])({_TONE_CLASS})(?!{_LETTER_OR_MARK})"
    rf"|(?<![qQ])([uU])([yY])({_TONE_CLASS})(?!{_LETTER_OR_MARK})"
)
_SPACES = re.compile(r"\s+")


def _old_style(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1) + match.group(3) + match.group(2)
    return match.group(4) + match.group(6) + match.group(5)


def normalize(text: str) -> str:
    """NFC, traditional tone placement, single inner spaces, no outer spaces."""
    decomposed = unicodedata.normalize("NFD", text)
    moved = _NEW_STYLE.sub(_old_style, decomposed)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", moved)).strip()


def fold(text: str) -> str:
    """Lower case, no diacritics, đ→d, punctuation to single spaces.

    "Hòa Bình" and "HOÀ BÌNH" and "hoa binh" all fold to "hoa binh".
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.sub(r"[^0-9a-z]+", " ", stripped.lower())
    return words.strip()


# The letters of Vietnamese that carry a mark (ă â đ ê ô ơ ư and each vowel with a tone),
# lower and upper case, and the table taking each to its bare lower-case letter. The
# database's ``phocap_fold`` (register/search.py, a SQL ``translate`` on PostgreSQL) is
# built from the same table, so a search folds alike in Python, SQLite and PostgreSQL.
_BASES = {"a": "aăâ", "e": "eê", "i": "i", "o": "oôơ", "u": "uư", "y": "y"}
_LOWER_MARKED = (*(letter for base, vowels in _BASES.items() for vowel in vowels
                   for tone in ("", *TONES)
                   if (letter := unicodedata.normalize("NFC", vowel + tone)) != base), "đ")
VIETNAMESE_LETTERS: tuple[str, ...] = _LOWER_MARKED + tuple(c.upper() for c in _LOWER_MARKED)
SEARCH_FOLD_FROM = "".join(VIETNAMESE_LETTERS)
SEARCH_FOLD_TO = "".join(fold(c) for c in VIETNAMESE_LETTERS)
_SEARCH_TABLE = str.maketrans(SEARCH_FOLD_FROM, SEARCH_FOLD_TO)


def search_fold(text: str) -> str:
    """Lower case without marks, đ→d, nothing else changed: what a search compares.

    Unlike ``fold`` it keeps punctuation and spaces as they are, so that the database
    can compute the same key with a plain character translation (``phocap_fold``).
    """
    return unicodedata.normalize("NFC", text).translate(_SEARCH_TABLE).lower()


# The words a settlement's own name may start with ("Thôn 5", "Bản Pồn", "Tổ 3", "Ấp
# Long Bình"): such a name is said as it is, any other after the word "thôn". Matched
# with their tone marks, which tell "Tổ 3" from "Tô Hiệu".
_SETTLEMENT = re.compile(
    r"^(thôn|xóm|bản|tổ|ấp|buôn|bon|làng|khu|khối|sóc|phum|khóm|plei|đội|cụm|tiểu khu)(\s|$)")


def village_named(name: str) -> str:
    """A village as a sentence names it: "thôn Nà Sản", but "Bản Pồn", "Thôn 5"."""
    return name if _SETTLEMENT.match(normalize(name).lower()) else f"thôn {name}"


def village_named_expr(column: pl.Expr) -> pl.Expr:
    """Column-wise ``village_named``."""
    own = normalize_expr(column).str.to_lowercase().str.contains(_SETTLEMENT.pattern)
    return pl.when(own).then(column).otherwise(pl.lit("thôn ") + column)


def normalize_expr(column: pl.Expr) -> pl.Expr:
    """Column-wise ``normalize``; nulls stay null, blanks become null."""
    nfd = column.str.normalize("NFD")
    moved = nfd.str.replace_all(
        rf"(^|[^qQ])([oO])([aAeE])({_TONE_CLASS})($|[^\p{{L}}\p{{M}}])", "${1}${2}${4}${3}${5}"
    ).str.replace_all(
        rf"(^|[^qQ])([uU])([yY])({_TONE_CLASS})($|[^\p{{L}}\p{{M}}])", "${1}${2}${4}${3}${5}"
    )
    cleaned = moved.str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(cleaned == "").then(None).otherwise(cleaned)


ASCII = r"^[\x00-\x7F]*$"


def normalize_ascii_expr(column: pl.Expr) -> pl.Expr:
    """``normalize_expr`` of texts that are all ASCII (a phone number, a form number).

    Unicode forms and tone placement change nothing in ASCII, so only the spaces
    are left to tidy; about ten times faster, which matters for columns with a
    distinct text on nearly every row.
    """
    cleaned = column.str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(cleaned == "").then(None).otherwise(cleaned)


def fold_expr(column: pl.Expr) -> pl.Expr:
    """Column-wise ``fold``."""
    return (
        column.str.replace_all("đ", "d", literal=True)
        .str.replace_all("Đ", "D", literal=True)
        .str.normalize("NFD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all(r"[^0-9a-z]+", " ")
        .str.strip_chars()
    )


# Characters no cell or field of text may hold: the C0 and C1 controls (NUL breaks
# PostgreSQL and every export; tab, line feed and carriage return are allowed, they
# are whitespace that ``normalize`` turns into a space) and the bidirectional
# overrides and isolates U+202A–U+202E and U+2066–U+2069, which make a name display
# as something other than what it is (the "Trojan Source" trick).
FORBIDDEN = (
    "["
    + "".join(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20),
                               *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                               *range(0x2066, 0x206A)))
    + "]"
)
_FORBIDDEN = re.compile(FORBIDDEN)


def forbidden_character(value: str) -> str | None:
    """The first forbidden character of ``value`` as U+XXXX, or None."""
    found = _FORBIDDEN.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def forbidden_message(label: str, value: str) -> str:
    """The one sentence for a text holding a forbidden character (files, pages, API)."""
    return (f"“{label}” chứa ký tự ẩn {forbidden_character(value)} (ký tự điều khiển hoặc"
            " ký tự đổi chiều văn bản), không được phép: hãy xóa ký tự đó hoặc gõ lại ô này.")


def too_long_message(label: str, value: str, max_chars: int) -> str:
    """The one sentence for a text longer than the register can keep."""
    return f"“{label}” dài {len(value)} ký tự: tối đa {max_chars} ký tự."


def text_problem(label: str, value: str, max_chars: int | None = None) -> str | None:
    """What is wrong with one text value, in Vietnamese, or None.

    Survey validation checks every cell of text with the same two sentences
    (validate.py), so a page, the API and a file say the same thing.
    """
    if forbidden_character(value) is not None:
        return forbidden_message(label, value)
    if max_chars is not None and len(value) > max_chars:
        return too_long_message(label, value, max_chars)
    return None
