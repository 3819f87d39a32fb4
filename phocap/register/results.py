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
from phocap.engine.export import label
from phocap.engine.outlook import outlook
from phocap.engine.people import people_behind
from phocap.engine.units import UNITS_SCHEMA
from phocap.register.models import AdministrativeUnit, AuditEntry, UnitYear, Village
from phocap.rules import STANDARD_NAMES_VI, for_year
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


def _units_frame(unit: AdministrativeUnit, units: list[AdministrativeUnit],
                 year: int) -> pl.DataFrame:
    difficult = set(
        UnitYear.objects.filter(unit__in=units, survey_year=year, especially_difficult=True)
        .values_list("unit_id", flat=True)
    )
    return pl.DataFrame(
        [(u.code, u.name, u.type, u.parent.code if u.parent_id and u != unit else None,
          u.pk in difficult) for u in units],
        schema=UNITS_SCHEMA, orient="row",
    )


def _register_table(units: list[AdministrativeUnit], years: list[int]) -> Any:
    communes = [u.code for u in units if u.type == AdministrativeUnit.Type.COMMUNE]
    table = survey_table()
    return table.filter(table.commune_code.isin(communes) & table.survey_year.isin(years))


def _beneath(unit: AdministrativeUnit, units: list[AdministrativeUnit]) -> set[str]:
    return {unit.code} | {u.code for u in units if u.parent_id == unit.pk}


def results(unit: AdministrativeUnit, year: int) -> dict[str, Any]:
    """The engine's JSON for ``unit`` and its direct children in survey year ``year``."""
    units = subtree(unit)
    evaluation = evaluate(_register_table(units, [year]), year=year,
                          units=_units_frame(unit, units, year)).to_json()
    wanted = _beneath(unit, units)
    evaluation["units"] = [u for u in evaluation["units"] if u["code"] in wanted]
    return evaluation


def next_year(unit: AdministrativeUnit, year: int) -> list[dict[str, Any]]:
    """Each standard's level now and next year if nothing but time passes (engine.outlook),
    with the criteria that would fail and by how many people, for the unit and its children.
    """
    units = subtree(unit)
    _, _, changes = outlook(_register_table(units, [year]), year=year,
                            units=_units_frame(unit, units, year))
    wanted = _beneath(unit, units)
    return [
        {"code": c.code, "name": c.name, "standard": c.standard,
         "standard_name": STANDARD_NAMES_VI.get(c.standard, c.standard), "level_now": c.level_now,
         "level_next": c.level_next, "change": c.change,
         "shortfalls": [{"key": key, "label": label(key), "gap": gap}
                        for key, gap in c.shortfalls]}
        for c in changes if c.code in wanted
    ]


def villages(commune: AdministrativeUnit, year: int) -> list[dict[str, Any]]:
    """Each village of a commune measured as if it were a commune (engine rules unchanged).

    The law recognises communes, not villages (ND20 Art 16); the village figures
    show an officer where in the commune a rate is made or lost.
    """
    names = sorted(Village.objects.filter(commune=commune).values_list("name", flat=True))
    if not names:
        return []
    difficult = UnitYear.objects.filter(unit=commune, survey_year=year,
                                        especially_difficult=True).exists()
    table = survey_table()
    table = table.filter((table.commune_code == commune.code) & (table.survey_year == year))
    table = table.mutate(commune_code=table.village)
    units = pl.DataFrame([(n, n, "commune", None, difficult) for n in names],
                         schema=UNITS_SCHEMA, orient="row")
    evaluation = evaluate(table, year=year, units=units)
    return [
        {"name": u.name, "standards": [
            {"key": key, "level": result.level, "criteria": {
                c.key: {"numerator": c.numerator, "denominator": c.denominator,
                        "passed": c.passed} for c in result.criteria}}
            for key, result in u.standards.items()]}
        for u in evaluation.units
    ]


def behind(commune: AdministrativeUnit, year: int, criterion_key: str) -> pl.DataFrame:
    """The people of a commune behind one criterion, with their situation (engine.people)."""
    criterion = next((c for c in for_year(year).criteria if c.key == criterion_key), None)
    if criterion is None:
        raise KeyError(criterion_key)
    difficult = UnitYear.objects.filter(unit=commune, survey_year=year,
                                        especially_difficult=True).exists()
    return people_behind(survey_table(), criterion, commune.code, year, difficult)


def _revision(unit: AdministrativeUnit, year: int) -> str:
    """What a cached answer about the unit depends on.

    Every change to a household or person writes an audit entry, so the newest
    audit entry of the unit's communes, together with their ĐBKK flags, tells
    whether a cached answer still holds; nothing has to remember to invalidate it.
    """
    communes = [u for u in subtree(unit) if u.type == AdministrativeUnit.Type.COMMUNE]
    last = AuditEntry.objects.filter(commune__in=communes).exclude(
        action=AuditEntry.Action.EXPORT).aggregate(last=Max("id"))["last"]
    difficult = sorted(
        UnitYear.objects.filter(unit__in=communes, survey_year=year, especially_difficult=True)
        .values_list("unit_id", flat=True)
    )
    return f"{unit.pk}:{year}:{last}:{hash(tuple(difficult))}"


def _cached(kind: str, unit: AdministrativeUnit, year: int, compute: Any) -> Any:
    key = f"{kind}:{_revision(unit, year)}"
    found = cache.get(key)
    if found is None:
        found = compute(unit, year)
        cache.set(key, found, 24 * 3600)
    return found


def cached_results(unit: AdministrativeUnit, year: int) -> dict[str, Any]:
    """``results``, reused until the data beneath the unit change."""
    return _cached("results", unit, year, results)


def cached_villages(unit: AdministrativeUnit, year: int) -> list[dict[str, Any]]:
    """``villages``, reused until the data beneath the commune change."""
    return _cached("villages", unit, year, villages)


def cached_next_year(unit: AdministrativeUnit, year: int) -> list[dict[str, Any]]:
    """``next_year``, reused until the data beneath the unit change."""
    return _cached("next-year", unit, year, next_year)
