"""A synthetic population that lives through several survey years.

:func:`evolve` turns the survey records of year Y (as :func:`phocap.synth.generate`
yields them) into those of year Y + 1 for the same people, so that the register
can show trends and the people behind them:

- **identity**: everyone keeps their commune, village, form number
  (household_no), position (person_no), national ID, name, birth date, sex and
  ethnic group, which is how the register recognises a person from one year
  to the next;
- **who is carried over**, as the register's own roll-over does
  (:mod:`phocap.register.rollover`): everyone in Y except those who moved
  away or died in Y; people who turn 61 leave the register's age range;
- **what happens during the year**: whole households move away ("chuyển
  đi"), some people die ("chết"; neither is in a class), both at the
  profile's yearly ``Demography`` rates; everyone else lives a school year
  (:mod:`phocap.synth.school_year`); newborns and households moving in
  ("chuyển đến") join (:mod:`phocap.synth.arrivals`), with national ID
  numbers at the year's share (people already listed keep theirs, or none);
- **schools**: a pupil who stays at a level keeps their school; one who
  changes level goes to the school their village's pupils of that level
  attended (as :mod:`phocap.synth.schooling` assigns them by village), else
  their commune's, else their district's.

Numbers are never reused: new households and newborns take numbers after the
highest ever used in the commune or household (a :class:`Lineage` remembers
them from year to year), so a newborn never inherits the register entry of a
person who died. The same seed and records give the same year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from phocap.survey import ethnicity
from phocap.survey.schema import BY_KEY, FIRST_TWO_LEVEL_YEAR, KEYS
from phocap.synth.arrivals import births, moving_in
from phocap.synth.draws import Bools, Ints
from phocap.synth.generate import BATCH_PEOPLE, Run, Selection, Summary, prepare
from phocap.synth.plan import CommunePlan
from phocap.synth.population import (
    DISABILITY_CAN_STUDY,
    DISABILITY_CANNOT_STUDY,
    DISABILITY_NONE,
    FIRST_ID_YEAR,
    FULL_ID_YEAR,
    NationalIds,
)
from phocap.synth.profiles import MAX_AGE, Profile, risk_class
from phocap.synth.records import ARROW_SCHEMA, POLARS_SCHEMA
from phocap.synth.reform import Crossing, across
from phocap.synth.school_year import (
    BT6,
    GRADE1,
    SC,
    Columns,
    Traits,
    attendance,
    live,
)
from phocap.synth.schooling import CLASS_CODES
from phocap.synth.writer import units_path, write_units, writer_for

MOVED_IN, MOVED_AWAY, DECEASED = BY_KEY["status"].choices
GONE = (MOVED_AWAY, DECEASED)
HOUSEHOLD = ("commune_code", "village", "household_no")
"""What identifies a household in the register (the ministry numbers households per village;
the generator numbers them per commune, which is also unique per village)."""
VOCATIONAL = BY_KEY["vocational_level"].choices
_YEARS = (
    "preschool_completed", "primary_completed", "thcs_graduated", "thpt_graduated",
    "vocational_completed", "highest_grade", "dropout_grade", "dropout_year",
    "literacy_stage", "literacy_year",
)
SCHEMA = POLARS_SCHEMA
"""The polars types of generated records."""
_CLASS_INDEX = {code: i for i, code in enumerate(CLASS_CODES)}
# School level of a class base index (as schooling._school_tables numbers them): preschool,
# primary, lower secondary, upper secondary, continuing education; -1 outside the commune's
# schools (vocational, university).
_LEVEL = np.array(
    [0] * GRADE1 + [1] * 5 + [2] * 4 + [3] * 3 + [4] * (SC - BT6) + [-1] * 4, np.int64
)


@dataclass
class Lineage:
    """What evolving remembers from year to year: numbers used, schools, ID serials."""

    ids: NationalIds
    households: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"commune_code": pl.String, "_top_household": pl.Int64}))
    members: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"commune_code": pl.String, "village": pl.String, "household_no": pl.String,
                "_top": pl.Int64}))
    schools: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"commune_code": pl.String, "village": pl.String, "_level": pl.Int64,
                "_school": pl.String}))

    def observe(self, records: pl.DataFrame) -> None:
        """Remember a year's highest numbers and which schools each village's pupils attend."""
        numbered = records.with_columns(
            pl.col("household_no").cast(pl.Int64, strict=False).alias("_number"))
        self.households = pl.concat([
            self.households,
            numbered.group_by("commune_code").agg(
                pl.col("_number").max().fill_null(0).alias("_top_household")),
        ]).group_by("commune_code").agg(pl.col("_top_household").max())
        self.members = pl.concat([
            self.members,
            records.group_by(*HOUSEHOLD).agg(
                pl.col("person_no").cast(pl.Int64).max().alias("_top")),
        ]).group_by(*HOUSEHOLD).agg(pl.col("_top").max())
        seen = (
            records.filter(pl.col("current_school").is_not_null())
            .with_columns(_level_of(pl.col("current_class")).alias("_level"))
            .filter(pl.col("_level") >= 0)
            .group_by("commune_code", "village", "_level", "current_school")
            .len()
            .sort("len", "current_school", descending=[True, False])
            .unique(["commune_code", "village", "_level"], keep="first")
            .select("commune_code", "village", "_level",
                    pl.col("current_school").alias("_school"))
        )
        self.schools = pl.concat([seen, self.schools]).unique(
            ["commune_code", "village", "_level"], keep="first")


def _level_of(klass: pl.Expr) -> pl.Expr:
    """School level of a class code, -1 for none (see _LEVEL)."""
    levels = {code: int(_LEVEL[i // 4]) for code, i in _CLASS_INDEX.items()}
    return klass.replace_strict(levels, default=-1, return_dtype=pl.Int64)


def check_span(first: int, last: int, crossing: Crossing | None = None) -> None:
    """Refuse to evolve across 1 July 2025, when communes were merged and renumbered, unless
    a crossing says where the old communes went (reform.py); even then not beyond the
    first year after the line, whose communes have no plans of their own."""
    if last < first:
        raise ValueError(f"Năm cuối {last} trước năm đầu {first}.")
    if crossing is not None and first < FIRST_TWO_LEVEL_YEAR < last:
        raise ValueError(
            f"Chỉ chuyển được đến năm {FIRST_TWO_LEVEL_YEAR} qua mốc 01/7/2025: các xã mới"
            " chưa có kế hoạch dân số riêng.")
    if crossing is None and first < FIRST_TWO_LEVEL_YEAR <= last:
        raise ValueError(
            "Không chuyển được sang năm từ 2025: danh mục xã đổi từ 01/7/2025 (sáp nhập),"
            " cần ánh xạ xã cũ sang xã mới."
        )


def _frame(records: pa.Table | pa.RecordBatch | pl.DataFrame) -> pl.DataFrame:
    frame = records if isinstance(records, pl.DataFrame) else pl.from_arrow(records)
    assert isinstance(frame, pl.DataFrame)
    missing = [k for k in KEYS if k not in frame.columns]
    if missing:
        raise ValueError(f"Thiếu cột: {', '.join(missing)}.")
    frame = _contract(frame)
    unknown = frame.filter(
        pl.col("current_class").is_not_null() & ~pl.col("current_class").is_in(CLASS_CODES)
    )
    if unknown.height:
        raise ValueError(f"Mã lớp không hợp lệ: {unknown['current_class'][0]}.")
    return frame


def _contract(frame: pl.DataFrame) -> pl.DataFrame:
    """The contract's columns, in order, with the generated records' types."""
    return frame.select([pl.col(k).cast(SCHEMA[k]) for k in KEYS])


def _int(frame: pl.DataFrame, key: str) -> Ints:
    result: Ints = frame[key].cast(pl.Int64).fill_null(-1).to_numpy().astype(np.int64)
    return result


def _columns(frame: pl.DataFrame) -> Columns:
    vocational = frame["vocational_level"].replace_strict(
        {v: i for i, v in enumerate(VOCATIONAL)}, default=-1, return_dtype=pl.Int64)
    return Columns(
        klass=frame["current_class"].replace_strict(
            _CLASS_INDEX, default=-1, return_dtype=pl.Int64).to_numpy().astype(np.int64),
        vocational_level=vocational.to_numpy().astype(np.int64),
        relapsed=(frame["relapsed"] == "x").fill_null(False).to_numpy(),
        **{key: _int(frame, key) for key in _YEARS},
    )


def _with_columns(frame: pl.DataFrame, columns: Columns) -> pl.DataFrame:
    def value(key: str, values: Ints) -> pl.Series:
        return pl.Series(key, pa.array(values, pa.int64(), mask=values < 0))

    out = [
        pl.Series("current_class", np.array((*CLASS_CODES, ""), dtype=object)[columns.klass])
        .replace("", None),
        pl.Series("vocational_level", np.array((*VOCATIONAL, ""), dtype=object)[
            columns.vocational_level]).replace("", None),
        pl.Series("relapsed", np.where(columns.relapsed, "x", "")).replace("", None),
    ]
    out += [value(key, getattr(columns, key)) for key in _YEARS]
    return frame.with_columns(out)


def _risk(groups: pl.Series) -> Ints:
    """Schooling risk class of each person's ethnic group (a blank group as the majority's)."""
    classes = {name: risk_class(name) for name in ethnicity.NAMES}
    result: Ints = groups.replace_strict(
        classes, default=risk_class("Kinh"), return_dtype=pl.Int64).to_numpy().astype(np.int64)
    return result


def _ramp(year: int) -> float:
    return float(np.clip((year - FIRST_ID_YEAR) / (FULL_ID_YEAR - FIRST_ID_YEAR), 0.0, 1.0))


def _new_ids(
    lineage: Lineage, frame: pl.DataFrame, want: Bools, taken: pl.Series
) -> pl.Series:
    """Late national ID numbers for the rows where ``want``; never one already ``taken``."""
    rows = np.flatnonzero(want)
    numbers = np.full(frame.height, -1, np.int64)
    if rows.size:
        sub = frame[rows]
        numbers[rows] = lineage.ids.late(
            sub["province_code"].cast(pl.Int64).to_numpy(),
            (sub["sex"] == "nữ").to_numpy(),
            sub["birth_date"].str.extract(r"(\d{4})").cast(pl.Int64).to_numpy(),
        )
    text = pl.Series("n", pa.array(numbers, pa.int64(), mask=numbers < 0)).cast(pl.String)
    padded = pl.col("n").str.zfill(12)
    return text.to_frame().select(
        pl.when(padded.is_in(taken.implode())).then(None).otherwise(padded).alias("national_id")
    ).to_series()


def _household_key() -> pl.Expr:
    # Ordered by number, the village last: the same ranks as by number alone while the
    # generator numbers per commune, and still one key a household if it did not.
    return pl.struct("commune_code", "household_no", "village").rank("dense").cast(pl.Int64)


def _number(numbers: pl.Expr) -> pl.Expr:
    """Form numbers as the generator writes them: four digits, more past 9,999."""
    return numbers.cast(pl.String).str.zfill(4)


def evolve(
    records: pa.Table | pa.RecordBatch | pl.DataFrame,
    plans: Sequence[CommunePlan],
    profile: Profile,
    seed: int,
    lineage: Lineage | None = None,
    crossing: Crossing | None = None,
) -> tuple[pa.Table, Lineage]:
    """The records of survey year Y + 1 from those of year Y (one year, whole communes).

    ``plans`` describe the communes (setting, ĐBKK flag, schools: the run's
    plans, :attr:`phocap.synth.Run.plans`); ``seed`` is the run's seed, which
    numbers the new national IDs apart from the generated ones. Pass the
    returned lineage to the next call to evolve several years. From 2024 to
    2025 the year is lived under the old communes and written under the new
    ones by ``crossing`` (reform.py), which is required then.
    """
    frame = _frame(records)
    years = frame["survey_year"].unique().to_list()
    if len(years) != 1:
        raise ValueError("Mỗi lần chỉ chuyển một năm điều tra.")
    year = int(years[0]) + 1
    check_span(year - 1, year, crossing)
    index = {p.commune.code: i for i, p in enumerate(plans)}
    absent = set(frame["commune_code"].unique().to_list()) - set(index)
    if absent:
        raise ValueError(f"Thiếu kế hoạch của xã {', '.join(sorted(absent))}.")
    lineage = lineage or Lineage(NationalIds(seed))
    lineage.observe(frame)
    first = min(int(c) for c in frame["commune_code"].unique().to_list()) if frame.height else 0
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 0xE7, year, first])))

    demography = [profile.setting(p.setting).demography for p in plans]
    born = pl.col("birth_date").str.extract(r"(\d{4})").cast(pl.Int64)
    people = frame.filter(
        ~pl.col("status").is_in(GONE).fill_null(False) & (year - born <= MAX_AGE)
    ).with_columns(
        pl.col("commune_code").replace_strict(index, return_dtype=pl.Int64).alias("_c"),
        (year - born).alias("_age"),
        pl.lit(year, pl.Int16).alias("survey_year"),
    )
    people = people.with_columns(
        _household_key().alias("_hh"), pl.int_range(pl.len()).alias("_row")
    )
    c = people["_c"].to_numpy().astype(np.int64)
    mountain = np.array([p.setting == "mountain" for p in plans], np.bool_)[c]

    # Whole households move away; some people die.
    hh = people["_hh"].to_numpy().astype(np.int64)
    u_household = rng.random(int(hh.max()) + 1 if hh.size else 0)[hh]
    away = u_household < np.array([d.moved_away for d in demography])[c]
    dead = ~away & (rng.random(c.size) < np.array([d.deceased for d in demography])[c])
    present = ~away & ~dead
    status = np.where(away, MOVED_AWAY, np.where(dead, DECEASED, ""))
    people = people.with_columns(pl.Series("status", status).replace("", None))

    # A school year for those present; those who left keep their record, out of class.
    before = _columns(people)
    after = _columns(people)
    after.klass = np.full(c.size, -1, np.int64)
    disability = people["disability"].replace_strict(
        {BY_KEY["disability"].choices[0]: DISABILITY_CAN_STUDY,
         BY_KEY["disability"].choices[1]: DISABILITY_CANNOT_STUDY},
        default=DISABILITY_NONE, return_dtype=pl.Int64).to_numpy().astype(np.int64)
    age = people["_age"].to_numpy().astype(np.int64)
    risk = _risk(people["ethnicity"])
    two_sessions = np.array([p.two_sessions for p in plans], np.bool_)[c]
    traits = Traits(
        age=age, group=c * 128 + age, mountain=mountain, risk=risk,
        female=(people["sex"] == "nữ").to_numpy(),
        especially_difficult=np.array([p.especially_difficult for p in plans], np.bool_)[c],
        disability=disability, two_sessions=two_sessions,
    )
    rows = np.flatnonzero(present)
    lived = live(
        rng,
        Columns(**{f.name: getattr(before, f.name)[rows] for f in fields(Columns)}),
        Traits(**{f.name: getattr(traits, f.name)[rows] for f in fields(Traits)}),
        (profile.lowland, profile.mountain), year,
    )
    for f in fields(Columns):
        getattr(after, f.name)[rows] = getattr(lived, f.name)
    people = _with_columns(people, after)

    # A national ID is a fact about the person, not the year (the register keeps one per
    # person): those without one keep none, or importing an earlier year again would erase
    # what a later year recorded. Newborns and newcomers get them at the year's share.
    taken = frame["national_id"].drop_nulls()
    newborns = _newborns(rng, people.filter(pl.Series(present)), plans, profile, year,
                         lineage, taken)
    households = np.bincount(
        people.unique("_hh")["_c"].to_numpy().astype(np.int64), minlength=len(plans))
    movers = _movers(rng, plans, profile, seed, year, households, lineage, taken)
    everyone = pl.concat([_contract(f) for f in (people, newborns, movers)], how="vertical")
    everyone = _schools(everyone, frame, lineage).with_columns(
        # A new household's first member is its head; the continuing-education mark
        # follows the class the person is in this year.
        pl.when(pl.col("relationship").is_null() & (pl.col("person_no") == 1))
        .then(pl.lit("Chủ hộ")).otherwise(pl.col("relationship")).alias("relationship"),
        pl.when(pl.col("current_class").str.starts_with("BT")).then(pl.lit("x"))
        .alias("continuing"),
    )
    out = everyone.sort(
        "commune_code", pl.col("household_no").str.len_chars(), "household_no", "village",
        "person_no"
    ).to_arrow().cast(ARROW_SCHEMA)
    if year >= FIRST_TWO_LEVEL_YEAR and crossing is not None:
        out = across(out, crossing)
    return out, lineage


def _newborns(
    rng: np.random.Generator,
    present: pl.DataFrame,
    plans: Sequence[CommunePlan],
    profile: Profile,
    year: int,
    lineage: Lineage,
    taken: pl.Series,
) -> pl.DataFrame:
    """Newborns as survey records: next positions in their household, nursery at its rate."""
    born = births(rng, present, plans, profile, year)
    households = present.unique("_hh").select(
        "_hh", "province_code", "district_code", "commune_code", "village", "household_no")
    born = born.join(households, on="_hh", maintain_order="left").join(
        lineage.members, on=list(HOUSEHOLD), how="left", maintain_order="left"
    ).with_columns(
        (pl.col("_top").fill_null(0) + pl.int_range(pl.len()).over("_hh") + 1)
        .cast(pl.Int16).alias("person_no"),
        pl.lit(year, pl.Int16).alias("survey_year"),
    )
    n = born.height
    c = born["_c"].to_numpy().astype(np.int64)
    # Per plan (indexed by commune), unlike the (lowland, mountain) pairs of school_year.
    demography = [profile.setting(p.setting).demography for p in plans]
    u = rng.random(n)
    cannot = np.array([d.disabled_cannot_study for d in demography])[c]
    can = cannot + np.array([d.disabled_can_study for d in demography])[c]
    disability = np.where(u < cannot, DISABILITY_CANNOT_STUDY,
                          np.where(u < can, DISABILITY_CAN_STUDY, DISABILITY_NONE))
    age = year - born["_born"].to_numpy().astype(np.int64)
    traits = Traits(
        age=age, group=c * 128 + age, mountain=born["_mountain"].to_numpy(),
        risk=_risk(born["ethnicity"]),
        female=(born["sex"] == "nữ").to_numpy(),
        especially_difficult=np.array([p.especially_difficult for p in plans], np.bool_)[c],
        disability=disability, two_sessions=np.zeros(n, np.bool_),
    )
    pair = [profile.lowland.schooling, profile.mountain.schooling]
    nursery = (rng.random(n) < attendance(pair, traits, age)) & (
        disability != DISABILITY_CANNOT_STUDY)
    share = np.array([d.national_id for d in demography])[c] * _ramp(year)
    choices = (None, *BY_KEY["disability"].choices)
    born = born.with_columns(
        pl.Series("disability", [choices[d] for d in disability.tolist()], dtype=pl.String),
        pl.Series("current_class", np.where(nursery, "NT", "")).replace("", None),
        pl.lit(None, pl.String).alias("status"),
        pl.lit("Con", pl.String).alias("relationship"),
    )
    born = born.with_columns(_new_ids(lineage, born, rng.random(n) < share, taken))
    blank = [k for k in KEYS if k not in born.columns]
    return born.with_columns([pl.lit(None).alias(k) for k in blank])


def _movers(
    rng: np.random.Generator,
    plans: Sequence[CommunePlan],
    profile: Profile,
    seed: int,
    year: int,
    households: Ints,
    lineage: Lineage,
    taken: pl.Series,
) -> pl.DataFrame:
    """Households moving in, numbered after the commune's highest form number."""
    donor_seed = int(np.random.SeedSequence([seed, 0x1A, year]).generate_state(1)[0])
    drawn = moving_in(plans, profile, donor_seed, year, households, rng)
    if drawn.height == 0:
        return drawn
    numbered = drawn.join(
        lineage.households, on="commune_code", how="left", maintain_order="left"
    ).with_columns(
        (pl.col("_top_household").fill_null(0)
         + pl.struct("household_no", "village").rank("dense").over("commune_code"))
        .alias("_number")
    )
    numbered = numbered.with_columns(_number(pl.col("_number")).alias("household_no"))
    has_id = numbered["national_id"].is_not_null().to_numpy()
    return numbered.with_columns(_new_ids(lineage, numbered, has_id, taken))


def _schools(everyone: pl.DataFrame, before: pl.DataFrame, lineage: Lineage) -> pl.DataFrame:
    """Pupils who changed level go to their village's (commune's, district's) school."""
    previous = before.select(
        *HOUSEHOLD, "person_no",
        _level_of(pl.col("current_class")).alias("_was"),
    )
    level = _level_of(pl.col("current_class"))
    frame = everyone.join(previous, on=[*HOUSEHOLD, "person_no"],
                          how="left").with_columns(level.alias("_level"))
    village = lineage.schools
    commune = (
        village.group_by("commune_code", "_level", "_school").len()
        .sort("len", "_school", descending=[True, False])
        .unique(["commune_code", "_level"], keep="first").drop("len")
        .rename({"_school": "_commune_school"})
    )
    district = (
        village.join(before.select("commune_code", "district_code", "province_code").unique(),
                     on="commune_code")
        .with_columns(pl.coalesce("district_code", "province_code").alias("_area"))
        .group_by("_area", "_level", "_school").len()
        .sort("len", "_school", descending=[True, False])
        .unique(["_area", "_level"], keep="first").drop("len")
        .rename({"_school": "_area_school"})
    )
    frame = (
        frame.with_columns(pl.coalesce("district_code", "province_code").alias("_area"))
        .join(village, on=["commune_code", "village", "_level"], how="left")
        .join(commune, on=["commune_code", "_level"], how="left")
        .join(district, on=["_area", "_level"], how="left")
    )
    keep = (pl.col("_level") == pl.col("_was")) & pl.col("current_school").is_not_null()
    school = (
        pl.when(pl.col("_level") < 0).then(None)
        .when(keep.fill_null(False)).then(pl.col("current_school"))
        .otherwise(pl.coalesce("_school", "_commune_school", "_area_school"))
    )
    return frame.with_columns(school.alias("current_school")).select(KEYS)


def evolve_years(
    records: pa.Table | pa.RecordBatch | pl.DataFrame,
    plans: Sequence[CommunePlan],
    profile: Profile,
    seed: int,
    years: int,
    crossing: Crossing | None = None,
) -> Iterator[pa.Table]:
    """The records of the ``years`` survey years after the records' own, one table each;
    with ``crossing``, up to 2025 under the new communes (evolve)."""
    surveyed = _frame(records)["survey_year"].unique().to_list()
    if surveyed:
        check_span(int(min(surveyed)), int(min(surveyed)) + years, crossing)
    lineage: Lineage | None = None
    current: pa.Table | pa.RecordBatch | pl.DataFrame = records
    for _ in range(years):
        following, lineage = evolve(current, plans, profile, seed, lineage, crossing)
        yield following
        current = following


def run_years(
    run: Run, last_year: int, batch_people: int = BATCH_PEOPLE
) -> Iterator[pa.RecordBatch]:
    """A run's records for its year and every year up to ``last_year``, batch by batch.

    Each batch of whole communes is generated, then evolved year after year
    before the next batch is drawn, so memory stays that of a batch; one
    series of national ID numbers serves the whole run.
    """
    check_span(run.year, last_year)
    ids = NationalIds(run.seed)
    by_code = {p.commune.code: p for p in run.plans}
    for batch in run.batches(batch_people):
        yield batch
        codes = sorted(set(batch.column("commune_code").to_pylist()))
        plans = [by_code[c] for c in codes]
        lineage = Lineage(ids)
        current: pa.Table | pa.RecordBatch = batch
        for _ in range(last_year - run.year):
            current, lineage = evolve(current, plans, run.profile, run.seed, lineage)
            yield from current.to_batches(max_chunksize=max(current.num_rows, 1))


def write_years(
    path: Path,
    selection: Selection,
    years: tuple[int, int],
    profile: str | Profile,
    seed: int,
    people: int | None = None,
    *,
    on_batch: Callable[[int, int], None] | None = None,
) -> Summary:
    """Generate the first of ``years`` and evolve it to the last, all in one file.

    Like :func:`phocap.synth.write` (format by extension, units file beside it,
    ``on_batch(rows, total)`` after each batch); the survey format allows several
    years in one file. The units file's ĐBKK flags hold for every year.
    """
    first, last = years
    check_span(first, last)
    writer = writer_for(path)
    run = prepare(selection, first, profile, seed, people)
    expected = run.people * (last - first + 1)

    def reported() -> Iterator[pa.RecordBatch]:
        for batch in run_years(run, last):
            yield batch
            if on_batch is not None:
                on_batch(batch.num_rows, expected)

    written = writer(path, reported())
    beside = units_path(path)
    write_units(beside, run.units)
    return Summary(path, beside, written, run.communes)
