"""Public API: generate synthetic survey records, or write them to a file.

    >>> batches = generate("100", 2021, "dien-bien-2021", seed=1)      # a district
    >>> summary = write(Path("out.parquet"), "nation", 2024, "national", 7,
    ...                 people=100_000_000)

A selection is a commune, district or province code of the survey year's list
of units, or ``"nation"``; the generator itself also accepts an explicit list
of :class:`~phocap.synth.plan.Commune` (for units of another source).

Work is streamed in batches of whole communes of about 250,000 people, so
memory stays bounded whatever the size. The same seed and arguments give
byte-identical records: every random stream is derived from the seed and the
communes of the batch (and each commune's own attributes from its code alone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from phocap.synth import names
from phocap.synth.plan import Commune, CommunePlan, check_groups, make_plan
from phocap.synth.population import NationalIds, draw_population
from phocap.synth.profiles import Profile, get_profile
from phocap.synth.records import record_batch
from phocap.synth.schooling import draw_schooling
from phocap.synth.writer import UnitRow, units_path, write_units, writer_for

NATION = "nation"
BATCH_PEOPLE = 250_000
"""Target people per batch: large enough to amortise per-call costs, small enough that a
batch's arrays stay in a few hundred megabytes (and in cache-friendlier sizes: measured
faster than batches of a million)."""

Selection = str | Sequence[Commune]


@dataclass(frozen=True)
class Summary:
    """What :func:`write` wrote."""

    path: Path
    units_path: Path
    people: int
    communes: int


@dataclass(frozen=True)
class Run:
    """A planned run: the profile, year, seed and every commune's plan."""

    profile: Profile
    year: int
    seed: int
    plans: list[CommunePlan]
    units: list[UnitRow]

    @property
    def people(self) -> int:
        """Number of people the run generates."""
        return sum(p.people for p in self.plans)

    @property
    def communes(self) -> int:
        """Number of communes with at least one person."""
        return sum(1 for p in self.plans if p.people > 0)

    def batches(self, batch_people: int = BATCH_PEOPLE) -> Iterator[pa.RecordBatch]:
        """Stream the records, batch by batch."""
        ids = NationalIds(self.seed)
        batch: list[CommunePlan] = []
        size = 0
        number = 0
        for plan in self.plans:
            if plan.people == 0:
                continue
            batch.append(plan)
            size += plan.people
            if size >= batch_people:
                yield self._batch(batch, number, ids)
                batch, size, number = [], 0, number + 1
        if batch:
            yield self._batch(batch, number, ids)

    def _batch(self, plans: list[CommunePlan], number: int, ids: NationalIds) -> pa.RecordBatch:
        entropy = [self.seed, 0x5E7, number, int(plans[0].commune.code)]
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))
        people = draw_population(rng, plans, self.profile, self.year)
        province = np.array([int(p.commune.province_code) for p in plans], np.int64)[people.commune]
        share = np.where(
            people.mountain,
            self.profile.mountain.demography.national_id,
            self.profile.lowland.demography.national_id,
        )
        national_ids = ids.assign(rng, people, province, share, self.year)
        birth_key = people.birth_year * 400 + np.where(people.year_only, 399, people.birth_day)
        key = people.commune * (1 << 32) + people.household
        household = np.cumsum(np.r_[False, key[1:] != key[:-1]]).astype(np.int64)
        index = names.assign_names(
            rng, people.commune, household, people.age, people.female, people.ethnicity,
            people.mother, people.husband, birth_key,
        )
        full_names = names.name_book().names.take(pa.array(index, pa.int64()))
        school = draw_schooling(rng, people, plans, self.profile, self.year)
        return record_batch(plans, self.year, people, full_names, national_ids, school)


def select(selection: str, year: int) -> tuple[list[Commune], list[UnitRow]]:
    """Communes of a selection in the survey year's list of units, and their units rows.

    The units rows (without especially-difficult flags yet) are the selected
    communes and every district and province above them.
    """
    from phocap.units import registry_for_year

    registry = registry_for_year(year)
    code = selection.strip()
    if code.lower() == NATION:
        units = list(registry.communes())
    else:
        unit = registry.get(code)
        if unit is None:
            era = "từ 01/7/2025" if year >= 2025 else "trước 01/7/2025"
            raise ValueError(
                f"Không có đơn vị mã “{code}” trong danh mục {era} (năm {year})."
            )
        units = [unit] if unit.type == "commune" else list(registry.communes_of(unit.code))
    communes = [
        Commune(u.code, u.name, u.kind, u.province_code, u.district_code) for u in units
    ]
    parents: dict[str, UnitRow] = {}
    for u in units:
        for parent_code in (u.province_code, u.district_code):
            parent = registry.get(parent_code) if parent_code else None
            if parent is not None and parent.code not in parents:
                parents[parent.code] = UnitRow(
                    parent.code, parent.name, parent.type, parent.parent_code, False
                )
    rows = sorted(parents.values(), key=lambda r: (len(r.code), r.code))
    rows += [UnitRow(c.code, c.name, "commune", u.parent_code, False) for c, u in zip(
        communes, units, strict=True)]
    return communes, rows


def prepare(
    selection: Selection,
    year: int,
    profile: str | Profile,
    seed: int,
    people: int | None = None,
) -> Run:
    """Plan a run: resolve the selection, draw each commune's attributes, scale to ``people``."""
    chosen = get_profile(profile) if isinstance(profile, str) else profile
    if people is not None and people < 0:
        raise ValueError("Số người phải không âm.")
    if isinstance(selection, str):
        communes, rows = select(selection, year)
    else:
        communes = list(selection)
        rows = [
            UnitRow(c.code, c.name, "commune", c.district_code or c.province_code, False)
            for c in communes
        ]
    plans = make_plan(communes, chosen, seed, year, people)
    check_groups(plans)
    difficult = {p.commune.code: p.especially_difficult for p in plans}
    rows = [
        UnitRow(r.code, r.name, r.type, r.parent_code, difficult.get(r.code, False))
        for r in rows
    ]
    return Run(chosen, year, seed, plans, rows)


def generate(
    selection: Selection,
    year: int,
    profile: str | Profile,
    seed: int,
    people: int | None = None,
    *,
    batch_people: int = BATCH_PEOPLE,
) -> Iterator[pa.RecordBatch]:
    """Stream survey records (Arrow record batches with the contract's columns).

    ``selection`` is a commune, district or province code, ``"nation"``, or a list
    of communes; ``people`` scales the population to that many people, spread
    over the communes in proportion to their natural sizes.
    """
    run = prepare(selection, year, profile, seed, people)
    yield from run.batches(batch_people)


def write(
    path: Path,
    selection: Selection,
    year: int,
    profile: str | Profile,
    seed: int,
    people: int | None = None,
    *,
    batch_people: int = BATCH_PEOPLE,
    on_batch: Callable[[int, int], None] | None = None,
) -> Summary:
    """Generate and write survey records; the format follows the extension.

    .parquet, .csv or .xlsx; the units file is written beside it
    (``out.parquet`` → ``out.units.csv``). ``on_batch(rows, total)`` is called
    after each batch (for a progress bar).
    """
    writer = writer_for(path)
    run = prepare(selection, year, profile, seed, people)

    def reported() -> Iterator[pa.RecordBatch]:
        for batch in run.batches(batch_people):
            yield batch
            if on_batch is not None:
                on_batch(batch.num_rows, run.people)

    written = writer(path, reported())
    beside = units_path(path)
    write_units(beside, run.units)
    return Summary(path, beside, written, run.communes)
