"""Validation: raw survey text to typed records, with every problem reported.

All checks are column-wise polars expressions, so a district of 200,000 rows is
checked in about a second. Checks that compare rows with each other (the same
village + household_no + person_no twice, the same person twice, one national ID for two
people) gather compact 128-bit key hashes from every sheet or batch and decide
at the end, so a national file of 100 million rows is checked in bounded memory.

Errors stop the file (nothing of it may be imported); warnings travel with the
records in their ``warnings`` column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from phocap.survey import classes, parse, problems
from phocap.survey.ahead import ahead
from phocap.survey.limits import DEFAULT, Limits
from phocap.survey.official.reading import Context
from phocap.survey.problems import ERROR, WARNING, Problem, SurveyFileError
from phocap.survey.readers import ROW, Sheet, read
from phocap.survey.schema import (
    BY_KEY,
    COLUMNS,
    FIRST_TWO_LEVEL_YEAR,
    KEYS,
    RECORD_SCHEMA,
    REFERENCE_DAY,
    REFERENCE_MONTH,
    Column,
    Kind,
)
from phocap.survey.text import (
    ASCII,
    FORBIDDEN,
    fold_expr,
    forbidden_message,
    normalize_ascii_expr,
    too_long_message,
    village_named_expr,
)

MAX_KEPT_PROBLEMS = 100_000  # beyond this, problems are counted, not listed
MAX_AGE = 60  # the register covers ages 0–60
MIN_AGE_AT = {  # youngest plausible age at each completion (birth year + n ≤ year)
    "preschool_completed": 3,
    "primary_completed": 8,
    "thcs_graduated": 11,
    "thpt_graduated": 14,
    "vocational_completed": 14,
    "dropout_year": 5,
    "literacy_year": 8,
    "finished_year": 6,
}
ORDER = (  # completions that cannot come before the previous one
    ("preschool_completed", "primary_completed", "hoàn thành mầm non", "hoàn thành tiểu học"),
    ("primary_completed", "thcs_graduated", "hoàn thành tiểu học", "tốt nghiệp THCS"),
    ("thcs_graduated", "thpt_graduated", "tốt nghiệp THCS", "tốt nghiệp THPT"),
)
RAW = "__raw__"  # prefix of raw text columns kept beside typed ones


def _raw(key: str) -> str:
    return RAW + key


@dataclass
class Report:
    """What validation found in one file."""

    file: str
    rows: int = 0
    problems: pl.DataFrame = field(default_factory=problems.empty)
    omitted: Counter[str] = field(default_factory=Counter)  # (severity) → problems not listed

    @property
    def errors(self) -> int:
        kept = self.problems.filter(pl.col("severity") == ERROR).height
        return kept + self.omitted[ERROR]

    @property
    def warnings(self) -> int:
        kept = self.problems.filter(pl.col("severity") == WARNING).height
        return kept + self.omitted[WARNING]

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def add(self, found: pl.DataFrame) -> None:
        room = MAX_KEPT_PROBLEMS - self.problems.height
        if found.height > room:
            for severity, count in found.slice(max(room, 0))["severity"].value_counts().rows():
                self.omitted[severity] += count
            found = found.head(max(room, 0))
        if found.height:
            self.problems = pl.concat([self.problems, found], how="vertical")


@dataclass
class Result:
    report: Report
    records: pl.DataFrame | None  # typed records, when asked for


@dataclass
class _Keys:
    """Row keys of the cross-row checks, gathered over all sheets and batches.

    A key is kept as a 96-bit hash (a 64-bit and a 32-bit one with another
    seed) and its row: 16 bytes a row, so 100 million rows fit in a few GiB.
    Two different keys share a 96-bit hash with a probability of about 10⁻¹³
    in a file of 100 million rows. A check whose message names what its rows
    share (the household and its village) also keeps those texts, as 4-byte
    codes into ``texts``: a file has few distinct villages and form numbers,
    however many rows it has.
    """

    h1: dict[str, list[np.ndarray]] = field(default_factory=dict)
    h2: dict[str, list[np.ndarray]] = field(default_factory=dict)
    rows: dict[str, list[np.ndarray]] = field(default_factory=dict)
    sheets: dict[str, list[int]] = field(default_factory=dict)  # sheet index of each part
    labels: dict[str, list[np.ndarray]] = field(default_factory=dict)  # codes, a column a label
    codes: dict[str, int] = field(default_factory=dict)  # a label's text → its code
    texts: list[str] = field(default_factory=list)  # a code → its text

    def add(self, check: str, frame: pl.DataFrame, sheet: int) -> None:
        self.h1.setdefault(check, []).append(frame["h1"].to_numpy())
        self.h2.setdefault(check, []).append(frame["h2"].to_numpy())
        self.rows.setdefault(check, []).append(frame["row"].to_numpy())
        self.sheets.setdefault(check, []).append(sheet)
        labels = [self._coded(frame[c]) for c in frame.columns if c not in ("h1", "h2", "row")]
        if labels:
            self.labels.setdefault(check, []).append(np.column_stack(labels))

    def _coded(self, texts: pl.Series) -> np.ndarray:
        here: dict[str, int] = {}
        for text in texts.unique().to_list():
            if text not in self.codes:
                self.codes[text] = len(self.texts)
                self.texts.append(text)
            here[text] = self.codes[text]
        return texts.replace_strict(here, return_dtype=pl.UInt32).to_numpy()

    def repeated(self, check: str) -> pl.DataFrame | None:
        """Rows (ord, sheet, row, h1, h2, then the labels as text) whose 64-bit hash occurs
        more than once.

        Found by sorting the hashes rather than by a hash table, which keeps the
        memory to the arrays themselves; the parts are released as they are read.
        """
        parts = self.h1.pop(check, [])
        if not parts:
            return None
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
        h1 = np.concatenate(parts)
        del parts
        order = np.argsort(h1, kind="stable")
        ordered = h1[order]
        same = ordered[1:] == ordered[:-1]
        del ordered
        if not same.any():
            return None
        in_run = np.zeros(len(h1), dtype=bool)
        in_run[1:] |= same
        in_run[:-1] |= same
        candidates = np.sort(order[in_run])
        del order, in_run, same
        h2 = np.concatenate(self.h2.pop(check))
        rows = np.concatenate(self.rows.pop(check))
        part = np.searchsorted(np.cumsum(sizes), candidates, side="right")
        sheets = np.array(self.sheets.pop(check), dtype=np.uint16)[part]
        found = pl.DataFrame({
            "ord": candidates,
            "sheet": sheets,
            "row": rows[candidates],
            "h1": h1[candidates],
            "h2": h2[candidates],
        })
        if check not in self.labels:
            return found
        codes = np.concatenate(self.labels.pop(check))[candidates]
        texts = pl.Series(self.texts, dtype=pl.String)
        return found.with_columns(
            texts.gather(codes[:, i]).alias(f"label{i}") for i in range(codes.shape[1]))


@dataclass(frozen=True)
class _Check:
    code: str
    severity: str
    column: str | None
    condition: pl.Expr
    message: pl.Expr


# --- typing ----------------------------------------------------------------------------------


def _typed(sheet: Sheet, year: int | None) -> tuple[pl.DataFrame, list[Problem]]:
    """Typed columns beside the raw text; structural problems of the sheet."""
    data = sheet.data
    found: list[Problem] = []
    present = set(data.columns)
    if "survey_year" not in present and year is not None:
        data = data.with_columns(pl.lit(str(year)).alias("survey_year"))
        present.add("survey_year")
        found.append(
            Problem(
                WARNING,
                "year_from_option",
                f"Tệp không có cột “Năm điều tra”: dùng năm {year} đã chọn cho mọi dòng.",
                sheet.file,
                sheet.name,
            )
        )
    missing = [c for c in COLUMNS if c.required and c.key not in present]
    for column in missing:
        found.append(
            Problem(
                ERROR,
                "column_missing",
                f"Thiếu cột bắt buộc “{column.header_vi}” ({column.key}).",
                sheet.file,
                sheet.name,
                sheet.header_row,
                column.key,
            )
        )
    raw = data.select(
        [pl.col(k).alias(_raw(k)) if k in present else pl.lit(None, pl.String).alias(_raw(k))
         for k in KEYS]
        + [pl.col(ROW)]
        + [pl.col(u) for u in sheet.unknown]
    )
    typed = [series for column in COLUMNS for series in _by_value(raw, column)]
    return raw.with_columns(typed).with_columns(_implied()), found


def _parsers(column: Column) -> dict[str, pl.Expr]:
    """The typed columns one raw column gives (a date gives two, a class code five)."""
    source = pl.col(_raw(column.key))
    if column.kind is Kind.DATE:
        date, birth_year = parse.birth(source)
        return {"birth_date": date, "birth_year": birth_year}
    if column.kind is Kind.CLASS:
        return classes.parse_expr(source)
    return {column.key: parse.parser(column)(source)}


SAMPLE_ROWS = 10_000  # rows looked at to tell a column of repeated values from a unique one


def _parsed(texts: pl.DataFrame, column: Column, exprs: dict[str, pl.Expr]) -> pl.DataFrame:
    """Distinct texts with their typed values; free text that is all ASCII takes the
    short way to the same value (text.normalize_ascii_expr)."""
    if column.kind is not Kind.TEXT:
        return texts.with_columns(**exprs)
    source = pl.col(_raw(column.key))
    ascii_only = source.str.contains(ASCII).fill_null(False)
    return pl.concat([
        texts.filter(ascii_only).with_columns(normalize_ascii_expr(source).alias(column.key)),
        texts.filter(~ascii_only).with_columns(**exprs),
    ], how="vertical")


def _by_value(raw: pl.DataFrame, column: Column) -> list[pl.Series]:
    """The typed columns of one raw column, each distinct text parsed once.

    A survey column repeats few texts however long the file (a commune's code,
    a class code, a year, a village, even names): parsing the distinct texts
    with the regular expressions and joining them back on the text is about
    ten times faster than parsing every cell, and gives the same values since a
    parser reads nothing but its cell. A column whose cells are nearly all
    different (a national ID) is parsed cell by cell, which saves the join.
    """
    source = _raw(column.key)
    exprs = _parsers(column)
    cells = raw.get_column(source)
    if cells.null_count() == cells.len():  # a column the file leaves blank (or lacks)
        table = pl.DataFrame({source: [None]}, schema={source: pl.String})
    else:
        sample = cells.head(SAMPLE_ROWS)
        if sample.len() >= SAMPLE_ROWS and sample.n_unique() * 20 > sample.len() * 19:
            return raw.select(**exprs).get_columns()
        table = raw.select(pl.col(source).unique())
    table = _parsed(table, column, exprs)
    if table.height == 1:  # one text throughout (a survey year, a blank column): no join
        return [table.get_column(name).new_from_index(0, raw.height) for name in exprs]
    joined = raw.select(source).join(table, on=source, how="left", maintain_order="left",
                                     nulls_equal=True)
    return joined.drop(source).get_columns()


def _implied() -> list[pl.Expr]:
    """Fields another field of the row already says, so the engine reads one fact.

    The ministry's form states a relapse by its level, literacy by the class
    completed and continuing education by a mark; the record's own columns say
    the same thing more coarsely, and a row giving only the finer one must mean
    the same to the engine (docs/official-files.md).
    """
    completed = pl.col("literacy_completed")
    continuing = pl.col("class_level").is_in(
        [classes.CONTINUING_LOWER_SECONDARY, classes.CONTINUING_UPPER_SECONDARY])
    # Only where the coarse cell is blank: a coarse value that did not parse must stay
    # null, so that its own message says so.
    return [
        pl.when(pl.col("relapse_level").is_not_null() & pl.col(_raw("relapsed")).is_null())
        .then(pl.lit(True)).otherwise(pl.col("relapsed")).alias("relapsed"),
        pl.when(pl.col(_raw("literacy_stage")).is_null())
        .then(pl.when(completed >= 5).then(pl.lit(2)).when(completed >= 3).then(pl.lit(1)))
        .otherwise(pl.col("literacy_stage")).cast(pl.Int64).alias("literacy_stage"),
        pl.when(continuing.fill_null(False) & pl.col(_raw("continuing")).is_null())
        .then(pl.lit(True)).otherwise(pl.col("continuing")).alias("continuing"),
    ]


# --- checks ----------------------------------------------------------------------------------


def _value_checks() -> list[_Check]:
    """A non-blank cell that does not parse; a blank cell that is required."""
    checks: list[_Check] = []
    for column in COLUMNS:
        raw = pl.col(_raw(column.key))
        target = {"birth_date": "birth_year", "current_class": "class_level"}.get(
            column.key, column.key
        )
        checks.append(
            _Check(
                f"invalid_{column.key}",
                ERROR,
                column.key,
                raw.is_not_null() & pl.col(target).is_null(),
                pl.lit(f"“{column.header_vi}” không hợp lệ: {parse.expectation(column)}."),
            )
        )
        if column.required:
            checks.append(
                _Check(
                    f"required_{column.key}",
                    ERROR,
                    column.key,
                    raw.is_null(),
                    pl.lit(f"Thiếu “{column.header_vi}”: ô này bắt buộc phải có."),
                )
            )
        if column.kind is Kind.TEXT:
            checks += _text_checks(column)
    return checks


def _text_checks(column: Column) -> list[_Check]:
    """Hidden control or bidi characters, and text longer than the register keeps.

    The messages come from text.py's single-value functions, evaluated only on
    the failing rows, so a page, the API and a file say exactly the same.
    """
    header, max_chars = column.header_vi, column.max_chars
    raw, value = pl.col(_raw(column.key)), pl.col(column.key)
    return [
        _Check(
            f"forbidden_character_{column.key}",
            ERROR,
            column.key,
            raw.str.contains(FORBIDDEN),
            raw.map_elements(lambda v: forbidden_message(header, v), return_dtype=pl.String),
        ),
        _Check(
            f"too_long_{column.key}",
            ERROR,
            column.key,
            ~raw.str.contains(FORBIDDEN) & (value.str.len_chars() > max_chars),
            value.map_elements(lambda v: too_long_message(header, v, max_chars),
                               return_dtype=pl.String),
        ),
    ]


def _rule_checks() -> list[_Check]:
    """Checks between columns of one row."""
    y = pl.col("survey_year")
    born = pl.col("birth_year")
    age = (y - born).cast(pl.Int32)
    reference = pl.date(y, REFERENCE_MONTH, REFERENCE_DAY)
    grade = pl.col("class_grade")
    level = pl.col("class_level")
    general = level.is_in(
        [classes.PRIMARY, classes.LOWER_SECONDARY, classes.UPPER_SECONDARY]
    )
    expected_age = (
        pl.when(level == classes.NURSERY).then(pl.lit(1))
        .when(level == classes.KINDERGARTEN).then(grade.cast(pl.Int32))
        .when(general).then(grade.cast(pl.Int32) + 5)
    )
    youngest_in_class = (
        pl.when(level == classes.NURSERY).then(pl.lit(0))
        .when(level == classes.KINDERGARTEN).then(grade.cast(pl.Int32) - 1)
        .when(level.is_in(
            [classes.PRIMARY, classes.LOWER_SECONDARY, classes.UPPER_SECONDARY,
             classes.CONTINUING_LOWER_SECONDARY, classes.CONTINUING_UPPER_SECONDARY]
        )).then(grade.cast(pl.Int32) + 4)
        .when(level.is_in([classes.VOCATIONAL_ELEMENTARY, classes.VOCATIONAL_INTERMEDIATE]))
        .then(pl.lit(14))
        .when(level.is_in([classes.VOCATIONAL_COLLEGE, classes.UNIVERSITY])).then(pl.lit(16))
    )
    checks = [
        _Check(
            "birth_after_survey",
            ERROR,
            "birth_date",
            (born > y) | (pl.col("birth_date") > reference),
            pl.format(
                "Ngày sinh {} sau ngày điều tra 30/09/{}: không thể có trong sổ năm này.",
                pl.col(_raw("birth_date")),
                y,
            ),
        ),
        _Check(
            "age_impossible",
            ERROR,
            "birth_date",
            age > 120,
            pl.format("Năm sinh {} cho tuổi {} vào năm {}: không thể.", born, age, y),
        ),
        _Check(
            "age_out_of_scope",
            WARNING,
            "birth_date",
            age.is_between(MAX_AGE + 1, 120),
            pl.format("Người {} tuổi: ngoài độ tuổi của sổ phổ cập (0–{}).", age, pl.lit(MAX_AGE)),
        ),
        _Check(
            "district_after_2025",
            ERROR,
            "district_code",
            (y >= FIRST_TWO_LEVEL_YEAR) & pl.col(_raw("district_code")).is_not_null(),
            pl.format(
                "Năm {} không còn cấp huyện (từ 01/7/2025): để trống “Mã huyện”.", y
            ),
        ),
        _Check(
            "district_missing",
            ERROR,
            "district_code",
            (y < FIRST_TWO_LEVEL_YEAR) & pl.col(_raw("district_code")).is_null(),
            pl.format("Năm {} trước 2025: cần “Mã huyện” (3 chữ số).", y),
        ),
        _Check(
            "class_too_young",
            WARNING,
            "current_class",
            age < youngest_in_class,
            pl.format(
                "{} tuổi mà học lớp {}: nhỏ hơn nhiều so với độ tuổi của lớp. Kiểm tra năm sinh"
                " hoặc lớp.",
                age,
                pl.col("current_class"),
            ),
        ),
        _Check(
            "class_too_old",
            WARNING,
            "current_class",
            age > expected_age + 5,
            pl.format(
                "{} tuổi mà học lớp {}: lớn hơn độ tuổi của lớp ({} tuổi) trên 5 năm.",
                age,
                pl.col("current_class"),
                expected_age,
            ),
        ),
        _Check(
            "enrolled_deceased",
            ERROR,
            "current_class",
            (pl.col("status") == "chết") & pl.col("current_class").is_not_null(),
            pl.lit("Người đã chết không thể đang học: xóa “Lớp đang học” hoặc sửa “Biến động”."),
        ),
        _Check(
            "enrolled_moved_away",
            WARNING,
            "current_class",
            (pl.col("status") == "chuyển đi") & pl.col("current_class").is_not_null(),
            pl.lit("Người đã chuyển đi nhưng vẫn ghi lớp đang học: kiểm tra lại."),
        ),
        _Check(
            "grade_behind_history",
            WARNING,
            "highest_grade",
            general & (pl.col("highest_grade") >= grade),
            pl.format(
                "Đã học xong lớp {} nhưng đang học lớp {}: kiểm tra lại.",
                pl.col("highest_grade"),
                grade,
            ),
        ),
        _Check(
            "dropout_incomplete",
            WARNING,
            "dropout_year",
            pl.col("dropout_grade").is_null() != pl.col("dropout_year").is_null(),
            pl.lit("Cần ghi cả “Bỏ học lớp” và “Bỏ học năm”."),
        ),
        _Check(
            "literacy_year_without_stage",
            WARNING,
            "literacy_year",
            pl.col("literacy_year").is_not_null() & pl.col("literacy_stage").is_null(),
            pl.lit("Có “Năm XMC” nhưng không ghi giai đoạn “Xóa mù chữ” (1 hoặc 2)."),
        ),
        _Check(
            "vocational_without_level",
            WARNING,
            "vocational_level",
            pl.col("vocational_completed").is_not_null() & pl.col("vocational_level").is_null(),
            pl.lit("Có “Tốt nghiệp nghề” nhưng không ghi “Trình độ nghề”."),
        ),
        _Check(
            "disability_types_without_disability",
            WARNING,
            "disability_types",
            (pl.col("disability_types").is_not_null() | pl.col("disability_certified"))
            & pl.col("disability").is_null(),
            pl.lit("Có dạng khuyết tật hoặc chứng nhận khuyết tật nhưng không ghi “Khuyết tật”"
                   " (học được hoặc không học được)."),
        ),
        _Check(
            "finished_incomplete",
            WARNING,
            "finished_year",
            pl.col("finished_grade").is_null() & pl.col("finished_year").is_not_null(),
            pl.lit("Có “Năm học xong” nhưng không ghi “Học xong lớp chưa có bằng”."),
        ),
        _Check(
            "finished_above_highest",
            WARNING,
            "finished_grade",
            pl.col("finished_grade") > pl.col("highest_grade"),
            pl.format("Học xong lớp {} (chưa có bằng) nhưng “Học xong lớp” chỉ ghi {}.",
                      pl.col("finished_grade"), pl.col("highest_grade")),
        ),
        _Check(
            "literacy_class_below_completed",
            WARNING,
            "literacy_class",
            pl.col("literacy_class") <= pl.col("literacy_completed"),
            pl.format("Đang học lớp {} xóa mù chữ nhưng đã hoàn thành lớp {}: kiểm tra lại.",
                      pl.col("literacy_class"), pl.col("literacy_completed")),
        ),
        _Check(
            "phone_not_a_number",
            WARNING,
            "phone",
            ~pl.col("phone").str.contains(r"^\+?[0-9 .\-]{6,20}$"),
            pl.format("Điện thoại “{}” không phải một số điện thoại (chỉ gồm chữ số).",
                      pl.col("phone")),
        ),
        _Check(
            "national_id_padded",
            WARNING,
            "national_id",
            pl.col(_raw("national_id")).str.extract(r"^(\d+)", 1).str.len_chars() == 11,
            pl.lit("Số định danh có 11 chữ số (Excel đã bỏ số 0 đầu): đã thêm số 0."),
        ),
    ]
    for key, min_age in MIN_AGE_AT.items():
        column = BY_KEY[key]
        value = pl.col(key)
        checks.append(
            _Check(
                f"{key}_after_survey",
                ERROR,
                key,
                value > y,
                pl.format(f"“{column.header_vi}” năm {{}} sau năm điều tra {{}}.", value, y),
            )
        )
        checks.append(
            _Check(
                f"{key}_too_young",
                ERROR,
                key,
                value < born + min_age,
                pl.format(
                    f"“{column.header_vi}” năm {{}} khi mới {{}} tuổi (sinh năm {{}}): không thể;"
                    f" sớm nhất là {min_age} tuổi.",
                    value,
                    (value - born).cast(pl.Int32),
                    born,
                ),
            )
        )
    for earlier, later, earlier_vi, later_vi in ORDER:
        checks.append(
            _Check(
                f"{later}_before_{earlier}",
                ERROR,
                later,
                pl.col(later) < pl.col(earlier),
                pl.format(
                    f"Năm {later_vi} ({{}}) trước năm {earlier_vi} ({{}}): sai thứ tự.",
                    pl.col(later),
                    pl.col(earlier),
                ),
            )
        )
    return checks


CHECKS: list[_Check] = _value_checks() + _rule_checks()


def _problems_of(checks: list[_Check], data: pl.DataFrame, sheet: Sheet) -> pl.DataFrame:
    """Every row failing a check, as problems (conditions evaluated in one pass).

    A column the file does not have is reported once as missing, not once per
    row, so its cell checks are skipped.
    """
    checks = [
        c for c in checks
        if c.column in sheet.headers or not c.code.startswith(("required_", "invalid_"))
    ]
    flags = data.select(
        pl.col(ROW),
        *[c.condition.fill_null(False).alias(f"c{i}") for i, c in enumerate(checks)],
    )
    hit = [i for i, s in enumerate(flags.drop(ROW).sum().row(0)) if s]
    found: list[pl.DataFrame] = []
    for i in hit:
        check = checks[i]
        rows = data.filter(flags[f"c{i}"])
        value = pl.col(_raw(check.column)) if check.column else pl.lit(None, pl.String)
        found.append(
            rows.select(
                pl.lit(check.severity).alias("severity"),
                pl.lit(check.code).alias("code"),
                pl.lit(sheet.file).alias("file"),
                pl.lit(sheet.name, pl.String).alias("sheet"),
                pl.col(ROW).alias("row"),
                pl.lit(check.column, pl.String).alias("column"),
                pl.lit(sheet.headers.get(check.column or "", None), pl.String).alias("header"),
                value.alias("value"),
                check.message.cast(pl.String).alias("message"),
            )
        )
    if not found:
        return problems.empty()
    return pl.concat(found, how="vertical").cast(problems.PROBLEM_SCHEMA)  # type: ignore[arg-type]


# --- units ------------------------------------------------------------------------------------

UnitTable = Callable[[int], pl.DataFrame]


@cache
def official_units(survey_year: int) -> pl.DataFrame:
    """Communes in force on the reference date of a survey year, with their parents."""
    from phocap.units import registry_for_year

    units = registry_for_year(survey_year)
    return pl.DataFrame(
        [(u.code, u.province_code, u.district_code) for u in units.communes()],
        schema={"code": pl.String, "province": pl.String, "district": pl.String},
        orient="row",
    )


def _unit_problems(data: pl.DataFrame, sheet: Sheet, units: UnitTable) -> pl.DataFrame:
    """Commune codes that do not exist in that year's units, or sit under another parent."""
    found: list[pl.DataFrame] = []
    years = data["survey_year"].drop_nulls().unique().to_list()
    for survey_year in years:
        table = units(survey_year)
        era = "từ 01/7/2025" if survey_year >= FIRST_TWO_LEVEL_YEAR else "trước 01/7/2025"
        rows = data.filter(
            (pl.col("survey_year") == survey_year) & pl.col("commune_code").is_not_null()
        ).join(table, left_on="commune_code", right_on="code", how="left")
        unknown = rows.filter(pl.col("province").is_null())
        wrong_province = rows.filter(
            pl.col("province").is_not_null()
            & pl.col("province_code").is_not_null()
            & (pl.col("province") != pl.col("province_code"))
        )
        wrong_district = rows.filter(
            pl.col("district").is_not_null()
            & pl.col("district_code").is_not_null()
            & (pl.col("district") != pl.col("district_code"))
        )
        for frame, code, column, message in (
            (
                unknown,
                "commune_unknown",
                "commune_code",
                pl.format(
                    f"Mã xã {{}} không có trong danh mục đơn vị hành chính năm {survey_year}"
                    f" ({era}).",
                    pl.col("commune_code"),
                ),
            ),
            (
                wrong_province,
                "commune_not_in_province",
                "province_code",
                pl.format(
                    "Xã {} thuộc tỉnh mã {}, không thuộc tỉnh mã {}.",
                    pl.col("commune_code"),
                    pl.col("province"),
                    pl.col("province_code"),
                ),
            ),
            (
                wrong_district,
                "commune_not_in_district",
                "district_code",
                pl.format(
                    "Xã {} thuộc huyện mã {}, không thuộc huyện mã {}.",
                    pl.col("commune_code"),
                    pl.col("district"),
                    pl.col("district_code"),
                ),
            ),
        ):
            if frame.height:
                found.append(
                    frame.select(
                        pl.lit(ERROR).alias("severity"),
                        pl.lit(code).alias("code"),
                        pl.lit(sheet.file).alias("file"),
                        pl.lit(sheet.name, pl.String).alias("sheet"),
                        pl.col(ROW).alias("row"),
                        pl.lit(column).alias("column"),
                        pl.lit(sheet.headers.get(column), pl.String).alias("header"),
                        pl.col(_raw(column)).alias("value"),
                        message.alias("message"),
                    )
                )
    if not found:
        return problems.empty()
    return pl.concat(found, how="vertical")


# --- cross-row checks -------------------------------------------------------------------------

NAME_KEY = "__name_key__"
_CROSS = {
    # check → (key columns, labels, severity, column reported, message template); the
    # template's first {} is the earlier row, the next ones the labels (key columns named).
    # The ministry numbers households within each village: household 1 of two villages
    # are two households.
    "duplicate_household_person": (
        ("survey_year", "commune_code", "village", "household_no", "person_no"),
        ("household_no", "village"),
        ERROR,
        "person_no",
        "Trùng Số phiếu + STT với {} (hộ số {}, {}): mỗi người trong hộ cần một STT"
        " riêng.",
    ),
    "duplicate_person": (
        ("survey_year", "commune_code", NAME_KEY, "birth_date", "birth_year"),
        (),
        WARNING,
        "full_name",
        "Có thể trùng người: cùng họ tên, ngày sinh và xã với {}. Kiểm tra và gộp nếu là một.",
    ),
    "duplicate_national_id": (
        ("survey_year", "national_id"),
        (),
        ERROR,
        "national_id",
        "Số định danh trùng với {}: mỗi người có một số định danh riêng.",
    ),
}


def _gather_keys(keys: _Keys, data: pl.DataFrame, sheet_index: int, warnings: bool) -> None:
    """Each cross-row check's key hashes, from the few columns it names.

    The folded name is computed once per distinct name and joined back, and the
    rows without a full key are dropped after the key columns are picked, not
    before: filtering the whole typed sheet copied every column of it.
    """
    cross = {check: spec for check, spec in _CROSS.items() if warnings or spec[2] == ERROR}
    names = data.select(pl.col("full_name").unique())
    folded = names.with_columns(fold_expr(pl.col("full_name")).alias(NAME_KEY))
    wanted = {c for columns, labels, *_ in cross.values() for c in (*columns, *labels)}
    narrow = data.select(ROW, "full_name", *(wanted - {NAME_KEY, "full_name"})).join(
        folded, on="full_name", how="left", maintain_order="left", nulls_equal=True)
    for check, (columns, labels, _, _, _) in cross.items():
        # birth_date is null when only a year was given; the year still keys the person.
        present = pl.all_horizontal([pl.col(c).is_not_null() for c in columns if c != "birth_date"])
        frame = narrow.select(
            present.alias("present"),
            pl.struct(columns).hash(11).alias("h1"),
            (pl.struct(columns).hash(29) & 0xFFFFFFFF).cast(pl.UInt32).alias("h2"),
            pl.col(ROW).alias("row"),
            *labels,
        )
        keys.add(check, frame.filter("present").drop("present"), sheet_index)


def _cross_problems(keys: _Keys, sheets: list[Sheet]) -> pl.DataFrame:
    """Rows whose key already appeared earlier in the file, pointing at the first."""
    found: list[pl.DataFrame] = []
    for check, (_, labels, severity, column, template) in _CROSS.items():
        candidates = keys.repeated(check)
        if candidates is None:
            continue
        repeated = candidates.filter(pl.struct("h1", "h2").is_duplicated())
        if repeated.height == 0:
            continue
        names = pl.DataFrame(
            {
                "sheet": pl.Series(range(len(sheets)), dtype=pl.UInt16),
                "file": [s.file for s in sheets],
                "sheet_name": [s.name for s in sheets],
                "header": [s.headers.get(column) for s in sheets],
            },
            schema={"sheet": pl.UInt16, "file": pl.String, "sheet_name": pl.String,
                    "header": pl.String},
        )
        first = repeated.sort("ord").group_by("h1", "h2", maintain_order=True).agg(
            pl.col("ord").first().alias("first_ord"),
            pl.col("row").first().alias("first_row"),
            pl.col("sheet").first().alias("first_sheet"),
        ).join(
            names.select(pl.col("sheet").alias("first_sheet"),
                         pl.col("sheet_name").alias("first_sheet_name"),
                         pl.col("file").alias("first_file")),
            on="first_sheet",
        )
        later = (
            repeated.join(first, on=["h1", "h2"])
            .filter(pl.col("ord") != pl.col("first_ord"))
            .join(names, on="sheet")
        )
        where = (
            pl.when((pl.col("first_file") != pl.col("file"))
                    & pl.col("first_sheet_name").is_not_null())
            .then(pl.format("dòng {} (tệp {}, trang “{}”)", "first_row", "first_file",
                            "first_sheet_name"))
            .when(pl.col("first_file") != pl.col("file"))
            .then(pl.format("dòng {} (tệp {})", "first_row", "first_file"))
            .when(pl.col("first_sheet_name").ne_missing(pl.col("sheet_name")))
            .then(pl.format("dòng {} (trang “{}”)", "first_row", "first_sheet_name"))
            .otherwise(pl.format("dòng {}", "first_row"))
        )
        found.append(
            later.sort("ord").select(
                pl.lit(severity).alias("severity"),
                pl.lit(check).alias("code"),
                "file",
                pl.col("sheet_name").alias("sheet"),
                "row",
                pl.lit(column).alias("column"),
                "header",
                pl.lit(None, pl.String).alias("value"),
                pl.format(template, where, *(
                    village_named_expr(pl.col(f"label{i}")) if key == "village"
                    else pl.col(f"label{i}") for i, key in enumerate(labels)))
                .alias("message"),
            )
        )
    if not found:
        return problems.empty()
    return pl.concat(found, how="vertical")


# --- orchestration ----------------------------------------------------------------------------


def _without_reader_cells(found: pl.DataFrame, sheet: Sheet) -> pl.DataFrame:
    """Drop what else is said of a cell the reader already refused (a formula without a
    value, an official template's cell): the reader's message names the cause."""
    cells = [
        (p.row, p.column)
        for p in sheet.problems
        if p.severity == ERROR and p.row is not None and p.column is not None
    ]
    if not cells:
        return found
    formula = pl.DataFrame(cells, schema={"row": pl.Int32, "column": pl.String}, orient="row")
    return found.join(formula, on=["row", "column"], how="anti", nulls_equal=True)


def _record(data: pl.DataFrame, sheet: Sheet, warnings: pl.DataFrame) -> pl.DataFrame:
    """The typed survey record of a sheet, warnings and unknown columns attached."""
    per_row = (
        warnings.filter(pl.col("severity") == WARNING)
        .group_by("row")
        .agg(pl.col("message").alias("warnings"))
    )
    extra = (
        pl.struct(sheet.unknown).struct.json_encode() if sheet.unknown else pl.lit(None, pl.String)
    )
    out = data.with_columns(
        pl.lit(sheet.name, pl.String).alias("source_sheet"),
        extra.alias("extra"),
    ).join(per_row, left_on=ROW, right_on="row", how="left")
    out = out.with_columns(pl.col("warnings").fill_null(pl.lit([], pl.List(pl.String))))
    return out.select([pl.col(k).cast(t) for k, t in RECORD_SCHEMA.items()])


def _year_problems(data: pl.DataFrame, sheet: Sheet, year: int) -> pl.DataFrame:
    wrong = data.filter(pl.col("survey_year").is_not_null() & (pl.col("survey_year") != year))
    if wrong.height == 0:
        return problems.empty()
    check = _Check(
        "year_mismatch", ERROR, "survey_year", pl.lit(True),
        pl.format(f"Năm điều tra {{}} khác năm đã chọn {year}.", pl.col("survey_year")),
    )
    return _problems_of([check], wrong, sheet)


class _ParquetSink:
    """Typed records written batch by batch, kept only if the whole file is clean.

    They go to a temporary file beside the target, renamed into place at the end,
    so an interrupted or failed validation never leaves a half-written store.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.partial = target.with_name(f".{target.name}.partial")
        self.writer: pq.ParquetWriter | None = None

    def write(self, records: pl.DataFrame) -> None:
        table = records.to_arrow()
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.partial, table.schema)
        self.writer.write_table(table)

    def close(self, keep: bool) -> None:
        if self.writer is not None:
            self.writer.close()
        if keep and self.writer is not None:
            self.partial.replace(self.target)
        else:
            self.partial.unlink(missing_ok=True)


def validate(
    path: Path | Sequence[Path],
    year: int | None = None,
    keep_records: bool = False,
    units: UnitTable | None = None,
    check_units: bool = True,
    batch_rows: int | None = None,
    records_to: Path | None = None,
    limits: Limits = DEFAULT,
    context: Context | None = None,
    warnings: bool = True,
) -> Result:
    """Read and check a survey file; typed records too when ``keep_records``.

    ``year``, when given, is the survey year every row must have (and the one
    assumed when the file has no year column). ``units`` gives a survey year's
    communes (the official lists by default); ``check_units=False`` skips that
    check, e.g. for test data with invented codes. ``records_to`` streams the
    typed records to a Parquet file, written only when the file has no errors:
    the way to check a national file that does not fit in memory. Warnings
    found by comparing rows (likely duplicates) are in the report, not in that
    file's ``warnings`` column. ``limits`` bound what reading the file may cost
    (limits.py); a file beyond them is one error, found before it is read.

    Several paths are checked as one import (the village files of a commune):
    rows are compared across all of them. ``context`` gives what the
    ministry's own workbooks do not say (commune, village; the year defaults
    to ``year``).

    ``warnings=False`` looks for errors only: what a caller needs that uses the
    records when the file has none and shows no warning (``phocap evaluate``).
    The report then holds the same errors; the checks that only warn (likely
    duplicate people, legacy fonts, implausible ages) are not run, so neither it
    nor the records' ``warnings`` column has their warnings.
    """
    units = units or official_units
    checks = CHECKS if warnings else [c for c in CHECKS if c.severity == ERROR]
    context = context or Context()
    if context.year is None:
        context.year = year
    paths = [path] if isinstance(path, Path) else list(path)
    report = Report(", ".join(p.name for p in paths))
    keys = _Keys()
    sheets: list[Sheet] = []
    records: list[pl.DataFrame] = []
    sink = _ParquetSink(records_to) if records_to is not None else None
    options = {} if batch_rows is None else {"batch_rows": batch_rows}
    try:
        for sheet in ahead(s for p in paths
                           for s in read(p, limits=limits, context=context, warnings=warnings,
                                         **options)):
            index = len(sheets)
            sheets.append(Sheet(sheet.file, sheet.name, pl.DataFrame(), sheet.headers))
            data, structural = _typed(sheet, year)
            report.add(problems.frame(sheet.problems + structural))
            report.rows += data.height
            found = [_problems_of(checks, data, sheet)]
            if year is not None:
                found.append(_year_problems(data, sheet, year))
            if check_units:
                found.append(_unit_problems(data, sheet, units))
            sheet_problems = _without_reader_cells(pl.concat(found, how="vertical"), sheet)
            report.add(sheet_problems)
            _gather_keys(keys, data, index, warnings)
            if keep_records or sink is not None:
                typed = _record(data, sheet, sheet_problems)
                if keep_records:
                    records.append(typed)
                if sink is not None and report.ok:
                    sink.write(typed)
    except SurveyFileError as exc:
        report.add(problems.frame([exc.problem]))
        if sink is not None:
            sink.close(keep=False)
        return Result(report, None)
    cross = _cross_problems(keys, sheets)
    report.add(cross)
    if sink is not None:
        sink.close(keep=report.ok)
    if not keep_records:
        return Result(report, None)
    return Result(report, _with_late_warnings(records, cross))


def _with_late_warnings(records: list[pl.DataFrame], cross: pl.DataFrame) -> pl.DataFrame:
    """All records, with the warnings found by comparing rows added to theirs."""
    combined = (
        pl.concat(records, how="vertical") if records else pl.DataFrame(schema=RECORD_SCHEMA)
    )
    late = (
        cross.filter(pl.col("severity") == WARNING)
        .group_by("sheet", "row")
        .agg(pl.col("message").alias("late"))
    )
    if late.height == 0:
        return combined
    no_warnings = pl.lit([], pl.List(pl.String))
    return (
        combined.join(late, left_on=["source_sheet", ROW], right_on=["sheet", "row"],
                      how="left", nulls_equal=True)
        .with_columns(
            pl.concat_list("warnings", pl.col("late").fill_null(no_warnings)).alias("warnings")
        )
        .drop("late")
    )
