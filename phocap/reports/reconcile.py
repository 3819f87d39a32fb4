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
import polars as pl

from phocap.engine import facts
from phocap.engine.result import Evaluation
from phocap.reports.figures import METRICS, Figures, UnitFigures
from phocap.reports.forms import forms_for
from phocap.reports.model import Column, Form, Row

Theirs = dict[str, dict[str, int]]
"""The ministry's figures of one form: row code → column key → count."""

# Columns that hold no count of people: row numbers, labels, birth years, levels.
NOT_COUNTS = frozenset({"stt", "label", "birth_year", "level"})
# Rows counting everyone of an age, or a population the forms list apart from PPC.
POPULATION_ROWS = frozenset({
    "total", "total__female", "total__minority", "total__female_minority", "disabled",
    "disabled_can_study", "disabled_can_study_enrolled", "cannot_study", "moved_in",
    "moved_away", "deceased",
})
IDENTITY = ("commune_code", "village", "household_no", "person_no", "full_name")
BATCH = 150  # cells per query: two columns each, well under SQLite's 2,000 columns


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


SOURCES = "shared/docs/official-formats.md"
RULES: tuple[Rule, ...] = (
    Rule(
        "disabled_can_study", "Khuyết tật có khả năng học tập",
        "Sổ phổ cập của xã (theo cách tính nguồn S3 tái hiện) loại mọi người khuyết tật khỏi "
        "số phải phổ cập; phocap chỉ loại người khuyết tật không có khả năng học tập, người "
        "khuyết tật học được vẫn phải phổ cập.",
        f"{SOURCES} §2 (nguồn S3: loại mọi người khuyết tật khỏi mẫu số); rules.md §1 (PPC).",
        who=lambda t: facts.resident(t) & _true(t.disability == "học được"),
        as_ministry=lambda t: {"disability": ibis.literal(facts.CANNOT_STUDY)},
        metrics=_among_ppc,
    ),
    Rule(
        "moves_ignored", "Chuyển đến, chuyển đi, chết",
        "Sổ phổ cập của xã (theo cách tính nguồn S3 tái hiện) bỏ qua cột tình trạng cư trú "
        "(AT): người chuyển đi, đã chết vẫn được tính phải phổ cập, và không ai được ghi là "
        "chuyển đến, chuyển đi hay chết.",
        f"{SOURCES} §2 (nguồn S3 bỏ qua cột AT) và §5 (cột AT: chuyển đến / chuyển đi / chết).",
        who=lambda t: _true(t.status.isin(("chuyển đến", "chuyển đi", "chết"))),
        as_ministry=lambda t: {"status": ibis.null().cast("string")},
    ),
    Rule(
        "grade_9_without_diploma", "Học xong lớp 9 nhưng chưa có bằng THCS",
        "Người học xong lớp 9 (cột “Học xong lớp”) mà không có bằng tốt nghiệp THCS: phocap "
        "không tính là tốt nghiệp THCS; nếu trên hệ thống Bộ họ được ghi bậc tốt nghiệp THCS "
        "thì được tính.",
        f"{SOURCES} §5 (“Học xong lớp 9” không có bằng không phải tốt nghiệp THCS) và §2 "
        "(cột BL “Học xong/bỏ lớp 9”, cột BI tính theo bậc tốt nghiệp W); ND20 Điều 12.",
        who=lambda t: _true(t.highest_grade >= 9) & ~facts.lower_secondary_graduate(t),
        as_ministry=lambda t: {"thcs_graduated": t.survey_year},
    ),
    Rule(
        "age_at_reference_date", "Sinh sau ngày 30/9",
        "phocap tính tuổi theo năm sinh (năm điều tra − năm sinh), như cột “Tuổi” của sổ phổ "
        "cập; số liệu tính theo tuổi tròn tại ngày 30/9 xếp người sinh từ tháng 10 đến tháng 12 "
        "vào độ tuổi nhỏ hơn một.",
        f"rules.md §1 (tuổi = năm điều tra − năm sinh); {SOURCES} §2 (cột BC “Tuổi” = Y − năm "
        "sinh, cột BG làn tuổi theo năm sinh) — cách tính theo ngày 30/9 là suy luận.",
        who=lambda t: _true(t.birth_date.month() >= 10),
        as_ministry=lambda t: {"birth_year": t.birth_year + 1},
    ),
    Rule(
        "repeater_mark", "Đánh dấu lưu ban",
        "Lưu ban là dấu “!” sau lớp học của năm học đang điều tra; hệ thống Bộ lưu từng năm học "
        "riêng, nên dấu thiếu ở năm học này thì người đó không được tính lưu ban.",
        f"{SOURCES} §1.4 (hồ sơ học tập theo từng năm học, có “lưu ban”) và §2 (cột BT: “LB” "
        "khi lớp học kết thúc bằng “!”).",
        who=lambda t: _true(t.class_repeater),
        as_ministry=lambda t: {"class_repeater": ibis.literal(False)},
    ),
    Rule(
        "two_sessions_mark", "Đánh dấu học 2 buổi/ngày",
        "Học 2 buổi/ngày là dấu “*” sau lớp học của năm học đang điều tra; dấu thiếu trên hệ "
        "thống Bộ thì người đó không được tính học 2 buổi/ngày.",
        f"{SOURCES} §1.4 (hồ sơ học tập theo từng năm học) và §2 (cột BU: “2B” khi lớp học kết "
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


def _in_cell(t: ir.Table, trace: Trace) -> ir.BooleanValue:
    """Whether a record is counted in the cell: the forms' own condition, communes and ages."""
    age = facts.age(t)
    where = [t.commune_code.isin(p.communes) & age.between(p.lo, p.hi) for p in trace.parts]
    return _true(METRICS[trace.metric](t)) & functools.reduce(operator.or_, where)


def _people(table: ir.Table, year: int, rule: Rule, traces: Sequence[Trace]) -> pl.DataFrame:
    """The rule's people whose counting differs in any of the cells: ``_o{i}`` whether phocap
    counts them in cell i, ``_t{i}`` whether the ministry's practice does."""
    communes = sorted({c for trace in traces for p in trace.parts for c in p.communes})
    t = table.filter((table.survey_year == year) & table.commune_code.isin(communes))
    t = t.filter(rule.who(t))
    t = t.mutate(_born=t.birth_year,
                 **{f"_o{i}": _in_cell(t, trace) for i, trace in enumerate(traces)})
    m = t.mutate(**rule.as_ministry(t))
    m = m.mutate(**{f"_t{i}": _in_cell(m, trace) for i, trace in enumerate(traces)})
    m = m.filter(functools.reduce(operator.or_,
                                  [m[f"_o{i}"] != m[f"_t{i}"] for i in range(len(traces))]))
    flags = [f"_{side}{i}" for i in range(len(traces)) for side in "ot"]
    query = m.select(*IDENTITY, "_born", *flags).order_by(["village", "household_no",
                                                            "person_no"])
    frame = pl.from_arrow(query.to_pyarrow())
    assert isinstance(frame, pl.DataFrame)
    return frame


def _person(row: dict[str, object]) -> Person:
    return Person(str(row["commune_code"]), str(row["village"]), str(row["household_no"]),
                  int(str(row["person_no"])), str(row["full_name"]), int(str(row["_born"])))


def _split(frame: pl.DataFrame, index: int) -> tuple[list[Person], list[Person]]:
    ours, theirs = pl.col(f"_o{index}"), pl.col(f"_t{index}")
    return ([_person(r) for r in frame.filter(ours & ~theirs).to_dicts()],
            [_person(r) for r in frame.filter(~ours & theirs).to_dicts()])


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
    for rule in rules:
        wanted = [i for i in differing
                  if (trace := traces[i]) is not None and rule.metrics(trace.metric)]
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start:start + BATCH]
            frame = _people(table, form.year, rule, [t for i in batch
                                                     if (t := traces[i]) is not None])
            for index, cell in enumerate(batch):
                ours_only, theirs_only = _split(frame, index)
                found[cell].append((rule, ours_only, theirs_only))
    for i in differing:
        difference = cells[i].difference
        assert difference is not None
        explanations, remaining = _explain(difference, found[i])
        cells[i] = dataclasses.replace(cells[i], explanations=explanations,
                                       unexplained=remaining)
    return Reconciliation(form, tuple(cells))
