"""The engine on the register: results for a unit and its children, computed in-database.

The engine reads the ``survey_record`` view through Ibis on the application's
own database (SQLite or PostgreSQL), so the register is never copied out to be
evaluated.
"""

from __future__ import annotations

from typing import Any

import ibis
import polars as pl
from django.core.cache import cache
from django.db import connection
from django.db.models import Max

from phocap.engine.backends import survey_schema, typed
from phocap.engine.evaluate import evaluate
from phocap.engine.units import UNITS_SCHEMA
from phocap.register.models import AdministrativeUnit, AuditEntry, UnitYear
from phocap.survey.schema import SCHEMA


def survey_table() -> Any:
    """The survey_record view of the application's database, as a typed Ibis table."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        con = ibis.sqlite.connect(str(settings["NAME"]))
    else:
        con = ibis.postgres.connect(
            host=settings["HOST"] or None, port=settings["PORT"] or None,
            user=settings["USER"], password=settings["PASSWORD"] or None,
            database=settings["NAME"],
        )
    # The schema is given, not inspected: SQLite infers a view's column types from
    # its rows, and a register with no rows yet must still answer (with nothing).
    columns = ", ".join(SCHEMA)
    return typed(con.sql(f"SELECT {columns} FROM survey_record", schema=survey_schema()))


def subtree(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The unit and every unit below it."""
    found, frontier = [unit], [unit]
    while frontier:
        frontier = list(AdministrativeUnit.objects.filter(parent__in=frontier)
                        .select_related("parent"))
        found += frontier
    return found


def results(unit: AdministrativeUnit, year: int) -> dict[str, Any]:
    """The engine's JSON for ``unit`` and its direct children in survey year ``year``."""
    units = subtree(unit)
    difficult = set(
        UnitYear.objects.filter(unit__in=units, survey_year=year, especially_difficult=True)
        .values_list("unit_id", flat=True)
    )
    frame = pl.DataFrame(
        [(u.code, u.name, u.type, u.parent.code if u.parent_id and u != unit else None,
          u.pk in difficult) for u in units],
        schema=UNITS_SCHEMA, orient="row",
    )
    communes = [u.code for u in units if u.type == AdministrativeUnit.Type.COMMUNE]
    table = survey_table()
    table = table.filter(table.commune_code.isin(communes) & (table.survey_year == year))
    evaluation = evaluate(table, year=year, units=frame).to_json()
    wanted = {unit.code} | {u.code for u in units if u.parent_id == unit.pk}
    evaluation["units"] = [u for u in evaluation["units"] if u["code"] in wanted]
    return evaluation


def cached_results(unit: AdministrativeUnit, year: int) -> dict[str, Any]:
    """``results``, reused until the data beneath the unit change.

    Every change to a household or person writes an audit entry, so the newest
    audit entry of the unit's communes, together with their ĐBKK flags, tells
    whether a cached answer still holds; nothing has to remember to invalidate it.
    """
    units = subtree(unit)
    communes = [u for u in units if u.type == AdministrativeUnit.Type.COMMUNE]
    revision = AuditEntry.objects.filter(commune__in=communes).exclude(
        action=AuditEntry.Action.EXPORT).aggregate(last=Max("id"))["last"]
    difficult = sorted(
        UnitYear.objects.filter(unit__in=communes, survey_year=year, especially_difficult=True)
        .values_list("unit_id", flat=True)
    )
    key = f"results:{unit.pk}:{year}:{revision}:{hash(tuple(difficult))}"
    found = cache.get(key)
    if found is None:
        found = results(unit, year)
        cache.set(key, found, 24 * 3600)
    return found
