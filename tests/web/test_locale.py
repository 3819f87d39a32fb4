"""The English catalogue: pages switch to English when a user picks it, Vietnamese stays
the default, and every source string has a checked English translation.

The interface is written in Vietnamese; phocap/locale/en/LC_MESSAGES/django.po holds
the English. When a string is added or changed in a template or in Python, refresh and
translate the catalogue, then compile it (the .mo is committed, so a fresh machine needs
no gettext tools):

    cd phocap && ../.venv/bin/python ../manage.py makemessages -l en \\
        --ignore "migrations/*" --no-obsolete
    # translate every empty msgstr, drop the "#, fuzzy" flags after checking them
    ../.venv/bin/python ../manage.py compilemessages
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings

from phocap.register.models import PersonYear

PASSWORD = "mat-khau-du-manh-2021"
YEAR = 2021
PACKAGE = Path(__file__).resolve().parents[2] / "phocap"
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
HOW_TO_FIX = (
    "run `cd phocap && ../.venv/bin/python ../manage.py makemessages -l en "
    "--ignore 'migrations/*' --no-obsolete`, translate every empty msgstr in "
    "phocap/locale/en/LC_MESSAGES/django.po (and remove '#, fuzzy' after checking), "
    "then `../.venv/bin/python ../manage.py compilemessages` and commit both files"
)


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


# --- a small .po reader (no polib) ---------------------------------------------------------

@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def translated(self) -> bool:
        forms = 2 if self.msgid_plural is not None else 1
        return all(self.msgstr.get(i) for i in range(forms))


def read_po(path: Path) -> list[Entry]:
    """Every active entry of a .po file (obsolete ``#~`` entries are skipped), header included."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which field a continuation line extends
    pending_flags: set[str] = set()

    def start(line_no: int) -> Entry:
        nonlocal pending_flags
        entry = Entry(flags=pending_flags, line=line_no)
        pending_flags = set()
        entries.append(entry)
        return entry

    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            target = None
            continue
        if line.startswith("#,"):
            pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            current, target = None, None
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        text = ast.literal_eval(rest) if rest else ""
        if keyword == "":
            assert current is not None and target is not None, f"{path}:{line_no}: stray string"
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += text
            else:
                setattr(current, name, (getattr(current, name) or "") + text)
            continue
        if keyword in ("msgctxt", "msgid") and (
                current is None or current.msgstr or (keyword == "msgid" and current.msgid)):
            current = start(line_no)
        assert current is not None, f"{path}:{line_no}: {keyword} outside an entry"
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, text)
            target = (keyword, 0)
        elif m := re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword):
            index = int(m.group(1) or 0)
            current.msgstr[index] = text
            target = ("msgstr", index)
        else:
            raise AssertionError(f"{path}:{line_no}: unexpected {keyword!r}")
    return entries


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]")


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


# --- the catalogue -------------------------------------------------------------------------

def test_the_catalogue_reader_sees_what_it_should(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
                  '#: a.py:1\n#, fuzzy, python-format\nmsgid "Xin %(x)s"\nmsgstr "Hello %(x)s"\n\n'
                  'msgid "Một "\n"hai"\nmsgstr ""\n\n'
                  'msgid "người"\nmsgid_plural "người"\nmsgstr[0] "person"\nmsgstr[1] ""\n\n'
                  '#~ msgid "cũ"\n#~ msgstr ""\n', encoding="utf-8")
    header, fuzzy, empty, plural = read_po(po)
    assert header.msgid == "" and "Language: en" in header.msgstr[0] and not header.flags
    assert fuzzy.flags == {"fuzzy", "python-format"} and fuzzy.translated
    assert empty.msgid == "Một hai" and not empty.translated
    assert plural.msgid_plural == "người" and not plural.translated


def test_every_string_is_translated_and_none_is_fuzzy() -> None:
    entries = read_po(CATALOGUE)
    header, messages = entries[0], entries[1:]
    assert header.msgid == "" and "Language: en" in header.msgstr[0]
    assert len(messages) > 250, "the catalogue looks truncated"
    untranslated = [e.msgid for e in messages if not e.translated]
    fuzzy = [e.msgid or "(header)" for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}; {HOW_TO_FIX}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:10]}; {HOW_TO_FIX}"


def test_translations_keep_their_placeholders() -> None:
    wrong = [(e.msgid, form) for e in read_po(CATALOGUE)[1:] for form in e.msgstr.values()
             if placeholders(form) != placeholders(e.msgid_plural or e.msgid)
             and placeholders(form) != placeholders(e.msgid)]
    assert not wrong, f"placeholders differ between source and translation: {wrong}"


def test_the_compiled_catalogue_matches_the_po() -> None:
    assert COMPILED.exists(), f"{COMPILED} is missing; {HOW_TO_FIX}"
    with COMPILED.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = [e.msgid for e in read_po(CATALOGUE)[1:]
             if e.msgid_plural is None and e.msgctxt is None
             and compiled.gettext(e.msgid) != e.msgstr[0]]
    assert not stale, (f"django.mo is older than django.po for {stale[:10]}; "
                       "run `../.venv/bin/python ../manage.py compilemessages` in phocap/")


@pytest.mark.skipif(not all(shutil.which(t) for t in ("xgettext", "msgmerge", "msguniq")),
                    reason="GNU gettext tools are not installed")
def test_the_catalogue_covers_every_source_string(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """makemessages on a copy of the sources finds no string the committed catalogue lacks."""
    copy = tmp_path / "phocap"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns(
        "static", "migrations", "__pycache__", "*.mo", "data"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[]):
        call_command("makemessages", locale=["en"], ignore_patterns=["migrations/*"],
                     no_obsolete=True, verbosity=0)
    fresh = read_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")[1:]
    committed = {(e.msgctxt, e.msgid) for e in read_po(CATALOGUE)[1:]}
    lacking = list(dict.fromkeys(
        [e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed]
        + [e.msgid for e in fresh if not e.translated or "fuzzy" in e.flags]))
    assert not lacking, (
        f"{len(lacking)} source strings without an English translation: {lacking[:10]}; "
        f"{HOW_TO_FIX}")


# --- the pages -----------------------------------------------------------------------------

def english(client: Client) -> Client:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_the_login_page_is_vietnamese_by_default() -> None:
    html = Client().get("/login/").content.decode()
    assert '<html lang="vi">' in html
    for text in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu",
                 "Hệ thống theo dõi phổ cập giáo dục – xóa mù chữ."):
        assert text in html
    assert "Sign in" not in html and "Username" not in html


@pytest.mark.django_db
def test_the_login_page_in_english() -> None:
    html = english(Client()).get("/login/").content.decode()
    assert '<html lang="en">' in html
    for text in ("Sign in", "Username", "Password",
                 "Monitoring system for universal education and literacy."):
        assert text in html
    for text in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu", "phổ cập giáo dục"):
        assert text not in html


@pytest.mark.django_db
def test_the_language_cookie_alone_selects_english() -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get("/login/").content.decode()
    assert "Sign in" in html and "Đăng nhập" not in html


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_english(tree: dict[str, Any], make_user: Any) -> None:
    user = make_user("commune_staff", tree["communes"]["03319"])
    html = english(Client()).post("/login/", {"username": user.username,
                                              "password": "sai"}).content.decode()
    assert "Incorrect username or password." in html
    assert "Sai tên đăng nhập hoặc mật khẩu." not in html


COMMUNE_VI = ("Kết quả phổ cập chi tiết", "Nhật ký thay đổi", "Trùng lặp cần xem",
              "Lên lớp, mở năm mới", "Hộ gia đình", "Thêm hộ", "Thôn/xóm", "Số hộ",
              "Chủ hộ", "Số phiếu", "Năm điều tra", "Đăng xuất")
COMMUNE_EN = ("Detailed universal-education results", "Change log", "Duplicates to review",
              "Roll-over to a new year", "Households", "Add household", "Village",
              "Head of household", "Form number", f"People in {YEAR}", "Survey year",
              "Sign out")


def commune_page(client: Client, tree: dict[str, Any], make_user: Any) -> str:
    commune = tree["communes"]["03319"]
    PersonYear.objects.create(person=tree["people"]["03319"], survey_year=YEAR,
                              current_class="5", class_level="primary", class_grade=5)
    user = make_user("commune_staff", commune)
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/units/{commune.pk}/?year={YEAR}")
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_commune_page_in_english(tree: dict[str, Any], make_user: Any) -> None:
    html = commune_page(english(Client()), tree, make_user)
    assert '<html lang="en">' in html
    assert "Thôn 03319" in html  # the data itself is not translated
    for text in COMMUNE_EN:
        assert text in html, text
    for text in COMMUNE_VI:
        assert text not in html, text


def test_a_commune_page_is_vietnamese_by_default(tree: dict[str, Any], make_user: Any) -> None:
    html = commune_page(Client(), tree, make_user)
    assert '<html lang="vi">' in html
    for text in COMMUNE_VI:
        assert text in html, text
    for text in ("Detailed universal-education results", "Change log", "Add household"):
        assert text not in html, text
