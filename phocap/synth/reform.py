"""A synthetic population carried across 1 July 2025, into the communes of the new list.

Survey records keep the units of the list in force on their reference date
(units.vintage_for_year): up to 2024 the old communes, from 2025 the merged ones.
The register crosses that line commune by commune (register/crossing.py: new
villages, households and people under the new commune, continuing the old
ones). A synthetic population crosses it the same way, so that its first year
after the line is what an officer of the merged commune would upload: the
people of school year 2025 are lived under their old communes (evolve.py, with
the old communes' plans), then written with the new list's units:

- ``commune_code`` and ``province_code``: the new commune and province each old
  commune went into **whole** (the conversion table, units.old_to_new). An old
  commune split among several new ones is refused: which village goes where is
  the officer's decision (issue 15), not something to draw;
- ``district_code``: blank, as from 2025 (there are no districts);
- ``village``: the name the village takes in the merged commune, by the
  register's own rule (units.villages.names_after: a name two predecessors
  share takes its old commune's in brackets), so that the records match the
  villages the crossing made;
- ``current_school``: the school's code in the new list, province + type + three
  digits, numbered by type over the province in the order of the old codes, as
  the generator numbers schools from 2025 (plan._schools). The schools of 2025
  belong to the new communes; the old school codes stay with the years before.

Especially difficult (ĐBKK) flags of the new communes (:func:`units_after`).
The list of ĐBKK communes is the government's decision for each year
(docs/rules.md §3), and none naming the merged communes is part of phocap's
inputs, so the synthetic rule is: **a new commune is ĐBKK when the predecessors
that were ĐBKK held more than half of its people in the last year before the
line** (the records given, usually 2024's); a tie is not ĐBKK. It follows the
majority of the people whose rates the commune's thresholds apply to.
Synthetic data only: the register never infers the flag, an administrator sets
it (register/views/admin.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl
import pyarrow as pa

from phocap.survey.schema import BY_KEY, FIRST_TWO_LEVEL_YEAR
from phocap.synth.plan import Commune, CommunePlan
from phocap.synth.records import ARROW_SCHEMA
from phocap.synth.writer import UnitRow
from phocap.units import Vintage, old_to_new, registry
from phocap.units.villages import names_after

GONE = BY_KEY["status"].choices[1:]
"""Moved away, died: not counted among a commune's people (as evolve.GONE)."""
SCHOOL_DIGITS = 3
"""Digits of a school's number from 2025 (plan._schools numbers per province)."""


@dataclass(frozen=True)
class Crossing:
    """Where each old commune's records go after the line, and under which names."""

    communes: Mapping[str, Commune]
    """Old commune code → the new commune it went into whole."""
    villages: Mapping[tuple[str, str], str]
    """(old commune code, village) → the village's name in the new commune."""
    schools: Mapping[str, str]
    """Old school code → the school's code from 2025."""


def crossing(plans: Sequence[CommunePlan]) -> Crossing:
    """The crossing of the planned communes: their new communes, villages and schools.

    Villages are named as the register names them (units.villages.names_after).
    Raises ValueError (in Vietnamese) for an old commune that was split or is
    not in the conversion table.
    """
    after = registry(Vintage.V2025_07_01)
    communes: dict[str, Commune] = {}
    for plan in plans:
        code = plan.commune.code
        links = old_to_new(code)
        targets = {link.new_commune_code for link in links}
        if not links:
            raise ValueError(f"Xã {code} không có trong bảng chuyển đổi 01/7/2025.")
        if len(targets) > 1 or any(link.note == "part" for link in links):
            raise ValueError(
                f"Xã {code} được chia cho nhiều xã mới ({', '.join(sorted(targets))}):"
                " cán bộ cần phân bổ từng thôn, không tạo tự động được.")
        unit = after.get(targets.pop(), "commune")
        assert unit is not None  # the conversion table names units of the new list
        communes[code] = Commune(unit.code, unit.name, unit.kind, unit.province_code, "")
    received: defaultdict[str, list[CommunePlan]] = defaultdict(list)
    for plan in plans:
        received[communes[plan.commune.code].code].append(plan)
    villages: dict[tuple[str, str], str] = {}
    for group in received.values():
        named = names_after((p.commune.name, v) for p in group for v in p.villages)
        villages |= {(p.commune.code, v): named[(p.commune.name, v)]
                     for p in group for v in p.villages}
    return Crossing(communes, villages, _schools(plans, communes))


def _schools(plans: Sequence[CommunePlan], communes: Mapping[str, Commune]) -> dict[str, str]:
    """Each old school code's code from 2025: province + type + number over the province."""
    old: set[str] = set()
    for plan in plans:
        s = plan.schools
        old.update((*s.preschool, *s.primary, *s.lower_secondary))
        old.update(c for c in (s.upper_secondary, s.continuing) if c)
    province = {plan.commune.code: communes[plan.commune.code].province_code for plan in plans}
    area_province = {plan.commune.province_code + plan.commune.district_code:
                     province[plan.commune.code] for plan in plans}
    counters: Counter[tuple[str, str]] = Counter()
    found: dict[str, str] = {}
    for code in sorted(old):
        area, kind = code[:-4], code[-4:-2]
        new_province = area_province[area]
        counters[(new_province, kind)] += 1
        found[code] = f"{new_province}{kind}{counters[(new_province, kind)]:0{SCHOOL_DIGITS}d}"
    return found


def across(records: pa.Table, crossing: Crossing) -> pa.Table:
    """The records of a year from 2025, lived under the old communes, under the new ones."""
    frame = pl.from_arrow(records)
    assert isinstance(frame, pl.DataFrame)
    years = frame["survey_year"].unique().to_list()
    if any(int(y) < FIRST_TWO_LEVEL_YEAR for y in years):
        raise ValueError(f"Chỉ năm từ {FIRST_TWO_LEVEL_YEAR} mới ghi theo xã mới.")
    commune = {old: c.code for old, c in crossing.communes.items()}
    province = {old: c.province_code for old, c in crossing.communes.items()}
    absent = set(frame["commune_code"].unique().to_list()) - set(commune)
    if absent:
        raise ValueError(f"Không biết xã mới của xã {', '.join(sorted(absent))}.")
    villages = pl.DataFrame(
        [(old, village, new) for (old, village), new in crossing.villages.items()],
        schema={"commune_code": pl.String, "village": pl.String, "_village": pl.String},
        orient="row")
    moved = frame.join(villages, on=["commune_code", "village"], how="left",
                       maintain_order="left")
    unnamed = moved.filter(pl.col("_village").is_null())
    if unnamed.height:
        raise ValueError(f"Thôn “{unnamed['village'][0]}” của xã {unnamed['commune_code'][0]}"
                         " chưa có tên trong xã mới.")
    moved = moved.with_columns(
        pl.col("commune_code").replace_strict(province).alias("province_code"),
        pl.lit(None, pl.String).alias("district_code"),
        pl.col("commune_code").replace_strict(commune).alias("commune_code"),
        pl.col("_village").alias("village"),
        pl.col("current_school").replace(dict(crossing.schools)).alias("current_school"),
    ).drop("_village")
    out = moved.sort("commune_code", pl.col("household_no").str.len_chars(), "household_no",
                     "village", "person_no")
    return out.to_arrow().cast(ARROW_SCHEMA)


def units_after(records: pa.Table, difficult: Mapping[str, bool],
                crossing: Crossing) -> list[UnitRow]:
    """The units file of the years after the line: the new provinces and communes, each
    commune ĐBKK by the majority of its people (the module docstring's rule).

    ``records`` are the last year before the line, under the old communes;
    ``difficult`` the old communes' flags (a plan's ``especially_difficult``).
    The people counted are those the year keeps (not moved away, not dead).
    """
    frame = pl.from_arrow(records)
    assert isinstance(frame, pl.DataFrame)
    present = frame.filter(~pl.col("status").is_in(GONE).fill_null(False))
    people = dict(present.group_by("commune_code").len().iter_rows())
    flags = flags_after(people, difficult, crossing)
    after = registry(Vintage.V2025_07_01)
    communes = sorted({c.code: c for c in crossing.communes.values()}.values(),
                      key=lambda c: c.code)
    rows = []
    for code in sorted({c.province_code for c in communes}):
        province = after.get(code, "province")
        assert province is not None  # a new commune's province is in the same list
        rows.append(UnitRow(code, province.name, "province", "", False))
    rows += [UnitRow(c.code, c.name, "commune", c.province_code, flags[c.code])
             for c in communes]
    return rows


def flags_after(people: Mapping[str, int], difficult: Mapping[str, bool],
                crossing: Crossing) -> dict[str, bool]:
    """Each new commune's ĐBKK flag: whether its ĐBKK predecessors held more than half of
    its people (``people``: old commune code → people in the last year before the line)."""
    held: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for old, new in crossing.communes.items():
        held[new.code][0] += people.get(old, 0) if difficult.get(old, False) else 0
        held[new.code][1] += people.get(old, 0)
    return {code: 2 * flagged > total for code, (flagged, total) in held.items()}
