"""What the streaming pages share: the school years with grade-9 classes (the year shown is
picked from them by kit/years.py) and the sentence that compares a rate with its target."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from phocap.kit.targets import Wording
from phocap.register.models import AdministrativeUnit
from phocap.schools.models import SchoolClass
from phocap.streaming.figures import GRADE_NINE


def school_years(communes: list[AdministrativeUnit]) -> list[int]:
    """The school years with a grade-9 class in these communes, newest first."""
    return sorted(set(SchoolClass.objects.filter(school__commune__in=communes,
                                                 grade__in=GRADE_NINE)
                      .values_list("school_year", flat=True)), reverse=True)


# The rates page's sentence (kit/targets.py), e.g. "vào học nghề 27,50%, thấp hơn mục
# tiêu 12,5 điểm".
WORDING = Wording(
    no_target=gettext_lazy("%(label)s %(rate)s, chưa có mục tiêu"),
    not_applicable=gettext_lazy("%(label)s: không áp dụng (chưa có học sinh tốt nghiệp)"),
    equal=gettext_lazy("%(label)s %(rate)s, bằng mục tiêu"),
    above=gettext_lazy("%(label)s %(rate)s, cao hơn mục tiêu %(points)s điểm"),
    below=gettext_lazy("%(label)s %(rate)s, thấp hơn mục tiêu %(points)s điểm"),
)
