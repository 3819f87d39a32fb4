"""Who may do what: every yes-or-no question about a user and a thing, and the one refusal.

The permissions' one home (issue 13, item 1). register/scope.py answers a different
question, "which rows does this user read" (visible_communes and the ScopedManager
every query passes through); this module decides single cases: may this user open
this unit's pages (``covers``), read people at all (``sees_people``), change this
commune (``may_edit``), keep this school's records (``may_keep_school``), set this
unit's targets, submit or review this dossier, commit this import. A predicate is
defined here or nowhere (tests/test_architecture.py); roles are compared as
``Role`` members, never as strings, so a renamed role cannot silently pass.

The refusal policy (``refuse``), the same on every page: what the user may not know
exists answers 404 (a unit or school outside their units, another school's pages
for a school's staff), so a guessed id tells nothing; what they can see but may not
do answers 403 (the ministry viewer on a page naming people of a unit it reads
aggregates of, a reviewer posting an edit).

Accounts is the lowest app, so this module imports no other app, not even inside a
function: a predicate reads what it judges from the object it is given (a unit's
``type`` as the core names levels, "province", "district", "commune"; an import's
owner and communes; the level that reviews a dossier, worked out by
recognition/workflow.py). Whether an import is ready to commit, or a dossier
awaits review, is the owning app's state, not a permission.

Across the line of 1 July 2025 (docs/after-the-line.md). The register keeps each
survey year under the units of the list in force on its reference date: up to 2024 the
old communes, districts and provinces, from 2025 the new ones (register/lineage.py).
Two rules follow, both read-only:

- A new unit's staff read its predecessors' history (``history_units``): a new
  commune's staff the old communes that went into it, a new province's staff the old
  provinces that went into it with their districts and communes. They cover those
  units (``covers``) but never change them: every predicate that acts compares the
  user's own unit, which is a new one.
- A district's account is history-only after the line (``acts``): Decree 142/2025/NĐ-CP
  (in force 1 July 2025) ends the district level and moves its tasks to the province
  and the commune (the legal review of 2 December 2026, §1.2, after the press summaries:
  23 of 25 district tasks to the commune, 2 to the province, commune recognition among
  them [inferred]). The account keeps reading its district's years and may no longer
  edit, upload, keep a school, set targets, submit or review. The rule is an account
  flag (``User.history_only``), set when the accounts are carried across the line
  (register/carry.py), not the dossier's era: until an office carries its accounts, a
  district still closes the 2024 survey it owns, and a flagged account is refused
  whatever year it asks for.

A surveyor (Role.SURVEYOR, issue 17) is attached to a commune and exists for one job:
the households its commune assigned to it in an open survey round. It covers no unit
(``covers``: every unit's page is not found for it), reads no whole unit, and changes
only the households and people register/scope.py lets it read (``may_edit_household``,
asked of a row already fetched through ``for_user``, which narrows a surveyor to its
assignment through hooks.surveyor_rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from django.core.exceptions import PermissionDenied
from django.http import Http404

from phocap.accounts import hooks
from phocap.accounts.models import Role, User


# What a predicate reads of the things it judges, by shape: this module may not import
# the apps that define them (register.AdministrativeUnit, schools.School,
# register.ImportJob, recognition.workflow.Reviewer).
class Unit(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def type(self) -> str: ...
    def ancestors(self) -> Sequence[Unit]: ...


class School(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def commune(self) -> Unit: ...


class Communes(Protocol):
    def all(self) -> Iterable[Unit]: ...


class ImportJob(Protocol):
    @property
    def user_id(self) -> int | None: ...
    @property
    def communes(self) -> Communes: ...


class Reviewer(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def unit(self) -> Unit | None: ...

# District and province staff draft their own unit's plan: of universal education (kế
# hoạch phổ cập, dashboard targets) and, for a province, of streaming after lower
# secondary school (its department of education's staff are the province reviewers);
# the province administrator works for the province too.
PLANNERS = frozenset({Role.DISTRICT_REVIEWER, Role.PROVINCE_REVIEWER, Role.PROVINCE_ADMIN})
# A unit's own staff, by the unit's level: they submit its dossier, and a district's or
# province's review the dossiers it recognises.
UNIT_STAFF = {
    "commune": frozenset({Role.COMMUNE_STAFF}),
    "district": frozenset({Role.DISTRICT_REVIEWER}),
    "province": frozenset({Role.PROVINCE_REVIEWER, Role.PROVINCE_ADMIN}),
}
# The roles that review recognition dossiers at some level (recognition/workflow.py).
DOSSIER_REVIEWERS = frozenset({Role.DISTRICT_REVIEWER, Role.PROVINCE_REVIEWER,
                               Role.PROVINCE_ADMIN, Role.MINISTRY_VIEWER})
# Reviewers who may open the import jobs of the communes below them.
IMPORT_REVIEWERS = frozenset({Role.DISTRICT_REVIEWER, Role.PROVINCE_REVIEWER})


def refuse(knows: bool, may: bool) -> None:
    """The one refusal policy: 404 unless the user may know the thing exists, then 403
    unless they may do what they asked."""
    if not knows:
        raise Http404
    if not may:
        raise PermissionDenied


def signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def acts(user: User) -> bool:
    """Whether the signed-in user may change anything at all: every account but a
    history-only one (a district's after 1 July 2025, ND142/2025; see the module's
    docstring). Every predicate that changes, submits or decides asks it."""
    return signed_in(user) and not user.history_only


def has_role(user: User, *roles: Role) -> bool:
    """Whether the signed-in user holds one of ``roles`` (Role members)."""
    return signed_in(user) and user.role in roles


def history_units(user: User) -> frozenset[int]:
    """The old units (before 1 July 2025) whose history the user reads besides the units
    below their own: a new commune's predecessors, a new province's predecessor provinces
    (register/lineage.py, through hooks.history_units). Asked once per user object and
    unit, since ``covers`` asks it for every unit a page names."""
    if (not signed_in(user) or user.unit_id is None
            or user.role in (Role.MINISTRY_VIEWER, Role.SURVEYOR)):
        return frozenset()
    known = user.__dict__.get("_history_units")
    if known is None or known[0] != user.unit_id:
        known = user.__dict__["_history_units"] = (user.unit_id, hooks.history_units(user))
    found: frozenset[int] = known[1]
    return found


def own_school_id(user: User) -> int | None:
    """The school of a school staff member's Staff record (schools.Staff.login), or None."""
    staff = getattr(user, "staff", None) if signed_in(user) else None
    return staff.school_id if staff is not None else None


def is_school_staff(user: User) -> bool:
    """A school's account: attached to a commune, reading only its own school."""
    return has_role(user, Role.SCHOOL_STAFF)


def is_surveyor(user: User) -> bool:
    """A surveyor's account: its commune's households assigned to it, nothing else."""
    return has_role(user, Role.SURVEYOR)


def covers(user: User, unit: Unit) -> bool:
    """Whether the user may open the unit's pages: their own unit or one below it.

    A ministry viewer covers every unit, for aggregates only (see ``sees_people``);
    nobody covers a unit above or beside their own. A surveyor covers none: its
    commune's pages are about everyone, and it reads only its assignment.
    """
    if not signed_in(user) or is_surveyor(user):
        return False
    if user.role == Role.MINISTRY_VIEWER:
        return True
    if user.unit_id is None:
        return False
    line = (unit, *unit.ancestors())
    return (any(u.pk == user.unit_id for u in line)
            or any(u.pk in history_units(user) for u in line))


def reads_history(user: User, unit: Unit) -> bool:
    """Whether the user reads the unit as history only, so its pages say so: an old unit
    they cover through their new unit's predecessors, or any unit under a history-only
    account. A ministry viewer reads everything as it is (aggregates, never changed)."""
    if not covers(user, unit) or user.role == Role.MINISTRY_VIEWER:
        return False
    own = any(u.pk == user.unit_id for u in (unit, *unit.ancestors()))
    return user.history_only or not own


def sees_people(user: User) -> bool:
    """Every role but the ministry viewer reads person-level data of the units it covers."""
    return signed_in(user) and user.role != Role.MINISTRY_VIEWER


def reads_nation(user: User) -> bool:
    """The national totals by province: the ministry viewer, whose units are all of them
    (aggregates only, like every page it reads); a province's staff cover one province
    and are refused the page (403: they know the other provinces exist)."""
    return has_role(user, Role.MINISTRY_VIEWER)


def reads_whole_units(user: User) -> bool:
    """Whether the user may open the pages about everything of a unit they cover (its
    audit trail, results, forms, name lists, export, dossier, duplicates, roll-over).

    A school's staff member reads their own school's pupils only: a commune-wide page
    would show them everyone else, and a page filtered to their pupils would mislead
    (results and forms of a commune are about everyone), so they are refused.
    """
    return signed_in(user) and not is_school_staff(user) and not is_surveyor(user)


def _another_school(user: User, school: School) -> bool:
    """A school's staff member looking at a school not their own."""
    return is_school_staff(user) and own_school_id(user) != school.pk


def knows_school(user: User, school: School) -> bool:
    """Whether the school exists for the user: in a unit they cover, and their own if
    they are a school's staff (the ministry viewer knows every school by name)."""
    return covers(user, school.commune) and not _another_school(user, school)


def opens_school(user: User, school: School) -> bool:
    """Whether a user covering the school's commune may open its pages (pupils, staff,
    attendance): their own school for a school's staff, never for the ministry viewer."""
    return sees_people(user) and not _another_school(user, school)


def may_edit(user: User, commune: Unit) -> bool:
    """Only commune staff change people, and only in their own commune: never a
    predecessor's history they read (its unit is not theirs), never under a
    history-only account."""
    return (has_role(user, Role.COMMUNE_STAFF) and acts(user)
            and user.unit_id == commune.pk)


def may_edit_household(user: User, commune: Unit) -> bool:
    """A household or its people, fetched through ``for_user``: the commune's staff, or a
    surveyor of the commune, whose ``for_user`` holds only its assigned households in an
    open round (register/scope.py), so this never widens what it reaches. Adding a
    household, or anything about the whole commune, stays ``may_edit``."""
    return may_edit(user, commune) or (is_surveyor(user) and acts(user)
                                        and user.unit_id == commune.pk)


def may_run_round(user: User, commune: Unit) -> bool:
    """A commune's survey round (open, assign, close) and its surveyors' accounts: the
    commune's own staff."""
    return may_edit(user, commune)


def follows_rounds(user: User, unit: Unit) -> bool:
    """The survey rounds of every commune below a district or province: its own staff
    (a district's before 1 July 2025 only, since its communes' years end in 2024), and a
    new province's staff those of the old provinces it continues (their years to 2024)."""
    if unit.type not in ("district", "province") or not has_role(user, *UNIT_STAFF[unit.type]):
        return False
    return user.unit_id == unit.pk or unit.pk in history_units(user)


def may_remind(user: User, unit: Unit) -> bool:
    """A reminder to a late commune below: the unit's own staff, acting (never through a
    predecessor's history)."""
    return follows_rounds(user, unit) and acts(user) and user.unit_id == unit.pk


def may_place_villages(user: User, successors: Iterable[Unit]) -> bool:
    """Where the villages of an old commune split on 1 July 2025 go (register/crossing.py):
    the staff of any new commune it went into, who know their villages, or the staff of
    the province above them, who arbitrate between those communes."""
    province = UNIT_STAFF["province"]
    return signed_in(user) and user.unit_id is not None and any(
        may_edit(user, new) or (user.role in province and any(
            u.pk == user.unit_id for u in new.ancestors() if u.type == "province"))
        for new in successors)


def may_upload(user: User) -> bool:
    """Commune staff bring their commune's file; nobody else writes people."""
    return has_role(user, Role.COMMUNE_STAFF) and acts(user) and user.unit_id is not None


def may_commit(user: User, job: ImportJob) -> bool:
    """An import job: its owner, if they may edit every commune of the file."""
    communes = list(job.communes.all())
    return (job.user_id == getattr(user, "pk", None) and bool(communes)
            and all(may_edit(user, c) for c in communes))


def may_keep_school(user: User, school: School) -> bool:
    """The school's own staff keep its classes, pupils, staff list and yearly facts."""
    return is_school_staff(user) and acts(user) and own_school_id(user) == school.pk


def may_keep_school_list(user: User, commune: Unit) -> bool:
    """The commune's staff keep the list of schools in their commune."""
    return may_edit(user, commune)


def may_keep_school_details(user: User, school: School) -> bool:
    """The school's own staff, or the commune's staff (many schools have no accounts)."""
    return may_keep_school(user, school) or may_keep_school_list(user, school.commune)


def may_set_targets(user: User, unit: Unit) -> bool:
    """A district's or province's plan targets (the dashboard's, and a province's
    streaming targets): its planning staff, for their own unit.

    The plan is adopted by a district or a province; a commune receives its targets
    from the plan above it, and a district's plan is not the province's to write.
    """
    return (has_role(user, *PLANNERS) and acts(user) and user.unit_id == unit.pk
            and unit.type != "commune")


def may_submit(user: User, unit: Unit) -> bool:
    """A unit's recognition dossier: the unit's own staff (a commune's officers, a
    district's or province's reviewers; recognition/workflow.py says why)."""
    if not acts(user) or user.unit_id != unit.pk:
        return False
    return user.role in UNIT_STAFF[unit.type]


def may_review(user: User, reviewer: Reviewer) -> bool:
    """A dossier whose recognising level (rules.md §4) is ``reviewer`` (its ``type`` and
    ``unit``, recognition/workflow.reviewing): that unit's staff, or the ministry for
    what only the ministry recognises; never a history-only account."""
    return acts(user) and recognises_at(user, reviewer)


def recognises_at(user: User, reviewer: Reviewer) -> bool:
    """Whether ``reviewer`` is the user's level, acting or not: what a district decided
    before the line stays in its account's list of decisions (recognition/tasks.py)."""
    if not signed_in(user):
        return False
    if reviewer.type == "ministry":
        return bool(user.role == Role.MINISTRY_VIEWER)
    # A district or a province (a unit, then): no commune recognises anyone.
    return (user.role in UNIT_STAFF[reviewer.type] and reviewer.unit is not None
            and user.unit_id == reviewer.unit.pk)


def reviews_dossiers(user: User) -> bool:
    """Whether the user has a queue of dossiers to review at all."""
    return has_role(user, *DOSSIER_REVIEWERS)


def reads_imports(user: User) -> bool:
    """The list of imports: every account but a surveyor's, which imports nothing and
    has no page but its assignment's."""
    return signed_in(user) and not is_surveyor(user)


def opens_others_imports(user: User) -> bool:
    """Reviewers open the import jobs of the communes they cover, not only their own."""
    return has_role(user, *IMPORT_REVIEWERS)


def administers_accounts(user: User) -> bool:
    """The province administrator manages the accounts of their province."""
    return has_role(user, Role.PROVINCE_ADMIN) and acts(user)
