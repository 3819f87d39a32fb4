"""Who joins a commune's register in an evolved year: newborns and households moving in.

- **Newborns** (born 1 October Y to 30 September Y + 1) join their mother's
  household. The register records no relationships, so a mother is a woman of
  15–45 living with a man of a partner's age (5 years younger to 15 older; the
  one closest to her age plus the profile's usual gap is the father). Each
  commune gets the pyramid's age-0 share of its register in births (which
  keeps the pyramid's base), spread over mothers by ``Yearly.fertility``. A
  child takes the father's ethnic group and family name (the mother's in
  matrilineal naming styles or when the styles differ), a name no one else in
  the household has, and the next free position in the household.
- **Households moving in** are drawn like the commune's own: a small run of
  the generator for the commune and the new year, whose whole households are
  taken at the profile's ``moved_in`` rate, renumbered after the commune's
  highest form number and marked "chuyển đến".
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

import numpy as np
import polars as pl
import pyarrow as pa

from phocap.survey import ethnicity
from phocap.synth import names
from phocap.synth.draws import Floats, Ints
from phocap.synth.plan import CommunePlan
from phocap.synth.population import age_probabilities
from phocap.synth.profiles import MAX_AGE, Profile
from phocap.synth.records import ARROW_SCHEMA

MOTHER_AGES = (15, 45)
PARTNER_GAP = (-5, 15)
"""A partner is at most 5 years younger and 15 years older than the mother."""
DONOR_PEOPLE_PER_HOUSEHOLD = 8
"""People drawn per household wanted, so that a commune's small donor run has enough."""


def birth_dates(rng: np.random.Generator, year: int, count: int) -> tuple[list[str], Ints]:
    """Birth dates between 1 October of ``year − 1`` and 30 September of ``year``."""
    first = np.datetime64(f"{year - 1}-10-01")
    days = int((np.datetime64(f"{year}-09-30") - first).astype(np.int64)) + 1
    dates = first + (rng.random(count) * days).astype(np.int64)
    texts = np.datetime_as_string(dates).tolist()
    years = np.array([int(t[:4]) for t in texts], np.int64)
    return [f"{t[8:10]}/{t[5:7]}/{t[:4]}" for t in texts], years


@functools.cache
def _book_frame() -> pl.DataFrame:
    """Every name of the vocabulary with its index, for looking names up by joining."""
    book = names.name_book()
    every = pl.DataFrame({"n": book.names.to_pylist(), "i": np.arange(len(book.names))})
    # A spelling can occur in two styles' blocks; the first is as good as any for a parent.
    return every.unique("n", keep="first", maintain_order=True)


def _positions(full_names: pl.Series) -> Ints:
    """Index of each name in the vocabulary, -1 for a name it does not have."""
    found = pl.DataFrame({"n": full_names}).join(
        _book_frame(), on="n", how="left", maintain_order="left")
    result: Ints = found["i"].fill_null(-1).to_numpy().astype(np.int64)
    return result


def _decode(full_names: pl.Series) -> tuple[Ints, Ints]:
    """Naming block and family-name index of each name of the vocabulary, -1 when unknown."""
    book = names.name_book()
    position = _positions(full_names)
    known = position >= 0
    at = np.maximum(position, 0)
    block = np.searchsorted(book.offset, at, side="right") - 1
    surname = (at - book.offset[block]) // (book.middles[block] * book.givens[block])
    return np.where(known, block, -1), np.where(known, surname, -1)


def _fathers(mothers: pl.DataFrame, men: pl.DataFrame, gap: float) -> pl.DataFrame:
    """Each candidate mother with the man of her household closest to her age plus ``gap``."""
    low, high = PARTNER_GAP
    return (
        mothers.join(men, on="_hh", suffix="_f")
        .filter((pl.col("_age_f") >= pl.col("_age") + low)
                & (pl.col("_age_f") <= pl.col("_age") + high))
        .sort((pl.col("_age_f") - pl.col("_age") - gap).abs(), "_age_f", "_row_f")
        .unique("_row", keep="first", maintain_order=True)
    )


def births(
    rng: np.random.Generator,
    people: pl.DataFrame,
    plans: Sequence[CommunePlan],
    profile: Profile,
    year: int,
) -> pl.DataFrame:
    """Newborns of survey year ``year``, with their household keys.

    ``people`` are the present residents with columns ``_row``, ``_c`` (commune
    index), ``_hh`` (household key), ``_age`` (age in ``year``), ``sex``,
    ``ethnicity``, ``full_name``, ``residence``. The result has ``_c``, ``_hh``,
    ``birth_date``, ``_born``, ``sex``, ``ethnicity``, ``full_name``, ``residence``.
    """
    settings = [profile.setting(p.setting) for p in plans]
    mountain = np.array([p.setting == "mountain" for p in plans], np.bool_)
    women = people.filter(
        (pl.col("sex") == "nữ") & pl.col("_age").is_between(*MOTHER_AGES)
    )
    men = people.filter((pl.col("sex") == "nam") & (pl.col("_age") >= 18)).select(
        "_hh", "_row", "_age", "ethnicity", "full_name"
    )
    gap = float(np.mean([s.demography.husband_gap[0] for s in settings])) if settings else 0.0
    couples = _fathers(women, men, gap).sort("_row")
    if couples.height == 0:
        return _empty()
    c = couples["_c"].to_numpy().astype(np.int64)
    age = couples["_age"].to_numpy().astype(np.int64)
    fertility = np.array([s.yearly.fertility for s in settings], np.float64)
    band = np.clip((age - MOTHER_AGES[0]) // 5, 0, fertility.shape[1] - 1)
    weight = fertility[c, band]
    # Births per commune: the pyramid's age-0 share of the register, rounded at random.
    size = np.bincount(people["_c"].to_numpy().astype(np.int64), minlength=len(plans))
    share = np.array([age_probabilities(s.demography)[0] for s in settings], np.float64)
    wanted = np.floor(size * share + rng.random(len(plans))).astype(np.int64)
    # Weighted sampling without replacement (Efraimidis–Spirakis keys), per commune.
    key = np.log(rng.random(c.size)) / np.maximum(weight, 1e-12)
    order = np.lexsort((-key, c))
    rank = np.empty(c.size, np.int64)
    starts = np.searchsorted(c[order], np.arange(len(plans)))
    rank[order] = np.arange(c.size) - starts[c[order]]
    chosen = couples.filter(pl.Series(rank < wanted[c]))
    n = chosen.height
    if n == 0:
        return _empty()
    cc = chosen["_c"].to_numpy().astype(np.int64)
    male_share = np.array([s.demography.male_share[0] for s in settings], np.float64)[cc]
    female = rng.random(n) >= male_share
    dates, born = birth_dates(rng, year, n)
    father_block, father_surname = _decode(chosen["full_name_f"])
    mother_block, mother_surname = _decode(chosen["full_name"])
    book = names.name_book()
    mother_style = np.where(mother_block >= 0, mother_block // 2, -1)
    father_style = np.where(father_block >= 0, father_block // 2, -1)
    matrilineal = (mother_style >= 0) & book.matrilineal[np.maximum(mother_style, 0)]
    numbered = {name: i for i, name in enumerate(ethnicity.NAMES)}
    kinh = numbered["Kinh"]
    group_index = np.where(
        matrilineal,
        chosen["ethnicity"].replace_strict(numbered, default=kinh, return_dtype=pl.Int64),
        chosen["ethnicity_f"].replace_strict(numbered, default=kinh, return_dtype=pl.Int64),
    ).astype(np.int64)
    style_of = np.array([names.style_index(name) for name in ethnicity.NAMES], np.int64)
    style = style_of[group_index]
    surname = names.draw_surnames(rng, style)
    surname = np.where(
        ~matrilineal & (father_style == style), father_surname,
        np.where(mother_style == style, mother_surname, surname),
    )
    block = style * 2 + female.astype(np.int64)
    full = _distinct_names(rng, block, surname, chosen["_hh"].to_numpy(), people)
    return pl.DataFrame({
        "_c": cc,
        "_hh": chosen["_hh"],
        "birth_date": dates,
        "_born": born,
        "sex": np.where(female, "nữ", "nam"),
        "ethnicity": np.array(ethnicity.NAMES)[group_index],
        "full_name": full,
        "residence": chosen["residence"],
        "_mountain": mountain[cc],
    })


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={
        "_c": pl.Int64, "_hh": pl.Int64, "birth_date": pl.String, "_born": pl.Int64,
        "sex": pl.String, "ethnicity": pl.String, "full_name": pl.String,
        "residence": pl.String, "_mountain": pl.Boolean,
    })


def _distinct_names(
    rng: np.random.Generator, block: Ints, surname: Ints, household: Ints, people: pl.DataFrame
) -> list[str]:
    """Names for newborns that no one else in their household has (accent-insensitively)."""
    book = names.name_book()
    taken_names = people.select("_hh", "full_name").filter(pl.col("_hh").is_in(household))
    positions = _positions(taken_names["full_name"])
    known = positions >= 0
    # One int64 key per (household, accent-folded name); folded names are below 2^21.
    taken = np.unique(
        (taken_names["_hh"].to_numpy()[known].astype(np.int64) << np.int64(21))
        | book.fold_id[positions[known]]
    )
    ages = np.zeros(block.size, np.int64)
    index = names.name_index(
        block, surname, names.draw_middle(rng, block, ages), names.draw_given(rng, block)
    )
    for _ in range(names.MAX_REDRAWS):
        key = (household.astype(np.int64) << np.int64(21)) | book.fold_id[index]
        first = np.zeros(key.size, np.bool_)
        first[np.unique(key, return_index=True)[1]] = True
        redo = np.flatnonzero(np.isin(key, taken) | ~first | book.repeated[index])
        if redo.size == 0:
            break
        index[redo] = names.name_index(
            block[redo], surname[redo], names.draw_middle(rng, block[redo], ages[redo]),
            names.draw_given(rng, block[redo]),
        )
    result: list[str] = book.names.take(pa.array(index, pa.int64())).to_pylist()
    return result


def moving_in(
    plans: Sequence[CommunePlan],
    profile: Profile,
    seed: int,
    year: int,
    households: Ints,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Households moving into each commune in ``year``, as survey records of the generator.

    ``households`` counts each plan's households, of which the profile's
    ``moved_in`` share (rounded at random) arrive; household numbers are the
    donor run's and must be renumbered. Nobody in them moved on or died.
    """
    from phocap.synth.generate import Run

    rate: Floats = np.array(
        [profile.setting(p.setting).demography.moved_in for p in plans], np.float64
    )
    wanted = np.floor(households * rate + rng.random(len(plans))).astype(np.int64)
    donors = [
        dataclasses.replace(p, people=int(w) * DONOR_PEOPLE_PER_HOUSEHOLD if w > 0 else 0)
        for p, w in zip(plans, wanted, strict=True)
    ]
    run = Run(profile, year, seed, donors, [])
    batches = list(run.batches())
    if not batches:
        return pl.DataFrame(ARROW_SCHEMA.empty_table())
    drawn = pl.from_arrow(pa.Table.from_batches(batches, ARROW_SCHEMA))
    assert isinstance(drawn, pl.DataFrame)
    want = {p.commune.code: int(w) for p, w in zip(plans, wanted, strict=True)}
    whole = (
        drawn.group_by("commune_code", "village", "household_no")
        .agg(pl.col("status").is_in(["chuyển đi", "chết"]).any().alias("left"),
             pl.col("person_no").max().alias("size"))
        .filter(~pl.col("left") & (pl.col("size") > 0))
        .sort("commune_code", "household_no", "village")
    )
    whole = whole.with_columns(pl.Series("_u", rng.random(whole.height)))
    picked = (
        whole.sort("commune_code", "_u")
        .with_columns(pl.int_range(pl.len()).over("commune_code").alias("_rank"))
        .filter(pl.col("_rank") < pl.col("commune_code").replace_strict(want, default=0))
        .select("commune_code", "village", "household_no")
    )
    ages_ok = (pl.col("survey_year").cast(pl.Int32)
               - pl.col("birth_date").str.extract(r"(\d{4})").cast(pl.Int32)) <= MAX_AGE
    return drawn.join(picked, on=["commune_code", "village", "household_no"]).filter(
        ages_ok).with_columns(
        pl.lit("chuyển đến").alias("status")
    ).sort("commune_code", "household_no", "village", "person_no")
