"""The school registry in headless Chromium, at 1366x768 and 390x844.

The demo commune's 200 synthetic people are imported and the demo schools are
built from their school codes and classes (schools/demo.py). The province
administrator reads the district's schools summary, the commune's summary with
its schools and conditions, and a primary school's page; each is photographed
at both sizes and checked for sideways overflow and a visible heading
(conftest.Camera).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import MISSING, SKIP_REASON, YEAR, Camera, CommuneFiles
from tests.browser.test_journey import log_in, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)]


@pytest.fixture
def schools(units: dict[str, Any], commune_files: CommuneFiles) -> Any:
    from phocap.register import importing
    from phocap.schools import demo
    from phocap.schools.models import School
    from phocap.survey.validate import validate

    checked = validate(commune_files.good, year=YEAR, keep_records=True)
    assert checked.records is not None
    importing.load(checked.records)
    demo.load_demo([units["commune"]], YEAR, seed=7)
    return School.objects.filter(level__in=("primary", "primary_lower_secondary")).first()


def test_schools_summary_and_a_school_read_at_both_sizes(
        live_server: Any, browser: Any, schools: Any, units: dict[str, Any],
        accounts: dict[str, Any]) -> None:
    camera = Camera(browser, "schools")
    base = live_server.url
    log_in(browser, base, accounts["admin"].username)

    browser.get(f"{base}/units/{units['district'].pk}/schools/?year={YEAR}")
    wait_for_text(browser, "Trường học:")
    wait_for_text(browser, units["commune"].name)
    camera.shoot("district-summary")

    browser.get(f"{base}/units/{units['commune'].pk}/schools/?year={YEAR}")
    wait_for_text(browser, "Điều kiện công nhận phổ cập")
    wait_for_text(browser, schools.name)
    camera.shoot("commune-summary")

    browser.get(f"{base}/schools/{schools.pk}/?year={YEAR}")
    wait_for_text(browser, "Cán bộ, giáo viên, nhân viên")
    wait_for_text(browser, "Thiếu so với định mức")
    camera.shoot("school")
