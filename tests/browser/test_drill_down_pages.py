"""The drill-down and the forms in headless Chromium: province → district → commune →
village, then the commune's and the district's official forms, as a province reviewer.

Each page is photographed at 1366x768 and 390x844 and checked for sideways
overflow and a visible heading (conftest.Camera); the forms page must report the
forms consistent with each other and with the engine.
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import MISSING, PASSWORD, SKIP_REASON, YEAR, Camera, CommuneFiles
from tests.browser.test_journey import click_link, log_in, wait_for, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]


@pytest.fixture
def province_reviewer(units: dict[str, Any], commune_files: CommuneFiles) -> Any:
    """The commune's file in the register, and a reviewer of its province."""
    from phocap.accounts.models import Role, User
    from phocap.register.importing import load
    from phocap.survey.validate import validate

    checked = validate(commune_files.good, keep_records=True)
    assert checked.records is not None
    load(checked.records)
    return User.objects.create_user(username="tinh", password=PASSWORD,
                                    role=Role.PROVINCE_REVIEWER, unit=units["province"])


def heading(browser: Any) -> str:
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"), 30, "a heading")
    return str(browser.find_element(By.CSS_SELECTOR, "main h1").text)


def test_a_province_reviewer_drills_down_to_the_village_and_reads_the_forms(
        live_server: Any, browser: Any, units: dict[str, Any], province_reviewer: Any) -> None:
    base = live_server.url
    camera = Camera(browser, "drill-down")
    province, district, commune = units["province"], units["district"], units["commune"]
    log_in(browser, base, "tinh")
    browser.get(f"{base}/units/{province.pk}/?year={YEAR}")
    assert province.name in heading(browser)
    camera.shoot("province")
    click_link(browser, district.name)
    assert district.name in heading(browser)
    camera.shoot("district")
    browser.get(f"{base}/units/{district.pk}/results/?year={YEAR}")
    heading(browser)
    camera.shoot("district-results")
    browser.get(f"{base}/units/{commune.pk}/results/?year={YEAR}")
    wait_for_text(browser, "Theo thôn/xóm")
    camera.shoot("commune-results-villages")

    click_link(browser, "Biểu mẫu thống kê")
    wait_for_text(browser, "Các biểu khớp với nhau")
    camera.shoot("commune-forms")
    click_link(browser, "TH-M1")
    assert "PHỔ CẬP GIÁO DỤC TIỂU HỌC" in heading(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "table.official th[colspan]")
    camera.shoot("commune-form-th-m1")
    browser.get(f"{base}/units/{district.pk}/forms/?year={YEAR}")
    wait_for_text(browser, "Các biểu khớp với nhau")
    click_link(browser, "TH-02")
    assert commune.name in browser.find_element(By.CSS_SELECTOR, "table.official").text
    camera.shoot("district-form-th-02")
