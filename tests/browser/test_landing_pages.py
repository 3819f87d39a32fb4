"""Each role lands on its work, in headless Chromium (issue 14, item 4).

A district of two communes, each with a school and a class 6A of 2021–2022: the
first took attendance on two days (one pupil absent without leave once, 3 of 4
pupil-days present), the second took none. The homeroom teacher of the first signs
in and lands on their class's grid on the last school day (today is past the school
year, and the page says so), then follows the link to the school's at-risk list.
The district's reviewer lands on the district with the dossier waiting for them,
opens the district's attendance by commune and their decided dossiers; the ministry
lands on national totals by province. Each page is photographed at 1366×768 and
390×844 and checked (conftest.Camera).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import MISSING, PASSWORD, SKIP_REASON, Camera
from tests.browser.test_journey import log_in, wait_for, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]

SCHOOL_YEAR = 2021


@pytest.fixture
def district(transactional_db: Any) -> dict[str, Any]:
    from django.core.cache import cache

    from phocap.accounts.models import Role, User
    from phocap.attendance.models import Absence, ClassDay
    from phocap.recognition.models import Dossier
    from phocap.register.models import AdministrativeUnit, Village
    from phocap.schools.models import Enrolment, School, SchoolClass, Staff

    cache.clear()

    def unit(code: str, type_: str, name: str, parent: Any = None) -> Any:
        return AdministrativeUnit.objects.create(vintage="2025-01-04", code=code, name=name,
                                                 type=type_, kind=type_, parent=parent)

    province = unit("11", "province", "Tỉnh Điện Biên")
    huyen = unit("100", "district", "Huyện Điện Biên", province)
    communes = [unit("03319", "commune", "Xã Mường Pồn", huyen),
                unit("03322", "commune", "Xã Thanh Nưa", huyen)]
    classes = []
    for n, commune in enumerate(communes, start=1):
        village = Village.objects.create(commune=commune, name=f"Bản {n}")
        school = School.objects.create(code=f"THCS{n}", name=f"Trường THCS {commune.name[3:]}",
                                       level="lower_secondary", commune=commune)
        klass = SchoolClass.objects.create(school=school, school_year=SCHOOL_YEAR, name="6A",
                                           grade="6")
        for p in (1, 2):
            Enrolment.objects.create(klass=klass, pupil_no=p, full_name=f"Quàng Văn Số {n}{p}",
                                     sex="nam", village=village, repeating=p == 2,
                                     birth_year=2008 if p == 2 else 2010)
        classes.append(klass)
    teacher = User.objects.create_user(username="gvcn", password=PASSWORD,
                                       role=Role.SCHOOL_STAFF, unit=communes[0])
    classes[0].homeroom = Staff.objects.create(school=classes[0].school,
                                               full_name="Lò Thị Hoa", role="teacher",
                                               user=teacher)
    classes[0].save()
    for day in (dt.date(2021, 9, 6), dt.date(2021, 9, 7)):
        ClassDay.objects.create(klass=classes[0], date=day)
    Absence.objects.create(enrolment=classes[0].pupils.get(pupil_no=2),
                           date=dt.date(2021, 9, 7), kind="unexcused")
    User.objects.create_user(username="huyen", password=PASSWORD,
                             role=Role.DISTRICT_REVIEWER, unit=huyen)
    User.objects.create_user(username="bo", password=PASSWORD, role=Role.MINISTRY_VIEWER)
    waiting = Dossier.objects.create(
        unit=communes[1], standard="primary", survey_year=2021, level_claimed=1,
        status=Dossier.Status.SUBMITTED,
        snapshot={"ruleset": "nd20-2014", "year": 2021, "level": 1,
                  "result": {"level": 1, "criteria": []}})
    return {"district": huyen, "classes": classes, "waiting": waiting}


def test_each_role_lands_on_its_work(live_server: Any, browser: Any,
                                     district: dict[str, Any]) -> None:
    camera = Camera(browser, "landings")
    base = live_server.url
    klass = district["classes"][0]

    log_in(browser, base, "gvcn")
    wait_for(browser, lambda d: f"/attendance/classes/{klass.pk}/" in d.current_url, 30,
             "the teacher's class grid")
    wait_for_text(browser, "Chuyên cần lớp 6A")
    # Today is 31/05/2022 under the browser tests' stopped clock (clock.py), a day the class
    # keeps: the grid opens on it, with no "nearest school day" note (tests/web/test_landings.py
    # has the day without school).
    assert "31/05/2022" in browser.find_element(By.TAG_NAME, "h1").text + browser.page_source
    assert not browser.find_elements(By.ID, "nearest-day")
    camera.shoot("teacher-class-today")
    browser.find_element(By.PARTIAL_LINK_TEXT, "nguy cơ bỏ học của trường").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "at-risk"), 30, "the at-risk list")
    assert "Quàng Văn Số 12" in browser.page_source
    camera.shoot("teacher-at-risk")

    browser.delete_all_cookies()
    log_in(browser, base, "huyen")
    wait_for(browser, lambda d: d.find_elements(By.ID, "tasks"), 30, "what waits for the district")
    tasks = browser.find_element(By.ID, "tasks").text
    assert "Chờ bạn xét" in tasks and "Xã Thanh Nưa" in tasks
    camera.shoot("district-home")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Chuyên cần, nguy cơ bỏ học").click()
    wait_for(browser, lambda d: d.find_elements(By.ID, "attendance-rates"), 60,
             "the district's attendance by commune")
    assert "1/2 lớp đã điểm danh" in browser.find_element(By.ID, "coverage").text
    rates = browser.find_element(By.ID, "attendance-rates").text
    assert "Xã Mường Pồn" in rates and "75,00%" in rates
    counts = browser.find_element(By.ID, "at-risk-counts").text
    assert "Huyện Điện Biên 2" in counts.replace("\n", " ")
    camera.shoot("district-attendance")
    browser.get(f"{base}/recognition/decided/")
    wait_for_text(browser, "Hồ sơ đã quyết định")
    camera.shoot("district-decided")

    browser.delete_all_cookies()
    log_in(browser, base, "bo")
    wait_for(browser, lambda d: "/national/" in d.current_url, 30, "the national totals")
    wait_for_text(browser, "toàn quốc theo tỉnh")
    camera.shoot("ministry-national")
