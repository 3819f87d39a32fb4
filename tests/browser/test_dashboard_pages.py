"""The trend and mobilisation pages in headless Chromium, at 1366x768 and 390x844.

The demo commune's 2021 file is imported and the year 2022 opened from it (the
register's roll-over), so the trends have two survey years. The district's
reviewer opens the trends and the mobilisation pages from the district's page,
then enters the plan target for 6–10-year-olds in primary with the keyboard
alone and sees the difference to the plan appear. Each page is photographed at
both sizes and checked for sideways overflow and a visible heading
(conftest.Camera).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import (
    MISSING,
    PASSWORD,
    SCREENSHOTS,
    SKIP_REASON,
    YEAR,
    Camera,
    CommuneFiles,
)
from tests.browser.test_journey import click_link, log_in, wait_for, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]

PRIMARY = "mobilisation.primary_6_10"


@pytest.fixture
def two_years(units: dict[str, Any], accounts: dict[str, Any],
              commune_files: CommuneFiles) -> dict[str, Any]:
    """The commune's 2021 file in the register, 2022 opened from it, the district reviewer."""
    from phocap.accounts.models import Role, User
    from phocap.register.importing import load
    from phocap.register.rollover import open_year
    from phocap.survey.validate import validate

    checked = validate(commune_files.good, keep_records=True)
    assert checked.records is not None
    load(checked.records)
    open_year(accounts["staff"], units["commune"], YEAR)
    return accounts | {"district": User.objects.create_user(
        username="huyen", password=PASSWORD, role=Role.DISTRICT_REVIEWER,
        unit=units["district"])}


def row(driver: Any, key: str) -> Any:
    return driver.find_element(By.CSS_SELECTOR, f'table.mobilisation tr[data-indicator="{key}"]')


def test_trends_and_mobilisation_read_at_both_sizes_and_a_target_is_entered_by_keyboard(
        live_server: Any, browser: Any, two_years: dict[str, Any],
        units: dict[str, Any]) -> None:
    from phocap.dashboard.compare import Comparison

    camera = Camera(browser, "dashboard")
    base = live_server.url
    log_in(browser, base, "huyen")
    wait_for_text(browser, units["district"].name)

    click_link(browser, "Xu hướng qua các năm")
    wait_for_text(browser, "Xu hướng qua các năm điều tra", 120)
    wait_for_text(browser, f"2 năm điều tra, từ {YEAR} đến {YEAR + 1}")
    charts = browser.find_elements(By.CSS_SELECTOR, "main svg.chart")
    assert len(charts) >= 3 and all(c.size["width"] > 0 for c in charts)
    camera.shoot("trends")

    # Printed: every line black, the series still apart by their dash patterns.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        strokes = browser.execute_script(
            "return Array.from(document.querySelectorAll('svg.chart .line'))"
            ".map(e => getComputedStyle(e).stroke)")
        assert strokes and set(strokes) == {"rgb(0, 0, 0)"}
        dashes = browser.execute_script(
            "return Array.from(document.querySelectorAll('#mobilisation-chart svg .line'))"
            ".map(e => e.getAttribute('stroke-dasharray'))")
        assert len(dashes) >= 2 and len(set(dashes)) == len(dashes)
        browser.save_screenshot(str(SCREENSHOTS / "dashboard-trends-print.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    click_link(browser, "Huy động so với kế hoạch")
    wait_for(browser, lambda d: d.find_elements(By.ID, "targets-form"), 120, "the targets form")
    camera.shoot("mobilisation")
    cells = row(browser, PRIMARY).find_elements(By.TAG_NAME, "td")
    numerator, denominator = int(cells[1].text), int(cells[2].text)
    assert denominator > 0
    assert row(browser, PRIMARY).find_element(By.CSS_SELECTOR, ".difference").text == (
        "chưa đặt kế hoạch")

    # A target two points under the rate, rounded down to a whole percent, typed in.
    target = Decimal(int(numerator * 100 / denominator) - 2)
    field = browser.find_element(By.NAME, PRIMARY)
    field.click()
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(str(target), Keys.ENTER)
    wait_for_text(browser, f"Đã lưu kế hoạch năm {YEAR + 1}")
    difference = row(browser, PRIMARY).find_element(By.CSS_SELECTOR, ".difference")
    points = Comparison(numerator, denominator, target).points
    assert points is not None and points > 0
    assert difference.text.startswith("cao hơn kế hoạch ")
    assert difference.get_attribute("data-sign") == "above"
    camera.shoot("mobilisation-with-target")

    # The commune below follows the district's plan and says so.
    browser.find_element(By.CSS_SELECTOR, "table.children a").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "inherited-note"), 60, "the inherited note")
    assert units["district"].name in browser.find_element(By.ID, "inherited-note").text
    camera.shoot("mobilisation-commune")
