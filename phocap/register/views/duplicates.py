"""A commune's likely duplicate people, side by side, and the merge form.

Everyone who reads the commune's people sees the list (reviewers check that a
commune cleans its register); only the commune's own staff merge. The service
(register.duplicates) decides what is a candidate and what a merge does; this
module only turns the form into its arguments and its refusals into messages.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phocap.accounts.permissions import may_edit
from phocap.accounts.requests import AuthedRequest
from phocap.register import duplicates as service
from phocap.register.locking import StaleEdit
from phocap.register.models import Person
from phocap.register.views.common import breadcrumbs, commune_with_people, page_of
from phocap.textfields import CheckedForm

CHOSEN_YEAR_PREFIX = "year_"
SHOWN_PAIRS = 300
"""The best pairs a page offers (30 a page): a register typed in a hurry can propose
thousands, more than anyone reviews at once; the rest appear as these are merged."""


class MergeForm(CheckedForm):
    """A pair as the page showed it (ids and versions) and the person to keep."""

    first = forms.IntegerField(widget=forms.HiddenInput)
    first_version = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
    second_version = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.IntegerField()

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("keep") not in (cleaned.get("first"), cleaned.get("second")):
            raise forms.ValidationError(_("Hãy chọn người được giữ lại."))
        if cleaned.get("first") == cleaned.get("second"):
            raise forms.ValidationError(_("Không thể gộp một người với chính họ."))
        return cleaned


@login_required
def duplicates(request: AuthedRequest, pk: int) -> HttpResponse:
    commune = commune_with_people(request, pk)
    found = service.candidates(request.user, commune)
    return render(request, "register/duplicates.html", {
        "unit": commune, "breadcrumbs": breadcrumbs(commune, request.user),
        "pairs": page_of(request, found[:SHOWN_PAIRS], per_page=30),
        "total": len(found), "shown": min(len(found), SHOWN_PAIRS),
        "can_merge": may_edit(request.user, commune),
        "year_prefix": CHOSEN_YEAR_PREFIX,
    })


def _take_removed(request: AuthedRequest) -> dict[int, bool]:
    """For each clashing year the form asked about, whether the removed person's record wins."""
    chosen = {}
    for name, value in request.POST.items():
        year = name.removeprefix(CHOSEN_YEAR_PREFIX)
        if name.startswith(CHOSEN_YEAR_PREFIX) and year.isdigit():
            chosen[int(year)] = value == "removed"
    return chosen


@login_required
@require_POST
def merge(request: AuthedRequest, pk: int) -> HttpResponse:
    commune = commune_with_people(request, pk)
    if not may_edit(request.user, commune):
        raise PermissionDenied
    form = MergeForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))  # type: ignore[arg-type]  # the messages are text
        return redirect("duplicates", commune.pk)
    data = form.cleaned_data
    versions = {data["first"]: data["first_version"], data["second"]: data["second_version"]}
    keep = data["keep"]
    remove = data["second"] if keep == data["first"] else data["first"]
    try:
        result = service.merge(request.user, commune, keep, versions[keep], remove,
                               versions[remove], _take_removed(request))
    except Person.DoesNotExist:
        raise Http404 from None
    except (StaleEdit, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("duplicates", commune.pk)
    messages.success(request, _(
        "Đã gộp vào %(name)s: chuyển %(moved)s bản ghi năm, bỏ %(dropped)s bản ghi trùng năm,"
        " bổ sung %(filled)s thông tin còn trống."
    ) % {"name": result.kept.full_name, "moved": len(result.moved_years),
         "dropped": len(result.discarded_years), "filled": len(result.filled)})
    return redirect("duplicates", commune.pk)
