"""Rulesets: the law as data, one file per legal document (docs/rules.md §6).

A ruleset lists, for each standard and level, its criteria (the cohort's ages,
the individual fact counted, the threshold for normal and especially difficult
communes, the article it comes from), the prerequisites between levels, and the
shares of communes (or districts) a larger unit needs. The engine is generic:
a new decree is a new TOML file here, not a code change. A file may extend
another and replace its entries by key.

Thresholds are exact fractions, written as decimal strings ("0.95"), so that a
rate is compared with them without rounding (docs/rules.md §1).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any, Literal

# The individual standards of docs/rules.md §2 (and §5) the engine knows how to count.
FACTS: dict[str, str] = {
    "attends_preschool": "đang học mẫu giáo (hoặc đã vào tiểu học)",
    "attends_early_education": "đang học nhóm trẻ, lớp mẫu giáo (hoặc đã vào tiểu học)",
    "two_sessions": "học 2 buổi/ngày",
    "completed_preschool": "đã hoàn thành chương trình giáo dục mầm non",
    "completed_programme_for_age": (
        "đã hoàn thành chương trình giáo dục mầm non theo độ tuổi trong năm học trước"
    ),
    "in_mg4_or_higher": "đang học lớp mẫu giáo 4 tuổi trở lên",
    "in_mg5_or_higher": "đang học lớp mẫu giáo 5 tuổi trở lên",
    "in_grade_1_or_higher": "đang học lớp 1 trở lên",
    "completed_primary": "đã hoàn thành chương trình tiểu học",
    "completed_or_in_primary": "đã hoàn thành hoặc đang học tiểu học",
    "lower_secondary_graduate": "đã tốt nghiệp THCS",
    "studying_beyond_lower_secondary": (
        "đang (hoặc đã) học THPT, GDTX cấp THPT hoặc giáo dục nghề nghiệp"
    ),
    "literate_1": "biết chữ mức độ 1",
    "literate_2": "biết chữ mức độ 2",
}
MARKS = ("law", "practice", "interpretation", "unverified")
Rollup = Literal["district", "province"]

STANDARD_NAMES_VI: dict[str, str] = {
    "preschool_5": "Phổ cập giáo dục mầm non cho trẻ 5 tuổi",
    "preschool_3_5": "Phổ cập giáo dục mầm non cho trẻ 3–5 tuổi",
    "primary": "Phổ cập giáo dục tiểu học",
    "lower_secondary": "Phổ cập giáo dục trung học cơ sở",
    "literacy": "Xóa mù chữ",
}


class RulesetError(ValueError):
    """A ruleset file that is inconsistent; the message says where and why."""


@dataclass(frozen=True)
class Criterion:
    key: str
    standard: str
    level: int
    fact: str
    ages: tuple[int, int]
    ages_especially_difficult: tuple[int, int]
    threshold: Fraction
    threshold_especially_difficult: Fraction
    source: str
    mark: str
    note: str = ""

    def cohort(self, especially_difficult: bool) -> tuple[int, int]:
        return self.ages_especially_difficult if especially_difficult else self.ages

    def threshold_for(self, especially_difficult: bool) -> Fraction:
        return self.threshold_especially_difficult if especially_difficult else self.threshold


@dataclass(frozen=True)
class Level:
    standard: str
    level: int
    requires: tuple[tuple[str, int], ...]
    source: str
    requires_mark: str = "law"


@dataclass(frozen=True)
class RollupShare:
    """Share of units below that must hold a level for the unit above to hold it."""

    standard: str
    level: int
    district: Fraction | None  # share of a district's communes
    province: Fraction  # share of a province's districts, or (two-level) of its communes
    province_especially_difficult: Fraction | None  # ND277: separate share for ĐBKK communes
    source: str
    mark: str = "law"
    note: str = ""


@dataclass(frozen=True)
class Ruleset:
    name: str
    title: str
    sources: tuple[str, ...]
    first_year: int
    last_year: int | None
    rollup: Rollup
    standards: tuple[str, ...]
    levels: tuple[Level, ...]
    criteria: tuple[Criterion, ...]
    shares: tuple[RollupShare, ...]
    unverified: tuple[str, ...] = ()
    extends: str | None = None

    def levels_of(self, standard: str) -> tuple[Level, ...]:
        return tuple(sorted((lv for lv in self.levels if lv.standard == standard),
                            key=lambda lv: lv.level))

    def criteria_of(self, standard: str, level: int) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.standard == standard and c.level == level)

    def share(self, standard: str, level: int) -> RollupShare:
        for share in self.shares:
            if share.standard == standard and share.level == level:
                return share
        raise KeyError((standard, level))

    def applies_to(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


# --- loading ----------------------------------------------------------------------------------

_RULESET_KEYS = {"name", "title", "sources", "first_year", "last_year", "rollup", "standards",
                 "unverified", "extends"}
_LEVEL_KEYS = {"standard", "level", "requires", "source", "requires_mark"}
_CRITERION_KEYS = {"key", "standard", "level", "fact", "ages", "ages_especially_difficult",
                   "threshold", "threshold_especially_difficult", "source", "mark", "note"}
_ROLLUP_KEYS = {"standard", "level", "district", "province", "province_especially_difficult",
                "source", "mark", "note"}


def names() -> list[str]:
    """Every ruleset shipped with phocap."""
    folder = resources.files("phocap.rules") / "data"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                  if p.name.endswith(".toml"))


def _read(name: str) -> dict[str, Any]:
    path = resources.files("phocap.rules") / "data" / f"{name}.toml"
    if not path.is_file():
        raise RulesetError(f"Không có bộ quy tắc “{name}”. Có: {', '.join(names())}.")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesetError(f"Bộ quy tắc “{name}”: tệp TOML sai cú pháp ({exc}).") from exc


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Child entries replace the parent's with the same key; new ones are added."""
    head = {**parent["ruleset"], **child["ruleset"]}
    if "last_year" not in child["ruleset"]:
        head.pop("last_year", None)  # a new document's end is its own, not its parent's
    # What the parent could not verify stays unverified in every document built on it.
    inherited = [u for u in parent["ruleset"].get("unverified", [])
                 if u not in child["ruleset"].get("unverified", [])]
    head["unverified"] = [*inherited, *child["ruleset"].get("unverified", [])]
    merged: dict[str, Any] = {"ruleset": head}
    keyed: dict[str, tuple[str, ...]] = {
        "levels": ("standard", "level"),
        "criteria": ("key",),
        "rollup": ("standard", "level"),
    }
    for section, fields in keyed.items():
        entries: dict[tuple[Any, ...], dict[str, Any]] = {}
        for entry in (*parent.get(section, []), *child.get(section, [])):
            entries[tuple(entry.get(f) for f in fields)] = entry
        merged[section] = list(entries.values())
    return merged


def _raw(name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if name in seen:
        chain = " → ".join((*seen, name))
        raise RulesetError(f"Bộ quy tắc “{name}” kế thừa vòng tròn: {chain}.")
    data = _read(name)
    parent = data.get("ruleset", {}).get("extends")
    if parent:
        return _merge(_raw(parent, (*seen, name)), data)
    return data


@cache
def load(name: str) -> Ruleset:
    """Load and check a ruleset; RulesetError says what is inconsistent."""
    return parse(_raw(name), name)


def for_year(year: int) -> Ruleset:
    """The ruleset in force for a survey year: among those that apply, the most derived."""
    applicable = [load(n) for n in names() if load(n).applies_to(year)]
    if not applicable:
        raise RulesetError(f"Không có bộ quy tắc nào áp dụng cho năm điều tra {year}.")
    extended = {r.extends for r in applicable}
    leaves = [r for r in applicable if r.name not in extended]
    return max(leaves, key=lambda r: (r.first_year, r.name))


# --- checking ---------------------------------------------------------------------------------


def _fraction(value: Any, where: str) -> Fraction:
    if not isinstance(value, str):
        raise RulesetError(f"{where}: ngưỡng phải là chuỗi số thập phân như \"0.95\".")
    try:
        fraction = Fraction(value)
    except ValueError as exc:
        raise RulesetError(f"{where}: ngưỡng “{value}” không phải số.") from exc
    if not 0 < fraction <= 1:
        raise RulesetError(f"{where}: ngưỡng {value} phải lớn hơn 0 và không quá 1.")
    return fraction


def _ages(value: Any, where: str) -> tuple[int, int]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) for v in value) or not 0 <= value[0] <= value[1] <= 60):
        raise RulesetError(f"{where}: độ tuổi phải là [từ, đến] trong khoảng 0–60, từ ≤ đến.")
    return value[0], value[1]


def _keys(entry: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise RulesetError(f"{where}: khóa không hợp lệ {sorted(unknown)}.")


def _required(entry: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if k not in entry]
    if missing:
        raise RulesetError(f"{where}: thiếu {missing}.")


def _mark(value: str, where: str) -> str:
    if value not in MARKS:
        raise RulesetError(f"{where}: mark “{value}” phải là một trong {MARKS}.")
    return value


def parse(data: dict[str, Any], name: str) -> Ruleset:
    """Build a Ruleset from TOML data, checking its consistency."""
    head = data.get("ruleset")
    if not isinstance(head, dict):
        raise RulesetError(f"Bộ quy tắc “{name}”: thiếu mục [ruleset].")
    where = f"Bộ quy tắc “{name}”"
    _keys(head, _RULESET_KEYS, where)
    _required(head, ("name", "title", "sources", "first_year", "rollup", "standards"), where)
    if head["rollup"] not in ("district", "province"):
        raise RulesetError(f"{where}: rollup phải là “district” hoặc “province”.")
    standards = tuple(head["standards"])

    levels: list[Level] = []
    for i, entry in enumerate(data.get("levels", []), start=1):
        at = f"{where}, levels #{i}"
        _keys(entry, _LEVEL_KEYS, at)
        _required(entry, ("standard", "level", "source"), at)
        levels.append(Level(
            entry["standard"], entry["level"],
            tuple((str(s), int(lv)) for s, lv in entry.get("requires", [])),
            entry["source"], _mark(entry.get("requires_mark", "law"), at),
        ))

    criteria: list[Criterion] = []
    for i, entry in enumerate(data.get("criteria", []), start=1):
        at = f"{where}, criteria “{entry.get('key', i)}”"
        _keys(entry, _CRITERION_KEYS, at)
        _required(entry, ("key", "standard", "level", "fact", "ages", "threshold", "source",
                          "mark"), at)
        if entry["fact"] not in FACTS:
            raise RulesetError(f"{at}: fact “{entry['fact']}” không có; có: {sorted(FACTS)}.")
        ages = _ages(entry["ages"], at)
        threshold = _fraction(entry["threshold"], at)
        criteria.append(Criterion(
            entry["key"], entry["standard"], entry["level"], entry["fact"], ages,
            _ages(entry.get("ages_especially_difficult", list(ages)), at),
            threshold,
            _fraction(entry.get("threshold_especially_difficult", entry["threshold"]), at),
            entry["source"], _mark(entry["mark"], at), entry.get("note", ""),
        ))

    shares: list[RollupShare] = []
    for i, entry in enumerate(data.get("rollup", []), start=1):
        at = f"{where}, rollup #{i}"
        _keys(entry, _ROLLUP_KEYS, at)
        _required(entry, ("standard", "level", "province", "source"), at)
        district = entry.get("district")
        if head["rollup"] == "district" and district is None:
            raise RulesetError(f"{at}: thời kỳ có cấp huyện cần tỷ lệ “district”.")
        ed = entry.get("province_especially_difficult")
        shares.append(RollupShare(
            entry["standard"], entry["level"],
            None if district is None else _fraction(district, at),
            _fraction(entry["province"], at),
            None if ed is None else _fraction(ed, at),
            entry["source"], _mark(entry.get("mark", "law"), at), entry.get("note", ""),
        ))

    ruleset = Ruleset(
        head["name"], head["title"], tuple(head["sources"]), head["first_year"],
        head.get("last_year"), head["rollup"], standards, tuple(levels), tuple(criteria),
        tuple(shares), tuple(head.get("unverified", ())), head.get("extends"),
    )
    if ruleset.name != name:
        raise RulesetError(f"{where}: tên trong tệp là “{ruleset.name}”, khác tên tệp.")
    _check_structure(ruleset, where)
    return ruleset


def _check_structure(ruleset: Ruleset, where: str) -> None:
    if ruleset.last_year is not None and ruleset.last_year < ruleset.first_year:
        raise RulesetError(f"{where}: last_year trước first_year.")
    keys = [c.key for c in ruleset.criteria]
    if len(keys) != len(set(keys)):
        raise RulesetError(f"{where}: khóa tiêu chí bị trùng.")
    declared = {(lv.standard, lv.level) for lv in ruleset.levels}
    for standard in ruleset.standards:
        numbers = sorted(lv.level for lv in ruleset.levels if lv.standard == standard)
        if numbers != list(range(1, len(numbers) + 1)) or not numbers:
            raise RulesetError(f"{where}: các mức của “{standard}” phải liên tiếp từ 1.")
        for number in numbers:
            if not ruleset.criteria_of(standard, number):
                raise RulesetError(f"{where}: mức {number} của “{standard}” không có tiêu chí.")
            try:
                ruleset.share(standard, number)
            except KeyError:
                raise RulesetError(
                    f"{where}: thiếu tỷ lệ tổng hợp (rollup) cho “{standard}” mức {number}."
                ) from None
    for level in ruleset.levels:
        if level.standard not in ruleset.standards:
            raise RulesetError(f"{where}: mức của “{level.standard}” không nằm trong standards.")
        for standard, number in level.requires:
            if (standard, number) not in declared:
                raise RulesetError(
                    f"{where}: “{level.standard}” mức {level.level} đòi “{standard}” mức"
                    f" {number}, mức này không có."
                )
            if standard == level.standard and number >= level.level:
                raise RulesetError(
                    f"{where}: “{level.standard}” mức {level.level} không thể đòi chính nó"
                    " hoặc mức cao hơn."
                )
    for criterion in ruleset.criteria:
        if (criterion.standard, criterion.level) not in declared:
            raise RulesetError(
                f"{where}: tiêu chí “{criterion.key}” thuộc mức chưa khai báo trong [[levels]]."
            )
    _check_acyclic(ruleset, where)


def _check_acyclic(ruleset: Ruleset, where: str) -> None:
    graph = {(lv.standard, lv.level): lv.requires for lv in ruleset.levels}
    state: dict[tuple[str, int], int] = {}

    def visit(node: tuple[str, int], path: tuple[tuple[str, int], ...]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = " → ".join(f"{s} {lv}" for s, lv in (*path, node))
            raise RulesetError(f"{where}: điều kiện tiên quyết vòng tròn: {cycle}.")
        state[node] = 1
        for needed in graph.get(node, ()):
            visit(needed, (*path, node))
        state[node] = 2

    for node in graph:
        visit(node, ())
