"""What the register's views share: finding a unit in scope, its communes, the breadcrumbs.

The survey year a page shows is read by the kit's one year picker (kit/years.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from phocap.accounts.models import User
from phocap.accounts.permissions import covers, reads_whole_units, sees_people
from phocap.accounts.requests import AuthedRequest
from phocap.register.models import AdministrativeUnit

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination

T = TypeVar("T")


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
