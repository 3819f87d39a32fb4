"""phocap_fold on PostgreSQL: the register's search without tones (register/search.py).

SQLite registers the same function on each connection; nothing to create there.
"""

from django.db import migrations

from phocap.register.search import CREATE_POSTGRESQL, DROP_POSTGRESQL


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_POSTGRESQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_POSTGRESQL)


class Migration(migrations.Migration):
    dependencies = [("register", "0011_background_tasks_run_by_a_worker")]
    operations = [migrations.RunPython(create, drop)]
