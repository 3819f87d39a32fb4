"""The raw survey file typed and checked by one hand-written DuckDB SQL query.

The baseline of raw_bench.py: what `phocap validate` does to a raw Parquet file
(readers.py: every cell as text, stripped, blank → null; parse.py and
classes.py: text → typed values; validate.py: every check), written again in
DuckDB SQL. The SQL is generated from phocap's own definitions of the columns
(schema.COLUMNS, parse.CHOICE_ALIASES, ethnicity.LOOKUP, classes.PATTERN,
validate.MIN_AGE_AT and ORDER) so that both sides check the same columns with
the same lists; the checks themselves are written out here, not borrowed.

Where SQL reads text differently from phocap (each difference is in no row of
the synthetic files, clean or corrupted):

- ``\\d`` is ASCII in DuckDB's RE2 and Unicode in Polars' regex: a code typed in
  Arabic-Indic or full-width digits is a valid code in phocap (then an unknown
  commune) and an invalid one here.
- Folding (``text.fold``): DuckDB's ``strip_accents(lower(…))`` after đ → d
  against phocap's NFD, drop every mark, lower case. They agree on Vietnamese
  and Latin letters; a letter whose lower case is longer (İ) or a mark DuckDB's
  utf8proc keeps could fold apart.
- Text normalisation (``text.normalize``): NFC and whitespace only. phocap also
  moves a tone mark to the traditional vowel ("hoà" → "hòa"); it keeps the
  length, so the too-long checks agree, but two villages spelt "Hoà An" and
  "Hòa An" are one village in phocap's duplicate_household_person key and two
  here.
- Upper case of a class code: DuckDB ``upper`` against Rust's (ß → SS in Rust);
  no such letter makes a valid code either way.
- The cross-row checks count repeats of a 64-bit DuckDB ``hash`` of the key
  (phocap: a 96-bit hash); two keys colliding among ten million rows is a
  chance of about 3·10⁻⁶.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from phocap.survey import classes, ethnicity
from phocap.survey.parse import _FLAG_FALSE, _FLAG_TRUE, CHOICE_ALIASES, MAX_YEAR, MIN_YEAR
from phocap.survey.schema import (
    COLUMNS,
    FIRST_TWO_LEVEL_YEAR,
    REFERENCE_DAY,
    REFERENCE_MONTH,
    Column,
    Kind,
)
from phocap.survey.text import fold
from phocap.survey.validate import MAX_AGE, MIN_AGE_AT, ORDER

# Rust's (and so Polars') whitespace: the Unicode White_Space property.
_WHITE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + \
    "\u2028\u2029\u202f\u205f\u3000"
_WHITE_RE = "[" + "".join(f"\\x{{{ord(c):X}}}" for c in _WHITE) + "]"
# text.FORBIDDEN as an RE2 class.
_FORBIDDEN_RE = (r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{7F}-\x{9F}\x{202A}-\x{202E}"
                 r"\x{2066}-\x{2069}]")
_WHOLE = r"'\d+(?:\.0+)?'"
_LEADING_DIGITS = r"'^(\d+)'"


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _in(values: object) -> str:
    assert isinstance(values, tuple | list | set | frozenset | dict)
    return "(" + ", ".join(lit(str(v)) for v in sorted(values)) + ")"


def raw(key: str) -> str:
    return f'"raw_{key}"'


def fold_sql(x: str) -> str:
    """``text.fold`` in SQL (see the module's note on the difference)."""
    return (f"trim(regexp_replace(strip_accents(lower(replace(replace({x}, 'đ', 'd'), 'Đ', 'D')))"
            ", '[^0-9a-z]+', ' ', 'g'))")


def _h(name: str) -> str:
    """A helper column: a value computed once in the first stage, read by the second."""
    return f'"h_{name}"'


def _whole(x: str) -> str:
    """parse._whole: a whole number, "2021" or Excel's "2021.0"."""
    return (f"CASE WHEN regexp_full_match({x}, {_WHOLE})"
            f" THEN TRY_CAST(regexp_extract({x}, {_LEADING_DIGITS}, 1) AS BIGINT) END")


def _digits(x: str) -> str:
    return (f"CASE WHEN regexp_full_match({x}, {_WHOLE})"
            f" THEN regexp_extract({x}, {_LEADING_DIGITS}, 1) END")


def _within(value: str, low: int, high: int) -> str:
    return f"CASE WHEN {value} BETWEEN {low} AND {high} THEN {value} END"


def _choice(x: str, column: Column) -> str:
    mapping = {fold(c): c for c in column.choices}
    mapping.update(CHOICE_ALIASES.get(column.key, {}))
    cases = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in sorted(mapping.items()))
    return f"CASE {fold_sql(x)} {cases} END"


def _choices(x: str, column: Column) -> str:
    """Valid when every non-blank part is a known value and there is one; the value itself
    (the parts in the list's order) is not needed by any check or count."""
    known = {fold(c) for c in column.choices} | set(CHOICE_ALIASES.get(column.key, {}))
    parts = (f"list_filter(list_transform(string_split(replace({x}, ',', ';'), ';'),"
             f" lambda p: {fold_sql('p')}), lambda p: p <> '')")
    return (f"CASE WHEN len({parts}) > 0 AND list_bool_and(list_transform({parts},"
            f" lambda p: p IN {_in(known)})) THEN {x} END")


def _ethnicity(x: str) -> str:
    return (f"CASE WHEN replace({fold_sql(x)}, ' ', '') IN {_in(ethnicity.LOOKUP)}"
            f" THEN {x} END")


def _flag(x: str, folded: str) -> str:
    return (f"CASE WHEN {x} IS NULL THEN FALSE WHEN {folded} IN {_in(_FLAG_TRUE)} THEN TRUE"
            f" WHEN {folded} IN {_in(_FLAG_FALSE)} THEN FALSE END")


def _text(x: str) -> str:
    return (f"nullif(trim(regexp_replace(nfc_normalize({x}), '{_WHITE_RE}+', ' ', 'g'), ' '),"
            " '')")


def _iso_date(x: str) -> str:
    """parse.birth's two spellings of a full date, as YYYY-M-D text."""
    dmy = r"'^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$'"
    ymd = r"'^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00:00(?:\.0+)?)?$'"
    return (f"CASE WHEN regexp_matches({x}, {dmy}) THEN regexp_replace({x}, {dmy}, '\\3-\\2-\\1')"
            f" WHEN regexp_matches({x}, {ymd}) THEN regexp_replace({x}, {ymd}, '\\1-\\2-\\3') END")


def _class_text(x: str) -> str:
    return f"upper(regexp_replace({x}, '{_WHITE_RE}', '', 'g'))"


def _class(base: str, marks: str) -> dict[str, str]:
    """classes.parse_expr: the canonical code and its parts, from the code's base (null when
    the code is invalid) and its marks."""
    grade = f"TRY_CAST(ltrim({base}, 'MGBT') AS TINYINT)"  # as classes.parse
    level = (
        f"CASE WHEN {base} = 'NT' THEN {lit(classes.NURSERY)}"
        f" WHEN starts_with({base}, 'MG') THEN {lit(classes.KINDERGARTEN)}"
        f" WHEN {base} = 'SC' THEN {lit(classes.VOCATIONAL_ELEMENTARY)}"
        f" WHEN {base} = 'TC' THEN {lit(classes.VOCATIONAL_INTERMEDIATE)}"
        f" WHEN {base} = 'CD' THEN {lit(classes.VOCATIONAL_COLLEGE)}"
        f" WHEN {base} = 'DH' THEN {lit(classes.UNIVERSITY)}"
        f" WHEN starts_with({base}, 'BT') AND {grade} <= 9"
        f" THEN {lit(classes.CONTINUING_LOWER_SECONDARY)}"
        f" WHEN starts_with({base}, 'BT') THEN {lit(classes.CONTINUING_UPPER_SECONDARY)}"
        f" WHEN {grade} <= 5 THEN {lit(classes.PRIMARY)}"
        f" WHEN {grade} <= 9 THEN {lit(classes.LOWER_SECONDARY)}"
        f" WHEN {grade} IS NOT NULL THEN {lit(classes.UPPER_SECONDARY)} END"
    )
    return {
        "current_class": f"{base} || CASE WHEN contains({marks}, '*') THEN '*' ELSE '' END"
                         f" || CASE WHEN contains({marks}, '!') THEN '!' ELSE '' END",
        "class_level": level,
        "class_grade": grade,
        "class_repeater": f"CASE WHEN {base} IS NOT NULL THEN contains({marks}, '!') END",
    }


def helpers(column: Column) -> dict[str, str]:
    """First stage: what a column's typed values read more than once, over the raw text."""
    x, key = raw(column.key), column.key
    kind = column.kind
    if kind in (Kind.YEAR, Kind.INT):
        return {f"h_{key}": _whole(x)}
    if kind in (Kind.CODE, Kind.NATIONAL_ID):
        return {f"h_{key}": _digits(x)}
    if kind is Kind.DATE:
        return {"h_date": f"try_strptime({_iso_date(x)}, '%Y-%m-%d')::DATE", "h_year": _whole(x)}
    if kind is Kind.FLAG:
        return {f"h_{key}": fold_sql(x)}
    if kind is Kind.CLASS:
        text, pattern = _class_text(x), lit(classes.PATTERN)
        valid = f"regexp_matches({text}, {pattern}) AND NOT regexp_matches({text}, '!!|\\*\\*')"
        return {
            "h_class_base": f"CASE WHEN {valid} THEN regexp_extract({text}, {pattern}, 1) END",
            "h_class_marks": f"regexp_extract({text}, {pattern}, 2)",
        }
    return {}


def typed(column: Column) -> dict[str, str]:
    """Second stage: the typed columns one raw column gives, over its text and helpers."""
    x, h = raw(column.key), _h(column.key)
    kind = column.kind
    if kind is Kind.YEAR:
        return {column.key: _within(h, MIN_YEAR, MAX_YEAR)}
    if kind is Kind.CODE:
        return {column.key: f"CASE WHEN length({h}) <= {column.width}"
                            f" THEN lpad({h}, {column.width}, '0') END"}
    if kind is Kind.INT:
        assert column.low is not None and column.high is not None
        return {column.key: _within(h, column.low, column.high)}
    if kind is Kind.DATE:
        date = _h("date")
        return {
            "birth_date": f"CASE WHEN year({date}) BETWEEN {MIN_YEAR} AND {MAX_YEAR}"
                          f" THEN {date} END",
            "birth_year": f"coalesce({_within(f'year({date})', MIN_YEAR, MAX_YEAR)},"
                          f" {_within(_h('year'), MIN_YEAR, MAX_YEAR)})",
        }
    if kind is Kind.CHOICE:
        return {column.key: _choice(x, column)}
    if kind is Kind.CHOICES:
        return {column.key: _choices(x, column)}
    if kind is Kind.ETHNICITY:
        return {column.key: _ethnicity(x)}
    if kind is Kind.CLASS:
        return _class(_h("class_base"), _h("class_marks"))
    if kind is Kind.FLAG:
        return {column.key: _flag(x, h)}
    if kind is Kind.NATIONAL_ID:
        return {column.key: f"CASE length({h}) WHEN 12 THEN {h} WHEN 11 THEN '0' || {h} END"}
    return {column.key: _text(x)}


def _implied_relapsed() -> str:
    """validate._implied: a relapse stated by its level alone is a relapse."""
    return (f"CASE WHEN {_h('relapse_level')} BETWEEN 1 AND 2 AND {raw('relapsed')} IS NULL"
            f" THEN TRUE ELSE {_flag(raw('relapsed'), _h('relapsed'))} END")


def _implied_literacy_stage() -> str:
    """validate._implied: literacy stated by the class completed alone."""
    completed = _within(_h("literacy_completed"), 1, 5)
    return (f"CASE WHEN {raw('literacy_stage')} IS NULL THEN CASE WHEN {completed} >= 5 THEN 2"
            f" WHEN {completed} >= 3 THEN 1 END ELSE {_within(_h('literacy_stage'), 1, 2)} END")


def raw_source(path: Path, keys: list[str]) -> str:
    """The file's columns as the reader gives them (text, stripped, blank → null), and the
    first stage's helpers of those columns. A column the file stores as numbers is only
    turned into text: it has no spaces to strip."""
    text = {f.name for f in pq.read_schema(path) if pa.types.is_string(f.type)
            or pa.types.is_large_string(f.type)}

    def cell(key: str) -> str:
        if key not in text:
            return f"CAST(\"{key}\" AS VARCHAR) AS {raw(key)}"
        return (f"nullif(regexp_replace(\"{key}\", '^{_WHITE_RE}+|{_WHITE_RE}+$', '', 'g'),"
                f" '') AS {raw(key)}")

    wanted = set(keys)
    first = [f"{e} AS \"{n}\"" for c in COLUMNS if c.key in wanted
             for n, e in helpers(c).items()]
    return (f"(SELECT *{''.join(', ' + f for f in first)}"
            f" FROM (SELECT {', '.join(cell(k) for k in keys)}"
            f" FROM read_parquet({lit(str(path))})))")


def _typed_exprs() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Every typed column as SQL, and the raw columns each one reads."""
    exprs: dict[str, str] = {}
    reads: dict[str, list[str]] = {}
    for column in COLUMNS:
        for name, expr in typed(column).items():
            exprs[name] = expr
            reads[name] = [column.key]
    exprs["relapsed"] = _implied_relapsed()
    reads["relapsed"] = ["relapsed", "relapse_level"]
    exprs["literacy_stage"] = _implied_literacy_stage()
    reads["literacy_stage"] = ["literacy_stage", "literacy_completed"]
    exprs["name_key"] = fold_sql(raw("full_name"))  # validate.NAME_KEY
    reads["name_key"] = ["full_name"]
    return exprs, reads


def typed_source(path: Path, wanted: list[str]) -> str:
    """A relation of the typed columns ``wanted`` (engine names), read from the raw file."""
    exprs, reads = _typed_exprs()
    keys = sorted({k for w in wanted for k in reads[w]})
    select = ", ".join(f"{exprs[w]} AS \"{w}\"" for w in wanted)
    return f"(SELECT {select} FROM {raw_source(path, keys)})"


def _checks() -> dict[str, str]:
    """Every check of validate.py, as a condition over the typed and raw columns (a null
    condition is a row that passes, as ``fill_null(False)`` there)."""
    checks: dict[str, str] = {}
    for column in COLUMNS:
        x = raw(column.key)
        target = {"birth_date": "birth_year", "current_class": "class_level"}.get(
            column.key, column.key)
        checks[f"invalid_{column.key}"] = f"{x} IS NOT NULL AND \"{target}\" IS NULL"
        if column.required:
            checks[f"required_{column.key}"] = f"{x} IS NULL"
        if column.kind is Kind.TEXT:
            checks[f"forbidden_character_{column.key}"] = f'"bad_{column.key}"'
            checks[f"too_long_{column.key}"] = (
                f'NOT "bad_{column.key}" AND length("{column.key}") > {column.max_chars}')
    y, born, age = "survey_year", "birth_year", "(survey_year - birth_year)"
    general = _in((classes.PRIMARY, classes.LOWER_SECONDARY, classes.UPPER_SECONDARY))
    schooling = _in((classes.PRIMARY, classes.LOWER_SECONDARY, classes.UPPER_SECONDARY,
                     classes.CONTINUING_LOWER_SECONDARY, classes.CONTINUING_UPPER_SECONDARY))
    vocational = _in((classes.VOCATIONAL_ELEMENTARY, classes.VOCATIONAL_INTERMEDIATE))
    expected_age = (f"CASE WHEN class_level = {lit(classes.NURSERY)} THEN 1"
                    f" WHEN class_level = {lit(classes.KINDERGARTEN)} THEN class_grade"
                    f" WHEN class_level IN {general} THEN class_grade + 5 END")
    youngest = (
        f"CASE WHEN class_level = {lit(classes.NURSERY)} THEN 0"
        f" WHEN class_level = {lit(classes.KINDERGARTEN)} THEN class_grade - 1"
        f" WHEN class_level IN {schooling} THEN class_grade + 4"
        f" WHEN class_level IN {vocational} THEN 14"
        f" WHEN class_level IN {_in((classes.VOCATIONAL_COLLEGE, classes.UNIVERSITY))} THEN 16 END"
    )
    checks.update({
        "birth_after_survey": f"{born} > {y} OR birth_date > make_date({y}, {REFERENCE_MONTH},"
                              f" {REFERENCE_DAY})",
        "age_impossible": f"{age} > 120",
        "age_out_of_scope": f"{age} BETWEEN {MAX_AGE + 1} AND 120",
        "district_after_2025": f"{y} >= {FIRST_TWO_LEVEL_YEAR} AND {raw('district_code')}"
                               " IS NOT NULL",
        "district_missing": f"{y} < {FIRST_TWO_LEVEL_YEAR} AND {raw('district_code')} IS NULL",
        "class_too_young": f"{age} < {youngest}",
        "class_too_old": f"{age} > {expected_age} + 5",
        "enrolled_deceased": "status = 'chết' AND current_class IS NOT NULL",
        "enrolled_moved_away": "status = 'chuyển đi' AND current_class IS NOT NULL",
        "grade_behind_history": f"class_level IN {general} AND highest_grade >= class_grade",
        "dropout_incomplete": "(dropout_grade IS NULL) <> (dropout_year IS NULL)",
        "literacy_year_without_stage": "literacy_year IS NOT NULL AND literacy_stage IS NULL",
        "vocational_without_level": "vocational_completed IS NOT NULL"
                                    " AND vocational_level IS NULL",
        "disability_types_without_disability": "(disability_types IS NOT NULL OR"
                                               " disability_certified) AND disability IS NULL",
        "finished_incomplete": "finished_grade IS NULL AND finished_year IS NOT NULL",
        "finished_above_highest": "finished_grade > highest_grade",
        "literacy_class_below_completed": "literacy_class <= literacy_completed",
        "phone_not_a_number": r"NOT regexp_matches(phone, '^\+?[0-9 .\-]{6,20}$')",
        "national_id_padded": f"length(regexp_extract({raw('national_id')}, {_LEADING_DIGITS},"
                              " 1)) = 11",
    })
    for key, min_age in MIN_AGE_AT.items():
        checks[f"{key}_after_survey"] = f"{key} > {y}"
        checks[f"{key}_too_young"] = f"{key} < {born} + {min_age}"
    for earlier, later, _, _ in ORDER:
        checks[f"{later}_before_{earlier}"] = f"{later} < {earlier}"
    checks.update({  # validate._unit_problems, against the exported table of that year
        "commune_unknown": f"{y} IS NOT NULL AND commune_code IS NOT NULL"
                           " AND u.province IS NULL",
        "commune_not_in_province": "u.province IS NOT NULL AND province_code IS NOT NULL"
                                   " AND u.province <> province_code",
        "commune_not_in_district": "u.district IS NOT NULL AND district_code IS NOT NULL"
                                   " AND u.district <> district_code",
    })
    return checks


# validate._CROSS: key columns of the cross-row checks. A row whose key (all present but
# birth_date, which may be null) occurred before is counted, so a key seen n times counts
# n − 1.
CROSS = {
    "duplicate_household_person": ("survey_year", "commune_code", "village", "household_no",
                                   "person_no"),
    "duplicate_person": ("survey_year", "commune_code", "name_key", "birth_date", "birth_year"),
    "duplicate_national_id": ("survey_year", "national_id"),
}


def validate_sql(path: Path, units: Path) -> str:
    """One query: a row of failing-row counts, a column per check code.

    ``units`` is a Parquet file of (year, code, province, district): the communes of
    each survey year the file holds (validate.official_units). The row checks are
    one pass over every column; each cross-row check reads its key columns again
    (a relation used twice would be materialised whole).
    """
    exprs, _ = _typed_exprs()
    for column in COLUMNS:
        if column.kind is Kind.TEXT:
            exprs[f"bad_{column.key}"] = f"regexp_matches({raw(column.key)}, '{_FORBIDDEN_RE}')"
    typed_rows = (
        "SELECT " + ", ".join(raw(c.key) for c in COLUMNS) + ", "
        + ", ".join(f"{e} AS \"{n}\"" for n, e in exprs.items() if n != "name_key")
        + f" FROM {raw_source(path, [c.key for c in COLUMNS])}"
    )
    counts = [f"sum(CASE WHEN {c} THEN 1 ELSE 0 END)::BIGINT AS \"{code}\""
              for code, c in _checks().items()]
    rows = (
        f"SELECT count(*) AS \"rows\", {', '.join(counts)} FROM ({typed_rows}) t"
        f" LEFT JOIN read_parquet({lit(str(units))}) u"
        " ON u.year = t.survey_year AND u.code = t.commune_code"
    )
    repeats = []
    for code, key in CROSS.items():
        present = " AND ".join(f'"{k}" IS NOT NULL' for k in key if k != "birth_date")
        keys = ", ".join(f'"{k}"' for k in key)
        repeats.append(
            f"(SELECT coalesce(sum(n - 1), 0)::BIGINT FROM (SELECT count(*) AS n"
            f" FROM {typed_source(path, list(key))} WHERE {present} GROUP BY hash({keys})))"
            f" AS \"{code}\""
        )
    return f"SELECT *, {', '.join(repeats)} FROM ({rows})"
