"""A commune's preschools as MN-01-TC,ĐK counts them (columns 4, 6 and 7).

reports/figures.ESTABLISHMENTS names the figures: preschool schools, their school sites
(every site recorded, the main one included [interpretation: the template's "Số điểm
trường" does not say whether the main site counts]), and their kindergarten classes of the
school year for ages 3–4 (MG3, MG4) and 5 (MG5). The register asks through its hook
(register/hooks.preschool_establishments), as it sits below this app.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from phocap.register.models import AdministrativeUnit
from phocap.schools.models import School, SchoolClass, SchoolSite

AGE_GROUPS = {"MG3": "classes_3_4", "MG4": "classes_3_4", "MG5": "classes_5"}


def for_communes(communes: Iterable[AdministrativeUnit], year: int) -> dict[str, dict[str, int]]:
    """Each commune's preschool establishments in school year ``year`` (zeros for none)."""
    codes = {c.pk: c.code for c in communes}
    found = {code: {"schools": 0, "sites": 0, "classes_3_4": 0, "classes_5": 0}
             for code in codes.values()}
    preschool = School.Level.PRESCHOOL
    for commune, n in (School.objects.filter(commune__in=codes, level=preschool)
                       .values_list("commune").annotate(n=Count("pk"))):
        found[codes[commune]]["schools"] = n
    for commune, n in (SchoolSite.objects.filter(school__commune__in=codes,
                                                 school__level=preschool)
                       .values_list("school__commune").annotate(n=Count("pk"))):
        found[codes[commune]]["sites"] = n
    for commune, grade, n in (SchoolClass.objects.filter(
            school__commune__in=codes, school__level=preschool, school_year=year,
            grade__in=AGE_GROUPS).values_list("school__commune", "grade")
            .annotate(n=Count("pk"))):
        found[codes[commune]][AGE_GROUPS[grade]] += n
    return found
