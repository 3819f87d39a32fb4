"""The one sentence that compares a rate with its target (the dashboard's plan targets,
the streaming targets): which side of the target it is, and by how many points.

The arithmetic and its order are decided once: no target says so first (that is
what an officer can act on), then a rate that does not apply (nobody of the age,
no graduates), then equal, above or below by the difference in points, rounded
as every difference is shown (phocap.numbers; rules.md §1), and "less than 0,01"
when it rounds to nothing but is not zero. Each page words the sentences its own
way (a plan's "kế hoạch", a stream's "mục tiêu"), as a ``Wording``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from phocap import numbers

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Wording:
    """The five sentences, translated when used; each may name %(label)s, %(rate)s (the
    rate as shown) and, above and below, %(points)s."""

    no_target: StrOrPromise
    not_applicable: StrOrPromise
    equal: StrOrPromise
    above: StrOrPromise
    below: StrOrPromise


def against_target(rate: Fraction | None, target: Fraction | Decimal | None, wording: Wording,
                   label: str = "") -> tuple[str, str]:
    """("none" | "n/a" | "equal" | "above" | "below", the sentence): ``rate`` and
    ``target`` in percent, e.g. 27.5 against 40 → ("below", "… thấp hơn … 12,5 điểm")."""
    shown = {"label": label, "rate": numbers.points(rate)}
    if target is None:
        return "none", str(wording.no_target) % shown
    if rate is None:
        return "n/a", str(wording.not_applicable) % shown
    points = rate - Fraction(target)
    if points == 0:
        return "equal", str(wording.equal) % shown
    amount = numbers.difference(points) if numbers.rounded(points) else _("chưa đến 0,01")
    side = ("above", wording.above) if points > 0 else ("below", wording.below)
    return side[0], str(side[1]) % (shown | {"points": amount})
