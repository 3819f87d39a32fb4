"""Villages, households and people carried across 1 July 2025 (register/crossing.py).

A new row under a commune of the new list ``continues`` the old row it carries
on; the old person is ``superseded`` and keeps its national ID, which is now
unique among current people only. Where a split commune's villages go is kept
in VillageHome.

SQLite rebuilds a table to add a column and refuses while a view reads it, so
the survey_record view (as 0008 left it) is dropped first and created again after.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

VIEW = importlib.import_module("phocap.register.migrations.0008_official_form_fields").VIEW


class Migration(migrations.Migration):

    dependencies = [
        ('register', '0012_search_fold_function'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL("DROP VIEW survey_record", VIEW),
        migrations.CreateModel(
            name='VillageHome',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('decided_at', models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.AddField(
            model_name='household',
            name='continues',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='continued_by', to='register.household'),
        ),
        migrations.AddField(
            model_name='person',
            name='continues',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='continued_by', to='register.person'),
        ),
        migrations.AddField(
            model_name='person',
            name='superseded',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='village',
            name='continues',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='continued_by', to='register.village'),
        ),
        migrations.AlterField(
            model_name='person',
            name='national_id',
            field=models.CharField(blank=True, max_length=12, null=True, verbose_name='số định danh'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(condition=models.Q(('superseded', False)), fields=('national_id',), name='national_id_among_current'),
        ),
        migrations.AddField(
            model_name='villagehome',
            name='commune',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='village_homes', to='register.administrativeunit', verbose_name='xã mới'),
        ),
        migrations.AddField(
            model_name='villagehome',
            name='decided_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='villagehome',
            name='village',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='home', to='register.village'),
        ),
        migrations.RunSQL(VIEW, "DROP VIEW survey_record"),
    ]
