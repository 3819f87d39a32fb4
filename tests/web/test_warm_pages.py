"""No cold pages (issue 16): every change queues the warming of the pages above it, the
worker computes them under the keys the pages read, and a page whose figures are being
recomputed shows the last ones, saying so, instead of computing them itself.

The world is test_results_cache's: province 11 → districts 100 (communes 03319, 03322)
and 101 (03370), 300 synthetic people per commune, imported in survey year 2021.
The worker's part is run here, task by task (worker.run_inline), after the change
has queued it: the suite's settings warm nothing (tests/settings.py WARM_PAGES) and
run tasks as soon as they are queued (JOBS_INLINE), so each test turns both.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from phocap.register import background, editing, importing, reporting, results, warming, worker
from phocap.register.models import BackgroundTask, Person
from tests.web.test_results_cache import YEAR, synthetic

pytestmark = pytest.mark.django_db(transaction=True)
UPDATING = "Số liệu đang cập nhật"


@pytest.fixture
def warmed_later(settings: Any) -> None:
    """Changes queue warm tasks, which wait for the test to run them."""
    settings.WARM_PAGES = True
    settings.JOBS_INLINE = False


@pytest.fixture
def province(tree: dict[str, Any], tmp_path: Path, warmed_later: None) -> dict[str, Any]:
    importing.load(synthetic(tmp_path, 11))
    return tree


def recording_computes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The answers computed (not read from the cache) in this process from now on, by the
    name of the function computing them, in order."""
    calls: list[str] = []

    def recorder(compute: Any, name: str) -> Any:
        def recording(unit: Any, year: int) -> Any:
            calls.append(name)
            return compute(unit, year)
        return recording

    for module, name in ((results, "results"), (results, "next_year"), (results, "villages"),
                         (reporting, "_forms")):
        monkeypatch.setattr(module, name, recorder(getattr(module, name), name))
    return calls


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return recording_computes(monkeypatch)


def warm_tasks(status: str = BackgroundTask.Status.QUEUED) -> list[int]:
    return sorted(BackgroundTask.objects.filter(kind=warming.WARM.name, status=status)
                  .values_list("subject", flat=True))


def run_warm_tasks() -> None:
    for pk in BackgroundTask.objects.filter(kind=warming.WARM.name,
                                            status=BackgroundTask.Status.QUEUED
                                            ).values_list("pk", flat=True):
        worker.run_inline(pk)


def move_away(officer: Any, commune: Any, born: tuple[int, int]) -> None:
    for person in Person.objects.filter(household__commune=commune, birth_year__range=born):
        editing.move(officer, person.pk, person.version, YEAR, "moved_out",
                     day=dt.date(YEAR, 3, 1), place="xã Mường Phăng")


def test_an_import_queues_one_warm_task_per_commune_and_edits_add_none_while_it_waits(
        province: dict[str, Any], make_user: Any) -> None:
    communes = province["communes"]
    imported = sorted(communes[code].pk for code in ("03319", "03322", "03370"))
    assert warm_tasks() == imported  # 00001 has no one imported: nothing to warm

    # Several edits in 03322 while its task waits (one per person aged 15–18): still one
    # task for it.
    edited = communes["03322"]
    assert Person.objects.filter(household__commune=edited,
                                 birth_year__range=(2003, 2006)).count() > 1
    move_away(make_user("commune_staff", edited), edited, (2003, 2006))
    assert warm_tasks() == imported

    # Once it has run, the next edit queues it again.
    run_warm_tasks()
    assert warm_tasks() == [] and warm_tasks(BackgroundTask.Status.DONE) == imported
    move_away(make_user("commune_staff", communes["03370"]), communes["03370"], (2003, 2006))
    assert warm_tasks() == [communes["03370"].pk]


def test_nothing_is_queued_when_warming_is_off(tree: dict[str, Any], tmp_path: Path,
                                               settings: Any) -> None:
    settings.JOBS_INLINE = False
    settings.WARM_PAGES = False
    importing.load(synthetic(tmp_path, 11))
    assert warm_tasks() == []


def test_the_worker_fills_the_keys_the_pages_read(
        province: dict[str, Any], make_user: Any, client: Any, computed: list[str]) -> None:
    run_warm_tasks()
    # For each of the three communes: itself, its district and the province, one year.
    assert computed.count("results") == 3 + 2 + 1
    assert computed.count("villages") == 3
    assert computed.count("_forms") == 3 + 2 + 1
    computed.clear()

    district = province["districts"][0]
    client.force_login(make_user("district_reviewer", district))
    for name in ("unit", "unit-results", "unit-forms", "dashboard-trends"):
        page = client.get(reverse(name, args=[district.pk]), {"year": YEAR})
        assert page.status_code == 200, name
        assert UPDATING not in page.content.decode()
    xlsx = client.get(reverse("unit-forms-xlsx", args=[district.pk]), {"year": YEAR})
    assert xlsx.status_code == 200
    assert computed == []  # every page read what the worker computed


def test_a_page_being_recomputed_shows_the_last_figures_then_the_new_ones(
        province: dict[str, Any], make_user: Any, client: Any, computed: list[str]) -> None:
    run_warm_tasks()
    district, edited = province["districts"][0], province["communes"]["03322"]
    before = results.cached_results(district, YEAR)

    # Everyone aged 15–18 in 03322 moves away: its lower-secondary cohort empties, and the
    # district's figures change; the warm task of 03322 waits for the worker.
    move_away(make_user("commune_staff", edited), edited, (2003, 2006))
    assert warm_tasks() == [edited.pk]
    computed.clear()

    client.force_login(make_user("district_reviewer", district))
    url = reverse("unit-results", args=[district.pk])
    stale = client.get(url, {"year": YEAR}).content.decode()
    assert UPDATING in stale and '<meta http-equiv="refresh"' in stale
    assert computed == []  # the page computed nothing: it showed the last answer
    with results.stale_allowed() as serving:
        assert results.cached_results(district, YEAR) == before
    assert serving.stale

    run_warm_tasks()
    computed.clear()
    fresh = client.get(url, {"year": YEAR}).content.decode()
    assert UPDATING not in fresh and 'http-equiv="refresh"' not in fresh
    assert computed == []
    now = results.cached_results(district, YEAR)
    assert now != before and now == results.results(district, YEAR)


def test_outside_a_page_that_accepts_it_the_answer_is_always_the_current_one(
        province: dict[str, Any], make_user: Any, computed: list[str]) -> None:
    run_warm_tasks()
    district, edited = province["districts"][0], province["communes"]["03322"]
    before = results.cached_results(district, YEAR)
    move_away(make_user("commune_staff", edited), edited, (2003, 2006))
    computed.clear()
    # A dossier's snapshot, a download: computed now, never the last figures.
    assert results.cached_results(district, YEAR) != before
    assert computed == ["results"]


def test_with_nothing_computed_before_the_page_computes_its_figures(
        province: dict[str, Any], make_user: Any, client: Any, computed: list[str]) -> None:
    district = province["districts"][0]
    assert warm_tasks()  # queued by the import, not run: no last answer to show
    client.force_login(make_user("district_reviewer", district))
    page = client.get(reverse("unit-results", args=[district.pk]), {"year": YEAR})
    assert UPDATING not in page.content.decode()
    assert computed.count("results") == 1


def test_with_no_warming_to_come_the_page_computes_its_figures(
        province: dict[str, Any], make_user: Any, client: Any, computed: list[str],
        settings: Any) -> None:
    run_warm_tasks()
    district, edited = province["districts"][0], province["communes"]["03322"]
    move_away(make_user("commune_staff", edited), edited, (2003, 2006))
    # Queued too long ago: no worker may be there to run it.
    settings.WARM_PATIENCE_SECONDS = 0
    computed.clear()
    client.force_login(make_user("district_reviewer", district))
    page = client.get(reverse("unit-results", args=[district.pk]), {"year": YEAR})
    assert UPDATING not in page.content.decode()
    assert computed.count("results") == 1


def test_a_warm_task_running_for_a_worker_that_is_gone_is_not_waited_for(
        province: dict[str, Any]) -> None:
    commune = province["communes"]["03319"]
    task = BackgroundTask.objects.get(kind=warming.WARM.name, subject=commune.pk)
    assert warming.pending([commune])
    BackgroundTask.objects.filter(pk=task.pk).update(
        status=BackgroundTask.Status.RUNNING, claimed_by=f"{background.me().split()[0]} 999999999",
        attempts=warming.WARM.attempts)
    assert not warming.pending([commune])  # reclaimed: its last attempt, failed
    assert BackgroundTask.objects.get(pk=task.pk).status == BackgroundTask.Status.FAILED


def test_a_worker_takes_an_import_before_the_warming(province: dict[str, Any]) -> None:
    from phocap.register import jobs

    assert warm_tasks()
    check = background.enqueue(jobs.CHECK, 1)  # queued after every warm task
    taken = background.claim("a worker")
    assert taken is not None and taken.pk == check.pk


def test_an_edit_stands_when_its_warming_cannot_be_queued(
        province: dict[str, Any], make_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import DatabaseError

    from phocap.register.models import CommuneRevision

    def busy(*_: Any) -> None:
        raise DatabaseError("database is locked")

    monkeypatch.setattr(background, "enqueue_missing", busy)
    edited = province["communes"]["03322"]
    before = CommuneRevision.objects.get(commune=edited).revision
    move_away(make_user("commune_staff", edited), edited, (2003, 2006))  # raises nothing
    assert CommuneRevision.objects.get(commune=edited).revision > before
