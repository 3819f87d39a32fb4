"""Import validated survey records into the register: preview, then commit all or nothing.

A person is matched by commune, village, form number (household_no) and position
in the household (person_no): the ministry numbers households within each village,
so two villages may both have household 1. Their facts for the survey year live in PersonYear. The
preview says what the file would create, change (field by field) and leave
unchanged, and who is in the register for that commune and year but missing
from the file (reported, never deleted). Committing applies exactly that, all or
nothing, records an audit entry for every household, person and survey year
created or changed, and changes nothing when the same file is imported again.
On PostgreSQL the commit is one transaction. On SQLite, which has a single
writer, one transaction would stop every other user's writes for as long as
the import runs; there each batch is a short transaction of its own, the
file's communes are held until the import ends and every batch is undone if
one fails (register/import_runs.py says how and why).

A district is over a hundred thousand people, so the commit never goes through
the ORM row by row: it writes batches of plain rows (COPY on PostgreSQL,
executemany on SQLite, see bulk.py) and reports progress after each batch.

What the officer confirmed is the preview, so the commit must apply that and
nothing else. The preview carries a fingerprint of the register as it saw it
(every matched person's version, who had a record for the year, who was
missing, every difference); a commit given that fingerprint recomputes it once
nobody else can change the communes (in its transaction, or once it holds
them) and refuses, writing nothing, if someone edited or imported
in between. The people it changes are then updated only if they still have the
version it read (a conditional UPDATE, as editing.update_person does) and get a
new version, so an edit made on a form opened before the import is refused too
(register/locking.StaleEdit). Either way nothing is silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction

from phocap.accounts.models import User
from phocap.accounts.permissions import may_edit
from phocap.register import audit, bulk, import_runs, uniqueness
from phocap.register.freezing import carried_on, frozen
from phocap.register.models import (
    AdministrativeUnit,
    Household,
    Person,
    PersonYear,
    Village,
)
from phocap.register.records import PERSON_FIELDS, YEAR_FIELDS
from phocap.register.records import wanted as stored_values
from phocap.register.results import count_now
from phocap.survey.official.values import CLASS_OF_STAGE
from phocap.survey.text import fold, fold_expr
from phocap.units import vintage_for_year

BATCH_ROWS = 1000
"""Records written per batch (at most, on SQLite): progress is reported after each one. On
SQLite a batch is a transaction of its own, a fraction of a second during which other
writers wait (import_runs.next_batch)."""

STALE = (
    "Dữ liệu của xã đã thay đổi sau khi xem trước (có người vừa sửa hoặc nhập dữ liệu):"
    " chưa ghi gì vào sổ; hãy xem trước lại để thấy thay đổi mới rồi xác nhận."
)
Key = tuple[str, str, str, int]  # commune_code, village, household_no, person_no
Progress = Callable[[int, int], None]
Values = dict[str, Any]


class ImportRefused(Exception):
    """A file that cannot be imported as it is (e.g. a commune missing from the units)."""


@dataclass
class Preview:
    survey_year: int
    new: list[Key] = field(default_factory=list)
    changed: dict[Key, dict[str, tuple[object, object]]] = field(default_factory=dict)
    unchanged: int = 0
    missing: list[Key] = field(default_factory=list)
    fingerprint: str = ""  # the register as this preview saw it; see the module docstring


def _differences(old: Values, new: Values) -> dict[str, tuple[object, object]]:
    """The fields whose value differs; a date equals its ISO text. Equal values are the
    common case (a year mostly unchanged) and are passed over first."""
    found: dict[str, tuple[object, object]] = {}
    for key, b in new.items():
        a = old[key]
        if a == b:
            continue
        if (isinstance(a, dt.date) or isinstance(b, dt.date)) and str(a) == str(b):
            continue
        found[key] = (a, b)
    return found


def _communes(records: pl.DataFrame, year: int) -> dict[str, AdministrativeUnit]:
    vintage = vintage_for_year(year).value
    codes = records["commune_code"].unique().to_list()
    found = {u.code: u for u in AdministrativeUnit.objects.filter(vintage=vintage, code__in=codes)}
    absent = sorted(set(codes) - set(found))
    if absent:
        raise ImportRefused(
            f"Xã {', '.join(absent)} chưa có trong danh mục đơn vị của hệ thống"
            f" ({vintage}); hãy nạp danh mục (loadunits) trước."
        )
    return found


def _single_year(records: pl.DataFrame) -> int:
    years = records["survey_year"].unique().to_list()
    if len(years) != 1:
        raise ImportRefused("Mỗi lần nhập một năm điều tra; tệp có các năm " + ", ".join(
            str(y) for y in sorted(years)) + ".")
    return int(years[0])


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


@dataclass
class _Register:
    """What the register holds for the file's communes, as plain values (no model instances)."""

    people: dict[Key, Values]
    years: dict[int, Values]  # person id → their PersonYear of the survey year
    households: dict[tuple[int, str, str], int]  # (commune id, village, household_no) → id
    villages: dict[tuple[int, str], int]  # (commune id, name) → id
    household_rows: dict[tuple[object, ...], Values]  # a person key less person_no → household


def _register(communes: dict[str, AdministrativeUnit], year: int) -> _Register:
    units = list(communes.values())
    code_of = {u.pk: u.code for u in units}
    villages = {
        (row["commune_id"], row["name"]): row["id"]
        for row in bulk.read_values(Village.objects.filter(commune__in=units),
                                    ("id", "commune_id", "name"))
    }
    village_name = {pk: name for (_, name), pk in villages.items()}
    households: dict[tuple[int, str, str], int] = {}
    where: dict[int, tuple[str, str, str]] = {}
    household_rows: dict[int, Values] = {}
    for row in bulk.read_values(Household.objects.filter(commune__in=units),
                                _columns(Household)):
        village = village_name[row["village_id"]]
        households[(row["commune_id"], village, row["household_no"])] = row["id"]
        where[row["id"]] = (code_of[row["commune_id"]], village, row["household_no"])
        household_rows[row["id"]] = row
    people: dict[Key, Values] = {}
    for values in bulk.read_values(Person.objects.filter(household__commune__in=units),
                                   _columns(Person)):
        code, village, number = where[values["household_id"]]
        people[(code, village, number, values["person_no"])] = values
    years = {
        values["person_id"]: values
        for values in bulk.read_values(
            PersonYear.objects.filter(person__household__commune__in=units, survey_year=year),
            _columns(PersonYear))
    }
    return _Register(people, years, households, villages,
                     {place: household_rows[pk] for pk, place in where.items()})


def _rows(records: pl.DataFrame) -> Iterator[tuple[Key, dict[str, Any]]]:
    for row in records.iter_rows(named=True):
        yield (row["commune_code"], row["village"], row["household_no"], row["person_no"]), row


# A household's own fields that a survey file gives: its head's name (the member whose
# relationship is "Chủ hộ") and its address. A blank in the file never erases them.
HOUSEHOLD_FIELDS = ("head_name", "address")
HEAD = "Chủ hộ"


# A blank a file leaves where it cannot say (the ministry's template has no national ID
# and no literacy year, and keeps only a person's highest completion) is unknown, not
# "none": it never erases what the register holds (docs/official-files.md).
_COMPLETIONS = ("preschool_completed", "primary_completed", "thcs_graduated",
                "thpt_graduated")


def _person_wanted(row: dict[str, object], before: Values | None) -> Values:
    wanted = stored_values(row, PERSON_FIELDS)
    if before is not None and wanted["national_id"] is None:
        wanted["national_id"] = before["national_id"]
    return wanted


def _year_wanted(row: dict[str, object], before: Values | None) -> Values:
    wanted = stored_values(row, YEAR_FIELDS)
    if before is None:
        return wanted
    if wanted["literacy_year"] is None and wanted["literacy_stage"] is not None:
        wanted["literacy_year"] = before["literacy_year"]
    given = [i for i, name in enumerate(_COMPLETIONS) if wanted[name] is not None]
    for name in _COMPLETIONS[:max(given, default=0)]:
        if wanted[name] is None:
            wanted[name] = before[name]
    for name, restated in _restated(before).items():
        if before[name] is None and wanted[name] == restated:
            wanted[name] = None
    return wanted


def _restated(before: Values) -> Values:
    """The finer fields the ministry's template writes in place of the register's coarser
    ones (survey/official/writing.py): its "finished grade" column holds the highest grade
    finished, its literacy class the stage's last class, its relapse level 1 for a relapse.
    A file giving exactly these restates what the register holds; it adds nothing."""
    stage = before["literacy_stage"]
    return {
        "finished_grade": before["highest_grade"],
        "literacy_completed": CLASS_OF_STAGE.get(stage) if stage is not None else None,
        "relapse_level": 1 if before["relapsed"] else None,
    }


def _households_given(records: pl.DataFrame) -> dict[tuple[object, ...], Values]:
    """What the file says of each household (keyed like a person, less person_no): one
    pass in polars, not a second loop over a district's rows in Python."""
    place = ["commune_code", "village", "household_no"]
    head = fold_expr(pl.col("relationship")) == fold(HEAD)
    given = records.group_by(place).agg(
        pl.col("full_name").filter(head).first().alias("head_name"),
        pl.col("address").drop_nulls().first().alias("address"),
    )
    return {tuple(row[k] for k in place): {n: row[n] for n in HOUSEHOLD_FIELDS if row[n]}
            for row in given.iter_rows(named=True)}


@dataclass
class _Plan:
    preview: Preview
    communes: dict[str, AdministrativeUnit]
    register: _Register
    todo: list[tuple[Key, dict[str, object]]]  # rows to write (new or changed), in file order
    households: dict[tuple[object, ...], Values] = field(default_factory=dict)  # as the file says
    household_changes: list[tuple[Values, Values]] = field(default_factory=list)  # before, after


def _plan(records: pl.DataFrame, communes: dict[str, AdministrativeUnit], year: int) -> _Plan:
    register = _register(communes, year)
    result = Preview(year)
    todo: list[tuple[Key, dict[str, object]]] = []
    seen: set[Key] = set()
    digest = hashlib.sha256(str(year).encode())
    for key, row in _rows(records):
        seen.add(key)
        person = register.people.get(key)
        surveyed = register.years.get(person["id"]) if person is not None else None
        digest.update(repr((key, person and person["id"], person and person["version"],
                            surveyed is not None)).encode())
        if person is None or surveyed is None:
            result.new.append(key)
            todo.append((key, row))
            continue
        changes = _differences({k: person[k] for k in PERSON_FIELDS},
                               _person_wanted(row, person))
        changes |= _differences({k: surveyed[k] for k in YEAR_FIELDS},
                                _year_wanted(row, surveyed))
        if changes:
            result.changed[key] = changes
            todo.append((key, row))
        else:
            result.unchanged += 1
    households = _households_given(records)
    changes_of_households = _household_changes(register, households, result)
    digest.update(repr(sorted((b["id"], b["version"]) for b, _ in changes_of_households))
                  .encode())
    result.missing = sorted(
        k for k, p in register.people.items() if p["id"] in register.years and k not in seen
    )
    digest.update(repr((result.missing, sorted(result.changed.items()))).encode())
    result.fingerprint = digest.hexdigest()
    return _Plan(result, communes, register, todo, households, changes_of_households)


def _household_changes(register: _Register, given: dict[tuple[object, ...], Values],
                       result: Preview) -> list[tuple[Values, Values]]:
    """The registered households whose head or address the file changes.

    The preview shows each change on the household's first member in the file,
    as the officer reads a household by its people.
    """
    changes: list[tuple[Values, Values]] = []
    for place, values in given.items():
        before = register.household_rows.get(place)
        if before is None:
            continue
        differences = {name: (before[name], value) for name, value in values.items()
                       if value and value != before[name]}
        if not differences:
            continue
        changes.append((before, {**before, **{n: new for n, (_, new) in differences.items()}}))
        new = set(result.new)
        shown = min((k for k in register.people if k[:-1] == place and k not in new
                     and register.people[k]["id"] in register.years), default=None)
        if shown is None:
            continue  # shown with the household's new members
        if shown not in result.changed:
            result.unchanged -= 1
        result.changed[shown] = result.changed.get(shown, {}) | differences
    return changes


def _refuse_frozen(communes: dict[str, AdministrativeUnit], year: int) -> None:
    """A frozen year takes no file (register/freezing.py): said at preview and at commit.

    A file of an open year may still correct people's identities: the person and
    the open years change, a frozen year keeps the identity it pinned.
    """
    for commune in communes.values():
        if reason := frozen(commune, year) or carried_on(commune):
            raise ImportRefused(f"Không nhập được tệp năm {year}: {reason}")


def preview(records: pl.DataFrame, user: User | None = None) -> Preview:
    """What importing these records would do; nothing is written.

    A national ID another person of the register already holds is refused here
    (ImportRefused, row by row), not left for the database to refuse at commit;
    ``user`` decides whether the other person is named (uniqueness.py).
    """
    year = _single_year(records)
    communes = _communes(records, year)
    _refuse_frozen(communes, year)
    planned = _plan(records, communes, year).preview
    _refuse_clashes(records, user)
    return planned


def _refuse_clashes(records: pl.DataFrame, user: User | None) -> None:
    if clashes := uniqueness.import_clashes(records, user):
        raise ImportRefused(uniqueness.clash_refusal(clashes))


def commit(records: pl.DataFrame, user: User, progress: Progress | None = None,
           expected: str | None = None) -> Preview:
    """Apply the records in one transaction, audited; returns what was done.

    Only the commune's own staff may (permissions.may_edit). ``expected`` is the
    fingerprint of the preview the user confirmed: if the register changed
    since, nothing is written and ImportRefused says to preview again.
    ``progress(done, total)`` is called after each batch of records written.
    """
    return _commit(records, user, progress, expected, authorise=True)


def load(records: pl.DataFrame, progress: Progress | None = None, alone: bool = False) -> Preview:
    """Apply the records as the system (no user, no scope check): for management commands.

    ``alone``: nobody else uses the database (the demo being built), so even on
    SQLite the records go in one transaction, without the batches, holds and
    undo log that keep other users' writes moving (import_runs.py).
    """
    return _commit(records, None, progress, None, authorise=False, alone=alone)


def _commit(records: pl.DataFrame, user: User | None, progress: Progress | None,
            expected: str | None, authorise: bool, alone: bool = False) -> Preview:
    try:
        return _commit_all(records, user, progress, expected, authorise, alone)
    except IntegrityError:
        # Every check passed, yet the database refused: another writer took the
        # same national ID (or form number) meanwhile. Nothing was kept.
        raise ImportRefused(uniqueness.COMMIT_REFUSED) from None


def _commit_all(records: pl.DataFrame, user: User | None, progress: Progress | None,
                expected: str | None, authorise: bool, alone: bool) -> Preview:
    year = _single_year(records)
    if import_runs.chunked() and not alone:
        return _commit_in_batches(records, year, user, progress, expected, authorise)
    with transaction.atomic():
        communes = _allowed(records, year, user, authorise)
        # Two imports of one commune on PostgreSQL queue here instead of both
        # planning from the same state. FOR NO KEY UPDATE, so that edits, whose
        # audit entries reference the commune (FOR KEY SHARE), are not held up by
        # the import.
        list(AdministrativeUnit.objects.select_for_update(no_key=True)
             .filter(pk__in=[u.pk for u in communes.values()]).order_by("pk"))
        plan = _planned(records, communes, year, expected, user)
        total = len(plan.todo)
        for start in range(0, total, BATCH_ROWS):
            _write(plan, plan.todo[start:start + BATCH_ROWS], user)
            if progress is not None:
                progress(min(start + BATCH_ROWS, total), total)
    return plan.preview


def _allowed(records: pl.DataFrame, year: int, user: User | None,
             authorise: bool) -> dict[str, AdministrativeUnit]:
    """The file's communes, if the user may change them all now (not frozen, not held by
    another import); in the caller's transaction."""
    communes = _communes(records, year)
    if authorise:
        assert user is not None  # only commit() authorises, for its user
        for commune in communes.values():
            if not may_edit(user, commune):
                raise PermissionDenied(f"Không có quyền sửa dữ liệu của {commune.name}.")
    _refuse_frozen(communes, year)
    return communes


def _planned(records: pl.DataFrame, communes: dict[str, AdministrativeUnit], year: int,
             expected: str | None, user: User | None) -> _Plan:
    """The plan, if it is still the preview the officer confirmed and no national ID of the
    file was taken meanwhile (both asked again in the commit's own transaction)."""
    plan = _plan(records, communes, year)
    if expected is not None and plan.preview.fingerprint != expected:
        raise ImportRefused(STALE)
    _refuse_clashes(records, user)
    return plan


def _commit_in_batches(records: pl.DataFrame, year: int, user: User | None,
                       progress: Progress | None, expected: str | None,
                       authorise: bool) -> Preview:
    """SQLite: each batch in a short transaction of its own, the whole still all or nothing
    (register/import_runs.py: the communes held meanwhile, and undone on any failure)."""
    import_runs.recover_abandoned()
    with transaction.atomic():
        communes = _allowed(records, year, user, authorise)
        run = import_runs.hold(communes.values(), year)
    try:
        count_now(list(communes.values()), year)
        plan = _planned(records, communes, year, expected, user)
        total, done, size, number = len(plan.todo), 0, BATCH_ROWS, 0
        while done < total:
            began = time.monotonic()
            with transaction.atomic():
                created, before = _write(plan, plan.todo[done:done + size], user)
                import_runs.log(run, number, created, before)
            done, number = min(done + size, total), number + 1
            if progress is not None:
                progress(done, total)
            size = import_runs.next_batch(size, time.monotonic() - began, BATCH_ROWS)
            time.sleep(import_runs.PAUSE)
    except BaseException:
        import_runs.undo(run)
        raise
    import_runs.release(run)
    return plan.preview


def _defaults(model: type[models.Model]) -> Values:
    """Every field's default: what a new row gets for the fields a survey record lacks
    (a household's head and phone, a person's relationship, …)."""
    return {f.attname: f.get_default() for f in model._meta.concrete_fields}


def _insert(model: type[models.Model], rows: list[Values]) -> None:
    columns = _columns(model)
    values = itemgetter(*columns)  # a row's values in column order, as one tuple
    bulk.insert_rows(model, columns, [values(row) for row in rows])


Written = tuple[dict[str, list[int]], dict[str, list[Values]]]


def _write(plan: _Plan, batch: list[tuple[Key, dict[str, object]]], user: User | None) -> Written:
    """Write one batch of new or changed records, with their audit entries.

    Returns what an undo needs (import_runs.log): the ids created per table,
    and the rows changed as they were before.
    """
    register, year = plan.register, plan.preview.survey_year
    entries: list[audit.Entry] = []
    commune_of = {key: plan.communes[key[0]].pk for key, _ in batch}

    # Villages and households the batch needs and the register lacks.
    household_defaults = _defaults(Household)
    villages: list[Values] = []
    households: list[Values] = []
    for key, _ in batch:
        commune_id, name, number = commune_of[key], key[1], key[2]
        if (commune_id, name, number) in register.households:
            continue
        if (commune_id, name) not in register.villages:
            villages.append({**_defaults(Village), "commune_id": commune_id, "name": name})
            register.villages[(commune_id, name)] = 0  # id allocated below
        households.append({**household_defaults, **plan.households.get(key[:-1], {}),
                           "commune_id": commune_id, "village": name, "household_no": number})
        register.households[(commune_id, name, number)] = 0  # its id is allocated below
    for pk, village in zip(bulk.allocate_ids(Village, len(villages)), villages, strict=True):
        village["id"] = register.villages[(village["commune_id"], village["name"])] = pk
    _insert(Village, villages)
    for pk, household in zip(bulk.allocate_ids(Household, len(households)), households,
                             strict=True):
        household["id"] = register.households[(household["commune_id"], household["village"],
                                               household["household_no"])] = pk
        household["village_id"] = register.villages[(household["commune_id"],
                                                     household.pop("village"))]
        entries.append(audit.Entry("create", "household", pk, household["commune_id"], None,
                                   audit.snapshot_values(Household, household)))
    _insert(Household, households)
    changed_households = _write_household_changes(plan, entries)

    # People: new ones inserted, existing ones updated if still at the version read.
    person_defaults = _defaults(Person)
    created: list[tuple[Key, Values]] = []
    updated: list[tuple[Key, Values, Values]] = []  # key, before, after
    for key, row in batch:
        before = register.people.get(key)
        wanted = _person_wanted(row, before)
        if before is None:
            created.append((key, {
                **person_defaults, **wanted, "person_no": key[3],
                "household_id": register.households[(commune_of[key], key[1], key[2])],
            }))
        else:
            updated.append((key, before, {**before, **wanted, "version": before["version"] + 1}))
    person_id = {key: before["id"] for key, before, _ in updated}
    for pk, (key, person) in zip(bulk.allocate_ids(Person, len(created)), created, strict=True):
        person["id"] = person_id[key] = pk
        entries.append(audit.Entry("create", "person", pk, commune_of[key], None,
                                   audit.snapshot_values(Person, person)))
    _insert(Person, [person for _, person in created])
    # Every existing person the file touches gets a new version, so a form opened
    # before the import is refused (locking.StaleEdit); one edited since the plan
    # was read is not updated, and then nothing of the import is kept.
    done = bulk.update_rows(
        Person, PERSON_FIELDS,
        [(before["id"], before["version"], *(after[k] for k in PERSON_FIELDS))
         for _, before, after in updated],
        versioned=True,
    )
    if done != len(updated):
        raise ImportRefused(STALE)
    for key, before, after in updated:
        if _differences({k: before[k] for k in PERSON_FIELDS},
                        {k: after[k] for k in PERSON_FIELDS}):
            entries.append(audit.Entry("update", "person", before["id"], commune_of[key],
                                       audit.snapshot_values(Person, before),
                                       audit.snapshot_values(Person, after)))

    # The survey year: a new PersonYear, or the changed one.
    year_defaults = _defaults(PersonYear)
    new_years: list[tuple[Key, Values]] = []
    changed_years: list[tuple[Key, Values, Values]] = []
    for key, row in batch:
        before = register.years.get(person_id[key]) if key in register.people else None
        wanted = _year_wanted(row, before)
        if before is None:
            new_years.append((key, {**year_defaults, **wanted, "person_id": person_id[key],
                                    "survey_year": year}))
        elif _differences({k: before[k] for k in YEAR_FIELDS}, wanted):
            changed_years.append((key, before, {**before, **wanted}))
    for pk, (key, surveyed) in zip(bulk.allocate_ids(PersonYear, len(new_years)), new_years,
                                   strict=True):
        surveyed["id"] = pk
        entries.append(audit.Entry("create", "personyear", pk, commune_of[key], None,
                                   audit.snapshot_values(PersonYear, surveyed)))
    _insert(PersonYear, [surveyed for _, surveyed in new_years])
    bulk.update_rows(PersonYear, YEAR_FIELDS,
                     [(before["id"], *(after[k] for k in YEAR_FIELDS))
                      for _, before, after in changed_years])
    for key, before, after in changed_years:
        entries.append(audit.Entry("update", "personyear", before["id"], commune_of[key],
                                   audit.snapshot_values(PersonYear, before),
                                   audit.snapshot_values(PersonYear, after)))
    audit_ids = audit.record_many(user, entries)
    ids = {
        "village": [v["id"] for v in villages], "household": [h["id"] for h in households],
        "person": [p["id"] for _, p in created], "personyear": [y["id"] for _, y in new_years],
        "auditentry": audit_ids,
    }
    return ids, {"person": [before for _, before, _ in updated],
                 "personyear": [before for _, before, _ in changed_years],
                 "household": changed_households}


def _write_household_changes(plan: _Plan, entries: list[audit.Entry]) -> list[Values]:
    """The households' head and address the file changes, with the first batch; returns
    them as they were, for an undo."""
    changes, plan.household_changes = plan.household_changes, []
    done = bulk.update_rows(
        Household, HOUSEHOLD_FIELDS,
        [(before["id"], before["version"], *(after[n] for n in HOUSEHOLD_FIELDS))
         for before, after in changes],
        versioned=True,
    )
    if done != len(changes):
        raise ImportRefused(STALE)
    for before, after in changes:
        entries.append(audit.Entry("update", "household", before["id"], before["commune_id"],
                                   {n: before[n] for n in HOUSEHOLD_FIELDS},
                                   {n: after[n] for n in HOUSEHOLD_FIELDS}))
    return [before for before, _ in changes]
