"""The official report forms of a unit and year, and the name lists of its communes.

``build_forms`` and ``name_lists`` take a typed survey table (any Ibis backend),
the survey year, the units frame (as for the engine) and a unit code; ``forms_for``
builds from an Evaluation and Figures already at hand (the web application caches
both). A database view is read through phocap.engine.backends.typed first, as for
the engine. Forms are data (phocap.reports.model); phocap.reports.xlsx writes them.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis.expr.types as ir
import polars as pl

from phocap.engine.evaluate import evaluate
from phocap.engine.result import Evaluation
from phocap.reports import figures as figuring
from phocap.reports.figures import Figures
from phocap.reports.forms.common import Context
from phocap.reports.forms.literacy import cmc_1, cmc_2, xmc_3, xmc_4
from phocap.reports.forms.lower_secondary import thcs_m1, thcs_m2, thcs_tk
from phocap.reports.forms.names import NAME_LISTS, name_list, people
from phocap.reports.forms.preschool import mn_01, mn_01_tcdk, mn_01_te, mn_02
from phocap.reports.forms.primary import th_02, th_m1
from phocap.reports.model import Form

Builder = Callable[[Context], Form]
# The preschool forms change with Decree 277: from survey year 2025 (when the year's
# ruleset holds the standard for ages 3–5) the official 2025/2026 forms MN-01-TE and
# MN-01-TC,ĐK replace MN-01 and MN-02, which stay for the years before.
PRESCHOOL_BEFORE_ND277: tuple[Builder, ...] = (mn_01, mn_02)
PRESCHOOL_ND277: tuple[Builder, ...] = (mn_01_te, mn_01_tcdk)
OTHERS: tuple[Builder, ...] = (th_m1, th_02, thcs_m1, thcs_m2, thcs_tk, xmc_3, cmc_2, xmc_4,
                               cmc_1)
OTHER_CODES = ("TH-M1", "TH-02", "THCS-M1", "THCS-M2", "THCS-TK", "XMC-3", "CMC-2", "XMC-4",
               "CMC-1")
CODES_BEFORE_ND277 = ("MN-01", "MN-02", *OTHER_CODES)  # the forms of a year before 2025
CODES_ND277 = ("MN-01-TE", "MN-01-TCDK", *OTHER_CODES)  # from 2025
CODES = ("MN-01", "MN-02", "MN-01-TE", "MN-01-TCDK", *OTHER_CODES)  # every form of any year


def builders(context: Context) -> tuple[Builder, ...]:
    """The forms of the unit's year, in the order officers file them."""
    nd277 = "preschool_3_5" in context.unit.standards
    return (*(PRESCHOOL_ND277 if nd277 else PRESCHOOL_BEFORE_ND277), *OTHERS)


def forms_for(evaluation: Evaluation, figures: Figures, unit_code: str) -> list[Form]:
    """Every form of one unit, from the engine's evaluation and the figures of its year."""
    context = Context(evaluation, figures, evaluation.unit(unit_code))
    return [build(context) for build in builders(context)]


def name_lists_for(
    table: ir.Table, evaluation: Evaluation, figures: Figures, unit_code: str
) -> list[Form]:
    """The four name lists of each commune at or below the unit."""
    context = Context(evaluation, figures, evaluation.unit(unit_code))
    communes = context.communes_below(unit_code)
    found = {spec.code: people(table, spec, communes, evaluation.year) for spec in NAME_LISTS}
    lists: list[Form] = []
    for commune in communes:
        own = Context(evaluation, figures, evaluation.unit(commune))
        for spec in NAME_LISTS:
            frame = found[spec.code].filter(pl.col("commune_code") == commune)
            lists.append(name_list(own, frame, spec))
    return lists


def build_forms(
    table: ir.Table, year: int, units: pl.DataFrame | None, unit_code: str
) -> list[Form]:
    """Evaluate the survey year and build every form of one unit."""
    return forms_for(evaluate(table, year, units=units), figuring.compute(table, year), unit_code)


def name_lists(
    table: ir.Table, year: int, units: pl.DataFrame | None, unit_code: str
) -> list[Form]:
    """The name lists of every commune at or below one unit."""
    return name_lists_for(table, evaluate(table, year, units=units),
                          figuring.compute(table, year), unit_code)
