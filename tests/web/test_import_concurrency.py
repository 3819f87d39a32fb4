"""An import racing an edit, and an import killed halfway, on real separate connections.

Each side runs on its own thread (its own database connection) or, for the
kill, in a child process against the same test database; the tests are
transactional so that every side sees what the others committed.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db import connection

from phocap.register import import_runs, importing
from phocap.register.editing import update_person
from phocap.register.locking import StaleEdit
from phocap.register.models import AuditEntry, Household, Person, PersonYear, Village
from phocap.survey.validate import validate
from tests.web.import_helpers import FIXTURE
from tests.web.threads import on_another_connection

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("file_villages")]  # the files' household 0001: the tree's
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def commune_file() -> pl.DataFrame:
    result = validate(FIXTURE, keep_records=True)
    assert result.records is not None
    return result.records.filter(pl.col("commune_code") == "03319")


def test_an_edit_committed_after_the_preview_refuses_the_import_and_is_kept(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    person = tree["people"]["03319"]
    confirmed = importing.preview(commune_file)
    on_another_connection(lambda: update_person(staff, person.pk, 1, {"full_name": "Đã sửa"}))
    with pytest.raises(importing.ImportRefused, match="hãy xem trước lại"):
        on_another_connection(
            lambda: importing.commit(commune_file, staff, expected=confirmed.fingerprint))
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Đã sửa", 2)
    assert not PersonYear.objects.exists()
    assert not AuditEntry.objects.filter(model="personyear").exists()


@pytest.mark.skipif("DATABASE_URL" not in os.environ,
                    reason="SQLite has one writer: an edit cannot commit inside an import")
def test_an_edit_that_slips_in_during_the_commit_is_not_overwritten(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The commit has read the register (its plan) when the edit commits on another
    # connection; its conditional UPDATE then finds the person at another version.
    staff = make_user("commune_staff", tree["communes"]["03319"])
    person = tree["people"]["03319"]
    write = importing._write

    def edit_first(*args: Any) -> None:
        on_another_connection(lambda: update_person(staff, person.pk, 1,
                                                    {"full_name": "Sửa chen ngang"}))
        write(*args)

    monkeypatch.setattr(importing, "_write", edit_first)
    with pytest.raises(importing.ImportRefused, match="hãy xem trước lại"):
        importing.commit(commune_file, staff)
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Sửa chen ngang", 2)
    assert not PersonYear.objects.exists()
    assert Person.objects.filter(household__commune__code="03319").count() == 1


def test_an_edit_on_a_form_opened_before_the_import_is_stale_and_the_import_kept(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    person = tree["people"]["03319"]
    opened_at = Person.objects.get(pk=person.pk).version  # the edit form shows version 1
    confirmed = importing.preview(commune_file)
    on_another_connection(
        lambda: importing.commit(commune_file, staff, expected=confirmed.fingerprint))
    with pytest.raises(StaleEdit):
        on_another_connection(
            lambda: update_person(staff, person.pk, opened_at, {"full_name": "Biểu mẫu cũ"}))
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Lò Văn Hòa", 2)
    assert PersonYear.objects.count() == 7


CHILD = """
import os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "phocap.settings"
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
import django
django.setup()
import polars as pl
from phocap.accounts.models import User
from phocap.register import import_runs, importing

importing.BATCH_ROWS = 2

def stop_here(done, total):
    print(f"written {done} of {total}", flush=True)
    time.sleep(600)

importing.commit(pl.read_parquet(sys.argv[2]), User.objects.get(username=sys.argv[3]),
                 progress=stop_here)
"""


def state() -> dict[str, list[dict[str, Any]]]:
    return {model.__name__: list(model.objects.order_by("pk").values())
            for model in (Village, Household, Person, PersonYear, AuditEntry)}


def test_an_import_killed_halfway_leaves_the_database_as_before(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame, tmp_path: Path
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    importing.commit(commune_file.head(4), staff)  # a register with something in it
    changed = commune_file.with_columns(
        (pl.col("full_name") + " (sửa)").alias("full_name"))  # 4 changed, 3 new
    records = tmp_path / "records.parquet"
    changed.write_parquet(records)
    before = state()

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(connection.settings_dict["NAME"]), str(records),
         staff.username],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], 120)
        assert ready, "the child never reached its first batch"
        line = child.stdout.readline()
        assert line.strip() == "written 2 of 7", child.stderr.read() if child.stderr else ""
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(30)
    assert child.returncode == -signal.SIGKILL

    # On SQLite the first batch was committed on its own: the next look at the commune
    # (an edit, the job's page, another import) finds its writer gone and undoes it.
    assert import_runs.recover_abandoned() == (1 if import_runs.chunked() else 0)
    assert state() == before
    # Nothing is left locked: the same import now goes through in full.
    done = importing.commit(changed, staff)
    assert (len(done.new), len(done.changed)) == (3, 4)
    assert Person.objects.filter(full_name__endswith="(sửa)").count() == 7
