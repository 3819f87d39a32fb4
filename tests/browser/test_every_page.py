"""Every page of the application, opened in headless Chromium by a role that may open it,
at 1366x768 and 390x844, checked and compared with its accepted screenshot.

The journeys (test_journey.py and the others) photograph the pages a task passes
through; this tour makes sure none is left out. PAGES lists each named route's page
with the account that opens it; test_every_route_is_visited fails when a route is in
neither PAGES, ELSEWHERE (a page only reachable in the middle of a journey, which
photographs it) nor NOT_A_PAGE (a download, a POST-only action, a fragment), so a new
page joins the tour when it joins the URLconf. Two error pages (404, 403) are visited
too, as the officer meets them.

Each page must answer 200 (checked with Django's test client first, so a refusal is
reported as such rather than as a layout problem), then reads at both sizes
(conftest.Camera: no sideways overflow, the heading on screen, table headers over
their columns, no boxes over each other) and matches its accepted screenshot
(tests/browser/accepted/page-<name>-<size>.png; visual.py). Every problem of every
page is listed in one failure.

The data: the demo commune's 200 synthetic people (conftest.commune_files, fixed seed)
in the register, the demo's schools, grade-9 destinations and attendance built from
them (their demo loaders, fixed seeds), an upload with one error, a submitted dossier
and a district's plan target; the clock is stopped (clock.py), so each page shows the
same in every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from selenium.webdriver.common.by import By

from tests.browser.conftest import (
    MISSING,
    PASSWORD,
    SKIP_REASON,
    YEAR,
    Camera,
    CommuneFiles,
)
from tests.browser.test_journey import log_in, wait_for

SEED = 7
CRITERION = "primary.2.completed_at_11"


@dataclass(frozen=True)
class Page:
    name: str  # the screenshot's name; the route's, with the level where one route serves several
    route: str
    login: str | None  # the username (conftest, world); None: signed out
    url: Callable[[dict[str, Any]], str]


def _pages() -> list[Page]:
    def commune(path: str) -> Callable[[dict[str, Any]], str]:
        return lambda w: f"/units/{w['commune'].pk}/{path}"

    def of(key: str, path: str) -> Callable[[dict[str, Any]], str]:
        return lambda w: path.format(pk=w[key].pk, year=YEAR, day=w["day"].isoformat())

    y = f"?year={YEAR}"
    rows = [
        ("login", "login", None, lambda w: "/login/"),
        # The commune's officer: the register, the forms, the imports, the schools' lists.
        ("unit-commune", "unit", "xa", commune(y)),
        ("unit-results", "unit-results", "xa", commune(f"results/{y}")),
        ("unit-people", "unit-people", "xa", commune(f"people/{CRITERION}/{y}")),
        ("unit-forms", "unit-forms", "xa", commune(f"forms/{y}")),
        ("unit-form", "unit-form", "xa", commune(f"forms/TH-M1/{y}")),
        ("unit-form-reconcile", "unit-form-reconcile", "xa", commune(f"forms/TH-M1/reconcile/{y}")),
        ("household-new", "household-new", "xa", commune("households/new/")),
        ("unit-audit", "unit-audit", "xa", commune("audit/")),
        ("unit-rollover", "unit-rollover", "xa", commune(f"rollover/{y}")),
        ("duplicates", "duplicates", "xa", commune(f"duplicates/{y}")),
        ("household", "household", "xa", of("household", "/households/{pk}/?year={year}")),
        ("household-edit", "household-edit", "xa", of("household", "/households/{pk}/edit/")),
        ("person-new", "person-new", "xa",
         of("household", "/households/{pk}/members/new/?year={year}")),
        ("person", "person", "xa", of("person", "/persons/{pk}/?year={year}")),
        ("import-list", "import-list", "xa", lambda w: "/imports/"),
        ("import-new", "import-new", "xa", lambda w: "/imports/new/"),
        ("import-detail", "import-detail", "xa", of("job", "/imports/{pk}/")),
        ("dossier-list", "dossier-list", "xa", commune("dossiers/")),
        ("dossier", "dossier", "xa", of("dossier", "/dossiers/{pk}/")),
        ("unit-schools-commune", "unit-schools", "xa", commune(f"schools/{y}")),
        ("school-new", "school-new", "xa", commune("schools/new/")),
        ("unit-reconcile", "unit-reconcile", "xa", commune(f"reconcile/{y}")),
        ("school", "school", "xa", of("school", "/schools/{pk}/?year={year}")),
        ("school-edit", "school-edit", "xa", of("school", "/schools/{pk}/edit/")),
        ("school-year", "school-year", "xa", of("school", "/schools/{pk}/year/?year={year}")),
        ("school-staff-new", "school-staff-new", "xa", of("school", "/schools/{pk}/staff/new/")),
        ("school-site-new", "school-site-new", "xa", of("school", "/schools/{pk}/sites/new/")),
        ("school-class-new", "school-class-new", "xa",
         of("school", "/schools/{pk}/classes/new/?year={year}")),
        ("school-class-list-import", "school-class-list-import", "xa",
         of("school", "/schools/{pk}/class-lists/import/?year={year}")),
        ("school-reconcile", "school-reconcile", "xa",
         of("school", "/schools/{pk}/reconcile/?year={year}")),
        ("staff-edit", "staff-edit", "xa", of("staff", "/staff/{pk}/edit/")),
        ("streaming-rates-commune", "streaming-rates", "xa", commune(f"streaming/{y}")),
        ("streaming-guidance", "streaming-guidance", "xa", commune(f"career-guidance/{y}")),
        ("streaming-labour", "streaming-labour", "xa", commune(f"labour-demand/{y}")),
        ("streaming-labour-new", "streaming-labour-new", "xa", commune("labour-demand/new/")),
        ("attendance-commune", "attendance-commune", "xa", commune("")),
        # The survey round: the commune runs it, its surveyor visits, the province follows.
        ("round", "round", "xa", commune(f"round/{y}")),
        ("round-surveyors", "round-surveyors", "xa", commune("surveyors/")),
        ("round-mine", "round-mine", "dieutra", lambda w: "/round/mine/"),
        ("round-overview", "round-overview", "tinh",
         of("province", "/units/{pk}/rounds/?year={year}")),
        # The homeroom teacher: the class, its day, the school's attendance.
        ("attendance-mine", "attendance-mine", "truong", lambda w: "/attendance/mine/"),
        ("attendance-day", "attendance-day", "truong",
         of("klass", "/attendance/classes/{pk}/{day}/")),
        ("attendance-school", "attendance-school", "truong",
         of("own_school", "/attendance/schools/{pk}/")),
        ("attendance-pupil", "attendance-pupil", "truong", of("pupil", "/attendance/pupils/{pk}/")),
        ("attendance-calendar", "attendance-calendar", "truong",
         of("own_school", "/attendance/schools/{pk}/calendar/?year={year}")),
        ("attendance-import", "attendance-import", "truong",
         of("own_school", "/attendance/schools/{pk}/import/")),
        ("school-class", "school-class", "truong", of("klass", "/classes/{pk}/")),
        ("streaming-guidance-new", "streaming-guidance-new", "truong",
         of("own_school", "/schools/{pk}/career-guidance/new/")),
        ("streaming-destinations", "streaming-destinations", "truong",
         of("own_school", "/schools/{pk}/streaming/?year={year}")),
        # The district: its communes, results, plan, trends, the dossiers to review.
        ("unit-district", "unit", "huyen", of("district", "/units/{pk}/?year={year}")),
        ("unit-results-district", "unit-results", "huyen",
         of("district", "/units/{pk}/results/?year={year}")),
        ("unit-forms-district", "unit-forms", "huyen",
         of("district", "/units/{pk}/forms/?year={year}")),
        ("unit-form-district", "unit-form", "huyen",
         of("district", "/units/{pk}/forms/TH-02/?year={year}")),
        ("unit-schools-district", "unit-schools", "huyen",
         of("district", "/units/{pk}/schools/?year={year}")),
        ("streaming-rates-district", "streaming-rates", "huyen",
         of("district", "/units/{pk}/streaming/?year={year}")),
        ("dashboard-mobilisation", "dashboard-mobilisation", "huyen",
         of("district", "/units/{pk}/mobilisation/?year={year}")),
        ("dashboard-target-history", "dashboard-target-history", "huyen",
         of("district", "/units/{pk}/targets/history/")),
        ("dashboard-trends", "dashboard-trends", "huyen",
         of("district", "/units/{pk}/trends/?year={year}")),
        ("queue", "queue", "huyen", lambda w: "/recognition/queue/"),
        ("decided", "decided", "huyen", lambda w: "/recognition/decided/"),
        ("attendance-unit-district", "attendance-unit", "huyen",
         of("district", "/attendance/units/{pk}/?year={year}")),
        # The province: its districts and the streaming targets it sets.
        ("unit-province", "unit", "tinh", of("province", "/units/{pk}/?year={year}")),
        ("streaming-targets", "streaming-targets", "tinh",
         of("province", "/units/{pk}/streaming/targets/?year={year}")),
        # The province's administrator: accounts, ĐBKK communes, the second factor.
        ("admin-users", "admin-users", "quantri", lambda w: "/admin/users/"),
        ("admin-user-new", "admin-user-new", "quantri", lambda w: "/admin/users/new/"),
        ("admin-user-edit", "admin-user-edit", "quantri", of("staff_user", "/admin/users/{pk}/")),
        ("admin-difficult", "admin-difficult", "quantri", lambda w: "/admin/difficult/"),
        ("two-factor", "two-factor", "quantri", lambda w: "/account/two-factor/"),
        # The ministry: lands on the national totals by province.
        ("national", "national", "bo", lambda w: f"/national/?year={YEAR}"),
    ]
    return [Page(*row) for row in rows]


PAGES = _pages()
# Pages met as the officer meets them: (name, username, URL, the status the page carries).
ERRORS = [("error-404", "xa", "/units/999999/", 404), ("error-403", "xa", "/recognition/queue/",
                                                          403)]
# Routes whose page is only reachable in the middle of a journey, photographed there.
ELSEWHERE = {"login-code": "test_two_factor_pages.py",
             # A split old commune and the new communes it went into, which the tour's
             # commune is not: their own tour builds them.
             "unit-village-homes": "test_crossing_browser.py",
             "unit-crossing": "test_crossing_browser.py"}
# Routes that are no page of their own, and why.
NOT_A_PAGE = {
    "home": "sends each role to the page of its work (a redirect; tests/web/test_landings.py"
            " follows it for every role, and the journeys start there)",
    "logout": "POST only: signs out and redirects to the login page",
    "set_language": "POST only: switches the language and redirects back",
    "import-progress": "an htmx fragment polled into import-detail (photographed there)",
    "unit-households": "an htmx fragment: the household search's list, swapped into the"
                       " commune's page (photographed there)",
    "import-commit": "POST only: commits a previewed import and redirects to it",
    "import-report": "a download (XLSX)",
    "unit-forms-xlsx": "a download (XLSX)",
    "unit-name-lists-xlsx": "a download (XLSX)",
    "unit-export": "a download (XLSX)",
    "unit-field-forms": "a download (ZIP)",
    "village-field-forms-pdf": "a download (PDF)",
    "village-field-forms-xlsx": "a download (XLSX)",
    "dossier-pdf": "a download (PDF)",
    "attendance-at-risk-export": "a download (CSV)",
    "person-move": "POST only: records a move from the person's page and redirects",
    "duplicates-merge": "POST only: merges from the duplicates page and redirects",
}


def test_every_route_is_visited() -> None:
    """A new named route is in the tour, photographed by a journey, or said not a page."""
    from pathlib import Path

    from django.urls import get_resolver

    names = {key for key in get_resolver().reverse_dict if isinstance(key, str)}
    pages = {page.route for page in PAGES}
    api = {n for n in names if n.startswith("api-v1") or "openapi" in n}
    missing = names - api - pages - set(ELSEWHERE) - set(NOT_A_PAGE)
    assert not missing, (f"routes the browser tests never open: {sorted(missing)}; add each"
                         " to PAGES in tests/browser/test_every_page.py (or, if it is no page,"
                         " to NOT_A_PAGE with the reason)")
    gone = (pages | set(ELSEWHERE) | set(NOT_A_PAGE)) - names
    assert not gone, f"no such routes any more: {sorted(gone)}"
    assert not pages & set(NOT_A_PAGE)
    for route, module in ELSEWHERE.items():
        assert route in (Path(__file__).parent / module).read_text() or \
            "/login/code/" in (Path(__file__).parent / module).read_text(), (route, module)
    assert len({page.name for page in PAGES} | {e[0] for e in ERRORS}) == len(PAGES) + len(ERRORS)


@pytest.fixture
def world(units: dict[str, Any], accounts: dict[str, Any],
          commune_files: CommuneFiles) -> dict[str, Any]:
    """The commune's register, schools, attendance and streaming; an account per role."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from phocap.accounts.models import Role, User
    from phocap.attendance import demo as attendance_demo
    from phocap.attendance.models import ClassDay
    from phocap.dashboard.targets import set_targets
    from phocap.recognition import workflow
    from phocap.register import importing, jobs
    from phocap.register.models import Household, Person
    from phocap.rounds import demo as rounds_demo
    from phocap.schools import demo as schools_demo
    from phocap.schools.models import Enrolment, School, SchoolClass, Staff
    from phocap.streaming import demo as streaming_demo
    from phocap.survey.validate import validate

    commune, district, province = units["commune"], units["district"], units["province"]
    checked = validate(commune_files.good, year=YEAR, keep_records=True)
    assert checked.report.ok and checked.records is not None
    importing.load(checked.records)

    def user(username: str, role: str, unit: Any) -> Any:
        return User.objects.create_user(username=username, password=PASSWORD, role=role,
                                        unit=unit)

    made = {"truong": user("truong", Role.SCHOOL_STAFF, commune),
            "huyen": user("huyen", Role.DISTRICT_REVIEWER, district),
            "tinh": user("tinh", Role.PROVINCE_REVIEWER, province),
            "bo": user("bo", Role.MINISTRY_VIEWER, None)}
    schools_demo.load_demo([commune], YEAR, SEED, account="truong")
    streaming_demo.load_demo(YEAR, SEED)
    attendance_demo.load_demo(YEAR, SEED)

    staff = accounts["staff"]
    bad = commune_files.bad
    job = jobs.create(staff, SimpleUploadedFile(bad.name, bad.read_bytes()), YEAR)
    level = workflow.snapshot_of(commune, "primary", YEAR)["level"]
    dossier = workflow.submit(staff, commune, "primary", YEAR, level=max(level, 1),
                              comment="" if level else "Số liệu bổ sung sau điều tra.")
    set_targets(made["huyen"], district, YEAR, {"mobilisation.primary_6_10": Decimal("95")})
    made["dieutra"] = rounds_demo.load(staff, PASSWORD)  # the year's round, three visits

    teacher = Staff.objects.get(user=made["truong"])
    klass = SchoolClass.objects.filter(homeroom=teacher).order_by("pk").first()
    assert klass is not None, "the demo's schools gave the teacher no class"
    household = Household.objects.filter(commune=commune).order_by("household_no").first()
    person = Person.objects.filter(household=household).order_by("person_no").first()
    school = School.objects.filter(commune=commune).order_by("code").first()
    days = ClassDay.objects.filter(klass=klass).order_by("-date")
    day = days[0].date if days else dt.date(2022, 5, 31)
    return made | accounts | units | {
        "household": household, "person": person, "job": job, "dossier": dossier,
        "school": school, "own_school": klass.school, "klass": klass, "day": day,
        "pupil": Enrolment.objects.filter(klass=klass).order_by("pupil_no").first(),
        "staff": Staff.objects.filter(school=school).order_by("pk").first(),
        "staff_user": accounts["staff"]}


@pytest.mark.browser
@pytest.mark.skipif(bool(MISSING), reason=SKIP_REASON)
def test_every_page_reads_at_both_sizes_and_matches_its_screenshot(
        live_server: Any, browser: Any, world: dict[str, Any]) -> None:
    from phocap.accounts.models import User

    base = live_server.url
    visits = [(p.name, p.login, p.url(world), 200) for p in PAGES] + ERRORS
    refused = []
    for name, login, url, status in visits:
        client = Client()
        if login is not None:
            client.force_login(User.objects.get(username=login))
        response = client.get(url)
        if response.status_code != status:
            refused.append(f"{name} ({login}, {url}): {response.status_code}, not {status}")
        elif b"<main" not in response.content:
            refused.append(f"{name} ({login}, {url}): a fragment, not a page")
    assert not refused, "pages not shown to the role that opens them:\n" + "\n".join(refused)

    camera = Camera(browser, "page")
    problems: list[str] = []
    signed_in: str | None = None
    for name, login, url, _ in sorted(visits, key=lambda v: str(v[1])):
        if login != signed_in:
            browser.delete_all_cookies()
            if login is not None:
                log_in(browser, base, login)
            signed_in = login
        browser.get(f"{base}{url}")
        wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"), 60, name)
        problems += camera.problems(name)
    assert not problems, "\n".join(problems)
