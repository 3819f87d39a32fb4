"""A commune of twenty villages uploaded as the ministry's workbooks, in headless Chromium.

The officer picks the twenty files at once in the file input, and reads the preview
village by village, at 1366x768 and 390x844 with nothing overflowing (Camera).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import MISSING, SKIP_REASON, YEAR, Camera
from tests.browser.test_journey import click_link, log_in, text_of, wait_for, wait_for_text
from tests.web.import_helpers import village_workbooks

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]


def test_twenty_villages_previewed_on_a_desk_and_a_phone(
        live_server: Any, browser: Any, accounts: dict[str, Any], tmp_path: Path) -> None:
    camera = Camera(browser, "villages")
    files = village_workbooks(tmp_path / "xa")
    log_in(browser, live_server.url, "xa")
    click_link(browser, "Nhập dữ liệu")
    click_link(browser, "Tải tệp lên")
    wait_for_text(browser, "Xã nhập")
    year = browser.find_element(By.ID, "id_survey_year")
    year.clear()
    year.send_keys(str(YEAR))
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(
        "\n".join(str(p) for p in files))
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(browser, lambda d: "/imports/new/" not in d.current_url, 60, "the upload")
    wait_for_text(browser, "Xem trước các thay đổi", timeout=120)
    assert "Nhập 20 tệp" in text_of(browser)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.by-village tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows] == [
        f"Bản {i}" for i in range(1, 21)]  # in the files' order
    assert {r.find_elements(By.TAG_NAME, "td")[1].text: r.find_elements(By.TAG_NAME, "td")[2]
            .text for r in rows}["Bản 5"] == "3"
    camera.shoot("preview")
