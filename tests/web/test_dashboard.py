"""The mobilisation dashboard against plan targets, the plan's history, and trends.

The hand-made tree (tests/web/conftest.py): province 11 → district 100 (communes
03319, 03322) and district 101 (commune 03370). Scope follows the results pages:
a page of a unit opens for whoever covers it (404 otherwise); the targets of a
district or province are set only by its own staff (403 for others who cover it).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.test import Client

from phocap.dashboard.compare import Comparison
from phocap.dashboard.models import PlanTarget, PlanTargetChange
from phocap.numbers import difference, points
from phocap.register.models import Household, Person, PersonYear, Village
from tests.web.roles import COVERS, PASSWORD, ROLES

YEAR = 2021
PRIMARY = "mobilisation.primary_6_10"

# Which units each role covers, beyond the communes of roles.COVERS.
UNITS_COVERED = {
    "commune_staff": set(), "school_staff": set(), "district_reviewer": {"100"},
    "province_reviewer": {"100", "101", "11"}, "province_admin": {"100", "101", "11"},
}
# Who sets the plan of each unit: its own district or province staff.
PLANNERS = {"100": {"district_reviewer"}, "11": {"province_reviewer", "province_admin"}}
TARGETS = ("03319", "03322", "03370", "100", "11")


def client_for(make_user: Any, role: str, unit: Any) -> Client:
    from phocap.accounts.models import User

    user = User.objects.filter(role=role, unit=unit).first() or make_user(role, unit)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def unit_of_code(tree: dict[str, Any], code: str) -> Any:
    units = {**tree["communes"], "100": tree["districts"][0], "101": tree["districts"][1],
             "11": tree["province"]}
    return units[code]


def covers(role: str, code: str) -> bool:
    if role == "ministry_viewer":
        return True  # aggregates of every unit, no person on these pages
    return code in COVERS[role] or code in UNITS_COVERED[role]


@pytest.mark.parametrize(("role", "unit_of"), ROLES, ids=[r[0] for r in ROLES])
@pytest.mark.parametrize("code", TARGETS)
def test_dashboard_scope_matrix(surveyed: dict[str, Any], make_user: Any, role: str,
                                unit_of: Any, code: str) -> None:
    """dashboard-mobilisation (GET and POST), dashboard-trends, dashboard-target-history:
    own unit, a sibling, the other district, the district and the province."""
    client = client_for(make_user, role, unit_of(surveyed))
    unit = unit_of_code(surveyed, code)
    inside = covers(role, code)
    for url in (f"/units/{unit.pk}/mobilisation/?year={YEAR}", f"/units/{unit.pk}/trends/",
                f"/units/{unit.pk}/targets/history/"):
        response = client.get(url)
        assert response.status_code == (200 if inside else 404), url
        assert surveyed["people"]["03319"].full_name.encode() not in response.content
    posted = client.post(f"/units/{unit.pk}/mobilisation/?year={YEAR}", {PRIMARY: "95"})
    may_set = role in PLANNERS.get(code, set())
    assert posted.status_code == (302 if may_set else 403 if inside else 404)
    assert PlanTarget.objects.filter(unit=unit).exists() == may_set
    assert PlanTargetChange.objects.filter(unit=unit).count() == (1 if may_set else 0)


def test_the_entry_form_shows_only_to_the_units_planners(surveyed: dict[str, Any],
                                                         make_user: Any) -> None:
    district = surveyed["districts"][0]
    reviewer = client_for(make_user, "district_reviewer", district)
    own = reviewer.get(f"/units/{district.pk}/mobilisation/").content.decode()
    assert 'id="targets-form"' in own
    commune = surveyed["communes"]["03319"]
    # The district's reviewer covers the commune but does not write its plan.
    assert 'id="targets-form"' not in reviewer.get(
        f"/units/{commune.pk}/mobilisation/").content.decode()
    province = client_for(make_user, "province_admin", surveyed["province"])
    assert 'id="targets-form"' not in province.get(
        f"/units/{district.pk}/mobilisation/").content.decode()


def test_the_difference_is_exact_arithmetic() -> None:
    """129 of 250 children: 129 × 100 / 250 = 51.6%; the plan 50.5% → 1.1 points above;
    against 52% → 0.4 below; nobody of that age → not applicable."""
    above = Comparison(129, 250, Decimal("50.5"))
    assert above.rate_pct == Fraction(516, 10) and above.points == Fraction(11, 10)
    assert (points(above.rate_pct), difference(above.points)) == ("51,60%", "1,1")
    below = Comparison(129, 250, Decimal("52"))
    assert below.points == Fraction(-4, 10) and difference(below.points) == "0,4"
    assert Comparison(0, 0, Decimal("50")).points is None
    assert Comparison(129, 250, None).points is None
    # 1/3 = 33.333…%: the rate is rounded only when shown, half away from zero.
    assert points(Comparison(1, 3, None).rate_pct) == "33,33%"
    assert points(Fraction(51605, 1000)) == "51,61%"


@pytest.fixture
def pupils(tree: dict[str, Any]) -> dict[str, Any]:
    """Commune 03319 in 2021: 250 children aged 8 (born 2013), 129 of them in grade 3 and
    121 at no school; no one of 6–10 in 03322 or 03370."""
    commune = tree["communes"]["03319"]
    village = Village.objects.get(commune=commune)
    household = Household.objects.create(commune=commune, village=village, household_no="0250")
    people = Person.objects.bulk_create(
        Person(household=household, person_no=n + 1, full_name=f"Trẻ {n + 1}",
               birth_year=2013, sex="nam" if n % 2 else "nữ") for n in range(250))
    PersonYear.objects.bulk_create(
        PersonYear(person=p, survey_year=YEAR, **(
            {"current_class": "3", "class_level": "primary", "class_grade": 3} if n < 129
            else {}))
        for n, p in enumerate(people))
    return tree


def row_of(page: Any, key: str) -> dict[str, Any]:
    return next(r for r in page.context["rows"] if r["key"] == key)


@pytest.mark.django_db(transaction=True)
def test_a_district_target_entered_and_compared(pupils: dict[str, Any],
                                                make_user: Any) -> None:
    """The district enters 50,5% for 6–10-year-olds in primary: its rate, the sum of its
    communes, is 129 / (250 + 0) = 51,60%, "cao hơn kế hoạch 1,1 điểm"; the change is
    logged (none → 50.50); the commune, which set nothing, follows the district."""
    district = pupils["districts"][0]
    client = client_for(make_user, "district_reviewer", district)
    url = f"/units/{district.pk}/mobilisation/?year={YEAR}"
    assert client.post(url, {PRIMARY: "50,5"}).status_code == 302
    page = client.get(url)
    row = row_of(page, PRIMARY)
    assert (row["numerator"], row["denominator"], row["rate"]) == (129, 250, "51,60%")
    assert (row["target"], row["words"], row["sign"]) == ("50,5%", "cao hơn kế hoạch 1,1 điểm",
                                                          "above")
    assert row["inherited_from"] is None
    html = page.content.decode()
    assert "51,60%" in html and "cao hơn kế hoạch 1,1 điểm" in html
    assert row_of(page, "mobilisation.nursery_0_2")["words"] == "chưa đặt kế hoạch"
    children = {c["unit"].code: {f["key"]: f for f in c["figures"]}
                for c in page.context["children"]}
    assert (children["03319"][PRIMARY]["rate"], children["03319"][PRIMARY]["delta"]) == (
        "51,60%", "+1,1")
    assert children["03322"][PRIMARY]["words"].startswith("không áp dụng")
    (change,) = PlanTargetChange.objects.all()
    assert (change.before, change.after, change.user.username) == (
        None, Decimal("50.50"), "district_reviewer-100")

    commune = pupils["communes"]["03319"]
    staff = client_for(make_user, "commune_staff", commune)
    mine = staff.get(f"/units/{commune.pk}/mobilisation/?year={YEAR}")
    inherited = row_of(mine, PRIMARY)
    assert inherited["inherited_from"] == district
    assert inherited["words"] == "cao hơn kế hoạch 1,1 điểm"
    assert 'id="inherited-note"' in mine.content.decode()


@pytest.mark.django_db(transaction=True)
def test_targets_come_from_the_nearest_unit_above(pupils: dict[str, Any],
                                                  make_user: Any) -> None:
    """Province 52%, district 50,5%: the commune follows its district (1,1 above). The
    district removes its target: the commune follows the province, 51,6 − 52 = 0,4 below.
    Commune 03370 of the other district follows the province throughout."""
    district, province = pupils["districts"][0], pupils["province"]
    commune = pupils["communes"]["03319"]
    client_for(make_user, "province_reviewer", province).post(
        f"/units/{province.pk}/mobilisation/?year={YEAR}", {PRIMARY: "52"})
    planner = client_for(make_user, "district_reviewer", district)
    planner.post(f"/units/{district.pk}/mobilisation/?year={YEAR}", {PRIMARY: "50.5"})
    reader = client_for(make_user, "province_admin", province)

    def row(unit: Any) -> dict[str, Any]:
        return row_of(reader.get(f"/units/{unit.pk}/mobilisation/?year={YEAR}"), PRIMARY)

    assert (row(commune)["inherited_from"], row(commune)["words"]) == (
        district, "cao hơn kế hoạch 1,1 điểm")
    other = pupils["communes"]["03370"]
    assert (row(other)["inherited_from"], row(other)["target"]) == (province, "52%")
    planner.post(f"/units/{district.pk}/mobilisation/?year={YEAR}", {PRIMARY: ""})
    assert (row(commune)["inherited_from"], row(commune)["words"]) == (
        province, "thấp hơn kế hoạch 0,4 điểm")
    history = reader.get(f"/units/{district.pk}/targets/history/")
    assert [(c["before"], c["after"]) for c in history.context["changes"]] == [
        ("50,5%", "—"), ("—", "50,5%")]
    # Another year's plan does not apply to 2021.
    assert not PlanTarget.objects.filter(survey_year=YEAR + 1).exists()


@pytest.mark.parametrize(("typed", "problem"), [
    ("101", "từ 0 đến 100"), ("-1", "từ 0 đến 100"), ("nhiều", "không phải là một tỷ lệ"),
    ("50,555", "hai chữ số"), ("NaN", "từ 0 đến 100")])
def test_a_target_outside_0_to_100_is_refused(surveyed: dict[str, Any], make_user: Any,
                                              typed: str, problem: str) -> None:
    district = surveyed["districts"][0]
    client = client_for(make_user, "district_reviewer", district)
    response = client.post(f"/units/{district.pk}/mobilisation/?year={YEAR}", {PRIMARY: typed})
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not PlanTarget.objects.exists() and not PlanTargetChange.objects.exists()


def test_an_unchanged_target_is_not_logged_again(surveyed: dict[str, Any],
                                                 make_user: Any) -> None:
    district = surveyed["districts"][0]
    client = client_for(make_user, "district_reviewer", district)
    url = f"/units/{district.pk}/mobilisation/?year={YEAR}"
    client.post(url, {PRIMARY: "95", "mobilisation.kindergarten_5": "98,5%"})
    client.post(url, {PRIMARY: "95,00", "mobilisation.kindergarten_5": "98,5"})
    assert PlanTargetChange.objects.count() == 2
    assert set(PlanTarget.objects.values_list("indicator", "rate")) == {
        (PRIMARY, Decimal("95.00")), ("mobilisation.kindergarten_5", Decimal("98.50"))}


@pytest.fixture
def two_years(tree: dict[str, Any]) -> dict[str, Any]:
    """Commune 03319: in 2020 two 6-year-olds (born 2014), both in grade 1; in 2021 two
    6-year-olds (born 2015), one in grade 1 and one still in the 5-year-olds' class."""
    commune = tree["communes"]["03319"]
    village = Village.objects.get(commune=commune)
    household = Household.objects.create(commune=commune, village=village, household_no="0006")
    classes = {
        2020: [("1", "primary", 1), ("1", "primary", 1)],
        2021: [("1", "primary", 1), ("MG5", "kindergarten", 5)],
    }
    number = 0
    for year, rows in classes.items():
        for current, level, grade in rows:
            number += 1
            person = Person.objects.create(household=household, person_no=number,
                                           full_name=f"Trẻ {number}", birth_year=year - 6,
                                           sex="nữ")
            PersonYear.objects.create(person=person, survey_year=year, current_class=current,
                                      class_level=level, class_grade=grade)
    return tree


@pytest.mark.django_db(transaction=True)
def test_trends_over_two_survey_years(two_years: dict[str, Any], make_user: Any) -> None:
    """Grade 1 at age 6 (ND20 Art 9): 2/2 = 100% in 2020, 1/2 = 50% in 2021, thresholds
    90/95/98% for levels 1–3. The axis then runs 40–100% (50 ≥ 50: the tens below, less
    ten), so on the 220 px plot 100% is at y 14 and 50% at 234 − 10/60 × 220 = 197.3;
    2020 at x 44 and 2021 at x 300. Mobilisation 6–10 in primary: the same 2/2 and 1/2."""
    commune = two_years["communes"]["03319"]
    client = client_for(make_user, "commune_staff", commune)
    page = client.get(f"/units/{commune.pk}/trends/")
    assert page.status_code == 200
    assert page.context["years"] == [2020, 2021]
    html = page.content.decode()
    assert "2 năm điều tra, từ 2020 đến 2021" in html
    chart = next(c for c in page.context["criteria"] if "in_grade_1_or_higher" in c.key)
    rows = {r.key: r for r in chart.rows}
    assert set(rows) == {"primary.1.grade_1_at_6", "primary.2.grade_1_at_6",
                         "primary.3.grade_1_at_6"}
    level_1 = rows["primary.1.grade_1_at_6"]
    assert [(c.text, c.detail, c.passed) for c in level_1.cells] == [
        ("100,00%", "2/2", True), ("50,00%", "1/2", False)]
    assert [r.threshold for r in rows.values()] == ["90%", "95%", "98%"]
    assert '<circle cx="44" cy="14"' in chart.svg and '<circle cx="300" cy="197.3"' in chart.svg
    assert "Mức 1: 90%" in chart.svg and "Mức 3: 98%" in chart.svg
    mobilisation = {r.key: r for r in page.context["mobilisation"].rows}
    assert [c.text for c in mobilisation["mobilisation.primary_6_10"].cells] == [
        "100,00%", "50,00%"]
    levels = {r.key: r for r in page.context["levels"].rows}
    assert len(levels["primary"].cells) == 2
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2 + len(
        page.context["criteria"])


def test_one_survey_year_is_said_plainly(surveyed: dict[str, Any], make_user: Any) -> None:
    commune = surveyed["communes"]["03319"]
    page = client_for(make_user, "commune_staff", commune).get(f"/units/{commune.pk}/trends/")
    assert page.context["years"] == [YEAR]
    assert "Chỉ có một năm điều tra (2021)" in page.content.decode()


def test_no_survey_year_at_all(tree: dict[str, Any], make_user: Any) -> None:
    commune = tree["communes"]["03319"]
    client = client_for(make_user, "commune_staff", commune)
    page = client.get(f"/units/{commune.pk}/trends/")
    assert "Chưa có dữ liệu điều tra." in page.content.decode()  # the one empty state
    mobilisation = client.get(f"/units/{commune.pk}/mobilisation/").content.decode()
    assert "Chưa có dữ liệu điều tra năm" in mobilisation


def test_unit_and_results_pages_link_to_the_dashboard(surveyed: dict[str, Any],
                                                      make_user: Any) -> None:
    district = surveyed["districts"][0]
    client = client_for(make_user, "district_reviewer", district)
    for url in (f"/units/{district.pk}/?year={YEAR}", f"/units/{district.pk}/results/?year={YEAR}",
                f"/units/{surveyed['communes']['03319'].pk}/?year={YEAR}"):
        html = client.get(url).content.decode()
        assert "/trends/" in html and "/mobilisation/" in html, url
