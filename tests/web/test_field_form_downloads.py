"""A village's pre-filled field forms on the commune's page: the PDF and the ministry's
workbook, downloaded by those who read the commune's people, refused to others, and
logged as a bulk read; then for a village of the demo, read back (pdftotext, the
official reader).

The small tree (tests/web/conftest.py) gives commune 03319 one village, "Thôn 03319",
with household 0001 and its one person, "Người 03319", a grade-5 pupil in 2021.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import polars as pl
import pytest
from django.core.management import call_command
from django.test import Client

from phocap.accounts.models import User
from phocap.register.engine_table import survey_record
from phocap.register.models import AuditEntry, Household
from phocap.survey.official import writing
from phocap.survey.official.reading import Context
from phocap.survey.schema import SCHEMA
from phocap.survey.validate import validate
from tests.web.roles import signed_in

YEAR = 2021
KEY = ["village", "household_no", "person_no"]
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")


def pdf_pages(content: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, check=True,
                          capture_output=True).stdout.decode()
    return text.split("\f")[:-1]


def read_back(content: bytes, village: str, commune: str, folder: Path) -> pl.DataFrame:
    """The workbook as an import reads it: the village from the file's name."""
    path = folder / writing.file_name(village, ".xlsx")
    path.write_bytes(content)
    result = validate([path], year=YEAR, keep_records=True,
                      context=Context(commune_code=commune))
    assert result.report.ok, result.report.problems.head(5).to_dicts()
    assert result.records is not None
    return result.records.sort(KEY).select(list(SCHEMA))


@needs_poppler
def test_the_commune_downloads_its_villages_forms_and_each_is_logged(
        surveyed: dict[str, Any], make_user: Any, tmp_path: Path) -> None:
    staff = make_user("commune_staff", surveyed["communes"]["03319"])
    client = signed_in(staff)
    village = surveyed["people"]["03319"].household.village
    page = client.get(f"/units/{surveyed['communes']['03319'].pk}/?year={YEAR}")
    assert f"/villages/{village.pk}/field-forms.pdf?year={YEAR}".encode() in page.content

    pdf = client.get(f"/villages/{village.pk}/field-forms.pdf?year={YEAR}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert quote("Phiếu in sẵn Thôn 03319 2021.pdf", safe="") in pdf["Content-Disposition"]
    (sheet,) = pdf_pages(pdf.content)  # one household, one sheet
    assert "Số phiếu: 0001" in sheet and "Người 03319" in sheet
    assert "Xã: commune 03319" in sheet and "Tỉnh: province 11" in sheet

    book = client.get(f"/villages/{village.pk}/field-forms.xlsx?year={YEAR}")
    assert book.status_code == 200
    assert quote("Thôn 03319.xlsx", safe="") in book["Content-Disposition"]
    records = read_back(book.content, village.name, "03319", tmp_path)
    assert records.select("village", "household_no", "full_name", "current_class").rows() == [
        ("Thôn 03319", "0001", "Người 03319", "5")]

    logged = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, user=staff)
    assert sorted(logged.values_list("commune__code", "after__file", "after__rows")) == [
        ("03319", "Phiếu in sẵn Thôn 03319 2021.pdf", 1), ("03319", "Thôn 03319.xlsx", 1)]


def test_the_communes_zip_holds_each_villages_forms(surveyed: dict[str, Any],
                                                    make_user: Any) -> None:
    reviewer = make_user("district_reviewer", surveyed["districts"][0])
    response = signed_in(reviewer).get(
        f"/units/{surveyed['communes']['03322'].pk}/field-forms.zip?year={YEAR}")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["Phiếu in sẵn Thôn 03322 2021.pdf",
                                              "Thôn 03322.xlsx"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, user=reviewer,
                                     commune__code="03322").count() == 1


def test_outside_its_scope_a_village_does_not_exist_and_nothing_is_logged(
        surveyed: dict[str, Any], make_user: Any) -> None:
    other = surveyed["people"]["03370"].household.village  # in the other district
    reviewer = signed_in(make_user("district_reviewer", surveyed["districts"][0]))
    school = signed_in(make_user("school_staff", surveyed["communes"]["03319"]))
    own = surveyed["people"]["03319"].household.village
    for kind in ("pdf", "xlsx"):
        assert reviewer.get(f"/villages/{other.pk}/field-forms.{kind}").status_code == 404
        assert reviewer.get(f"/villages/999999/field-forms.{kind}").status_code == 404
        # A school's staff read their own pupils, never a whole village.
        assert school.get(f"/villages/{own.pk}/field-forms.{kind}").status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.slow
@needs_poppler
@pytest.mark.django_db
def test_a_demo_villages_forms_read_back(tmp_path: Path) -> None:
    """The demo commune's largest village: a sheet per household at least, in the order of
    their numbers, every person of the village on them; its workbook reads back, through
    the official reader, as the register's records (what the template carries)."""
    call_command("loaddemo", people=3000, until=YEAR, output=tmp_path / "demo",
                 stdout=io.StringIO())
    staff = User.objects.get(username="xa")
    commune = staff.unit
    assert commune is not None
    households = Household.objects.filter(commune=commune)
    village = max({h.village for h in households}, key=lambda v: v.households.count())
    numbers = sorted(households.filter(village=village).values_list("household_no", flat=True),
                     key=int)
    records = (survey_record(YEAR, [commune.code]).to_polars().cast(pl.Schema(SCHEMA))
               .filter(pl.col("village") == village.name).sort(KEY).select(list(SCHEMA)))
    assert records.height > 0
    client = Client()
    client.force_login(staff)

    pdf = client.get(f"/villages/{village.pk}/field-forms.pdf?year={YEAR}")
    assert pdf.status_code == 200
    pages = pdf_pages(pdf.content)
    shown = [next(line.split("Số phiếu:")[1].split("(")[0].strip() for line in page.splitlines()
                  if "Số phiếu:" in line) for page in pages]
    surveyed = set(records["household_no"].to_list())
    assert list(dict.fromkeys(shown)) == [n for n in numbers if n in surveyed]
    assert len(pages) >= len(surveyed)
    text = "\n".join(pages)
    for name in records["full_name"].to_list():
        assert name in text, name

    book = client.get(f"/villages/{village.pk}/field-forms.xlsx?year={YEAR}")
    assert book.status_code == 200
    back = read_back(book.content, village.name, commune.code, tmp_path)
    expected = writing.carried(records).sort(KEY).select(list(SCHEMA))
    for column in SCHEMA:  # carried: blank where the template has no place (writing.notes)
        assert back[column].to_list() == expected[column].to_list(), column
