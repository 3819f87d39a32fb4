"""The official report forms of a unit and year, from the register (phocap.reports).

The forms are built by the core from the register's survey_record view, in the
database, and cached until the data beneath the unit change (the results'
revision: every audited change raises its commune's). Name lists are personal
data: built on demand, never cached, and their download is logged by the view.
"""

from __future__ import annotations

from typing import TypedDict

import ibis.expr.types as ir
import polars as pl

from phocap import rules
from phocap.engine.evaluate import evaluate
from phocap.engine.result import Evaluation
from phocap.engine.units import UNITS_SCHEMA
from phocap.register import hooks
from phocap.register.engine_table import survey_record
from phocap.register.models import AdministrativeUnit, UnitYear
from phocap.register.results import cached, subtree
from phocap.reports import figures
from phocap.reports.consistency import check
from phocap.reports.figures import Figures
from phocap.reports.forms import forms_for, name_lists_for
from phocap.reports.model import Form


def units_frame(unit: AdministrativeUnit, year: int) -> pl.DataFrame:
    """The unit, the units below it and its ancestors (whose names head the forms)."""
    below = subtree(unit)
    difficult = set(UnitYear.objects.filter(unit__in=below, survey_year=year,
                                            especially_difficult=True)
                    .values_list("unit_id", flat=True))
    return pl.DataFrame(
        [(u.code, u.name, u.type, u.parent.code if u.parent_id else None, u.pk in difficult)  # type: ignore[union-attr]  # parent_id is set
         for u in [*unit.ancestors(), *below]],
        schema=UNITS_SCHEMA, orient="row")


def sources(unit: AdministrativeUnit, year: int) -> tuple[object, Evaluation, Figures]:
    """The unit's survey table of the year, the engine's evaluation and the forms' figures;
    under Decree 277 with the school side of its forms (class lists and attendance)."""
    frame = units_frame(unit, year)
    communes = frame.filter(pl.col("type") == "commune")["code"].to_list()
    table = survey_record(year, communes)
    evaluation = evaluate(table, year, units=frame)
    counted = figures.compute(table, year)
    if "preschool_3_5" in rules.load(evaluation.ruleset).standards:
        below = [u for u in subtree(unit) if u.type == "commune"]
        counted = (counted.with_school_side(_school_side(below, year, communes, table))
                   .with_establishments(hooks.preschool_establishments(below, year)))
    return table, evaluation, counted


def _school_side(below: list[AdministrativeUnit], year: int, communes: list[str],
                 table: ir.Table) -> figures.SchoolSide:
    """The forms' school-side figures (reports/figures.SCHOOL_SIDE): the class lists of the
    unit's schools and of its children, read against the survey records of every pupil's
    household, those of pupils living in another commune included."""
    pupils = hooks.class_lists(below, year)
    elsewhere = sorted(set(pupils["commune_code"].to_list()) - set(communes))
    households = survey_record(year, [*communes, *elsewhere]) if elsewhere else table
    return figures.school_side(households, year, pupils)


class CheckedForms(TypedDict):
    forms: list[Form]
    problems: list[str]


def _forms(unit: AdministrativeUnit, year: int) -> CheckedForms:
    """The unit's forms, and the verdict of the consistency check over them and the forms
    of the units directly below (a summary row must be that unit's own total)."""
    _, evaluation, counted = sources(unit, year)
    own = forms_for(evaluation, counted, unit.code)
    below = [form for child in AdministrativeUnit.objects.filter(parent=unit)
             for form in forms_for(evaluation, counted, child.code)]
    return {"forms": own, "problems": check([*own, *below], evaluation)}


def cached_forms(unit: AdministrativeUnit, year: int) -> CheckedForms:
    """``{"forms": [Form…], "problems": [str…]}``, reused until the data beneath change."""
    found: CheckedForms = cached("forms", unit, year, _forms)
    return found


def name_lists(commune: AdministrativeUnit, year: int) -> list[Form]:
    """The commune's name lists of the year (personal data: not cached)."""
    table, evaluation, counted = sources(commune, year)
    return name_lists_for(table, evaluation, counted, commune.code)
