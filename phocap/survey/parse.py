"""Raw text to typed values, column by column, as polars expressions.

Each column kind has one parser returning the typed value (null when the text
cannot be read) and the Vietnamese sentence saying what is expected, used when
a non-blank cell fails to parse. Excel tends to turn codes into numbers ("1.0",
"3319"): numbers that are whole are read as such and codes are zero-padded back
to their width, since that is what the officer typed.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from phocap.survey import ethnicity
from phocap.survey.schema import Column, Kind
from phocap.survey.text import fold, fold_expr, normalize_expr

_WHOLE = r"^\d+(?:\.0+)?$"
MIN_YEAR, MAX_YEAR = 1900, 2100

# Folded spellings accepted for closed lists, beyond the canonical value itself.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "sex": {"nu": "nữ", "nam": "nam", "male": "nam", "female": "nữ"},
    "residence": {"thuong tru": "thường trú", "tam tru": "tạm trú", "tt": "thường trú",
                  "khac": "khác"},
    "status": {
        "chuyen den": "chuyển đến",
        "chuyen di": "chuyển đi",
        "chet": "chết",
        "da chet": "chết",
        "mat": "chết",
        "da mat": "chết",
    },
    "disability": {
        "hoc duoc": "học được",
        "khong hoc duoc": "không học được",
        "kt hoc duoc": "học được",
        "kt khong hoc duoc": "không học được",
    },
    "vocational_level": {
        "so cap": "sơ cấp",
        "trung cap": "trung cấp",
        "thcn": "trung cấp",
        "trung hoc chuyen nghiep": "trung cấp",
        "cao dang": "cao đẳng",
        "dai hoc": "đại học",
        "thac si": "thạc sĩ",
        "tien si": "tiến sĩ",
    },
    # Each part of a list of disability kinds; "thần kinh, tâm thần" is one kind whose
    # name holds the list's own separator, so either half names it.
    "disability_types": {
        "khuyet tat van dong": "vận động",
        "nghe": "nghe nói",
        "noi": "nghe nói",
        "khiem thinh": "nghe nói",
        "khiem thi": "nhìn",
        "than kinh": "thần kinh, tâm thần",
        "tam than": "thần kinh, tâm thần",
        "than kinh tam than": "thần kinh, tâm thần",
        "tu ki": "tự kỷ",
    },
}

_FLAG_TRUE = ("x", "co", "1", "true")
_FLAG_FALSE = ("0", "khong", "false")


def _whole(raw: pl.Expr) -> pl.Expr:
    # Not strict: a number too long for Int64 (thirty digits typed into a year) is no
    # value, refused as such, rather than an overflow that stops the whole check.
    digits = raw.str.extract(r"^(\d+)", 1)
    return pl.when(raw.str.contains(_WHOLE)).then(digits.cast(pl.Int64, strict=False))


def year(raw: pl.Expr) -> pl.Expr:
    value = _whole(raw)
    return pl.when(value.is_between(MIN_YEAR, MAX_YEAR)).then(value).cast(pl.Int16)


def code(raw: pl.Expr, width: int) -> pl.Expr:
    digits = raw.str.extract(r"^(\d+)(?:\.0+)?$", 1)
    return pl.when(digits.str.len_chars() <= width).then(digits.str.zfill(width))


def integer(raw: pl.Expr, low: int, high: int) -> pl.Expr:
    value = _whole(raw)
    return pl.when(value.is_between(low, high)).then(value)


def birth(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(birth_date, birth_year): DD/MM/YYYY, YYYY-MM-DD (Excel dates too) or a year."""
    dmy = raw.str.extract_groups(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
    ymd = raw.str.extract_groups(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00:00(?:\.0+)?)?$")
    iso = pl.coalesce(
        pl.concat_str(
            dmy.struct[2], dmy.struct[1].str.zfill(2), dmy.struct[0].str.zfill(2), separator="-"
        ),
        pl.concat_str(
            ymd.struct[0], ymd.struct[1].str.zfill(2), ymd.struct[2].str.zfill(2), separator="-"
        ),
    )
    date = iso.str.to_date("%Y-%m-%d", strict=False)
    date = pl.when(date.dt.year().is_between(MIN_YEAR, MAX_YEAR)).then(date)
    alone = year(raw)
    return date, pl.coalesce(date.dt.year().cast(pl.Int16), alone)


def choice(raw: pl.Expr, column: Column) -> pl.Expr:
    mapping = {fold(c): c for c in column.choices}
    mapping.update(CHOICE_ALIASES.get(column.key, {}))
    return fold_expr(raw).replace_strict(mapping, default=None, return_dtype=pl.String)


def choices(raw: pl.Expr, column: Column) -> pl.Expr:
    """Several values of a closed list ("vận động; nhìn"), in the list's own order and each
    once, joined by "; "; null when any part is unknown."""
    position = {fold(c): i for i, c in enumerate(column.choices)}
    for alias, value in CHOICE_ALIASES.get(column.key, {}).items():
        position[alias] = column.choices.index(value)
    parts = raw.str.replace_all(",", ";", literal=True).str.split(";")
    folded = fold_expr(pl.element())
    found = parts.list.eval(
        folded.filter(folded != "").replace_strict(position, default=None,
                                                   return_dtype=pl.Int64)
    )
    names = found.list.sort().list.unique(maintain_order=True).list.eval(
        pl.element().replace_strict(dict(enumerate(column.choices)), return_dtype=pl.String)
    ).list.join("; ")
    unknown = found.list.eval(pl.element().is_null()).list.any() | (found.list.len() == 0)
    return pl.when(raw.is_not_null() & ~unknown).then(names)


def ethnic_group(raw: pl.Expr) -> pl.Expr:
    key = fold_expr(raw).str.replace_all(" ", "", literal=True)
    return key.replace_strict(ethnicity.LOOKUP, default=None, return_dtype=pl.String)


def flag(raw: pl.Expr) -> pl.Expr:
    key = fold_expr(raw)
    return (
        pl.when(raw.is_null()).then(pl.lit(False))
        .when(key.is_in(_FLAG_TRUE)).then(pl.lit(True))
        .when(key.is_in(_FLAG_FALSE)).then(pl.lit(False))
    )


def national_id(raw: pl.Expr) -> pl.Expr:
    """12 digits. An 11-digit number is an ID whose leading 0 Excel dropped."""
    digits = raw.str.extract(r"^(\d+)(?:\.0+)?$", 1)
    length = digits.str.len_chars()
    return pl.when(length == 12).then(digits).when(length == 11).then("0" + digits)


def text(raw: pl.Expr) -> pl.Expr:
    return normalize_expr(raw)


Parser = Callable[[pl.Expr], pl.Expr]


def parser(column: Column) -> Parser:
    """The typed-value parser of a single-valued column."""
    kind = column.kind
    if kind is Kind.YEAR:
        return year
    if kind is Kind.CODE:
        return lambda raw: code(raw, column.width)
    if kind is Kind.INT:
        assert column.low is not None and column.high is not None
        low, high = column.low, column.high
        return lambda raw: integer(raw, low, high)
    if kind is Kind.CHOICE:
        return lambda raw: choice(raw, column)
    if kind is Kind.CHOICES:
        return lambda raw: choices(raw, column)
    if kind is Kind.ETHNICITY:
        return ethnic_group
    if kind is Kind.FLAG:
        return flag
    if kind is Kind.NATIONAL_ID:
        return national_id
    if kind is Kind.TEXT:
        return text
    raise ValueError(f"{column.key} has no single-valued parser")


def expectation(column: Column) -> str:
    """What a cell of this column must contain, in Vietnamese."""
    kind = column.kind
    if kind is Kind.YEAR:
        return f"cần một năm gồm 4 chữ số (ví dụ 2021), từ {MIN_YEAR} đến {MAX_YEAR}"
    if kind is Kind.CODE:
        return f"cần mã gồm {column.width} chữ số"
    if kind is Kind.INT:
        return f"cần một số nguyên từ {column.low} đến {column.high}"
    if kind is Kind.DATE:
        return "cần ngày dạng DD/MM/YYYY, YYYY-MM-DD, hoặc chỉ năm sinh (ví dụ 15/03/2010)"
    if kind is Kind.CHOICE:
        return "cần một trong các giá trị: " + ", ".join(column.choices) + " (hoặc để trống)"
    if kind is Kind.CHOICES:
        return ("cần một hoặc vài giá trị, cách nhau bởi dấu chấm phẩy: "
                + "; ".join(column.choices))
    if kind is Kind.ETHNICITY:
        return "cần tên một trong 54 dân tộc (ví dụ Kinh, Thái, Mông) hoặc mã dân tộc 01–54"
    if kind is Kind.CLASS:
        return (
            "cần mã lớp NT, MG3, MG4, MG5, 1–12, BT6–BT12, SC, TC, CD hoặc DH;"
            " thêm ! nếu lưu ban, * nếu học 2 buổi/ngày (ví dụ 3*!)"
        )
    if kind is Kind.FLAG:
        return "cần ghi x hoặc để trống"
    if kind is Kind.NATIONAL_ID:
        return "cần số định danh cá nhân gồm đúng 12 chữ số"
    return "cần nội dung dạng chữ"

