"""Results from cached per-commune counts: the engine's answer, and recounting only what changed.

The hand-made province 11 (districts 100 and 101, communes 03319, 03322, 03370)
is filled with a small synthetic population (phocap.synth, 300 people per
commune) through the register's import. The reference is the engine itself:
engine.evaluate and engine.outlook over the survey_record view through Ibis,
as the register computed results before counts were cached per commune.
``counted`` records the communes each count query is run for.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from phocap.engine.evaluate import evaluate
from phocap.engine.export import label
from phocap.engine.outlook import outlook
from phocap.register import commune_counts, editing, import_runs, importing, results
from phocap.register.engine_table import survey_record
from phocap.register.models import CommuneRevision, Person, UnitYear
from phocap.survey.validate import validate
from phocap.synth import prepare, select
from phocap.synth.writer import write_parquet

YEAR = 2021
PROVINCE, CODES = "11", ("03319", "03322", "03370")

pytestmark = pytest.mark.django_db(transaction=True)


def synthetic(folder: Path, seed: int, year: int = YEAR, codes: tuple[str, ...] = CODES) -> Any:
    """Typed survey records of 300 people in each commune, as an import reads them."""
    communes = [c for c in select(PROVINCE, year)[0] if c.code in codes]
    path = folder / f"province-{seed}-{year}.parquet"
    people = 300 * len(codes)
    write_parquet(path, list(prepare(communes, year, "mountainous", seed, people).batches()))
    checked = validate(path, year=year, keep_records=True)
    assert checked.report.ok and checked.records is not None
    return checked.records


@pytest.fixture
def province(tree: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    importing.load(synthetic(tmp_path, 11))
    return tree


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The commune codes of every count query, in order."""
    calls: list[list[str]] = []
    count = commune_counts.count

    def recording(q: Any, year: int, codes: Any) -> Any:
        calls.append(sorted(codes))
        return count(q, year, codes)

    monkeypatch.setattr(commune_counts, "count", recording)
    return calls


def reference(unit: Any, year: int) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """The engine's own answer through Ibis: the evaluation's JSON and the outlook's changes."""
    units = results.subtree(unit)
    frame = results._units_frame(unit, units, year)
    table = survey_record(year, [u.code for u in units if u.type == "commune"])
    wanted = {unit.code} | {u.code for u in units if u.parent_id == unit.pk}
    evaluation = evaluate(table, year=year, units=frame).to_json()
    evaluation["units"] = [u for u in evaluation["units"] if u["code"] in wanted]
    _, _, changes = outlook(table, year=year, units=frame)
    return evaluation, [(c.code, c.standard, c.level_now, c.level_next,
                         [(key, label(key), gap) for key, gap in c.shortfalls])
                        for c in changes if c.code in wanted]


def outlook_rows(found: list[results.Outlook]) -> list[tuple[Any, ...]]:
    return [(c.code, c.standard, c.level_now, c.level_next,
             [(s.key, s.label, s.gap) for s in c.shortfalls]) for c in found]


def units_of(tree: dict[str, Any]) -> list[Any]:
    return [tree["province"], *tree["districts"], *tree["communes"].values()]


def test_cached_counts_give_the_engines_answer_for_every_unit(province: dict[str, Any]) -> None:
    for unit in units_of(province):
        evaluation, changes = reference(unit, YEAR)
        assert results.cached_results(unit, YEAR).to_json() == evaluation
        assert outlook_rows(results.cached_next_year(unit, YEAR)) == changes
    # Not a vacuous comparison: the communes have people in every cohort and differ.
    communes = reference(province["province"], YEAR)[0]["units"]
    assert len(communes) == 3 and communes[0]["indicators"]
    assert any(c["numerator"] > 0 for s in communes[0]["standards"].values()
               for c in s["criteria"])


def test_the_count_by_age_counts_what_the_engines_count_expression_counts(
        province: dict[str, Any]) -> None:
    from phocap.engine import counts as counting
    from phocap.engine.evaluate import needed_counts

    q = commune_counts.query(commune_counts.NOW, YEAR)
    mine = commune_counts.frame(q, YEAR, commune_counts.count(q, YEAR, list(CODES)))
    table = survey_record(YEAR, list(CODES))
    assert mine.equals(counting.compute(table, needed_counts(q.ruleset)))
    assert mine.height == 3


def test_a_recount_compiles_nothing_and_binds_the_year_and_codes(
        province: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Building and compiling the engine's expression took longer than counting a commune
    (BENCHMARKS.md, the province page): it happens once per process for a kind, year and
    number of communes, and the statement holds neither the year nor the codes."""
    from ibis.backends.sql.compilers.base import SQLGlotCompiler

    compiled: list[object] = []
    to_sqlglot = SQLGlotCompiler.to_sqlglot

    def spying(self: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(args)
        return to_sqlglot(self, *args, **kwargs)

    for kind in (commune_counts.NOW, commune_counts.NEXT):
        q = commune_counts.query(kind, YEAR)
        first = commune_counts.count(q, YEAR, [CODES[0]])
        commune_counts.count_villages(q, YEAR, CODES[0])
        compiled.clear()
        monkeypatch.setattr(SQLGlotCompiler, "to_sqlglot", spying)
        others = {code: commune_counts.count(q, YEAR, [code])[code] for code in CODES[1:]}
        villages = commune_counts.count_villages(q, YEAR, CODES[1])
        monkeypatch.undo()
        assert compiled == [], kind
        assert len({first[CODES[0]], *others.values()}) == 3  # three communes, three answers
        assert villages
        statement = q.sql(1)
        assert not any(code in statement for code in CODES)
        if kind == commune_counts.NOW:  # (next year's roll names the year it rolls from)
            assert str(YEAR) not in statement


def test_the_village_breakdown_is_the_engines_answer_over_each_village(
        province: dict[str, Any]) -> None:
    """results.villages runs the count query with villages in the communes' place;
    the reference is engine.evaluate through Ibis over the same rows, as the page computed
    it before (each village judged as a commune would be)."""
    import polars as pl

    from phocap.engine.units import UNITS_SCHEMA

    many = 0
    for commune in province["communes"].values():
        found = results.villages(commune, YEAR)
        table = survey_record(YEAR, [commune.code])
        names = [v.name for v in found]
        units = pl.DataFrame([(n, n, "commune", None, False) for n in names],
                             schema=UNITS_SCHEMA, orient="row")
        expected = evaluate(table.mutate(commune_code=table.village), year=YEAR, units=units)
        assert found == [
            results.VillageResult(u.name, u.has_data, tuple(
                results.VillageStandard(key, r.level, tuple(
                    results.VillageCriterion(c.key, c.numerator, c.denominator, c.passed)
                    for c in r.criteria))
                for key, r in u.standards.items()))
            for u in expected.units]
        many += len(names) > 1
    assert many  # not vacuous: some commune has several villages to tell apart


def test_the_outlook_and_the_villages_are_typed_and_cached_as_such(
        province: dict[str, Any]) -> None:
    """Pages read frozen dataclasses (Outlook, VillageResult), as they read the Evaluation,
    not dicts; the cache pickles them, so the second read is a copy from the cache, equal
    and of the same types."""
    import dataclasses
    import pickle

    commune = province["communes"]["03319"]
    for read, kind in ((results.cached_next_year, results.Outlook),
                       (results.cached_villages, results.VillageResult)):
        first = read(commune, YEAR)
        again = read(commune, YEAR)
        assert first and all(isinstance(item, kind) for item in again)
        assert again == first and again is not first
        assert pickle.loads(pickle.dumps(first)) == first
        with pytest.raises(dataclasses.FrozenInstanceError):
            first[0].name = "changed"  # type: ignore[misc]


def test_an_edit_recounts_its_commune_only_and_changes_the_roll_up(
        province: dict[str, Any], make_user: Any, counted: list[list[str]]) -> None:
    top, edited = province["province"], province["communes"]["03322"]
    results.cached_results(top, YEAR)
    results.cached_next_year(top, YEAR)
    was = results.cached_results(edited, YEAR)
    other = results.cached_results(province["districts"][1], YEAR)
    assert counted == [list(CODES), list(CODES)]  # this year's counts, then next year's

    # Everyone aged 15–18 in 03322 moves away: the lower-secondary cohort empties.
    officer = make_user("commune_staff", edited)
    movers = Person.objects.filter(household__commune=edited, birth_year__range=(2003, 2006))
    assert movers.exists()
    for person in movers:
        editing.move(officer, person.pk, person.version, YEAR, "moved_out",
                     day=dt.date(YEAR, 3, 1), place="xã Mường Phăng")

    after = results.cached_results(top, YEAR)
    ahead = results.cached_next_year(top, YEAR)
    assert counted[2:] == [["03322"], ["03322"]]
    assert (after.to_json(), outlook_rows(ahead)) == reference(top, YEAR)
    now = results.cached_results(edited, YEAR)
    assert now != was and now.to_json() == reference(edited, YEAR)[0]
    # The other district is judged on its commune's cached row, unchanged.
    assert results.cached_results(province["districts"][1], YEAR) == other
    assert counted[2:] == [["03322"], ["03322"]]


def test_a_difficult_flag_changes_the_levels_without_recounting(
        province: dict[str, Any], counted: list[list[str]]) -> None:
    top, commune = province["province"], province["communes"]["03370"]
    results.cached_results(top, YEAR)
    own = results.cached_results(commune, YEAR).units[0]
    assert not own.especially_difficult and counted == [list(CODES)]
    UnitYear.objects.update_or_create(unit=commune, survey_year=YEAR,
                                      defaults={"especially_difficult": True})
    flagged = results.cached_results(commune, YEAR).units[0]
    assert flagged.especially_difficult and flagged != own
    assert flagged.to_json() == reference(commune, YEAR)[0]["units"][0]
    assert results.cached_results(top, YEAR).to_json() == reference(top, YEAR)[0]
    assert counted == [list(CODES)]  # the counts hold both kinds of commune's cohorts


def test_an_import_recounts_the_communes_it_changed(
        province: dict[str, Any], tmp_path: Path, counted: list[list[str]]) -> None:
    top = province["province"]
    results.cached_results(top, YEAR)
    records = synthetic(tmp_path, 12)
    changed = records.filter(records["commune_code"] == "03319")
    importing.load(changed)
    assert results.cached_results(top, YEAR).to_json() == reference(top, YEAR)[0]
    # Before writing, the import (SQLite) keeps what 03319 counted before it
    # (results.count_now: this year's counts were cached, next year's were not).
    before_import = [["03319"]] if import_runs.chunked() else []
    assert counted == [list(CODES), *before_import, ["03319"]]


def test_the_survey_years_follow_an_import_of_a_new_year(
        province: dict[str, Any], tmp_path: Path) -> None:
    communes = list(province["communes"].values())
    assert results.survey_years(communes) == [YEAR]
    importing.load(synthetic(tmp_path, 13, YEAR + 1, ("03370",)))
    assert results.survey_years(communes) == [YEAR + 1, YEAR]
    assert results.survey_years(communes[:2]) == [YEAR]


def test_every_audited_change_raises_its_communes_revision_once_committed(
        province: dict[str, Any], make_user: Any) -> None:
    commune = province["communes"]["03319"]
    officer = make_user("commune_staff", commune)

    def revision() -> int:
        return CommuneRevision.objects.get(commune=commune).revision

    def move(action: str) -> None:
        person = Person.objects.filter(household__commune=commune,
                                       years__survey_year=YEAR).order_by("pk").first()
        assert person is not None
        editing.move(officer, person.pk, person.version, YEAR, action, day=dt.date(YEAR, 3, 1))

    before = revision()
    others = dict(CommuneRevision.objects.exclude(commune=commune)
                  .values_list("commune_id", "revision"))
    with pytest.raises(RuntimeError), transaction.atomic():
        move("deceased")
        raise RuntimeError("rolled back")
    assert revision() == before
    with transaction.atomic():
        move("deceased")
        assert revision() == before  # not before the change is there to be read
    assert revision() > before
    assert dict(CommuneRevision.objects.exclude(commune=commune)
                .values_list("commune_id", "revision")) == others
