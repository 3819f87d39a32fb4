"""The demo's survey round: a surveyor of the demo commune, the newest year's round open
with its first village assigned, and three of its households visited (unchanged,
changed, not found), so the commune's, the surveyor's and the province's pages show
something. A second run changes nothing. Its deadline, 30 November of the year, has
passed by the time anyone looks at a year already surveyed: the round shows as late."""

from __future__ import annotations

import datetime as dt

from phocap.accounts.models import Role, User
from phocap.register.models import AdministrativeUnit, PersonYear, Village
from phocap.rounds import services
from phocap.rounds.models import SurveyRound
from phocap.rounds.scope import round_households

USERNAME = "dieutra"


def load(staff: User, password: str) -> User:
    """The surveyor account of ``staff``'s commune and the round its staff opened."""
    commune = staff.unit
    assert isinstance(commune, AdministrativeUnit)
    surveyor, _ = User.objects.get_or_create(
        username=USERNAME, defaults={"role": Role.SURVEYOR, "unit": commune,
                                     "first_name": "Lò Văn Điều"})
    surveyor.set_password(password)
    surveyor.save(update_fields=["password"])
    year = (PersonYear.objects.filter(person__household__commune=commune)
            .order_by("-survey_year").values_list("survey_year", flat=True).first())
    if year is None or SurveyRound.objects.filter(commune=commune, survey_year=year).exists():
        return surveyor
    survey_round = services.open_round(staff, commune, year, dt.date(year, 11, 30))
    village = (Village.objects.filter(pk__in=round_households(survey_round).values("village_id"))
               .order_by("name").first())
    if village is None:
        return surveyor
    services.assign(staff, survey_round, surveyor, village=village)
    homes = round_households(survey_round).filter(village=village).order_by("household_no")
    for home, outcome in zip(homes[:3], ("unchanged", "changed", "not_found"), strict=False):
        services.record_visit(surveyor, home.pk, outcome, 0)
    return surveyor
