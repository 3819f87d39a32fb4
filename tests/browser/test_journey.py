"""A commune officer's day in headless Chromium, end to end against the live server.

Log in with the keyboard, upload the commune's file with one error and read the
error (file, row, column, value, Vietnamese message), upload the corrected
file, read the preview, commit, find a household with the search box, open a
15–18-year-old who dropped out, record the lower-secondary diploma they earned
later, and see the commune's results count one more graduate. A second test
opens the same person in two windows and checks that the stale save is refused.

Everything goes through the pages (forms, htmx, background import threads) and
the same database the engine reads, so these are the tests that fail when the
pieces do not fit together even though each works on its own.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
import pytest
from django.urls import reverse
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import MISSING, PASSWORD, SKIP_REASON, YEAR, Camera, CommuneFiles

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]

STALE = "Người này vừa được người khác sửa sau khi bạn mở biểu mẫu"
GRADUATES = re.compile(r"lower_secondary\.\d\.graduates")


def wait_for(driver: Any, condition: Any, timeout: float = 60, what: str = "") -> Any:
    """Poll ``condition``; a page that reloads meanwhile (htmx's HX-Refresh) is polled again."""
    return WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=(
        StaleElementReferenceException, NoSuchElementException)).until(
        condition, message=f"waited {timeout} s for {what or condition} on {driver.current_url}")


def text_of(driver: Any) -> str:
    """The page's main text, read in one script call: finding the element and then asking
    for its text is two calls, and a page swapped in between (the upload's redirect, an
    htmx refresh) fails the second with an inspector error rather than a stale element."""
    return str(driver.execute_script(
        "const main = document.querySelector('main'); return main ? main.innerText : '';"))


def wait_for_text(driver: Any, text: str, timeout: float = 60) -> None:
    wait_for(driver, lambda d: text in text_of(d), timeout, f"“{text}”")


def click_link(driver: Any, text: str) -> None:
    driver.find_element(By.PARTIAL_LINK_TEXT, text).click()


def log_in(driver: Any, base: str, username: str, camera: Camera | None = None) -> None:
    """Through the form, with the keyboard only: type, Tab to the password, Enter."""
    driver.get(f"{base}/login/")
    wait_for_text(driver, "Đăng nhập")
    if camera is not None:
        camera.shoot("login")
    name = driver.find_element(By.ID, "id_username")
    name.click()
    name.send_keys(username, Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "id_password"
    driver.switch_to.active_element.send_keys(PASSWORD, Keys.ENTER)
    wait_for(driver, lambda d: "/login/" not in d.current_url, 30, "the login to go through")


def numerators(driver: Any) -> dict[str, int]:
    """Each criterion's numerator on the results page (rows marked data-criterion)."""
    rows = driver.find_elements(By.CSS_SELECTOR, "tr[data-criterion]")
    assert rows, "the results page lists no criteria"
    return {row.get_attribute("data-criterion"): int(row.find_elements(By.TAG_NAME, "td")[1]
                                                     .get_attribute("textContent").strip())
            for row in rows}


def upload(driver: Any, path: Any) -> None:
    year = driver.find_element(By.ID, "id_survey_year")
    year.clear()
    year.send_keys(str(YEAR))
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()


def dropped_out_teenager(files: CommuneFiles) -> dict[str, Any]:
    """A 15–18-year-old without the THCS diploma who left school: behind the graduates rate."""
    people = pl.from_arrow(files.records)
    assert isinstance(people, pl.DataFrame)
    born = people["birth_date"].str.extract(r"(\d{4})$").cast(pl.Int32)
    found = people.filter(born.is_between(YEAR - 18, YEAR - 15)
                          & pl.col("thcs_graduated").is_null()
                          & pl.col("current_class").is_null()
                          & pl.col("dropout_grade").is_not_null())
    assert found.height, "the synthetic commune has no dropped-out 15–18-year-old"
    return found.row(0, named=True)


def set_field(driver: Any, name: str, value: str) -> None:
    field = driver.find_element(By.ID, f"id_{name}")
    field.clear()
    if value:
        field.send_keys(value)


def test_commune_officer_imports_fixes_commits_edits_and_sees_results_change(
        live_server: Any, browser: Any, accounts: dict[str, Any],
        units: dict[str, Any], commune_files: CommuneFiles) -> None:
    camera = Camera(browser, "officer")
    from phocap.register.models import AuditEntry, Person

    base = live_server.url
    commune = units["commune"]
    log_in(browser, base, "xa", camera)
    assert browser.current_url.endswith(f"/units/{commune.pk}/")

    # The menu leads to the import pages; the file with one error is refused, and said why.
    click_link(browser, "Nhập dữ liệu")
    wait_for_text(browser, "Nhập dữ liệu phiếu điều tra")
    click_link(browser, "Tải tệp lên")
    wait_for_text(browser, "Tải tệp phiếu điều tra lên")
    camera.shoot("import-upload")
    upload(browser, commune_files.bad)
    wait_for_text(browser, "Kết quả kiểm tra")
    assert "1 lỗi" in text_of(browser)
    errors = [row for row in browser.find_elements(By.CSS_SELECTOR, "main tbody tr")
              if "Lỗi" in row.text]
    assert len(errors) == 1, [row.text for row in errors]
    cells = [c.text for c in errors[0].find_elements(By.TAG_NAME, "td")]
    file_name, _sheet, row, column, value, _severity, message = cells
    assert file_name == commune_files.bad.name
    assert row == str(commune_files.bad_row)
    assert column and value == commune_files.bad_value
    assert re.search(r"[ăâđêôơưạảấầẩậắằẳặẹẻếềểệịỉọỏốồổộớờởợụủứừửựỳỷỹ]", message), message
    assert str(YEAR) in message or "sau" in message, message
    assert not browser.find_elements(By.XPATH, "//button[normalize-space()='Ghi vào sổ']")
    camera.shoot("import-report")

    # The corrected file: a preview of 200 new people, then the commit.
    click_link(browser, "Tải tệp đã sửa lên")
    wait_for_text(browser, "Tải tệp phiếu điều tra lên")
    upload(browser, commune_files.good)
    wait_for_text(browser, "Xem trước các thay đổi")
    preview = browser.find_element(By.XPATH, "//th[normalize-space()='Người mới']/../td")
    assert preview.text == str(commune_files.records.num_rows)
    camera.shoot("import-preview")
    browser.find_element(By.XPATH, "//button[normalize-space()='Ghi vào sổ']").click()
    wait_for_text(browser, "Đã ghi vào sổ lúc")
    assert f"{commune_files.records.num_rows} người mới" in text_of(browser)
    camera.shoot("import-done")

    # The commune's page, then its results before the edit.
    click_link(browser, commune.name)
    wait_for(browser, lambda d: d.find_elements(By.ID, "household-list"), 30, "the commune")
    camera.shoot("commune")
    click_link(browser, "Kết quả phổ cập chi tiết")
    wait_for_text(browser, "Kết quả phổ cập – xóa mù chữ")
    before = numerators(browser)
    graduates = sorted(k for k in before if GRADUATES.fullmatch(k))
    assert graduates, sorted(before)
    camera.shoot("results")

    # Find the household with the search box (htmx swaps the list), open the teenager.
    target = dropped_out_teenager(commune_files)
    browser.back()
    search = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "input[type=search]"))
    search.send_keys(target["household_no"])
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#household-list tbody tr"))
             == 1, 30, "the search to leave one household")
    browser.find_element(By.LINK_TEXT, target["household_no"]).click()
    wait_for_text(browser, f"Hộ số {target['household_no']}")
    camera.shoot("household")
    browser.find_element(By.LINK_TEXT, target["full_name"]).click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "record-form"), 30, "the person's form")
    camera.shoot("person")

    # She finished lower secondary through continuing education in 2020.
    set_field(browser, "thcs_graduated", str(YEAR - 1))
    set_field(browser, "highest_grade", "9")
    set_field(browser, "dropout_grade", "")
    set_field(browser, "dropout_year", "")
    browser.find_element(By.CSS_SELECTOR, "#record-form button[type=submit]").click()
    wait_for_text(browser, f"Đã lưu {target['full_name']}")
    person = Person.objects.get(household__commune=commune,
                                household__household_no=target["household_no"],
                                person_no=int(target["person_no"]))
    assert person.years.get(survey_year=YEAR).thcs_graduated == YEAR - 1

    browser.get(f"{base}/units/{commune.pk}/results/?year={YEAR}")
    wait_for_text(browser, "Kết quả phổ cập – xóa mù chữ")
    after = numerators(browser)
    assert {k: after[k] - before[k] for k in graduates} == dict.fromkeys(graduates, 1)
    camera.shoot("results-after-edit")

    # The change is in the audit trail; the roll-over and duplicates pages open.
    browser.get(f"{base}/units/{commune.pk}/?year={YEAR}")
    click_link(browser, "Nhật ký thay đổi")
    wait_for_text(browser, f"Tốt nghiệp THCS: ∅ → {YEAR - 1}")
    assert AuditEntry.objects.filter(model="personyear", action="update").exists()
    camera.shoot("audit")
    browser.get(f"{base}/units/{commune.pk}/rollover/?year={YEAR}")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"), 30, "roll-over")
    camera.shoot("rollover")
    browser.get(f"{base}{reverse('duplicates', args=[commune.pk])}?year={YEAR}")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"), 30, "duplicates")
    camera.shoot("duplicates")


def test_province_admin_pages_read_on_a_phone(
        live_server: Any, browser: Any, accounts: dict[str, Any]) -> None:
    """The administrator's pages: accounts and the year's ĐBKK communes."""
    camera = Camera(browser, "admin")
    pages = [(name, reverse(name)) for name in ("admin-users", "admin-difficult")]
    log_in(browser, live_server.url, "quantri")
    for name, url in pages:
        browser.get(f"{live_server.url}{url}")
        wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"), 30, name)
        assert "/login/" not in browser.current_url
        camera.shoot(name)


def test_a_stale_edit_in_a_second_window_is_refused(
        live_server: Any, browser: Any, accounts: dict[str, Any],
        units: dict[str, Any], commune_files: CommuneFiles) -> None:
    camera = Camera(browser, "stale")
    from phocap.register import importing
    from phocap.register.models import Person
    from phocap.survey.validate import validate

    checked = validate(commune_files.good, year=YEAR, keep_records=True)
    assert checked.report.ok and checked.records is not None
    importing.load(checked.records)
    person = Person.objects.filter(household__commune=units["commune"]).order_by("pk").first()
    assert person is not None
    url = f"{live_server.url}/persons/{person.pk}/?year={YEAR}"

    log_in(browser, live_server.url, "xa")
    browser.get(url)
    wait_for(browser, lambda d: d.find_elements(By.ID, "record-form"), 30, "the form")
    first = browser.current_window_handle
    browser.switch_to.new_window("window")
    browser.get(url)
    wait_for(browser, lambda d: d.find_elements(By.ID, "record-form"), 30, "the second form")
    second = browser.current_window_handle

    browser.switch_to.window(first)
    set_field(browser, "full_name", f"{person.full_name} Anh")
    browser.find_element(By.CSS_SELECTOR, "#record-form button[type=submit]").click()
    wait_for_text(browser, f"Đã lưu {person.full_name} Anh")

    browser.switch_to.window(second)
    set_field(browser, "full_name", f"{person.full_name} Em")
    browser.find_element(By.CSS_SELECTOR, "#record-form button[type=submit]").click()
    wait_for_text(browser, STALE)
    assert browser.find_element(By.ID, "id_full_name").get_attribute("value").endswith(" Em")
    camera.shoot("stale-edit")
    assert Person.objects.get(pk=person.pk).full_name == f"{person.full_name} Anh"
