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
from django.views.decorators.http import require_http_methods

from phocap.accounts.permissions import may_edit_household, sees_people
from phocap.accounts.requests import AuthedRequest
from phocap.kit.once import once
from phocap.kit.years import year_shown
from phocap.register import audit, checking, crossing, editing, freezing, records
from phocap.register.forms import EVENT_TITLES, EventForm, RecordForm
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
    can_edit = may_edit_household(request.user, commune)
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
    # Across 1 July 2025 (register/crossing.py): the years this person had under the old
    # commune, shown with theirs, and where an old row's person lives on. Their own
    # history, read with the page it belongs to; a link only where the reader's scope
    # reaches the other row.
    earlier = crossing.before_the_line(person)
    successor = (Person.objects.filter(continues=person)
                 .select_related("household__commune").first())
    others = [old.pk for old, _ in earlier] + ([successor.pk] if successor else [])
    visible = set(Person.objects.for_user(request.user).filter(pk__in=others)
                  .values_list("pk", flat=True))
    return render(request, "register/person.html", {
        "person": person, "household": household, "unit": commune, "year": year,
        "breadcrumbs": breadcrumbs(commune, request.user),
        "surveyed": surveyed, "years": years, "form": form, "can_edit": can_edit,
        "entries": entries,
        "earlier": [(old, old_years, old.pk in visible) for old, old_years in earlier],
        "successor": successor, "successor_visible": successor is not None
        and successor.pk in visible,
        "frozen": (freezing.moved_on(person) or freezing.frozen(commune, year))
        if can_edit else None,
    })


# A birth, a move in, or someone living in the household whom the register lacks (the
# head of a household just created, first of all).
ADDED = ("born", "moved_in", "resident")
RECORDED = ("moved_out", "deceased", "stays")


def _event(request: AuthedRequest, allowed: tuple[str, ...]) -> str:
    event = request.POST.get("event") or request.GET.get("event") or allowed[0]
    if event not in allowed:
        raise Http404
    return event


@login_required
@require_http_methods(["GET", "POST"])
@once
def create(request: AuthedRequest, pk: int) -> HttpResponse:
    """A new member of a household: a birth (with its date) or someone moving in (with the
    date and where from, status "chuyển đến"), recorded after the officer confirms it."""
    household = household_in_scope(request, pk)
    commune = household.commune
    if not may_edit_household(request.user, commune):
        raise PermissionDenied
    year = year_shown(request, survey_years([commune]))
    event = _event(request, ADDED)
    initial = {"residence": household.residence or "thường trú"}
    if request.GET.get("head") and household.head_name:
        initial |= {"full_name": household.head_name, "relationship": "chủ hộ"}
    form = RecordForm(request.POST or None, initial=initial)
    for decided_by_the_event in ("status", "status_detail"):
        del form.fields[decided_by_the_event]
    happened = EventForm(request.POST or None, event=event)
    confirming = False
    if request.method == "POST" and form.is_valid() and happened.is_valid():
        number = (household.members.aggregate(last=Max("person_no"))["last"] or 0) + 1
        place = checking.location(commune, household.village.name, household.household_no,
                                  number)
        record = _checked(form, place, year)
        if record is not None and event == "born" and record["birth_date"] is None:
            form.add_error("birth_date", _("Trẻ mới sinh: hãy ghi đủ ngày sinh (DD/MM/YYYY)."))
            record = None
        if record is not None:
            try:
                if event == "moved_in":
                    record["status"] = editing.MOVES["moved_in"]
                    record["status_detail"] = editing.event_detail(
                        event, happened.cleaned_data["date"], happened.cleaned_data["place"])
                if not happened.cleaned_data["confirmed"] or "edit" in request.POST:
                    confirming = "edit" not in request.POST
                else:
                    person = editing.add_person(request.user, household, year, record)
                    messages.success(request, _("Đã thêm %(name)s vào hộ.") % {
                        "name": person.full_name})
                    return redirect(reverse("household", args=[household.pk]) + f"?year={year}")
            except editing.Invalid as exc:
                form.add_refusal(exc.problems)
            except ValueError as exc:
                form.add_error(None, str(exc))
    return render(request, "register/person_new.html", {
        "household": household, "unit": commune, "year": year, "form": form,
        "happened": happened, "event": event, "title": EVENT_TITLES[event],
        "confirming": confirming,
        "frozen": freezing.moved_on(household) or freezing.frozen(commune, year),
        "breadcrumbs": breadcrumbs(commune, request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
@once
def move(request: AuthedRequest, pk: int) -> HttpResponse:
    """Moved out (when, where to), deceased (when), or the event undone, for the survey
    year: a form of its own, then what will be recorded, confirmed before it is."""
    person = person_in_scope(request, pk)
    household = person.household
    if not may_edit_household(request.user, household.commune):
        raise PermissionDenied
    year = year_shown(request, survey_years([household.commune]))
    event = _event(request, RECORDED)
    surveyed = PersonYear.objects.filter(person=person, survey_year=year).first()
    form = EventForm(request.POST or None, event=event, initial={"version": person.version})
    back = reverse("household", args=[household.pk]) + f"?year={year}"
    detail, confirming = "", False
    if request.method == "POST" and form.is_valid():
        day, place = form.cleaned_data.get("date"), form.cleaned_data.get("place", "")
        try:
            detail = editing.event_detail(event, day, place)
            if not form.cleaned_data["confirmed"] or "edit" in request.POST:
                confirming = "edit" not in request.POST
            else:
                editing.move(request.user, person.pk, form.cleaned_data["version"] or 0,
                             year, event, day, place)
                messages.success(request, _("Đã ghi biến động của %(name)s.") % {
                    "name": person.full_name})
                return redirect(back)
        except (StaleEdit, ValueError) as exc:
            form.add_error(None, str(exc))
    return render(request, "register/event.html", {
        "person": person, "household": household, "unit": household.commune, "year": year,
        "surveyed": surveyed, "form": form, "event": event, "title": EVENT_TITLES[event],
        "detail": detail, "status": editing.MOVES[event], "confirming": confirming,
        "back": back, "breadcrumbs": breadcrumbs(household.commune, request.user),
    })
