"""A school's grade-9 pupils of one school year and where each went: the register suggests,
the school's staff confirm or correct.

Reading follows the schools' scope (schools.scope.schools_for: the school's own
staff, the commune's staff and the reviewers above; never the ministry viewer,
since this lists children by name). Only the school's own staff save
(services.set_destination, audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phocap.accounts.permissions import may_keep_school
from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import year_shown
from phocap.register.locking import StaleEdit
from phocap.register.views.common import breadcrumbs
from phocap.schools.models import Enrolment, School
from phocap.schools.scope import school_in_scope
from phocap.streaming import services
from phocap.streaming.figures import GRADE_NINE
from phocap.streaming.models import DESTINATION_CHOICES, PupilDestination
from phocap.streaming.rates import Destination, Suggestion
from phocap.streaming.views.common import school_years

REASONS = {
    "no_record": gettext_lazy("không có phiếu điều tra năm sau"),
    "gone": gettext_lazy("đã chuyển đi hoặc đã mất theo phiếu năm sau"),
    "not_studying": gettext_lazy("không đi học theo phiếu năm sau: hỏi gia đình"),
    "unreadable_class": gettext_lazy("mã lớp năm sau không đọc được"),
    "implausible_class": gettext_lazy("lớp năm sau không hợp lý"),
    "class": gettext_lazy("theo lớp đang học năm sau"),
}
LABELS = dict(DESTINATION_CHOICES)
VALUES = {d.value for d in Destination}


def _pupils(school: School, year: int) -> list[Enrolment]:
    return list(Enrolment.objects.filter(klass__school=school, klass__school_year=year,
                                         klass__grade__in=GRADE_NINE)
                .select_related("klass", "destination")
                .order_by("klass__name", "pupil_no"))


def _saved(pupil: Enrolment) -> PupilDestination | None:
    """The saved destination, or None (Django's "no related row" error is an AttributeError)."""
    return getattr(pupil, "destination", None)


def _row(pupil: Enrolment, suggestion: Suggestion) -> dict[str, object]:
    saved = _saved(pupil)
    chosen = saved.destination if saved else (
        suggestion.destination.value if suggestion.destination else "")
    graduated = saved.graduated if saved else bool(suggestion.graduated)
    return {
        "pupil": pupil, "saved": saved, "chosen": chosen, "graduated": graduated,
        "chosen_label": LABELS.get(chosen, "—"),
        "suggested": LABELS.get(suggestion.destination.value, "") if suggestion.destination
        else "",
        "reason": REASONS.get(suggestion.reason, ""),
        "corrected": bool(saved and suggestion.destination
                          and saved.destination != suggestion.destination.value),
    }


def _save(request: AuthedRequest, pupils: list[Enrolment],
          found: dict[int, Suggestion]) -> tuple[int, int]:
    """Save each row the form carries; (rows changed, rows someone else changed meanwhile)."""
    changed = stale = 0
    for pupil in pupils:
        value = request.POST.get(f"dest-{pupil.pk}", "")
        if value not in VALUES:
            continue
        version = request.POST.get(f"ver-{pupil.pk}", "")
        try:
            done = services.set_destination(
                request.user, pupil, Destination(value),
                request.POST.get(f"grad-{pupil.pk}") == "on", found[pupil.pk].destination,
                int(version) if version.isdigit() else None)
        except StaleEdit:
            stale += 1
            continue
        changed += done is not None
    return changed, stale


@login_required
def destinations(request: AuthedRequest, pk: int) -> HttpResponse:
    school = school_in_scope(request, pk)
    year = year_shown(request, school_years([school.commune]), school=True)
    editable = may_keep_school(request.user, school)
    pupils = _pupils(school, year)
    found = services.suggestions(pupils)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        changed, stale = _save(request, pupils, found)
        messages.success(request, _("Đã lưu hướng đi của %(count)s học sinh.") % {
            "count": changed})
        if stale:
            messages.error(request, _("%(count)s học sinh đã được người khác sửa trong lúc "
                                      "bạn nhập; hãy xem lại.") % {"count": stale})
        return redirect(f"{reverse('streaming-destinations', args=[school.pk])}?year={year}")
    classes: dict[str, list[dict[str, object]]] = {}
    for pupil in pupils:
        classes.setdefault(pupil.klass.name, []).append(_row(pupil, found[pupil.pk]))
    return render(request, "streaming/destinations.html", {
        "school": school, "unit": school.commune, "year": year,
        "years": school_years([school.commune]) or [year],
        "breadcrumbs": breadcrumbs(school.commune, request.user),
        "classes": classes, "editable": editable, "choices": DESTINATION_CHOICES,
        "pending": sum(1 for p in pupils if _saved(p) is None),
    })
