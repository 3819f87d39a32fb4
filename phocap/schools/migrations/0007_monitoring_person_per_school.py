"""The monitoring person moves from the commune to each school (D12 of the legal review).

Circular 07/2016 Arts 3–6 ask each educational establishment to have "người theo dõi
công tác phổ cập giáo dục, xóa mù chữ tại địa bàn được phân công"; phocap asked one
officer of the commune. The person is now part of a school's yearly facts
(``monitoring_person``: None not entered, "" nobody appointed, else the name), and
``MonitoringOfficer`` goes.

Why the commune's entries are carried to its schools, and how: the commune's officer
of a year was appointed to follow universalisation in the commune, which is every
school's assigned area, so each school of the commune whose facts of that year were
entered gets the commune's name and decision for that year. A blank name (nobody
appointed) is carried as "" and still fails. A school without facts of the year was
not assessed before and gets nothing; a commune with no officer entry leaves its
schools' persons not entered, as it left its conditions not assessed. So, as far as
the monitoring person goes, every commune's conditions of every year, frozen years
included, read as before, except literacy, which is now judged on the persons of the
schools teaching primary (a commune whose officer was entered and none of whose
primary schools entered facts goes from assessed to not assessed). The copies are the
commune's appointment; a school that appointed its own person changes it on its facts
form (audited; refused in a frozen year). The counts added beside it (0004–0006, 0008)
are carried from nothing: a school enters them, and until then its conditions read
"chưa nhập", never a pass.

Going back keeps one officer per commune and year: the person of the commune's first
school (by code) with one entered.
"""

from django.db import migrations, models


def to_schools(apps, schema_editor):
    officer_model = apps.get_model("schools", "MonitoringOfficer")
    facts_model = apps.get_model("schools", "SchoolYearFacts")
    for commune_id, year, name, decision in officer_model.objects.values_list(
            "commune_id", "school_year", "full_name", "decision"):
        facts_model.objects.filter(school__commune_id=commune_id, school_year=year).update(
            monitoring_person=name.strip(), monitoring_decision=decision)


def to_communes(apps, schema_editor):
    officer_model = apps.get_model("schools", "MonitoringOfficer")
    facts_model = apps.get_model("schools", "SchoolYearFacts")
    seen = set()
    for commune_id, year, name, decision in (
            facts_model.objects.filter(monitoring_person__isnull=False)
            .order_by("school__code").values_list("school__commune_id", "school_year",
                                                  "monitoring_person", "monitoring_decision")):
        if (commune_id, year) not in seen:
            seen.add((commune_id, year))
            officer_model.objects.create(commune_id=commune_id, school_year=year,
                                         full_name=name, decision=decision)


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0006_qualified_teachers'),
    ]

    operations = [
        migrations.AddField(
            model_name='schoolyearfacts',
            name='monitoring_decision',
            field=models.CharField(blank=True, max_length=60, verbose_name='số quyết định phân công'),
        ),
        migrations.AddField(
            model_name='schoolyearfacts',
            name='monitoring_person',
            field=models.CharField(blank=True, max_length=120, null=True, verbose_name='người theo dõi công tác phổ cập'),
        ),
        migrations.RunPython(to_schools, to_communes),
        migrations.DeleteModel(
            name='MonitoringOfficer',
        ),
    ]
