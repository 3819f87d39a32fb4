"""No cold pages: after every change the worker recomputes what the pages above it read.

Every audited change raises its commune's revision (register/revisions.py),
which makes every cached answer about the commune and the units above it
stale: the next visitor of the district's forms would wait half a minute. So
the raise also queues a warm task on the commune (``changed``), one at most
waiting per commune (background.enqueue_missing): a task reads the revisions
when it runs, so a burst of edits is warmed once. The worker's run (``warm``)
computes, newest survey year first, for the commune and each unit above it,
through the same functions the pages call, so under the same keys: the
communes' counts, the results and next year's outlook, the villages of the
commune, the report forms (which the dossier prints too), then each unit's
trends, and those of the new units that carry the commune's years on after 2025.
A unit warmed already by the task of a sibling commune costs a cache read.

While it runs, a page that accepts it shows the last figures with a notice
that they are being updated (results.cached, ``pending``) and reloads itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError

from phocap.register import background, lineage, series
from phocap.register.models import AdministrativeUnit, BackgroundTask
from phocap.register.reporting import cached_forms
from phocap.register.results import (
    cached_next_year,
    cached_results,
    cached_villages,
    existed,
    survey_years,
)
from phocap.rules import RulesetError

log = logging.getLogger(__name__)


def changed(commune_ids: list[int]) -> None:
    """Queue the warming of these communes' pages (called once their revisions are raised).

    The change has committed: a queue that cannot be written to (SQLite busy past its
    timeout) must not turn it into an error page; its pages are then computed by their
    first visitor, as they would be with no worker.
    """
    if not settings.WARM_PAGES or not commune_ids:
        return
    try:
        background.enqueue_missing(WARM, commune_ids)
    except DatabaseError:
        log.warning("pages of communes %s not queued for warming", commune_ids, exc_info=True)


def pending(communes: list[AdministrativeUnit]) -> bool:
    """Whether one of these communes' pages is about to be warmed."""
    return bool(communes) and background.pending(
        WARM.name, [c.pk for c in communes], settings.WARM_PATIENCE_SECONDS)


def _answers(unit: AdministrativeUnit, year: int) -> None:
    cached_results(unit, year)
    cached_next_year(unit, year)
    if unit.type == AdministrativeUnit.Type.COMMUNE:
        cached_villages(unit, year)
    cached_forms(unit, year)


def warm(commune_id: int, progress: Callable[[int, int], None]) -> None:
    """Compute and cache the answers about the commune and the units above it, for every
    survey year the commune has, newest first, then their trends."""
    commune = AdministrativeUnit.objects.filter(pk=commune_id).first()
    if commune is None:
        return
    chain = [commune, *commune.ancestors()]
    steps = [(unit, year) for year in survey_years([commune]) for unit in chain
             if existed(unit, year)]
    # A new unit's years before 2025 are its predecessors' (series.py): its trends change too.
    followers = [new for old in chain for new in lineage.continued_by(old)]
    trends = list({u.pk: u for u in [*chain, *followers]}.values())
    total = len(steps) + len(trends)
    for done, (unit, year) in enumerate(steps):
        progress(done, total)
        try:
            _answers(unit, year)
        except RulesetError:
            continue  # a year no ruleset judges has no results to show
    for done, unit in enumerate(trends, start=len(steps)):
        progress(done, total)
        for year in series.years(unit):
            try:
                series.figures(unit, year)
            except RulesetError:
                continue
    progress(total, total)


def _abandoned(commune_id: int, task: BackgroundTask) -> None:
    """Nothing to record: a page whose warming died computes what it needs itself."""


WARM = background.register(background.Kind("warm-pages", warm, _abandoned, attempts=3,
                                                     idle=True))
