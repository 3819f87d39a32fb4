"""A household with its members, its form, a new household, and opening the next year."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from phocap.accounts.models import User
from phocap.accounts.permissions import may_edit, may_edit_household, sees_people
from phocap.accounts.requests import AuthedRequest
from phocap.kit.once import once
from phocap.kit.years import year_shown
from phocap.register import audit, editing, freezing, rollover
from phocap.register.forms import HouseholdForm
from phocap.register.locking import StaleEdit
from phocap.register.models import AuditEntry, Household, Person, PersonYear
from phocap.register.results import survey_years
from phocap.register.views.common import breadcrumbs, commune_with_people
from phocap.survey.text import search_fold


def household_in_scope(request: AuthedRequest, pk: int) -> Household:
    if not sees_people(request.user):
        raise PermissionDenied
    found = (Household.objects.for_user(request.user)
             .select_related("commune__parent__parent", "village").filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


def history(user: User, household: Household, people: Sequence[Person]) -> QuerySet[AuditEntry]:
    """Audit entries of the household, its members and their survey years, newest first
    (none for a school's staff, who do not read the commune's audit trail)."""
    person_ids = [p.pk for p in people]
    year_ids = PersonYear.objects.filter(person_id__in=person_ids).values_list("pk", flat=True)
    return (AuditEntry.objects.for_user(user).filter(
        Q(model="household", object_id=household.pk)
        | Q(model="person", object_id__in=person_ids)
        | Q(model="personyear", object_id__in=list(year_ids)))
        .select_related("user")[:100])


def _head_missing(household: Household, members: Sequence[Person]) -> bool:
    """Whether the head named on the household is none of its members (with or without
    tones): the head is a member, recorded with their own birth, sex and schooling."""
    head = search_fold(household.head_name.strip())
    return bool(head) and all(search_fold(p.full_name) != head for p in members)


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    household = household_in_scope(request, pk)
    year = year_shown(request, survey_years([household.commune]))
    # Through for_user: a school's staff see the household's pupils, not its other members.
    members = list(Person.objects.for_user(request.user).filter(household=household)
                   .order_by("person_no").prefetch_related(
        Prefetch("years", queryset=PersonYear.objects.filter(survey_year=year),
                 to_attr="this_year")))
    entries = [(e, audit.changes(e)) for e in history(request.user, household, members)]
    return render(request, "register/household.html", {
        "household": household, "unit": household.commune, "year": year,
        "breadcrumbs": breadcrumbs(household.commune, request.user),
        "surveyed": [(p, p.this_year[0]) for p in members if p.this_year],
        "not_surveyed": [p for p in members if not p.this_year],
        "can_edit": may_edit_household(request.user, household.commune),
        "head_missing": _head_missing(household, members),
        "frozen": (freezing.moved_on(household) or freezing.frozen(household.commune, year))
        if may_edit_household(request.user, household.commune) else None,
        "entries": entries,
        "form": HouseholdForm(instance=household, commune=household.commune,
                              initial={"version": household.version}),
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The household's own fields, inline on its page (htmx) or as a page of its own."""
    household = household_in_scope(request, pk)
    commune = household.commune
    if not may_edit_household(request.user, commune):
        raise PermissionDenied
    form = HouseholdForm(request.POST or None, instance=household, commune=commune,
                         initial={"version": household.version})
    if request.method == "POST" and form.is_valid():
        try:
            editing.save_household(request.user, commune, household.pk,
                                   form.cleaned_data.get("version"), form.changes())
        except (StaleEdit, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu thông tin hộ."))
            url = reverse("household", args=[household.pk])
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    return render(request, "register/household_form.html",
                  {"form": form, "household": household, "unit": commune,
                   "frozen": freezing.moved_on(household) or freezing.held(commune),
                   "breadcrumbs": breadcrumbs(commune, request.user)})


@login_required
@require_http_methods(["GET", "POST"])
@once
def create(request: AuthedRequest, pk: int) -> HttpResponse:
    commune = commune_with_people(request, pk)
    if not may_edit(request.user, commune):
        raise PermissionDenied
    numbers = Household.objects.filter(commune=commune).values_list("household_no", flat=True)
    digits = [int(n) for n in numbers if n.isdigit()]
    suggested = f"{(max(digits) + 1) if digits else 1:04d}"
    form = HouseholdForm(request.POST or None, commune=commune,
                         initial={"household_no": suggested, "residence": "thường trú"})
    if request.method == "POST" and form.is_valid():
        try:
            household = editing.save_household(request.user, commune, None, None, form.changes())
        except ValueError as exc:
            form.add_error("household_no", str(exc))
        else:
            messages.success(request, _("Đã thêm hộ %(no)s.") % {"no": household.household_no})
            if household.head_name:  # the head is the household's first member
                return redirect(reverse("person-new", args=[household.pk])
                                + "?event=resident&head=1")
            return redirect("household", household.pk)
    return render(request, "register/household_form.html",
                  {"form": form, "household": None, "unit": commune,
                   "frozen": freezing.held(commune),
                   "breadcrumbs": breadcrumbs(commune, request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def year_rollover(request: AuthedRequest, pk: int) -> HttpResponse:
    """Open survey year Y+1 from Y ("lên lớp"), then confirm diplomas awaited."""
    commune = commune_with_people(request, pk)
    year = year_shown(request, survey_years([commune]))
    can_edit = may_edit(request.user, commune)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "confirm":
                ids = [int(i) for i in request.POST.getlist("person") if i.isdigit()]
                done = rollover.confirm_graduates(request.user, commune, year, ids)
                messages.success(request, _("Đã xác nhận tốt nghiệp cho %(n)d người.")
                                 % {"n": done})
            else:
                opened = rollover.open_year(request.user, commune, year)
                messages.success(request, _(
                    "Đã mở năm %(year)d: %(people)d người, %(promoted)d học sinh lên lớp,"
                    " %(repeating)d lưu ban, %(waiting)d chờ xác nhận tốt nghiệp.") % {
                    "year": year + 1, "people": opened.people, "promoted": opened.promoted,
                    "repeating": opened.repeating, "waiting": opened.awaiting_diploma})
                year += 1
        except rollover.RolloverRefused as exc:
            messages.error(request, str(exc))
        return redirect(reverse("unit-rollover", args=[commune.pk]) + f"?year={year}")
    candidates = (PersonYear.objects.filter(person__household__commune=commune, survey_year=year,
                                            current_class="", highest_grade__in=[9, 12])
                  .select_related("person__household__village")
                  .order_by("person__household__village__name",
                            "person__household__household_no", "person__person_no"))
    awaiting = [r for r in candidates
                if any(w.startswith(rollover.AWAITING_DIPLOMA) for w in r.warnings)]
    return render(request, "register/rollover.html", {
        "unit": commune, "year": year, "can_edit": can_edit,
        "breadcrumbs": breadcrumbs(commune, request.user),
        "awaiting": awaiting,
    })

