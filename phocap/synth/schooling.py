"""Schooling histories and current classes, consistent by construction.

Each person gets a *trajectory*, and every column of the record is read off it
for the survey year Y, so the record cannot contradict itself:

- **timing**: entry to grade 1 at 6 (or 7, 8), and at most one repeated grade in
  each of primary, lower and upper secondary. Grade g is then completed in the
  calendar year C(g) = birth year + 6 + entry delay + g + repeats up to g (June of
  the school year that started in C(g) − 1). Completion years are increasing,
  primary is completed at 11 or later, THCS at 15 or later, THPT at 18 or later;
- **attainment**: the last grade completed F and whether the person left during
  grade F + 1 (a dropout) or after finishing a level, drawn from the cohort's
  chain of conditional failure probabilities; a share of THCS graduates goes to
  intermediate vocational school, and THPT graduates to college or university;
- at Y the person is in school when they have started (entry year ≤ Y) and not
  yet finished; their class is the grade reached, marked a repeater in the
  second year of a repeated grade; a dropout leaves in the school year after
  completing F, so the dropout year is at most Y.

The rates the rules engine judges (docs/rules.md §2–3) are all per commune and age,
so the draws that decide them are stratified by commune and age
(:func:`phocap.synth.draws.stratified`): a commune's rate is its expected value
to within one person, whatever the seed.

Adults who did not complete primary may have completed a stage of the literacy
programme (xóa mù chữ), and some people with little schooling have relapsed
into illiteracy (tái mù).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from phocap.survey import ethnicity
from phocap.synth.draws import Bools, Floats, Ints, stratified, table
from phocap.synth.plan import CommunePlan
from phocap.synth.population import (
    DISABILITY_CAN_STUDY,
    DISABILITY_CANNOT_STUDY,
    STATUS_DECEASED,
    STATUS_MOVED_AWAY,
    Population,
)
from phocap.synth.profiles import MAX_AGE, Profile, Schooling, risk_class

# Class codes (phocap.survey.classes): base codes, each in four variants
# (plain, repeater "!", two sessions "*", both "*!").
BASE_CLASSES: Final = (
    "NT", "MG3", "MG4", "MG5", *(str(g) for g in range(1, 13)),
    *(f"BT{g}" for g in range(6, 13)), "SC", "TC", "CD", "DH",
)
_NT, _MG3 = 0, 1
_GRADE1 = 4  # index of "1"; grade g is _GRADE1 + g - 1
_BT6 = _GRADE1 + 12  # index of "BT6"; BT g is _BT6 + g - 6
_SC, _TC, _CD, _DH = (BASE_CLASSES.index(c) for c in ("SC", "TC", "CD", "DH"))
CLASS_CODES: Final = tuple(
    base + ("*" if two else "") + ("!" if repeat else "")
    for base in BASE_CLASSES
    for two in (False, True)
    for repeat in (False, True)
)
"""Vocabulary of current_class values; code index = base * 4 + two_sessions * 2 + repeater."""

VOCATIONAL_ELEMENTARY, VOCATIONAL_INTERMEDIATE, VOCATIONAL_COLLEGE = 0, 1, 2
YOUNG_AGE, OLD_AGE = 18, 55
"""Risk multipliers move linearly from their value at 18 to their value at 55."""
CURRENT_ELEMENTARY_VOCATIONAL = 0.004
"""Share of adults 18–45 out of school attending a short vocational course (SC). synthetic."""
FAIL_CAP = 0.97

# Delay patterns: entry delay × repeated primary grade × lower-secondary × upper-secondary
# grade (0 = none), the no-delay pattern first.
_PATTERNS: Final = np.array(
    list(itertools.product(range(3), (0, 1, 2, 3, 4, 5), (0, 6, 7, 8, 9), (0, 10, 11, 12))),
    np.int64,
)


@dataclass
class Schooled:
    """Schooling columns of a batch; -1 means blank."""

    current_class: Ints
    current_school: Ints
    schools: list[str]
    preschool_completed: Ints
    primary_completed: Ints
    thcs_graduated: Ints
    thpt_graduated: Ints
    vocational_level: Ints
    vocational_completed: Ints
    highest_grade: Ints
    dropout_grade: Ints
    dropout_year: Ints
    literacy_stage: Ints
    literacy_year: Ints
    relapsed: Bools


def _lerp(young: Floats, old: Floats, age: Ints) -> Floats:
    t = np.clip((age - YOUNG_AGE) / (OLD_AGE - YOUNG_AGE), 0.0, 1.0)
    result: Floats = young + (old - young) * t
    return result


def _multipliers(
    settings: tuple[Schooling, Schooling], people: Population, risk: Ints
) -> Floats:
    """Each person's failure multiplier: ethnic class and sex, ĐBKK, disability."""
    m = people.mountain.astype(np.int64)
    by_class = np.array([s.risk for s in settings], np.float64)  # (setting, class, sex, 2)
    pair = by_class[m, risk, people.female.astype(np.int64)]
    mult = _lerp(pair[:, 0], pair[:, 1], people.age)
    ed = np.array([s.especially_difficult_risk for s in settings], np.float64)[m]
    mult = np.where(people.especially_difficult, mult * _lerp(ed[:, 0], ed[:, 1], people.age), mult)
    disabled = np.array([s.disabled_risk for s in settings])[m]
    result: Floats = np.where(people.disability == DISABILITY_CAN_STUDY, mult * disabled, mult)
    return result


def _delay_cdf(settings: tuple[Schooling, Schooling]) -> Floats:
    """Cumulative probabilities of the delay patterns, per (setting, risk class)."""
    rows = []
    for s in settings:
        for k in range(3):
            mult = s.child_risk[k]
            late1, late2 = (min(p * mult, 0.3) for p in s.late_entry)
            entry = np.array([1 - late1 - late2, late1, late2])
            rp, rs, ru = (min(p * mult, 0.05) for p in s.repeat)
            primary = np.array([1 - 5 * rp, *[rp] * 5])
            lower = np.array([1 - 4 * rs, *[rs] * 4])
            upper = np.array([1 - 3 * ru, *[ru] * 3])
            p = (
                entry[_PATTERNS[:, 0]]
                * primary[_PATTERNS[:, 1]]
                * lower[np.searchsorted((0, 6, 7, 8, 9), _PATTERNS[:, 2])]
                * upper[np.searchsorted((0, 10, 11, 12), _PATTERNS[:, 3])]
            )
            cdf = np.cumsum(p / p.sum())
            cdf[-1] = 1.0
            rows.append(cdf)
    result: Floats = np.array(rows)
    return result


def _repeats_up_to(grade: Ints, rp: Ints, rs: Ints, ru: Ints) -> Ints:
    """Number of repeated grades at or below ``grade``."""
    result: Ints = (
        ((rp > 0) & (rp <= grade)).astype(np.int64)
        + ((rs > 0) & (rs <= grade))
        + ((ru > 0) & (ru <= grade))
    )
    return result


def _school_tables(plans: Sequence[CommunePlan]) -> tuple[list[str], Ints, Ints]:
    """School vocabulary and per (commune, level) first index and count.

    Levels: 0 preschool, 1 primary, 2 lower secondary, 3 upper secondary, 4 continuing.
    """
    vocab: list[str] = []
    index: dict[str, int] = {}
    first = np.zeros((len(plans), 5), np.int64)
    count = np.zeros((len(plans), 5), np.int64)
    for c, plan in enumerate(plans):
        s = plan.schools
        levels = (
            s.preschool, s.primary, s.lower_secondary,
            (s.upper_secondary,) if s.upper_secondary else (),
            (s.continuing,) if s.continuing else (),
        )
        for level, codes in enumerate(levels):
            ids = []
            for code in codes:
                if code not in index:
                    index[code] = len(vocab)
                    vocab.append(code)
                ids.append(index[code])
            # Codes of one level of a commune are consecutive in the vocabulary.
            if ids:
                first[c, level], count[c, level] = ids[0], len(ids)
    return vocab, first, count


def draw_schooling(
    rng: np.random.Generator,
    people: Population,
    plans: Sequence[CommunePlan],
    profile: Profile,
    year: int,
) -> Schooled:
    """Schooling columns for a batch of people."""
    settings = (profile.lowland.schooling, profile.mountain.schooling)
    n = people.age.size
    age = people.age
    born = people.birth_year
    m = people.mountain.astype(np.int64)
    risk = np.array([risk_class(e) for e in ethnicity.NAMES], np.int64)[people.ethnicity]
    cannot = people.disability == DISABILITY_CANNOT_STUDY
    gone = (people.status == STATUS_MOVED_AWAY) | (people.status == STATUS_DECEASED)
    in_scope = ~cannot & ~gone
    group = (people.commune * 128 + age * 2 + in_scope).astype(np.int64)
    child_mult = np.array([s.child_risk for s in settings], np.float64)[m, risk]

    def attends(p: Floats) -> Floats:
        result: Floats = 1.0 - np.minimum((1.0 - p) * child_mult, 1.0)
        return result

    none = np.full(n, -1, np.int64)
    current = none.copy()

    # Preschool: nursery 0–2, kindergarten 3–5, completion recorded for ages 6–14.
    u_pre = people.strata.uniform(rng)
    nursery = np.array([s.nursery for s in settings])[m]
    kinder = np.array([(s.nursery, s.nursery, s.nursery, *s.kindergarten) for s in settings])
    p_attend = attends(np.where(age <= 2, nursery, kinder[m, np.minimum(age, 5)]))
    p_pre = np.where(age <= 5, p_attend, 0.0)
    in_preschool = (age <= 5) & (u_pre < p_pre) & ~cannot
    current = np.where(in_preschool & (age <= 2), _NT * 4, current)
    current = np.where(in_preschool & (age >= 3), (_MG3 + age - 3) * 4, current)
    p_completed = attends(np.array([s.preschool_completed for s in settings])[m])
    preschool_done = (age >= 6) & (age <= 14) & (u_pre < p_completed) & ~cannot
    preschool_completed = np.where(preschool_done, born + 6, -1)

    # Attainment: a chain of conditional failures, read off one stratified uniform.
    mult = _multipliers(settings, people, risk)

    def fail(name: str) -> Floats:
        tables = np.stack([table(getattr(s, name), MAX_AGE) for s in settings])
        result: Floats = np.minimum(tables[m, age] * mult, FAIL_CAP)
        return result

    u = people.strata.uniform(rng)
    c0 = np.where(cannot, 1.0, fail("never"))
    c1 = c0 + (1 - c0) * fail("primary_fail")
    c2 = c1 + (1 - c1) * fail("no_transition")
    c3 = c2 + (1 - c2) * fail("thcs_fail")
    c4 = c3 + (1 - c3) * fail("no_continuation")
    c5 = c4 + (1 - c4) * np.array([s.vocational for s in settings])[m]
    c6 = c5 + (1 - c5) * fail("upper_fail")

    def within(lo: Floats, hi: Floats, first: int, grades: int, skew: bool = False) -> Ints:
        # The grade left within a level; in primary, later grades more often (weights 1, 3,
        # 5, 7, 9), since most who left primary could already read (synthetic).
        position = np.clip((u - lo) / np.maximum(hi - lo, 1e-12), 0.0, 1.0)
        position = np.sqrt(position) if skew else position
        result: Ints = first + np.clip((position * grades).astype(np.int64), 0, grades - 1)
        return result

    never = (u < c0) | (age < 6)
    dropout = ((u >= c0) & (u < c1)) | ((u >= c2) & (u < c3)) | ((u >= c5) & (u < c6))
    last = np.select(
        [u < c0, u < c1, u < c2, u < c3, u < c5, u < c6],
        [
            0, within(c0, c1, 1, 5, skew=True) - 1, 5, within(c2, c3, 6, 4) - 1, 9,
            within(c5, c6, 10, 3) - 1,
        ],
        12,
    )
    last = np.where(never, 0, last)
    vocational_track = (u >= c4) & (u < c5) & ~never
    gdtx = (rng.random(n) < np.array([s.continuing_education for s in settings])[m]) & (last >= 9)

    # Timing: one stratified draw of the delay pattern.
    u_delay = people.strata.uniform(rng)
    delay_class = m * 3 + risk
    cdf = _delay_cdf(settings)
    offsets = np.arange(cdf.shape[0], dtype=np.float64)[:, None]
    pattern = np.searchsorted((cdf + offsets).ravel(), u_delay + delay_class, side="right")
    pattern = np.clip(pattern - delay_class * _PATTERNS.shape[0], 0, _PATTERNS.shape[0] - 1)
    entry, rp, rs, ru = (_PATTERNS[pattern, k] for k in range(4))
    start = born + 6 + entry  # the calendar year whose September starts grade 1

    def completed(grade: Ints) -> Ints:
        result: Ints = start + grade + _repeats_up_to(grade, rp, rs, ru)
        return result

    c_last = completed(last)
    end = c_last + dropout  # the year schooling stops (a dropout leaves the next year)
    enrolled = ~never & (start <= year) & (year < end) & ~cannot

    # Current general-education grade of those enrolled.
    idx = np.flatnonzero(enrolled)
    t = year - start[idx]
    grade = np.zeros(idx.size, np.int64)
    for k in range(3, -1, -1):  # the largest g = t - k with repeats(g) <= k
        g = t - k
        ok = (g >= 0) & (_repeats_up_to(g, rp[idx], rs[idx], ru[idx]) <= k)
        grade = np.where(ok, g, grade)
    grade = grade + 1  # grades completed + 1
    repeater = year > np.where(
        grade > 1, start[idx] + (grade - 1) + _repeats_up_to(grade - 1, rp[idx], rs[idx], ru[idx]),
        start[idx],
    )
    two = np.array([p.two_sessions for p in plans], np.bool_)[people.commune[idx]] & (grade <= 5)
    base = np.where(gdtx[idx] & (grade >= 10), _BT6 + grade - 6, _GRADE1 + grade - 1)
    current[idx] = base * 4 + two * 2 + repeater
    highest = np.where(age >= 6, 0, -1)
    finished = ~never & (end <= year)
    highest = np.where(finished, last, highest)
    highest[idx] = grade - 1

    # Completions, dropouts.
    c5_year, c9_year, c12_year = (completed(np.full(n, g, np.int64)) for g in (5, 9, 12))
    reached = ~never
    primary_completed = np.where(reached & (last >= 5) & (c5_year <= year), c5_year, -1)
    thcs_graduated = np.where(reached & (last >= 9) & (c9_year <= year), c9_year, -1)
    passed = rng.random(n) < np.array([s.thpt_pass for s in settings])[m]
    thpt_graduated = np.where(reached & (last == 12) & (c12_year <= year) & passed, c12_year, -1)
    dropped = dropout & finished
    dropout_grade = np.where(dropped, last + 1, -1)
    dropout_year = np.where(dropped, end, -1)

    # Vocational and higher education.
    vocational_level = none.copy()
    vocational_completed = none.copy()
    in_tc = vocational_track & (thcs_graduated >= 0) & (year < c9_year + 3)
    done_tc = vocational_track & (thcs_graduated >= 0) & (c9_year + 3 <= year)
    current = np.where(in_tc, _TC * 4, current)
    vocational_level = np.where(done_tc, VOCATIONAL_INTERMEDIATE, vocational_level)
    vocational_completed = np.where(done_tc, c9_year + 3, vocational_completed)
    u_higher = rng.random(n)
    university = np.array([s.university for s in settings])[m]
    college = university + np.array([s.college for s in settings])[m]
    diploma = thpt_graduated >= 0
    current = np.where(diploma & (u_higher < university) & (year < c12_year + 4), _DH * 4, current)
    to_college = diploma & (u_higher >= university) & (u_higher < college)
    current = np.where(to_college & (year < c12_year + 3), _CD * 4, current)
    done_cd = to_college & (c12_year + 3 <= year)
    vocational_level = np.where(done_cd, VOCATIONAL_COLLEGE, vocational_level)
    vocational_completed = np.where(done_cd, c12_year + 3, vocational_completed)
    adult = (age >= 18) & ~cannot & (current < 0)
    u_sc = rng.random(n)
    short_course = np.array([s.elementary_vocational for s in settings])[m]
    sc = adult & (vocational_level < 0) & (u_sc < short_course)
    vocational_level = np.where(sc, VOCATIONAL_ELEMENTARY, vocational_level)
    sc_year = born + 18 + (rng.random(n) * np.maximum(age - 17, 1)).astype(np.int64)
    vocational_completed = np.where(sc, np.minimum(sc_year, year), vocational_completed)
    studying_sc = adult & ~sc & (age <= 45) & (u_sc > 1 - CURRENT_ELEMENTARY_VOCATIONAL)
    current = np.where(studying_sc, _SC * 4, current)

    # Literacy programme and relapse, for adults who did not complete primary.
    low = np.flatnonzero((age >= 15) & (last < 5) & ~cannot & ~enrolled)
    literacy_stage = none.copy()
    literacy_year = none.copy()
    relapsed = np.zeros(n, np.bool_)
    if low.size:
        u_lit = stratified(rng, group[low])
        ml = m[low]
        programme = np.array([s.literacy_programme for s in settings])[ml]
        stage2 = programme * np.array([s.literacy_stage2 for s in settings])[ml]
        relapse = np.array([s.relapse for s in settings])[ml]
        stage = np.where(u_lit < stage2, 2, np.where(u_lit < programme, 1, -1))
        # Relapse takes the upper part of each stage's share (and of the rest, for people
        # who had some schooling), so rates stay stratified.
        top = np.where(stage == 2, stage2, np.where(stage == 1, programme, 1.0))
        width = np.where(
            stage == 2, stage2, np.where(stage == 1, programme - stage2, 1 - programme)
        )
        could_relapse = (stage > 0) | (last[low] >= 1)
        relapsed[low] = could_relapse & (u_lit >= top - width * relapse)
        literacy_stage[low] = stage
        earliest = np.maximum(born[low] + 15, year - 20)
        span = year - earliest + 1
        chosen = earliest + (rng.random(low.size) * span).astype(np.int64)
        literacy_year[low] = np.where(stage > 0, chosen, -1)

    # Nobody who moved away or died is in a class now (their history stays).
    current = np.where(gone | cannot, -1, current)
    vocab, first, count = _school_tables(plans)
    current_school = _assign_schools(people, current, first, count)
    return Schooled(
        current_class=current,
        current_school=current_school,
        schools=vocab,
        preschool_completed=preschool_completed,
        primary_completed=primary_completed,
        thcs_graduated=thcs_graduated,
        thpt_graduated=thpt_graduated,
        vocational_level=vocational_level,
        vocational_completed=vocational_completed,
        highest_grade=highest,
        dropout_grade=dropout_grade,
        dropout_year=dropout_year,
        literacy_stage=literacy_stage,
        literacy_year=literacy_year,
        relapsed=relapsed,
    )


# School level of each class code (see _school_tables), -1 for classes outside the commune's
# schools (vocational, university) and for no class (the last entry, read by index -1).
_SCHOOL_LEVEL: Final = np.array(
    [0] * _GRADE1 + [1] * 5 + [2] * 4 + [3] * 3 + [4] * (_SC - _BT6)
    + [-1] * (len(BASE_CLASSES) - _SC) + [-1],
    np.int64,
)


def _assign_schools(
    people: Population, current: Ints, first: Ints, count: Ints
) -> Ints:
    """The school of each pupil: the commune's school of that level, by village."""
    level = _SCHOOL_LEVEL[np.where(current >= 0, current // 4, -1)]
    lv = np.maximum(level, 0)
    k = count[people.commune, lv]
    school: Ints = np.where(
        (level >= 0) & (k > 0),
        first[people.commune, lv] + people.village % np.maximum(k, 1),
        -1,
    )
    return school


