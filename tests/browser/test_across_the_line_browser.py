"""The present in the browser: a province whose 2025 was opened by the crossing (issue 15).

The world is tests/browser/line_world.py (every figure worked out there). The province's
reviewer lands on Tỉnh Điện Biên of the list of 1 July 2025, which opens on 2025, its
newest year with data; opens its 2025 results, then the merged Xã Thanh Nưa's trend over
2023–2025 (the years before 2025 its two predecessors' counts added up), then the
commune's MN-01-TE form of 2025 (Decree 277). Each page is checked and photographed at
1366x768 and 390x844 (conftest.Camera).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, MISSING, PHONE, SKIP_REASON, Camera, served
from tests.browser.line_world import LineWorld, build
from tests.browser.test_journey import log_in, text_of, wait_for
from tests.browser.test_role_journeys import FIND_LINK_JS, _stale

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON),
              pytest.mark.django_db]

PRIMARY = "mobilisation.primary_6_10"
# The year the page shows: its year picker's choice, or the year it names when it has only
# one (register/_year_picker.html).
YEAR_JS = """
const s = document.querySelector('main select[name=year]');
if (s) return s.options[s.selectedIndex].text.trim();
const main = document.querySelector('main') || document.body;
const m = main.innerText.match(/Năm điều tra (\\d{4})/);
return m ? m[1] : null;
"""
# A numbered row of the form (its "TT" cell) and the age headers of its columns.
FORM_ROW_JS = """
const norm = c => c.innerText.replace(/\\s+/g, ' ').trim();
const table = document.querySelector('main table.official');
const heads = [...table.tHead.rows].map(r => [...r.cells].map(norm))
  .find(cells => cells.includes('0 tuổi'));
for (const row of table.tBodies[0].rows) {
  const cells = [...row.cells].map(norm);
  if (cells[1] === arguments[0]) return [heads, cells.slice(cells.length - heads.length)];
}
return null;
"""
TREND_JS = """
const row = document.querySelector(`table.trend-table tr[data-row="${arguments[0]}"]`);
if (!row) return null;
const heads = [...row.closest('table').tHead.rows].pop().cells;
const norm = c => c.innerText.replace(/\\s+/g, ' ').trim();
return [[...heads].map(norm), [...row.cells].map(norm)];
"""


@dataclass
class Site:
    base: str
    world: LineWorld
    driver: Any
    camera: Camera


@pytest.fixture
def _django_db_helper(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The world is built once and committed for the module (as test_role_journeys.py
    does): no per-test transaction for the live server's thread to wait on."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Site]:
    with served(django_db_blocker, build) as (base, world, driver):
        yield Site(base, world, driver, Camera(driver, "line"))


def _click(site: Site, text: str) -> None:
    link = site.driver.execute_script(FIND_LINK_JS, text, None)
    assert link is not None, f"no link “{text}” on {site.driver.current_url}"
    page = site.driver.find_element("tag name", "html")
    link.click()
    wait_for(site.driver, lambda d: _stale(page), 30, f"the page after “{text}”")
    wait_for(site.driver, lambda d: d.execute_script("return document.readyState") == "complete"
             and d.find_elements("css selector", "main h1, main table"), 30, "the page")


def _at_both_sizes(site: Site, check: Any) -> None:
    try:
        for metrics in (DESKTOP, PHONE):
            site.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            check()
    finally:
        site.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)


def test_the_province_in_2025_and_a_merged_communes_years_across_the_line(site: Site) -> None:
    driver, world = site.driver, site.world
    log_in(driver, site.base, "tinh")
    # The page after login: the province of the new list, on 2025, its newest year.
    assert driver.current_url.endswith(f"/units/{world.province.pk}/"), driver.current_url
    assert driver.execute_script(YEAR_JS) == "2025"

    _click(site, "Kết quả phổ cập chi tiết")

    def results() -> None:
        assert driver.execute_script(YEAR_JS) == "2025"
        shown = text_of(driver)
        assert "Kết quả phổ cập – xóa mù chữ: Tỉnh Điện Biên" in shown
        assert "Nghị định 277/2025/NĐ-CP" in shown  # preschool 3–5, from 2025
        assert "Xã Thanh Nưa" in shown

    _at_both_sizes(site, results)
    site.camera.shoot("province-results-2025")

    driver.get(f"{site.base}/units/{world.commune.pk}/")
    _click(site, "Xu hướng qua các năm")

    def trend() -> None:
        # 7/8 = 87,50% (2023), 6/7 = 85,71% (2024), 7/8 = 87,50% (2025): line_world.py.
        found = driver.execute_script(TREND_JS, PRIMARY)
        assert found is not None, "no row of 6–10-year-olds in primary"
        heads, cells = found
        assert heads[-3:] == ["2023", "2024", "2025"], heads
        assert cells[-3:] == ["87,50% 7/8", "85,71% 6/7", "87,50% 7/8"], cells
        assert "Xã Thanh Nưa, Xã Thanh Luông" in text_of(driver)  # what was summed

    _at_both_sizes(site, trend)
    site.camera.shoot("merged-commune-trends")


def test_the_merged_communes_mn_01_te_of_2025(site: Site) -> None:
    driver, world = site.driver, site.world
    driver.get(f"{site.base}/units/{world.commune.pk}/")
    if "/login" in driver.current_url:  # run alone, without the test above
        log_in(driver, site.base, "tinh")
        driver.get(f"{site.base}/units/{world.commune.pk}/")
    _click(site, "Biểu mẫu thống kê")
    _click(site, "MN-01-TE")

    def form() -> None:
        shown = text_of(driver)
        assert "Mẫu: MN-01-TE" in shown and "Xã: Xã Thanh Nưa" in shown
        assert "năm học 2025–2026" in shown
        # line_world.py: Nhỏ (born 2021) the one child of 4 and at school, 1/1; Bé (2019)
        # the one child of 6; the 0–5 total is Nhỏ alone.
        heads, cells = driver.execute_script(FORM_ROW_JS, "3")
        assert cells[heads.index("4 tuổi")] == "1" and cells[heads.index("6 tuổi")] == "1"
        assert cells[heads.index("0-5 tuổi")] == "1" and cells[heads.index("3 tuổi")] == "0"
        heads, cells = driver.execute_script(FORM_ROW_JS, "13")
        assert cells[heads.index("4 tuổi")] == "100,00%"

    _at_both_sizes(site, form)
    site.camera.shoot("merged-commune-mn-01-te")
