"""On SQLite an import is written in short transactions and stays all or nothing.

(The failures run on PostgreSQL too, where the import is one transaction; a worker
killed mid-way is tests/web/test_import_worker.py.)

Other communes' users load pages and edit through the API between the import's
batches; the importing commune's edits are refused with the reason and its
results stay those of before the import until it ends; a batch that fails
leaves the register exactly as before and the job says so. Every side runs on a
connection of its own (threads), so the tests are transactional.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import polars as pl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from phocap.register import import_runs, importing, jobs
from phocap.register.editing import update_person
from phocap.register.models import (
    AuditEntry,
    Household,
    ImportHold,
    ImportJob,
    ImportRun,
    ImportUndo,
    Person,
    PersonYear,
    Village,
)
from phocap.register.results import cached_results
from phocap.survey.validate import validate
from tests.web.import_helpers import FIXTURE, commune_csv
from tests.web.threads import on_another_connection, started

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("file_villages")]  # the files' household 0001: the tree's
sqlite_only = pytest.mark.skipif(
    "DATABASE_URL" in os.environ,
    reason="PostgreSQL commits an import in one transaction and holds no commune (import_runs.py)")
PASSWORD = "mat-khau-du-manh-2021"


@pytest.fixture(autouse=True)
def own_var(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path


@pytest.fixture
def commune_file() -> pl.DataFrame:
    result = validate(FIXTURE, keep_records=True)
    assert result.records is not None
    return result.records.filter(pl.col("commune_code") == "03319")


def copies(records: pl.DataFrame, count: int) -> pl.DataFrame:
    """``count`` copies of the seven people, each copy in households of its own."""
    return pl.concat([records] + [
        records.with_columns((pl.col("household_no") + f"-{i}").alias("household_no"),
                             pl.lit(None, dtype=pl.String).alias("national_id"))
        for i in range(1, count)
    ])


def state() -> dict[str, list[dict[str, Any]]]:
    return {model.__name__: list(model.objects.order_by("pk").values())
            for model in (Village, Household, Person, PersonYear, AuditEntry)}


def bearer(user: Any) -> dict[str, str]:
    response = Client().post("/api/v1/token", {"username": user.username, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def patch(headers: dict[str, str], person: Person, name: str) -> Any:
    client = Client()
    version = client.get(f"/api/v1/persons/{person.pk}", **headers).json()["version"]
    return client.patch(f"/api/v1/persons/{person.pk}", {"version": version, "full_name": name},
                        content_type="application/json", **headers)


@sqlite_only
def test_other_communes_load_pages_and_edit_between_the_batches_of_an_import(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importing, "BATCH_ROWS", 50)
    communes, people = tree["communes"], tree["people"]
    importer = make_user("commune_staff", communes["03319"])
    importing.commit(commune_file, importer)  # the commune's seven people, 2021
    records = copies(commune_file, 300)  # 2,100 records: 7 unchanged, 2,093 new, 42 batches
    before = cached_results(communes["03319"], 2021)
    cache.clear()  # nothing cached but what the import itself keeps
    far = make_user("commune_staff", communes["03370"])
    page = Client()
    assert page.login(username=far.username, password=PASSWORD)
    far_api, sibling_api = bearer(far), bearer(make_user("commune_staff", communes["03322"]))
    own_api = bearer(importer)

    # A steady load from other communes for as long as the import runs.
    running, answers = threading.Event(), []

    def load(headers: dict[str, str], person: Person, edits: bool) -> None:
        client = Client()
        client.force_login(far)
        n = 0
        while running.is_set():
            n += 1
            answers.append(client.get(reverse("unit", args=[communes["03370"].pk])).status_code)
            answers.append(patch(headers, person, f"Sửa lần {n}").status_code if edits else
                           client.get(f"/api/v1/persons/{person.pk}", **headers).status_code)

    # And, mid-way, one of each on another connection while the import waits for them.
    seen: dict[str, Any] = {}

    def between_batches(done: int, total: int) -> None:
        if done == 150:
            seen["page"] = on_another_connection(
                lambda: page.get(reverse("unit", args=[communes["03370"].pk])).status_code)
            seen["edit"] = on_another_connection(
                lambda: patch(far_api, people["03370"], "Sửa giữa lúc nhập").status_code)
            seen["held"] = on_another_connection(
                lambda: patch(own_api, people["03319"], "Không được sửa"))
            seen["results"] = on_another_connection(
                lambda: cached_results(communes["03319"], 2021))

    running.set()
    loaders = [started(lambda: load(sibling_api, people["03322"], True), {}),
               started(lambda: load(far_api, people["03370"], False), {})]
    outcome: dict[str, Any] = {}
    started(lambda: importing.commit(records, importer, progress=between_batches),
            outcome).join(120)
    running.clear()
    for loader in loaders:
        loader.join(60)

    assert "error" not in outcome, outcome.get("error")
    done = outcome["value"]
    assert (len(done.new), done.unchanged) == (2093, 7)
    assert (seen["page"], seen["edit"]) == (200, 200)
    held = seen["held"]
    assert held.status_code == 403
    assert "đang được nhập dữ liệu từ tệp" in held.json()["detail"]
    assert seen["results"] == before  # the register before the import, not half of it
    assert answers and set(answers) == {200}
    assert Person.objects.get(pk=people["03370"].pk).full_name == "Sửa giữa lúc nhập"
    assert Person.objects.filter(household__commune=communes["03319"]).count() == 2100
    assert not ImportRun.objects.exists() and not ImportUndo.objects.exists()
    # Once it is done, the commune's results count the import, and its edits go through.
    assert cached_results(communes["03319"], 2021) != before
    assert patch(own_api, people["03319"], "Sửa sau khi nhập").status_code == 200


def test_a_slow_batch_makes_the_next_smaller_and_a_quick_one_larger_again() -> None:
    assert import_runs.next_batch(1000, 1.0, 1000) == 250  # a quarter of a second
    assert import_runs.next_batch(1000, 20.0, 1000) == 100  # never below a hundred
    assert import_runs.next_batch(250, 0.1, 1000) == 500
    assert import_runs.next_batch(800, 0.1, 1000) == 1000
    assert import_runs.next_batch(3, 5.0, 3) == 3  # the tests' tiny batches stay as they are


def test_a_batch_that_fails_undoes_the_batches_already_written(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    importing.commit(commune_file.head(4), staff)  # a register with something in it
    changed = commune_file.with_columns((pl.col("full_name") + " (sửa)").alias("full_name"))
    before = state()
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    write, calls = importing._write, []

    def third_fails(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("hỏng giữa chừng")
        return write(*args, **kwargs)

    monkeypatch.setattr(importing, "_write", third_fails)
    with pytest.raises(RuntimeError):
        on_another_connection(lambda: importing.commit(changed, staff))
    assert state() == before  # versions and audit trail included
    assert not (ImportRun.objects.exists() or ImportHold.objects.exists()
                or ImportUndo.objects.exists())
    # Nothing is left held: the commune is edited again.
    person = Person.objects.get(household__commune__code="03319", household__household_no="0001",
                                person_no=1)
    update_person(staff, person.pk, person.version, {"full_name": "Sửa sau sự cố"})


def upload(user: Any, content: bytes) -> ImportJob:
    job = jobs.create(user, SimpleUploadedFile("xa-03319.csv", content), 2021)  # and checked
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED, job.message
    return job


def test_a_commit_that_fails_mid_way_is_reported_failed_with_nothing_written(
    tree: dict[str, Any], make_user: Any, commune_file: pl.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    importing.commit(commune_file.head(4), staff)
    job = upload(staff, commune_csv({(2, "full_name"): "Lò Văn Hòa (sửa)"}))
    before = state()
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    write, calls = importing._write, []

    def second_fails(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("hỏng giữa chừng")
        return write(*args, **kwargs)

    monkeypatch.setattr(importing, "_write", second_fails)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING)
    on_another_connection(lambda: jobs.commit(job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message == jobs.COMMIT_FAILED, job.message
    assert state() == before
    assert not ImportRun.objects.exists()
