"""What the streaming pages share: the school year shown, a school in the reader's scope,
and the sentence that compares a rate with its target."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from phocap import numbers
from phocap.accounts.requests import AuthedRequest
from phocap.register.models import AdministrativeUnit
from phocap.schools.models import School, SchoolClass
from phocap.schools.scope import schools_for
from phocap.streaming.figures import GRADE_NINE
from phocap.survey.schema import FIRST_SURVEY_YEAR, LAST_SURVEY_YEAR


def school_years(communes: list[AdministrativeUnit]) -> list[int]:
    """The school years with a grade-9 class in these communes, newest first."""
    return sorted(set(SchoolClass.objects.filter(school__commune__in=communes,
                                                 grade__in=GRADE_NINE)
                      .values_list("school_year", flat=True)), reverse=True)


def school_year(request: AuthedRequest, communes: list[AdministrativeUnit]) -> int:
    """The year asked for (?year=), else the newest with grade-9 classes, else last year."""
    asked = request.GET.get("year", "")
    if asked.isdigit() and FIRST_SURVEY_YEAR <= int(asked) <= LAST_SURVEY_YEAR:
        return int(asked)
    latest = (SchoolClass.objects.filter(school__commune__in=communes, grade__in=GRADE_NINE)
              .aggregate(latest=Max("school_year"))["latest"])
    return int(latest) if latest else dt.date.today().year - 1


def school_in_scope(request: AuthedRequest, pk: int) -> School:
    """A school whose pupils the user may read; otherwise it does not exist for them."""
    found = get_object_or_404(School.objects.select_related("commune__parent__parent"), pk=pk)
    if not schools_for(request.user).filter(pk=found.pk).exists():
        raise Http404
    return found


def against_target(label: str, rate: Fraction | None, target: Fraction | None) -> tuple[str, str]:
    """("above" | "below" | "equal" | "none" | "n/a", e.g. "vào học nghề 27,5%, thấp hơn
    mục tiêu 12,5 điểm")."""
    if rate is None:
        return "n/a", _("%(label)s: không áp dụng (chưa có học sinh tốt nghiệp)") % {
            "label": label}
    shown = {"label": label, "rate": numbers.points(rate)}
    if target is None:
        return "none", _("%(label)s %(rate)s, chưa có mục tiêu") % shown
    points = rate - target
    if points == 0:
        return "equal", _("%(label)s %(rate)s, bằng mục tiêu") % shown
    amount = numbers.difference(points) if numbers.rounded(points) else _("chưa đến 0,01")
    if points > 0:
        return "above", _("%(label)s %(rate)s, cao hơn mục tiêu %(points)s điểm") % (
            shown | {"points": amount})
    return "below", _("%(label)s %(rate)s, thấp hơn mục tiêu %(points)s điểm") % (
        shown | {"points": amount})
