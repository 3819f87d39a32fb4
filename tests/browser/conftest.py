"""Headless Chromium against pytest-django's live server, and what the browser tests share.

The issue asks for pages an officer can read on a district office's 1366x768
screen and on a phone; each page a journey opens is therefore photographed at
both sizes (test-artifacts/screenshots/, kept by CI as artefacts) and checked
(Camera): nothing overflows the viewport sideways except inside the tables' own
scrolling containers (.table-wrap), the page's heading is on screen, table
headers line up with their columns, no box covers another (tests/browser/layout.py),
and the screenshot matches the accepted one (tests/browser/visual.py).
test_every_page.py opens every page of the application this way.

The clock is stopped for every browser test (tests/browser/clock.py) and the
database's ids start from 1 in each, so that a page reads the same in every run.

The commune is a small synthetic one (phocap.synth, the Điện Biên 2021 profile)
written as the XLSX file an officer uploads, with a copy that has one
validation error, the same pair `manage.py loaddemo` writes for the full
district; only its three units are created, not the 14,000 official ones, to
keep the tests fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.browser import clock, visual
from tests.browser.layout import MISALIGNED_JS, OVERLAP_JS, READABILITY_JS

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MISSING = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
SKIP_REASON = (
    f"no {' or '.join(MISSING)}: install Debian's chromium and chromium-driver"
    " (apt-get install -y chromium chromium-driver) to run the browser tests"
)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "mat-khau-du-manh-2021"
YEAR = 2021
COMMUNE = "03319"  # Xã Mường Pồn, Huyện Điện Biên: the demo district's first commune
PEOPLE = 200
SEED = 2021
DESKTOP = {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
LONGEST_SHOT = 4000  # px: a full-page screenshot is cut there; the checks cover the whole page

@dataclass(frozen=True)
class CommuneFiles:
    """The commune's survey file, the copy with one error, and what that error is."""

    good: Path
    bad: Path
    bad_row: int  # the file's row, as the officer sees it (the header is row 1)
    bad_value: str
    records: Any  # the generated survey records (an Arrow table)
    units: list[Any]  # phocap.synth UnitRow: province, district, commune


@pytest.fixture(scope="session")
def commune_files(tmp_path_factory: pytest.TempPathFactory) -> CommuneFiles:
    """One small commune of the demo district as XLSX, and a copy with a birth after the survey."""
    import pyarrow as pa

    from phocap.synth import prepare
    from phocap.synth.writer import write_xlsx

    folder = tmp_path_factory.mktemp("commune")
    run = prepare(COMMUNE, YEAR, "dien-bien-2021", SEED, PEOPLE)
    table = pa.Table.from_batches(list(run.batches()))
    good = folder / f"{COMMUNE}.xlsx"
    write_xlsx(good, table.to_batches())
    births = table["birth_date"].to_pylist()
    # A toddler (no class, no diploma) born "after the survey": exactly one error, the date.
    index = next(i for i, (birth, school) in enumerate(zip(
        births, table["current_class"].to_pylist(), strict=True))
        if int(birth[-4:]) >= YEAR - 2 and school is None)
    bad_value = f"01/01/{YEAR + 1}"
    births[index] = bad_value
    wrong = table.set_column(table.schema.get_field_index("birth_date"), "birth_date",
                             pa.array(births, table.schema.field("birth_date").type))
    bad = folder / f"{COMMUNE}-co-loi.xlsx"
    write_xlsx(bad, wrong.to_batches())
    return CommuneFiles(good, bad, index + 2, bad_value, table, list(run.units))


@pytest.fixture(autouse=True)
def stopped_clock() -> Iterator[None]:
    """Every browser test runs at clock.NOW (the pages and the test alike)."""
    with clock.stopped():
        yield


@pytest.fixture(autouse=True)
def visual_verdict() -> Iterator[None]:
    """Fails the test, after it has photographed every page, if a screenshot changed."""
    visual.DIFFERENCES.clear()
    yield
    found, _ = list(visual.DIFFERENCES), visual.DIFFERENCES.clear()
    if found:
        pytest.fail("screenshots differ from the accepted ones:\n" + "\n".join(found),
                    pytrace=False)


@pytest.fixture
def units(django_db_reset_sequences: Any, commune_files: CommuneFiles) -> dict[str, Any]:
    """The commune, its district and province (the survey year's vintage), its ĐBKK flag."""
    from django.core.cache import cache

    from phocap.register.models import AdministrativeUnit, UnitYear
    from phocap.units import registry_for_year, vintage_for_year

    cache.clear()  # the cache folder outlasts a run; results must come from this test's data
    registry = registry_for_year(YEAR)
    vintage = vintage_for_year(YEAR).value
    made: dict[str, Any] = {}
    for row in commune_files.units:
        official = registry.get(row.code)
        assert official is not None, row.code
        made[row.type] = AdministrativeUnit.objects.create(
            vintage=vintage, code=row.code, name=row.name, type=row.type, kind=official.kind,
            parent=made.get("district" if row.type == "commune" else "province")
            if row.parent_code else None)
        if row.type == "commune":
            UnitYear.objects.create(unit=made["commune"], survey_year=YEAR,
                                    especially_difficult=row.especially_difficult)
    return made


@pytest.fixture
def accounts(units: dict[str, Any]) -> dict[str, Any]:
    """The commune's staff member and the province's administrator."""
    from phocap.accounts.models import Role, User

    return {
        "staff": User.objects.create_user(
            username="xa", password=PASSWORD, role=Role.COMMUNE_STAFF, unit=units["commune"],
            first_name="Lò Văn", last_name="Cán Bộ"),
        "admin": User.objects.create_user(
            username="quantri", password=PASSWORD, role=Role.PROVINCE_ADMIN,
            unit=units["province"]),
    }


def new_driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--lang=vi",
                     "--disable-dev-shm-usage", "--window-size=1366,768"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi,vi-VN"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console, for test_csp
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
    return driver


W = TypeVar("W")


@contextmanager
def served(django_db_blocker: Any, build: Callable[[], W]) -> Iterator[tuple[str, W, Any]]:
    """One world built and committed, one live server and one Chromium for a module of
    journeys: (the server's address, the world, the browser). The database is emptied
    afterwards (as transactional_db does after each test), the cache too; passwords hash
    fast, since every journey logs in."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock():
        fast.enable()
        cache.clear()
        server = None
        driver = None
        try:
            world = build()
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            driver = new_driver()
            yield server.url, world, driver
        finally:
            if driver is not None:
                driver.quit()
            if server is not None:
                server._live_server_modified_settings.disable()
                server.stop()
            call_command("flush", interactive=False, verbosity=0)
            cache.clear()
            fast.disable()


@pytest.fixture
def browser() -> Iterator[Any]:
    driver = new_driver()
    try:
        yield driver
    finally:
        driver.quit()


SIZES = (("1366x768", DESKTOP), ("390x844", PHONE))


class Camera:
    """Photographs each page at desktop and phone size, after checking it reads at both.

    Layout problems fail at once (shoot) or are returned (problems); a screenshot that
    differs from its accepted copy (visual.py) is noted in visual.DIFFERENCES and fails
    the test at its end, so that one run lists every page that changed. The accepted
    copy of page `name` is tests/browser/accepted/<prefix>-<name>-<size>.png.
    """

    def __init__(self, driver: Any, prefix: str) -> None:
        self.driver = driver
        self.prefix = prefix
        self.count = 0
        self.names: set[str] = set()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob(f"{prefix}-*.png"):
            old.unlink()

    def shoot(self, name: str) -> None:
        found = self.problems(name)
        assert not found, "\n".join(found)

    def problems(self, name: str) -> list[str]:
        """What is wrong with the page at either size, in words (empty when nothing)."""
        assert name not in self.names, f"{self.prefix}: two pages photographed as {name}"
        self.names.add(name)
        self.count += 1
        found: list[str] = []
        try:
            for size, metrics in SIZES:
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                self.driver.execute_script("window.scrollTo(0, 0)")
                where = f"{name} at {size} ({self.driver.current_url})"
                found += [f"{where}: {problem}" for problem in self._layout()]
                png = self._save(f"{self.prefix}-{self.count:02d}-{name}-{size}.png", metrics)
                masked = self.driver.execute_script(visual.VOLATILE_JS, ", ".join(visual.VOLATILE))
                changed = visual.check(f"{self.prefix}-{name}", size, png, masked)
                if changed:
                    visual.DIFFERENCES.append(changed)
        finally:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
        return found

    def _layout(self) -> list[str]:
        found = self.driver.execute_script(READABILITY_JS)
        problems = []
        if found["scrollWidth"] > found["innerWidth"] + 1:
            problems.append(f"the page scrolls sideways ({found['scrollWidth']} px wide"
                            f" in {found['innerWidth']}): {found['offenders']}")
        elif found["offenders"]:
            problems.append(f"overflowing {found['offenders']}")
        if not found["heading"]:
            problems.append("no heading in main")
        elif not found["headingOnScreen"]:
            problems.append("heading not on screen")
        misaligned = self.driver.execute_script(MISALIGNED_JS)
        if misaligned:
            problems.append(f"table headers off their columns {misaligned}")
        overlapping = self.driver.execute_script(OVERLAP_JS)
        if overlapping:
            problems.append(f"boxes overlap {overlapping}")
        return problems

    def _save(self, file_name: str, metrics: dict[str, Any]) -> bytes:
        """The whole page (up to LONGEST_SHOT px), at the viewport's width."""
        import base64

        layout = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        height = min(max(layout["cssContentSize"]["height"], metrics["height"]), LONGEST_SHOT)
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": metrics["width"], "height": height, "scale": 1},
        })
        png = base64.b64decode(shot["data"])
        (SCREENSHOTS / file_name).write_bytes(png)
        return png
