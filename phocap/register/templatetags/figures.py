"""Template filters that print figures through phocap.numbers, the one formatter.

Here, in the register (the lowest app that renders pages), so every app's templates
can ``{% load figures %}``. Django's own ``floatformat`` and ``intcomma`` are not used:
they format the float a template is handed (the stored JSON keeps a rate to four
decimals, so 3/160 reached the page as 0.0187, "1,87%") and group by the active locale,
so a page disagreed with the forms, the PDF and the charts (docs/numbers.md). The
filters take the exact counts instead.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django import template
from django.utils.translation import gettext as _

from phocap import numbers
from phocap.survey import classes
from phocap.survey.text import village_named

register = template.Library()


@register.filter
def integer(value: int | None) -> str:
    """{{ 14804|integer }} → "14.804"."""
    return "" if value is None else numbers.integer(int(value))


@register.filter
def rate(numerator: int, denominator: int) -> str:
    """{{ c.numerator|rate:c.denominator }} → "95,24%", "—" when nobody is counted."""
    return numbers.rate(int(numerator), int(denominator))


@register.filter
def threshold(value: Fraction | float) -> str:
    """{{ c.threshold|threshold }} → "95%"."""
    return numbers.threshold(value)


@register.filter
def day(value: dt.date | str | None) -> str:
    """{{ person.birth_date|day }} → "31/05/2023"; empty for no date. An audit snapshot's
    ISO text ("2023-05-31") reads the same way."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10]) if value else None
    return "" if value is None else numbers.date(value)


@register.filter
def school_year(start: int) -> str:
    """{{ 2023|school_year }} → "2023–2024"."""
    return numbers.school_year(int(start))


@register.simple_tag
def rounding_note(numerator: int, denominator: int, needed: Fraction | float) -> str:
    """Empty, or the sentence that warns where the rounded rate and the verdict disagree:
    "94,9975% — hiển thị làm tròn 95,00% nhưng chưa đạt 95%" (levels are decided on the
    exact fraction, docs/rules.md §1; the shown rate is rounded half-up, docs/numbers.md)."""
    if not numbers.rounds_across(numerator, denominator, needed):
        return ""
    ratio = Fraction(numerator, denominator)
    shown = {"exact": numbers.percent(ratio, places=4), "shown": numbers.percent(ratio),
             "needed": numbers.threshold(needed)}
    if ratio < numbers.exact(needed):
        return _("%(exact)s — hiển thị làm tròn %(shown)s nhưng chưa đạt %(needed)s") % shown
    return _("%(exact)s — hiển thị làm tròn %(shown)s nhưng đã đạt %(needed)s") % shown


@register.filter
def village(name: str) -> str:
    """{{ "Nà Sản"|village }} → "thôn Nà Sản"; "Bản Pồn" and "Thôn 5" stay as they are
    (survey/text.village_named: a name is never said as "thôn Thôn 5")."""
    return village_named(name)


@register.filter
def class_code(code: str | None) -> str:
    """{{ record.current_class|class_code }} → "lớp 9 (lưu ban)" for "9!" (survey/classes.py
    reads every code; the file's "*" and "!" are never left for an officer to decode)."""
    return classes.reading(code)
