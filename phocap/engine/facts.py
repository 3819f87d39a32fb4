"""Person facts: the individual standards of docs/rules.md §2 as Ibis expressions.

Every fact is a boolean expression over one typed survey record (the columns of
phocap.survey.schema.SCHEMA), written once and compiled by Ibis for DuckDB,
SQLite, PostgreSQL or Spark. Nulls are folded to False explicitly so that every
backend counts the same people.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from phocap.survey import classes

PRIMARY_OR_ABOVE = (
    classes.PRIMARY,
    classes.LOWER_SECONDARY,
    classes.UPPER_SECONDARY,
    classes.CONTINUING_LOWER_SECONDARY,
    classes.CONTINUING_UPPER_SECONDARY,
    classes.VOCATIONAL_ELEMENTARY,
    classes.VOCATIONAL_INTERMEDIATE,
    classes.VOCATIONAL_COLLEGE,
    classes.UNIVERSITY,
)
LOWER_SECONDARY_ANY = (classes.LOWER_SECONDARY, classes.CONTINUING_LOWER_SECONDARY)
UPPER_SECONDARY_ANY = (classes.UPPER_SECONDARY, classes.CONTINUING_UPPER_SECONDARY)
VOCATIONAL = (
    classes.VOCATIONAL_ELEMENTARY,
    classes.VOCATIONAL_INTERMEDIATE,
    classes.VOCATIONAL_COLLEGE,
)
# Beyond lower secondary (ND20 Art 16): upper secondary, continuing-education upper
# secondary, vocational education; university students hold an upper-secondary
# diploma, so they count as having studied beyond it.
BEYOND_LOWER_SECONDARY = (*UPPER_SECONDARY_ANY, *VOCATIONAL, classes.UNIVERSITY)
# Qualifications that follow lower secondary: intermediate and college vocational
# diplomas, university and postgraduate degrees (survey "Trình độ nghề").
AFTER_LOWER_SECONDARY_QUALIFICATIONS = ("trung cấp", "cao đẳng", "đại học", "thạc sĩ", "tiến sĩ")
EXCLUDED_STATUS = ("chuyển đi", "chết")
CANNOT_STUDY = "không học được"

Fact = Callable[[ir.Table], ir.BooleanValue]


def _true(value: ir.BooleanValue) -> ir.BooleanValue:
    return value.fill_null(False)


def _by(column: ir.IntegerValue, table: ir.Table) -> ir.BooleanValue:
    """A completion year recorded and not after the survey year."""
    return _true(column.notnull() & (column <= table.survey_year))


def age(t: ir.Table) -> ir.IntegerValue:
    """Y − year of birth, whatever the day and month [practice] (docs/rules.md §1)."""
    return (t.survey_year - t.birth_year).cast("int32")


def resident(t: ir.Table) -> ir.BooleanValue:
    """In the commune on the reference date: not moved away, not deceased."""
    return ~_true(t.status.isin(EXCLUDED_STATUS))


def in_scope(t: ir.Table) -> ir.BooleanValue:
    """PPC: total − cannot study − moved away − deceased [practice: 2025 form guidance]."""
    return resident(t) & ~_true(t.disability == CANNOT_STUDY)


def enrolled(t: ir.Table) -> ir.BooleanValue:
    return t.class_level.notnull()


def disabled_can_study(t: ir.Table) -> ir.BooleanValue:
    """A resident with a disability who can study (the survey's "học được", the ministry's
    column AS): MN-01-TE row 7, MN-01-TC,ĐK column 16, and the other forms' "có khả năng
    học tập"."""
    return resident(t) & _true(t.disability == "học được")


def disabled_with_access(t: ir.Table) -> ir.BooleanValue:
    """Of them, those in a class (nursery group, kindergarten class or school): "được tiếp
    cận giáo dục", MN-01-TE row 8 and MN-01-TC,ĐK column 17."""
    return disabled_can_study(t) & enrolled(t)


def level_in(t: ir.Table, levels: tuple[str, ...]) -> ir.BooleanValue:
    return _true(t.class_level.isin(levels))


def attends_preschool(t: ir.Table) -> ir.BooleanValue:
    """In a kindergarten class, or already in primary or higher (ND20 Art 4)."""
    return level_in(t, (classes.KINDERGARTEN, *PRIMARY_OR_ABOVE))


def _in_kindergarten_from(t: ir.Table, grade: int) -> ir.BooleanValue:
    kindergarten = _true((t.class_level == classes.KINDERGARTEN) & (t.class_grade >= grade))
    return kindergarten | level_in(t, PRIMARY_OR_ABOVE)


def in_mg4_or_higher(t: ir.Table) -> ir.BooleanValue:
    return _in_kindergarten_from(t, 4)


def in_mg5_or_higher(t: ir.Table) -> ir.BooleanValue:
    return _in_kindergarten_from(t, 5)


def completed_preschool(t: ir.Table) -> ir.BooleanValue:
    return _by(t.preschool_completed, t)


def attends_early_education(t: ir.Table) -> ir.BooleanValue:
    """At a preschool in a nursery group or a kindergarten class, or already in primary or
    higher: MN-01-TE row 10, "Số trẻ đến trường (nhóm, lớp)", whose rate (row 13) ND277's
    attending criterion reads for ages 3–5 [practice: the 2025/2026 form]."""
    return level_in(t, (classes.NURSERY, classes.KINDERGARTEN, *PRIMARY_OR_ABOVE))


def two_sessions(t: ir.Table) -> ir.BooleanValue:
    """In a class taught two sessions a day (class code with "*"): MN-01-TE row 18, and
    the first condition of "completing the programme" in the form's footnote (ND277)."""
    return enrolled(t) & _true(t.class_two_sessions)


def completed_programme_for_age(t: ir.Table) -> ir.BooleanValue:
    """ND277's one completion rate over the programmes for ages 3, 4 and 5 (legal review
    D4), read on the survey record: a child aged a + 1 in Y finished the year for age a in
    the school year that ended. Aged 4 in MG4 or above (finished the programme for 3), aged
    5 in MG5 or above (for 4), aged 6 having completed preschool (for 5), as ND20 Art 6 is
    read for 5-year-olds [interpretation]. The forms' footnote (two sessions a day, at
    most 45 days absent) needs the attendance the engine does not read; MN-01-TE prints it
    (reports/figures.py, SCHOOL_SIDE)."""
    years = age(t)
    return (
        ((years == 4) & in_mg4_or_higher(t))
        | ((years == 5) & in_mg5_or_higher(t))
        | ((years == 6) & completed_preschool(t))
    )


def in_grade_1_or_higher(t: ir.Table) -> ir.BooleanValue:
    """In primary grade ≥ 1 or any higher level (ND20 Art 7)."""
    return level_in(t, PRIMARY_OR_ABOVE)


def lower_secondary_graduate(t: ir.Table) -> ir.BooleanValue:
    """THCS graduation year ≤ Y, or an upper-secondary diploma (ND20 Art 12)."""
    return _by(t.thcs_graduated, t) | _by(t.thpt_graduated, t)


def completed_primary(t: ir.Table) -> ir.BooleanValue:
    """Primary completion year ≤ Y, or any higher qualification (ND20 Art 7).

    Vocational qualifications count from intermediate level, which requires
    lower secondary, and so do university and postgraduate degrees; an
    elementary (sơ cấp) certificate does not.
    """
    higher_vocational = _by(t.vocational_completed, t) & _true(
        t.vocational_level.isin(AFTER_LOWER_SECONDARY_QUALIFICATIONS)
    )
    return _by(t.primary_completed, t) | lower_secondary_graduate(t) | higher_vocational


def completed_or_in_primary(t: ir.Table) -> ir.BooleanValue:
    """Completed primary, or in a primary class now (ND20 Art 10: every other 11-year-old)."""
    return completed_primary(t) | level_in(t, (classes.PRIMARY,))


def studying_beyond_lower_secondary(t: ir.Table) -> ir.BooleanValue:
    """Studying, or having studied, beyond THCS (ND20 Art 16) [practice]."""
    holds = _by(t.thpt_graduated, t) | _by(t.vocational_completed, t)
    return level_in(t, BEYOND_LOWER_SECONDARY) | holds


def _not_relapsed(t: ir.Table) -> ir.BooleanValue:
    return ~_true(t.relapsed)


def _not_relapsed_below_level_2(t: ir.Table) -> ir.BooleanValue:
    """A relapse at level 2 (the ministry's form, column AI = 2) loses level 2 only: the
    person still reads at level 1 [reading: docs/official-files.md, one source]."""
    return ~_true(t.relapsed & (t.relapse_level.isnull() | (t.relapse_level != 2)))


def literate_1(t: ir.Table) -> ir.BooleanValue:
    """Completed grade 3, or literacy stage 1, or anything higher; not relapsed (ND20 Art 19)."""
    beyond_grade_3 = (
        _true(t.highest_grade >= 3)
        | _true((t.class_level == classes.PRIMARY) & (t.class_grade >= 4))
        | level_in(t, PRIMARY_OR_ABOVE[1:])
    )
    return (
        (beyond_grade_3 | _true(t.literacy_stage >= 1) | completed_primary(t))
        & _not_relapsed_below_level_2(t)
    )


def literate_2(t: ir.Table) -> ir.BooleanValue:
    """Completed primary, or literacy stage 2; not relapsed (ND20 Art 19)."""
    return (completed_primary(t) | _true(t.literacy_stage >= 2)) & _not_relapsed(t)


FACTS: dict[str, Fact] = {
    "attends_preschool": attends_preschool,
    "attends_early_education": attends_early_education,
    "two_sessions": two_sessions,
    "completed_preschool": completed_preschool,
    "completed_programme_for_age": completed_programme_for_age,
    "in_mg4_or_higher": in_mg4_or_higher,
    "in_mg5_or_higher": in_mg5_or_higher,
    "in_grade_1_or_higher": in_grade_1_or_higher,
    "completed_primary": completed_primary,
    "completed_or_in_primary": completed_or_in_primary,
    "lower_secondary_graduate": lower_secondary_graduate,
    "studying_beyond_lower_secondary": studying_beyond_lower_secondary,
    "literate_1": literate_1,
    "literate_2": literate_2,
}

# Populations and enrolments for the indicators of docs/rules.md §7.
POPULATIONS: dict[str, Fact] = {
    "in_scope": in_scope,
    "resident": resident,
    "enrolled": lambda t: enrolled(t),
    "not_enrolled": lambda t: ~enrolled(t),
    "in_nursery": lambda t: level_in(t, (classes.NURSERY,)),
    "in_kindergarten": lambda t: level_in(t, (classes.KINDERGARTEN,)),
    "in_primary": lambda t: level_in(t, (classes.PRIMARY,)),
    "in_lower_secondary": lambda t: level_in(t, LOWER_SECONDARY_ANY),
    "in_upper_secondary": lambda t: level_in(t, UPPER_SECONDARY_ANY),
    "in_grade_6": lambda t: _true(t.class_level.isin(LOWER_SECONDARY_ANY) & (t.class_grade == 6)),
    "repeating_primary": lambda t: level_in(t, (classes.PRIMARY,)) & _true(t.class_repeater),
    "repeating_lower_secondary": lambda t: level_in(t, LOWER_SECONDARY_ANY)
    & _true(t.class_repeater),
    "upper_secondary_graduate": lambda t: _by(t.thpt_graduated, t),
    "disabled_can_study": lambda t: disabled_can_study(t),
    "disabled_can_study_enrolled": lambda t: disabled_with_access(t),
    "moved_in": lambda t: _true(t.status == "chuyển đến"),
    "moved_away": lambda t: _true(t.status == "chuyển đi"),
    "deceased": lambda t: _true(t.status == "chết"),
    "cannot_study": lambda t: resident(t) & _true(t.disability == CANNOT_STUDY),
    "everyone": lambda t: ibis.literal(True),
}


def fact(name: str) -> Fact:
    if name in FACTS:
        return FACTS[name]
    return POPULATIONS[name]
