"""The staff a frozen year's recognition conditions counted, pinned on its yearly facts.

schools/conditions.pin_staff does it when a dossier is submitted; the years
frozen already are pinned here with the staff as they are today, the closest
the register can come to what was certified.
"""

from collections import Counter, defaultdict

from django.db import migrations, models


def pin_frozen_years(apps, schema_editor):
    from phocap.recognition.freeze import FREEZING

    dossier_model = apps.get_model("recognition", "Dossier")
    unit_model = apps.get_model("register", "AdministrativeUnit")
    facts_model = apps.get_model("schools", "SchoolYearFacts")
    staff_model = apps.get_model("schools", "Staff")
    for unit_id, year in (dossier_model.objects.filter(status__in=FREEZING)
                          .values_list("unit_id", "survey_year").distinct()):
        below, found = [unit_id], [unit_id]
        while found:
            found = list(unit_model.objects.filter(parent_id__in=found)
                         .values_list("pk", flat=True))
            below += found
        rows = list(facts_model.objects.filter(school__commune_id__in=below, school_year=year,
                                               pinned_staff__isnull=True))
        teachers: dict[int, Counter[str]] = defaultdict(Counter)
        nurses: Counter[int] = Counter()
        for school_id, role, subject in staff_model.objects.filter(
                school_id__in=[r.school_id for r in rows], active=True).values_list(
                "school_id", "role", "subject"):
            if role == "teacher":
                teachers[school_id][subject or "other"] += 1
            elif role == "nurse":
                nurses[school_id] += 1
        for row in rows:
            row.pinned_staff = {"teachers": dict(teachers[row.school_id]),
                                "nurses": nurses[row.school_id]}
            row.save(update_fields=["pinned_staff"])


class Migration(migrations.Migration):

    dependencies = [
        ("schools", "0002_schoolyearfacts_version_staff_version_and_more"),
        ("recognition", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="schoolyearfacts",
            name="pinned_staff",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(pin_frozen_years, migrations.RunPython.noop),
    ]
