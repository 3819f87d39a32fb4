"""The province administrator's pages: the province's accounts and its ĐBKK communes.

They live in the register, not in accounts: they pick units and write the
units' yearly ĐBKK flags, and accounts sits below the register (it imports no
other app, tests/test_architecture.py).

Only a province administrator opens them (everyone else gets 403), and only
for their own province: an account, unit or commune outside it does not exist
for them (404), exactly as the register's pages treat units out of scope.
Account changes and ĐBKK flags are written to the audit trail in the same
transaction as the change. A flag changes the levels a commune reaches, and
results.cached_results keys its cache on the set of flagged communes, so a
saved flag shows in the results at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from phocap.accounts import permissions
from phocap.accounts.models import Role, User
from phocap.accounts.requests import AuthedRequest
from phocap.kit.once import once
from phocap.kit.years import EVERY_YEAR, year_shown
from phocap.register import audit, freezing, lineage
from phocap.register.admin_forms import (
    ASSIGNABLE_ROLES,
    DifficultYearForm,
    EditAccountForm,
    NewAccountForm,
)
from phocap.register.models import AdministrativeUnit, UnitYear
from phocap.register.results import survey_years
from phocap.register.views.common import page_of

AdminView = Callable[..., HttpResponse]


def province_admin(view: AdminView) -> AdminView:
    """Let only a province administrator through, and hand the view their province."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args: object, **kwargs: object) -> HttpResponse:
        user: User = request.user
        if (not permissions.administers_accounts(user) or user.unit is None
                or user.unit.type != AdministrativeUnit.Type.PROVINCE):
            raise PermissionDenied
        return view(request, user.unit, *args, **kwargs)

    return wrapper


def province_units(province: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """The province and every unit below it (districts, if the vintage has them, and communes)."""
    return AdministrativeUnit.objects.filter(
        Q(pk=province.pk) | Q(parent=province) | Q(parent__parent=province))


def managed_units(province: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """The units whose accounts the province's administrator manages: its own and, for a
    province of 1 July 2025, those of the old provinces that went into it, where the
    accounts `carryaccounts` could not move wait (a split commune's officers: which new
    commune each now serves is the administrator's choice, register/carry.py). They are
    moved to a unit of the province itself: the edit form offers no other."""
    found = province_units(province)
    for old in lineage.province_predecessors(province):
        found = found | province_units(old)
    return found


def _level(path: str = "") -> Case:
    """Province 0, district 1, commune 2: lists read from the top down, not alphabetically."""
    return Case(When(**{f"{path}type": AdministrativeUnit.Type.PROVINCE}, then=Value(0)),
                When(**{f"{path}type": AdministrativeUnit.Type.DISTRICT}, then=Value(1)),
                default=Value(2))


def top_down(units: QuerySet[AdministrativeUnit]) -> QuerySet[AdministrativeUnit]:
    return units.order_by(_level(), "code")


def province_communes(province: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return province_units(province).filter(type=AdministrativeUnit.Type.COMMUNE)


def account_snapshot(user: User) -> dict[str, object]:
    """What the audit keeps of an account: never the password hash, only that it changed."""
    return {"username": user.username, "full_name": user.get_full_name(), "role": user.role,
            "unit_id": user.unit_id, "is_active": user.is_active}


def _record_account(actor: User, action: str, user: User, before: dict[str, object] | None,
                    password_set: bool) -> None:
    audit.record_account(actor, action, user, before,
                         account_snapshot(user) | {"password_set": password_set})


def _breadcrumbs(province: AdministrativeUnit) -> list[AdministrativeUnit]:
    return [province]


@province_admin
def users(request: AuthedRequest, province: AdministrativeUnit) -> HttpResponse:
    """Every account of the province and the units below it, filtered by unit or role."""
    units = managed_units(province)
    found = (User.objects.filter(unit__in=units).select_related("unit")
             .order_by(_level("unit__"), "unit__code", "username"))
    unit_filter = request.GET.get("unit", "")
    if unit_filter:
        if not unit_filter.isdigit():
            raise Http404
        found = found.filter(unit=get_object_or_404(units, pk=int(unit_filter)))
    role_filter = request.GET.get("role", "")
    if role_filter in Role.values:
        found = found.filter(role=role_filter)
    else:
        role_filter = ""
    return render(request, "register/admin/users.html", {
        "province": province, "breadcrumbs": _breadcrumbs(province),
        "users": page_of(request, found),
        "units": top_down(units), "roles": Role.choices,
        "unit_filter": unit_filter, "role_filter": role_filter,
        "editable_roles": ASSIGNABLE_ROLES,
    })


@province_admin
@require_http_methods(["GET", "POST"])
@once
def user_new(request: AuthedRequest, province: AdministrativeUnit) -> HttpResponse:
    form = NewAccountForm(request.POST or None, units=top_down(province_units(province)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = User(username=data["username"], first_name=data["full_name"],
                        role=data["role"], unit=data["unit"])
            user.set_password(data["password1"])
            user.save()
            _record_account(request.user, "create", user, None, password_set=True)
        messages.success(request, _("Đã tạo tài khoản %(username)s.") % {"username": user.username})
        return redirect("admin-users")
    return render(request, "register/admin/user_form.html", {
        "province": province, "breadcrumbs": _breadcrumbs(province), "form": form,
        "account": None,
    })


@province_admin
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, province: AdministrativeUnit, pk: int) -> HttpResponse:
    """Change an account's role, unit, activity or password.

    Another province administrator's account is listed but not changed here
    (403): administrators are the operator's to manage, see register/admin_forms.py.
    """
    units = province_units(province)
    user = get_object_or_404(User.objects.select_related("unit"), pk=pk,
                             unit__in=managed_units(province))
    if user.role not in ASSIGNABLE_ROLES:
        raise PermissionDenied
    initial = {"full_name": user.get_full_name(), "role": user.role, "unit": user.unit,
               "is_active": user.is_active}
    form = EditAccountForm(request.POST or None, initial=initial, units=top_down(units),
                           user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            before = account_snapshot(user)
            user.first_name, user.last_name = data["full_name"], ""
            user.role, user.unit, user.is_active = data["role"], data["unit"], data["is_active"]
            password_set = bool(data["password1"])
            if password_set:
                # A new password also ends the account's API tokens; its sessions
                # end by themselves, since Django ties them to the password hash.
                user.set_password(data["password1"])
            if password_set or not user.is_active:
                user.api_tokens.all().delete()
            user.save()
            _record_account(request.user, "update", user, before, password_set=password_set)
        messages.success(request, _("Đã lưu tài khoản %(username)s.") % {"username": user.username})
        return redirect("admin-users")
    return render(request, "register/admin/user_form.html", {
        "province": province, "breadcrumbs": _breadcrumbs(province), "form": form,
        "account": user,
    })


@province_admin
@require_http_methods(["GET", "POST"])
def difficult(request: AuthedRequest, province: AdministrativeUnit) -> HttpResponse:
    """The ĐBKK flags of the province's communes for one survey year, saved in one POST.

    A commune without a UnitYear row is not especially difficult; a row is
    written only when a flag is set or changed, and each change is audited
    under the commune (model "unityear").
    """
    communes = province_communes(province).select_related("parent").order_by(
        "parent__code", "code")
    if request.method == "POST":
        year_form = DifficultYearForm(request.POST)
        if not year_form.is_valid():
            messages.error(request, _("Năm điều tra không hợp lệ."))
            return redirect("admin-difficult")
        year = year_form.cleaned_data["year"]
        try:
            changed = _save_flags(request, list(communes), year)
        except freezing.Frozen as exc:
            messages.error(request, _("Chưa lưu gì: %(reason)s") % {"reason": exc})
            return redirect(f"{request.path}?year={year}")
        messages.success(request, _("Đã lưu danh sách xã ĐBKK năm %(year)s: %(n)s xã thay đổi.")
                         % {"year": year, "n": changed})
        return redirect(f"{request.path}?year={year}")
    # A designation may precede the survey it applies to: every year the system accepts,
    # opening on the newest surveyed.
    year = year_shown(request, EVERY_YEAR,
                      opens_on=survey_years(list(communes)))
    flagged = set(UnitYear.objects.filter(unit__in=communes, survey_year=year,
                                          especially_difficult=True)
                  .values_list("unit_id", flat=True))
    # A frozen commune's flag is shown, not offered: it is part of what was certified.
    return render(request, "register/admin/difficult.html", {
        "province": province, "breadcrumbs": _breadcrumbs(province), "year": year,
        "rows": [{"unit": c, "difficult": c.pk in flagged, "frozen": freezing.frozen(c, year)}
                 for c in communes],
        "flagged_n": len(flagged),
    })


def _save_flags(request: AuthedRequest, communes: list[AdministrativeUnit], year: int) -> int:
    """Store the checked communes as ĐBKK and the others as not; return how many changed.

    A commune id that is not one of the province's communes is refused (404)
    before anything is written; so is the whole list when a changed flag is of a
    frozen year (freezing.Frozen naming the communes): the flag decides the
    commune's cohorts and thresholds, so it is part of what a dossier certified.
    """
    by_pk = {c.pk: c for c in communes}
    chosen: set[int] = set()
    for value in request.POST.getlist("difficult"):
        if not value.isdigit() or int(value) not in by_pk:
            raise Http404
        chosen.add(int(value))
    changed = 0
    with transaction.atomic():
        rows = {row.unit_id: row for row in
                UnitYear.objects.select_for_update().filter(unit__in=communes, survey_year=year)}
        changing = [
            (commune, pk in chosen, rows.get(pk)) for pk, commune in by_pk.items()
            if (rows[pk].especially_difficult if pk in rows else False) != (pk in chosen)
        ]
        freezing.refuse_if_any_frozen([entry[0] for entry in changing], year)
        for commune, wanted, row in changing:
            before = audit.snapshot(row) if row is not None else None
            if row is None:
                row = UnitYear.objects.create(unit=commune, survey_year=year,
                                              especially_difficult=True)
            else:
                row.especially_difficult = wanted
                row.save(update_fields=["especially_difficult"])
            audit.record(request.user, "create" if before is None else "update", row, before,
                         commune=commune)
            changed += 1
    return changed
