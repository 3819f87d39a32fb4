"""The preschool class lists and attendance of a school year, as the forms' school side.

MN-01-TE and MN-01-TC,ĐK (Decree 277's 2025/2026 forms) count what the household survey
cannot answer: whether a child completed the programme (two sessions a day for the
school year, at most 45 days absent: the form's footnote), was given Vietnamese-language
preparation, or studies in another commune's school. reports/figures.school_side
counts them from one row per class list entry (figures.PUPILS_SCHEMA) built here:
the pupil's register identity, the school's commune, and the pupil's days absent.

Read only; the register asks for it through its hook (register/hooks.class_lists), as
it sits below this app.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from django.db.models import Count, F, Q

from phocap.register.models import AdministrativeUnit, PersonYear
from phocap.reports.figures import PUPILS_SCHEMA
from phocap.schools.models import Enrolment

# The classes of preschool: nursery groups and the three kindergarten classes.
PRESCHOOL_GRADES = ("NT", "MG3", "MG4", "MG5")


def class_lists(communes: Iterable[AdministrativeUnit], year: int) -> pl.DataFrame:
    """Every preschool class list entry of school year ``year`` (the survey year Y: school
    year Y–(Y+1)) linked to a person of the register, at a school of these communes or
    with a household in them (a school's pupils may live elsewhere), as PUPILS_SCHEMA."""
    ids = [c.pk for c in communes]
    entries = Enrolment.objects.filter(
        Q(klass__school__commune__in=ids) | Q(person__household__commune__in=ids),
        klass__school_year=year, klass__grade__in=PRESCHOOL_GRADES, person__isnull=False,
    ).annotate(
        # The days the class took attendance while the pupil was on it (before
        # ``left_on``, the first day they no longer belong), and the pupil's absences on
        # them, excused or not: MN-01-TE's footnote counts days absent without
        # distinguishing them [interpretation]. Only recorded days count, as everywhere in
        # attendance (docs/attendance.md): a day nobody recorded is neither present nor
        # absent, so a class that never recorded shows no days and nobody completes.
        recorded_days=Count(
            "klass__attendance_days", distinct=True,
            filter=Q(left_on__isnull=True) | Q(klass__attendance_days__date__lt=F("left_on"))),
        days_absent=Count("absences", distinct=True),
    )
    rows = list(entries.values_list(
        "person_id", "person__household__commune__code", "person__household__village__name",
        "person__household__household_no", "person__person_no", "klass__school__commune__code",
        "recorded_days", "days_absent", "left_on", "vietnamese_preparation"))
    # A frozen year's survey records show the village and household number the year was
    # certified with (register/migrations/0005): the pupils are matched to them the same way.
    pinned = {person: (village, number) for person, village, number in
              PersonYear.objects.filter(person_id__in={row[0] for row in rows},
                                        survey_year=year, pinned=True)
              .values_list("person_id", "pinned_village", "pinned_household_no")}
    return pl.DataFrame(
        [(row[1], *pinned.get(row[0], (row[2], row[3])), *row[4:8], row[8] is None, row[9])
         for row in rows],
        schema=list(PUPILS_SCHEMA.items()), orient="row")
