"""The demo's streaming data: destinations follow the register where it can tell, the rest
is drawn; activities and labour demand for the schools and communes; run twice, added once."""

from __future__ import annotations

from typing import Any

from phocap.register.models import Person, PersonYear
from phocap.schools.models import Enrolment, School, SchoolClass
from phocap.streaming.demo import load_demo
from phocap.streaming.models import CareerGuidanceActivity, LabourDemand, PupilDestination

YEAR = 2021


def make_classes(tree: dict[str, Any]) -> dict[str, Any]:
    """03319's school has 9A (four pupils linked to the register: next year in 10, BT10,
    TC and nowhere) and 9B (ten pupils with no link); 03322's school has only a grade-8
    class, which the demo leaves alone."""
    commune = tree["communes"]["03319"]
    household = tree["people"]["03319"].household
    school = School.objects.create(code="THCS1", name="Trường THCS Mường Pồn",
                                   level="lower_secondary", commune=commune)
    a = SchoolClass.objects.create(school=school, school_year=YEAR, name="9A", grade="9")
    b = SchoolClass.objects.create(school=school, school_year=YEAR, name="9B", grade="9")
    other = School.objects.create(code="THCS2", name="Trường THCS khác", level="lower_secondary",
                                  commune=tree["communes"]["03322"])
    eight = SchoolClass.objects.create(school=other, school_year=YEAR, name="8A", grade="8")
    linked = {}
    for no, (name, next_class) in enumerate([("Lò Văn Một", "10"), ("Quàng Thị Hai", "BT10"),
                                             ("Cà Văn Ba", "TC"), ("Lường Thị Bốn", "")],
                                            start=1):
        person = Person.objects.create(household=household, person_no=no + 1, full_name=name,
                                       birth_year=2006, sex="nam")
        PersonYear.objects.create(person=person, survey_year=YEAR + 1, current_class=next_class,
                                  thcs_graduated=YEAR + 1)
        linked[name] = Enrolment.objects.create(klass=a, person=person, pupil_no=no,
                                                full_name=name, birth_year=2006, sex="nam")
    for no in range(1, 11):
        Enrolment.objects.create(klass=b, pupil_no=no, full_name=f"Em {no}", birth_year=2006,
                                 sex="nữ")
    Enrolment.objects.create(klass=eight, pupil_no=1, full_name="Em lớp 8", birth_year=2007,
                             sex="nữ")
    return {"school": school, "other": other, "linked": linked}


def test_demo_follows_the_register_and_is_idempotent(tree: dict[str, Any]) -> None:
    made = make_classes(tree)
    found = load_demo(YEAR, seed=7)
    assert found["destinations"] == 14  # 4 + 10 grade-9 pupils; the grade-8 pupil has none
    chosen = {name: PupilDestination.objects.get(enrolment=e)
              for name, e in made["linked"].items()}
    assert chosen["Lò Văn Một"].destination == "upper_secondary"
    assert chosen["Quàng Thị Hai"].destination == "continuing"
    assert chosen["Cà Văn Ba"].destination == "vocational_intermediate"
    # Not studying: the officer's answer is working or unknown, never a school.
    assert chosen["Lường Thị Bốn"].destination in {"working", "unknown"}
    assert all(d.graduated and d.suggested for d in chosen.values())
    assert not PupilDestination.objects.filter(enrolment__klass__grade="8").exists()
    activities = CareerGuidanceActivity.objects.filter(school=made["school"])
    assert 2 <= activities.count() <= 3 and found["activities"] == activities.count()
    assert all(a.school_year == YEAR and a.participants > 0 for a in activities)
    assert all(dt_in_school_year(a.held_on) for a in activities)
    assert not CareerGuidanceActivity.objects.filter(school=made["other"]).exists()
    labour = LabourDemand.objects.filter(commune=tree["communes"]["03319"], survey_year=YEAR)
    assert 2 <= labour.count() <= 4 and found["labour_demand"] == labour.count()
    drawn = sorted(PupilDestination.objects.filter(enrolment__klass__name="9B")
                   .values_list("enrolment__pupil_no", "destination"))

    assert load_demo(YEAR, seed=7) == {"destinations": 0, "activities": 0, "labour_demand": 0}

    # The same seed draws the same destinations on a fresh start.
    PupilDestination.objects.all().delete()
    CareerGuidanceActivity.objects.all().delete()
    LabourDemand.objects.all().delete()
    load_demo(YEAR, seed=7)
    assert sorted(PupilDestination.objects.filter(enrolment__klass__name="9B")
                  .values_list("enrolment__pupil_no", "destination")) == drawn


def dt_in_school_year(day: Any) -> bool:
    return (day.year, day.month) >= (YEAR, 9) and (day.year, day.month) <= (YEAR + 1, 6)
