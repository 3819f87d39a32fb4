"""The one empty state and the one coverage sentence (issue 14).

A unit or year without survey data is not a unit that fails: a page says "no
survey data for that year" instead of "Chưa đạt", and a figure resting on part
of its units or records says on how much ("dữ liệu của 1/10 huyện"). Every page,
roll-up, form and download words it here, so no page shows a failure where the
truth is that nobody has counted yet (docs/rules.md §1, "No data").

"No survey data" (nobody surveyed in the unit that year: ``UnitResult.has_data``)
is not "an empty cohort" (people surveyed, none of a criterion's age:
``StandardResult.empty``, shown "—" criterion by criterion).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NO_DATA_LEVEL = "no-data"
"""The CSS class and ``data-level`` of a level that is not known for want of data."""

_UNIT_WORDS = {"commune": gettext_lazy("xã"), "district": gettext_lazy("huyện")}


def no_data(year: int | None) -> str:
    """The sentence a page shows instead of results for a year nobody surveyed."""
    if year is None:
        return _("Chưa có dữ liệu điều tra.")
    return _("Chưa có dữ liệu điều tra năm %(year)d.") % {"year": year}


def shown_instead(asked: int, shown: int) -> str:
    """A link asked for a year without data and the picker (kit/years.py) shows another:
    the page says so, rather than let the year asked seem to be the one shown."""
    return _("Năm %(asked)d chưa có dữ liệu điều tra; đang xem năm %(shown)d.") % {
        "asked": asked, "shown": shown}


def level_unknown() -> str:
    """What a level reads as when the unit has no data that year (never "Chưa đạt")."""
    return _("Chưa có dữ liệu")


def coverage(with_data: int, total: int, unit_type: str = "commune") -> str:
    """How many of a roll-up's units have data: "dữ liệu của 1/10 huyện"."""
    return _("dữ liệu của %(with_data)d/%(total)d %(units)s") % {
        "with_data": with_data, "total": total, "units": _UNIT_WORDS.get(unit_type, _("đơn vị"))}
