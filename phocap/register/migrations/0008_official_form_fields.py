"""What the ministry's data-entry form records and the register did not keep.

Every field of the official template (docs/official-files.md) now has a place:
a person's relationship to the household head moves from the person to each
survey year (the survey asks it every year, and a frozen year must keep the
answer it was certified with), and the survey_record view gains the new
columns, with the household's address. SQLite rebuilds a table to change it
and refuses while a view reads it, so the view is dropped first.
"""

import importlib

from django.db import migrations, models

PREVIOUS = importlib.import_module("phocap.register.migrations.0005_pin_identity_of_frozen_years")

TEXT = (
    "relationship", "religion", "priority", "parent_name", "phone", "residence_status",
    "status_detail", "disability_types", "class_name", "school_name", "school_district",
    "diploma_no", "note",
)
SMALL = ("finished_grade", "finished_year", "literacy_class", "literacy_completed",
         "relapse_level")
FLAGS = ("disability_certified", "continuing")
LAST = "    py.relapsed AS relapsed\n"
assert PREVIOUS.VIEW.count(LAST) == 1
VIEW = PREVIOUS.VIEW.replace(LAST, "    py.relapsed AS relapsed,\n    " + ",\n    ".join(
    [f"NULLIF(py.{c}, '') AS {c}" for c in TEXT]
    + [f"CAST(py.{c} AS SMALLINT) AS {c}" for c in SMALL]
    + [f"py.{c} AS {c}" for c in FLAGS]
    + ["NULLIF(household.address, '') AS address"]
) + "\n")


def relationship_to_years(apps, schema_editor):
    person_model = apps.get_model("register", "Person")
    year_model = apps.get_model("register", "PersonYear")
    for person_id, relationship in (person_model.objects.exclude(relationship="")
                                    .values_list("pk", "relationship").iterator()):
        year_model.objects.filter(person_id=person_id).update(relationship=relationship)


def relationship_to_people(apps, schema_editor):
    person_model = apps.get_model("register", "Person")
    year_model = apps.get_model("register", "PersonYear")
    latest = (year_model.objects.exclude(relationship="").order_by("person_id", "-survey_year")
              .values_list("person_id", "relationship"))
    seen: set[int] = set()
    for person_id, relationship in latest.iterator():
        if person_id not in seen:
            seen.add(person_id)
            person_model.objects.filter(pk=person_id).update(relationship=relationship)



class Migration(migrations.Migration):
    dependencies = [("register", "0007_import_jobs_hold_a_communes_files")]

    operations = [
        migrations.RunSQL("DROP VIEW survey_record", PREVIOUS.VIEW),
        migrations.AddField("personyear", "relationship", models.CharField(
            blank=True, max_length=30, verbose_name="quan hệ với chủ hộ")),
        migrations.AddField("personyear", "religion", models.CharField(
            blank=True, max_length=30, verbose_name="tôn giáo")),
        migrations.AddField("personyear", "priority", models.CharField(
            blank=True, max_length=60, verbose_name="diện ưu tiên")),
        migrations.AddField("personyear", "parent_name", models.CharField(
            blank=True, max_length=120, verbose_name="họ tên cha hoặc mẹ")),
        migrations.AddField("personyear", "phone", models.CharField(
            blank=True, max_length=20, verbose_name="điện thoại")),
        migrations.AddField("personyear", "residence_status", models.CharField(
            blank=True, max_length=30, verbose_name="tình trạng cư trú")),
        migrations.AddField("personyear", "status_detail", models.CharField(
            blank=True, max_length=200, verbose_name="chi tiết hoàn cảnh")),
        migrations.AddField("personyear", "disability_types", models.CharField(
            blank=True, max_length=120, verbose_name="dạng khuyết tật")),
        migrations.AddField("personyear", "disability_certified", models.BooleanField(
            default=False, verbose_name="có chứng nhận khuyết tật")),
        migrations.AddField("personyear", "class_name", models.CharField(
            blank=True, max_length=10, verbose_name="tên lớp")),
        migrations.AddField("personyear", "continuing", models.BooleanField(
            default=False, verbose_name="bổ túc")),
        migrations.AddField("personyear", "school_name", models.CharField(
            blank=True, max_length=120, verbose_name="tên trường")),
        migrations.AddField("personyear", "school_district", models.CharField(
            blank=True, max_length=60, verbose_name="quận/huyện đang học")),
        migrations.AddField("personyear", "diploma_no", models.CharField(
            blank=True, max_length=30, verbose_name="số bằng")),
        migrations.AddField("personyear", "finished_grade",
                            models.PositiveSmallIntegerField(blank=True, null=True)),
        migrations.AddField("personyear", "finished_year",
                            models.PositiveSmallIntegerField(blank=True, null=True)),
        migrations.AddField("personyear", "literacy_class",
                            models.PositiveSmallIntegerField(blank=True, null=True)),
        migrations.AddField("personyear", "literacy_completed",
                            models.PositiveSmallIntegerField(blank=True, null=True)),
        migrations.AddField("personyear", "relapse_level",
                            models.PositiveSmallIntegerField(blank=True, null=True)),
        migrations.AddField("personyear", "note", models.CharField(
            blank=True, max_length=200, verbose_name="ghi chú")),
        migrations.RunPython(relationship_to_years, relationship_to_people),
        migrations.RemoveField("person", "relationship"),
        migrations.RunSQL(VIEW, "DROP VIEW survey_record"),
    ]
