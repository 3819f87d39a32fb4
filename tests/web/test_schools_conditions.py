"""Recognition conditions from the schools' facts (schools/conditions.py) on the results.

The `surveyed` tree: one pupil per commune. Commune 03319 gets a primary school
of 2 classes (grades 1 and 2) and the specialists; 2 × 0,7 = 1,4 rooms and
2 × 1,5 = 3 teachers needed.
"""

from __future__ import annotations

from typing import Any

import pytest

from phocap.register import results
from phocap.register.hooks import Unmet
from phocap.register.locking import StaleEdit
from phocap.schools import conditions, services
from phocap.schools.models import School, Staff
from phocap.schools.norms import SPECIALISTS

YEAR = 2021


@pytest.fixture
def officer(surveyed: dict[str, Any], make_user: Any) -> Any:
    return make_user("commune_staff", surveyed["communes"]["03319"])


@pytest.fixture
def school(surveyed: dict[str, Any], officer: Any) -> School:
    commune = surveyed["communes"]["03319"]
    school = services.save_school(officer, commune, None, None, {
        "code": "11100TH01", "name": "Trường Tiểu học Một", "level": "primary"})
    for name, grade in (("1A", "1"), ("2A", "2")):
        services.add_class(officer, school, YEAR, name, grade)
    for subject in ("class", "class", *SPECIALISTS["primary"]):
        services.save_staff(officer, school, None, None,
                            {"full_name": f"Giáo viên {subject}", "role": "teacher",
                             "subject": subject})
    services.save_staff(officer, school, None, None,
                        {"full_name": "Y tá", "role": Staff.Role.NURSE})
    return school


def primary_conditions(commune: Any) -> str:
    return results.cached_results(commune, YEAR).unit(commune.code).standards["primary"].conditions


def test_nothing_entered_is_not_assessed(surveyed: dict[str, Any], school: School) -> None:
    """Classes and staff but no yearly facts and no officer: not assessed, never met."""
    commune = surveyed["communes"]["03319"]
    assert conditions.for_communes([commune], YEAR) == {}
    assert primary_conditions(commune) == "not_assessed"


@pytest.mark.parametrize(("rooms", "appointed", "expected"), [
    (1, "Lò Văn Theo", False),   # 1 room < 1,4
    (2, "Lò Văn Theo", True),    # 2 rooms ≥ 1,4
    (2, "", False),              # nobody appointed
])
def test_rooms_and_monitoring_person(surveyed: dict[str, Any], school: School, officer: Any,
                           rooms: int, appointed: str, expected: bool) -> None:
    commune = surveyed["communes"]["03319"]
    services.save_facts(officer, school, YEAR, None, {
        "classrooms": rooms, "qualified_teachers": 7, "monitoring_person": appointed})
    found = conditions.for_communes([commune], YEAR)["03319"]
    assert found["primary"] is expected
    # Literacy: the persons of the schools teaching primary (D12, [interpretation]).
    assert found["literacy"] is bool(appointed)
    # No preschool or THCS classes in the commune: those stay not assessed.
    assert "preschool_5" not in found and "lower_secondary" not in found


def test_a_teacher_short_fails_the_norm(surveyed: dict[str, Any], school: School,
                                        officer: Any) -> None:
    """7 teachers for 2 classes (3 needed) meet it; the norm counts active teachers only."""
    commune = surveyed["communes"]["03319"]
    services.save_facts(officer, school, YEAR, None, {
        "classrooms": 2, "qualified_teachers": 7, "monitoring_person": "Lò Văn Theo"})
    assert conditions.for_communes([commune], YEAR)["03319"]["primary"] is True
    Staff.objects.filter(school=school, role="teacher").exclude(pk__in=Staff.objects.filter(
        school=school, role="teacher").order_by("pk")[:2]).update(active=False)
    assert conditions.for_communes([commune], YEAR)["03319"]["primary"] is False


def test_editing_classrooms_changes_the_results_page(
        surveyed: dict[str, Any], school: School, officer: Any, client: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """The edit is audited under the commune, raising its revision: the cached answer goes."""
    commune = surveyed["communes"]["03319"]
    with django_capture_on_commit_callbacks(execute=True):
        facts = services.save_facts(officer, school, YEAR, None, {
            "classrooms": 2, "qualified_teachers": 7, "monitoring_person": "Lò Văn Theo"})
    assert primary_conditions(commune) == "met"
    client.force_login(officer)
    page = client.get(f"/units/{commune.pk}/results/?year={YEAR}").content.decode()
    assert 'data-conditions="met"' in page and 'data-conditions="not_met"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        services.save_facts(officer, school, YEAR, facts.version, {"classrooms": 1})
    assert primary_conditions(commune) == "not_met"
    page = client.get(f"/units/{commune.pk}/results/?year={YEAR}").content.decode()
    assert 'data-conditions="not_met"' in page
    # Preschool and THCS: no school teaches them here, so they stay not assessed.
    assert page.count('data-conditions="not_assessed"') == 2


def test_a_stale_form_is_refused(surveyed: dict[str, Any], school: School,
                                 officer: Any) -> None:
    facts = services.save_facts(officer, school, YEAR, None, {"classrooms": 2})
    services.save_facts(officer, school, YEAR, facts.version, {"classrooms": 3})
    with pytest.raises(StaleEdit):
        services.save_facts(officer, school, YEAR, facts.version, {"classrooms": 1})


def test_a_failing_condition_names_the_school_the_norm_and_the_shortfall(
        surveyed: dict[str, Any], school: School, officer: Any, client: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    """Issue 14: a commune failing on facilities read "Chưa đạt" with every rate green and
    was never told which norm it missed. 1 room for 2 primary classes: 1/2 = 0,50 room per
    class against 0,7; 0,7 × 2 = 1,4 rooms needed, ⌈1,4⌉ − 1 = 1 room short. The school's
    7 teachers for 2 classes (1,5 × 2 = 3) meet their norm and are not listed."""
    commune = surveyed["communes"]["03319"]
    with django_capture_on_commit_callbacks(execute=True):
        services.save_facts(officer, school, YEAR, None, {
            "classrooms": 1, "qualified_teachers": 7, "monitoring_person": "Lò Văn Theo"})
    sentence = "Phòng học: 1 phòng / 2 lớp tiểu học = 0,50 phòng/lớp, cần ≥ 0,7; thiếu 1 phòng"
    assert conditions.unmet(commune, YEAR) == {
        "primary": [Unmet(school.pk, "Trường Tiểu học Một", (sentence,))]}
    client.force_login(officer)
    link = f'<a href="/schools/{school.pk}/?year={YEAR}">Trường Tiểu học Một</a>: {sentence}'
    results_page = client.get(f"/units/{commune.pk}/results/?year={YEAR}").content.decode()
    assert f'<ul class="unmet" data-unmet="primary"><li>{link}</li></ul>' in results_page
    schools_page = client.get(f"/units/{commune.pk}/schools/?year={YEAR}").content.decode()
    assert link in schools_page
    school_page = client.get(f"/schools/{school.pk}/?year={YEAR}").content.decode()
    assert f'<li data-check="rooms">{sentence}: <span class="failed">' in school_page
    assert ("Giáo viên: 7 giáo viên / 2 lớp tiểu học 2 buổi/ngày = 3,50 giáo viên/lớp, cần ≥ 1,5"
            " (định mức tối đa)") in school_page


@pytest.mark.parametrize(("person", "expected", "sentence"), [
    (None, None, "Người theo dõi công tác phổ cập của trường: chưa nhập"),
    ("", False, "Người theo dõi công tác phổ cập của trường: chưa phân công"),
    ("Lò Văn Theo", True, ""),
])
def test_the_schools_monitoring_person_is_a_condition_of_the_school(
        surveyed: dict[str, Any], school: School, officer: Any, client: Any,
        person: str | None, expected: bool | None, sentence: str) -> None:
    """D12: TT07 puts the person following PCGD–XMC in each establishment. The school meets
    its other conditions (2 rooms ≥ 1,4; 7 teachers ≥ 3, all qualified), so its person
    alone decides primary and literacy, and the school is named with the reason."""
    commune = surveyed["communes"]["03319"]
    services.save_facts(officer, school, YEAR, None, {
        "classrooms": 2, "qualified_teachers": 7, "monitoring_person": person})
    found = conditions.for_communes([commune], YEAR).get("03319", {})
    assert found.get("primary") is expected and found.get("literacy") is expected
    reasons = conditions.unmet(commune, YEAR)
    if expected:
        assert reasons == {}
    else:
        assert reasons["literacy"] == [Unmet(school.pk, "Trường Tiểu học Một", (sentence,))]
        assert reasons["primary"] == reasons["literacy"]
        client.force_login(officer)
        page = client.get(f"/schools/{school.pk}/?year={YEAR}").content.decode()
        assert f'<li data-check="monitoring">{sentence}: ' in page


def test_the_ministry_reads_the_failing_school_without_a_link_it_may_not_open(
        surveyed: dict[str, Any], school: School, officer: Any, make_user: Any,
        client: Any) -> None:
    """The ministry viewer reads results but no school's pages (403): the school is named,
    not linked."""
    commune = surveyed["communes"]["03319"]
    services.save_facts(officer, school, YEAR, None, {
        "classrooms": 1, "qualified_teachers": 7, "monitoring_person": "Lò Văn Theo"})
    client.force_login(make_user("ministry_viewer", None))
    page = client.get(f"/units/{commune.pk}/results/?year={YEAR}").content.decode()
    assert "<li>Trường Tiểu học Một: Phòng học: 1 phòng / 2 lớp tiểu học" in page
    assert f"/schools/{school.pk}/" not in page


@pytest.fixture
def preschool(surveyed: dict[str, Any], officer: Any) -> School:
    """A preschool of 03319: 2 nursery groups, MG5A of two sessions a day, MG5B of one."""
    commune = surveyed["communes"]["03319"]
    school = services.save_school(officer, commune, None, None, {
        "code": "11100MN01", "name": "Trường Mầm non Một", "level": "preschool"})
    for name, grade, two in (("NT1", "NT", True), ("NT2", "NT", True), ("MG5A", "MG5", True),
                             ("MG5B", "MG5", False)):
        services.add_class(officer, school, YEAR, name, grade, two_sessions=two)
    for n in range(9):
        services.save_staff(officer, school, None, None,
                            {"full_name": f"Cô {n}", "role": "teacher", "subject": "preschool"})
    return school


@pytest.mark.parametrize(("teachers", "expected"), [
    (None, None),   # not entered: not assessed, never met
    (3, False),     # 2,2 + 1,2 = 3,4 > 3
    (4, True),      # 4 ≥ 3,4
    (5, True),
])
def test_the_five_year_olds_teachers_decide_preschool_5(
        surveyed: dict[str, Any], preschool: School, officer: Any, teachers: int | None,
        expected: bool | None) -> None:
    """D7: TT07 Art 3 asks for enough teachers of the 5-year-olds' classes. MG5A (two
    sessions) 2,2 + MG5B (one session) 1,2 = 3,4; the nursery groups and the school's 9
    teachers do not enter it. The 2 rooms of the 2 MG5 classes meet the room norm."""
    commune = surveyed["communes"]["03319"]
    services.save_facts(officer, preschool, YEAR, None, {
        "classrooms": 4, "five_year_old_teachers": teachers, "five_year_old_rooms": 2,
        "qualified_teachers": 9, "monitoring_person": "Lò Văn Theo"})
    assert conditions.for_communes([commune], YEAR).get("03319", {}).get("preschool_5") is expected
    reasons = conditions.unmet(commune, YEAR).get("preschool_5")
    if teachers is None:
        assert reasons == [Unmet(preschool.pk, "Trường Mầm non Một",
                                 ("Giáo viên dạy lớp mẫu giáo 5 tuổi: chưa nhập",))]
    elif expected is False:
        assert reasons == [Unmet(preschool.pk, "Trường Mầm non Một", (
            "Giáo viên dạy lớp mẫu giáo 5 tuổi: 3 giáo viên, cần ≥ 2,2 × 1 lớp mẫu giáo 5 tuổi"
            " học 2 buổi/ngày + 1,2 × 1 lớp mẫu giáo 5 tuổi học 1 buổi/ngày = 3,4 giáo viên"
            " (định mức tối đa); thiếu 1 giáo viên so với định mức tối đa",))]
    else:
        assert reasons is None


@pytest.mark.parametrize(("rooms", "expected"), [(None, None), (1, False), (2, True), (3, True)])
def test_the_five_year_olds_rooms_decide_preschool_5(
        surveyed: dict[str, Any], preschool: School, officer: Any, rooms: int | None,
        expected: bool | None) -> None:
    """D13: the rooms the MG5 classes use against those 2 classes (1 each); the school's 4
    rooms, two of them the nursery groups', do not count. 4 MG5 teachers ≥ 3,4 meet theirs."""
    commune = surveyed["communes"]["03319"]
    services.save_facts(officer, preschool, YEAR, None, {
        "classrooms": 4, "five_year_old_teachers": 4, "five_year_old_rooms": rooms,
        "qualified_teachers": 9, "monitoring_person": "Lò Văn Theo"})
    assert conditions.for_communes([commune], YEAR).get("03319", {}).get("preschool_5") is expected
    reasons = conditions.unmet(commune, YEAR).get("preschool_5")
    if rooms is None:
        assert reasons == [Unmet(preschool.pk, "Trường Mầm non Một",
                                 ("Phòng học của các lớp mẫu giáo 5 tuổi: chưa nhập",))]
    elif rooms == 1:
        assert reasons == [Unmet(preschool.pk, "Trường Mầm non Một", (
            "Phòng học của các lớp mẫu giáo 5 tuổi: 1 phòng / 2 lớp mẫu giáo 5 tuổi"
            " = 0,50 phòng/lớp, cần ≥ 1; thiếu 1 phòng",))]


@pytest.mark.parametrize(("qualified", "expected"), [(None, None), (6, False), (7, True)])
def test_every_teacher_at_standard_decides_primary(
        surveyed: dict[str, Any], school: School, officer: Any, client: Any,
        qualified: int | None, expected: bool | None) -> None:
    """D11: TT07 Art 4 asks for 100% of teachers at the qualification standard. The school's
    7 teachers: 7 qualified meet it, 6 do not (6/7 = 85,71%, 1 short); not entered reads
    "chưa nhập" and primary stays not assessed, on the school page too."""
    commune = surveyed["communes"]["03319"]
    services.save_facts(officer, school, YEAR, None, {
        "classrooms": 2, "qualified_teachers": qualified, "monitoring_person": "Lò Văn Theo"})
    assert conditions.for_communes([commune], YEAR).get("03319", {}).get("primary") is expected
    sentence = {None: "Giáo viên đạt chuẩn trình độ đào tạo: chưa nhập",
                6: "Giáo viên đạt chuẩn trình độ đào tạo: 6/7 giáo viên (85,71%), cần 100%;"
                   " thiếu 1 giáo viên",
                7: "Giáo viên đạt chuẩn trình độ đào tạo: 7/7 giáo viên (100,00%), cần 100%"
                }[qualified]
    reasons = conditions.unmet(commune, YEAR).get("primary")
    assert reasons == (None if expected else [Unmet(school.pk, "Trường Tiểu học Một",
                                                    (sentence,))])
    client.force_login(officer)
    page = client.get(f"/schools/{school.pk}/?year={YEAR}").content.decode()
    assert f'<li data-check="qualification">{sentence}: ' in page
    assert "(Điều 3, 4, 5 Thông tư 07/2016/TT-BGDĐT)" in page


@pytest.mark.parametrize(("name", "nobody", "stored"), [
    ("", False, None),                      # left blank: not entered
    ("", True, ""),                         # "nobody appointed": an answer that fails
    ("  Lò Văn Theo ", False, "Lò Văn Theo"),
])
def test_the_facts_form_tells_nobody_appointed_from_not_entered(
        school: School, officer: Any, client: Any, name: str, nobody: bool,
        stored: str | None) -> None:
    from phocap.schools.models import SchoolYearFacts

    client.force_login(officer)
    data = {"classrooms": "2", "semi_boarding_pupils": "0", "boarding_pupils": "0",
            "monitoring_person": name, "version": "0"}
    if nobody:
        data["nobody_monitoring"] = "on"
    response = client.post(f"/schools/{school.pk}/year/?year={YEAR}", data)
    assert response.status_code == 302
    assert SchoolYearFacts.objects.get(school=school, school_year=YEAR).monitoring_person == stored
    if nobody:
        form = client.get(f"/schools/{school.pk}/year/?year={YEAR}").content.decode()
        assert 'name="nobody_monitoring" id="id_nobody_monitoring" checked' in form


def test_a_name_and_nobody_appointed_together_are_refused(school: School, officer: Any,
                                                          client: Any) -> None:
    client.force_login(officer)
    response = client.post(f"/schools/{school.pk}/year/?year={YEAR}", {
        "classrooms": "2", "semi_boarding_pupils": "0", "boarding_pupils": "0",
        "monitoring_person": "Lò Văn Theo", "nobody_monitoring": "on", "version": "0"})
    assert response.status_code == 400
    assert "Đã đánh dấu chưa phân công ai" in response.content.decode()


@pytest.mark.parametrize(("rooms", "teachers", "expected"), [
    (None, 5, None),   # rooms of the kindergarten classes not entered
    (1, 5, False),     # 1 room < 2 kindergarten classes
    (2, 3, False),     # 3 teachers < 2,2 + 1,2 = 3,4
    (2, 4, True),
])
def test_preschool_3_5_is_judged_from_2025_on_the_kindergarten_classes(
        surveyed: dict[str, Any], officer: Any, rooms: int | None, teachers: int,
        expected: bool | None) -> None:
    """D14: the draft of Decree 277/2025 (facilities) on the same data as D7 and D13, for the
    MG3–MG5 classes: here MG5A (two sessions) and MG5B (one session), 2 rooms and 3,4
    teachers needed. Before 2025 no ruleset judges preschool for 3–5-year-olds."""
    commune = surveyed["communes"]["03319"]
    school = services.save_school(officer, commune, None, None, {
        "code": "11100MN09", "name": "Trường Mầm non Chín", "level": "preschool"})
    for year in (YEAR, 2025):
        for name, two in (("MG5A", True), ("MG5B", False)):
            services.add_class(officer, school, year, name, "MG5", two_sessions=two)
        services.save_facts(officer, school, year, None, {
            "classrooms": 3, "five_year_old_teachers": 4, "five_year_old_rooms": 2,
            "kindergarten_teachers": teachers, "kindergarten_rooms": rooms,
            "qualified_teachers": 0, "monitoring_person": "Lò Văn Theo"})
    assert "preschool_3_5" not in conditions.standards_of(YEAR)
    assert "preschool_3_5" not in conditions.for_communes([commune], YEAR)["03319"]
    assert conditions.for_communes([commune], 2025)["03319"].get("preschool_3_5") is expected


def test_a_standard_not_assessed_says_what_is_missing_on_both_pages(
        surveyed: dict[str, Any], school: School, officer: Any, client: Any) -> None:
    """Officers never read "chưa đánh giá" without what to enter: the school's rooms meet
    their norm (2 ≥ 1,4) but its qualification count is not entered."""
    commune = surveyed["communes"]["03319"]
    services.save_facts(officer, school, YEAR, None,
                        {"classrooms": 2, "monitoring_person": "Lò Văn Theo"})
    client.force_login(officer)
    link = (f'<a href="/schools/{school.pk}/?year={YEAR}">Trường Tiểu học Một</a>:'
            " Giáo viên đạt chuẩn trình độ đào tạo: chưa nhập")
    for url in (f"/units/{commune.pk}/results/?year={YEAR}",
                f"/units/{commune.pk}/schools/?year={YEAR}"):
        page = client.get(url).content.decode()
        assert link in page, url
    assert primary_conditions(commune) == "not_assessed"
