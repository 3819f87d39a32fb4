"""The recognition workflow in headless Chromium, end to end against the live server.

The commune (2021, so before the reorganisation: its district recognises it,
ND20 Art 31) submits its dossier; while it waits, the year's data are frozen
and an edit is refused with the reason; the district reviewer finds it in the
queue and returns it with a comment; the commune, its data unfrozen, fixes a
record and resubmits; the reviewer records the decision and downloads the
printable dossier (PDF, kept in test-artifacts/dossier/journey.pdf). The province
administrator, who does not review communes before 2025, finds nothing to act
on. Each page is photographed at 1366x768 and 390x844 and checked for sideways
overflow (conftest.Camera).
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import (
    MISSING,
    PASSWORD,
    SCREENSHOTS,
    SKIP_REASON,
    YEAR,
    Camera,
    CommuneFiles,
)
from tests.browser.test_journey import click_link, log_in, text_of, wait_for, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]

STANDARDS = ("primary", "lower_secondary", "literacy", "preschool_5")


@pytest.fixture
def registered(units: dict[str, Any], accounts: dict[str, Any],
               commune_files: CommuneFiles) -> dict[str, Any]:
    """The commune's file in the register, and the district's reviewer."""
    from phocap.accounts.models import Role, User
    from phocap.register.importing import load
    from phocap.survey.validate import validate

    checked = validate(commune_files.good, keep_records=True)
    assert checked.records is not None
    load(checked.records)
    return accounts | {"district": User.objects.create_user(
        username="huyen", password=PASSWORD, role=Role.DISTRICT_REVIEWER,
        unit=units["district"])}


def switch_user(driver: Any, base: str, username: str) -> None:
    driver.delete_all_cookies()
    log_in(driver, base, username)


def download(driver: Any, link: Any) -> bytes:
    """What a link downloads, fetched with the browser's session (headless Chromium keeps
    downloads out of reach)."""
    from urllib.request import Request, urlopen

    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = Request(str(link.get_attribute("href")), headers={"Cookie": cookies})
    with urlopen(request, timeout=60) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        return bytes(response.read())


def status(driver: Any) -> str:
    return str(driver.find_element(By.ID, "dossier-status").get_attribute("data-status"))


def test_commune_submits_reviewer_returns_commune_resubmits_reviewer_decides(
        live_server: Any, browser: Any, registered: dict[str, Any],
        units: dict[str, Any]) -> None:
    from phocap.recognition import workflow
    from phocap.recognition.models import Dossier
    from phocap.register.models import Person

    camera = Camera(browser, "recognition")
    base = live_server.url
    commune = units["commune"]
    levels = {key: workflow.snapshot_of(commune, key, YEAR)["level"] for key in STANDARDS}
    standard = max(STANDARDS, key=lambda key: levels[key])

    # The commune officer submits the dossier of the standard it does best in.
    log_in(browser, base, "xa")
    click_link(browser, "Công nhận")
    wait_for(browser, lambda d: d.find_elements(By.ID, "submit-form"), 30, "the submit form")
    camera.shoot("dossiers")
    Select(browser.find_element(By.ID, "id_standard")).select_by_value(standard)
    year = browser.find_element(By.ID, "id_survey_year")
    year.clear()
    year.send_keys(str(YEAR))
    if levels[standard] == 0:  # nothing computed: claim level 1 and say why
        browser.find_element(By.ID, "id_level").send_keys("1")
        browser.find_element(By.ID, "id_comment").send_keys("Số liệu bổ sung sau điều tra.")
    browser.find_element(By.CSS_SELECTOR, "#submit-form button[type=submit]").click()
    wait_for_text(browser, "Đã nộp hồ sơ.")
    assert status(browser) == "submitted"
    assert not browser.find_elements(By.ID, "review")  # the commune does not review itself
    camera.shoot("dossier-submitted")
    dossier = Dossier.objects.get(unit=commune, standard=standard, survey_year=YEAR)

    # The year is frozen: the person's record is shown read-only, the reason above it,
    # before anyone types (issue 14: the form stayed editable until "Lưu" was refused).
    person = Person.objects.filter(household__commune=commune).order_by("pk").first()
    assert person is not None
    browser.get(f"{base}/persons/{person.pk}/?year={YEAR}")
    wait_for(browser, lambda d: d.find_elements(By.ID, "frozen"), 30, "the frozen year's reason")
    assert "bị khóa" in browser.find_element(By.ID, "frozen").text
    assert not browser.find_elements(By.ID, "record-form")
    camera.shoot("person-frozen")
    # Outside its role the commune has no queue.
    browser.get(f"{base}/recognition/queue/")
    wait_for(browser, lambda d: "<h1>Không có quyền</h1>" in d.page_source, 30,
             "the refusal, in Vietnamese")

    # The district reviewer finds it in the queue and returns it with a comment.
    switch_user(browser, base, "huyen")
    click_link(browser, "Hồ sơ chờ xét")
    wait_for(browser, lambda d: d.find_elements(By.ID, "queue"), 30, "the queue")
    assert commune.name in text_of(browser)
    camera.shoot("queue")
    browser.find_element(By.CSS_SELECTOR, f"#queue a[href='/dossiers/{dossier.pk}/']").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "review"), 30, "the review forms")
    camera.shoot("dossier-review")
    browser.find_element(By.ID, "id_return_comment").send_keys("Thiếu biên bản kiểm tra.")
    browser.find_element(By.CSS_SELECTOR, "#return-form button[type=submit]").click()
    wait_for_text(browser, "Đã trả lại hồ sơ.")
    assert status(browser) == "returned"

    # The commune reads the comment, fixes the record (now allowed) and resubmits.
    switch_user(browser, base, "xa")
    browser.get(f"{base}/dossiers/{dossier.pk}/")
    wait_for_text(browser, "Thiếu biên bản kiểm tra.")
    browser.get(f"{base}/persons/{person.pk}/?year={YEAR}")
    wait_for(browser, lambda d: d.find_elements(By.ID, "record-form"), 30, "the person's form")
    browser.find_element(By.CSS_SELECTOR, "#record-form button[type=submit]").click()
    wait_for_text(browser, f"Đã lưu {person.full_name}")
    browser.get(f"{base}/dossiers/{dossier.pk}/")
    wait_for(browser, lambda d: d.find_elements(By.ID, "resubmit-form"), 30, "resubmission")
    camera.shoot("dossier-returned")
    comment = browser.find_element(By.ID, "id_resubmit_comment")
    comment.send_keys("Đã bổ sung biên bản.")
    comment.submit()
    wait_for_text(browser, "Đã nộp lại hồ sơ.")
    assert status(browser) == "submitted"

    # The reviewer records the decision at the level claimed.
    switch_user(browser, base, "huyen")
    browser.get(f"{base}/recognition/queue/?standard={standard}&year={YEAR}")
    browser.find_element(By.CSS_SELECTOR, f"#queue a[href='/dossiers/{dossier.pk}/']").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "decide-form"), 30, "the decision form")
    browser.find_element(By.ID, "id_decision_number").send_keys("125/QĐ-UBND")
    browser.find_element(By.ID, "id_signer").send_keys("Chủ tịch UBND huyện")
    if levels[standard] == 0:
        browser.find_element(By.ID, "id_decision_comment").send_keys("Kiểm tra thực tế đạt.")
    browser.find_element(By.CSS_SELECTOR, "#decide-form button[type=submit]").click()
    wait_for_text(browser, "Đã ghi quyết định.")
    assert status(browser) == "recognised"
    assert "125/QĐ-UBND" in text_of(browser)
    camera.shoot("dossier-decided")
    printed = download(browser, browser.find_element(By.ID, "dossier-pdf"))
    assert printed.startswith(b"%PDF")
    (SCREENSHOTS.parent / "dossier").mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "dossier" / "journey.pdf").write_bytes(printed)
    dossier.refresh_from_db()
    assert [e.action for e in dossier.events.all()] == ["submit", "return", "resubmit", "decide"]
    assert dossier.level_granted == dossier.level_claimed

    # The province administrator does not review a 2021 commune: no form, an empty queue.
    switch_user(browser, base, "quantri")
    browser.get(f"{base}/dossiers/{dossier.pk}/")
    wait_for(browser, lambda d: d.find_elements(By.ID, "dossier-status"), 30, "the dossier")
    assert not browser.find_elements(By.ID, "review")
    browser.get(f"{base}/recognition/queue/")
    wait_for_text(browser, "Không có hồ sơ nào chờ xét.")
