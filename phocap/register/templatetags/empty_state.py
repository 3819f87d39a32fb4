"""The empty state and a unit's level on every page, from phocap/kit/empty.py.

``{% level_badge level has_data %}`` prints "Mức 2", "Chưa đạt", or "Chưa có dữ
liệu" for a unit nobody surveyed that year (never "Chưa đạt");
``{% no_data year %}`` the empty state a page shows instead of its figures;
``{% coverage with total type %}`` how many of a roll-up's units have data;
``{% year_asked_note year %}`` that the year a link asked for has no data.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from phocap.kit import empty
from phocap.kit.years import year_asked

register = template.Library()


@register.simple_tag
def level_badge(level: int, has_data: bool = True, standard: str = "") -> SafeString:
    """The level as a badge: a unit without data says so instead of failing
    (``standard``: the ``data-standard`` a page's tests and scripts find it by)."""
    shown: int | str = level if has_data else empty.NO_DATA_LEVEL
    if not has_data:
        text = empty.level_unknown()
    else:
        text = _("Mức %(level)d") % {"level": level} if level else _("Chưa đạt")
    if standard:
        return format_html('<span class="level level-{}" data-level="{}" data-standard="{}">{}'
                           "</span>", shown, shown, standard, text)
    return format_html('<span class="level level-{}" data-level="{}">{}</span>',
                       shown, shown, text)


@register.simple_tag
def no_data(year: int | None) -> SafeString:
    """The one empty state: "Chưa có dữ liệu điều tra năm 2019." """
    return format_html('<p class="empty-state" data-empty="no-data">{}</p>', empty.no_data(year))


@register.simple_tag
def coverage(with_data: int, total: int, unit_type: str = "commune") -> str:
    """ "dữ liệu của 1/10 huyện" """
    return empty.coverage(with_data, total, unit_type)


@register.simple_tag(takes_context=True)
def year_asked_note(context: template.Context, year: int | None) -> str:
    """ "Năm 2019 chưa có dữ liệu điều tra; đang xem năm 2021." when ?year= named a year
    the page has no data for and the picker showed the nearest one instead."""
    request = context.get("request")
    asked = year_asked(request) if request is not None else None
    if asked is None or year is None or asked == year:
        return ""
    return format_html('<span class="year-note" role="status" data-year-asked="{}">{}</span>',
                       asked, empty.shown_instead(asked, year))
