"""What the attendance pages and the unit overview both summarise: the school years a
calendar can be built for, the return after Tết per unit, and the at-risk reasons' names.

Kept out of views.py so that attendance/overview.py (the landing of a district or
province) and the pages read one definition, not each other's private helpers.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from phocap import numbers
from phocap.attendance import rates
from phocap.attendance.calendar import lunar_new_years
from phocap.attendance.models import calendar_for
from phocap.schools.models import SchoolClass

Frames = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]
TET_DAYS = 5
"""The return after Tết is followed over the first five school days after the break."""


def calendar_years() -> set[int]:
    """The school years whose Lunar New Year is known: a school year's calendar is built
    around its Tết break, so attendance can be kept for no other."""
    return {year - 1 for year in lunar_new_years()}


def attendance_years(classes: QuerySet[SchoolClass]) -> list[int]:
    """The school years the classes have that a calendar can be built for; the page shows
    one of them (kit/years.py)."""
    return sorted(set(classes.values_list("school_year", flat=True)) & calendar_years())


def tet_return(classes: QuerySet[SchoolClass], data: Frames, school_year: int,
         level: rates.Level) -> list[dict[str, Any]]:
    """The return after Tết per unit of ``level``, by school day 1–5 after the break.

    Each day's rate is over the pupils whose class recorded attendance by then
    (rates.tet_return): a day nobody recorded is not an absence. ``recorded`` of
    ``expected`` says how many pupils the figures rest on.
    """
    school_ids = set(classes.values_list("school_id", flat=True))
    pupils, days, absences = data
    counted: list[dict[str, Any]] = []
    for school_id in sorted(school_ids):
        calendar = calendar_for(school_id, school_year)
        own = pupils.filter(school=school_id)
        table = rates.tet_return(own, days, absences, calendar.tet.first, calendar.tet.last,
                                 level, TET_DAYS, calendar.school_days())
        if not table["recorded_" + str(TET_DAYS)].sum():
            continue  # no class has recorded any of the first school days after the break
        counted += [{"key": row[level], "expected": row["expected"],
                     "recorded": [row[f"recorded_{k}"] for k in range(1, TET_DAYS + 1)],
                     "returned": [row[f"returned_{k}"] for k in range(1, TET_DAYS + 1)]}
                    for row in table.iter_rows(named=True)]
    merged: dict[object, dict[str, Any]] = {}
    for row in counted:  # a village's pupils may go to several schools
        into = merged.setdefault(row["key"], {"key": row["key"], "expected": 0,
                                              "recorded": [0] * TET_DAYS,
                                              "returned": [0] * TET_DAYS})
        into["expected"] += row["expected"]
        for name in ("recorded", "returned"):
            into[name] = [a + b for a, b in zip(into[name], row[name], strict=True)]
    found = [{"key": m["key"] if m["key"] is not None or level != "village"
              else _("(chưa ghi thôn)"),
              "expected": m["expected"], "recorded": m["recorded"][-1],
              "returned": [(n, numbers.rate(n, d))
                           for n, d in zip(m["returned"], m["recorded"], strict=True)]}
             for m in merged.values()]
    return sorted(found, key=lambda r: str(r["key"]))


REASON_NAMES = {
    "low_attendance": _lazy("Chuyên cần thấp"),
    "very_low_attendance": _lazy("Chuyên cần rất thấp"),
    "repeating": _lazy("Lưu ban"), "over_age": _lazy("Quá tuổi từ 2 năm"),
    "earlier_dropout": _lazy("Đã từng bỏ học"), "satellite_site": _lazy("Điểm trường lẻ"),
    "long_distance": _lazy("Nhà xa trường"), "semi_boarding": _lazy("Bán trú"),
    "holiday_drop": _lazy("Chuyên cần giảm sau Tết"),
}
