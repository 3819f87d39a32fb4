"""One school year lived: the schooling columns of survey year Y + 1 from those of Y.

A record of year Y says where a person is in school year Y–(Y+1); the record
of Y + 1 says what happened at its end (June of Y + 1) and where they are in
school year (Y+1)–(Y+2). Completion years are therefore Y + 1: a child in MG5
in Y has completed the preschool programme in Y + 1 and is 6 in Y + 1, which
is the cohort docs/rules.md §3 judges ("the 5-year-olds of the school year that
ended in Y"); a grade-5 pupil completes primary in Y + 1, and so on.

Every probability is the profile's (:mod:`phocap.synth.profiles`), turned
into yearly events so that a population evolved year after year keeps the
rates it was generated with:

- **dropout** during a grade: the profile gives, per level, the probability of
  not completing it (``primary_fail``, ``thcs_fail``, ``upper_fail`` at the
  pupil's age, times the same risk multiplier as the generator: ethnic class
  and sex, especially difficult commune, disability). It is spread over the
  level's grades as the generator spreads dropout grades (primary 1:3:5:7:9,
  secondary evenly) and turned into a hazard per grade. Each pupil's hazard is
  then multiplied by ``Yearly.overage_risk`` per year over the grade's age and
  by ``Yearly.repeater_risk`` when repeating, and divided by the level's mean
  of those factors, so the level's dropout stays the profile's;
- **repetition**: ``Schooling.repeat`` of the level times ``child_risk``, not
  twice in a row;
- **transitions**: after grade 5, ``no_transition`` leave school with primary
  completed; after grade 9, graduates stream as the generator does:
  ``no_continuation`` leave, of the rest ``vocational`` go to intermediate
  vocational school (TC), the others to grade 10, ``continuing_education`` of
  them in GDTX (BT10); after grade 12, ``thpt_pass`` obtain the diploma, then
  ``university`` go to university (ĐH) and ``college`` to college (CĐ);
- **preschool**: attendance per age is kept at the profile's rate (children
  who attend stay, others join until the rate is reached); classes follow age
  (NT 0–2, MG3–MG5); grade 1 at 6, or 7 or 8 for late entrants (``late_entry``);
- **courses** of fixed length: TC three years after THCS, CĐ three and ĐH four
  after THPT, sơ cấp (SC) one year; adults start SC at the generator's rate;
- **literacy**: adults without primary complete literacy stages and relapse
  at ``Yearly`` rates.

The draws that decide commune rates (dropout and repetition, preschool, grade
1, the transitions at the end of a level) are stratified per commune and age
or grade (:func:`phocap.synth.draws.stratified`), as the generator's are, so a
commune's yearly flows stay at their expected values instead of drifting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

import numpy as np

from phocap.synth.draws import Bools, Floats, Ints, interpolate, stratified
from phocap.synth.population import DISABILITY_CAN_STUDY, DISABILITY_CANNOT_STUDY
from phocap.synth.profiles import Schooling, Setting
from phocap.synth.schooling import (
    BASE_CLASSES,
    CURRENT_ELEMENTARY_VOCATIONAL,
    FAIL_CAP,
    OLD_AGE,
    VOCATIONAL_COLLEGE,
    VOCATIONAL_ELEMENTARY,
    VOCATIONAL_INTERMEDIATE,
    YOUNG_AGE,
)

NT, MG3, MG5 = (BASE_CLASSES.index(c) for c in ("NT", "MG3", "MG5"))
GRADE1 = BASE_CLASSES.index("1")
BT6 = BASE_CLASSES.index("BT6")
SC, TC, CD, DH = (BASE_CLASSES.index(c) for c in ("SC", "TC", "CD", "DH"))
NONE = -1

# Levels of general education: their grades and how the generator spreads dropout over them.
LEVELS: Final = (
    ("primary_fail", (1, 2, 3, 4, 5), (1.0, 3.0, 5.0, 7.0, 9.0)),
    ("thcs_fail", (6, 7, 8, 9), (1.0, 1.0, 1.0, 1.0)),
    ("upper_fail", (10, 11, 12), (1.0, 1.0, 1.0)),
)
MAX_OVERAGE = 3
"""Years over the grade's age that still raise the dropout hazard."""
MAX_REPEAT = 0.05
"""Cap on a yearly repetition probability (the generator's)."""


@dataclass
class Columns:
    """The schooling columns of a set of people; -1 is blank.

    ``klass`` indexes :data:`phocap.synth.schooling.CLASS_CODES` (base × 4 +
    two sessions × 2 + repeater).
    """

    klass: Ints
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


@dataclass(frozen=True)
class Traits:
    """What a person's chances depend on."""

    age: Ints
    """Age in the new survey year."""
    group: Ints
    """Commune index × 128 + age: the strata of the draws that decide commune rates."""
    mountain: Bools
    risk: Ints
    """Risk class of the ethnic group (profiles.risk_class)."""
    female: Bools
    especially_difficult: Bools
    disability: Ints
    two_sessions: Bools
    """The commune's primary classes study two sessions a day."""


def grade_of(base: Ints) -> Ints:
    """General-education grade (1–12) of a class base index, -1 for other classes."""
    grade: Ints = np.where(
        (base >= GRADE1) & (base < BT6), base - GRADE1 + 1,
        np.where((base >= BT6) & (base < SC), base - BT6 + 6, NONE),
    )
    return grade


def _lerp(young: Floats, old: Floats, age: Ints) -> Floats:
    t = np.clip((age - YOUNG_AGE) / (OLD_AGE - YOUNG_AGE), 0.0, 1.0)
    result: Floats = young + (old - young) * t
    return result


def failure_multiplier(settings: Sequence[Schooling], traits: Traits) -> Floats:
    """The generator's risk multiplier: ethnic class and sex, ĐBKK, disability (at the age)."""
    m = traits.mountain.astype(np.int64)
    pair = np.array([s.risk for s in settings], np.float64)[
        m, traits.risk, traits.female.astype(np.int64)
    ]
    mult = _lerp(pair[:, 0], pair[:, 1], traits.age)
    ed = np.array([s.especially_difficult_risk for s in settings], np.float64)[m]
    mult = np.where(
        traits.especially_difficult, mult * _lerp(ed[:, 0], ed[:, 1], traits.age), mult
    )
    disabled = np.array([s.disabled_risk for s in settings], np.float64)[m]
    result: Floats = np.where(traits.disability == DISABILITY_CAN_STUDY, mult * disabled, mult)
    return result


def _by_setting(settings: Sequence[Schooling], name: str, traits: Traits) -> Floats:
    values = np.array([float(getattr(s, name)) for s in settings], np.float64)
    result: Floats = values[traits.mountain.astype(np.int64)]
    return result


def _curve(settings: Sequence[Schooling], name: str, traits: Traits) -> Floats:
    """A cohort curve at each person's age, in their setting."""
    values = np.stack([interpolate(getattr(s, name), traits.age) for s in settings])
    result: Floats = values[traits.mountain.astype(np.int64), np.arange(traits.age.size)]
    return result


def dropout_hazard(
    settings: Sequence[Setting], traits: Traits, grade: Ints, repeater: Bools
) -> Floats:
    """Each pupil's probability of dropping out during their grade (0 outside grades 1–12).

    ``traits.age`` is the age in the year the grade ends (the new survey year).
    See the module docstring; the factors are documented in docs/synthetic-data.md.
    """
    schooling = [s.schooling for s in settings]
    mult = failure_multiplier(schooling, traits)
    yearly = [s.yearly for s in settings]
    m = traits.mountain.astype(np.int64)
    overage = np.clip(traits.age - 1 - (grade + 5), 0, MAX_OVERAGE)
    factor = (
        np.array([y.overage_risk for y in yearly])[m] ** overage
        * np.where(repeater, np.array([y.repeater_risk for y in yearly])[m], 1.0)
    )
    hazard = np.zeros(grade.size, np.float64)
    for name, grades, weights in LEVELS:
        at = np.isin(grade, grades)
        if not at.any():
            continue
        fail = np.minimum(_curve(schooling, name, traits)[at] * mult[at], FAIL_CAP)
        w = np.array(weights) / sum(weights)
        k = grade[at] - grades[0]
        before = np.r_[0.0, np.cumsum(w)][k]
        base = fail * w[k] / np.maximum(1.0 - fail * before, 1e-9)
        hazard[at] = base * factor[at] / factor[at].mean()
    result: Floats = np.minimum(hazard, FAIL_CAP)
    return result


def attendance(settings: Sequence[Schooling], traits: Traits, age: Ints) -> Floats:
    """The profile's preschool attendance at ``age`` (0–5), as the generator draws it."""
    m = traits.mountain.astype(np.int64)
    table = np.array(
        [(s.nursery, s.nursery, s.nursery, *s.kindergarten) for s in settings], np.float64
    )
    child = np.array([s.child_risk for s in settings], np.float64)[m, traits.risk]
    p = table[m, np.clip(age, 0, 5)]
    result: Floats = 1.0 - np.minimum((1.0 - p) * child, 1.0)
    return result


def _entry(settings: Sequence[Schooling], traits: Traits, mult: Floats) -> Floats:
    """Probability that a child of 6, 7 or 8 not yet in school enters grade 1 this year."""
    m = traits.mountain.astype(np.int64)
    child = np.array([s.child_risk for s in settings], np.float64)[m, traits.risk]
    late = np.array([s.late_entry for s in settings], np.float64)[m]
    late1 = np.minimum(late[:, 0] * child, 0.3)
    late2 = np.minimum(late[:, 1] * child, 0.3)
    never = np.minimum(_curve(settings, "never", traits) * mult, FAIL_CAP)
    attend = 1.0 - never
    at6 = attend * (1.0 - late1 - late2)
    at7 = attend * late1 / np.maximum(1.0 - at6, 1e-9)
    at8 = attend * late2 / np.maximum(1.0 - attend * (1.0 - late2), 1e-9)
    age = traits.age
    result: Floats = np.where(age == 6, at6, np.where(age == 7, at7, np.where(age == 8, at8, 0.0)))
    return result


def live(
    rng: np.random.Generator,
    before: Columns,
    traits: Traits,
    settings: Sequence[Setting],
    year: int,
) -> Columns:
    """The columns of survey year ``year`` for people who lived through school year
    (year−1)–year in the commune (not moved away, not deceased)."""
    schooling = [s.schooling for s in settings]
    n = traits.age.size
    age = traits.age
    after = replace(before, **{
        f: getattr(before, f).copy() for f in Columns.__dataclass_fields__
    })
    klass = before.klass
    base = np.where(klass >= 0, klass // 4, NONE)
    repeater = (klass >= 0) & (klass % 2 == 1)
    two = (klass >= 0) & ((klass // 2) % 2 == 1)
    cannot = traits.disability == DISABILITY_CANNOT_STUDY
    grade = grade_of(base)
    continuing = (base >= BT6) & (base < SC)
    new_base = np.full(n, NONE, np.int64)
    new_repeater = np.zeros(n, np.bool_)
    new_two = np.zeros(n, np.bool_)
    mult = failure_multiplier(schooling, traits)
    u = stratified(rng, traits.group)

    # General education: dropout, repetition or promotion.
    pupil = (grade > 0) & ~cannot
    hazard = dropout_hazard(settings, traits, grade, repeater)
    level = np.where(grade <= 5, 0, np.where(grade <= 9, 1, 2))
    rates = np.array([s.repeat for s in schooling], np.float64)[
        traits.mountain.astype(np.int64), level
    ]
    child = np.array([s.child_risk for s in schooling], np.float64)[
        traits.mountain.astype(np.int64), traits.risk
    ]
    repeat_p = np.where(repeater, 0.0, np.minimum(rates * child, MAX_REPEAT))
    drops = pupil & (u < hazard)
    repeats = pupil & ~drops & (u >= 1.0 - repeat_p)
    promoted = pupil & ~drops & ~repeats
    after.dropout_grade = np.where(drops, grade, after.dropout_grade)
    after.dropout_year = np.where(drops, year, after.dropout_year)
    after.highest_grade = np.where(drops, grade - 1, after.highest_grade)
    new_base = np.where(repeats, base, new_base)
    new_repeater |= repeats
    new_two |= repeats & two
    after.highest_grade = np.where(promoted, grade, after.highest_grade)
    moving_up = promoted & ~np.isin(grade, (5, 9, 12))
    new_base = np.where(moving_up, base + 1, new_base)
    new_two |= moving_up & two & (grade < 5)

    # The draws at the end of a level are stratified per commune and grade, like the
    # generator's, so that a commune's transition rates stay at their expected values
    # year after year instead of drifting by chance.
    u_next = rng.random(n)
    ending = np.flatnonzero(promoted & np.isin(grade, (5, 9, 12)))
    u_next[ending] = stratified(rng, (traits.group[ending] // 128) * 16 + grade[ending])
    primary_done = promoted & (grade == 5)
    after.primary_completed = np.where(
        primary_done & (after.primary_completed < 0), year, after.primary_completed
    )
    stop = np.minimum(_curve(schooling, "no_transition", traits) * mult, FAIL_CAP)
    to_six = primary_done & (u_next >= stop)
    new_base = np.where(to_six, np.where(continuing, BT6, GRADE1 + 5), new_base)

    # End of lower secondary: graduates, then streaming.
    thcs_done = promoted & (grade == 9)
    after.thcs_graduated = np.where(thcs_done, year, after.thcs_graduated)
    leave = np.minimum(_curve(schooling, "no_continuation", traits) * mult, FAIL_CAP)
    vocational = leave + (1.0 - leave) * _by_setting(schooling, "vocational", traits)
    gdtx = rng.random(n) < _by_setting(schooling, "continuing_education", traits)
    to_tc = thcs_done & (u_next >= leave) & (u_next < vocational)
    to_ten = thcs_done & (u_next >= vocational)
    new_base = np.where(to_tc, TC, new_base)
    new_base = np.where(to_ten, np.where(gdtx, BT6 + 4, GRADE1 + 9), new_base)

    # End of upper secondary: the diploma, then university or college.
    thpt_done = promoted & (grade == 12)
    passed = thpt_done & (rng.random(n) < _by_setting(schooling, "thpt_pass", traits))
    after.thpt_graduated = np.where(passed, year, after.thpt_graduated)
    university = _by_setting(schooling, "university", traits)
    college = university + _by_setting(schooling, "college", traits)
    new_base = np.where(passed & (u_next < university), DH, new_base)
    new_base = np.where(passed & (u_next >= university) & (u_next < college), CD, new_base)

    # Preschool by age; grade 1 at 6 (7, 8 for late entrants).
    young = (age <= 5) & ~cannot
    was_preschool = (base >= NT) & (base <= MG5)
    p_now = attendance(schooling, traits, age)
    p_before = attendance(schooling, traits, age - 1)
    keep = np.minimum(1.0, p_now / np.maximum(p_before, 1e-9))
    join = np.maximum(0.0, (p_now - p_before) / np.maximum(1.0 - p_before, 1e-9))
    attends = young & np.where(was_preschool, u < keep, u < join)
    new_base = np.where(attends, np.where(age <= 2, NT, MG3 + age - 3), new_base)
    after.preschool_completed = np.where(
        (base == MG5) & (age >= 6) & (after.preschool_completed < 0), year,
        after.preschool_completed,
    )
    not_started = (
        (grade < 0) & (before.highest_grade <= 0) & (before.dropout_grade < 0)
        & (before.primary_completed < 0) & ~cannot & (base < GRADE1)
    )
    enters = not_started & (u < _entry(schooling, traits, mult))
    new_base = np.where(enters, GRADE1, new_base)
    new_two |= enters & traits.two_sessions
    after.highest_grade = np.where((age >= 6) & (after.highest_grade < 0), 0, after.highest_grade)

    # Courses of fixed length.
    u_course = rng.random(n)

    def ends(start: Ints, length: int) -> Bools:
        # From the year the course started (THCS or THPT graduation); without it, evenly.
        done: Bools = np.where(start >= 0, year >= start + length, u_course < 1.0 / length)
        return done

    tc_done = (base == TC) & ends(before.thcs_graduated, 3)
    cd_done = (base == CD) & ends(before.thpt_graduated, 3)
    dh_done = (base == DH) & ends(before.thpt_graduated, 4)
    for done, code in ((tc_done, VOCATIONAL_INTERMEDIATE), (cd_done, VOCATIONAL_COLLEGE)):
        after.vocational_level = np.where(done, code, after.vocational_level)
        after.vocational_completed = np.where(done, year, after.vocational_completed)
    sc_done = (base == SC) & (after.vocational_level < 0)
    after.vocational_level = np.where(sc_done, VOCATIONAL_ELEMENTARY, after.vocational_level)
    after.vocational_completed = np.where(sc_done, year, after.vocational_completed)
    staying = np.isin(base, (TC, CD, DH)) & ~tc_done & ~cd_done & ~dh_done & ~cannot
    new_base = np.where(staying, base, new_base)
    adult = (age >= 18) & (age <= 45) & ~cannot & (new_base < 0) & (base != SC)
    starts_sc = adult & (rng.random(n) < CURRENT_ELEMENTARY_VOCATIONAL) & (
        after.vocational_level != VOCATIONAL_ELEMENTARY
    )
    new_base = np.where(starts_sc, SC, new_base)

    # Literacy programme and relapse, for adults out of school without primary.
    yearly = [s.yearly for s in settings]
    m = traits.mountain.astype(np.int64)
    low = (
        (age >= 15) & (new_base < 0) & ~cannot & (after.primary_completed < 0)
        & (after.thcs_graduated < 0) & (after.thpt_graduated < 0)
    )
    u_lit = rng.random(n)
    stage1 = low & (after.literacy_stage < 0) & (
        u_lit < np.array([y.literacy_course for y in yearly])[m]
    )
    stage2 = low & (after.literacy_stage == 1) & (
        u_lit < np.array([y.literacy_stage2_course for y in yearly])[m]
    )
    studied = stage1 | stage2
    after.literacy_stage = np.where(stage1, 1, np.where(stage2, 2, after.literacy_stage))
    after.literacy_year = np.where(studied, year, after.literacy_year)
    after.relapsed = np.where(studied, False, after.relapsed)
    could = low & ~studied & ~after.relapsed & (
        (after.literacy_stage > 0) | (after.highest_grade >= 1)
    )
    after.relapsed = after.relapsed | (
        could & (rng.random(n) < np.array([y.relapse for y in yearly])[m])
    )

    new_base = np.where(cannot, NONE, new_base)
    after.klass = np.where(
        new_base >= 0, new_base * 4 + new_two * 2 + new_repeater, NONE
    ).astype(np.int64)
    return after
