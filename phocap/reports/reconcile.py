"""Reconciling phocap's report forms with the ministry's figures, cell by cell, and naming
the people who explain each difference.

Officers hold two sets of figures for the same unit and year: phocap's forms and what
the ministry's system (pcgd.moet.gov.vn) reports. Before signing either they must say
why the two differ. This module puts them side by side and, for each differing cell,
names the people whose record the two systems treat differently.

Our figures are the forms' own cells. The forms are built by the forms code
(phocap.reports.forms) over figures that remember which figure each cell read
(``TracingFigures``: the metric, the communes and the ages), so the people behind a
cell are selected with the very condition that counted it (figures.METRICS) and the
reconciliation cannot drift from the forms.

An explanation is a rule stated as data (``RULES``): whom it concerns, how the
ministry's practice reads their record, and where that practice is documented.
Reading the cell's condition again on those people's records as the ministry would
tells, person by person, who is counted by one side only. A rule is accepted for a
cell only when its net effect has the sign of the difference and does not exceed what
is left to explain; what is left is shown as unexplained, never forced.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import polars as pl

from phocap.engine import facts
from phocap.engine.result import Evaluation
from phocap.reports.figures import METRICS, Figures, UnitFigures
from phocap.reports.forms import forms_for
from phocap.reports.model import Column, Form, Row
from phocap.rules import citation

Theirs = dict[str, dict[str, int]]
"""The ministry's figures of one form: row code → column key → count."""

# Columns that hold no count of people: row numbers, labels, birth years, levels, and
# MN-01-TC,ĐK's ĐBKK mark and result.
NOT_COUNTS = frozenset({"stt", "no", "label", "birth_year", "level", "difficult",
                        "recognised"})
# Rows counting everyone of an age, or a population the forms list apart from PPC.
POPULATION_ROWS = frozenset({
    "total", "total__female", "total__minority", "total__female_minority", "disabled",
    "disabled_can_study", "disabled_can_study_enrolled", "cannot_study", "moved_in",
    "moved_away", "deceased",
})
IDENTITY = ("commune_code", "village", "household_no", "person_no", "full_name")


@dataclass(frozen=True)
class Part:
    """Some communes and an age band: what one ``UnitFigures.get`` summed."""

    communes: tuple[str, ...]
    lo: int
    hi: int


@dataclass(frozen=True)
class Trace:
    """The figure a cell holds: one metric over one or more parts."""

    metric: str
    parts: tuple[Part, ...]


class Traced(int):
    """A count that remembers the figure it was read from; equal to the plain count."""

    trace: Trace

    def __new__(cls, value: int, trace: Trace) -> Traced:
        made = super().__new__(cls, value)
        made.trace = trace
        return made


@dataclass(frozen=True)
class _TracingUnitFigures(UnitFigures):
    communes: tuple[str, ...] = ()

    def get(self, metric: str, lo: int, hi: int | None = None) -> int:
        hi = lo if hi is None else hi
        return Traced(super().get(metric, lo, hi),
                      Trace(metric, (Part(self.communes, lo, hi),)))


@dataclass(frozen=True)
class TracingFigures(Figures):
    """Figures whose counts say where they come from (the counts themselves are unchanged)."""

    def of(self, communes: Iterable[str]) -> UnitFigures:
        codes = tuple(communes)
        return _TracingUnitFigures(super().of(codes).ages, codes)


def traced_forms(evaluation: Evaluation, figures: Figures, unit_code: str) -> list[Form]:
    """The unit's forms, built by the forms code, with cells that know their figure."""
    return forms_for(evaluation, TracingFigures(figures.year, figures.by_commune), unit_code)


def counted_columns(form: Form) -> list[Column]:
    """The columns holding counts of people: the ones the ministry's figures are entered for
    (a rate is the quotient of two of them, so it follows from theirs)."""
    return [c for c in form.columns if not c.rate and c.key not in NOT_COUNTS]


def column_label(column: Column) -> str:
    return " – ".join(column.header)


def trace_of(form: Form, row: Row, key: str) -> Trace | None:
    """The figure of a cell; a totals row summed by the forms code is its rows' union."""
    value = row.values.get(key)
    if isinstance(value, Traced):
        return value.trace
    if not row.total:
        return None
    parts = [r.values.get(key) for r in form.rows if not r.total]
    if not parts or not all(isinstance(p, Traced) for p in parts):
        return None
    traces = [p.trace for p in parts if isinstance(p, Traced)]
    if len({t.metric for t in traces}) != 1:
        return None
    return Trace(traces[0].metric, tuple(part for t in traces for part in t.parts))


def _true(value: ir.BooleanValue) -> ir.BooleanValue:
    return value.fill_null(False)


def _every(metric: str) -> bool:
    return True


def _among_ppc(metric: str) -> bool:
    return metric not in POPULATION_ROWS


@dataclass(frozen=True)
class Rule:
    """A way the ministry's system counts some people differently from phocap.

    ``who`` picks the people concerned; ``as_ministry`` gives the columns of their record
    as the ministry's practice reads them; ``metrics`` says which rows it can explain.
    """

    code: str
    title: str
    why: str
    source: str
    who: Callable[[ir.Table], ir.BooleanValue]
    as_ministry: Callable[[ir.Table], dict[str, ir.Value]]
    metrics: Callable[[str], bool] = _every


SOURCES = "docs/official-files.md §5"
RULES: tuple[Rule, ...] = (
    Rule(
        "disabled_can_study", "Khuyết tật có khả năng học tập",
        "Sổ phổ cập của xã (theo cách tính nguồn S3 tái hiện) loại mọi người khuyết tật khỏi "
        "số phải phổ cập; phocap chỉ loại người khuyết tật không có khả năng học tập, người "
        "khuyết tật học được vẫn phải phổ cập.",
        f"{SOURCES} (nguồn S3: loại mọi người khuyết tật khỏi mẫu số); docs/rules.md §1 (PPC).",
        who=lambda t: facts.resident(t) & _true(t.disability == "học được"),
        as_ministry=lambda t: {"disability": ibis.literal(facts.CANNOT_STUDY)},
        metrics=_among_ppc,
    ),
    Rule(
        "moves_ignored", "Chuyển đến, chuyển đi, chết",
        "Sổ phổ cập của xã (theo cách tính nguồn S3 tái hiện) bỏ qua cột tình trạng cư trú "
        "(AT): người chuyển đi, đã chết vẫn được tính phải phổ cập, và không ai được ghi là "
        "chuyển đến, chuyển đi hay chết.",
        f"{SOURCES} (nguồn S3 bỏ qua cột AT) và (cột AT: chuyển đến / chuyển đi / chết).",
        who=lambda t: _true(t.status.isin(("chuyển đến", "chuyển đi", "chết"))),
        as_ministry=lambda t: {"status": ibis.null().cast("string")},
    ),
    Rule(
        "grade_9_without_diploma", "Học xong lớp 9 nhưng chưa có bằng THCS",
        "Người học xong lớp 9 (cột “Học xong lớp”) mà không có bằng tốt nghiệp THCS: phocap "
        "không tính là tốt nghiệp THCS; nếu trên hệ thống Bộ họ được ghi bậc tốt nghiệp THCS "
        "thì được tính.",
        f"{SOURCES} (“Học xong lớp 9” không có bằng không phải tốt nghiệp THCS) và "
        "(cột BL “Học xong/bỏ lớp 9”, cột BI tính theo bậc tốt nghiệp W);"
        f" {citation('ND20 Art 12')}.",
        who=lambda t: _true(t.highest_grade >= 9) & ~facts.lower_secondary_graduate(t),
        as_ministry=lambda t: {"thcs_graduated": t.survey_year},
    ),
    Rule(
        "age_at_reference_date", "Sinh sau ngày 30/9",
        "phocap tính tuổi theo năm sinh (năm điều tra − năm sinh), như cột “Tuổi” của sổ phổ "
        "cập; số liệu tính theo tuổi tròn tại ngày 30/9 xếp người sinh từ tháng 10 đến tháng 12 "
        "vào độ tuổi nhỏ hơn một.",
        f"docs/rules.md §1 (tuổi = năm điều tra − năm sinh); {SOURCES} (cột BC “Tuổi” = Y − năm "
        "sinh, cột BG làn tuổi theo năm sinh) — cách tính theo ngày 30/9 là suy luận.",
        who=lambda t: _true(t.birth_date.month() >= 10),
        as_ministry=lambda t: {"birth_year": t.birth_year + 1},
    ),
    Rule(
        "repeater_mark", "Đánh dấu lưu ban",
        "Lưu ban là dấu “!” sau lớp học của năm học đang điều tra; hệ thống Bộ lưu từng năm học "
        "riêng, nên dấu thiếu ở năm học này thì người đó không được tính lưu ban.",
        f"{SOURCES} (hồ sơ học tập theo từng năm học, có “lưu ban”) và (cột BT: “LB” "
        "khi lớp học kết thúc bằng “!”).",
        who=lambda t: _true(t.class_repeater),
        as_ministry=lambda t: {"class_repeater": ibis.literal(False)},
    ),
    Rule(
        "two_sessions_mark", "Đánh dấu học 2 buổi/ngày",
        "Học 2 buổi/ngày là dấu “*” sau lớp học của năm học đang điều tra; dấu thiếu trên hệ "
        "thống Bộ thì người đó không được tính học 2 buổi/ngày.",
        f"{SOURCES} (hồ sơ học tập theo từng năm học) và (cột BU: “2B” khi lớp học kết "
        "thúc bằng “*”).",
        who=lambda t: _true(t.class_two_sessions),
        as_ministry=lambda t: {"class_two_sessions": ibis.literal(False)},
    ),
)


@dataclass(frozen=True)
class Person:
    commune_code: str
    village: str
    household_no: str
    person_no: int
    full_name: str
    birth_year: int

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.commune_code, self.village, self.household_no, self.person_no)


@dataclass(frozen=True)
class Explanation:
    """A rule's people in one cell: counted by phocap only, or by the ministry only."""

    rule: Rule
    ours_only: tuple[Person, ...]
    theirs_only: tuple[Person, ...]
    accepted: bool  # counted towards the difference (same sign, not more than was left)
    exact: bool  # its effect alone equals the whole difference

    @property
    def effect(self) -> int:
        """What these people add to the ministry's figure minus phocap's."""
        return len(self.theirs_only) - len(self.ours_only)


@dataclass(frozen=True)
class Comparison:
    row_code: str
    row_label: str
    column_key: str
    column_label: str
    ours: int
    theirs: int | None  # None: not entered
    explanations: tuple[Explanation, ...] = ()
    unexplained: int = 0  # the part of the difference no accepted explanation covers

    @property
    def difference(self) -> int | None:
        """The ministry's figure minus phocap's."""
        return None if self.theirs is None else self.theirs - self.ours


@dataclass(frozen=True)
class Reconciliation:
    form: Form
    cells: tuple[Comparison, ...] = field(default_factory=tuple)

    @property
    def entered(self) -> list[Comparison]:
        return [c for c in self.cells if c.theirs is not None]

    @property
    def differing(self) -> list[Comparison]:
        return [c for c in self.cells if c.difference]


ORIGINAL = -1  # the side of a record as it is; 0, 1, …: as rule i reads it


def _records(table: ir.Table, year: int, rules: Sequence[Rule], metrics: Sequence[str],
             communes: Sequence[str]) -> pl.DataFrame:
    """The people any rule concerns, once as recorded (``_side`` = ORIGINAL) and once per
    rule as its practice reads them (``_side`` = the rule's index), with their age and
    whether each metric holds (``_m{i}``).

    One query for the whole form, a column per metric (not per cell): compiling a
    query is what costs, and the cells are then picked from these few people in memory."""
    t = table.filter((table.survey_year == year) & table.commune_code.isin(communes))
    columns = list(t.columns)
    sides = [t.filter(functools.reduce(operator.or_, [rule.who(t) for rule in rules]))
             .mutate(_side=ibis.literal(ORIGINAL, type="int8")).select(*columns, "_side")]
    for index, rule in enumerate(rules):
        concerned = t.filter(rule.who(t))
        read = {k: v.cast(t[k].type()) for k, v in rule.as_ministry(concerned).items()}
        sides.append(concerned.mutate(**read, _side=ibis.literal(index, type="int8"))
                     .select(*columns, "_side"))
    both = ibis.union(*sides, distinct=False)
    query = both.select(*IDENTITY, "birth_year", "_side", _age=facts.age(both),
                        **{f"_m{i}": _true(METRICS[m](both)) for i, m in enumerate(metrics)})
    frame = pl.from_arrow(query.to_pyarrow())
    assert isinstance(frame, pl.DataFrame)
    return frame


@dataclass(frozen=True)
class _Sides:
    """One rule's people, each with their record as it is (o) and as the rule reads it (t)."""

    people: list[Person]
    commune: np.ndarray
    age: dict[str, np.ndarray]  # side → ages
    holds: dict[str, np.ndarray]  # side → (people × metrics) booleans

    @classmethod
    def of(cls, frame: pl.DataFrame, rule_index: int, metrics: int) -> _Sides:
        flags = [f"_m{i}" for i in range(metrics)]
        original = frame.filter(pl.col("_side") == ORIGINAL).drop("_side")
        read = frame.filter(pl.col("_side") == rule_index).select(
            *IDENTITY, pl.col("_age").alias("_age_t"),
            *[pl.col(f).alias(f"{f}_t") for f in flags])
        joined = original.join(read, on=list(IDENTITY), how="inner").sort(
            ["village", "household_no", "person_no"])
        people = [Person(str(r["commune_code"]), str(r["village"]), str(r["household_no"]),
                         int(r["person_no"]), str(r["full_name"]), int(r["birth_year"]))
                  for r in joined.select(*IDENTITY, "birth_year").to_dicts()]
        return cls(
            people, joined["commune_code"].cast(pl.String).to_numpy(),
            {"o": joined["_age"].to_numpy(), "t": joined["_age_t"].to_numpy()},
            {"o": joined.select(flags).to_numpy().astype(bool).reshape(len(people), metrics),
             "t": joined.select([f"{f}_t" for f in flags]).to_numpy().astype(bool)
             .reshape(len(people), metrics)})

    def counted(self, trace: Trace, side: str, metric: int) -> np.ndarray:
        """Whether each person is counted in the cell on one side: the forms' condition (the
        metric), one of the cell's communes and its ages."""
        age = self.age[side]
        where = np.zeros(len(self.people), dtype=bool)
        for part in trace.parts:
            where |= np.isin(self.commune, part.communes) & (age >= part.lo) & (age <= part.hi)
        return self.holds[side][:, metric] & where

    def split(self, trace: Trace, metric: int) -> tuple[list[Person], list[Person]]:
        """The people counted in the cell by phocap only, and by the rule's reading only."""
        if not self.people:
            return [], []
        ours, theirs = self.counted(trace, "o", metric), self.counted(trace, "t", metric)
        return ([p for p, yes in zip(self.people, ours & ~theirs, strict=True) if yes],
                [p for p, yes in zip(self.people, ~ours & theirs, strict=True) if yes])


def _explain(difference: int, candidates: list[tuple[Rule, list[Person], list[Person]]]
             ) -> tuple[tuple[Explanation, ...], int]:
    """Accept rules in order while each moves the difference towards zero without passing it;
    a person already accounted for by an earlier rule is not counted twice."""
    remaining, used = difference, set()
    found = []
    for rule, ours_only, theirs_only in candidates:
        ours_only = [p for p in ours_only if p.key not in used]
        theirs_only = [p for p in theirs_only if p.key not in used]
        effect = len(theirs_only) - len(ours_only)
        if effect == 0 or (effect > 0) != (difference > 0):
            continue
        accepted = remaining != 0 and (effect > 0) == (remaining > 0) and abs(effect) <= abs(
            remaining)
        if accepted:
            remaining -= effect
            used |= {p.key for p in (*ours_only, *theirs_only)}
        found.append(Explanation(rule, tuple(ours_only), tuple(theirs_only), accepted,
                                 effect == difference))
    return tuple(found), remaining


def reconcile(table: ir.Table, form: Form, theirs: Theirs,
              rules: Sequence[Rule] = RULES) -> Reconciliation:
    """Every count cell of ``form`` (built by ``traced_forms``) beside the ministry's figure,
    and for each difference the people who explain it, from ``table`` (the survey records)."""
    cells: list[Comparison] = []
    for row in form.rows:
        for column in counted_columns(form):
            value = row.values.get(column.key)
            if not isinstance(value, int):
                continue
            cells.append(Comparison(row.code, row.label, column.key, column_label(column),
                                    int(value), theirs.get(row.code, {}).get(column.key)))
    differing = [i for i, c in enumerate(cells) if c.difference]
    traces = {i: trace_of(form, form.row(cells[i].row_code), cells[i].column_key)
              for i in differing}
    found: dict[int, list[tuple[Rule, list[Person], list[Person]]]] = {i: [] for i in differing}
    traced = {i: trace for i, trace in traces.items() if trace is not None}
    if traced and rules:
        metrics = sorted({trace.metric for trace in traced.values()})
        communes = sorted({c for trace in traced.values() for p in trace.parts
                           for c in p.communes})
        frame = _records(table, form.year, rules, metrics, communes)
        for index, rule in enumerate(rules):
            sides = _Sides.of(frame, index, len(metrics))
            for cell, trace in traced.items():
                if rule.metrics(trace.metric):
                    ours_only, theirs_only = sides.split(trace, metrics.index(trace.metric))
                    found[cell].append((rule, ours_only, theirs_only))
    for i in differing:
        difference = cells[i].difference
        assert difference is not None
        explanations, remaining = _explain(difference, found[i])
        cells[i] = dataclasses.replace(cells[i], explanations=explanations,
                                       unexplained=remaining)
    return Reconciliation(form, tuple(cells))
