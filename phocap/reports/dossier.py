"""What a printed recognition dossier says, as plain data (``pdf.py`` lays it out).

A commune's dossier asking for recognition holds the report on the results
with its statistical forms and the minutes of its self-check; the dossier of a
district or province holds its report and forms and the minutes of the
inspection it underwent (ND20 Art 28). The recognising level inspects the
dossier and the actual results (ND20 Art 29) following the procedure of
ND20 Art 30 and TT07/2016; its inspection minutes are printed here once it has
decided. The name lists (ND20 Art 27: the people completing each programme)
are the register's evidence behind the forms.

The results are the engine's JSON as the web application stores it in a
dossier's snapshot (``StandardResult.to_json``): a printed dossier certifies
what was submitted, not what the register says today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from phocap import numbers
from phocap.reports.model import Form
from phocap.rules import STANDARD_NAMES_VI, citation, ruleset_title
from phocap.rules.words import PEOPLE, counted, deciding, explained, label, verdict_note

MinutesKind = Literal["self_check", "inspection"]
MINUTES_TITLES: dict[MinutesKind, str] = {
    "self_check": "BIÊN BẢN TỰ KIỂM TRA",
    "inspection": "BIÊN BẢN KIỂM TRA",
}
ACTIONS_VI = {"submit": "Nộp hồ sơ", "return": "Trả lại", "resubmit": "Nộp lại",
              "decide": "Ra quyết định"}
PASSED_VI = {True: "Đạt", False: "Chưa đạt", None: "Không áp dụng"}


def vi_date(day: dt.date) -> str:
    """The date line of Decree 30/2020 (Appendix I): "ngày 05 tháng 3 năm 2022".

    A day below 10 and the months 1 and 2 take a leading zero; other months do not.
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass(frozen=True)
class Criterion:
    """One criterion of the standard as submitted: the count, the cohort, the bar."""

    key: str
    label: str
    level: int
    numerator: int
    denominator: int
    threshold: Fraction
    source: str
    passed: bool | None
    counts: str = PEOPLE  # what is counted: people, or communes or districts (a roll-up)
    mark: str = "law"  # docs/rules.md "Marks used"; a snapshot from before marks were kept: law

    @property
    def caveat(self) -> str:
        """What an [unverified] or [interpretation] mark means for the result, in words
        (rules/words.py); "" for law and practice."""
        return explained(self.key, self.mark)

    @property
    def rate(self) -> Fraction | None:
        """Recomputed exactly: the stored JSON rounds the rate to four decimals."""
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def shown_rate(self) -> str:
        """The rate as the PDF prints it, in its table and its sentences: "95,24%", "—"."""
        return numbers.percent(self.rate)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Criterion:
        ages = data.get("ages")
        key = str(data["key"])
        cohort = (int(ages[0]), int(ages[1])) if ages else None
        return cls(key=key, label=label(key, cohort), level=int(data["level"]),
                   numerator=int(data["numerator"]), denominator=int(data["denominator"]),
                   threshold=Fraction(str(data["threshold"])), source=str(data["source"]),
                   passed=data["passed"], counts=counted(key),
                   mark=str(data.get("mark", "law")))

    def sentence(self) -> str:
        """"… : 20/21 người, tỷ lệ 95,24% (yêu cầu từ 90%, Điều 9 Nghị định 20/2014/NĐ-CP):
        đạt."; a district's "…: 14/15 xã, …"."""
        if self.rate is None:
            return f"{self.label}: không có ai trong diện phải phổ cập, không áp dụng."
        counted = (f"{numbers.integer(self.numerator)}/{numbers.integer(self.denominator)}"
                   f" {self.counts}")
        verdict = PASSED_VI[self.passed].lower()
        return (f"{self.label}: {counted}, tỷ lệ {self.shown_rate} (yêu cầu từ"
                f" {numbers.threshold(self.threshold)}, {citation(self.source)}): {verdict}.")


@dataclass(frozen=True)
class Step:
    """One event of the dossier's review, as the workflow recorded it."""

    action: str  # "submit", "return", "resubmit", "decide"
    at: dt.datetime
    by: str = ""
    comment: str = ""
    decision_number: str = ""
    decision_date: dt.date | None = None
    signer: str = ""
    level_granted: int | None = None

    def describe(self) -> str:
        if self.action != "decide":
            return self.comment
        verdict = (f"công nhận mức {self.level_granted}" if self.level_granted
                   else "không công nhận")
        when = numbers.date(self.decision_date) if self.decision_date else "…"
        text = f"Quyết định số {self.decision_number} ngày {when}, {self.signer} ký: {verdict}."
        return f"{text} {self.comment}".strip()


@dataclass(frozen=True)
class Participant:
    name: str
    position: str


@dataclass(frozen=True)
class Minutes:
    """Minutes of a self-check (by the unit) or of an inspection (by the recognising level).

    With no participants recorded, the printed minutes leave lines to fill in by
    hand: phocap does not know who sat on the steering committee or the team.
    """

    kind: MinutesKind
    body: str  # who holds it: the unit's People's Committee, or the recognising level
    participants: tuple[Participant, ...] = ()

    @property
    def title(self) -> str:
        return MINUTES_TITLES[self.kind]


@dataclass(frozen=True)
class DossierContent:
    """Everything a printed dossier shows for one unit, standard and survey year."""

    unit_name: str
    unit_type: str  # "commune", "district", "province"
    parents: tuple[str, ...]  # the units above, top first: ("Tỉnh Điện Biên", "Huyện Mường Chà")
    year: int
    standard: str
    ruleset: str
    level_computed: int
    level_claimed: int
    criteria: tuple[Criterion, ...]
    reviewer: str  # who decides: "Chủ tịch Ủy ban nhân dân tỉnh …" (printing.authority_of)
    level_granted: int | None = None
    unmet_prerequisites: tuple[str, ...] = ()
    conditions: str = "not_assessed"
    forms: tuple[Form, ...] = ()
    name_lists: tuple[Form, ...] = ()
    name_lists_withheld: bool = False  # the reader may not see people (the Ministry viewer)
    history: tuple[Step, ...] = ()
    minutes: tuple[Minutes, ...] = ()
    place: str = ""  # the place of the date line: the commune's or the district's name
    issued: dt.date | None = None
    reviewer_caveat: str = ""  # where the texts read leave who decides open (rules/words.py)

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any], **fields: Any) -> DossierContent:
        """From a dossier's stored snapshot ({"ruleset", "year", "level", "result"})."""
        result = snapshot["result"]
        return cls(year=int(snapshot["year"]), ruleset=str(snapshot["ruleset"]),
                   level_computed=int(snapshot["level"]),
                   criteria=tuple(Criterion.from_json(c) for c in result.get("criteria", [])),
                   unmet_prerequisites=tuple(result.get("unmet_prerequisites", [])),
                   conditions=str(result.get("conditions", "not_assessed")), **fields)

    @property
    def located(self) -> str:
        """"Xã Mường Pồn, huyện Điện Biên, tỉnh Điện Biên": the unit, then the units above."""
        above = [name[:1].lower() + name[1:] for name in reversed(self.parents)]
        return ", ".join([self.unit_name, *above])

    @property
    def standard_name(self) -> str:
        return STANDARD_NAMES_VI.get(self.standard, self.standard)

    def level_words(self, level: int) -> str:
        name = self.standard_name.lower() if self.standard != "literacy" else "xóa mù chữ"
        return f"đạt chuẩn {name} mức độ {level}" if level else f"chưa đạt chuẩn {name}"

    def conclusion(self) -> str:
        """The report's finding from the submitted results."""
        text = (f"Căn cứ kết quả điều tra năm {self.year} (theo {ruleset_title(self.ruleset)}),"
                f" {self.unit_name} {self.level_words(self.level_computed)}")
        if self.level_claimed > self.level_computed:
            text += (f"; đơn vị đề nghị công nhận mức độ {self.level_claimed}, cao hơn mức"
                     " tính được từ sổ theo dõi (xem ý kiến kèm theo hồ sơ)")
        if self.unmet_prerequisites:
            text += "; chưa đạt điều kiện tiên quyết: " + ", ".join(
                _prerequisite(p) for p in self.unmet_prerequisites)
        return text + "."

    def verdict_note(self) -> str:
        """Beside the finding: the marked criteria the computed level rests on, and that it
        may change (rules/words.py); "" when it rests on none."""
        found = deciding(self.level_computed, self.criteria)
        return verdict_note(found, [c.label for c in found])

    def conditions_sentence(self) -> str:
        """The engine does not assess staffing and facilities (TT07 Arts 3–6): say so."""
        return {
            "met": "Các điều kiện về đội ngũ, cơ sở vật chất (Thông tư 07/2016/TT-BGDĐT)"
                   " đã được ghi nhận là đạt.",
            "not_met": "Các điều kiện về đội ngũ, cơ sở vật chất (Thông tư 07/2016/TT-BGDĐT)"
                       " chưa đạt.",
        }.get(self.conditions, "Các điều kiện về đội ngũ, cơ sở vật chất (Thông tư"
                               " 07/2016/TT-BGDĐT) do đoàn kiểm tra đánh giá trực tiếp,"
                               " không tính từ sổ theo dõi.")


def _prerequisite(key: str) -> str:
    standard, _, level = key.rpartition(".")
    return f"{STANDARD_NAMES_VI.get(standard, standard).lower()} mức {level}"
