"""Crossing 1 July 2025: where a split commune's villages go, and opening a new commune's 2025.

The work is register/crossing.py's; these pages show what it would do and ask it.
A split old commune's page of villages is for the officers who know the villages
(the staff of the new communes it went into) and those who arbitrate between them
(the new province's staff); whoever covers the old commune reads it too. A new
commune's staff open their 2025 after a preview and a confirmation, as every event
of the register is recorded (person-move).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from phocap.accounts.permissions import covers, may_edit, may_place_villages, refuse
from phocap.accounts.requests import AuthedRequest
from phocap.register import crossing, freezing, lineage
from phocap.register.locking import StaleEdit
from phocap.register.models import AdministrativeUnit, Village
from phocap.register.rollover import GONE
from phocap.register.views.common import breadcrumbs, commune_with_people


@login_required
@require_http_methods(["GET", "POST"])
def village_homes(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every village of a split old commune, what it would bring, and its new commune."""
    old = get_object_or_404(AdministrativeUnit.objects.select_related("parent__parent"),
                            pk=pk, type=AdministrativeUnit.Type.COMMUNE)
    successors = crossing.homes_for(old)
    may = may_place_villages(request.user, successors)
    refuse(covers(request.user, old) or may, True)
    if not lineage.is_split(old):
        raise Http404
    locked = freezing.carried_on(old)
    if request.method == "POST":
        refuse(True, may)
        by_pk = {c.pk: c for c in successors}
        chosen = {key.removeprefix("home-"): request.POST.get(key, "")
                  for key in request.POST if key.startswith("home-")}
        homes = {int(village): by_pk[int(value)] for village, value in chosen.items()
                 if village.isdigit() and value.isdigit() and int(value) in by_pk}
        try:
            changed = crossing.place(request.user, old, homes)
        except crossing.CrossingRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã lưu xã mới của %(n)d thôn.") % {"n": changed})
        return redirect("unit-village-homes", old.pk)
    living = (Q(households__members__years__survey_year=crossing.LAST_YEAR_BEFORE)
              & ~Q(households__members__years__status__in=GONE))
    villages = list(Village.objects.filter(commune=old).select_related("home__commune")
                    .annotate(households_n=Count("households", filter=living, distinct=True),
                              people_n=Count("households__members", filter=living,
                                             distinct=True))
                    .order_by("name"))
    homeless = sum(1 for v in villages if not hasattr(v, "home"))
    return render(request, "register/village_homes.html", {
        "unit": old, "successors": successors, "villages": villages, "homeless": homeless,
        "can_place": may and not locked, "locked": locked,
        "year": crossing.LAST_YEAR_BEFORE, "first_year": lineage.FIRST_YEAR_AFTER,
        "opens": [c for c in successors if covers(request.user, c)],
        "breadcrumbs": breadcrumbs(old, request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def open_first_year(request: AuthedRequest, pk: int) -> HttpResponse:
    """A new commune's 2025 opened from its predecessors' 2024: what would cross, a
    confirmation, then what crossed."""
    commune = commune_with_people(request, pk)
    if not lineage.predecessors(commune):
        raise Http404
    can_edit = may_edit(request.user, commune)
    confirming = False
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("confirmed") != "on":
            confirming = True
        else:
            try:
                done = crossing.cross(request.user, commune)
            except (crossing.CrossingRefused, StaleEdit) as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _(
                    "Đã mở năm %(year)d của %(name)s: %(villages)d thôn, %(households)d hộ,"
                    " %(people)d người; %(promoted)d học sinh lên lớp, %(waiting)d chờ xác"
                    " nhận tốt nghiệp.") % {
                    "year": lineage.FIRST_YEAR_AFTER, "name": commune.name,
                    "villages": done.villages, "households": done.households,
                    "people": done.people, "promoted": done.opened.promoted,
                    "waiting": done.opened.awaiting_diploma})
            return redirect("unit-crossing", commune.pk)
    done_before = crossing.carried(commune)
    found = crossing.plan(commune)
    return render(request, "register/crossing.html", {
        "unit": commune, "plan": found, "carried": done_before,
        "refusal": None if done_before else crossing.refusal(found),
        "confirming": confirming, "can_edit": can_edit,
        "year": crossing.LAST_YEAR_BEFORE, "first_year": lineage.FIRST_YEAR_AFTER,
        "splits": [s.link.old for s in found.shares if s.split],
        "new_villages": [(found.names[v.pk], s.link.old.name)
                         for s in found.shares for v in s.villages],
        "breadcrumbs": breadcrumbs(commune, request.user),
    })
