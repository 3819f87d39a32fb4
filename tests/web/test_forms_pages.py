"""The forms pages: the register's forms, their consistency verdict, the workbook, and the
logged name lists (the scope matrix is in test_pages.py).

In ``surveyed`` each commune has one person, born 2010 and in grade 5 in 2021:
an 11-year-old who has not completed primary. Each commune's TH-M1 therefore
counts 1 person aged 11, 0 of them having completed primary; recording the
completion (primary_completed = 2021) must turn that 0 into 1 on the next view,
because the forms are cached under the commune's revision.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from phocap.register.models import AuditEntry, PersonYear
from phocap.register.reporting import cached_forms
from phocap.reports.consistency import figure
from tests.web.roles import PASSWORD

# The forms are computed through their own connection to the database (as the
# results are), which sees committed data only.
pytestmark = pytest.mark.django_db(transaction=True)
YEAR = 2021


def signed_in(make_user: Any, role: str, unit: Any) -> Client:
    client = Client()
    assert client.login(username=make_user(role, unit).username, password=PASSWORD)
    return client


def completed_at_11(form: Any) -> int | None:
    """The figure of TH-M1 that counts the commune's 11-year-olds who completed primary."""
    return figure(form, "completed_primary", 11, 11)


def test_the_forms_page_lists_every_form_and_finds_them_consistent(
        surveyed: dict[str, Any], make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    client = signed_in(make_user, "commune_staff", commune)
    page = client.get(f"/units/{commune.pk}/forms/?year={YEAR}").content.decode()
    assert 'id="consistency"' in page and "Các biểu khớp với nhau" in page
    for code in ("MN-01", "TH-M1", "THCS-M1", "XMC-3"):
        assert f"/units/{commune.pk}/forms/{code}/?year={YEAR}" in page
    sheet = client.get(f"/units/{commune.pk}/forms/TH-M1/?year={YEAR}").content.decode()
    assert 'class="official"' in sheet and "rowspan=" in sheet and "colspan=" in sheet


def test_the_workbook_has_one_sheet_per_form(surveyed: dict[str, Any], make_user: Any) -> None:
    district = surveyed["districts"][0]
    client = signed_in(make_user, "district_reviewer", district)
    response = client.get(f"/units/{district.pk}/forms.xlsx?year={YEAR}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = [f.code for f in cached_forms(district, YEAR)["forms"]]
    assert book.sheetnames == codes and "TH-02" in codes


def test_the_forms_follow_an_edit(surveyed: dict[str, Any], make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    staff = make_user("commune_staff", commune)

    def th_m1() -> Any:
        return next(f for f in cached_forms(commune, YEAR)["forms"] if f.code == "TH-M1")

    assert completed_at_11(th_m1()) == 0
    person = surveyed["people"]["03319"]
    client = Client()
    assert client.login(username=staff.username, password=PASSWORD)
    response = client.post(f"/persons/{person.pk}/?year={YEAR}", {
        "full_name": person.full_name, "birth_date": "2010", "sex": "nam",
        "current_class": "6", "primary_completed": "2021", "version": "1"})
    assert response.status_code == 302, response.content.decode()[:1000]
    assert PersonYear.objects.get(person=person).primary_completed == YEAR
    assert completed_at_11(th_m1()) == 1
    assert cached_forms(commune, YEAR)["problems"] == []


def test_the_name_lists_are_logged_and_carry_the_names(surveyed: dict[str, Any],
                                                        make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    PersonYear.objects.filter(person=surveyed["people"]["03319"]).update(primary_completed=YEAR)
    client = signed_in(make_user, "district_reviewer", surveyed["districts"][0])
    response = client.get(f"/units/{commune.pk}/name-lists.xlsx?year={YEAR}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
    assert "Người 03319" in cells
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, commune=commune)
    assert entry.after["file"] == f"danh-sach-{commune.code}-{YEAR}.xlsx"
