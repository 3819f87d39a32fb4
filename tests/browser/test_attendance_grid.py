"""A homeroom teacher takes a 30-pupil class's day with the keyboard alone, in headless
Chromium, then reads the at-risk list with its reasons.

The teacher signs in with the keyboard (test_journey.log_in), opens their
homeroom page, follows the link to the day's grid with Enter, and marks pupils
4 and 17 absent without leave (K), pupil 9 absent with leave (2), moves with ↓
and once with Tab, and saves the whole day with Enter: one request. The wall
time from the grid's loading to the confirmation must stay under a minute, and
the database must hold exactly that day. Pages are photographed at desktop and
phone size and checked for sideways overflow (conftest.Camera).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import MISSING, PASSWORD, SKIP_REASON, Camera
from tests.browser.test_journey import log_in, wait_for, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]

SCHOOL_YEAR = 2021
LAST_DAY = dt.date(2022, 5, 31)  # the grid opens on the last school day up to today


@pytest.fixture
def homeroom(django_db_reset_sequences: Any) -> dict[str, Any]:
    """A commune with a school, its class 6A of 30 pupils and the class's teacher's login;
    pupil 1 repeats grade 6 two years over age (on the at-risk list)."""
    from django.core.cache import cache

    from phocap.accounts.models import Role, User
    from phocap.register.models import AdministrativeUnit, Village
    from phocap.schools.models import Enrolment, School, SchoolClass, Staff

    cache.clear()

    def unit(code: str, type_: str, parent: Any = None) -> Any:
        return AdministrativeUnit.objects.create(vintage="2025-01-04", code=code,
                                                 name=f"{type_} {code}", type=type_,
                                                 kind=type_, parent=parent)

    commune = unit("03319", "commune", unit("100", "district", unit("11", "province")))
    village = Village.objects.create(commune=commune, name="Bản Mới")
    school = School.objects.create(code="THCS1", name="Trường THCS Mường Pồn",
                                   level="lower_secondary", commune=commune)
    user = User.objects.create_user(username="gvcn", password=PASSWORD,
                                    role=Role.SCHOOL_STAFF, unit=commune)
    teacher = Staff.objects.create(school=school, full_name="Lò Thị Hoa", role="teacher",
                                   user=user)
    klass = SchoolClass.objects.create(school=school, school_year=SCHOOL_YEAR, name="6A",
                                       grade="6", homeroom=teacher)
    pupils = [Enrolment.objects.create(
        klass=klass, pupil_no=n, full_name=f"Quàng Văn Số {n}", sex="nam", village=village,
        birth_year=2008 if n == 1 else 2010, repeating=n == 1) for n in range(1, 31)]
    return {"klass": klass, "pupils": pupils, "user": user}


def test_a_class_day_by_keyboard_in_under_a_minute(live_server: Any, browser: Any,
                                                   homeroom: dict[str, Any]) -> None:
    from phocap.attendance.models import Absence, ClassDay
    from phocap.register.models import AuditEntry

    camera = Camera(browser, "attendance")
    log_in(browser, live_server.url, "gvcn")
    browser.get(f"{live_server.url}/attendance/mine/")
    wait_for_text(browser, "Lớp chủ nhiệm của Lò Thị Hoa")
    assert "Đang lưu ban" in browser.page_source and "Quá tuổi 2 năm" in browser.page_source
    camera.shoot("homeroom")

    link = browser.find_element(By.PARTIAL_LINK_TEXT, "Điểm danh ngày")
    link.send_keys(Keys.ENTER)
    wait_for(browser, lambda d: d.find_elements(By.ID, "attendance-grid"), 30, "the grid")
    started = time.monotonic()
    assert browser.switch_to.active_element.get_attribute("name") == \
        f"s-{homeroom['pupils'][0].pk}", "the first pupil has the focus"
    keys: list[str] = []
    for n in range(1, 31):
        keys.append({4: "k", 17: "K", 9: "2", 2: Keys.TAB}.get(n, Keys.ARROW_DOWN))
    keys.append(Keys.ENTER)
    ActionChains(browser).send_keys(*keys).perform()
    wait_for_text(browser, "Đã lưu chuyên cần lớp 6A ngày 31/05/2022: 27 có mặt, "
                           "1 vắng có phép, 2 vắng không phép.", 60)
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"a class day took {elapsed:.1f} s"
    camera.shoot("grid-saved")

    pupils = homeroom["pupils"]
    assert dict(Absence.objects.values_list("enrolment_id", "kind")) == {
        pupils[3].pk: "unexcused", pupils[16].pk: "unexcused", pupils[8].pk: "excused"}
    assert ClassDay.objects.filter(klass=homeroom["klass"], date=LAST_DAY).count() == 1
    assert AuditEntry.objects.filter(model="absence", user=homeroom["user"]).count() == 3

    browser.get(f"{live_server.url}/attendance/schools/{homeroom['klass'].school_id}/")
    wait_for_text(browser, "Học sinh có nguy cơ bỏ học")
    camera.shoot("school")
