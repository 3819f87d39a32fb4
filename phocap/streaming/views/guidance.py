"""Career-guidance activities: the list of a unit's schools, and a school's entry form.

The activities name schools and partners, never a pupil, so whoever covers the
unit reads the list. A school's own staff record its activities
(services.add_activity, audited); nobody else opens the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from phocap.accounts.permissions import may_keep_school, own_school_id
from phocap.accounts.requests import AuthedRequest
from phocap.kit.once import once
from phocap.kit.years import year_shown
from phocap.register.views.common import breadcrumbs, communes_below, unit_in_scope
from phocap.schools.models import School
from phocap.schools.scope import school_in_scope
from phocap.streaming import services
from phocap.streaming.figures import province_of
from phocap.streaming.models import CareerGuidanceActivity
from phocap.streaming.views.common import school_years
from phocap.textfields import CheckedModelForm


def school_year_of(day: dt.date) -> int:
    """A school year starts in September: 15/3/2022 belongs to 2021–2022."""
    return day.year if day.month >= 9 else day.year - 1


class ActivityForm(CheckedModelForm):
    class Meta:
        model = CareerGuidanceActivity
        fields = ("held_on", "title", "grades", "participants", "partners")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].widget = forms.DateInput(attrs={"type": "date"},
                                                        format="%Y-%m-%d")


@login_required
def activities(request: AuthedRequest, pk: int) -> HttpResponse:
    found = unit_in_scope(request, pk)
    communes = communes_below(found)
    held = CareerGuidanceActivity.objects.filter(school__commune__in=communes).values_list(
        "school_year", flat=True)
    year = year_shown(request, [*school_years(communes), *held], school=True)
    listed = list(CareerGuidanceActivity.objects
                  .filter(school__commune__in=communes, school_year=year)
                  .select_related("school__commune"))
    own = own_school_id(request.user)
    return render(request, "streaming/guidance.html", {
        "unit": found, "year": year, "years": school_years(communes) or [year],
        "province": province_of(found), "breadcrumbs": breadcrumbs(found, request.user),
        "activities": listed, "participants": sum(a.participants for a in listed),
        "schools": len({a.school_id for a in listed}),
        "own_school": School.objects.filter(pk=own, commune__in=communes).first()
        if own else None,
    })


@login_required
@once
def new_activity(request: AuthedRequest, pk: int) -> HttpResponse:
    school = school_in_scope(request, pk)
    if not may_keep_school(request.user, school):
        raise PermissionDenied
    if request.method == "POST":
        form = ActivityForm(request.POST)
        if form.is_valid():
            made = services.add_activity(
                request.user, school, school_year=school_year_of(form.cleaned_data["held_on"]),
                **form.cleaned_data)
            messages.success(request, _("Đã ghi hoạt động hướng nghiệp “%(title)s”.") % {
                "title": made.title})
            return redirect(f"{reverse('streaming-guidance', args=[school.commune_id])}"
                            f"?year={made.school_year}")
    else:
        form = ActivityForm()
    return render(request, "streaming/guidance_new.html", {
        "school": school, "form": form,
        "breadcrumbs": breadcrumbs(school.commune, request.user),
    }, status=400 if form.is_bound else 200)
