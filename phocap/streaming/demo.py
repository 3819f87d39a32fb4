"""Streaming data for the demo district: destinations of its grade-9 pupils, career-guidance
activities and labour-demand entries, so the streaming pages show realistic numbers at once.

Destinations come from the register where it can tell: a pupil linked to a person
with a survey record of the next year takes the register's suggestion (as an
officer confirming it would). Where the register says only "not studying", the
officer would ask the family; the demo answers "working" for most. Pupils with
no next-year record (the last survey year, or no link to the register) are
drawn from shares typical of a mountainous district. Demo rows are written in
bulk without audit entries: no user made them. Running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from phocap.register.models import AdministrativeUnit
from phocap.schools.models import Enrolment, School
from phocap.streaming.figures import GRADE_NINE
from phocap.streaming.models import CareerGuidanceActivity, LabourDemand, PupilDestination
from phocap.streaming.rates import Destination
from phocap.streaming.services import suggestions

# Shares of graduates when the register cannot tell (sums to 1).
DRAWN = [
    (Destination.UPPER_SECONDARY, 0.58), (Destination.CONTINUING, 0.08),
    (Destination.VOCATIONAL_INTERMEDIATE, 0.11), (Destination.VOCATIONAL_ELEMENTARY, 0.05),
    (Destination.COLLEGE_9PLUS, 0.03), (Destination.WORKING, 0.11), (Destination.UNKNOWN, 0.04),
]
GRADUATION_SHARE = 0.96
WORKING_WHEN_NOT_STUDYING = 0.75
ACTIVITIES = [
    ("Tư vấn chọn nghề cho học sinh lớp 9", "9"),
    ("Tham quan trường nghề và doanh nghiệp", "8, 9"),
    ("Ngày hội tư vấn tuyển sinh sau THCS", "9"),
    ("Sinh hoạt chuyên đề: thị trường lao động ở địa phương", "8, 9"),
]
PARTNERS = [
    "Trường Cao đẳng nghề của tỉnh", "Trung tâm GDNN–GDTX huyện",
    "Trường Trung cấp dân tộc nội trú", "Hợp tác xã chè", "Công ty may xuất khẩu",
]
TRADES = [
    ("May công nghiệp", "elementary"), ("Chế biến nông sản", "none"),
    ("Xây dựng", "elementary"), ("Sửa chữa máy nông nghiệp", "intermediate"),
    ("Du lịch – nhà hàng", "intermediate"), ("Điện dân dụng", "intermediate"),
    ("Chăn nuôi – thú y", "college"),
]
EMPLOYERS = ["Công ty TNHH", "Hợp tác xã", "Cơ sở", "Doanh nghiệp tư nhân"]


def _draw(rng: random.Random) -> tuple[Destination, bool]:
    if rng.random() >= GRADUATION_SHARE:
        return (Destination.REPEATING if rng.random() < 0.6 else Destination.WORKING), False
    pick, acc = rng.random(), 0.0
    for destination, share in DRAWN:
        acc += share
        if pick < acc:
            return destination, True
    return Destination.UNKNOWN, True


def _destinations(school_year: int, rng: random.Random) -> int:
    pupils = list(Enrolment.objects.filter(klass__school_year=school_year,
                                           klass__grade__in=GRADE_NINE, destination__isnull=True)
                  .select_related("klass").order_by("pk"))
    found = suggestions(pupils)
    rows = []
    for pupil in pupils:
        suggestion = found[pupil.pk]
        if suggestion.destination is None:
            destination, graduated = _draw(rng)
        else:
            destination, graduated = suggestion.destination, bool(suggestion.graduated)
            if suggestion.reason == "not_studying" and rng.random() < WORKING_WHEN_NOT_STUDYING:
                destination = Destination.WORKING
        rows.append(PupilDestination(
            enrolment=pupil, destination=destination.value, graduated=graduated,
            suggested=suggestion.destination.value if suggestion.destination else ""))
    PupilDestination.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _activities(school_year: int, schools: list[School], rng: random.Random) -> int:
    done = set(CareerGuidanceActivity.objects.filter(school__in=schools, school_year=school_year)
               .values_list("school_id", flat=True))
    rows = []
    for school in schools:
        if school.pk in done:
            continue
        for title, grades in rng.sample(ACTIVITIES, rng.randint(2, 3)):
            # Between October and May of the school year.
            day = dt.date(school_year, 10, 1) + dt.timedelta(days=rng.randint(0, 225))
            rows.append(CareerGuidanceActivity(
                school=school, school_year=school_year, held_on=day, title=title, grades=grades,
                participants=rng.randint(25, 120),
                partners="; ".join(rng.sample(PARTNERS, rng.randint(1, 2)))))
    CareerGuidanceActivity.objects.bulk_create(rows)
    return len(rows)


def _labour(school_year: int, communes: list[AdministrativeUnit], rng: random.Random) -> int:
    done = set(LabourDemand.objects.filter(commune__in=communes, survey_year=school_year)
               .values_list("commune_id", flat=True))
    rows: list[LabourDemand] = []
    for commune in communes:
        if commune.pk in done:
            continue
        for trade, level in rng.sample(TRADES, rng.randint(2, 4)):
            rows.append(LabourDemand(
                commune=commune, survey_year=school_year,
                employer=f"{rng.choice(EMPLOYERS)} {commune.name.split()[-1]} {len(rows) + 1}",
                trade=trade, workers_wanted=rng.randint(2, 30), qualification=level))
    LabourDemand.objects.bulk_create(rows)
    return len(rows)


def load_demo(school_year: int, seed: int) -> dict[str, int]:
    """Fill the year's streaming data for the grade-9 classes already in the database."""
    rng = random.Random(f"streaming-{school_year}-{seed}")
    schools = list(School.objects.filter(classes__school_year=school_year,
                                         classes__grade__in=GRADE_NINE)
                   .distinct().select_related("commune").order_by("code"))
    communes = sorted({s.commune for s in schools}, key=lambda c: c.code)
    with transaction.atomic():
        return {"destinations": _destinations(school_year, rng),
                "activities": _activities(school_year, schools, rng),
                "labour_demand": _labour(school_year, communes, rng)}
