"""A person: their survey record for the year (checked like a file), moves, and history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from phocap.accounts.permissions import may_edit, sees_people
from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import year_shown
from phocap.register import audit, checking, editing, freezing, records
from phocap.register.forms import RecordForm
from phocap.register.locking import StaleEdit
from phocap.register.models import AuditEntry, Person, PersonYear
from phocap.register.results import survey_years
from phocap.register.views.common import breadcrumbs
from phocap.register.views.households import household_in_scope


def person_in_scope(request: AuthedRequest, pk: int) -> Person:
    if not sees_people(request.user):
        raise PermissionDenied
    found = (Person.objects.for_user(request.user)
             .select_related("household__commune__parent__parent", "household__village")
             .filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


def _checked(form: RecordForm, person_place: dict[str, str], year: int) -> dict[str, object] | None:
    result = checking.check(person_place | form.raw(), year)
    form.add_problems(result.errors)
    return result.record


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = person_in_scope(request, pk)
    household = person.household
    commune = household.commune
    year = year_shown(request, survey_years([commune]))
    surveyed = PersonYear.objects.filter(person=person, survey_year=year).first()
    can_edit = may_edit(request.user, commune)
    initial = records.raw(person, surveyed) | {"version": person.version}
    form = RecordForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            place = checking.location(commune, household.village.name, household.household_no,
                                      person.person_no)
            record = _checked(form, place, year)
            if record is not None:
                try:
                    editing.save_record(request.user, person.pk,
                                        form.cleaned_data["version"] or 0, year, record)
                except editing.Invalid as exc:
                    form.add_refusal(exc.problems)
                except (StaleEdit, ValueError) as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("Đã lưu %(name)s.") % {"name": record["full_name"]})
                    return redirect(reverse("person", args=[person.pk]) + f"?year={year}")
    years = PersonYear.objects.filter(person=person).order_by("-survey_year")
    year_ids = list(years.values_list("pk", flat=True))
    entries = [(e, audit.changes(e)) for e in AuditEntry.objects.for_user(request.user).filter(
        Q(model="person", object_id=person.pk) | Q(model="personyear", object_id__in=year_ids)
    ).select_related("user")[:100]]
    return render(request, "register/person.html", {
        "person": person, "household": household, "unit": commune, "year": year,
        "breadcrumbs": breadcrumbs(commune, request.user),
        "surveyed": surveyed, "years": years, "form": form, "can_edit": can_edit,
        "entries": entries, "moves": editing.MOVES,
        "frozen": freezing.frozen(commune, year) if can_edit else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthedRequest, pk: int) -> HttpResponse:
    """A new member of a household: a newborn, or someone moving in (status "chuyển đến")."""
    household = household_in_scope(request, pk)
    commune = household.commune
    if not may_edit(request.user, commune):
        raise PermissionDenied
    year = year_shown(request, survey_years([commune]))
    form = RecordForm(request.POST or None,
                      initial={"residence": household.residence or "thường trú"})
    if request.method == "POST" and form.is_valid():
        number = (household.members.aggregate(last=Max("person_no"))["last"] or 0) + 1
        place = checking.location(commune, household.village.name, household.household_no,
                                  number)
        record = _checked(form, place, year)
        if record is not None:
            try:
                person = editing.add_person(request.user, household, year, record)
            except editing.Invalid as exc:
                form.add_refusal(exc.problems)
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã thêm %(name)s vào hộ.") % {
                    "name": person.full_name})
                return redirect(reverse("household", args=[household.pk]) + f"?year={year}")
    return render(request, "register/person_new.html", {
        "household": household, "unit": commune, "year": year, "form": form,
        "frozen": freezing.frozen(commune, year),
        "breadcrumbs": breadcrumbs(commune, request.user),
    })


@login_required
@require_POST
def move(request: AuthedRequest, pk: int) -> HttpResponse:
    """Moved away, moved in, deceased (or undone) for the survey year: one explicit action."""
    person = person_in_scope(request, pk)
    year = year_shown(request, survey_years([person.household.commune]))
    version = request.POST.get("version", "")
    action = request.POST.get("action", "")
    if action not in editing.MOVES or not version.isdigit():
        return HttpResponse(_("Yêu cầu không hợp lệ."), status=400)
    try:
        editing.move(request.user, person.pk, int(version), year, action)
    except (StaleEdit, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã ghi biến động của %(name)s.") % {
            "name": person.full_name})
    return redirect(reverse("household", args=[person.household_id]) + f"?year={year}")
