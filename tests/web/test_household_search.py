"""The household search finds what an officer types, as they type it (issue 14, item 7).

Names and villages match without tones and in any case ("Hang A Chinh" finds "Hàng A
Chính", "ban hua" finds "Bản Hua Phiêng"), on SQLite and PostgreSQL alike (the one
folding, ``survey.text.search_fold``, is ``phocap_fold`` in the database), and a
household found counts each of its members once whatever the search joined.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from phocap.register.models import Household, Person, PersonYear, Village
from phocap.register.search import Folded
from phocap.survey.text import VIETNAMESE_LETTERS, search_fold

YEAR = 2021


@pytest.fixture
def family(surveyed: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """Household 0042 of Bản Hua Phiêng (commune 03319), head Hàng A Chính, eight members
    surveyed in 2021 whose names all contain "Hàng"."""
    commune = surveyed["communes"]["03319"]
    village = Village.objects.create(commune=commune, name="Bản Hua Phiêng")
    household = Household.objects.create(commune=commune, village=village, household_no="0042",
                                         head_name="Hàng A Chính")
    for n in range(1, 9):
        person = Person.objects.create(household=household, person_no=n,
                                       full_name=f"Hàng Thị Ởn {n}" if n > 1 else "Hàng A Chính",
                                       birth_year=1980 + n, sex="nữ")
        PersonYear.objects.create(person=person, survey_year=YEAR)
    client = Client()
    client.force_login(make_user("commune_staff", commune))
    return {"commune": commune, "household": household, "client": client}


def found(family: dict[str, Any], query: str) -> list[tuple[str, str, str, str]]:
    """(number, head, village, members) of each household the search lists."""
    page = family["client"].get(f"/units/{family['commune'].pk}/households/",
                                {"year": YEAR, "q": query}).content.decode()
    return re.findall(r'<td><a [^>]*>([^<]*)</a></td>\s*<td>([^<]*)</td><td>([^<]*)</td>'
                      r'<td class="num">([^<]*)</td>', page)


@pytest.mark.parametrize("query", ["Hang A Chinh", "hàng a chính", "HANG A CHINH", "chinh",
                                   "ởn 3", "on 3", "0042", "ban hua", "Hua Phieng"])
def test_a_search_without_tones_or_case_finds_the_household_counted_once(
        family: dict[str, Any], query: str) -> None:
    assert found(family, query) == [("0042", "Hàng A Chính", "Bản Hua Phiêng", "8")]


def test_a_search_that_matches_nothing_lists_nothing(family: dict[str, Any]) -> None:
    assert found(family, "Lò Văn") == []


def test_the_database_folds_every_vietnamese_letter_as_python_does(db: Any) -> None:
    """``phocap_fold`` (a SQL function on PostgreSQL, a registered one on SQLite) and
    ``search_fold`` agree on each of the 134 Vietnamese letters with marks and on đ/Đ."""
    assert len(VIETNAMESE_LETTERS) == 2 * 67
    text = " ".join(VIETNAMESE_LETTERS) + " ABC xyz"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phocap_fold(%s)", [text])
        (folded,) = cursor.fetchone()
    assert folded == search_fold(text)
    assert set(folded) <= set("abcdefghijklmnopqrstuvwxyz ")


def test_a_folded_column_is_compared_with_a_folded_query(family: dict[str, Any]) -> None:
    named = Village.objects.annotate(key=Folded("name")).filter(key__contains=search_fold("HUA"))
    assert list(named.values_list("name", flat=True)) == ["Bản Hua Phiêng"]
