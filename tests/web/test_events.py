"""Events recorded as events (issue 14, item 5): a move out, a move in, a death, a birth.

Each is a form of its own with its date and, for a move, where to or from; the first
POST shows what will be recorded, and only the confirmed one writes, through
register/editing.py (audited, on the person's version, refused in a frozen year).
The survey record keeps the facts: ``status`` (chuyển đi, chuyển đến, chết) and
``status_detail`` ("Chuyển đi ngày 15/03/2021, đến: xã Mường Phăng").
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from phocap.register.models import AuditEntry, Person, PersonYear

YEAR = 2021


@pytest.fixture
def staff(surveyed: dict[str, Any], make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("commune_staff", surveyed["communes"]["03319"]))
    return client


@pytest.fixture
def pupil(surveyed: dict[str, Any]) -> Person:
    person: Person = surveyed["people"]["03319"]
    return person


def status(person: Person) -> tuple[str, str]:
    surveyed = PersonYear.objects.get(person=person, survey_year=YEAR)
    return surveyed.status, surveyed.status_detail


def test_the_household_page_offers_events_as_links_not_a_preset_select(
        pupil: Person, staff: Client) -> None:
    page = staff.get(f"/households/{pupil.household_id}/?year={YEAR}").content.decode()
    assert '<select name="action"' not in page
    assert f"/persons/{pupil.pk}/move/?year={YEAR}&event=moved_out" in page
    assert f"/persons/{pupil.pk}/move/?year={YEAR}&event=deceased" in page
    assert "event=born" in page and "event=moved_in" in page


def test_a_move_out_needs_its_date_and_destination_and_a_confirmation(
        pupil: Person, staff: Client) -> None:
    url = f"/persons/{pupil.pk}/move/?year={YEAR}&event=moved_out"
    assert staff.get(url).status_code == 200
    bare = staff.post(url, {"event": "moved_out", "version": "1"})
    assert bare.status_code == 200
    assert "Hãy ghi ngày xảy ra" in bare.content.decode()
    assert "Hãy ghi nơi chuyển đến hoặc chuyển đi" in bare.content.decode()
    filled = {"event": "moved_out", "date": "15/03/2021", "place": "xã Mường Phăng",
              "version": "1"}
    asked = staff.post(url, filled)
    assert asked.status_code == 200
    assert "Chuyển đi ngày 15/03/2021, đến: xã Mường Phăng" in asked.content.decode()
    assert status(pupil) == ("", "")  # nothing written before the confirmation
    done = staff.post(url, filled | {"confirmed": "on"})
    assert done.status_code == 302
    assert status(pupil) == ("chuyển đi", "Chuyển đi ngày 15/03/2021, đến: xã Mường Phăng")
    assert AuditEntry.objects.filter(model="personyear", action="update").count() == 1


def test_a_death_has_its_date_and_undoing_it_clears_the_detail(pupil: Person,
                                                                staff: Client) -> None:
    url = f"/persons/{pupil.pk}/move/?year={YEAR}&event=deceased"
    done = staff.post(url, {"event": "deceased", "date": "02/02/2022", "version": "1",
                            "confirmed": "on"})
    assert done.status_code == 302
    assert status(pupil) == ("chết", "Mất ngày 02/02/2022")
    stale = staff.post(f"/persons/{pupil.pk}/move/?year={YEAR}&event=stays",
                       {"event": "stays", "version": "1", "confirmed": "on"})
    assert "vừa được người khác sửa" in stale.content.decode()
    staff.post(f"/persons/{pupil.pk}/move/?year={YEAR}&event=stays",
               {"event": "stays", "version": "2", "confirmed": "on"})
    assert status(pupil) == ("", "")


def test_an_event_in_the_future_or_of_an_unknown_kind_is_refused(pupil: Person,
                                                                  staff: Client) -> None:
    url = f"/persons/{pupil.pk}/move/?year={YEAR}&event=deceased"
    future = staff.post(url, {"event": "deceased", "date": "01/01/2999", "version": "1",
                              "confirmed": "on"})
    assert "chưa tới" in future.content.decode()
    assert status(pupil) == ("", "")
    assert staff.get(f"/persons/{pupil.pk}/move/?year={YEAR}&event=vanished").status_code == 404


def test_a_move_in_is_a_new_member_with_its_date_and_origin(pupil: Person,
                                                            staff: Client) -> None:
    url = f"/households/{pupil.household_id}/members/new/?year={YEAR}&event=moved_in"
    form = {"event": "moved_in", "full_name": "Lò Văn Đến", "birth_date": "2000",
            "sex": "nam", "date": "01/09/2021", "place": "xã Thanh Nưa"}
    asked = staff.post(url, form)
    assert asked.status_code == 200
    assert not Person.objects.filter(full_name="Lò Văn Đến").exists()
    assert staff.post(url, form | {"confirmed": "on"}).status_code == 302
    arrived = Person.objects.get(full_name="Lò Văn Đến")
    assert status(arrived) == ("chuyển đến", "Chuyển đến ngày 01/09/2021, từ: xã Thanh Nưa")


def test_a_birth_needs_the_full_birth_date(pupil: Person, staff: Client) -> None:
    url = f"/households/{pupil.household_id}/members/new/?year={YEAR}&event=born"
    year_only = staff.post(url, {"event": "born", "full_name": "Lò Thị Bé", "birth_date": "2021",
                                 "sex": "nữ", "confirmed": "on"})
    assert "hãy ghi đủ ngày sinh" in year_only.content.decode()
    assert staff.post(url, {"event": "born", "full_name": "Lò Thị Bé",
                            "birth_date": "01/08/2021", "sex": "nữ",
                            "confirmed": "on"}).status_code == 302
    assert status(Person.objects.get(full_name="Lò Thị Bé")) == ("", "")


def test_the_same_person_is_not_added_twice_even_typed_without_tones(pupil: Person,
                                                                     staff: Client) -> None:
    """A second "Thêm" of the same member, even from a fresh form (so not the same POST),
    is refused by name (with or without tones), year of birth and sex."""
    url = f"/households/{pupil.household_id}/members/new/?year={YEAR}&event=born"
    first = {"event": "born", "full_name": "Lò Thị Bé", "birth_date": "01/08/2021",
             "sex": "nữ", "confirmed": "on"}
    assert staff.post(url, first).status_code == 302
    again = staff.post(url, first | {"full_name": "Lo Thi Be", "birth_date": "02/08/2021"})
    assert again.status_code == 200
    assert "Hộ này đã có Lò Thị Bé" in again.content.decode()
    assert Person.objects.filter(household=pupil.household).count() == 2



def test_the_household_head_is_its_first_member(surveyed: dict[str, Any],
                                                 staff: Client) -> None:
    """A new household goes on to its head's form (name and "chủ hộ" filled in); until
    the head is a member, the household's page says so."""
    commune = surveyed["communes"]["03319"]
    created = staff.post(f"/units/{commune.pk}/households/new/",
                         {"household_no": "0777", "new_village": "Bản Mới",
                          "head_name": "Quàng Văn Chủ", "residence": "thường trú"})
    household = commune.households.get(household_no="0777")
    url = f"/households/{household.pk}/members/new/?event=resident&head=1"
    assert created["Location"] == url
    form = staff.get(url).content.decode()
    assert 'value="Quàng Văn Chủ"' in form and 'value="chủ hộ"' in form
    page = f"/households/{household.pk}/?year={YEAR}"
    assert "Chủ hộ Quàng Văn Chủ chưa có trong danh sách thành viên" in (
        staff.get(page).content.decode())
    added = staff.post(url + f"&year={YEAR}", {
        "event": "resident", "full_name": "Quang Van Chu", "birth_date": "1980", "sex": "nam",
        "relationship": "chủ hộ", "confirmed": "on"})
    assert added.status_code == 302, added.content.decode()[:2000]
    assert "chưa có trong danh sách thành viên" not in staff.get(page).content.decode()


def test_going_back_from_the_confirmation_keeps_what_was_typed(pupil: Person,
                                                               staff: Client) -> None:
    url = f"/persons/{pupil.pk}/move/?year={YEAR}&event=moved_out"
    typed = {"event": "moved_out", "date": "15/03/2021", "place": "xã Mường Phăng",
             "version": "1", "confirmed": "on", "edit": "1"}
    again = staff.post(url, typed).content.decode()
    assert 'value="xã Mường Phăng"' in again and "Tiếp tục" in again
    assert status(pupil) == ("", "")


def test_the_new_members_form_leaves_the_status_to_the_event(pupil: Person,
                                                             staff: Client) -> None:
    page = staff.get(f"/households/{pupil.household_id}/members/new/?year={YEAR}"
                     "&event=born").content.decode()
    assert 'name="status"' not in page and 'name="status_detail"' not in page
