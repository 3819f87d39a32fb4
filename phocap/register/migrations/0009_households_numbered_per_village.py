"""A household's number is unique within its village, no longer within its commune.

The ministry numbers households per village (each village's file starts at 1),
so two villages of one commune may both have household 1. Every number that
was unique in its commune is unique in its village, so no row needs changing.

SQLite rebuilds a table to change its constraints and refuses while a view reads
it, so the survey_record view (as 0008 left it) is dropped first and created again
after.
"""

import importlib

from django.db import migrations, models

VIEW = importlib.import_module("phocap.register.migrations.0008_official_form_fields").VIEW


class Migration(migrations.Migration):

    dependencies = [
        ('register', '0008_official_form_fields'),
    ]

    operations = [
        migrations.RunSQL("DROP VIEW survey_record", VIEW),
        migrations.RemoveConstraint(
            model_name='household',
            name='household_no_per_commune',
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.UniqueConstraint(fields=('village', 'household_no'),
                                               name='household_no_per_village'),
        ),
        migrations.RunSQL(VIEW, "DROP VIEW survey_record"),
    ]
