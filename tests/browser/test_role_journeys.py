"""Every role answers its questions in at most three clicks from the page after login (issue 14).

The world is tests/browser/journey_world.py: one district of three communes, two
schools, attendance around Tết, grade-9 destinations, plan targets and two recognised
dossiers, every expected figure worked out there by hand. One live server, one world
and one Chromium serve the whole module; each journey logs in as its role (or, when
the previous journey was the same role's, opens "/", the page after login), clicks
links by their visible Vietnamese text (counted: at most three), and asserts the
figure on the page it reaches, at 1366x768 and at 390x844; that page is then
photographed and checked at both sizes (conftest.Camera).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

from tests.browser.conftest import DESKTOP, MISSING, PHONE, SKIP_REASON, Camera, served
from tests.browser.journey_world import World, build
from tests.browser.test_journey import log_in, wait_for

# django_db makes pytest-django create the test database; _django_db_helper below keeps
# it from wrapping each test in a transaction or flushing after it.
pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON),
              pytest.mark.django_db]

MAX_CLICKS = 3
USERNAMES = {"commune": "xa", "commune-nn": "xa-nn", "teacher": "giaovien", "school": "truong",
             "district": "huyen", "province": "tinh", "ministry": "bo"}

# The first visible link whose text is exactly ``text``, in main first, then the whole page
# (the navigation); with ``within``, only links inside an element matching that selector.
FIND_LINK_JS = """
const [text, within] = arguments;
const norm = s => (s || '').replace(/\\s+/g, ' ').trim();
const scopes = within ? [...document.querySelectorAll(within)]
                      : [document.querySelector('main'), document.body].filter(Boolean);
for (const scope of scopes) {
  for (const a of scope.querySelectorAll('a[href]')) {
    const r = a.getBoundingClientRect();
    if (r.width && r.height && norm(a.innerText) === text) return a;
  }
}
return null;
"""
# The text of the first table row of main (or of ``selector``) whose text contains ``text``,
# as the officer reads it (innerText: what is rendered at this size).
ROW_JS = """
const [text, selector] = arguments;
const norm = s => (s || '').replace(/\\s+/g, ' ').trim();
const root = document.querySelector(selector || 'main');
if (!root) return null;
for (const row of (root.matches('tr') ? [root] : root.querySelectorAll('tr'))) {
  if (norm(row.textContent).includes(text)) return norm(row.innerText);
}
return null;
"""
# The cells of that row by their column's header (the header row's last line).
CELLS_JS = """
const [text, selector] = arguments;
const norm = s => (s || '').replace(/\\s+/g, ' ').trim();
const root = document.querySelector(selector || 'main');
if (!root) return null;
for (const row of root.querySelectorAll('tbody tr')) {
  if (!norm(row.cells[0] && row.cells[0].textContent).includes(text)
      && !norm(row.cells[1] && row.cells[1].textContent).includes(text)) continue;
  const head = row.closest('table').tHead;
  if (!head) return null;
  const heads = [...head.rows[head.rows.length - 1].cells].map(c => norm(c.textContent));
  const found = {};
  [...row.cells].forEach((c, i) => { found[heads[i]] = norm(c.innerText); });
  return found;
}
return null;
"""
TEXT_JS = """
const root = document.querySelector(arguments[0]);
return root ? root.innerText.replace(/\\s+/g, ' ').trim() : null;
"""


@dataclass
class Site:
    """The live server's address, the world, the one browser and who is logged in."""

    base: str
    world: World
    driver: Any
    camera: Camera
    user: str | None = None
    shot: set[str] = field(default_factory=set)


@pytest.fixture
def _django_db_helper(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The django_db mark without its per-test transaction or flush (this overrides
    pytest-django's fixture of that name for this module): the world is built once and
    committed (``site``), and the live server's thread reads it; a transaction held by the
    test's thread would lock SQLite against the server's writes (a login), and a flush
    after each test would empty the world."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Site]:
    """One world, one live server and one Chromium for the module; the database emptied
    after it (as transactional_db does after each test), the cache too."""
    with served(django_db_blocker, build) as (base, world, driver):
        yield Site(base, world, driver, Camera(driver, "roles"))


class Journey:
    """One role's way to one answer: the page after login, at most three clicks, the figure."""

    def __init__(self, site: Site, role: str) -> None:
        self.site, self.role, self.clicks = site, role, 0
        self.driver = site.driver
        if site.user != role:
            self.driver.delete_all_cookies()
            site.user = None
            log_in(self.driver, site.base, USERNAMES[role])
            site.user = role
        else:
            self.driver.get(f"{site.base}/")
        self._loaded()

    def _loaded(self) -> None:
        wait_for(self.driver, lambda d: d.execute_script("return document.readyState")
                 == "complete" and d.find_elements("css selector", "main h1"), 30,
                 "the page's heading")

    def click(self, text: str, within: str | None = None) -> None:
        """Click the link reading ``text`` (counted; a missing link is a failed answer)."""
        self.clicks += 1
        assert self.clicks <= MAX_CLICKS, (
            f"{self.role}: a {self.clicks}th click (“{text}”) is more than {MAX_CLICKS}")
        link = self.driver.execute_script(FIND_LINK_JS, text, within)
        assert link is not None, (
            f"{self.role}: no link “{text}”{f' in {within}' if within else ''} on "
            f"{self.driver.current_url}")
        page = self.driver.find_element("tag name", "html")
        link.click()
        wait_for(self.driver, lambda d: _stale(page), 30, f"the page after “{text}”")
        self._loaded()

    def check(self, assertion: Callable[[], None]) -> None:
        """The figure at 1366x768 and at 390x844, then the page photographed at both."""
        try:
            for metrics in (DESKTOP, PHONE):
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                assertion()
        finally:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
        where = re.sub(r"\d+", "n", self.driver.current_url.removeprefix(self.site.base))
        if where not in self.site.shot:
            self.site.shot.add(where)
            self.site.camera.shoot(f"{self.role}-{re.sub(r'[^a-z0-9]+', '-', where).strip('-')}")

    # What the page says -------------------------------------------------------------------

    def text(self, selector: str = "main") -> str:
        found = self.driver.execute_script(TEXT_JS, selector)
        assert found is not None, f"no {selector} on {self.driver.current_url}"
        return str(found)

    def row(self, text: str, selector: str | None = None) -> str:
        found = self.driver.execute_script(ROW_JS, text, selector)
        assert found is not None, f"no row with “{text}” on {self.driver.current_url}"
        return str(found)

    def cells(self, text: str, selector: str | None = None) -> dict[str, str]:
        found = self.driver.execute_script(CELLS_JS, text, selector)
        assert found is not None, f"no table row of “{text}” on {self.driver.current_url}"
        return dict(found)

    def sees(self, *texts: str, selector: str = "main") -> None:
        shown = self.text(selector)
        for text in texts:
            assert text in shown, f"“{text}” not in {selector} of {self.driver.current_url}"

    def row_has(self, text: str, *figures: str | re.Pattern[str],
                selector: str | None = None) -> None:
        """The row of ``text`` shows each figure (a string, or a pattern to search)."""
        shown = self.row(text, selector)
        for figure in figures:
            found = (figure.search(shown) if isinstance(figure, re.Pattern)
                     else figure in shown)
            assert found, f"row “{text}” reads “{shown}”, without “{figure}”"


def _stale(element: Any) -> bool:
    try:
        element.tag_name  # noqa: B018 — raises once the page it belonged to is gone
    except (StaleElementReferenceException, NoSuchElementException):
        return True
    return False


THRESHOLD_95 = re.compile(r"95(,00)?\s?%")


# --- The figures, as each page should show them ------------------------------------------

def communes_keep_levels(j: Journey) -> None:
    """Primary level 3: Nà Nhạn, Mường Phăng (Pá Khoang fails on rooms); lower secondary 3:
    Nà Nhạn only (Mường Phăng 90,00%, Pá Khoang lacks primary 1); literacy 2: all three."""
    expected = {"Xã Nà Nhạn": ("Mức 3", "Mức 3", "Mức 2"),
                "Xã Mường Phăng": ("Mức 3", "Mức 2", "Mức 2"),
                "Xã Pá Khoang": ("Chưa đạt", "Chưa đạt", "Mức 2")}

    def assertion() -> None:
        for name, (primary, lower, literacy) in expected.items():
            cells = j.cells(name)
            assert (cells["Tiểu học"], cells["THCS"], cells["XMC"]) == (
                primary, lower, literacy), f"{name}: {cells}"
        j.sees("2/3 đạt mức 3", "1/3 đạt mức 3", "3/3 đạt mức 2")

    j.check(assertion)


def commune_fails_on_a_rate(j: Journey) -> None:
    """Mường Phăng: 9 of its 10 people aged 15–18 hold the THCS diploma, 90,00% < 95%."""
    def assertion() -> None:
        row = j.row("", 'tr[data-criterion="lower_secondary.3.graduates"]')
        assert "90,00%" in row and THRESHOLD_95.search(row), row
        assert re.search(r"\b9\b.*\b10\b", row), row

    j.check(assertion)


def commune_fails_on_a_condition(j: Journey) -> None:
    """Pá Khoang's primary school: 10 classes × 0,7 = 7 rooms needed, 4 entered: thiếu 3
    phòng, the school named."""
    def assertion() -> None:
        j.sees("thiếu 3 phòng", "Trường Tiểu học Pá Khoang", "0,7")

    j.check(assertion)


def rollup_names_the_communes_short(j: Journey) -> None:
    """The district's primary roll-up (2/3 communes, 66,67% < 90%) names Pá Khoang, the
    commune short, in words, with no internal key."""
    def assertion() -> None:
        shown = j.text()
        assert "share_of_communes" not in shown, "an internal key on the page"
        assert "66,67%" in shown
        link = j.driver.execute_script(FIND_LINK_JS, "Xã Pá Khoang", None)
        assert link is not None, "Pá Khoang, the commune short, is not named and linked"

    j.check(assertion)


def who_is_missing(j: Journey) -> None:
    """Behind Mường Phăng's 90,00%: Lường Thị Mai, left grade 8 in 2019."""
    def assertion() -> None:
        j.row_has("Lường Thị Mai", "2005", "lớp 8")
        assert "Quàng" not in j.text("main table tbody"), "a graduate listed as missing"

    j.check(assertion)


def commune_mobilisation(j: Journey) -> None:
    """Mường Phăng against the district's plan: 1/2 = 50,00% in the nursery (plan 60),
    5/5, 2/2 and 5/5 = 100,00% (plans 95, 98, 95)."""
    def assertion() -> None:
        j.row_has("nhà trẻ (0–2 tuổi theo năm sinh)", "50,00%", "thấp hơn kế hoạch 10 điểm")
        j.row_has("6–10 tuổi", "100,00%", "cao hơn kế hoạch 5 điểm")
        j.row_has("11 tuổi vào lớp 6", "100,00%", "cao hơn kế hoạch 2 điểm")
        j.row_has("11–14 tuổi", "100,00%", "cao hơn kế hoạch 5 điểm")

    j.check(assertion)


def district_mobilisation(j: Journey) -> None:
    """The district: 3/6 = 50,00% (plan 60: 10 below), 14/15 = 93,33% (95: 1,67 below),
    6/6 = 100,00% (98: 2 above), 15/16 = 93,75% (95: 1,25 below)."""
    def assertion() -> None:
        j.row_has("nhà trẻ (0–2 tuổi theo năm sinh)", "50,00%", "thấp hơn kế hoạch 10 điểm")
        j.row_has("6–10 tuổi", "93,33%", "thấp hơn kế hoạch 1,67 điểm")
        j.row_has("11 tuổi vào lớp 6", "100,00%", "cao hơn kế hoạch 2 điểm")
        j.row_has("11–14 tuổi", "93,75%", "thấp hơn kế hoạch 1,25 điểm")

    j.check(assertion)


def district_row_mobilisation(j: Journey) -> None:
    """The district's row on its province's page: each rate and its gap to the plan."""
    def assertion() -> None:
        j.row_has("Huyện Điện Biên", "50,00%", "−10", "93,33%", "−1,67", "100,00%", "+2",
                  "93,75%", "−1,25")

    j.check(assertion)


def national_standard_schools(total: str, row: str,
                              school: bool = False) -> Callable[[Journey], None]:
    """THCS Nà Nhạn is national standard level 1 (45/QĐ-UBND of 01/06/2020), TH Pá Khoang
    is not: 1/2 (50,00%) in the district, 1/1 in Nà Nhạn."""
    def journey(j: Journey) -> None:
        def assertion() -> None:
            j.row_has(row, total)
            if school:
                j.row_has("Trường THCS Nà Nhạn", "Mức 1", "45/QĐ-UBND, 01/06/2020")

        j.check(assertion)

    return journey


def teacher_shortages(row: str) -> Callable[[Journey], None]:
    """THCS Nà Nhạn teaches no English or Informatics and has no nurse."""
    def journey(j: Journey) -> None:
        def assertion() -> None:
            j.row_has(row, "Tiếng Anh: 1", "Tin học: 1", "nhân viên y tế: 1")

        j.check(assertion)

    return journey


def streaming(j: Journey) -> None:
    """9A's three graduates: 2 to THPT (66,67%), 1 to trung cấp (33,33%)."""
    def assertion() -> None:
        j.sees("3 học sinh tốt nghiệp THCS")
        j.row_has("vào THPT", re.compile(r"^vào THPT 2 66,67%"))
        j.row_has("vào học nghề", re.compile(r"^vào học nghề 1 33,33%"))

    j.check(assertion)


def tet_return(selector: str, **rows: str) -> Callable[[Journey], None]:
    """Back by the fifth school day after Tết, recorded classes only: 6A 3/4 = 75,00% (Cà
    Văn Bốn never came back, the three others on day 1), 5A 2/2 = 100,00%, the district
    (3 + 2)/(4 + 2) = 5/6 = 83,33%. 9A took no attendance after the break: its three
    pupils are not counted as missing: the row shows 4/7 recorded. ``rows``: each row's
    first words, and the whole row as it should read."""
    def journey(j: Journey) -> None:
        def assertion() -> None:
            for start, whole in rows.items():
                j.row_has(start, re.compile(f"^{re.escape(whole)}$"), selector=selector)

        j.check(assertion)

    return journey


def district_attendance(j: Journey) -> None:
    """12 classes, 2 recorded (6A, 5A), 1 in the last recorded week (6A, 31/05/2022);
    6A 9 days × 4 pupils = 36, less Cà Văn Bốn's 5 absences = 31; 5A 5 × 2 = 10; the
    district 41/46 = 89,13%."""
    def assertion() -> None:
        j.sees("2/12", "1/12", "31/05/2022")
        j.row_has("Xã Nà Nhạn", "31/36", "86,11%", selector="#attendance-rates")
        j.row_has("Huyện Điện Biên", "41/46", "89,13%", selector="#attendance-rates")

    j.check(assertion)


def at_risk_with_reasons(selector: str) -> Callable[[Journey], None]:
    """Quàng Văn Hai, repeating grade 6 two years over age: 2 + 2 = 4 points, flagged;
    nobody else (Cà Văn Bốn, absent after Tết, was present in the last four weeks)."""
    def journey(j: Journey) -> None:
        def assertion() -> None:
            j.row_has("Quàng Văn Hai", " 4 ", "lưu ban", "Quá tuổi 2 năm", selector=selector)
            listed = j.text(selector)
            for name in ("Lò Văn Một", "Lò Thị Ba", "Cà Văn Bốn"):
                assert name not in listed, f"{name} listed at risk"

        j.check(assertion)

    return journey


def at_risk_counts(j: Journey) -> None:
    """The ministry reads counts, not names: 1 pupil, 1 for repeating, 1 over age."""
    def assertion() -> None:
        j.row_has("Huyện Điện Biên", re.compile(r"^Huyện Điện Biên 1$"),
                  selector="#at-risk-counts")
        j.row_has("Lưu ban", re.compile(r"^Lưu ban 1$"), selector="#at-risk-reasons")
        j.row_has("Quá tuổi", re.compile(r"^Quá tuổi từ 2 năm 1$"), selector="#at-risk-reasons")
        assert "Quàng Văn Hai" not in j.text()

    j.check(assertion)


def todays_attendance(j: Journey) -> None:
    """The teacher's 6A opens on today, 31/05/2022 (the browser tests' stopped clock,
    clock.py), a school day: its four pupils all present. The nearest-day case (today not
    a school day, said so) is tests/web/test_landings.py's."""
    def assertion() -> None:
        j.sees("6A", "31/05/2022")
        j.sees("4 có mặt, 0 vắng có phép, 0 vắng không phép")

    j.check(assertion)


def recognised(unit: str, *figures: str | re.Pattern[str],
               decision: str = "") -> Callable[[Journey], None]:
    """Nà Nhạn's primary dossier recognised at level 3 by the district (25/QĐ-UBND of
    15/03/2022); the district's literacy dossier at level 2 by the province (08/QĐ-UBND of
    20/04/2022)."""
    def journey(j: Journey) -> None:
        def assertion() -> None:
            j.row_has(unit, "đã công nhận", *figures)
            if decision:
                j.sees(decision)

        j.check(assertion)

    return journey


def national_totals(j: Journey) -> None:
    """One province with data: its district keeps literacy 2 (3/3 communes) and no other
    standard (primary 2/3 < 90%), so the province neither."""
    def assertion() -> None:
        cells = j.cells("Tỉnh Điện Biên")
        assert (cells["Tiểu học"], cells["THCS"], cells["XMC"]) == (
            "Chưa đạt", "Chưa đạt", "Mức 2"), cells
        j.sees("1/1 đạt mức 2")

    j.check(assertion)


def commune_levels(j: Journey) -> None:
    """The commune officer's own commune, Mường Phăng: primary 3, lower secondary 2
    (90,00%), literacy 2."""
    def assertion() -> None:
        shown = j.text()
        for standard, level in (("Phổ cập giáo dục tiểu học", "Mức 3"),
                                ("Phổ cập giáo dục trung học cơ sở", "Mức 2"),
                                ("Xóa mù chữ", "Mức 2")):
            assert re.search(rf"{standard}\s*:?\s*{level}", shown), (standard, level)

    j.check(assertion)


# --- Who asks what, and the clicks to the answer -----------------------------------------

Steps = tuple[tuple[str, str | None], ...]
GRADUATES_ROW = 'tr[data-criterion="lower_secondary.3.graduates"]'
SCHOOL_AT_RISK = "#at-risk ~ .table-wrap"  # the school's at-risk table, after its heading
SCHOOL_TET = "main"  # the school's return after Tết, by village (its only village row)
DISTRICT_TET = {"Xã Nà Nhạn": "Xã Nà Nhạn 7 4/7 3 75,00%",
                "Xã Pá Khoang": "Xã Pá Khoang 2 2/2 2 100,00%",
                "Huyện Điện Biên": "Huyện Điện Biên 9 6/9 5 83,33%"}
RESULTS = ("Kết quả phổ cập chi tiết", None)
ATTENDANCE = ("Chuyên cần, nguy cơ bỏ học, trở lại sau Tết", None)
SCHOOLS = ("Trường học", None)
MOBILISATION = ("Huy động so với kế hoạch", None)
STREAMING = ("Phân luồng sau THCS", None)
PROVINCE, DISTRICT = ("Tỉnh Điện Biên", None), ("Huyện Điện Biên", None)

JOURNEYS: list[tuple[str, str, Steps, Callable[[Journey], None]]] = [
    # The commune officer of Mường Phăng (lands on the register of the commune).
    ("commune", "levels-kept", (), commune_levels),
    ("commune", "why-it-fails-a-rate", (RESULTS,), commune_fails_on_a_rate),
    ("commune", "who-is-missing", (RESULTS, ("danh sách", GRADUATES_ROW)), who_is_missing),
    ("commune", "mobilisation", (MOBILISATION,), commune_mobilisation),
    ("commune-nn", "recognised-dossiers", (("Hồ sơ công nhận", None),),
     recognised("Phổ cập giáo dục tiểu học", re.compile("đã công nhận 3 3"),
                decision="25/QĐ-UBND")),
    # The homeroom teacher of 6A (lands on the class's day).
    ("teacher", "todays-attendance", (), todays_attendance),
    ("teacher", "at-risk", (("Học sinh có nguy cơ bỏ học của trường", None),),
     at_risk_with_reasons(SCHOOL_AT_RISK)),
    # The school's principal, keeping no class (lands on the commune, narrowed).
    ("school", "national-standard", (SCHOOLS,),
     national_standard_schools("1/1 (100,00%)", "Tổng", school=True)),
    ("school", "teacher-shortages", (SCHOOLS,), teacher_shortages("trung học cơ sở")),
    ("school", "streaming", (STREAMING,), streaming),
    ("school", "at-risk", (SCHOOLS, ("Trường THCS Nà Nhạn", None),
                           ("Chuyên cần, nguy cơ bỏ học", None)),
     at_risk_with_reasons(SCHOOL_AT_RISK)),
    ("school", "tet-return", (SCHOOLS, ("Trường THCS Nà Nhạn", None),
                              ("Chuyên cần, nguy cơ bỏ học", None)),
     tet_return(SCHOOL_TET, **{"Bản Nà Nhạn": "Bản Nà Nhạn 7 4/7" + " 3 (75,00%)" * 5})),
    # The district's reviewer (lands on the district's communes).
    ("district", "levels-kept", (), communes_keep_levels),
    ("district", "why-it-fails-a-rate", (("Xã Mường Phăng", None), RESULTS),
     commune_fails_on_a_rate),
    ("district", "why-it-fails-a-condition", (("Xã Pá Khoang", None), RESULTS),
     commune_fails_on_a_condition),
    ("district", "rollup-names-communes", (RESULTS,), rollup_names_the_communes_short),
    ("district", "who-is-missing", (("Xã Mường Phăng", None), RESULTS,
                                    ("danh sách", GRADUATES_ROW)), who_is_missing),
    ("district", "mobilisation", (MOBILISATION,), district_mobilisation),
    ("district", "national-standard", (SCHOOLS,),
     national_standard_schools("1/2 (50,00%)", "Tổng")),
    ("district", "teacher-shortages", (SCHOOLS,), teacher_shortages("Xã Nà Nhạn")),
    ("district", "tet-return", (ATTENDANCE,), tet_return("#tet-return", **DISTRICT_TET)),
    ("district", "streaming", (STREAMING,), streaming),
    ("district", "attendance", (ATTENDANCE,), district_attendance),
    ("district", "at-risk", (ATTENDANCE,), at_risk_with_reasons("#at-risk-pupils")),
    ("district", "recognised-dossiers", (("Hồ sơ đã quyết định", None),),
     recognised("Xã Nà Nhạn", re.compile("25/QĐ-UBND 15/03/2022 3 3"))),
    # The province's reviewer (lands on the province's districts).
    ("province", "levels-kept", (DISTRICT,), communes_keep_levels),
    ("province", "mobilisation", (MOBILISATION,), district_row_mobilisation),
    ("province", "national-standard", (SCHOOLS,),
     national_standard_schools("1/2 (50,00%)", "Huyện Điện Biên")),
    ("province", "teacher-shortages", (SCHOOLS,), teacher_shortages("Huyện Điện Biên")),
    ("province", "tet-return", (ATTENDANCE,),
     tet_return("#tet-return", **{"Huyện Điện Biên": "Huyện Điện Biên 9 6/9 5 83,33%"})),
    ("province", "streaming", (STREAMING,), streaming),
    ("province", "at-risk", (ATTENDANCE,), at_risk_with_reasons("#at-risk-pupils")),
    ("province", "why-it-fails-a-condition", (DISTRICT, ("Xã Pá Khoang", None), RESULTS),
     commune_fails_on_a_condition),
    ("province", "recognised-dossiers", (("Hồ sơ đã quyết định", None),),
     recognised("Huyện Điện Biên", "Xóa mù chữ", re.compile("08/QĐ-UBND 20/04/2022 2 2"))),
    # The ministry (lands on the national totals by province).
    ("ministry", "national-totals", (), national_totals),
    ("ministry", "levels-kept", (PROVINCE, DISTRICT), communes_keep_levels),
    ("ministry", "mobilisation", (PROVINCE, MOBILISATION), district_row_mobilisation),
    ("ministry", "national-standard", (PROVINCE, SCHOOLS),
     national_standard_schools("1/2 (50,00%)", "Huyện Điện Biên")),
    ("ministry", "teacher-shortages", (PROVINCE, SCHOOLS), teacher_shortages("Huyện Điện Biên")),
    ("ministry", "tet-return", (PROVINCE, ATTENDANCE),
     tet_return("#tet-return", **{"Huyện Điện Biên": "Huyện Điện Biên 9 6/9 5 83,33%"})),
    ("ministry", "streaming", (PROVINCE, STREAMING), streaming),
    ("ministry", "at-risk", (PROVINCE, ATTENDANCE), at_risk_counts),
    ("ministry", "recognised-dossiers", (PROVINCE, DISTRICT, ("Hồ sơ công nhận", None)),
     recognised("Xóa mù chữ", re.compile("đã công nhận 2 2"), decision="08/QĐ-UBND")),
]


def _params() -> list[Any]:
    found = []
    for role, question, steps, answer in JOURNEYS:
        found.append(pytest.param(role, steps, answer, id=f"{role}-{question}"))
    return found


@pytest.mark.parametrize(("role", "steps", "answer"), _params())
def test_role_answers_in_three_clicks(site: Site, role: str, steps: Steps,
                                      answer: Callable[[Journey], None]) -> None:
    journey = Journey(site, role)
    for text, within in steps:
        journey.click(text, within)
    assert journey.clicks <= MAX_CLICKS
    answer(journey)


def test_every_role_is_asked() -> None:
    """The six roles of the issue each have journeys, and each question is asked."""
    roles = {role.removesuffix("-nn") for role, *_ in JOURNEYS}
    assert roles == {"commune", "teacher", "school", "district", "province", "ministry"}
    questions = {question for _, question, *_ in JOURNEYS}
    assert {"levels-kept", "why-it-fails-a-rate", "why-it-fails-a-condition", "who-is-missing",
            "mobilisation", "national-standard", "teacher-shortages", "tet-return",
            "streaming", "todays-attendance", "at-risk", "recognised-dossiers"} <= questions
