"""Headless Chromium against pytest-django's live server, and what the browser tests share.

The issue asks for pages an officer can read on a district office's 1366x768
screen and on a phone; each page a journey opens is therefore photographed at
both sizes (test-artifacts/screenshots/, kept by CI as artefacts) and checked:
nothing overflows the viewport sideways except inside the tables' own
scrolling containers (.table-wrap), and the page's heading is on screen.

The commune is a small synthetic one (phocap.synth, the Điện Biên 2021 profile)
written as the XLSX file an officer uploads, with a copy that has one
validation error, the same pair `manage.py loaddemo` writes for the full
district; only its three units are created, not the 14,000 official ones, to
keep the tests fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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

# Runs in the page: what sticks out of the viewport sideways (outside .table-wrap),
# whether the page scrolls sideways, and where the main heading is.
# Tables whose header does not line up with their rows: for each visible table of the
# page, the header's last row and the body's first row, cell by cell (skipped where a
# cell spans columns or the counts differ), left edges more than 1 px apart. A layout
# rule leaking onto a table (display: grid from a class of the same name) moves the
# header into a column of its own, which no overflow check sees.
MISALIGNED_JS = """
const found = [];
for (const table of document.querySelectorAll('main table')) {
  if (!table.offsetParent) continue;
  const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
  const row = table.tBodies.length && table.tBodies[0].rows[0];
  if (!head || !row) continue;
  const heads = [...head.cells], cells = [...row.cells];
  if (heads.length !== cells.length || [...heads, ...cells].some(c => c.colSpan > 1)) continue;
  // A table laid out as stacked cards on a phone (rows as blocks, the header hidden, each
  // cell labelled) has no columns to line up.
  if (getComputedStyle(row).display !== 'table-row'
      || getComputedStyle(head).display !== 'table-row') continue;
  heads.forEach((h, i) => {
    const a = h.getBoundingClientRect(), b = cells[i].getBoundingClientRect();
    if (a.width && b.width && Math.abs(a.left - b.left) > 1) {
      found.push(`${table.id || table.className || 'table'}: column ${i + 1} header at `
                 + `${Math.round(a.left)} px, its cell at ${Math.round(b.left)} px`);
    }
  });
}
return found;
"""
READABILITY_JS = """
const vw = window.innerWidth, vh = window.innerHeight;
const offenders = [];
for (const el of document.body.querySelectorAll('*')) {
  if (el.closest('.table-wrap')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const s = getComputedStyle(el);
  if (s.visibility === 'hidden' || s.display === 'none') continue;
  if (r.right > vw + 1 || r.left < -1) {
    offenders.push(`${el.tagName.toLowerCase()}.${el.className} "${
      (el.textContent || '').trim().slice(0, 40)}" ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
}
const h = document.querySelector('main h1');
const hr = h ? h.getBoundingClientRect() : null;
return {
  scrollWidth: document.documentElement.scrollWidth, innerWidth: vw,
  offenders: offenders.slice(0, 10),
  heading: h ? h.textContent.trim() : null,
  headingOnScreen: !!hr && hr.width > 0 && hr.top >= 0 && hr.bottom <= vh
                   && hr.left >= 0 && hr.right <= vw + 1,
};
"""


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


@pytest.fixture
def units(transactional_db: Any, commune_files: CommuneFiles) -> dict[str, Any]:
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


@pytest.fixture
def browser() -> Iterator[Any]:
    driver = new_driver()
    try:
        yield driver
    finally:
        driver.quit()


class Camera:
    """Photographs each page at desktop and phone size, after checking it reads at both."""

    def __init__(self, driver: Any, prefix: str) -> None:
        self.driver = driver
        self.prefix = prefix
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob(f"{prefix}-*.png"):
            old.unlink()

    def shoot(self, name: str) -> None:
        self.count += 1
        try:
            for size, metrics in (("1366x768", DESKTOP), ("390x844", PHONE)):
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                self.driver.execute_script("window.scrollTo(0, 0)")
                found = self.driver.execute_script(READABILITY_JS)
                where = f"{name} at {size} ({self.driver.current_url})"
                self._save(f"{self.prefix}-{self.count:02d}-{name}-{size}.png", metrics)
                assert found["scrollWidth"] <= found["innerWidth"] + 1, (
                    f"{where}: the page scrolls sideways ({found['scrollWidth']} px wide"
                    f" in {found['innerWidth']}): {found['offenders']}")
                assert not found["offenders"], f"{where}: overflowing {found['offenders']}"
                assert found["heading"], f"{where}: no heading in main"
                assert found["headingOnScreen"], f"{where}: heading not on screen"
                misaligned = self.driver.execute_script(MISALIGNED_JS)
                assert not misaligned, f"{where}: table headers off their columns {misaligned}"
        finally:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)

    def _save(self, file_name: str, metrics: dict[str, Any]) -> None:
        """The whole page (up to LONGEST_SHOT px), at the viewport's width."""
        import base64

        layout = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        height = min(max(layout["cssContentSize"]["height"], metrics["height"]), LONGEST_SHOT)
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": metrics["width"], "height": height, "scale": 1},
        })
        (SCREENSHOTS / file_name).write_bytes(base64.b64decode(shot["data"]))
