"""The survey record (docs/survey-format.md) as a database view, for the engine to read in place.

One row per person and survey year with exactly the typed record's columns
(phocap.survey.schema.SCHEMA); blank text becomes NULL so the engine's facts
mean the same as on a file. The SQL is plain enough for SQLite and PostgreSQL.
"""

from django.db import migrations

TEXT = (
    "residence", "status", "disability", "current_class", "class_level", "current_school",
    "vocational_level",
)
YEARS = (
    "preschool_completed", "primary_completed", "thcs_graduated", "thpt_graduated",
    "vocational_completed", "dropout_year", "literacy_year",
)
SMALL = ("class_grade", "highest_grade", "dropout_grade", "literacy_stage")

VIEW = f"""
CREATE VIEW survey_record AS
SELECT
    CAST(py.survey_year AS SMALLINT) AS survey_year,
    CASE WHEN parent.type = 'district' THEN grand.code ELSE parent.code END AS province_code,
    CASE WHEN parent.type = 'district' THEN parent.code END AS district_code,
    commune.code AS commune_code,
    village.name AS village,
    household.household_no AS household_no,
    CAST(person.person_no AS SMALLINT) AS person_no,
    person.national_id AS national_id,
    person.full_name AS full_name,
    person.birth_date AS birth_date,
    CAST(person.birth_year AS SMALLINT) AS birth_year,
    person.sex AS sex,
    NULLIF(person.ethnicity, '') AS ethnicity,
    {", ".join(f"NULLIF(py.{c}, '') AS {c}" for c in TEXT)},
    {", ".join(f"CAST(py.{c} AS SMALLINT) AS {c}" for c in YEARS + SMALL)},
    CASE WHEN NULLIF(py.class_level, '') IS NULL THEN NULL ELSE py.class_repeater END
        AS class_repeater,
    CASE WHEN NULLIF(py.class_level, '') IS NULL THEN NULL ELSE py.class_two_sessions END
        AS class_two_sessions,
    py.relapsed AS relapsed
FROM register_personyear py
JOIN register_person person ON person.id = py.person_id
JOIN register_household household ON household.id = person.household_id
JOIN register_village village ON village.id = household.village_id
JOIN register_administrativeunit commune ON commune.id = household.commune_id
LEFT JOIN register_administrativeunit parent ON parent.id = commune.parent_id
LEFT JOIN register_administrativeunit grand ON grand.id = parent.parent_id
"""


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunSQL(VIEW, "DROP VIEW survey_record")]
