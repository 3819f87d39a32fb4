"""The consistency check: the forms agree with the engine and with each other.

An officer's dossier is returned when one form says 312 children aged 6 and
another says 311. The forms are built from one set of figures, so they should
agree by construction; this check proves it on the finished forms (and catches
a form edited or built from other data), as an inspector would:

- each criterion the engine evaluated for a commune (numerator and denominator)
  against the cells that show it, and each unit's level against the level column;
- inside a form: totals are the sums of their rows, band columns the sums of
  their ages, rates the quotient of the counts beside them;
- across forms of a unit: a figure printed on two forms is the same number;
- across units: a unit's row on a summary form is that unit's own total, and a
  larger unit's form is the sum of its communes' forms;
- a name list is as long as the numerator it stands behind.

It returns Vietnamese messages, one per discrepancy; an empty list means consistent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from phocap import numbers
from phocap.engine.result import CriterionResult, Evaluation
from phocap.reports.forms.common import count, level_text, rate
from phocap.reports.forms.literacy import CMC_1_RATES, XMC_4_CRITERIA, XMC_4_RATES
from phocap.reports.forms.lower_secondary import THCS_CRITERIA, THCS_M2_RATES, THCS_TK_RATES
from phocap.reports.forms.names import NAME_LISTS
from phocap.reports.forms.preschool import (
    MN_02_CRITERIA,
    MN_02_RATES,
    PROGRAMME_AGES,
    TCDK_AGE_GROUPS,
    TCDK_COUNTS,
    TCDK_RATES,
    TE_PROGRAMME_ROWS,
    TE_RATES,
    recognised_text,
)
from phocap.reports.forms.primary import TH_02_CRITERIA, TH_02_RATES
from phocap.reports.model import Form, Row, Value, shown

SUMMARY_CRITERIA: dict[str, dict[tuple[str, int, int], tuple[str, str]]] = {
    "MN-02": MN_02_CRITERIA,
    "TH-02": TH_02_CRITERIA,
    "THCS-M2": THCS_CRITERIA,
    "THCS-TK": THCS_CRITERIA,
    "XMC-4": XMC_4_CRITERIA,
}
Cell = tuple[str, str, str]  # form code, row code, column key


def _links() -> list[tuple[Cell, Cell]]:
    """Figures printed on two forms of one unit."""
    links: list[tuple[Cell, Cell]] = [
        (("MN-01", "in_scope", "a6"), ("TH-M1", "in_scope", "a6")),
        (("MN-01", "total", "a6"), ("TH-M1", "total", "a6")),
        (("MN-01", "in_scope", "a5"), ("MN-02", "total", "ppc_5")),
        (("MN-01", "attends_preschool", "a5"), ("MN-02", "total", "attending_5")),
        (("MN-01", "in_scope", "a6"), ("MN-02", "total", "ppc_6")),
        (("MN-01", "completed_preschool", "a6"), ("MN-02", "total", "completed_6")),
        (("MN-01", "disabled_can_study", "a5"), ("MN-02", "total", "dis_can")),
        (("THCS-M1", "total", "a11_14"), ("TH-M1", "total", "a11_14")),
        (("THCS-M1", "completed_primary", "a11_14"), ("TH-M1", "completed_primary", "a11_14")),
    ]
    for metric, ages, key in (
        ("in_scope", "a6", "ppc_6"), ("in_grade_1_or_higher", "a6", "grade1_6"),
        ("in_scope", "a11", "ppc_11"), ("completed_primary", "a11", "done_11"),
        ("completed_or_in_primary", "a11", "others_11"), ("in_scope", "a14", "ppc_14"),
        ("completed_primary", "a14", "done_14"), ("in_scope", "a11_14", "ppc_11_14"),
        ("completed_primary", "a11_14", "done_11_14"),
    ):
        links.append((("TH-M1", metric, ages), ("TH-02", "total", key)))
    for key in ("ppc_6", "grade1_6", "ppc_11_14", "done_11_14"):
        links.append((("TH-02", "total", key), ("THCS-M2", "total", key)))
    for metric, key in (("in_scope", "ppc_15_18"), ("lower_secondary_graduate", "grad_15_18"),
                        ("studying_beyond_lower_secondary", "beyond_15_18")):
        links.append((("THCS-M1", metric, "a15_18"), ("THCS-M2", "total", key)))
        links.append((("THCS-M2", "total", key), ("THCS-TK", "total", key)))
    for lo, hi in ((15, 25), (15, 35), (15, 60)):
        band = f"{lo}_{hi}"
        for metric, key in (("in_scope", "ppc"), ("literate_1", "l1"), ("literate_2", "l2")):
            links.append((("XMC-3", f"a{band}", metric), ("XMC-4", "total", f"{key}_{band}")))
        for metric, key in (("in_scope", "ppc"), ("illiterate_1", "mc1"),
                            ("illiterate_2", "mc2")):
            links.append((("XMC-3", f"a{band}", metric), ("CMC-1", "total", f"{key}_{band}")))
    for band in ("a15_25", "a15_60"):
        for metric in ("total", "total__female", "total__minority", "in_scope",
                       "illiterate_1", "illiterate_1__female", "illiterate_1__minority",
                       "illiterate_2", "illiterate_2__female", "illiterate_2__minority"):
            links.append((("CMC-2", band, metric), ("XMC-3", band, metric)))
    return links


LINKS = _links()
TE, TCDK = "MN-01-TE", "MN-01-TCDK"
ATTENDING_3_5 = "preschool_3_5.attending"
# MN-01-TE row → MN-01-TC,ĐK column holding the same figure for an age group.
TE_TCDK = (
    ("in_scope", "need"), ("attends_early_education", "attending"),
    ("completed_programme", "completed"), ("disabled", "disabled"),
    ("disabled_can_study", "dis_can"), ("disabled_can_study_enrolled", "dis_access"),
)
BAND = re.compile(r"a(\d+)_(\d+)")  # a band column of a form by age: "a6_10"
# The figure each name list must match on its commune's forms.
LIST_FIGURES: dict[str, Cell] = {
    "DS-MN": ("MN-01", "completed_preschool", "a6"),
    "DS-TH": ("TH-M1", "completed_primary", "a11_14"),
    "DS-THCS": ("THCS-M1", "lower_secondary_graduate", "a15_18"),
    "DS-XMC": ("XMC-3", "a15_60", "literate_1"),
}


def _show(value: Value) -> str:
    return numbers.percent(None) if value is None else shown(value)


def _where(form: Form, row: Row, key: str) -> str:
    header = " – ".join(form.column(key).header) if any(c.key == key for c in form.columns) \
        else key
    return f"{form.code} ({form.unit_code}), dòng “{row.label}”, cột “{header}”"


def _row(form: Form, code: str) -> Row | None:
    return next((r for r in form.rows if r.code == code), None)


def _label(form: Form, metric: str) -> str:
    """A figure named as the form names it (its row, or its column on a form turned on its
    side), so that an officer finds it on the printed page."""
    row = _row(form, metric)
    if row is not None:
        return row.label
    column = next((c for c in form.columns if c.key == metric), None)
    return " – ".join(column.header) if column is not None else metric


def _cell(form: Form, row_code: str, key: str) -> Value | None:
    row = _row(form, row_code)
    return None if row is None else row.values.get(key)


def figure(form: Form, metric: str, lo: int, hi: int) -> int | None:
    """A figure for the ages lo–hi on a form by age, whichever way the form is turned
    (ages as columns, or as rows as on XMC-3); None when the form does not show it."""
    band = f"a{lo}" if lo == hi else f"a{lo}_{hi}"
    for row_code, key in ((metric, band), (band, metric)):
        value = _cell(form, row_code, key)
        if isinstance(value, int):
            return value
    ages = [f"a{age}" for age in range(lo, hi + 1)]
    for by_row in (False, True):
        values = [_cell(form, age, metric) if by_row else _cell(form, metric, age)
                  for age in ages]
        if all(isinstance(v, int) for v in values):
            return sum(count(v) for v in values)
    return None


class Checker:
    def __init__(self, forms: Sequence[Form], evaluation: Evaluation) -> None:
        self.forms = forms
        self.evaluation = evaluation
        self.problems: list[str] = []
        self.by_unit: dict[str, dict[str, Form]] = {}
        for form in forms:
            if not form.code.startswith("DS-"):
                self.by_unit.setdefault(form.unit_code, {})[form.code] = form

    def differ(self, where: str, shown: Value, expected: Value, why: str) -> None:
        if shown != expected:
            self.problems.append(f"{where}: ghi {_show(shown)}, nhưng {why} là {_show(expected)}.")

    def run(self) -> list[str]:
        for form in self.forms:
            if form.code.startswith("DS-"):
                self.name_list(form)
            elif form.code == TCDK:
                self.tcdk(form)
            elif any(c.key == "level" for c in form.columns):
                self.summary(form)
            else:
                self.by_age(form)
                if form.code == TE:
                    self.te(form)
        for unit_code, forms in self.by_unit.items():
            self.links(unit_code, forms)
            if TE in forms and TCDK in forms:
                self.te_against_tcdk(forms[TE], forms[TCDK])
        return self.problems

    def te(self, form: Form) -> None:
        """MN-01-TE: each rate row is the quotient of its two rows (13 = 10/9, 19 = 18/10,
        24 = 23/10), column by column; the criteria block repeats the rows' figures."""
        for code, (numerator, denominator) in TE_RATES.items():
            row, top, bottom = _row(form, code), _row(form, numerator), _row(form, denominator)
            if row is None or top is None or bottom is None:
                continue
            for column in form.columns:
                shown_top, shown_bottom = top.values.get(column.key), bottom.values.get(column.key)
                band = BAND.fullmatch(column.key)
                if code in TE_PROGRAMME_ROWS and band is not None:  # the total: ages 3–5
                    lo, hi = max(int(band[1]), PROGRAMME_AGES[0]), min(int(band[2]),
                                                                       PROGRAMME_AGES[1])
                    shown_top, shown_bottom = (figure(form, numerator, lo, hi),
                                               figure(form, denominator, lo, hi))
                if not isinstance(shown_top, int) or not isinstance(shown_bottom, int):
                    continue
                self.differ(_where(form, row, column.key), row.values.get(column.key),
                            rate(shown_top, shown_bottom), "tỷ lệ tính từ các dòng")
        criteria = {r.code: r for r in form.appendix if r.code}
        for code, block in criteria.items():
            metric, ages = code.split(":")
            lo, hi = (int(a) for a in ages.split("_"))
            value = figure(form, metric, lo, hi)
            where = f"{form.code} ({form.unit_code}), tiêu chí “{block.label}”"
            if value is not None:
                self.differ(where, block.values.get("count"), value,
                            f"dòng “{_label(form, metric)}” của biểu")
            unit = self.evaluation.unit(form.unit_code)
            if unit.type != "commune":
                continue
            for criterion in self.criteria(unit.code):
                if (criterion.fact, criterion.ages) == (metric, (lo, hi)):
                    self.differ(where, block.values.get("count"), criterion.numerator,
                                f"tử số của tiêu chí {criterion.key}")
                    self.differ(where, block.values.get("rate"), criterion.rate,
                                f"tỷ lệ của tiêu chí {criterion.key}")

    def tcdk(self, form: Form) -> None:
        """MN-01-TC,ĐK: rates from their columns (12 = 11/10, 14 = 13/11, 18 = 17/16); the
        province's age rows the sums of its communes'; each commune's figures the engine's
        counts of ND277's attending criterion and column 22 its result; a commune's block
        the same on the province's form as on its own."""
        for row in form.rows:
            for key, (numerator, denominator) in TCDK_RATES.items():
                top, bottom = row.values.get(numerator), row.values.get(denominator)
                if isinstance(top, int) and isinstance(bottom, int):
                    self.differ(_where(form, row, key), row.values.get(key), rate(top, bottom),
                                "tỷ lệ tính từ các cột")
        heads = [r for r in form.rows if ":" not in r.code]
        for head in heads:
            unit = self.evaluation.unit(form.unit_code if head.code == "total" else head.code)
            self.differ(_where(form, head, "recognised"), head.values.get("recognised"),
                        recognised_text(unit), "kết quả tính theo Nghị định 277")
            if unit.type == "commune":
                self._tcdk_criteria(form, unit.code)
        communes = [r.code for r in heads if r.code != "total"]
        whole = _row(form, "total")
        for key in ("schools", "sites"):
            parts = [_cell(form, code, key) for code in communes]
            if whole is not None and all(isinstance(p, int) for p in parts):
                self.differ(_where(form, whole, key), whole.values.get(key),
                            sum(count(p) for p in parts), "tổng các xã")
        for suffix, _, _, _ in TCDK_AGE_GROUPS:
            total = _row(form, f"total:{suffix}")
            if total is None:
                continue
            for key in (*TCDK_COUNTS, "classes"):
                parts = [_cell(form, f"{code}:{suffix}", key) for code in communes]
                if all(isinstance(p, int) for p in parts):
                    self.differ(_where(form, total, key), total.values.get(key),
                                sum(count(p) for p in parts), "tổng các xã")
        for code in communes:
            own = self.by_unit.get(code, {}).get(TCDK)
            if own is None or own is form:
                continue
            for row in form.rows:
                if row.code.split(":")[0] != code:
                    continue
                for key in TCDK_COUNTS:
                    self.differ(_where(form, row, key), row.values.get(key),
                                _cell(own, row.code, key),
                                f"biểu {TCDK} của chính xã {code}")

    def _tcdk_criteria(self, form: Form, commune: str) -> None:
        for criterion in self.criteria(commune):
            if criterion.key != ATTENDING_3_5 or criterion.ages is None:
                continue
            for key, expected, what in (("attending", criterion.numerator, "tử số"),
                                        ("need", criterion.denominator, "mẫu số")):
                cells = [_cell(form, f"{commune}:{suffix}", key)
                         for suffix, _, _, _ in TCDK_AGE_GROUPS]
                if all(isinstance(c, int) for c in cells):
                    self.differ(f"{form.code} ({form.unit_code}), xã {commune}, cột "
                                f"“{' – '.join(form.column(key).header)}” 3–5 tuổi",
                                sum(count(c) for c in cells), expected,
                                f"{what} của tiêu chí {criterion.key}")

    def te_against_tcdk(self, te: Form, tcdk: Form) -> None:
        """The same figure on both forms of a unit: TE's rows 6–10 and 23 for ages 3–4 and 5
        against TC,ĐK's columns 10, 11, 13, 15–17 of the unit's own block (e.g. row 23
        against column 13)."""
        block = "total" if _row(tcdk, "total") is not None else te.unit_code
        for suffix, _, lo, hi in TCDK_AGE_GROUPS:
            row = _row(tcdk, f"{block}:{suffix}")
            if row is None:
                continue
            for metric, key in TE_TCDK:
                value = figure(te, metric, lo, hi)
                if value is None:
                    continue
                self.differ(_where(tcdk, row, key), row.values.get(key), value,
                            f"dòng “{_label(te, metric)}” {lo}–{hi} tuổi trên biểu {TE}")

    def criteria(self, unit_code: str) -> Iterable[CriterionResult]:
        for standard in self.evaluation.unit(unit_code).standards.values():
            yield from standard.criteria

    def by_age(self, form: Form) -> None:
        """Bands are sums of ages; a commune's cells are the engine's counts; a larger
        unit's cells are the sums of its communes' same forms."""
        for row in form.rows:
            for column in form.columns:
                band = BAND.fullmatch(column.key)
                if band is not None:
                    lo, hi = int(band[1]), int(band[2])
                    ages = [row.values.get(f"a{a}") for a in range(lo, hi + 1)]
                    if all(isinstance(v, int) for v in ages):
                        self.differ(_where(form, row, column.key), row.values.get(column.key),
                                    sum(count(v) for v in ages), "tổng các độ tuổi")
        unit = self.evaluation.unit(form.unit_code)
        if unit.type == "commune":
            for criterion in self.criteria(unit.code):
                if criterion.ages is None:
                    continue
                lo, hi = criterion.ages
                for metric, expected, what in (
                    (criterion.fact, criterion.numerator, "tử số"),
                    ("in_scope", criterion.denominator, "mẫu số (phải phổ cập)"),
                ):
                    shown = figure(form, metric, lo, hi)
                    if shown is not None and figure(form, criterion.fact, lo, hi) is not None:
                        self.differ(f"{form.code} ({unit.code}), “{_label(form, metric)}”"
                                    f" {lo}–{hi} tuổi",
                                    shown, expected, f"{what} của tiêu chí {criterion.key}")
            return
        children = [self.by_unit.get(c, {}).get(form.code)
                    for c in self.evaluation.communes_below(unit.code)]
        if not children or any(child is None for child in children):
            return
        for row in form.rows:
            for column in form.columns:
                value = row.values.get(column.key)
                if not isinstance(value, int) or column.key == "birth_year":
                    continue
                total = sum(count(_cell(child, row.code, column.key))
                            for child in children if child is not None)
                self.differ(_where(form, row, column.key), value, total,
                            "tổng của các xã trên cùng biểu")

    def summary(self, form: Form) -> None:
        rows = [r for r in form.rows if not r.total]
        totals = [r for r in form.rows if r.total]
        rates = {c.key for c in form.columns if c.rate}
        counted = [c.key for c in form.columns
                   if c.key not in rates and c.key not in ("stt", "label", "level")]
        standard = _STANDARD[form.code]
        for total in totals:
            for key in counted:
                self.differ(_where(form, total, key), total.values.get(key),
                            sum(count(r.values.get(key)) for r in rows), "tổng các dòng")
            self.differ(_where(form, total, "level"), total.values.get("level"),
                        level_text(self.evaluation.unit(form.unit_code), standard),
                        "mức đạt chuẩn của đơn vị theo kết quả tính")
        for row in form.rows:
            for key in rates:
                numerator, denominator = _rate_parts(form, key)
                self.differ(_where(form, row, key), row.values.get(key),
                            rate(count(row.values.get(numerator)),
                                 count(row.values.get(denominator))), "tỷ lệ tính từ các cột")
        for row in rows:
            unit = self.evaluation.unit(row.code)
            self.differ(_where(form, row, "level"), row.values.get("level"),
                        level_text(unit, standard), "mức đạt chuẩn theo kết quả tính")
            own = self.by_unit.get(row.code, {}).get(form.code)
            if own is not None and own is not form:
                own_total = next(r for r in own.rows if r.total)
                for key in counted:
                    self.differ(_where(form, row, key), row.values.get(key),
                                own_total.values.get(key), f"dòng Cộng trên biểu {form.code} "
                                f"của chính đơn vị {row.code}")
            if unit.type == "commune":
                self._summary_criteria(form, row)

    def _summary_criteria(self, form: Form, row: Row) -> None:
        cells = SUMMARY_CRITERIA.get(form.code, {})
        for criterion in self.criteria(row.code):
            if criterion.ages is None:
                continue
            found = cells.get((criterion.fact, *criterion.ages))
            if found is None:
                continue
            numerator, denominator = found
            self.differ(_where(form, row, numerator), row.values.get(numerator),
                        criterion.numerator, f"tử số của tiêu chí {criterion.key}")
            self.differ(_where(form, row, denominator), row.values.get(denominator),
                        criterion.denominator, f"mẫu số của tiêu chí {criterion.key}")

    def links(self, unit_code: str, forms: dict[str, Form]) -> None:
        for (code_a, row_a, key_a), (code_b, row_b, key_b) in LINKS:
            form_a, form_b = forms.get(code_a), forms.get(code_b)
            if form_a is None or form_b is None:
                continue
            first, second = _row(form_a, row_a), _row(form_b, row_b)
            if first is None or second is None:
                continue
            header = " – ".join(form_b.column(key_b).header)
            self.differ(_where(form_a, first, key_a), first.values.get(key_a),
                        second.values.get(key_b),
                        f"cùng số liệu trên biểu {code_b} (cột “{header}”)")

    def name_list(self, form: Form) -> None:
        spec = next(s for s in NAME_LISTS if s.code == form.code)
        people = [r for r in form.rows if not r.total]
        where = f"{form.code} ({form.unit_code})"
        code, row_code, key = LIST_FIGURES[form.code]
        source = self.by_unit.get(form.unit_code, {}).get(code)
        if source is not None:
            self.differ(where, len(people), _cell(source, row_code, key),
                        f"số liệu tương ứng trên biểu {code}")
        for criterion in self.criteria(form.unit_code):
            if criterion.ages is None or criterion.fact not in (spec.fact, "literate_2"):
                continue
            if criterion.fact == "literate_2" and spec.fact != "literate_1":
                continue
            lo, hi = criterion.ages
            if lo < spec.ages[0] or hi > spec.ages[1]:
                continue
            listed = [r for r in people if lo <= count(r.values.get("age")) <= hi
                      and (criterion.fact != "literate_2" or r.values.get("level") == "Mức độ 2")]
            self.differ(f"{where}, số người {lo}–{hi} tuổi", len(listed), criterion.numerator,
                        f"tử số của tiêu chí {criterion.key}")


_STANDARD = {"MN-02": "preschool_5", "TH-02": "primary", "THCS-M2": "lower_secondary",
             "THCS-TK": "lower_secondary", "XMC-4": "literacy", "CMC-1": "literacy"}


_RATES = {"MN-02": MN_02_RATES, "TH-02": TH_02_RATES, "THCS-M2": THCS_M2_RATES,
          "THCS-TK": THCS_TK_RATES, "XMC-4": XMC_4_RATES, "CMC-1": CMC_1_RATES}


def _rate_parts(form: Form, key: str) -> tuple[str, str]:
    return _RATES[form.code][key]


def check(forms: Sequence[Form], evaluation: Evaluation) -> list[str]:
    """Every discrepancy between the forms and the engine, or among the forms; [] = consistent.

    ``forms`` may mix units and name lists: forms of a unit and of the units
    below it are compared with each other where both are given.
    """
    return Checker(forms, evaluation).run()
