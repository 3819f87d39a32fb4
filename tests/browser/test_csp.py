"""The Content-Security-Policy in real headless Chromium: the main pages of each role
load without one violation, and what needs JavaScript still works under it.

The policy (settings.SECURE_CSP) refuses inline scripts, inline handlers and inline
styles. Each page is checked twice: Chromium's console (where it reports every
refusal) and a `securitypolicyviolation` listener installed before the page's own
scripts. Working under the policy means: htmx's requests go (an import's progress
is polled to its preview, the household search swaps the list), the selects that
submit their form on change do, sortable tables sort and the attendance grid runs.
Last, an inline style set on purpose must be reported, so the checks are known to see.

A second test is the finding itself: after Logout, Back must not show the household
again from the browser's cache (the pages carry Cache-Control: no-store).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import (
    MISSING,
    PASSWORD,
    SKIP_REASON,
    YEAR,
    CommuneFiles,
    new_driver,
)
from tests.browser.test_journey import click_link, log_in, upload, wait_for, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]

# Runs in every document before its own scripts (a DevTools script is not subject to the CSP).
SPY = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
  `${e.violatedDirective} blocked=${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def watched() -> Any:
    """Chromium (its console kept, conftest.new_driver) with the listener in every page."""
    driver = new_driver()
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SPY})
    try:
        yield driver
    finally:
        driver.quit()


def violations(driver: Any) -> list[str]:
    """The refusals reported since the last call: the console's, then the listener's."""
    console = [entry["message"] for entry in driver.get_log("browser")
               if "Content Security Policy" in entry["message"]]
    return console + list(driver.execute_script("return window.__cspViolations || []"))


def open_page(driver: Any, url: str, what: str) -> None:
    driver.get(url)
    assert_clean(driver, what)


def assert_clean(driver: Any, what: str) -> None:
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"), 60, what)
    assert "/login/" not in driver.current_url or what == "login", f"{what}: signed out"
    found = violations(driver)
    assert not found, f"{what} ({driver.current_url}): {found}"
    assert driver.execute_script("return typeof window.htmx") == "object", f"{what}: no htmx"


def log_out(driver: Any) -> None:
    driver.find_element(By.XPATH, "//button[normalize-space()='Đăng xuất']").click()
    wait_for(driver, lambda d: "/login/" in d.current_url, 30, "the logout")


@pytest.fixture
def people(units: dict[str, Any], accounts: dict[str, Any]) -> dict[str, Any]:
    """Besides the commune's staff and the province's administrator: the district's
    reviewer, and a homeroom teacher of a class of three pupils in the commune."""
    from phocap.accounts.models import Role, User
    from phocap.register.models import Village
    from phocap.schools.models import Enrolment, School, SchoolClass, Staff

    district = User.objects.create_user(username="huyen", password=PASSWORD,
                                        role=Role.DISTRICT_REVIEWER, unit=units["district"])
    teacher_login = User.objects.create_user(username="gvcn", password=PASSWORD,
                                             role=Role.SCHOOL_STAFF, unit=units["commune"])
    school = School.objects.create(code="THCS1", name="Trường THCS Mường Pồn",
                                   level="lower_secondary", commune=units["commune"])
    teacher = Staff.objects.create(school=school, full_name="Lò Thị Hoa", role="teacher",
                                   user=teacher_login)
    klass = SchoolClass.objects.create(school=school, school_year=YEAR, name="6A", grade="6",
                                       homeroom=teacher)
    village = Village.objects.create(commune=units["commune"], name="Bản Mới")
    for n in range(1, 4):
        Enrolment.objects.create(klass=klass, pupil_no=n, full_name=f"Quàng Văn Số {n}",
                                 sex="nam", village=village, birth_year=2010)
    return accounts | {"district": district, "teacher": teacher_login}


def test_the_main_pages_of_each_role_run_under_the_policy(
        live_server: Any, watched: Any, people: dict[str, Any], units: dict[str, Any],
        commune_files: CommuneFiles) -> None:
    driver, base = watched, live_server.url
    commune, district = units["commune"], units["district"]

    open_page(driver, f"{base}/login/", "login")
    log_in(driver, base, "xa")
    assert_clean(driver, "the commune's page, first")

    # An import: the upload, its progress polled by htmx up to the preview, the commit.
    open_page(driver, f"{base}{reverse('import-new')}", "upload")
    upload(driver, commune_files.good)
    wait_for_text(driver, "Xem trước các thay đổi", 120)
    assert_clean(driver, "the import's preview")
    driver.find_element(By.XPATH, "//button[normalize-space()='Ghi vào sổ']").click()
    wait_for_text(driver, "Đã ghi vào sổ lúc", 120)
    assert_clean(driver, "the committed import")

    # The household search swaps the list through htmx.
    open_page(driver, f"{base}/units/{commune.pk}/?year={YEAR}", "the commune")
    rows = "#household-list tbody tr"
    before = len(driver.find_elements(By.CSS_SELECTOR, rows))
    household_no = str(commune_files.records["household_no"][0])
    driver.find_element(By.CSS_SELECTOR, "input[type=search]").send_keys(household_no)
    wait_for(driver, lambda d: 0 < len(d.find_elements(By.CSS_SELECTOR, rows)) < before, 30,
             "htmx to swap in the searched household")
    assert not violations(driver)
    driver.find_element(By.LINK_TEXT, household_no).click()
    wait_for_text(driver, f"Hộ số {household_no}")
    assert_clean(driver, "the household")
    driver.find_element(By.CSS_SELECTOR, "main a[href*='/persons/']").click()
    wait_for(driver, lambda d: d.find_elements(By.ID, "record-form"), 30, "the person")
    assert_clean(driver, "the person")

    for name in ("unit-results", "unit-forms", "dossier-list"):
        open_page(driver, f"{base}{reverse(name, args=[commune.pk])}?year={YEAR}", name)

    # A select that submits its form when changed (no inline onchange under the policy).
    open_page(driver, f"{base}{reverse('unit-audit', args=[commune.pk])}", "the audit")
    Select(driver.find_element(By.NAME, "action")).select_by_index(1)
    wait_for(driver, lambda d: "action=" in d.current_url, 30, "the filter to submit itself")
    assert_clean(driver, "the filtered audit")
    Select(driver.find_element(By.NAME, "language")).select_by_value("en")
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en",
             30, "the language to switch")
    assert_clean(driver, "the audit in English")
    Select(driver.find_element(By.NAME, "language")).select_by_value("vi")
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi",
             30, "the language to switch back")
    log_out(driver)

    log_in(driver, base, "huyen")
    open_page(driver, f"{base}/units/{district.pk}/?year={YEAR}", "the district")
    header = driver.find_element(By.CSS_SELECTOR, "table.sortable th")
    header.click()
    assert header.get_attribute("aria-sort") == "ascending", "sort.js did not run"
    for name in ("dashboard-trends", "dashboard-mobilisation"):
        open_page(driver, f"{base}{reverse(name, args=[district.pk])}?year={YEAR}", name)
    open_page(driver, f"{base}{reverse('queue')}", "the review queue")
    log_out(driver)

    log_in(driver, base, "quantri")
    for name in ("admin-users", "admin-difficult", "two-factor"):
        open_page(driver, f"{base}{reverse(name)}", name)
    log_out(driver)

    log_in(driver, base, "gvcn")
    open_page(driver, f"{base}{reverse('attendance-mine')}", "the homeroom")
    click_link(driver, "Điểm danh ngày")
    wait_for(driver, lambda d: d.find_elements(By.ID, "attendance-grid"), 30, "the grid")
    assert_clean(driver, "the attendance grid")
    assert driver.switch_to.active_element.get_attribute("name").startswith("s-"), (
        "grid.js did not put the focus on the first pupil")

    # The checks see a refusal when there is one.
    driver.execute_script("document.querySelector('main').setAttribute('style', 'color: red')")
    wait_for(driver, lambda d: d.execute_script("return window.__cspViolations.length"), 10,
             "the listener to report the inline style")
    reported = violations(driver)
    assert any("style-src" in line for line in reported), reported


def test_back_after_logout_does_not_show_the_household_again(
        live_server: Any, watched: Any, units: dict[str, Any], accounts: dict[str, Any],
        commune_files: CommuneFiles) -> None:
    from phocap.register.importing import load
    from phocap.register.models import Household
    from phocap.survey.validate import validate

    checked = validate(commune_files.good, keep_records=True)
    assert checked.records is not None
    load(checked.records)
    household = Household.objects.order_by("household_no").first()
    assert household is not None
    head = household.members.order_by("person_no")[0].full_name

    driver, base = watched, live_server.url
    log_in(driver, base, "xa")
    driver.get(f"{base}/households/{household.pk}/")
    wait_for_text(driver, head)
    log_out(driver)
    driver.back()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"), 30, "the page")
    assert "/login/" in driver.current_url, driver.current_url
    assert head not in driver.find_element(By.TAG_NAME, "main").text
