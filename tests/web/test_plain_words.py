"""Every page, download and template reads as plain Vietnamese, with figures written one way.

An officer found "Village:", "followup #374", "absence #213046", ISO dates, "(#132810)",
"…đạt chuẩn (literacy)", "(docs/rules.md §3)" and the file's class codes "3*", "9!" in the
interface, "14804" without its thousands point and "18%" beside "59,25%" (issue 14, items 2
and 8). Here each demo account (`loaddemo`, a 3,000-person district: counts above a
thousand, schools, attendance with follow-ups, a submitted dossier) opens every named route
whose arguments the demo can fill, and the visible text of each answer (tags, scripts,
styles and attribute values dropped, except title, placeholder and aria-label; for an
XLSX its text cells, for a PDF its text) is searched for what an officer should never read.
The templates' own words are searched too, so a page the walk cannot reach is covered.

What the results pages' criterion labels and legal citations still show belongs to the
results wording (another part of issue 14): ``LEFT_FOR_THE_RESULTS_WORDING`` lists it,
and is emptied once that part is merged.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver

PACKAGE = Path(__file__).parents[2] / "phocap"

# What an officer should never read, each with the defect it stands for.
ENGLISH = re.compile(
    r"\b(Village|Household|Person|School|Klass|Enrolment|Site|Staff|follow ?up|followup"
    r"|absence|literacy|primary|lower_secondary|upper_secondary|preschool|commune|district"
    r"|province|None|True|False|This field is required|Submit|Save|Cancel)\b")
FORBIDDEN: dict[str, re.Pattern[str]] = {
    "an English or internal word": ENGLISH,
    "an internal number (#id)": re.compile(r"#\d+"),
    "an ISO date (31/05/2023 is how a date reads)": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a developer's document": re.compile(r"\w+\.md\b|§"),
    "a ruleset key": re.compile(r"\bnd\d+-\d{4}\b"),
    "a citation in English (Điều 16 Nghị định 20/2014/NĐ-CP)": re.compile(r"\bArts? \d+"),
    "a dotted criterion key": re.compile(r"\b[a-z_]+\.\d+\.[a-z_]+"),
    "a class code left to decode (lớp 9 (lưu ban))":
        re.compile(r"(?<![\w*!])(?:NT|MG[345]|BT\d{1,2}|\d{1,2})[!*]{1,2}(?![\w*!])"),
}
# A count of a thousand or more written without its thousands point ("14804", not
# "14.804"). Years (1900–2100) are never grouped; codes start with 0 or sit inside a word
# ("11100LC01"); times, fractions and ranges are left alone.
UNGROUPED = re.compile(r"(?<![\w.,/:–\-#])[1-9]\d{3,}(?![\w.,/:–\-])")
CODE_BEFORE = re.compile(r"(mã|số|phiếu|Mã|Số)\s*$")

# Found by the walk on the results pages, reworded by the results part of issue 14 (its
# criterion labels, roll-up wording and citations "Điều 16 Nghị định 20/2014/NĐ-CP"):
# (route name, what). The lead empties this list after merging that part.
LEFT_FOR_THE_RESULTS_WORDING: list[tuple[str, str]] = []
# The survey file exported for editing and importing again keeps the file format's own
# class codes (docs/survey-format.md, "Class codes"): an import reads them back.
FILE_FORMAT: set[tuple[str, str]] = {
    ("unit-export", "a class code left to decode (lớp 9 (lưu ban))"),
}


class Visible(HTMLParser):
    """The text an officer reads: data outside script and style, and the attributes a
    browser shows or reads aloud (title, placeholder, aria-label). Cells are kept apart
    by a line break so a table's numbers never run together."""

    SHOWN = ("title", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.verbatim: list[str] = []  # open elements marked translate="no"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A key to copy letter for letter (the second factor's secret) is marked
        # translate="no": its digits are no count, and it must not be reworded.
        if tag in ("script", "style") or self.verbatim:
            self.hidden += 1
        elif ("translate", "no") in attrs:
            self.verbatim.append(tag)
            self.hidden += 1
        self.parts.append("\n")
        self.parts += [value + "\n" for name, value in attrs if name in self.SHOWN and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") or self.verbatim:
            self.hidden -= 1
            if self.verbatim and self.hidden == 0 and tag == self.verbatim[-1]:
                self.verbatim.pop()
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return "".join(parser.parts)


def problems(text: str, numbers: bool = True) -> Iterator[tuple[str, str]]:
    """(what, where) for each thing in ``text`` an officer should not read."""
    for line in text.splitlines():
        for what, pattern in FORBIDDEN.items():
            for found in pattern.finditer(line):
                yield what, line[max(0, found.start() - 30):found.end() + 30].strip()
        if not numbers:
            continue
        for found in UNGROUPED.finditer(line):
            if 1900 <= int(found.group()) <= 2100 or CODE_BEFORE.search(line[:found.start()]):
                continue
            yield ("a count without its thousands point (14.804)",
                   line[max(0, found.start() - 30):found.end() + 30].strip())


# A mark an officer cannot act on: "chưa kiểm chứng" (or "cách hiểu của phocap") must be
# followed by what it means for the result, as rules/words.py says it ("… kết quả có thể
# thay đổi", "… mức này có thể thay đổi"); a verdict's note names several criteria before
# it, hence the room.
BARE_MARK = "a mark without what it means (chưa kiểm chứng …, kết quả có thể thay đổi)"
MARK_WORDS = re.compile(r"chưa kiểm chứng|cách hiểu của phocap|\[diễn giải\]", re.I)
MEANING = "có thể thay đổi"
MEANING_WITHIN = 900


def bare_marks(text: str) -> list[str]:
    """Each mark in ``text`` (whitespace folded, so a PDF's wrapped lines read as one) not
    followed by what it means within MEANING_WITHIN characters."""
    flat = " ".join(text.split())
    return [flat[max(0, m.start() - 30):m.end() + 60] for m in MARK_WORDS.finditer(flat)
            if MEANING not in flat[m.end():m.end() + MEANING_WITHIN]]


MIXED = "rates written two ways in one column (95,24% beside 18%)"
PERCENT = re.compile(r"(?<![\d,])\d{1,3}(?:,\d+)?%")


class Columns(HTMLParser):
    """The percentages of each table column, to find a rate printed "18%" in a column of
    "59,25%" (a threshold has its own column, and reads "95%" there). Only a cell of
    figures counts ("3 (75,00%)"), not one with words: a sentence in a cell ("Chuyên cần
    82,50% (dưới 90%)") states a rate beside its threshold, each in its own form."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[int, list[str]]] = []
        self.column = -1
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({})
        elif tag == "tr":
            self.column = -1
        elif tag in ("td", "th") and self.tables:
            span = dict(attrs).get("colspan") or "1"
            self.column += int(span) if span.isdigit() else 1
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.tables:
            text = "".join(self.cell).strip()
            self.tables[-1].setdefault(self.column, []).extend(
                [] if re.search(r"[^\W\d_]", text) else PERCENT.findall(text))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def mixed_columns(html: str) -> list[str]:
    parser = Columns()
    parser.feed(html)
    found = []
    for table in parser.tables:
        for cells in table.values():
            two = [c for c in cells if re.fullmatch(r"\d+,\d\d%", c)]
            other = [c for c in cells if not re.fullmatch(r"\d+,\d\d%", c)]
            if two and other:
                found.append(f"{other[0]} beside {two[0]}")
    return found


def test_the_patterns_catch_the_issue_and_pass_plain_vietnamese() -> None:
    """Guard against a guard that matches nothing (or everything): each example of the
    issue is caught, and the way it should read is not."""
    caught = {what for text in ("Village: Bản Pồn", "followup #374", "absence #213046",
                                "ngày 2023-05-31", "(#132810)", "đạt chuẩn (literacy)",
                                "(rules.md §3)", "lớp 3*", "9!", "Bộ quy tắc: nd20-2014",
                                "primary.3.share_of_communes", "có 14804 người",
                                "ND20 Art 16")
              for what, _ in problems(text)}
    assert caught == set(FORBIDDEN) | {"a count without its thousands point (14.804)"}
    plain = ("Thôn/xóm: Bản Pồn", "14.804 người", "95,24%", "31/05/2023", "năm sinh 2008",
             "lớp 9 (lưu ban)", "Điều 16 Nghị định 20/2014/NĐ-CP", "mã 11100", "hộ 0212",
             "23:34", "1/140", "2023–2024", "Trường 11100LC01", "Họ tên *")
    assert [p for text in plain for p in problems(text)] == []
    assert mixed_columns("<table><tr><td>18%</td></tr><tr><td>59,25%</td></tr></table>")
    assert not mixed_columns("<table><tr><td>59,25%</td><td>95%</td></tr></table>")
    assert not mixed_columns("<table><tr><td>59,25%</td></tr>"
                             "<tr><td>Chuyên cần 82,50% (dưới 90%)</td></tr></table>")
    assert visible('<p title="Village">a<script>x="2023-01-01"</script><b data-x="#1">b'
                   '</b></p>').split() == ["Village", "a", "b"]
    # The second factor's secret (random letters and digits: "GEZD4567…" read as a count
    # of 4567 without its thousands point) is to be copied, not read.
    assert visible('<li>gõ khóa <p class="secret" translate="no">GEZD4567<b>89</b></p>'
                   ' rồi 12345</li>').split() == ["gõ", "khóa", "rồi", "12345"]
    # The bare marks the pages showed before issue 15, caught; their words, not.
    assert bare_marks("Chưa kiểm chứng với văn bản gốc: Tiểu học mức 3")
    assert bare_marks("Giáo viên/lớp: 2,2 [chưa kiểm chứng]\nPhòng học/lớp: 1")
    from phocap.rules import words
    assert not bare_marks(words.explained("primary.3.grade_1_at_6", "unverified"))
    assert not bare_marks(words.mark_explained("interpretation"))


# Template words: the literal text of every template and the strings it translates.
TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
TRANS = re.compile(r"{%\s*trans\s+\"([^\"]*)\"|{%\s*blocktrans[^%]*%}(.*?){%\s*endblocktrans",
                   re.S)
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)


def template_words(source: str) -> str:
    source = COMMENT.sub("", source)
    said = [a or b for a, b in TRANS.findall(source)]
    literal = TAG.sub(" ", re.sub(r"#{{.*?}}", "#1", source))
    return visible(literal) + "\n" + "\n".join(visible(s) for s in said)


def test_no_template_writes_an_english_or_internal_word() -> None:
    """Each template's own words (outside its tags, and inside {% trans %}): a page the walk
    below does not reach still reads plain. "#{{ id }}" counts as an internal number. No
    template writes a mark of its own: marks read through rules/words.py (the filter
    ``mark_explained``, the views' ``caveat``), which says what they mean."""
    found = []
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        words = template_words(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(PACKAGE)}: {what}: {where}"
                  for what, where in problems(words, numbers=False)]
        found += [f"{path.relative_to(PACKAGE)}: {BARE_MARK}: {where}"
                  for where in bare_marks(words)]
    assert found == []


# Routes the walk does not open, and why.
NOT_WALKED = {
    "home": "sends each role to the page of its work, which the walk opens itself",
    "logout": "signs out",
    "set_language": "a POST that sets a cookie",
    "login-code": "the second step of signing in, with no second factor set",
    "import-commit": "a POST",
    "duplicates-merge": "a POST",
    "import-report": "the XLSX the check of a real upload writes (survey/report.py), "
                     "opened in tests/web/test_import_pages.py",
    "unit-village-homes": "an old commune split among new ones, which the demo district "
                          "does not have: tests/web/test_crossing_pages.py reads the page "
                          "with this module's patterns",
}


def arguments(world: dict[str, Any], name: str, route: str) -> list[dict[str, Any]]:
    """The keyword arguments to open ``name`` with, from the demo's objects."""
    if name == "attendance-day":
        day = world["day"]
        return [{"pk": day.klass_id, "day": day.date.isoformat()}]
    if name in ("unit-form", "unit-form-reconcile"):
        return [{"pk": world["commune"].pk, "code": code} for code in world["forms"]]
    if name == "unit-people":
        return [{"pk": world["commune"].pk, "criterion": key} for key in world["criteria"]]
    prefixes = (("units/", "units"), ("attendance/communes/", "units"),
                ("attendance/units/", "units"),
                ("households/", "household"), ("persons/", "person"), ("villages/", "village"),
                ("attendance/schools/", "school"), ("schools/", "school"),
                ("attendance/classes/", "class"), ("classes/", "class"),
                ("attendance/pupils/", "enrolment"), ("staff/", "staff"),
                ("dossiers/", "dossier"), ("imports/", "import"), ("admin/users/", "user"))
    for prefix, key in prefixes:
        if route.startswith(prefix):
            found = world[key]
            return [{"pk": obj.pk} for obj in (found if isinstance(found, list) else [found])]
    raise AssertionError(f"no arguments for {name} ({route})")


def routes() -> list[tuple[str, str, list[str]]]:
    found = []
    for key, value in get_resolver().reverse_dict.items():
        if not isinstance(key, str) or key.startswith("api-v1") or "openapi" in key:
            continue
        route, params = value[0][0]
        found.append((key, route, params))
    return sorted(found)


def demo_world(tmp_path: Path) -> dict[str, Any]:
    """The demo district (3,000 people) carried into the merged communes of 2025, a dossier
    submitted by the demo's merged commune, and the objects each route is opened on: the
    units of both eras (the merged commune and its new province; an old commune it was
    made of, its district and old province), a household and a pupil of 2025, the
    teacher's school, class, a recorded day and a pupil with the most absences, and every
    form of 2025 and criterion of the commune."""
    from django.db.models import Count

    from phocap.accounts.models import User
    from phocap.attendance.models import ClassDay
    from phocap.recognition import workflow
    from phocap.register import lineage
    from phocap.register.models import ImportJob, PersonYear
    from phocap.register.results import cached_results
    from phocap.reports.forms import CODES_ND277
    from phocap.schools.models import Enrolment, Staff

    call_command("loaddemo", people=3000, output=tmp_path / "demo", stdout=io.StringIO())
    staff = User.objects.get(username="xa")
    commune = staff.unit
    assert commune is not None and commune.parent is not None
    province = commune.parent
    old = min((link.old for link in lineage.predecessors(commune)
               if PersonYear.objects.filter(person__household__commune=link.old).exists()),
              key=lambda unit: unit.code)
    district = old.parent
    assert district is not None and district.parent is not None
    latest = PersonYear.objects.filter(person__household__commune=commune).order_by(
        "-survey_year").values_list("survey_year", flat=True).first()
    repeater = (PersonYear.objects.filter(person__household__commune=commune,
                                          survey_year=latest, current_class__contains="*")
                .select_related("person__household").first())
    assert repeater is not None
    teacher = Staff.objects.select_related("school").get(user__username="truong")
    school = teacher.school
    day = ClassDay.objects.filter(klass__school=school).order_by("-date").first()
    assert day is not None
    enrolment = (Enrolment.objects.filter(klass=day.klass).annotate(n=Count("absences"))
                 .order_by("-n").first())
    evaluation = cached_results(commune, latest)
    criteria = sorted({c.key for unit in evaluation.units for s in unit.standards.values()
                       for c in s.criteria})
    dossier = None
    for standard in ("primary", "lower_secondary", "literacy"):
        try:
            dossier = workflow.submit(staff, commune, standard, latest)
            break
        except workflow.Refused:
            continue
    assert dossier is not None, "no standard of the merged commune could be submitted"
    job = ImportJob.objects.create(user=staff, unit=commune, path=str(tmp_path),
                                   file_name="xa.csv", survey_year=latest,
                                   status=ImportJob.Status.PREVIEWED,
                                   preview={"new": 1204, "changed": 0, "unchanged": 1,
                                            "missing": 0, "sample": []})
    return {"commune": commune, "units": [commune, province, old, district, district.parent],
            "household": repeater.person.household, "person": repeater.person,
            "village": repeater.person.household.village,
            "school": school, "class": day.klass, "day": day, "enrolment": enrolment,
            "staff": teacher, "dossier": dossier, "import": job,
            "user": User.objects.get(username="truong"), "forms": CODES_ND277,
            "criteria": criteria}


def read(response: Any) -> tuple[str, str]:
    """(kind, the text an officer reads) of a response."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "html" in kind:
        html = body.decode()
        return "html", visible(html) + "\n" + "\n".join(
            f"{MIXED}: {m}" for m in mixed_columns(html))
    if "spreadsheet" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body))
        cells = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    # A cell reads as its format shows it: a date not as "dd/mm/yyyy"
                    # and a count of a thousand or more without "#,##0" are written out
                    # as the spreadsheet would show them, for the patterns to find.
                    value, shape = cell.value, cell.number_format.lower()
                    if isinstance(value, str):
                        cells.append(value)
                    elif isinstance(value, dt.datetime | dt.date):
                        cells.append("" if shape.startswith("dd/mm/yyyy")
                                     else value.isoformat()[:10])
                    elif (isinstance(value, int) and not isinstance(value, bool)
                          and "#,##0" not in shape):
                        cells.append(str(value))
        return "xlsx", "\n".join(cells)
    if "pdf" in kind and shutil.which("pdftotext"):
        return "pdf", subprocess.run(["pdftotext", "-layout", "-", "-"], input=body,
                                     check=True, capture_output=True).stdout.decode()
    return kind, ""


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_and_download_of_every_role_reads_as_plain_vietnamese(
        tmp_path: Path, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    from phocap.accounts.models import User

    settings.VAR_DIR = tmp_path
    world = demo_world(tmp_path)
    users = list(User.objects.filter(username__in=("xa", "truong", "huyen", "tinh",
                                                   "quantri", "bo", "dieutra")))
    assert len(users) == 7
    left = set(LEFT_FOR_THE_RESULTS_WORDING) | FILE_FORMAT
    met: set[tuple[str, str]] = set()
    found: list[str] = []
    opened: set[str] = set()
    anonymous = Client()
    for name, route, params in routes():
        if name in NOT_WALKED:
            continue
        calls = [{}] if not params else arguments(world, name, route)
        # Every role opens the route with every unit level; a route of a form or a
        # criterion is opened with each one by the first role that may, with the first
        # by the others.
        everything = True
        for user in [None, *users] if not params else users:
            client = anonymous
            if user is not None:
                client = Client()
                client.force_login(user)
            for kwargs in calls if everything else calls[:1]:
                url = "/" + route % kwargs
                response = client.get(url)
                if response.status_code != 200:
                    continue
                everything = "code" not in params and "criterion" not in params
                opened.add(name)
                kind, text = read(response)
                who = user.username if user else "—"
                for what, where in problems(text, numbers=kind != "text/csv"):
                    met.add((name, what))
                    if (name, what) not in left:
                        found.append(f"{name} {who} {url} [{kind}]: {what}: {where}")
                for where in bare_marks(text):
                    found.append(f"{name} {who} {url} [{kind}]: {BARE_MARK}: {where}")
                if MIXED in text and (name, MIXED) not in left:
                    found += [f"{name} {who} {url} [{kind}]: {line}"
                              for line in text.splitlines() if line.startswith(MIXED)]
    # One line per route and defect, with its first example and how often it was met.
    by_kind: dict[str, list[str]] = {}
    for line in found:
        name, who, url, rest = line.split(" ", 3)
        by_kind.setdefault(f"{name} {rest.split(': ')[0]} {rest.split(': ')[1]}", []).append(
            line)
    report = sorted(f"{lines[0]} (×{len(lines)})" for lines in by_kind.values())
    assert report == [], f"{len(report)} things an officer should not read:\n" + "\n".join(
        report)
    # An entry no page shows any more has been fixed: take it off the list.
    assert left - met == set(), "fixed: remove from LEFT_FOR_THE_RESULTS_WORDING/FILE_FORMAT"
    walked = {name for name, _, _ in routes()} - set(NOT_WALKED)
    assert walked - opened == set(), "routes no demo account could open"
