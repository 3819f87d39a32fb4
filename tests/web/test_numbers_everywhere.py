"""One fraction, one string: the results page, the forms' XLSX, the printed dossier and the
trends page show each rate alike, and the results page says when a rounded rate crosses
its threshold.

The fractions are the issue's own: 3 of 160 (1,875% exactly, shown "1,87%" on the page
and "1,88%" in the PDF before) and 1 of 32 (3,125%, "3,12%" and "3,13%"), other ties
(1/160 = 0,625%, 7/160 = 4,375%, 5/32 = 15,625%, 1234/1600 = 77,125%, all up), and
rates that do not tie (20/21 = 95,238…%, 1/3, 2/3), the ends (0/7, 7/7, 1/2000 = 0,05%,
1999/2000 = 99,95%) and 1899/1999 = 94,9975…%, which prints as 95,00% yet fails 95%.
Every expected string is worked out here by hand, not by the formatter.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.template.loader import render_to_string

from phocap.engine.result import CriterionResult, Evaluation, StandardResult, UnitResult
from phocap.reports import pdf
from phocap.reports.dossier import DossierContent
from phocap.reports.model import Column, Form, Row
from phocap.reports.xlsx import write_forms
from tests.web.roles import signed_in

NINETY_FIVE = Fraction(19, 20)
# (numerator, denominator) → the rate as every output must print it.
SHOWN: dict[tuple[int, int], str] = {
    (3, 160): "1,88%",      # 300/160 = 1.875 → up
    (1, 32): "3,13%",       # 100/32 = 3.125 → up
    (1, 160): "0,63%",      # 100/160 = 0.625 → up
    (7, 160): "4,38%",      # 700/160 = 4.375 → up
    (5, 32): "15,63%",      # 500/32 = 15.625 → up
    (1234, 1600): "77,13%",  # 123400/1600 = 77.125 → up
    (20, 21): "95,24%",     # 2000/21 = 95.238… → down
    (1, 3): "33,33%",       # 33.333… → down
    (2, 3): "66,67%",       # 66.666… → up
    (0, 7): "0,00%",
    (7, 7): "100,00%",
    (1, 2000): "0,05%",     # 100/2000 = 0.05
    (1999, 2000): "99,95%",  # 199900/2000 = 99.95
    (1899, 1999): "95,00%",  # 189900/1999 = 94.99749… → 95.00, below 95%
}
RATE = re.compile(r"(?<![\d,.])\d{1,3},\d\d%")


def criteria() -> list[CriterionResult]:
    """One criterion per fraction (primary level 1, 95%)."""
    return [CriterionResult("primary.1.grade_1_at_6", 1, n, d, NINETY_FIVE, "ND20 Art 9",
                            ages=(6, 6)) for n, d in SHOWN]


def evaluation(code: str, found: list[CriterionResult]) -> Evaluation:
    standard = StandardResult("primary", 0, found)
    return Evaluation(2021, "nd20-2014", [UnitResult(code, code, "commune", None, False,
                                                      {"primary": standard})])




def test_the_results_page(tree: dict[str, Any], make_user: Any,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    commune = tree["communes"]["03319"]
    monkeypatch.setattr("phocap.register.views.units.cached_results",
                        lambda unit, year: evaluation(unit.code, criteria()))
    monkeypatch.setattr("phocap.register.views.units.cached_next_year", lambda unit, year: [])
    monkeypatch.setattr("phocap.register.views.units.cached_villages", lambda unit, year: [])
    page = signed_in(make_user("commune_staff", commune)).get(
        f"/units/{commune.pk}/results/?year=2021").content.decode()
    rows = re.findall(r'<tr data-criterion="[^"]+">(.*?)</tr>', page, re.S)
    assert [RATE.findall(row)[0] for row in rows] == list(SHOWN.values())
    assert "1,87%" not in page and "3,12%" not in page


def test_the_forms_xlsx(tmp_path: Path) -> None:
    """Rate cells stay numbers, holding the shown rate under a "0.00%" format, so any
    spreadsheet prints the same two decimals: 3/160 is 0.0188, shown 1,88%."""
    form = Form(code="TH-M1", title="Tỷ lệ", year=2021, unit_code="03319", headings=(),
                columns=(Column("label", ("Thôn",)), Column("rate", ("Tỷ lệ",), rate=True)),
                rows=tuple(Row(f"{n}/{d}", {"label": f"{n}/{d}", "rate": Fraction(n, d)})
                           for n, d in SHOWN))
    path = write_forms([form], tmp_path / "forms.xlsx")
    sheet = openpyxl.load_workbook(path).active
    cells = {sheet.cell(r, 1).value: sheet.cell(r, 2) for r in range(1, sheet.max_row + 1)}
    for (n, d), expected in SHOWN.items():
        cell = cells[f"{n}/{d}"]
        assert isinstance(cell.value, int | float) and cell.number_format == "0.00%"
        hundredths = round(cell.value * 10000)  # the cell holds a whole number of 0.01%
        assert abs(cell.value * 10000 - hundredths) < 1e-6
        assert f"{hundredths // 100},{hundredths % 100:02d}%" == expected


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_printed_dossier() -> None:
    snapshot = {"ruleset": "nd20-2014", "year": 2021, "level": 0,
                "result": {"level": 0, "criteria": [c.to_json() for c in criteria()]}}
    content = DossierContent.from_snapshot(
        snapshot, unit_name="Xã Mường Pồn", unit_type="commune", parents=("Tỉnh Điện Biên",),
        standard="primary", level_claimed=1, reviewer="Ủy ban nhân dân huyện")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.render(content),
                          check=True, capture_output=True).stdout.decode()
    # The criteria table prints one rate per criterion, in order; the report's sentences
    # repeat the same figures.
    assert set(RATE.findall(text)) == set(SHOWN.values())
    assert "1,87%" not in text and "3,12%" not in text


def test_the_trends_page(tree: dict[str, Any], make_user: Any,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """One survey year per fraction: the table's cells and the chart's description."""
    commune = tree["communes"]["03319"]
    by_year = dict(zip(range(2000, 2000 + len(SHOWN)), criteria(), strict=True))
    monkeypatch.setattr("phocap.register.series.survey_years", lambda communes: list(by_year))
    monkeypatch.setattr("phocap.register.series.cached_results",
                        lambda unit, year: evaluation(unit.code, [by_year[year]]))
    page = signed_in(make_user("commune_staff", commune)).get(
        f"/units/{commune.pk}/trends/").content.decode()
    found = set(RATE.findall(page))
    assert found == set(SHOWN.values())
    description = re.search(r'<desc id="criteria-0-desc">(.*?)</desc>', page, re.S)
    assert description is not None
    assert [RATE.findall(part)[0] for part in description.group(1).split(", ")] == list(
        SHOWN.values())


NOTE = "hiển thị làm tròn"


@pytest.mark.parametrize(("numerator", "denominator", "rate", "note"), [
    (1899, 1999, "95,00%", "94,9975% — hiển thị làm tròn 95,00% nhưng chưa đạt 95%"),
    (1900, 2000, "95,00%", None),   # exactly 95%: passes, prints what it is
    (1901, 2000, "95,05%", None),   # just above
    (1898, 2000, "94,90%", None),   # just below, and it shows
])
def test_a_rate_that_rounds_onto_its_threshold_is_explained(
        tree: dict[str, Any], make_user: Any, monkeypatch: pytest.MonkeyPatch,
        numerator: int, denominator: int, rate: str, note: str | None) -> None:
    """1899/1999 = 0.94997499 → 94,9975% at four decimals, "95,00%" at two, yet below 95%:
    the level (decided on the exact fraction) and the printed rate disagree, and the page
    says so, on the results page and in the recognition workflow's criteria table."""
    found = [CriterionResult("primary.1.grade_1_at_6", 1, numerator, denominator,
                             NINETY_FIVE, "ND20 Art 9")]
    assert found[0].passed is (Fraction(numerator, denominator) >= NINETY_FIVE)
    commune = tree["communes"]["03319"]
    monkeypatch.setattr("phocap.register.views.units.cached_results",
                        lambda unit, year: evaluation(unit.code, found))
    monkeypatch.setattr("phocap.register.views.units.cached_next_year", lambda unit, year: [])
    monkeypatch.setattr("phocap.register.views.units.cached_villages", lambda unit, year: [])
    page = signed_in(make_user("commune_staff", commune)).get(
        f"/units/{commune.pk}/results/?year=2021").content.decode()
    table = render_to_string("recognition/_criteria.html",
                             {"criteria": [found[0].to_json() | {"label": "Tiểu học mức 1"}]})
    for html in (page, table):
        row = re.search(r'<tr data-criterion="[^"]+">(.*?)</tr>', html, re.S)
        assert row is not None and RATE.findall(row.group(1))[0] == rate
        if note is None:
            assert NOTE not in html
        else:
            assert note in html and "failed" in row.group(1)


def test_birth_years_are_never_grouped(tmp_path: Path) -> None:
    """XMC-3's "Năm sinh" column printed "2.008"; now "2008" in the PDF text and a plain
    "0" number format in the XLSX, still a number."""
    from phocap.numbers import Year
    from phocap.reports.model import shown

    form = Form(code="XMC-3", title="Biết chữ", year=2023, unit_code="03319", headings=(),
                columns=(Column("label", ("Tuổi",)), Column("birth_year", ("Năm sinh",)),
                         Column("people", ("Số người",))),
                rows=(Row("15", {"label": "15", "birth_year": Year(2008), "people": 14804}),))
    assert (shown(Year(2008)), shown(14804)) == ("2008", "14.804")
    sheet = openpyxl.load_workbook(io.BytesIO(
        write_forms([form], tmp_path / "f.xlsx").read_bytes())).active
    year_cell, people_cell = sheet.cell(sheet.max_row, 2), sheet.cell(sheet.max_row, 3)
    assert (year_cell.value, year_cell.number_format) == (2008, "0")
    assert (people_cell.value, people_cell.number_format) == (14804, "#,##0")
