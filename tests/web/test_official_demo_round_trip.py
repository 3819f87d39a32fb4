"""The demo commune through the ministry's files and back: exported as the register's
survey file (the unit's export), written into the ministry's template (``phocap
export-official``, a ZIP of one .xls a village), imported on the import page (preview,
commit), and imported again.

The template holds less than the register (docs/official-files.md §2, writing.notes):
the national ID, the year of the literacy class and the completion years below the
highest. Importing its files therefore changes those fields and nothing else (what
reconciliation with the register's own values will keep is a separate step of issue 12);
every other field of every survey record comes back as it was, no household, person or
survey year is added or lost, and the second import of the same files changes nothing.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from phocap.accounts.models import User
from phocap.cli import app
from phocap.register import jobs
from phocap.register.models import Household, ImportJob, Person, PersonYear
from phocap.survey.official import writing
from phocap.survey.schema import SCHEMA
from phocap.survey.validate import validate

YEAR = 2021
KEY = ["household_no", "person_no"]
Status = ImportJob.Status


@pytest.fixture(autouse=True)
def inline_steps(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(jobs, "start", lambda step, job: step(job.pk))


def exported(client: Client, commune_pk: int, target: Path) -> pl.DataFrame:
    """The commune's survey records for the year, as the unit's export gives them."""
    response = client.get(reverse("unit-export", args=[commune_pk]), {"year": YEAR})
    assert response.status_code == 200
    target.write_bytes(response.content)
    result = validate(target, year=YEAR, keep_records=True)
    assert result.report.ok, result.report.problems.head(5).to_dicts()
    assert result.records is not None
    return result.records.sort(KEY).select(list(SCHEMA))


def imported(client: Client, archive: Path, capture: Any) -> ImportJob:
    upload = SimpleUploadedFile(archive.name, archive.read_bytes())
    with capture(execute=True):
        response = client.post(reverse("import-new"), {"file": [upload], "survey_year": YEAR})
    assert response.status_code == 302, response.content.decode()[:2000]
    job: ImportJob = ImportJob.objects.latest("pk")
    assert job.status == Status.PREVIEWED, job.message
    with capture(execute=True):
        client.post(reverse("import-commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Status.COMMITTED, job.message
    return job


def counts() -> tuple[int, int, int]:
    return Household.objects.count(), Person.objects.count(), PersonYear.objects.count()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the export reads through its own connection
def test_the_demo_commune_exported_to_the_ministrys_files_imports_back_unchanged(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    call_command("loaddemo", people=3000, until=YEAR, output=tmp_path / "demo",
                 stdout=io.StringIO())
    staff = User.objects.get(username="xa")
    commune = staff.unit
    assert commune is not None
    client = Client()
    client.force_login(staff)
    before = exported(client, commune.pk, tmp_path / "before.xlsx")
    held = counts()

    archive = tmp_path / f"{commune.code}.zip"
    ran = CliRunner().invoke(app, ["export-official", str(tmp_path / "before.xlsx"),
                                   "--year", str(YEAR), "--commune", commune.code,
                                   "--output", str(archive)])
    assert ran.exit_code == 0, ran.output
    with zipfile.ZipFile(archive) as opened:
        villages = opened.namelist()
    assert len(villages) == before["village"].n_unique() > 1
    assert all(name.endswith(".xls") for name in villages)

    # What the template cannot hold (national IDs, literacy years, lower completions) is
    # left blank in the files, and a blank never erases; what it restates in its own terms
    # (the grade finished, the literacy class, the relapse level) adds nothing: no change.
    assert writing.notes(before)  # the export said what it left out
    first = imported(client, archive, django_capture_on_commit_callbacks)
    assert first.result == {"new": 0, "changed": 0, "unchanged": before.height, "missing": 0}
    assert counts() == held
    after = exported(client, commune.pk, tmp_path / "after.xlsx")
    assert after.equals(before)

    again = imported(client, archive, django_capture_on_commit_callbacks)
    assert (again.preview["new"], again.preview["changed"], again.preview["missing"]) == \
        (0, 0, 0)
    assert again.result == {"new": 0, "changed": 0, "unchanged": before.height, "missing": 0}
    assert counts() == held
    assert exported(client, commune.pk, tmp_path / "again.xlsx").equals(after)
