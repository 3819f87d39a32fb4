"""The stored attendance of some classes as the frames rates.py computes on.

Reading only: callers pass classes already narrowed to the user's scope
(schools/scope.classes_for), so nothing here decides who sees what.
"""

from __future__ import annotations

import polars as pl
from django.db.models import QuerySet

from phocap.attendance.models import Absence, ClassDay
from phocap.attendance.rates import ABSENCE_SCHEMA, DAY_SCHEMA, PUPIL_SCHEMA
from phocap.schools.models import Enrolment, SchoolClass

NO_VILLAGE = ""


Frames = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]  # pupils, class days, absences


def frames(classes: QuerySet[SchoolClass]) -> Frames:
    """(pupils, class_days, absences) of the classes (a queryset of SchoolClass)."""
    pupils = pl.DataFrame(
        list(Enrolment.objects.filter(klass__in=classes).values_list(
            "pk", "klass_id", "klass__school_id", "klass__school__commune_id", "village__name",
            "left_on")),
        schema=list(PUPIL_SCHEMA.items()), orient="row",
    ).with_columns(pl.col("village").fill_null(NO_VILLAGE))
    days = pl.DataFrame(list(ClassDay.objects.filter(klass__in=classes)
                             .values_list("klass_id", "date")),
                        schema=list(DAY_SCHEMA.items()), orient="row")
    absences = pl.DataFrame(list(Absence.objects.filter(enrolment__klass__in=classes)
                                 .values_list("enrolment_id", "date", "kind")),
                            schema=list(ABSENCE_SCHEMA.items()), orient="row")
    return pupils, days, absences
