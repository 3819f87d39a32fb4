"""People and households of a batch of communes, drawn with vectorised numpy.

The register is a list of households, and an officer reading it expects
families: a couple, their children, often the husband's parents. Drawing ages
first from the census pyramid and then *assembling* families keeps the age
structure right by construction:

1. each commune is split into ethnic sub-populations; each gets ages from its
   setting's pyramid (single years, uniform within 5-year bands) and sexes;
2. adults are married with an age- and sex-specific probability;
3. every unmarried person up to 34 looks for a mother: a married woman of the
   same sub-population whose age is the person's age plus a drawn
   mother's-age-at-birth (the nearest plausible age when nobody is exactly that
   age); children left without one join a household of the commune;
4. wives and husbands are paired by age quantiles within the sub-population,
   so that husbands are a few years older;
5. some young couples live with the husband's parents (patrilocal residence),
   which gives the larger, three-generation households of the countryside;
6. households are spread over villages (clustered by ethnic group, as bản and
   thôn are) and numbered within the commune.

No step loops over people: families are built with sorts and binary searches
over (sub-population, age) keys. People over 60 are outside the register, so
a household is listed with its members aged 0–60 only, as the real forms are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from phocap.survey import ethnicity
from phocap.survey.schema import REFERENCE_DAY, REFERENCE_MONTH
from phocap.synth.draws import Bools, Floats, Ints, Strata, allocate, segment_starts, table
from phocap.synth.plan import CommunePlan
from phocap.synth.profiles import MAX_AGE, Demography, Profile

AGES = MAX_AGE + 1
_AGE_KEY = 64  # (sub-population, age) packed as sub * 64 + age

STATUS_NONE, STATUS_MOVED_IN, STATUS_MOVED_AWAY, STATUS_DECEASED = 0, 1, 2, 3
DISABILITY_NONE, DISABILITY_CAN_STUDY, DISABILITY_CANNOT_STUDY = 0, 1, 2
FIRST_ID_YEAR, FULL_ID_YEAR = 2016, 2022
"""National ID numbers are recorded from 2016 and for most people from 2022. synthetic."""


@dataclass
class Population:
    """The people of a batch, in final row order (commune, household, person)."""

    commune: Ints
    """Index of the person's commune in the batch's plans."""
    village: Ints
    """Index into ``villages``."""
    villages: list[str]
    household: Ints
    """Household number within the commune, from 1."""
    person_no: Ints
    age: Ints
    female: Bools
    ethnicity: Ints
    """Index into phocap.survey.ethnicity.NAMES."""
    mother: Ints
    """Row of the person's mother, or -1."""
    husband: Ints
    """Row of a wife's husband, or -1."""
    mountain: Bools
    especially_difficult: Bools
    temporary: Bools
    status: Ints
    disability: Ints
    birth_year: Ints
    birth_day: Ints
    """Day of the year of birth, from 0."""
    year_only: Bools
    strata: Strata
    """Each person's (sub-population, age) stratum, for stratified draws."""


def age_probabilities(demography: Demography) -> Floats:
    """Probability of each single age 0–60 from 5-year band shares."""
    bands = np.asarray(demography.pyramid, np.float64)
    per_age = np.repeat(bands / 5.0, 5)[:AGES]
    result: Floats = per_age / per_age.sum()
    return result


def _male_share(demography: Demography) -> Floats:
    young, middle, old = demography.male_share
    ages = np.arange(AGES)
    result: Floats = np.where(ages < 15, young, np.where(ages < 40, middle, old))
    return result


def _pick(
    keys: Ints, low: Ints, high: Ints, u: Floats
) -> Ints:
    """Position of a random element with key in [low, high] of sorted ``keys``, or -1."""
    lo = np.searchsorted(keys, low, side="left")
    hi = np.searchsorted(keys, high, side="right")
    count = hi - lo
    picked: Ints = np.where(count > 0, lo + (u * count).astype(np.int64), -1)
    return picked


def _find_mothers(
    rng: np.random.Generator,
    seekers: Ints,
    sub: Ints,
    age: Ints,
    mountain: Bools,
    women: Ints,
    settings: tuple[Demography, Demography],
    load: Ints,
    capacity: Ints,
) -> Ints:
    """A mother (row) for each seeker among ``women`` (sorted by sub and age), or -1.

    The mother's age is near the seeker's age plus a drawn age at birth (within
    two years, so that a sub-population's few women of one exact age do not take
    every child); then any woman of a plausible age. A woman takes at most
    ``capacity`` children (``load`` counts them, across calls).
    """
    result = np.full(seekers.size, -1, np.int64)
    if seekers.size == 0 or women.size == 0:
        return result
    params = np.array([s.mother_age for s in settings], np.float64)
    m = mountain[seekers].astype(np.int64)
    mean, sd = params[m, 0], params[m, 1]
    low, high = params[m, 2].astype(np.int64), params[m, 3].astype(np.int64)
    target = age[seekers] + np.clip(np.rint(rng.normal(mean, sd)), low, high).astype(np.int64)
    lowest = age[seekers] + low
    highest = np.minimum(age[seekers] + high, MAX_AGE)
    base = sub[seekers] * _AGE_KEY
    pending = np.arange(seekers.size)
    for window in (2, 2, MAX_AGE, MAX_AGE):
        if pending.size == 0:
            break
        pool = women[load[women] < capacity[women]]
        keys = sub[pool] * _AGE_KEY + age[pool]
        lo = np.maximum(target[pending] - window, lowest[pending])
        hi = np.minimum(target[pending] + window, highest[pending])
        u = rng.random(pending.size)
        picked = np.where(lo <= hi, _pick(keys, base[pending] + lo, base[pending] + hi, u), -1)
        chosen = np.where(picked >= 0, pool[np.maximum(picked, 0)], -1)
        # Capacity: the first few (in random order) of those who chose a woman are accepted.
        valid = np.flatnonzero(chosen >= 0)
        order = valid[np.argsort(_random_within(rng, chosen[valid]))]
        starts, lengths = segment_starts(chosen[order])
        rank = np.arange(order.size) - np.repeat(starts, lengths)
        accepted = order[load[chosen[order]] + rank < capacity[chosen[order]]]
        np.add.at(load, chosen[accepted], 1)
        result[pending[accepted]] = chosen[accepted]
        done = np.zeros(pending.size, np.bool_)
        done[accepted] = True
        pending = pending[~done]
    return result


def _pair(
    rng: np.random.Generator,
    sub: Ints,
    age: Ints,
    wives: Ints,
    men: Ints,
    gap_mean: Floats,
    gap_sd: Floats,
) -> Ints:
    """A husband (row) for each wife, by age quantiles within sub-populations, or -1.

    Wives are ranked by their age plus a drawn spousal age gap, men by age; the
    k-th of the smaller side is paired with the same quantile of the larger side,
    so unpaired people (widows, men working away) are spread over all ages.
    """
    husband = np.full(wives.size, -1, np.int64)
    if wives.size == 0 or men.size == 0:
        return husband
    target = age[wives] + rng.normal(gap_mean[wives], gap_sd[wives])
    quantised = np.clip((target + 20.0) * 256.0, 0, (1 << 15) - 1).astype(np.int64)
    w_order = np.argsort((sub[wives] << np.int64(32)) | (quantised << np.int64(16))
                         | rng.integers(0, 1 << 16, wives.size))
    m_order = np.argsort(_random_within(rng, (sub[men] << np.int64(8)) | age[men]))
    ws, ms = wives[w_order], men[m_order]
    n_sub = int(sub.max()) + 1
    count_w = np.bincount(sub[ws], minlength=n_sub)
    count_m = np.bincount(sub[ms], minlength=n_sub)
    first_w = np.cumsum(count_w) - count_w
    first_m = np.cumsum(count_m) - count_m
    rank_w = np.arange(ws.size) - first_w[sub[ws]]
    rank_m = np.arange(ms.size) - first_m[sub[ms]]
    # Subs with no more wives than men: each wife takes the man at her quantile.
    sw = sub[ws]
    fewer_wives = count_w[sw] <= count_m[sw]
    j = ((rank_w + 0.5) * count_m[sw] / np.maximum(count_w[sw], 1)).astype(np.int64)
    at = np.minimum(first_m[sw] + np.minimum(j, np.maximum(count_m[sw] - 1, 0)), ms.size - 1)
    husband_sorted = np.where(fewer_wives & (count_m[sw] > 0), ms[at], -1)
    # Subs with more wives than men: each man takes the wife at his quantile.
    sm = sub[ms]
    more_wives = count_w[sm] > count_m[sm]
    i = ((rank_m + 0.5) * count_w[sm] / np.maximum(count_m[sm], 1)).astype(np.int64)
    target_w = first_w[sm] + i
    husband_sorted[target_w[more_wives]] = ms[more_wives]
    husband[w_order] = husband_sorted
    # Reject implausible couples (the quantiles of two small groups can be far apart).
    valid = husband >= 0
    gap_years = np.where(valid, age[np.maximum(husband, 0)] - age[wives], 0)
    husband[valid & ((gap_years < -5) | (gap_years > 20))] = -1
    return husband


def _random_within(rng: np.random.Generator, key: Ints) -> Ints:
    """``key`` (below 2^31) with random low bits: sorting it orders by key, randomly within.

    One packed int64 sort is several times faster than ``np.lexsort`` on two keys.
    """
    packed: Ints = (key << np.int64(32)) | rng.integers(0, 1 << 32, key.size, dtype=np.int64)
    return packed


def _roots(link: Ints) -> Ints:
    """Follow ``link`` to its fixed point (pointer jumping; chains are short)."""
    root = link.copy()
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def draw_population(
    rng: np.random.Generator,
    plans: Sequence[CommunePlan],
    profile: Profile,
    year: int,
) -> Population:
    """The people and households of a batch of planned communes."""
    demographies = (profile.lowland.demography, profile.mountain.demography)
    # 1. Sub-populations and ages, in (sub-population, age) order.
    sub_commune, sub_eth, sub_n, sub_mountain = [], [], [], []
    for c, plan in enumerate(plans):
        shares = np.array([s for _, s in plan.groups], np.float64)
        for (group, _), n in zip(plan.groups, allocate(plan.people, shares), strict=True):
            sub_commune.append(c)
            sub_eth.append(ethnicity.NAMES.index(group))
            sub_n.append(int(n))
            sub_mountain.append(plan.setting == "mountain")
    n_sub = len(sub_n)
    probabilities = np.stack([age_probabilities(d) for d in demographies])
    pvals = probabilities[np.array(sub_mountain, np.int64)]
    counts = rng.multinomial(np.array(sub_n, np.int64), pvals)
    flat = counts.ravel()
    age = np.repeat(np.tile(np.arange(AGES, dtype=np.int64), n_sub), flat)
    sub = np.repeat(np.repeat(np.arange(n_sub, dtype=np.int64), AGES), flat)
    n = age.size
    strata = Strata(
        np.repeat(np.arange(flat.size, dtype=np.int64), flat),
        np.arange(n, dtype=np.int64) - np.repeat(np.cumsum(flat) - flat, flat),
        flat.astype(np.int64),
    )
    commune = np.array(sub_commune, np.int64)[sub]
    eth = np.array(sub_eth, np.int64)[sub]
    mountain = np.array(sub_mountain, np.bool_)[sub]
    m_idx = mountain.astype(np.int64)

    # 2. Sex and marriage.
    male_share = np.stack([_male_share(d) for d in demographies])
    female = rng.random(n) >= male_share[m_idx, age]
    married_tables = np.stack([
        np.stack([table(d.married_men, MAX_AGE), table(d.married_women, MAX_AGE)])
        for d in demographies
    ])
    married = rng.random(n) < married_tables[m_idx, female.astype(np.int64), age]

    # 3. Couples.
    wives = np.flatnonzero(female & married)
    men = np.flatnonzero(~female & married)
    gaps = np.array([d.husband_gap for d in demographies], np.float64)[m_idx]
    husband_of_wife = _pair(rng, sub, age, wives, men, gaps[:, 0], gaps[:, 1])
    husband = np.full(n, -1, np.int64)
    wife = np.full(n, -1, np.int64)
    paired = husband_of_wife >= 0
    husband[wives[paired]] = husband_of_wife[paired]
    wife[husband_of_wife[paired]] = wives[paired]

    # 4. Mothers for the unmarried young (and for men whose wife is not listed).
    seekers = np.flatnonzero((~married | (~female & (wife < 0))) & (age <= 34))
    mother = np.full(n, -1, np.int64)
    capacity = np.array([d.max_children for d in demographies], np.int64)[m_idx]
    load = np.zeros(n, np.int64)
    mother[seekers] = _find_mothers(
        rng, seekers, sub, age, mountain, wives, demographies, load, capacity
    )

    # 5. Households: everyone links to the person whose household they join.
    link = np.arange(n, dtype=np.int64)
    has_mother = mother >= 0
    link[has_mother] = mother[has_mother]
    link[husband_of_wife[paired]] = wives[paired]
    # One young couple per family lives with the husband's parents.
    patrilocal_p = np.array([d.patrilocal for d in demographies])
    young_husbands = husband_of_wife[paired]
    young_wives = wives[paired]
    keep = (age[young_husbands] <= 35) & (
        rng.random(young_husbands.size) < patrilocal_p[m_idx[young_husbands]]
    )
    in_laws = _find_mothers(
        rng, young_husbands[keep], sub, age, mountain, wives, demographies,
        np.zeros(n, np.int64), np.ones(n, np.int64),
    )
    found = in_laws >= 0
    link[young_wives[keep][found]] = in_laws[found]
    mother[young_husbands[keep][found]] = in_laws[found]
    # Children nobody could mother, and some adults living alone, join a family of their
    # sub-population (of their commune when the sub-population has none).
    alone = (mother < 0) & (link == np.arange(n)) & (wife < 0) & ~(female & married)
    relatives = np.array([d.with_relatives for d in demographies])[m_idx]
    joining = np.flatnonzero(
        alone & ((age < 18) | ((age >= 35) & (rng.random(n) < relatives)))
    )
    if joining.size and wives.size:
        u = rng.random(joining.size)
        in_sub = _pick(sub[wives], sub[joining], sub[joining], u)
        in_commune = _pick(commune[wives], commune[joining], commune[joining], u)
        host = np.where(in_sub >= 0, in_sub, in_commune)
        ok = host >= 0
        link[joining[ok]] = wives[host[ok]]
    root = _roots(link)

    # 6. Heads, villages and household numbers.
    roots = np.flatnonzero(root == np.arange(n))
    position = np.full(n, -1, np.int64)
    position[roots] = np.arange(roots.size)
    hh = position[root]
    head = np.where(husband[roots] >= 0, husband[roots], roots)
    role = np.full(n, 2, np.int64)
    role[roots] = np.where(husband[roots] >= 0, 1, 0)
    role[head] = 0
    hh_commune = commune[roots]
    villages: list[str] = []
    village_first = np.zeros(len(plans) + 1, np.int64)
    for c, plan in enumerate(plans):
        villages.extend(plan.villages)
        village_first[c + 1] = len(villages)
    n_villages = np.diff(village_first)
    # Village sizes vary (Dirichlet weights); households fill villages in ethnic order.
    weights = rng.gamma(3.0, size=len(villages))
    village_commune = np.repeat(np.arange(len(plans)), n_villages)
    totals = np.bincount(village_commune, weights=weights, minlength=len(plans))
    cumulative = np.cumsum(weights) - (np.cumsum(totals) - totals)[village_commune]
    edges = village_commune + cumulative / np.maximum(totals[village_commune], 1e-12)
    order = np.argsort(_random_within(rng, (hh_commune << np.int64(8)) | eth[roots]))
    starts, lengths = segment_starts(hh_commune[order])
    rank = np.arange(roots.size) - np.repeat(starts, lengths)
    fraction = (rank + 0.5) / np.repeat(lengths, lengths)
    hh_village = np.empty(roots.size, np.int64)
    hh_village[order] = np.minimum(
        np.searchsorted(edges, hh_commune[order] + fraction, side="left"),
        village_first[hh_commune[order] + 1] - 1,
    )
    order = np.argsort(_random_within(rng, hh_village))
    starts, lengths = segment_starts(hh_commune[order])
    hh_number = np.empty(roots.size, np.int64)
    hh_number[order] = np.arange(roots.size) - np.repeat(starts, lengths) + 1

    # 7. Final row order: commune, household, head, spouse, others oldest first.
    rows = np.argsort(
        (commune << np.int64(44)) | (hh_number[hh] << np.int64(20)) | (role << np.int64(8))
        | (MAX_AGE - age)
    )
    new_row = np.empty(n, np.int64)
    new_row[rows] = np.arange(n)
    household = hh_number[hh][rows]
    starts, lengths = segment_starts(commune[rows] * (1 << 32) + household)
    person_no = np.arange(n) - np.repeat(starts, lengths) + 1

    def remap(links: Ints) -> Ints:
        moved = links[rows]
        remapped: Ints = np.where(moved >= 0, new_row[np.maximum(moved, 0)], -1)
        return remapped

    commune = commune[rows]
    age = age[rows]
    mountain = mountain[rows]
    difficult_c = np.array([p.especially_difficult for p in plans], np.bool_)
    population = Population(
        commune=commune,
        village=hh_village[hh][rows],
        villages=villages,
        household=household,
        person_no=person_no,
        age=age,
        female=female[rows],
        ethnicity=eth[rows],
        mother=remap(mother),
        husband=remap(husband),
        mountain=mountain,
        especially_difficult=difficult_c[commune],
        temporary=np.zeros(n, np.bool_),
        status=np.zeros(n, np.int64),
        disability=np.zeros(n, np.int64),
        birth_year=year - age,
        birth_day=np.zeros(n, np.int64),
        year_only=np.zeros(n, np.bool_),
        strata=strata.take(rows),
    )
    _life_events(rng, population, demographies, year)
    return population


def _life_events(
    rng: np.random.Generator,
    people: Population,
    demographies: tuple[Demography, Demography],
    year: int,
) -> None:
    """Residence, moves, deaths, disability and birth dates."""
    n = people.age.size
    m = people.mountain.astype(np.int64)

    def per_setting(values: Sequence[float]) -> Floats:
        result: Floats = np.asarray(values, np.float64)[m]
        return result

    # Moves concern whole households: one draw per household, read by every member.
    starts, lengths = segment_starts(people.commune * (1 << 32) + people.household)
    u_household = np.repeat(rng.random(starts.size), lengths)
    temporary_p = per_setting([d.temporary for d in demographies])
    people.temporary = np.repeat(rng.random(starts.size), lengths) < temporary_p
    moved_in = per_setting([d.moved_in for d in demographies])
    moved_away = per_setting([d.moved_away for d in demographies])
    status = np.where(u_household < moved_in, STATUS_MOVED_IN, STATUS_NONE)
    status = np.where(
        (u_household >= moved_in) & (u_household < moved_in + moved_away),
        STATUS_MOVED_AWAY,
        status,
    )
    deceased = rng.random(n) < per_setting([d.deceased for d in demographies])
    people.status = np.where(deceased & (status != STATUS_MOVED_AWAY), STATUS_DECEASED, status)
    u = rng.random(n)
    cannot = per_setting([d.disabled_cannot_study for d in demographies])
    can = per_setting([d.disabled_can_study for d in demographies])
    people.disability = np.where(
        u < cannot, DISABILITY_CANNOT_STUDY, np.where(u < cannot + can, DISABILITY_CAN_STUDY, 0)
    )
    # Birth dates: uniform over the year of birth, and not after 30 September of Y for the
    # youngest (they would not yet be born on the reference date).
    first_year = year - MAX_AGE
    starts = np.arange(first_year - 1970, year - 1969 + 1).astype("datetime64[Y]")
    days = np.diff(starts.astype("datetime64[D]")).astype(np.int64)
    reference = np.datetime64(f"{year}-{REFERENCE_MONTH:02d}-{REFERENCE_DAY:02d}")
    days[-1] = (reference - starts[-2].astype("datetime64[D]")).astype(np.int64) + 1
    people.birth_day = (rng.random(n) * days[people.birth_year - first_year]).astype(np.int64)
    year_only_p = per_setting([d.year_only_birth for d in demographies])
    people.year_only = (people.age >= 40) & (rng.random(n) < year_only_p)


class NationalIds:
    """12-digit personal identification numbers, unique over a whole run.

    The citizen ID (CCCD) number is: 3 digits of the province of birth
    registration, 1 digit of sex and century (0/1 male/female born 1900–1999,
    2/3 born 2000–2099), 2 digits of the year of birth and 6 serial digits.
    Serials are counted per (province, sex and century, year) across batches and
    scrambled by a fixed bijection of 0…999,999, so numbers look random but
    never repeat; when a key's million serials are used up the number is left
    blank. People are registered in the province where they live (synthetic).
    """

    _MULTIPLIER = 738_271  # odd and not a multiple of 5: a bijection modulo 10^6

    def __init__(self, seed: int) -> None:
        self._next = np.zeros((100, 4, 100), np.int64)
        self._late = np.zeros((100, 4, 100), np.int64)
        self._offset = int(np.random.SeedSequence([seed, 7]).generate_state(1)[0]) % 1_000_000

    def assign(
        self,
        rng: np.random.Generator,
        people: Population,
        province: Ints,
        share: Floats,
        year: int,
    ) -> Ints:
        """A number for each person (as an int64 below 10^12), or -1 when not recorded."""
        ramp = np.clip((year - FIRST_ID_YEAR) / (FULL_ID_YEAR - FIRST_ID_YEAR), 0.0, 1.0)
        has = rng.random(people.age.size) < share * ramp
        century = (people.birth_year >= 2000).astype(np.int64)
        sex = century * 2 + people.female.astype(np.int64)
        yy = people.birth_year % 100
        key = (province * 4 + sex) * 100 + yy
        holders = np.flatnonzero(has)
        order = holders[np.argsort(key[holders])]
        starts, lengths = segment_starts(key[order])
        rank = np.arange(order.size) - np.repeat(starts, lengths)
        flat_next = self._next.reshape(-1)
        serial = flat_next[key[order]] + rank
        np.add.at(flat_next, key[order][starts], lengths)
        ids = np.full(people.age.size, -1, np.int64)
        scrambled = (serial * self._MULTIPLIER + self._offset) % 1_000_000
        number = ((province[order] * 10 + sex[order]) * 100 + yy[order]) * 1_000_000 + scrambled
        ids[order] = np.where(serial < 1_000_000, number, -1)
        return ids

    def late(self, province: Ints, female: Bools, birth_year: Ints) -> Ints:
        """Numbers for people recorded in a later year of the run (phocap.synth.evolve).

        Their serials count down from 999,999 per key, scrambled by the same
        bijection, so they never meet the serials counted up by :meth:`assign`
        (a key would need half a million people) nor each other; a new instance
        with the run's seed continues the same run.
        """
        century = (birth_year >= 2000).astype(np.int64)
        sex = century * 2 + female.astype(np.int64)
        yy = birth_year % 100
        key = (province * 4 + sex) * 100 + yy
        order = np.argsort(key, kind="stable")
        starts, lengths = segment_starts(key[order])
        rank = np.arange(order.size) - np.repeat(starts, lengths)
        flat = self._late.reshape(-1)
        serial = 999_999 - (flat[key[order]] + rank)
        np.add.at(flat, key[order][starts], lengths)
        ids = np.empty(key.size, np.int64)
        scrambled = (serial * self._MULTIPLIER + self._offset) % 1_000_000
        ids[order] = ((province[order] * 10 + sex[order]) * 100 + yy[order]) * 1_000_000 + scrambled
        return ids
