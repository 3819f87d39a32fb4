"""The printed dossier of a Dossier: what was certified, the unit's forms, and its history.

The results printed are the dossier's snapshot (what was submitted and decided
on), never today's register; the forms and name lists are built from the
register's survey year, which stays frozen while a dossier is submitted or
recognised (freeze.py). Name lists are personal data: only a reader who sees
people gets them (permissions.sees_people), and the view logs the download.

Which minutes (ND20 Arts 28–30, TT07/2016): every dossier carries the self-check
minutes of the unit that submits it; once the recognising level has decided, the
minutes of its inspection too. [interpretation] ND20 Art 28 gives a district's or
province's dossier the inspection minutes of the units below it instead; phocap
prints those in the dossiers of the units below, and the unit's own self-check here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from phocap.accounts.models import User
from phocap.recognition.models import Dossier, DossierEvent
from phocap.recognition.workflow import TWO_LEVEL_VINTAGE, reviewer_of
from phocap.register.models import AdministrativeUnit
from phocap.register.reporting import cached_forms, name_lists
from phocap.reports.dossier import DossierContent, Minutes, Step
from phocap.reports.model import Form
from phocap.rules import citation
from phocap.rules.words import AUTHORITY_CAVEATS

# The forms and name lists that evidence each standard (their codes' prefixes).
FORMS = {"preschool_5": ("MN-",), "preschool_3_5": ("MN-",), "primary": ("TH-",),
         "lower_secondary": ("THCS-",), "literacy": ("XMC-", "CMC-")}
NAME_LISTS = {"preschool_5": ("DS-MN",), "preschool_3_5": ("DS-MN",), "primary": ("DS-TH",),
              "lower_secondary": ("DS-THCS",), "literacy": ("DS-XMC",)}


def _named_by_kind(unit: AdministrativeUnit) -> bool:
    """Whether the name starts with the unit's kind ("Huyện Điện Biên", kind "huyện")."""
    return bool(unit.kind) and unit.name.lower().startswith(unit.kind.lower() + " ")


def in_sentence(unit: AdministrativeUnit) -> str:
    """"Huyện Điện Biên" → "huyện Điện Biên", as the name reads after "Ủy ban nhân dân"."""
    if _named_by_kind(unit):
        return unit.kind.lower() + unit.name[len(unit.kind):]
    return unit.name


def place_of(unit: AdministrativeUnit) -> str:
    """The place of the date line (Decree 30/2020): the name without its kind."""
    if _named_by_kind(unit):
        return unit.name[len(unit.kind):].strip() or unit.name
    return unit.name


# The standards with a single level (ND20 Art 6; ND277), which ND143's "levels 1 and 2"
# do not name.
ONE_LEVEL = ("preschool_5", "preschool_3_5")


@dataclass(frozen=True)
class Authority:
    """Who decides a claim, as the dossier addresses it, with the text that says so and,
    where the texts read leave it open, what that means (rules/words.py)."""

    who: str  # "Chủ tịch Ủy ban nhân dân tỉnh Điện Biên"
    source: str  # as officers cite it: "Nghị định 143/2025/NĐ-CP"
    caveat: str = ""


def authority_of(unit: AdministrativeUnit, standard: str, level: int) -> Authority:
    """Who recognises ``unit`` at ``level`` of ``standard``, by era (docs/rules.md §4); the
    recognising level itself is workflow.reviewer_of's.

    Before 1 July 2025 (ND20 Arts 25, 30): the district's People's Committee recognises
    its communes, the province's its districts, the Ministry the provinces. From then on:
    the province's People's Committee its communes (ND142 moved the district's tasks;
    which provincial body signs was not found) [interpretation]; the Chairman of the
    provincial People's Committee the province at PCGD levels 1–2 and literacy level 1,
    the Minister of Education and Training at PCGD level 3 and literacy level 2 (ND143,
    amending ND20 Art 25, as quoted in two press reports); a one-level standard read as
    level 1 [interpretation].
    """
    reviewer = reviewer_of(unit, standard, level)
    two_level = unit.vintage == TWO_LEVEL_VINTAGE
    if reviewer.unit is None:
        if two_level:
            return Authority("Bộ trưởng Bộ Giáo dục và Đào tạo", citation("ND143/2025"))
        return Authority(reviewer.name, citation("ND20 Art 25"))
    body = f"Ủy ban nhân dân {in_sentence(reviewer.unit)}"
    if not two_level:
        return Authority(body, citation("ND20 Art 30"))
    if reviewer.unit == unit:
        return Authority(f"Chủ tịch {body}", citation("ND143/2025"),
                         AUTHORITY_CAVEATS["one_level_from_2025"]
                         if standard in ONE_LEVEL else "")
    return Authority(body, citation("ND142/2025"), AUTHORITY_CAVEATS["commune_from_2025"])


def forms_and_lists(dossier: Dossier, with_people: bool) -> tuple[list[Form], list[Form]]:
    """The unit's forms of the dossier's standard and, for a commune, its name lists."""
    unit, year = dossier.unit, dossier.survey_year
    forms = [f for f in cached_forms(unit, year)["forms"]
             if f.code.startswith(FORMS.get(dossier.standard, ()))]
    lists: list[Form] = []
    if with_people and unit.type == AdministrativeUnit.Type.COMMUNE:
        lists = [f for f in name_lists(unit, year)
                 if f.code in NAME_LISTS.get(dossier.standard, ())]
    return forms, lists


def _step(event: DossierEvent) -> Step:
    user: User | None = event.user
    by = (user.get_full_name() or user.username) if user is not None else ""
    return Step(action=event.action, at=timezone.localtime(event.at), by=by, comment=event.comment,
                decision_number=event.decision_number, decision_date=event.decision_date,
                signer=event.signer, level_granted=event.level_granted)


def content_of(dossier: Dossier, with_people: bool) -> DossierContent:
    """Everything the PDF prints for ``dossier``; name lists only ``with_people``."""
    unit = dossier.unit
    events = list(dossier.events.select_related("user"))
    reviewer = reviewer_of(unit, dossier.standard, dossier.level_claimed)
    authority = authority_of(unit, dossier.standard, dossier.level_claimed)
    minutes = [Minutes("self_check", f"Ủy ban nhân dân\n{unit.name}")]
    if any(e.action == DossierEvent.Action.DECIDE for e in events):
        body = (f"Ủy ban nhân dân\n{reviewer.unit.name}" if reviewer.unit is not None
                else f"\n{reviewer.name}")
        minutes.append(Minutes("inspection", body))
    submitted = [e for e in events if e.action in (DossierEvent.Action.SUBMIT,
                                                   DossierEvent.Action.RESUBMIT)]
    forms, lists = forms_and_lists(dossier, with_people)
    return DossierContent.from_snapshot(
        dossier.snapshot, unit_name=unit.name, unit_type=unit.type,
        parents=tuple(u.name for u in reversed(unit.ancestors())), standard=dossier.standard,
        level_claimed=dossier.level_claimed, level_granted=dossier.level_granted,
        reviewer=authority.who, reviewer_caveat=authority.caveat, forms=tuple(forms),
        name_lists=tuple(lists),
        name_lists_withheld=not with_people and unit.type == AdministrativeUnit.Type.COMMUNE,
        history=tuple(_step(e) for e in events), minutes=tuple(minutes),
        place=place_of(unit), issued=timezone.localdate(submitted[-1].at) if submitted else None)
