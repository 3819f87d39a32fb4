"""The identity a frozen year was certified with, pinned on its PersonYear rows.

recognition/freeze.py pins a year's rows when its dossier is submitted and
releases them when it is returned or refused; the survey_record view (0002)
now reads the pinned values of a pinned row and the person's and household's
current ones otherwise. The years frozen already are pinned here.

SQLite rebuilds a table to add a column and refuses while a view reads it, so
the view is dropped first and created again after the columns.
"""

import importlib

from django.db import migrations, models

ORIGINAL = importlib.import_module("phocap.register.migrations.0002_survey_record_view")

PINNED = {
    "national_id": "person.national_id",
    "full_name": "person.full_name",
    "birth_date": "person.birth_date",
    "birth_year": "person.birth_year",
    "sex": "person.sex",
    "ethnicity": "person.ethnicity",
    "village": "village.name",
    "household_no": "household.household_no",
}


def _identity(column: str) -> str:
    return f"CASE WHEN py.pinned THEN py.pinned_{column} ELSE {PINNED[column]} END"


VIEW = ORIGINAL.VIEW
for column, source in PINNED.items():
    VIEW = VIEW.replace(f"{source} AS {column}", f"{_identity(column)} AS {column}")
    VIEW = VIEW.replace(f"CAST({source} AS SMALLINT) AS {column}",
                        f"CAST({_identity(column)} AS SMALLINT) AS {column}")
    VIEW = VIEW.replace(f"NULLIF({source}, '') AS {column}",
                        f"NULLIF({_identity(column)}, '') AS {column}")
assert VIEW.count("py.pinned THEN") == len(PINNED), VIEW


def pin_frozen_years(apps, schema_editor):
    from phocap.recognition.freeze import FREEZING, pinned_values

    dossier_model = apps.get_model("recognition", "Dossier")
    unit_model = apps.get_model("register", "AdministrativeUnit")
    person_year_model = apps.get_model("register", "PersonYear")
    person_model = apps.get_model("register", "Person")
    for unit_id, year in (dossier_model.objects.filter(status__in=FREEZING)
                          .values_list("unit_id", "survey_year").distinct()):
        below, found = [unit_id], [unit_id]
        while found:
            found = list(unit_model.objects.filter(parent_id__in=found)
                         .values_list("pk", flat=True))
            below += found
        person_year_model.objects.filter(
            person__household__commune_id__in=below, survey_year=year, pinned=False,
        ).update(**pinned_values(person_model))



class Migration(migrations.Migration):

    dependencies = [
        ('register', '0004_commune_revision'),
        ('recognition', '0001_initial'),
    ]

    operations = [
        migrations.RunSQL("DROP VIEW survey_record", ORIGINAL.VIEW),
        migrations.AddField(
            model_name='personyear',
            name='pinned',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='personyear',
            name='pinned_birth_date',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='personyear',
            name='pinned_birth_year',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='personyear',
            name='pinned_ethnicity',
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AddField(
            model_name='personyear',
            name='pinned_full_name',
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name='personyear',
            name='pinned_household_no',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name='personyear',
            name='pinned_national_id',
            field=models.CharField(blank=True, max_length=12, null=True),
        ),
        migrations.AddField(
            model_name='personyear',
            name='pinned_sex',
            field=models.CharField(blank=True, max_length=3),
        ),
        migrations.AddField(
            model_name='personyear',
            name='pinned_village',
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.RunSQL(VIEW, "DROP VIEW survey_record"),
        migrations.RunPython(pin_frozen_years, migrations.RunPython.noop),
    ]
