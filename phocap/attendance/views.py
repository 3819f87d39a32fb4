"""Attendance pages: the class's day grid, the at-risk lists, a pupil's follow-ups,
the spreadsheet import and the commune steering committee's report.

Scope as the register's (schools/scope.py): pages list only the classes and
schools the user reads, and anything else does not exist for them (404); the
ministry viewer reads no pupil (404 or 403). Only the school's own staff save
(403 for anyone else), through recording.py and importing.py, which audit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from phocap import numbers
from phocap.accounts.models import User
from phocap.accounts.permissions import may_keep_school
from phocap.accounts.requests import AuthedRequest
from phocap.attendance import importing, rates
from phocap.attendance.at_risk import as_of_day, coverage, warnings_for
from phocap.attendance.calendar import (
    default_calendar,
    lunar_source,
    tet_day,
)
from phocap.attendance.forms import CalendarForm, FollowUpForm
from phocap.attendance.frames import frames
from phocap.attendance.models import Absence, ClassDay, FollowUp, SchoolCalendar, calendar_for
from phocap.attendance.recording import (
    PRESENT,
    NotASchoolDay,
    add_follow_up,
    enrolled_on,
    save_calendar,
    save_day,
)
from phocap.attendance.score import load_rules
from phocap.attendance.summaries import (
    REASON_NAMES,
    Frames,
    attendance_years,
    calendar_years,
    tet_return,
)
from phocap.kit.once import once
from phocap.kit.years import school_year_of, year_shown
from phocap.register import uploads
from phocap.register.downloads import PersonData, csv_download
from phocap.register.models import AdministrativeUnit
from phocap.register.views.common import breadcrumbs, commune_with_people, unit_in_scope
from phocap.schools.models import Enrolment, School, SchoolClass
from phocap.schools.scope import classes_for, school_in_scope, schools_for
from phocap.survey.problems import Problem, ProblemsFound, refused

STATUS_LABELS = {PRESENT: "C", "excused": "P", "unexcused": "K"}


def _rate(present: int, days: int) -> str:
    return numbers.rate(present, days)


def _day_of(klass: SchoolClass, today: dt.date | None = None) -> dt.date:
    """The school day the grid opens on: today, else the last school day before it."""
    days = calendar_for(klass.school_id, klass.school_year).school_days()
    today = today or dt.date.today()
    past = [d for d in days if d <= today]
    return past[-1] if past else days[0]


def _nearest_year(years: list[int], today: dt.date | None = None) -> list[int]:
    """Of the school years with classes, the one nearest the school year under way (a tie
    goes to the newer): a teacher opens this year's class, not last year's."""
    current = school_year_of(today or dt.date.today())
    return [min(years, key=lambda y: (abs(y - current), -y))] if years else []


def landing(user: User) -> str | None:
    """Where a homeroom teacher starts the day (register/hooks.landing): their class's grid
    on today, or the nearest school day (the grid says so), in the school year nearest the
    one under way; with several classes, the list of them; None for school staff who
    keep no class (they land on their commune's page, narrowed to their pupils)."""
    staff = getattr(user, "staff", None)
    if staff is None:
        return None
    own = classes_for(user).filter(homeroom=staff)
    years = _nearest_year(attendance_years(own))
    if not years:
        return None
    classes = list(own.filter(school_year=years[0]).order_by("name"))
    if len(classes) == 1:
        return reverse("attendance-day", args=[classes[0].pk, _day_of(classes[0]).isoformat()])
    return f"{reverse('attendance-mine')}?year={years[0]}"




def _period(request: AuthedRequest) -> rates.Period:
    return "week" if request.GET.get("period") == "week" else "month"


def _table(data: Frames, level: rates.Level,
           period: rates.Period) -> tuple[list[str], dict[object, list[str]]]:
    """The periods (ISO weeks or months), and each unit's rate per period then the year's."""
    days = rates.pupil_days(*data)
    found = rates.rates(days, level, period)
    overall = rates.rates(days, level, "all")
    table: dict[object, dict[str, str]] = {}
    for row in pl.concat([found, overall]).iter_rows(named=True):
        table.setdefault(row[level], {})[row["period"]] = _rate(row["present"],
                                                                 row["school_days"])
    periods = sorted(found["period"].unique().to_list())
    return periods, {key: [by.get(p, "—") for p in [*periods, "all"]]
                     for key, by in table.items()}


@login_required
def school(request: AuthedRequest, pk: int) -> HttpResponse:
    """A school's classes with their monthly rates, the return after Tết and the at-risk list."""
    found = school_in_scope(request, pk)
    year = year_shown(request, attendance_years(found.classes.all()), school=True)
    classes = classes_for(request.user).filter(school=found, school_year=year).order_by("name")
    period = _period(request)
    data = frames(classes)
    periods, by_class = _table(data, "klass", period)
    totals = _table(data, "school", period)[1].get(found.pk)
    as_of = as_of_day(classes)
    at_risk = [w for w in warnings_for(classes, as_of, data=data) if w.warning.flagged]
    covered = coverage(classes, as_of)
    return render(request, "attendance/school.html", {
        "coverage": covered, "coverage_rows": [
            {"klass": c, "recorded": covered.recorded[c.pk], "short": covered.short(c.pk)}
            for c in classes],
        "school": found, "year": year, "periods": periods, "period": period,
        "classes": [{"klass": c, "day": _day_of(c), "rates": by_class.get(c.pk, [])}
                    for c in classes],
        "totals": totals, "at_risk": at_risk, "class_names": True,
        "tet": tet_return(classes, data, year, "village"),
        "can_keep": may_keep_school(request.user, found),
        "breadcrumbs": breadcrumbs(found.commune, request.user),
    })


def _parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def class_day(request: AuthedRequest, pk: int, day: str) -> HttpResponse:
    """The keyboard-first grid of one class and day: everyone present unless marked."""
    klass = get_object_or_404(classes_for(request.user).select_related("school__commune"),
                              pk=pk)
    date = _parse_day(day)
    can_keep = may_keep_school(request.user, klass.school)
    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied
        pupils = enrolled_on(klass, date)
        statuses = {e.pk: request.POST.get(f"s-{e.pk}", PRESENT) for e in pupils}
        if any(s not in STATUS_LABELS for s in statuses.values()):
            return HttpResponseBadRequest(_("Trạng thái không hợp lệ."))
        try:
            saved = save_day(request.user, klass, date, statuses)
        except NotASchoolDay as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _(
                "Đã lưu chuyên cần lớp %(klass)s ngày %(day)s: %(present)d có mặt, "
                "%(excused)d vắng có phép, %(unexcused)d vắng không phép.") % {
                "klass": klass.name, "day": numbers.date(date),
                "present": saved.present, "excused": saved.excused,
                "unexcused": saved.unexcused})
        return redirect("attendance-day", pk=klass.pk, day=date.isoformat())
    school_days = calendar_for(klass.school_id, klass.school_year).school_days()
    earlier = [d for d in school_days if d < date]
    later = [d for d in school_days if d > date]
    absences = {a.enrolment_id: a.kind for a in
                Absence.objects.filter(enrolment__klass=klass, date=date)}
    taken = ClassDay.objects.filter(klass=klass, date=date).first()
    today = dt.date.today()
    rows = [{"enrolment": e, "status": absences.get(e.pk, PRESENT)}
            for e in enrolled_on(klass, date)]
    return render(request, "attendance/day.html", {
        "klass": klass, "date": date, "pupils": rows, "taken": taken,
        "school_day": date in school_days, "can_keep": can_keep and date <= today,
        "today": today, "nearest": date != today and date == _day_of(klass, today),
        "previous": earlier[-1] if earlier else None, "next": later[0] if later else None,
        "counts": Counter(p["status"] for p in rows),
        "breadcrumbs": breadcrumbs(klass.school.commune, request.user),
    })


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """A homeroom teacher's classes: the day's grid and the at-risk pupils with reasons."""
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Http404
    own = classes_for(request.user).filter(homeroom=staff)
    years = attendance_years(own)
    year = year_shown(request, years, school=True, opens_on=_nearest_year(years))
    classes = own.filter(school_year=year).order_by("name")
    rows = []
    for klass in classes:
        single = SchoolClass.objects.filter(pk=klass.pk)
        as_of = as_of_day(single)
        covered = coverage(single, as_of)
        rows.append({"klass": klass, "day": _day_of(klass),
                     "at_risk": [w for w in warnings_for(single, as_of)
                                 if w.warning.flagged],
                     "coverage": covered, "recorded": covered.recorded[klass.pk],
                     "short": covered.short(klass.pk)})
    return render(request, "attendance/mine.html", {"staff": staff, "year": year,
                                                    "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
@once
def pupil(request: AuthedRequest, pk: int) -> HttpResponse:
    """One pupil: the warning's reasons, attendance by month, and the follow-ups."""
    enrolment = get_object_or_404(
        Enrolment.objects.filter(klass__in=classes_for(request.user))
        .select_related("klass__school__commune", "village"), pk=pk)
    school_obj: School = enrolment.klass.school
    can_keep = may_keep_school(request.user, school_obj)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied
        if form.is_valid():
            add_follow_up(request.user, enrolment, **form.cleaned_data)
            messages.success(request, _("Đã ghi biện pháp hỗ trợ."))
            return redirect("attendance-pupil", pk=enrolment.pk)
    single = SchoolClass.objects.filter(pk=enrolment.klass_id)
    warning = next((w for w in warnings_for(single, as_of_day(single))
                    if w.enrolment.pk == enrolment.pk), None)
    pupils, days, absences = frames(single)
    period = _period(request)
    found = rates.rates(rates.pupil_days(pupils.filter(pupil=enrolment.pk), days, absences),
                        "pupil", period)
    return render(request, "attendance/pupil.html", {
        "enrolment": enrolment, "warning": warning, "can_keep": can_keep, "form": form,
        "period": period,
        "months": [{"month": r["period"], "days": r["school_days"], "present": r["present"],
                    "excused": r["excused"], "unexcused": r["unexcused"],
                    "rate": _rate(r["present"], r["school_days"])}
                   for r in found.iter_rows(named=True)],
        "follow_ups": enrolment.follow_ups.select_related("by"),
        "breadcrumbs": breadcrumbs(school_obj.commune, request.user),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: AuthedRequest, pk: int) -> HttpResponse:
    """Upload a school's attendance spreadsheet; every problem listed, or all saved."""
    found = school_in_scope(request, pk)
    if not may_keep_school(request.user, found):
        raise PermissionDenied
    problems: list[Problem] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise refused("", _("Hãy chọn một tệp XLSX hoặc CSV, tối đa 5 MB."), "no_file")
            with uploads.held(upload, importing.limits(), "diem-danh.csv") as path:
                result = importing.read(request.user, found, path)
        except ProblemsFound as error:
            problems = error.problems
        else:
            messages.success(request, _(
                "Đã nhập %(days)d ngày điểm danh của các lớp; %(changed)d dòng thay đổi.")
                % {"days": result.days, "changed": result.changed})
            return redirect(reverse("attendance-school", args=[found.pk]))
    return render(request, "attendance/import.html", {
        "school": found, "problems": problems,
        "breadcrumbs": breadcrumbs(found.commune, request.user),
    }, status=400 if problems else 200)


@login_required
def at_risk_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The school's at-risk list as CSV (UTF-8 with BOM, which spreadsheets open as such),
    for the steering committee's meeting: personal data, so the download is logged."""
    found = school_in_scope(request, pk)
    year = year_shown(request, attendance_years(found.classes.all()), school=True)
    classes = classes_for(request.user).filter(school=found, school_year=year)
    at_risk = [w for w in warnings_for(classes, as_of_day(classes)) if w.warning.flagged]
    rows = [[w.enrolment.klass.name, w.enrolment.pupil_no, w.enrolment.full_name,
             w.enrolment.birth_year, w.enrolment.village.name if w.enrolment.village else "",
             w.warning.points, "; ".join(w.reasons)] for w in at_risk]
    return csv_download(
        f"nguy-co-bo-hoc-{found.code}-{year}.csv",
        [_("Lớp"), _("STT"), _("Họ và tên"), _("Năm sinh"), _("Thôn"), _("Điểm"), _("Lý do")],
        rows, PersonData(request.user, [found.commune], {
            "what": "attendance_at_risk", "school": found.code, "school_year": year,
            "pupils": len(at_risk)}))


@login_required
@require_http_methods(["GET", "POST"])
def school_calendar(request: AuthedRequest, pk: int) -> HttpResponse:
    """The school's calendar for a year: its own if entered, else the default, with the
    Lunar New Year it is built around; the school's staff change it."""
    found = school_in_scope(request, pk)
    # A calendar is set ahead of the year's classes: any year it can be built for.
    year = year_shown(request, calendar_years(), school=True,
                      opens_on=attendance_years(found.classes.all()))
    can_keep = may_keep_school(request.user, found)
    own = SchoolCalendar.objects.filter(school=found, school_year=year).first()
    try:
        default = default_calendar(year)
    except ValueError:
        raise Http404 from None
    initial = {"first_day": default.first_day, "last_day": default.last_day,
               "tet_first_day": default.tet.first, "tet_last_day": default.tet.last}
    form = CalendarForm(request.POST or None, instance=own, initial=initial)
    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied
        if form.is_valid():
            save_calendar(request.user, found, year, **form.cleaned_data)
            messages.success(request, _("Đã lưu lịch năm học."))
            return redirect(f"{reverse('attendance-calendar', args=[found.pk])}?year={year}")
    in_effect = own.calendar() if own else default
    return render(request, "attendance/calendar.html", {
        "school": found, "year": year, "own": own, "form": form, "can_keep": can_keep,
        "calendar": in_effect, "school_days": len(in_effect.school_days()),
        "tet": tet_day(year), "tet_source": lunar_source(),
        "breadcrumbs": breadcrumbs(found.commune, request.user),
    }, status=400 if request.method == "POST" else 200)


@login_required
def commune(request: AuthedRequest, pk: int) -> HttpResponse:
    """The commune steering committee's report: attendance per school and month, the
    return after Tết per school and village, warnings by reason, follow-ups and outcomes.
    Counts only; a school's staff see their own school's. A district or province has its
    own page, by commune (overview.py): its address here leads there."""
    found = unit_in_scope(request, pk)
    if found.type != AdministrativeUnit.Type.COMMUNE:
        query = request.GET.urlencode()
        return redirect(reverse("attendance-unit", args=[found.pk]) + (f"?{query}" if query
                                                                       else ""))
    unit = commune_with_people(request, pk, whole=False)
    schools = schools_for(request.user).filter(commune=unit)
    all_classes = SchoolClass.objects.filter(school__in=schools)
    year = year_shown(request, attendance_years(all_classes), school=True)
    classes = all_classes.filter(school_year=year)
    period = _period(request)
    data = frames(classes)
    periods, by_school = _table(data, "school", period)
    totals = _table(data, "commune", period)[1].get(unit.pk)
    rules = load_rules()
    by_reason: Counter[str] = Counter()
    flagged = 0
    for w in warnings_for(classes, as_of_day(classes), rules, data=data):
        if w.warning.flagged:
            flagged += 1
            by_reason.update(r.key for r in w.warning.reasons)
    follow_ups = FollowUp.objects.filter(enrolment__klass__in=classes)
    kinds = dict(FollowUp.Kind.choices)
    outcomes = dict(FollowUp.Outcome.choices)
    school_names = {s.pk: s.name for s in schools}
    return render(request, "attendance/commune.html", {
        "unit": unit, "year": year, "periods": periods, "period": period, "totals": totals,
        "schools": [{"name": s.name, "pk": s.pk, "rates": by_school.get(s.pk, [])}
                    for s in schools.order_by("name")],
        "flagged": flagged,
        "reasons": [(REASON_NAMES.get(k, k), n) for k, n in by_reason.most_common()],
        "actions": [(kinds[k], n) for k, n in
                    Counter(follow_ups.values_list("kind", flat=True)).most_common()],
        "outcomes": [(outcomes[k], n) for k, n in
                     Counter(follow_ups.values_list("outcome", flat=True)).most_common()],
        "tet_schools": [dict(r, key=school_names.get(r["key"], r["key"]))
                        for r in tet_return(classes, data, year, "school")],
        "tet_villages": tet_return(classes, data, year, "village"),
        "breadcrumbs": breadcrumbs(unit, request.user),
    })


