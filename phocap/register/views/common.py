"""What the register's views share: finding a unit in scope, its communes, the breadcrumbs,
what a unit's pages say about the line of 1 July 2025.

The survey year a page shows is read by the kit's one year picker (kit/years.py); a
register page with no data of its own opens on the newest year of the user's scope
(``year_of``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from phocap.accounts.models import User
from phocap.accounts.permissions import covers, reads_history, reads_whole_units, sees_people
from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import year_shown
from phocap.register import lineage
from phocap.register.models import AdministrativeUnit
from phocap.register.results import scope_years, stale_allowed

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination

T = TypeVar("T")
P = ParamSpec("P")


def updating_page(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """A page of figures that may show the last ones while the worker computes new ones
    (results.stale_allowed, register/warming.py), rather than make its visitor wait for
    them: the layout then says they are being updated and reloads the page (base.html).
    Never a download, nor anything that records what it read."""
    @functools.wraps(view)
    def page(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        with stale_allowed():
            return view(*args, **kwargs)
    return page


def unit_in_scope(request: AuthedRequest, pk: int) -> AdministrativeUnit:
    """The unit, if the user's role covers it; otherwise it does not exist for them (404)."""
    unit = get_object_or_404(AdministrativeUnit.objects.select_related("parent__parent"), pk=pk)
    if not covers(request.user, unit):
        raise Http404
    return unit


def whole_unit(request: AuthedRequest, pk: int) -> AdministrativeUnit:
    """A unit in scope for a page about everything of it (results, forms, audit trail,
    export, dossiers); a school's staff, who read their own pupils only, are refused (403)."""
    unit = unit_in_scope(request, pk)
    if not reads_whole_units(request.user):
        raise PermissionDenied
    return unit


def commune_with_people(request: AuthedRequest, pk: int, whole: bool = True) -> AdministrativeUnit:
    """A commune whose person-level pages the user may open (never for the ministry viewer).

    ``whole``: the page is about everyone of the commune (a name list, the duplicates,
    the roll-over), so a school's staff are refused; a page that reads people only
    through ``for_user`` (which narrows them to their pupils) passes ``whole=False``.
    """
    unit = unit_in_scope(request, pk)
    if unit.type != AdministrativeUnit.Type.COMMUNE:
        raise Http404
    if not sees_people(request.user) or (whole and not reads_whole_units(request.user)):
        raise PermissionDenied
    return unit


def communes_below(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    if unit.type == AdministrativeUnit.Type.COMMUNE:
        return [unit]
    return list(AdministrativeUnit.objects.filter(
        Q(parent=unit) | Q(parent__parent=unit), type=AdministrativeUnit.Type.COMMUNE))


def breadcrumbs(unit: AdministrativeUnit, user: User) -> list[AdministrativeUnit]:
    """The unit's ancestors the user covers, then the unit."""
    chain = [*reversed(unit.ancestors()), unit]
    return [u for u in chain if covers(user, u)]


def page_of(request: AuthedRequest, items: _SupportsPagination[T], per_page: int = 50) -> Page[T]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def year_of(request: AuthedRequest, years: list[int]) -> int:
    """The year a register page about a unit shows (kit/years.year_shown): ?year=, else
    the unit's newest year with data; a unit with none (a new commune or province before
    its first survey under the list of 1 July 2025) opens on the newest year with data
    in the user's scope, where its predecessors' pages are linked (``lineage_of``)."""
    return year_shown(request, years, scope=() if years else scope_years(request.user))


def lineage_of(user: User, unit: AdministrativeUnit) -> dict[str, object]:
    """What a unit's pages say about the line of 1 July 2025 (docs/after-the-line.md):

    - ``reads_history``: the user reads this unit as history only (an old unit they
      cover through their new unit, or a history-only account), so the page says so;
    - ``split``: an old commune split among several new communes, marked "một phần đã
      chuyển sang xã khác";
    - ``predecessors``: for a new commune or province, the old units before it that the
      user covers, each marked when only part of it came here.
    """
    found: dict[str, object] = {"reads_history": reads_history(user, unit),
                                "split": lineage.is_split(unit),
                                "first_year_after": lineage.FIRST_YEAR_AFTER}
    if unit.type == AdministrativeUnit.Type.COMMUNE:
        before = [(link.old, not link.whole) for link in lineage.predecessors(unit)]
    else:
        before = [(old, False) for old in lineage.province_predecessors(unit)]
    found["predecessors"] = [{"unit": old, "part": part} for old, part in before
                             if covers(user, old)]
    return found
