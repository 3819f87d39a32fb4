"""Crossing 1 July 2025 in headless Chromium, at 1366x768 and 390x844.

Phường Ngọc Hà 00016 (Quận Ba Đình, Hà Nội) was split between Phường Ba Đình 00004
and the new Phường Ngọc Hà 00008 (the conversion table). Ba Đình's officer opens
the old commune's villages (unit-village-homes), gives the last village a home,
opens Ba Đình's 2025 (unit-crossing: the preview, the confirmation, the result)
and reads a carried person's page with their years under the old commune. Each
page is photographed at both sizes and checked (conftest.Camera).
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import MISSING, PASSWORD, SKIP_REASON, Camera
from tests.browser.test_journey import log_in, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]

OLD, NEW = "2025-01-04", "2025-07-01"


@pytest.fixture
def split(django_db_reset_sequences: Any) -> dict[str, Any]:
    """The old commune's three groups of houses: Tổ 1 and Tổ 2 go to Ba Đình, Tổ 3 has no
    home yet; four people of 2024, one of whom died that year."""
    from phocap.accounts.models import Role, User
    from phocap.register.models import (
        AdministrativeUnit,
        Household,
        Person,
        PersonYear,
        Village,
        VillageHome,
    )

    def unit(vintage: str, code: str, name: str, type_: str, parent: Any = None) -> Any:
        return AdministrativeUnit.objects.create(vintage=vintage, code=code, name=name,
                                                 type=type_, kind=name.split()[0],
                                                 parent=parent)

    old = unit(OLD, "00016", "Phường Ngọc Hà", "commune", unit(
        OLD, "001", "Quận Ba Đình", "district", unit(OLD, "01", "Thành phố Hà Nội", "province")))
    hanoi = unit(NEW, "01", "Thành phố Hà Nội", "province")
    ba_dinh = unit(NEW, "00004", "Phường Ba Đình", "commune", hanoi)
    unit(NEW, "00008", "Phường Ngọc Hà", "commune", hanoi)
    people = [("Tổ 1", "Đỗ Văn Khánh", 2012, "7", ""), ("Tổ 1", "Đỗ Thị Lan", 1988, "", ""),
              ("Tổ 2", "Vũ Văn Minh", 2017, "2", ""), ("Tổ 2", "Vũ Văn Nam", 1935, "", "chết"),
              ("Tổ 3", "Hoàng Thị Oanh", 2020, "MG4", "")]
    for number, (village, name, born, class_code, status) in enumerate(people, start=1):
        place, _ = Village.objects.get_or_create(commune=old, name=village)
        home, _ = Household.objects.get_or_create(commune=old, village=place,
                                                  household_no=f"{number:04d}")
        person = Person.objects.create(household=home, person_no=1, full_name=name,
                                       birth_year=born, sex="nam", ethnicity="Kinh")
        level = {"7": "lower_secondary", "2": "primary", "MG4": "kindergarten"}.get(class_code, "")
        PersonYear.objects.create(person=person, survey_year=2024, status=status,
                                  residence="thường trú", current_class=class_code,
                                  class_level=level,
                                  class_grade=int(class_code[-1]) if class_code else None)
    for village in ("Tổ 1", "Tổ 2"):
        VillageHome.objects.create(village=Village.objects.get(commune=old, name=village),
                                   commune=ba_dinh)
    User.objects.create_user(username="phuong", password=PASSWORD, role=Role.COMMUNE_STAFF,
                             unit=ba_dinh)
    return {"old": old, "ba_dinh": ba_dinh}


def test_a_split_commune_s_villages_then_the_new_commune_s_2025_read_at_both_sizes(
        live_server: Any, browser: Any, split: dict[str, Any]) -> None:
    from phocap.register.models import Person

    camera = Camera(browser, "crossing")
    base = live_server.url
    log_in(browser, base, "phuong")

    browser.get(f"{base}/units/{split['old'].pk}/village-homes/")
    wait_for_text(browser, "Còn 1 thôn chưa chọn xã mới.")
    camera.shoot("village-homes")
    last = browser.find_elements(By.CSS_SELECTOR, "#village-homes select")[-1]
    Select(last).select_by_visible_text("Phường Ngọc Hà")
    browser.find_element(By.CSS_SELECTOR, "#village-homes button[type=submit]").click()
    wait_for_text(browser, "Mọi thôn đã có xã mới.")

    browser.get(f"{base}/units/{split['ba_dinh'].pk}/crossing/")
    wait_for_text(browser, "Sẽ chuyển sang")
    camera.shoot("preview")
    browser.find_element(By.CSS_SELECTOR, "#crossing-form button[type=submit]").click()
    # Tổ 1: Khánh, Lan (2 households); Tổ 2: Minh (Nam died in 2024).
    wait_for_text(browser, "với 2 thôn, 3 hộ và 3 người")
    camera.shoot("confirm")
    browser.find_element(By.CSS_SELECTOR, "#crossing-form button[type=submit]").click()
    wait_for_text(browser, "Đã mở năm 2025 của Phường Ba Đình")
    camera.shoot("done")

    khanh = Person.objects.get(household__commune=split["ba_dinh"], full_name="Đỗ Văn Khánh")
    browser.get(f"{base}/persons/{khanh.pk}/")
    wait_for_text(browser, "Các năm trước 01/7/2025, ở Phường Ngọc Hà")
    camera.shoot("person")
