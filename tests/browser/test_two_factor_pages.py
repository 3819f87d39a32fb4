"""The second factor in headless Chromium, at 1366x768 and 390x844.

The province administrator opens the set-up page (the secret and the
otpauth:// URI, both long unbroken strings that must wrap on a phone),
confirms it with a code computed from the secret shown, signs out, signs in
again and meets the code page; a code for the next step opens the session.
Each page is photographed at both sizes and checked (conftest.Camera).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from phocap.accounts import totp
from tests.browser.conftest import MISSING, PASSWORD, SKIP_REASON, Camera
from tests.browser.test_journey import log_in, wait_for, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]


def type_code(driver: Any, code: str) -> None:
    field = driver.find_element(By.ID, "id_code")
    field.clear()
    field.send_keys(code, Keys.ENTER)


def test_setting_up_and_signing_in_with_a_code_read_at_both_sizes(
        live_server: Any, browser: Any, accounts: dict[str, Any]) -> None:
    camera = Camera(browser, "two-factor")
    base = live_server.url
    admin = accounts["admin"].username
    log_in(browser, base, admin)

    browser.get(f"{base}/account/two-factor/")
    wait_for_text(browser, "Cài một ứng dụng xác thực")
    assert browser.find_element(By.LINK_TEXT, "Xác thực hai lớp")  # in the header
    browser.find_element(By.TAG_NAME, "summary").click()
    uri = browser.find_element(By.ID, "totp-uri").text
    secret = browser.find_element(By.ID, "totp-secret").text.replace(" ", "")
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    camera.shoot("enrol")

    key = totp.decode(secret)
    # The server's clock, stopped for the browser tests (tests/browser/clock.py).
    now = timezone.now().timestamp()
    # The previous step's code (accepted: a phone's clock may lag), so that the current
    # step's code is still unused for signing in below.
    type_code(browser, totp.totp(key, now - totp.STEP))
    wait_for_text(browser, "Đã bật xác thực hai lớp")
    camera.shoot("enabled")

    browser.find_element(By.XPATH, "//button[contains(., 'Đăng xuất')]").click()
    wait_for(browser, lambda d: d.current_url.endswith("/login/"), 30, "the login page")
    browser.get(f"{base}/login/?next=/account/two-factor/")
    browser.find_element(By.ID, "id_username").send_keys(admin, Keys.TAB)
    browser.switch_to.active_element.send_keys(PASSWORD, Keys.ENTER)
    wait_for(browser, lambda d: d.current_url.endswith("/login/code/"), 30, "the code page")
    wait_for_text(browser, "Tài khoản này dùng xác thực hai lớp")
    camera.shoot("code")

    type_code(browser, totp.totp(key, now))
    wait_for(browser, lambda d: d.current_url.endswith("/account/two-factor/"), 30,
             "the session to open where the user was going")
    wait_for_text(browser, "Đã bật: mỗi lần đăng nhập")
