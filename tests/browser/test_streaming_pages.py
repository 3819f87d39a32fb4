"""The streaming rates page in headless Chromium, at 1366x768 and 390x844.

A school of the demo commune has a grade-9 class of 20 pupils, all graduates:
12 to upper secondary, 2 to GDTX, 3 to intermediate and 1 to elementary
vocational courses, 1 working and 1 unknown, so 4 of 20 = 20% went into
vocational education. The province administrator reads the commune's rates
against the historic target (40%, or 30% if the commune is ĐBKK), then the
district's and the province's targets page; each page is photographed at both
sizes and checked for sideways overflow and a visible heading (conftest.Camera).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import MISSING, SKIP_REASON, YEAR, Camera
from tests.browser.test_journey import log_in, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]

COHORT = ([("upper_secondary", 12), ("continuing", 2), ("vocational_intermediate", 3),
           ("vocational_elementary", 1), ("working", 1), ("unknown", 1)])


@pytest.fixture
def cohort(units: dict[str, Any]) -> Any:
    from phocap.schools.models import Enrolment, School, SchoolClass
    from phocap.streaming.models import PupilDestination

    school = School.objects.create(code="THCS-MP", name="Trường PTDTBT THCS Mường Pồn",
                                   level="ethnic_semi_boarding", commune=units["commune"])
    klass = SchoolClass.objects.create(school=school, school_year=YEAR, name="9A", grade="9")
    no = 0
    for destination, count in COHORT:
        for _ in range(count):
            no += 1
            pupil = Enrolment.objects.create(klass=klass, pupil_no=no, full_name=f"Em {no}",
                                             birth_year=YEAR - 15, sex="nữ")
            PupilDestination.objects.create(enrolment=pupil, destination=destination)
    return school


def test_streaming_rates_read_at_both_sizes(live_server: Any, browser: Any, cohort: Any,
                                            units: dict[str, Any],
                                            accounts: dict[str, Any]) -> None:
    from phocap.register.models import UnitYear

    difficult = UnitYear.objects.get(unit=units["commune"], survey_year=YEAR).especially_difficult
    target = 30 if difficult else 40
    camera = Camera(browser, "streaming")
    base = live_server.url
    log_in(browser, base, accounts["admin"].username)

    browser.get(f"{base}/units/{units['commune'].pk}/streaming/?year={YEAR}")
    wait_for_text(browser, "Phân luồng học sinh sau THCS")
    wait_for_text(browser, f"vào học nghề 20,00%, thấp hơn mục tiêu {target - 20} điểm")
    wait_for_text(browser, "20 học sinh tốt nghiệp THCS (mẫu số)")
    camera.shoot("commune-rates")

    browser.get(f"{base}/units/{units['district'].pk}/streaming/?year={YEAR}")
    wait_for_text(browser, f"vào học nghề 20,00%, thấp hơn mục tiêu {target - 20} điểm")
    camera.shoot("district-rates")

    browser.get(f"{base}/units/{units['province'].pk}/streaming/targets/?year={YEAR}")
    wait_for_text(browser, "Mục tiêu phân luồng sau THCS")
    camera.shoot("province-targets")
