"""A province's streaming targets for a school year, for normal and ĐBKK communes.

Read by whoever covers the province; changed by its province reviewers and
administrator (permissions.may_set_targets says why). The form comes pre-filled:
the province's own target where it set one, else the historic national target
(Decision 522/QĐ-TTg), labelled as such. Saving a field left at the historic
default stores nothing, since that default applies anyway; clearing a field
removes the province's own target.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from phocap import numbers
from phocap.accounts.permissions import may_set_targets
from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import EVERY_YEAR, year_shown
from phocap.ratefield import RateField
from phocap.register.models import AdministrativeUnit
from phocap.register.views.common import breadcrumbs, communes_below, unit_in_scope
from phocap.streaming import services
from phocap.streaming.figures import province_targets
from phocap.streaming.models import STREAM_CHOICES
from phocap.streaming.rates import HISTORIC_SOURCE, HISTORIC_TARGETS, TARGETED, Stream
from phocap.streaming.views.common import school_years
from phocap.textfields import CheckedForm

LABELS = dict(STREAM_CHOICES)
KINDS = ((False, "normal"), (True, "difficult"))


def _name(stream: Stream, difficult: bool) -> str:
    return f"{stream.value}-{'difficult' if difficult else 'normal'}"


class TargetsForm(CheckedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for stream in TARGETED:
            for difficult, _kind in KINDS:
                self.fields[_name(stream, difficult)] = RateField(
                    required=False, label=LABELS[stream.value],
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6,
                                                  "autocomplete": "off"}))

    def rates(self) -> dict[tuple[Stream, bool], Decimal | None]:
        return {(s, d): self.cleaned_data.get(_name(s, d)) for s in TARGETED for d, _k in KINDS}


@login_required
def targets(request: AuthedRequest, pk: int) -> HttpResponse:
    province = unit_in_scope(request, pk)
    if province.type != AdministrativeUnit.Type.PROVINCE:
        raise Http404
    communes = communes_below(province)
    # A plan's targets are set ahead of the classes they measure (kit/years.py).
    year = year_shown(request, EVERY_YEAR, school=True, opens_on=school_years(communes))
    allowed = may_set_targets(request.user, province)
    own = province_targets(province, year)
    form = TargetsForm(request.POST) if request.method == "POST" else None
    if form is not None:
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            wanted = {key: rate for key, rate in form.rates().items()
                      if key in own or rate != HISTORIC_TARGETS.get(key)}
            changed = services.set_targets(request.user, province, year, wanted)
            messages.success(request, _("Đã lưu mục tiêu phân luồng năm học %(year)s: "
                                        "%(count)s mục tiêu thay đổi.") % {
                "year": year, "count": changed})
            return redirect(f"{reverse('streaming-targets', args=[province.pk])}?year={year}")
    if form is None and allowed:
        form = TargetsForm(initial={
            _name(s, d): numbers.decimal(own.get((s, d), HISTORIC_TARGETS[(s, d)]), trim=True)
            for s in TARGETED for d, _k in KINDS if (s, d) in own or (s, d) in HISTORIC_TARGETS})
    rows = []
    for stream in TARGETED:
        cells = []
        for difficult, kind in KINDS:
            key = (stream, difficult)
            rate = own.get(key, HISTORIC_TARGETS.get(key))
            cells.append({
                "kind": kind, "value": numbers.target(rate),
                "historic": key not in own and key in HISTORIC_TARGETS,
                "field": form[_name(stream, difficult)] if form is not None else None,
            })
        rows.append({"key": stream.value, "label": LABELS[stream.value], "cells": cells})
    return render(request, "streaming/targets.html", {
        "unit": province, "province": province, "year": year,
        "years": school_years(communes) or [year],
        "breadcrumbs": breadcrumbs(province, request.user), "rows": rows, "form": form,
        "historic_source": HISTORIC_SOURCE,
    }, status=400 if form is not None and form.is_bound else 200)
