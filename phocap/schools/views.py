"""The school registry pages: per unit, per school, per class, and the reconciliation.

Scope as the register's pages (register/views/common.py): a unit or school
outside the user's units does not exist for them (404); a school's staff see
only their own school (schools/scope.py); the ministry viewer reads the unit
summaries, which name schools but no person, and nothing else (403). Every
change goes through schools/services.py or schools/classlists.py, which check
who keeps the record and write the audit.

The year (kit/years.py): a school's pages and the reconciliations show the years of
the survey and of the class lists; a school year's facts (its monitoring person
among them), classes and class lists are recorded ahead of the survey, so those
forms take every accepted year.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from phocap import numbers
from phocap.accounts.permissions import (
    may_keep_school_details,
    may_keep_school_list,
    opens_school,
    sees_people,
)
from phocap.accounts.requests import AuthedRequest
from phocap.kit.once import once
from phocap.kit.years import EVERY_YEAR, year_shown
from phocap.register import freezing, uploads
from phocap.register.downloads import PersonData, csv_download
from phocap.register.locking import StaleEdit
from phocap.register.models import AdministrativeUnit, Village
from phocap.register.results import survey_years
from phocap.register.views.common import (
    breadcrumbs,
    commune_with_people,
    communes_below,
    unit_in_scope,
)
from phocap.schools import (
    classlists,
    conditions,
    matching,
    norms,
    reconcile,
    services,
    summary,
)
from phocap.schools.forms import (
    ClassForm,
    FactsForm,
    ImportForm,
    PupilForm,
    SchoolForm,
    SiteForm,
    StaffForm,
)
from phocap.schools.models import (
    Enrolment,
    School,
    SchoolClass,
    SchoolSite,
    SchoolYearFacts,
    Staff,
)
from phocap.schools.scope import school_in_scope
from phocap.survey.problems import Problem, ProblemsFound

STANDARD_NAMES = {"preschool_5": "Phổ cập GDMN cho trẻ 5 tuổi", "primary": "Phổ cập GD tiểu học",
                  "lower_secondary": "Phổ cập GD THCS", "literacy": "Xóa mù chữ",
                  "preschool_3_5": "Phổ cập GDMN cho trẻ 3–5 tuổi (theo dự thảo Nghị định"
                                   " 277/2025/NĐ-CP)"}


def _class_years(classes: QuerySet[SchoolClass]) -> list[int]:
    """The school years of these classes: a school's year has data once its class lists
    are in, before or without the commune's survey of that year."""
    return list(classes.values_list("school_year", flat=True).distinct())


def _keeps(request: AuthedRequest, school: School) -> None:
    if not may_keep_school_details(request.user, school):
        raise PermissionDenied


def _form_page(request: AuthedRequest, form: BaseForm, title: str, back: str,
               unit: AdministrativeUnit, multipart: bool = False,
               frozen: str | None = None) -> HttpResponse:
    """A form page; ``frozen``, why its year may not change (freezing.frozen), shows the
    form disabled with the reason before anyone types."""
    return render(request, "schools/form.html", {
        "form": form, "title": title, "back": back, "unit": unit, "multipart": multipart,
        "frozen": frozen,
        "breadcrumbs": breadcrumbs(unit, request.user),
    }, status=400 if form.is_bound else 200)


@login_required
def unit_schools(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit's schools in a school year: by level, per commune or district, and for a
    commune each school, with its recognition conditions."""
    unit = unit_in_scope(request, pk)
    communes = communes_below(unit)
    year = year_shown(request, [*survey_years(communes), *_class_years(
        SchoolClass.objects.filter(school__commune__in=communes))])
    schools = list(School.objects.filter(commune__in=communes).select_related("commune__parent")
                   .order_by("commune__code", "level", "name"))
    rows = summary.per_school(schools, year)
    children = []
    if unit.type != AdministrativeUnit.Type.COMMUNE:
        below = AdministrativeUnit.objects.filter(parent=unit).order_by("code")
        for child in below:
            members = {c.pk for c in communes_below(child)}
            children.append({"unit": child, "figures": summary.total(
                r for r in rows if r.school.commune_id in members)})
    found = conditions.for_communes(communes, year) if unit.type == "commune" else {}
    unmet = conditions.unmet(unit, year) if unit.type == "commune" else {}
    return render(request, "schools/unit.html", {
        "unit": unit, "year": year, "years": survey_years(communes) or [year],
        "breadcrumbs": breadcrumbs(unit, request.user), "levels": summary.by_level(rows),
        "rows": rows if unit.type == "commune" else [], "children": children,
        "conditions": [(STANDARD_NAMES[s], found.get(unit.code, {}).get(s), unmet.get(s, []))
                       for s in conditions.standards_of(year)] if unit.type == "commune" else [],
        "keeps_list": may_keep_school_list(request.user, unit),
        "sees_people": sees_people(request.user), "marks": _marks(),
        "opens": {r.school.pk for r in rows if opens_school(request.user, r.school)},
    })


LEVEL_NAMES = {norms.PRESCHOOL: "mầm non", norms.PRIMARY: "tiểu học",
               norms.LOWER_SECONDARY: "THCS", norms.UPPER_SECONDARY: "THPT"}


def _marks() -> list[dict[str, str]]:
    """The norms the figures are judged by, with their sources and marks, for the page."""
    rows = [{"what": _("Phòng học/lớp, %(level)s (tính trên số %(basis)s)")
             % {"level": LEVEL_NAMES[level], "basis": norms.ROOM_BASIS[level]},
             "value": numbers.decimal(n.value, trim=True), "source": n.source, "mark": n.mark}
            for level, n in norms.CLASSROOMS_PER_CLASS.items()]
    rows += [{"what": _("Giáo viên/lớp (định mức tối đa), tính trên số %(basis)s")
              % {"basis": norms.CLASS_BASIS[kind]},
              "value": numbers.decimal(n.value, trim=True), "source": n.source,
              "mark": n.mark}
             for kind, n in norms.TEACHERS_PER_CLASS.items()]
    rows.append({"what": _("Phòng học/lớp, các lớp mẫu giáo 3–5 tuổi"),
                 "value": numbers.decimal(norms.KINDERGARTEN_ROOMS_PER_CLASS.value, trim=True),
                 "source": norms.KINDERGARTEN_ROOMS_PER_CLASS.source,
                 "mark": norms.KINDERGARTEN_ROOMS_PER_CLASS.mark})
    return rows


@login_required
@once
def school_new(request: AuthedRequest, pk: int) -> HttpResponse:
    commune = unit_in_scope(request, pk)
    if commune.type != AdministrativeUnit.Type.COMMUNE:
        raise Http404
    if not may_keep_school_list(request.user, commune):
        raise PermissionDenied
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            school = services.save_school(request.user, commune, None, None, values)
        except ValueError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, _("Đã thêm trường."))
            return redirect("school", school.pk)
    return _form_page(request, form, _("Thêm trường"), reverse("unit-schools", args=[pk]),
                      commune)


@login_required
def school_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    school = school_in_scope(request, pk)
    _keeps(request, school)
    details_only = not may_keep_school_list(request.user, school.commune)
    # The form works on a copy: it writes cleaned values onto its instance, and the
    # service must see the row as it was.
    form = SchoolForm(request.POST or None, instance=School.objects.get(pk=school.pk),
                      initial={"version": school.version}, details_only=details_only)
    if request.method == "POST" and form.is_valid():
        wanted = services.DETAIL_FIELDS if details_only else (*services.LIST_FIELDS,
                                                              *services.DETAIL_FIELDS)
        try:
            services.save_school(request.user, school.commune, school.pk,
                                 form.cleaned_data.get("version"),
                                 {k: form.cleaned_data[k] for k in wanted})
        except (StaleEdit, ValueError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu thông tin trường."))
            return redirect("school", school.pk)
    return _form_page(request, form, _("Sửa thông tin trường"), reverse("school", args=[pk]),
                      school.commune)


@login_required
def school(request: AuthedRequest, pk: int) -> HttpResponse:
    """One school: sites with pupils, classes, rooms, staff by role, subject and qualification,
    shortages against the norms."""
    found = school_in_scope(request, pk)
    year = year_shown(request, [*survey_years([found.commune]),
                               *_class_years(found.classes.all())])
    [figures] = summary.per_school([found], year)
    staff = list(found.staff.order_by("-active", "role", "subject", "full_name"))
    facts = SchoolYearFacts.objects.filter(school=found, school_year=year).first()
    subjects = dict(norms.SUBJECTS)
    return render(request, "schools/school.html", {
        "school": found, "unit": found.commune, "year": year,
        "checks": figures.checks if figures.year.entered else [],
        "years": survey_years([found.commune]) or [year],
        "breadcrumbs": breadcrumbs(found.commune, request.user), "figures": figures,
        "facts": facts, "classes": SchoolClass.objects.filter(school=found, school_year=year)
        .select_related("site", "homeroom").order_by("grade", "name"),
        "staff": [{"member": s, "subject": subjects.get(s.subject, s.subject)} for s in staff],
        "staff_summary": _staff_summary(staff, subjects),
        "shortages": [(subjects.get(k, {"nurse": _("nhân viên y tế"),
                                        "total": _("tổng số giáo viên (so với định mức tối đa)")}
                                       .get(k, k)), n)
                      for k, n in sorted(figures.shortages.items())],
        "keeps": may_keep_school_details(request.user, found),
    })


def _staff_summary(staff: list[Staff], subjects: dict[str, str]) -> list[dict[str, object]]:
    """Active staff per role and subject, by qualification (below, meeting, above the
    training standard)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for member in staff:
        if not member.active:
            continue
        key = (member.get_role_display(), subjects.get(member.subject, member.subject))
        row = rows.setdefault(key, {"role": key[0], "subject": key[1], "total": 0,
                                    "below": 0, "standard": 0, "above": 0})
        row["total"] += 1
        row[member.qualification] += 1
    return [rows[k] for k in sorted(rows)]


@login_required
def school_year(request: AuthedRequest, pk: int) -> HttpResponse:
    """A school year's facts: rooms, boarding pupils, the counts the conditions need and
    the monitoring person."""
    found = school_in_scope(request, pk)
    _keeps(request, found)
    year = year_shown(request, EVERY_YEAR, opens_on=survey_years([found.commune]))
    facts = SchoolYearFacts.objects.filter(school=found, school_year=year).first()
    initial = ({**{name: getattr(facts, name) for name in services.FACT_FIELDS},
                "nobody_monitoring": facts.monitoring_person == "",
                "version": facts.version} if facts else {"version": 0})
    form = FactsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.FACT_FIELDS}
        try:
            services.save_facts(request.user, found, year, form.cleaned_data.get("version"),
                                values)
        except (StaleEdit, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu số liệu năm học."))
            return redirect(f"{reverse('school', args=[pk])}?year={year}")
    return _form_page(request, form, _("Số liệu năm học %(y)s–%(z)s")
                      % {"y": year, "z": year + 1}, reverse("school", args=[pk]), found.commune,
                      frozen=freezing.frozen(found.commune, year))


@login_required
@once
def staff_new(request: AuthedRequest, pk: int) -> HttpResponse:
    found = school_in_scope(request, pk)
    _keeps(request, found)
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.STAFF_FIELDS}
        services.save_staff(request.user, found, None, None, values)
        messages.success(request, _("Đã thêm cán bộ, giáo viên."))
        return redirect("school", pk)
    return _form_page(request, form, _("Thêm cán bộ, giáo viên"), reverse("school", args=[pk]),
                      found.commune)


@login_required
def staff_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Staff, pk=pk)
    found = school_in_scope(request, member.school_id)
    _keeps(request, found)
    form = StaffForm(request.POST or None, initial={
        **{k: getattr(member, k) for k in services.STAFF_FIELDS}, "version": member.version})
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.STAFF_FIELDS}
        try:
            services.save_staff(request.user, found, member.pk, form.cleaned_data.get("version"),
                                values)
        except StaleEdit as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("school", found.pk)
    return _form_page(request, form, _("Sửa cán bộ, giáo viên"),
                      reverse("school", args=[found.pk]), found.commune)


@login_required
@once
def site_new(request: AuthedRequest, pk: int) -> HttpResponse:
    found = school_in_scope(request, pk)
    _keeps(request, found)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_site(request.user, found, form.cleaned_data["name"],
                              form.cleaned_data["main"], form.cleaned_data["distance_km"])
        except ValueError as error:
            form.add_error("name", str(error))
        else:
            return redirect("school", pk)
    return _form_page(request, form, _("Thêm điểm trường"), reverse("school", args=[pk]),
                      found.commune)


@login_required
def class_new(request: AuthedRequest, pk: int) -> HttpResponse:
    found = school_in_scope(request, pk)
    _keeps(request, found)
    year = year_shown(request, EVERY_YEAR, opens_on=survey_years([found.commune]))
    form = ClassForm(request.POST or None, school=found)
    if request.method == "POST" and form.is_valid():
        site = (SchoolSite.objects.filter(school=found, pk=form.cleaned_data["site"]).first()
                if form.cleaned_data["site"] else None)
        homeroom = (Staff.objects.filter(school=found, pk=form.cleaned_data["homeroom"]).first()
                    if form.cleaned_data["homeroom"] else None)
        try:
            services.add_class(request.user, found, year, form.cleaned_data["name"],
                               form.cleaned_data["grade"], site, homeroom,
                               two_sessions=form.cleaned_data["two_sessions"])
        except (ValueError, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            return redirect(f"{reverse('school', args=[pk])}?year={year}")
    return _form_page(request, form, _("Thêm lớp năm học %(y)s–%(z)s")
                      % {"y": year, "z": year + 1}, reverse("school", args=[pk]), found.commune,
                      frozen=freezing.frozen(found.commune, year))


@login_required
@once
def school_class(request: AuthedRequest, pk: int) -> HttpResponse:
    """A class list, with each pupil's register entry; the school adds a pupil here (POST)."""
    klass = get_object_or_404(SchoolClass.objects.select_related("school"), pk=pk)
    found = school_in_scope(request, klass.school_id)
    keeps = may_keep_school_details(request.user, found)
    form = None
    if keeps:
        form = PupilForm(request.POST or None, school=found)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            village = Village.objects.filter(pk=data["village"]).first() if data["village"] \
                else None
            pupil = classlists.add_pupil(request.user, klass, {
                "full_name": data["full_name"], "birth_year": data["birth_year"],
                "birth_date": data["birth_date"], "sex": data["sex"], "village": village,
                "semi_boarding": data["semi_boarding"],
                "vietnamese_preparation": data["vietnamese_preparation"]})
            messages.success(request, _("Đã thêm học sinh; đã liên kết với sổ phổ cập.")
                             if pupil.person_id else
                             _("Đã thêm học sinh; chưa tìm thấy người tương ứng trong sổ phổ cập."))
            return redirect("school-class", pk)
    return render(request, "schools/class.html", {
        "klass": klass, "school": found, "year": klass.school_year, "form": form,
        "pupils": klass.pupils.select_related("person", "village").order_by("pupil_no"),
        "breadcrumbs": breadcrumbs(found.commune, request.user),
    }, status=400 if form is not None and form.is_bound else 200)


OUTCOME_KEY = "phocap.class_list_outcome"


def _outcome_shown(outcome: classlists.Outcome) -> dict[str, object]:
    """An import's outcome as the page shows it, kept in the session for the redirect."""
    def pupils(found: list[Enrolment]) -> list[dict[str, object]]:
        return [{"klass": p.klass.name, "pupil_no": p.pupil_no, "full_name": p.full_name,
                 "birth_year": p.birth_year} for p in found]
    return {"created": outcome.created, "changed": outcome.changed,
            "unchanged": outcome.unchanged, "linked": outcome.linked,
            "ambiguous": pupils(outcome.ambiguous), "missing": pupils(outcome.missing)}


@login_required
def class_list_import(request: AuthedRequest, pk: int) -> HttpResponse:
    """Upload a class list file for the school year; all or nothing."""
    found = school_in_scope(request, pk)
    _keeps(request, found)
    year = year_shown(request, EVERY_YEAR, opens_on=survey_years([found.commune]))
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with uploads.held(upload, uploads.limits(), "danh-sach-lop.csv") as path:
                outcome = classlists.import_file(request.user, found, year, path, path.name)
        except ProblemsFound as error:
            problems = error.problems
        except PermissionDenied as error:
            form.add_error(None, str(error))
        if outcome is not None:  # Post/Redirect/Get: the outcome is read once, after
            request.session[OUTCOME_KEY] = _outcome_shown(outcome)
            return redirect(reverse("school-class-list-import", args=[pk]) + f"?year={year}")
    shown = request.session.pop(OUTCOME_KEY, None) if request.method == "GET" else None
    return render(request, "schools/import.html", {
        "school": found, "year": year, "form": form, "outcome": shown, "problems": problems,
        "frozen": freezing.frozen(found.commune, year),
        "breadcrumbs": breadcrumbs(found.commune, request.user),
    }, status=400 if form.is_bound and (form.errors or problems) else 200)


def _download(request: AuthedRequest, commune: AdministrativeUnit, name: str, what: str,
              headers: list[str], rows: list[list[object]]) -> HttpResponse:
    """A CSV of personal data, logged before it leaves (register/downloads.py)."""
    return csv_download(name, headers, rows,
                        PersonData(request.user, [commune], {"what": what, "rows": len(rows)}))


def _explained(commune: AdministrativeUnit, year: int,
               pupils: list[Enrolment]) -> list[dict[str, object]]:
    """Each unlinked pupil with why: nobody in the register matches, or several do (or the
    one who does is already on another class list), so an officer must choose."""
    found = classlists.outcomes(commune.pk, year, pupils)
    return [{"pupil": p, "ambiguous": o.status != matching.NONE, "candidates": len(o.candidates)}
            for p, o in zip(pupils, found, strict=True)]


@login_required
def school_reconcile(request: AuthedRequest, pk: int) -> HttpResponse:
    """The school's pupils with no register entry (CSV with ?format=csv, logged)."""
    found = school_in_scope(request, pk)
    year = year_shown(request, [*survey_years([found.commune]),
                               *_class_years(found.classes.all())])
    pupils = list(reconcile.unlinked_pupils([found], year))
    if request.GET.get("format") == "csv":
        return _download(request, found.commune, f"hoc-sinh-chua-co-trong-so-{found.code}.csv",
                         "schools.unlinked_pupils", reconcile.PUPIL_HEADERS,
                         reconcile.pupil_rows(pupils))
    return render(request, "schools/reconcile.html", {
        "school": found, "unit": found.commune, "year": year,
        "pupils": _explained(found.commune, year, pupils), "people": None,
        "breadcrumbs": breadcrumbs(found.commune, request.user),
    })


@login_required
def unit_reconcile(request: AuthedRequest, pk: int) -> HttpResponse:
    """A commune's unlinked pupils and its school-age people on no class list (CSV, logged)."""
    commune = commune_with_people(request, pk)
    year = year_shown(request, [*survey_years([commune]), *_class_years(
        SchoolClass.objects.filter(school__commune=commune))])
    schools = School.objects.filter(commune=commune)
    wanted = request.GET.get("format")
    if wanted == "csv-pupils":
        return _download(request, commune, f"hoc-sinh-chua-co-trong-so-{commune.code}.csv",
                         "schools.unlinked_pupils", reconcile.PUPIL_HEADERS,
                         reconcile.pupil_rows(reconcile.unlinked_pupils(schools, year)))
    if wanted == "csv-people":
        return _download(request, commune, f"tre-chua-co-ten-lop-{commune.code}.csv",
                         "schools.unenrolled_people", reconcile.PERSON_HEADERS,
                         reconcile.person_rows(reconcile.unenrolled_people(commune, year)))
    return render(request, "schools/reconcile.html", {
        "school": None, "unit": commune, "year": year,
        "pupils": _explained(commune, year, list(reconcile.unlinked_pupils(schools, year))),
        "people": list(reconcile.unenrolled_people(commune, year)),
        "breadcrumbs": breadcrumbs(commune, request.user),
    })
