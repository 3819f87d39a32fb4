"""No cold pages (issue 16), in Chromium: a commune officer imports the commune's file, the
worker warms the pages above it, and the district's first visitor finds them computed.

The worker's tasks run in the live server's process as soon as they are queued
(JOBS_INLINE, tests/settings.py), so the commit's request returns once the import
and the warming are done; here warming is on (the suite turns it off). Every compute
of an answer is counted in this process (the live server is a thread of it): the
district's results, forms and trends pages, opened for the first time, compute
nothing, and each opens within a second (timings printed, pytest -s). Then an edit
whose warming waits: the results page shows the last figures with the notice that
they are being updated, readable and covering nothing, and reloads itself to the new
figures once the worker has run.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By

from tests.browser.conftest import MISSING, PASSWORD, SKIP_REASON, YEAR, Camera, CommuneFiles
from tests.browser.test_journey import log_in, text_of, upload, wait_for, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]

UPDATING = "Số liệu đang cập nhật"
FIRST_OPEN_SECONDS = 1.0  # the bound for a warm page, here


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The answers computed in this process, the live server's included."""
    from tests.web.test_warm_pages import recording_computes

    return recording_computes(monkeypatch)


def opened(driver: Any, url: str, heading: str) -> float:
    """Open ``url``; the seconds from the request to the page loaded (Navigation Timing)."""
    driver.get(url)
    wait_for_text(driver, heading, 30)
    return float(driver.execute_script(
        "const n = performance.getEntriesByType('navigation')[0];"
        " return (n.loadEventEnd || n.domContentLoadedEventEnd) / 1000;"))


def test_the_districts_pages_are_warm_after_an_import_and_say_when_they_are_updated(
        live_server: Any, browser: Any, accounts: dict[str, Any], units: dict[str, Any],
        commune_files: CommuneFiles, settings: Any, computed: list[str]) -> None:
    from phocap.accounts.models import Role, User
    from phocap.register import editing, warming, worker
    from phocap.register.models import BackgroundTask, Person

    settings.WARM_PAGES = True
    base, district = live_server.url, units["district"]
    User.objects.create_user(username="huyen", password=PASSWORD, role=Role.DISTRICT_REVIEWER,
                             unit=district)

    # The commune's officer imports its file; the commit returns once it is warmed.
    log_in(browser, base, "xa")
    browser.get(f"{base}{reverse('import-new')}")
    wait_for_text(browser, "Tải tệp phiếu điều tra lên")
    upload(browser, commune_files.good)
    wait_for_text(browser, "Xem trước các thay đổi")
    browser.find_element(By.XPATH, "//button[normalize-space()='Ghi vào sổ']").click()
    wait_for_text(browser, "Đã ghi vào sổ lúc")
    tasks = BackgroundTask.objects.filter(kind=warming.WARM.name)
    wait_for(browser, lambda _: not tasks.exclude(status=BackgroundTask.Status.DONE).exists(),
             120, "the warming to end")
    # (Run as soon as queued, each raise of the commune's revision warmed it: nothing waited.)
    assert set(tasks.values_list("subject", flat=True)) == {units["commune"].pk}

    # The district's first visitor: three pages, nothing computed, each within a second.
    browser.delete_all_cookies()
    log_in(browser, base, "huyen")
    computed.clear()
    timings = {}
    for name, heading in (("unit-results", "Kết quả phổ cập – xóa mù chữ"),
                          ("unit-forms", "Biểu mẫu thống kê"),
                          ("dashboard-trends", "Xu hướng qua các năm điều tra")):
        url = f"{base}{reverse(name, args=[district.pk])}?year={YEAR}"
        timings[name] = opened(browser, url, heading)
        assert UPDATING not in text_of(browser), name
    print("first open, warm (s):", {k: round(v, 3) for k, v in timings.items()})
    assert computed == [], "a page computed what the worker should have"
    slow = {k: v for k, v in timings.items() if v >= FIRST_OPEN_SECONDS}
    assert not slow, f"warm pages opened in {slow} s"

    # An edit whose warming waits for the worker: the last figures, said to be updating.
    settings.JOBS_INLINE = False
    commune = units["commune"]
    officer = User.objects.get(username="xa")
    person = Person.objects.filter(household__commune=commune,
                                   years__survey_year=YEAR).order_by("pk").first()
    assert person is not None
    editing.move(officer, person.pk, person.version, YEAR, "moved_out",
                 day=dt.date(YEAR, 3, 1), place="xã Mường Phăng")
    queued = tasks.filter(status=BackgroundTask.Status.QUEUED)
    assert list(queued.values_list("subject", flat=True)) == [commune.pk]
    computed.clear()
    browser.get(f"{base}{reverse('unit-results', args=[district.pk])}?year={YEAR}")
    wait_for_text(browser, UPDATING, 30)
    notice = browser.find_element(By.ID, "updating")
    assert notice.is_displayed() and computed == []
    Camera(browser, "warm").shoot("results-updating")

    # The worker runs; the page reloads itself (every 5 s) to the new figures.
    worker.run_inline(queued.get().pk)
    assert computed.count("results") == 3  # the commune, the district, the province
    computed.clear()
    started = time.monotonic()
    wait_for(browser, lambda d: UPDATING not in text_of(d), 30, "the page to reload fresh")
    print(f"fresh figures shown {time.monotonic() - started:.1f} s after the worker ended")
    wait_for_text(browser, "Kết quả phổ cập – xóa mù chữ")
    assert computed == []  # the page read what the worker computed
