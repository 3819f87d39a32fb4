"""The round's pages: the commune's (run it), the surveyor's (its households), the
district's or province's (every commune's progress, the late, a reminder), and the
commune's surveyors' accounts. Thin: permissions in accounts/permissions.py, reads
through ``for_user``, changes in rounds/services.py and rounds/accounts.py."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from phocap.accounts.models import User
from phocap.accounts.permissions import (
    follows_rounds,
    is_surveyor,
    may_remind,
    may_run_round,
    refuse,
)
from phocap.accounts.requests import AuthedRequest
from phocap.kit.once import once
from phocap.kit.years import year_shown
from phocap.register.locking import StaleEdit
from phocap.register.models import AdministrativeUnit, Household, Village
from phocap.register.results import survey_years
from phocap.register.views.common import breadcrumbs, communes_below, unit_in_scope
from phocap.rounds import accounts, progress, services
from phocap.rounds.forms import CloseForm, DeadlineForm, ReminderForm, SurveyorForm, VisitForm
from phocap.rounds.models import Assignment, Reminder, SurveyRound, Visit
from phocap.rounds.scope import assigned_households


def _today() -> dt.date:
    return timezone.localdate()


def _pk(value: str | None) -> int:
    """A row's id sent by a form; anything else names no row (0)."""
    return int(value) if value and value.isdigit() else 0


def _commune(request: AuthedRequest, pk: int) -> AdministrativeUnit:
    """The commune whose round it is: its own staff only (404 outside their units)."""
    unit = unit_in_scope(request, pk)
    refuse(knows=True, may=unit.type == "commune" and may_run_round(request.user, unit))
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def commune_round(request: AuthedRequest, pk: int) -> HttpResponse:
    """Open the year's round, set its deadline, assign, follow progress, close."""
    commune = _commune(request, pk)
    year = year_shown(request, survey_years([commune]) or [_today().year])
    survey_round = SurveyRound.objects.filter(commune=commune, survey_year=year).first()
    here = f"{reverse('round', args=[commune.pk])}?year={year}"
    if request.method == "POST":
        try:
            _act(request, commune, year, survey_round)
        except (services.RoundRefused, StaleEdit) as exc:
            messages.error(request, str(exc))
        return redirect(here)
    surveyors = list(accounts.surveyors(commune).filter(is_active=True))
    context: dict[str, object] = {
        "unit": commune, "year": year, "years": survey_years([commune]), "round": survey_round,
        "breadcrumbs": breadcrumbs(commune, request.user), "surveyors": surveyors,
        "deadline_form": DeadlineForm(initial={
            "deadline": survey_round.deadline if survey_round else None,
            "version": survey_round.version if survey_round else None}),
    }
    if survey_round is not None:
        context |= {
            "progress": progress.of_round(survey_round),
            "assignments": Assignment.objects.filter(round=survey_round).select_related(
                "assignee", "village", "household__village").order_by("assignee__username"),
            "villages": Village.objects.filter(commune=commune).order_by("name"),
            "reminders": Reminder.objects.filter(round=survey_round).select_related("sender")
            .order_by("-sent"),
            "late": survey_round.is_open and survey_round.deadline < _today(),
            "close_form": CloseForm(initial={"version": survey_round.version}),
        }
    return render(request, "rounds/commune.html", context)


def _act(request: AuthedRequest, commune: AdministrativeUnit, year: int,
         survey_round: SurveyRound | None) -> None:
    """One of the page's forms, by its ``action``."""
    user: User = request.user
    action = request.POST.get("action")
    if action == "open" or (action == "deadline" and survey_round is not None):
        form = DeadlineForm(request.POST)
        if not form.is_valid():
            raise services.RoundRefused(_("Hãy nhập hạn hoàn thành dạng ngày/tháng/năm."))
        if survey_round is None:
            services.open_round(user, commune, year, form.cleaned_data["deadline"])
            messages.success(request, _("Đã mở đợt điều tra năm %(year)d.") % {"year": year})
        else:
            services.set_deadline(user, survey_round, form.cleaned_data["version"] or 0,
                                  form.cleaned_data["deadline"])
            messages.success(request, _("Đã đổi hạn hoàn thành."))
        return
    if survey_round is None:
        raise services.RoundRefused(_("Xã chưa mở đợt điều tra năm này."))
    if action == "assign":
        surveyor = accounts.surveyors(commune).filter(
            pk=_pk(request.POST.get("assignee"))).first()
        village = Village.objects.filter(commune=commune,
                                         pk=_pk(request.POST.get("village"))).first()
        household = None
        if number := request.POST.get("household_no", "").strip():
            household = Household.objects.filter(commune=commune, village=village,
                                                 household_no=number).first()
            if household is None:
                raise services.RoundRefused(_("Không có hộ số %(no)s ở thôn này.")
                                            % {"no": number})
            village = None
        if surveyor is None:
            raise services.RoundRefused(_("Hãy chọn một điều tra viên của xã."))
        services.assign(user, survey_round, surveyor, village=village, household=household)
        messages.success(request, _("Đã giao cho %(name)s.") % {"name": surveyor.username})
    elif action == "unassign":
        assignment = get_object_or_404(Assignment, round=survey_round,
                                       pk=_pk(request.POST.get("assignment")))
        services.unassign(user, assignment)
    elif action == "close":
        closing = CloseForm(request.POST)
        if not closing.is_valid():
            raise services.RoundRefused(_("Yêu cầu không hợp lệ."))
        services.close_round(user, survey_round, closing.cleaned_data["version"],
                             closing.cleaned_data["confirmed"])
        messages.success(request, _("Đã đóng đợt điều tra."))
    else:
        raise services.RoundRefused(_("Yêu cầu không hợp lệ."))


@login_required
@require_http_methods(["GET", "POST"])
def surveyors(request: AuthedRequest, pk: int) -> HttpResponse:
    """The commune's surveyors: create an account, list, deactivate."""
    commune = _commune(request, pk)
    form = SurveyorForm(commune=commune)
    if request.method == "POST":
        if request.POST.get("action") == "deactivate":
            surveyor = get_object_or_404(accounts.surveyors(commune),
                                         pk=_pk(request.POST.get("account")))
            accounts.deactivate(request.user, surveyor)
            messages.success(request, _("Đã khóa tài khoản %(name)s.")
                             % {"name": surveyor.username})
            return redirect("round-surveyors", commune.pk)
        form = SurveyorForm(request.POST, commune=commune)
        if form.is_valid():
            data = form.cleaned_data
            made = accounts.create(request.user, commune, data["username"], data["full_name"],
                                   data["password1"])
            messages.success(request, _("Đã tạo tài khoản %(name)s.") % {"name": made.username})
            return redirect("round-surveyors", commune.pk)
    return render(request, "rounds/surveyors.html", {
        "unit": commune, "form": form, "surveyors": accounts.surveyors(commune),
        "breadcrumbs": breadcrumbs(commune, request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def mine(request: AuthedRequest) -> HttpResponse:
    """A surveyor's households by village, each marked visited with what was found."""
    user: User = request.user
    if not is_surveyor(user):
        raise Http404
    if request.method == "POST":
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                services.record_visit(user, _pk(request.POST.get("household")),
                                      form.cleaned_data["outcome"],
                                      form.cleaned_data["version"],
                                      note=form.cleaned_data["note"])
            except Household.DoesNotExist:
                raise Http404 from None
            except (services.RoundRefused, StaleEdit) as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Đã ghi nhận."))
        return redirect("round-mine")
    households = (Household.objects.for_user(user).select_related("village")
                  .order_by("village__name", "household_no"))
    visits = {v.household_id: v for v in Visit.objects.for_user(user)}
    villages: dict[str, list[tuple[Household, Visit | None]]] = defaultdict(list)
    for household in households:
        villages[household.village.name].append((household, visits.get(household.pk)))
    rounds = SurveyRound.objects.for_user(user).order_by("-survey_year")
    return render(request, "rounds/mine.html", {
        "villages": dict(villages), "rounds": rounds, "outcomes": Visit.Outcome.choices,
        "assigned": assigned_households(user).count()})


@login_required
@require_http_methods(["GET", "POST"])
@once
def overview(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every commune's round below a district or province, the late first, and a reminder."""
    unit = unit_in_scope(request, pk)
    refuse(knows=True, may=follows_rounds(request.user, unit))
    communes = communes_below(unit)
    year = year_shown(request, survey_years(communes) or [_today().year])
    rounds = {r.commune_id: r for r in SurveyRound.objects.filter(
        commune__in=communes, survey_year=year).select_related("commune")}
    if request.method == "POST":
        form = ReminderForm(request.POST)
        if not may_remind(request.user, unit):
            raise PermissionDenied
        if form.is_valid() and form.cleaned_data["round"] in {r.pk for r in rounds.values()}:
            target = next(r for r in rounds.values() if r.pk == form.cleaned_data["round"])
            services.remind(request.user, unit, target, form.cleaned_data["text"])
            messages.success(request, _("Đã gửi lời nhắc tới %(name)s.")
                             % {"name": target.commune.name})
        else:
            messages.error(request, _("Hãy viết lời nhắc."))
        return redirect(f"{reverse('round-overview', args=[unit.pk])}?year={year}")
    today = _today()
    rows = [(c, rounds.get(c.pk), progress.of_round(rounds[c.pk]).total if c.pk in rounds
             else None) for c in sorted(communes, key=lambda c: c.name)]
    late = progress.late(rounds.values(), today)
    return render(request, "rounds/overview.html", {
        "unit": unit, "year": year, "years": survey_years(communes), "rows": rows,
        "late": sorted(late, key=lambda r: r.deadline), "today": today,
        "can_remind": may_remind(request.user, unit), "reminder_form": ReminderForm(),
        "breadcrumbs": breadcrumbs(unit, request.user)})
