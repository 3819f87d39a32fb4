"""Likely duplicates: found on a hand-made commune, merged once, audited, refused when stale or
out of scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from phocap.register import duplicates
from phocap.register.editing import update_person
from phocap.register.locking import StaleEdit
from phocap.register.models import AuditEntry, Household, Person, PersonYear
from tests.web.roles import COVERS, ROLES


@pytest.fixture
def commune(tree: dict[str, Any]) -> dict[str, Any]:
    """Commune 03319 with three pairs that are one person each, and two pairs that are not.

    Household 0001 (from the tree) and 0002, both in the tree's village:
    - thuy1/thuy2: "Nguyễn Thị Thuỷ" and "NGUYỄN THỊ THỦY" (the other tone placement, upper
      case), both 2012, girls, in different households: one person;
    - minh1/minh2: "Lò Văn Minh" and "Lo Van Minh" 2011, the second's national ID is the
      first's with its last digit left out: one person;
    - lan1/lan2: "Cà Thị Lan" 2015 twice in household 0001: one person;
    - hoa1/hoa2: "Lường Thị Hoa" 2013, girls, but both with their own unrelated national IDs:
      two people;
    - tuan1/tuan2: "Quàng Văn Tuấn", born 2010 and 2014: two people.
    A "Nguyễn Thị Thủy" 2012 of commune 03322 is nobody's pair here.
    """
    first = tree["people"]["03319"].household
    second = Household.objects.create(commune=first.commune, village=first.village,
                                      household_no="0002", head_name="Lò Văn Pọm")
    numbers = {first.pk: 1, second.pk: 0}

    def person(household: Household, name: str, year: int, sex: str, **extra: Any) -> Any:
        numbers[household.pk] += 1
        return Person.objects.create(household=household, person_no=numbers[household.pk],
                                     full_name=name, birth_year=year, sex=sex, **extra)

    people = {
        "thuy1": person(first, "Nguyễn Thị Thuỷ", 2012, "nữ", ethnicity="Thái"),
        "thuy2": person(second, "NGUYỄN THỊ THỦY", 2012, "nữ", national_id="011312000777",
                        birth_date=dt.date(2012, 5, 4)),
        "minh1": person(first, "Lò Văn Minh", 2011, "nam", national_id="011211000456"),
        "minh2": person(second, "Lo Van Minh", 2011, "nam", national_id="01121100045"),
        "lan1": person(first, "Cà Thị Lan", 2015, "nữ"),
        "lan2": person(first, "Cà Thị Lan", 2015, "nữ"),
        "hoa1": person(first, "Lường Thị Hoa", 2013, "nữ", national_id="011313000001"),
        "hoa2": person(second, "Lường Thị Hoa", 2013, "nữ", national_id="011313999999"),
        "tuan1": person(first, "Quàng Văn Tuấn", 2010, "nam"),
        "tuan2": person(second, "Quàng Văn Tuấn", 2014, "nam"),
    }
    elsewhere = tree["people"]["03322"].household
    Person.objects.create(household=elsewhere, person_no=2, full_name="Nguyễn Thị Thủy",
                          birth_year=2012, sex="nữ")
    for key, years in (("thuy1", (2022, 2023)), ("thuy2", (2023, 2024))):
        for year in years:
            PersonYear.objects.create(person=people[key], survey_year=year,
                                      current_class=f"{year - 2018}{key[-1]}")
    return people


def _pairs(found: list[duplicates.Candidate], people: dict[str, Person]) -> list[tuple[str, str]]:
    names = {p.pk: key for key, p in people.items()}
    pairs = [sorted((names[c.first.pk], names[c.second.pk])) for c in found]
    return [(a, b) for a, b in pairs]


def test_pairs_found_and_non_pairs_not(tree: dict[str, Any], make_user: Any,
                                       commune: dict[str, Person]) -> None:
    user = make_user("commune_staff", tree["communes"]["03319"])
    found = duplicates.candidates(user, tree["communes"]["03319"])
    assert _pairs(found, commune) == [("minh1", "minh2"), ("lan1", "lan2"), ("thuy1", "thuy2")]
    by_pair = dict(zip(_pairs(found, commune), found, strict=True))
    assert [c.score for c in found] == [90, 75, 70]
    assert "số định danh gần trùng (thiếu hoặc sai một chữ số)" in by_pair["minh1", "minh2"].reasons
    assert "hai lần trong cùng một hộ" in by_pair["lan1", "lan2"].reasons
    thuy = by_pair["thuy1", "thuy2"]
    assert thuy.reasons == ["cùng họ tên", "cùng năm sinh", "cùng giới tính"]
    assert (thuy.first_years, thuy.second_years, thuy.clashes) == ([2022, 2023], [2023, 2024],
                                                                   [2023])


def test_related_ids() -> None:
    assert duplicates.ids_related("011211000456", "011211000457")
    assert duplicates.ids_related("011211000456", "01121100045")
    assert not duplicates.ids_related("011211000456", "011211000465")
    assert not duplicates.ids_related("011211000456", "01121")


def test_merge_moves_years_fills_blanks_and_audits(tree: dict[str, Any], make_user: Any,
                                                  commune: dict[str, Person]) -> None:
    staff = Client()
    staff.force_login(make_user("commune_staff", tree["communes"]["03319"]))
    kept, removed = commune["thuy1"], commune["thuy2"]
    url = reverse("duplicates", args=[tree["communes"]["03319"].pk])
    page = staff.get(url).content.decode()
    assert "NGUYỄN THỊ THỦY" in page and reverse("duplicates-merge",
                                                  args=[tree["communes"]["03319"].pk]) in page
    response = staff.post(reverse("duplicates-merge", args=[tree["communes"]["03319"].pk]), {
        "first": kept.pk, "first_version": 1, "second": removed.pk, "second_version": 1,
        "keep": kept.pk,
    }, follow=True)
    assert "Đã gộp vào Nguyễn Thị Thuỷ: chuyển 1 bản ghi năm, bỏ 1 bản ghi trùng năm" in (
        response.content.decode())
    assert not Person.objects.filter(pk=removed.pk).exists()
    kept.refresh_from_db()
    assert (kept.national_id, kept.birth_date, kept.ethnicity, kept.version
            ) == ("011312000777", dt.date(2012, 5, 4), "Thái", 2)
    years = dict(PersonYear.objects.filter(person=kept).values_list("survey_year",
                                                                     "current_class"))
    assert years == {2022: "41", 2023: "51", 2024: "62"}

    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.action, e.model) for e in entries] == [
        ("delete", "personyear"), ("update", "personyear"), ("delete", "person"),
        ("update", "person")]
    assert {e.commune_id for e in entries} == {tree["communes"]["03319"].pk}
    dropped, moved, deleted, updated = entries
    assert (dropped.before["person_id"], dropped.before["survey_year"], dropped.after) == (
        removed.pk, 2023, None)
    assert (moved.before["person_id"], moved.after["person_id"]) == (removed.pk, kept.pk)
    assert deleted.object_id == removed.pk and deleted.before["national_id"] == "011312000777"
    assert (updated.before["national_id"], updated.after["national_id"]) == (None,
                                                                             "011312000777")
    assert staff.get(url).content.decode().count("NGUYỄN THỊ THỦY") == 0


def test_the_removed_persons_record_wins_a_clash_when_chosen(
        tree: dict[str, Any], make_user: Any, commune: dict[str, Person]) -> None:
    staff = make_user("commune_staff", tree["communes"]["03319"])
    kept, removed = commune["thuy2"], commune["thuy1"]
    result = duplicates.merge(staff, tree["communes"]["03319"], kept.pk, 1, removed.pk, 1,
                              {2023: True})
    assert (result.moved_years, result.discarded_years) == ([2022, 2023], [2023])
    years = dict(PersonYear.objects.filter(person=kept).values_list("survey_year",
                                                                     "current_class"))
    assert years == {2022: "41", 2023: "51", 2024: "62"}
    kept.refresh_from_db()
    assert kept.full_name == "NGUYỄN THỊ THỦY" and kept.ethnicity == "Thái"


def test_stale_merge_is_refused_and_nothing_changes(tree: dict[str, Any], make_user: Any,
                                                   commune: dict[str, Person]) -> None:
    user = make_user("commune_staff", tree["communes"]["03319"])
    kept, removed = commune["thuy1"], commune["thuy2"]
    update_person(user, removed.pk, 1, {"ethnicity": "Mông"})
    before = AuditEntry.objects.count()
    with pytest.raises(StaleEdit):
        duplicates.merge(user, tree["communes"]["03319"], kept.pk, 1, removed.pk, 1)
    staff = Client()
    staff.force_login(user)
    response = staff.post(reverse("duplicates-merge", args=[tree["communes"]["03319"].pk]), {
        "first": kept.pk, "first_version": 1, "second": removed.pk, "second_version": 1,
        "keep": kept.pk,
    }, follow=True)
    assert "vừa được người khác sửa" in response.content.decode()
    assert Person.objects.filter(pk__in=[kept.pk, removed.pk]).count() == 2
    assert list(Person.objects.filter(pk__in=[kept.pk, removed.pk]).order_by("pk")
                .values_list("version", flat=True)) == [1, 2]
    assert PersonYear.objects.filter(person=kept).count() == 2
    assert AuditEntry.objects.count() == before




@pytest.fixture
def twins(tree: dict[str, Any]) -> dict[str, tuple[Person, Person]]:
    """In every commune, the tree's person entered a second time in the same household."""
    found = {}
    for code, person in tree["people"].items():
        twin = Person.objects.create(household=person.household, person_no=2,
                                     full_name=person.full_name, birth_year=person.birth_year,
                                     sex=person.sex)
        found[code] = (person, twin)
    return found


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("code", ["03319", "03322", "03370", "00001"])
def test_scope_matrix_no_read_or_merge_crosses_scope(
        tree: dict[str, Any], make_user: Any, twins: dict[str, tuple[Person, Person]],
        role: str, unit_of: Any, code: str) -> None:
    client = Client()
    client.force_login(make_user(role, unit_of(tree)))
    target = tree["communes"][code]
    kept, removed = twins[code]
    merge_url = reverse("duplicates-merge", args=[target.pk])
    own = role == "commune_staff" and code == "03319"

    response = client.get(reverse("duplicates", args=[target.pk]))
    if role == "ministry_viewer":
        assert response.status_code == 403
    elif role == "school_staff" and code in COVERS[role]:
        assert response.status_code == 403  # a commune-wide list: not a school's to read
    elif code not in COVERS[role]:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert kept.full_name in response.content.decode()
        assert (merge_url in response.content.decode()) is own
    if response.status_code != 200:
        assert kept.full_name not in response.content.decode()

    posted = client.post(merge_url, {"first": kept.pk, "first_version": 1,
                                     "second": removed.pk, "second_version": 1,
                                     "keep": kept.pk})
    if own:
        assert posted.status_code == 302
        assert not Person.objects.filter(pk=removed.pk).exists()
        return
    if role == "ministry_viewer" or code in COVERS[role]:
        assert posted.status_code == 403
    else:
        assert posted.status_code == 404
    assert kept.full_name not in posted.content.decode()
    assert Person.objects.filter(pk__in=[kept.pk, removed.pk]).count() == 2
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
def test_only_a_commune_has_a_duplicates_page(tree: dict[str, Any], make_user: Any,
                                              role: str, unit_of: Any) -> None:
    client = Client()
    client.force_login(make_user(role, unit_of(tree)))
    for unit in (tree["province"], *tree["districts"]):
        assert client.get(reverse("duplicates", args=[unit.pk])).status_code == 404
        assert client.post(reverse("duplicates-merge", args=[unit.pk])).status_code == 404


def test_staff_cannot_merge_across_communes(tree: dict[str, Any], make_user: Any,
                                            commune: dict[str, Person]) -> None:
    staff = Client()
    staff.force_login(make_user("commune_staff", tree["communes"]["03319"]))
    own, other = commune["thuy1"], tree["people"]["03322"]
    for target in (tree["communes"]["03319"], tree["communes"]["03322"]):
        response = staff.post(reverse("duplicates-merge", args=[target.pk]), {
            "first": own.pk, "first_version": 1, "second": other.pk, "second_version": 1,
            "keep": own.pk})
        assert response.status_code == 404
    assert Person.objects.filter(pk__in=[own.pk, other.pk]).count() == 2
    assert not AuditEntry.objects.exists()


def test_a_school_reads_no_duplicates_not_even_of_its_pupils(two_schools: dict[str, Any]
                                                              ) -> None:
    """The page lists the commune's people side by side with their national IDs: a
    school's account, even one whose pupil is on it, is refused."""
    pupil = two_schools["pupils"]["own"]
    Person.objects.create(household=pupil.household, person_no=2, full_name=pupil.full_name,
                          birth_year=pupil.birth_year, sex=pupil.sex)
    client = Client()
    client.force_login(two_schools["logins"]["own"])
    response = client.get(reverse("duplicates", args=[pupil.household.commune_id]))
    assert response.status_code == 403
    assert pupil.full_name not in response.content.decode()


def test_a_register_with_thousands_of_pairs_shows_the_best_and_says_so(
        tree: dict[str, Any], make_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page offers the best pairs only (SHOWN_PAIRS) and says how many there are."""
    from phocap.register.views import duplicates as page

    monkeypatch.setattr(page, "SHOWN_PAIRS", 2)
    person = tree["people"]["03319"]
    for number in (2, 3, 4):  # four copies of one person: six pairs
        Person.objects.create(household=person.household, person_no=number,
                              full_name=person.full_name, birth_year=person.birth_year,
                              sex=person.sex)
    client = Client()
    client.force_login(make_user("commune_staff", tree["communes"]["03319"]))
    response = client.get(reverse("duplicates", args=[person.household.commune_id]))
    assert len(response.context["pairs"].object_list) == 2
    assert "Có 6 cặp có thể trùng; chỉ hiện 2 cặp có điểm cao nhất" in response.content.decode()
