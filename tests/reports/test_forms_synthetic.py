"""Done when: the demo district and a synthetic mountainous province, every form checked.

For each population, every unit gets its ten forms and every commune its name
lists; the consistency check (engine against forms, forms against each other,
larger units against their communes) must find nothing, and, independently of
it, every criterion the engine evaluated for every commune must be found on
the forms with the same numerator and denominator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from phocap.engine.backends import connect, load
from phocap.engine.evaluate import evaluate
from phocap.engine.result import Evaluation
from phocap.engine.units import read_units_file
from phocap.reports.consistency import SUMMARY_CRITERIA, check, figure
from phocap.reports.figures import compute
from phocap.reports.forms import (
    CODES,
    CODES_BEFORE_ND277,
    CODES_ND277,
    forms_for,
    name_lists_for,
)
from phocap.reports.forms.preschool import criterion_code
from phocap.reports.model import Form
from phocap.reports.xlsx import write_forms
from phocap.survey.validate import validate
from phocap.synth.generate import write

pytestmark = pytest.mark.slow

POPULATIONS = {
    # The Điện Biên 2021 demo district (tests/engine/test_engine_demo.py).
    "demo-district": ("100", 2021, "dien-bien-2021", 2021, None),
    # Province 11 (Điện Biên) with the mountainous profile, scaled down: before 2025
    # (province → districts → communes) and from 2025 (province → communes).
    "mountainous-2021": ("11", 2021, "mountainous", 7, 30_000),
    "mountainous-2025": ("11", 2025, "mountainous", 7, 30_000),
}


@dataclass
class Case:
    evaluation: Evaluation
    forms: list[Form]
    lists: list[Form]


@pytest.fixture(scope="module", params=sorted(POPULATIONS))
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Case:
    selection, year, profile, seed, people = POPULATIONS[request.param]
    folder: Path = tmp_path_factory.mktemp(request.param)
    summary = write(folder / "survey.parquet", selection, year, profile, seed, people)
    store = folder / "records.parquet"
    assert validate(folder / "survey.parquet", year=year, records_to=store).report.ok
    table = load(connect("duckdb"), store)
    evaluation = evaluate(table, year, units=read_units_file(summary.units_path))
    figures = compute(table, year)
    forms = [f for unit in evaluation.units for f in forms_for(evaluation, figures, unit.code)]
    top = evaluation.units[0].code
    return Case(evaluation, forms, name_lists_for(table, evaluation, figures, top))


def test_every_unit_has_every_form_and_every_commune_its_lists(case: Case) -> None:
    codes = CODES_ND277 if case.evaluation.year >= 2025 else CODES_BEFORE_ND277
    assert len(case.forms) == len(codes) * len(case.evaluation.units)
    assert len(case.lists) == 4 * len(case.evaluation.of_type("commune"))


def test_the_consistency_check_finds_nothing(case: Case) -> None:
    assert check([*case.forms, *case.lists], case.evaluation) == []


def test_every_commune_criterion_is_on_the_forms(case: Case) -> None:
    """Each criterion's numerator and denominator, read off the forms by age and off the
    commune's row of the summary forms, are the engine's."""
    forms = {(f.unit_code, f.code): f for f in case.forms}
    for commune in case.evaluation.of_type("commune"):
        for standard in commune.standards.values():
            for criterion in standard.criteria:
                assert criterion.ages is not None
                lo, hi = criterion.ages
                found = []
                if criterion.key == "preschool_3_5.completed":
                    # The official forms count the footnote's completion from attendance;
                    # the engine's reading of the survey record (a year older) is on the
                    # results page only (docs/report-forms.md).
                    continue
                for code in CODES:
                    form = forms.get((commune.code, code))
                    if form is None:
                        continue
                    numerator = figure(form, criterion.fact, lo, hi)
                    if numerator is not None:
                        found.append((numerator, figure(form, "in_scope", lo, hi)))
                    block = next((r for r in form.appendix
                                  if r.code == criterion_code(criterion.fact, lo, hi)), None)
                    if block is not None and criterion.denominator:
                        found.append((block.values["count"],
                                      criterion.denominator if block.values["rate"]
                                      == criterion.rate else None))
                    cells = SUMMARY_CRITERIA.get(code, {}).get((criterion.fact, lo, hi))
                    if cells is not None:
                        row = form.row(commune.code).values
                        found.append((row[cells[0]], row[cells[1]]))
                assert found, f"{criterion.key} of {commune.code} is on no form"
                expected = (criterion.numerator, criterion.denominator)
                assert set(found) == {expected}, (commune.code, criterion.key, found)


def test_larger_units_show_the_engine_levels(case: Case) -> None:
    forms = {(f.unit_code, f.code): f for f in case.forms}
    for unit in case.evaluation.units:
        if unit.type == "commune":
            continue
        total = forms[(unit.code, "THCS-M2")].rows[-1]
        level = unit.standards["lower_secondary"].level
        assert total.values["level"] == (f"Mức độ {level}" if level else "Chưa đạt")


def test_the_workbook_totals_are_the_sums_of_its_rows(case: Case, tmp_path: Path) -> None:
    """The top unit's workbook read back: on each summary sheet, the "Cộng" row's counts are
    the sums of the unit rows above it (rates are checked by the consistency check). The
    official templates (MN-01-TC,ĐK: "TOÀN TỈNH" first) are read back in
    test_forms_nd277.py."""
    top = case.evaluation.units[0].code
    path = write_forms([f for f in case.forms if f.unit_code == top], tmp_path / "forms.xlsx")
    book = openpyxl.load_workbook(path)
    for form in case.forms:
        if form.unit_code != top or form.columns[0].key != "stt" or form.mark:
            continue
        sheet = book[form.code]
        first = next(c.row for c in sheet["A"] if c.value == "STT") + 2  # two header rows
        total = next(c.row for c in sheet["B"] if c.value == "Cộng")
        assert total - first == len(form.rows) - 1
        for index, column in enumerate(form.columns, start=1):
            if column.rate or column.key in ("stt", "label", "level"):
                continue
            above = [sheet.cell(r, index).value for r in range(first, total)]
            assert sheet.cell(total, index).value == sum(above), (form.code, column.key)
