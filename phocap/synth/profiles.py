"""Parameters of the synthetic population, as data, each with its source.

Every number the generator uses lives here, not in the code that draws from it,
so that a reviewer can check each one against its source and a new profile is a
new value, not a code change. Each field carries a ``source`` in its metadata;
``docs/synthetic-data.md`` lists them all with the published figures they are
calibrated against and marks what is a synthetic assumption.

Kinds of source used below:

- **census**: 2019 Population and Housing Census (GSO): 96.2 million people,
  26.9 million households, 85.3% Kinh, literacy 15+ 95.8% (ethnic minorities
  80.9%), out-of-school rate 8.3%.
- **MICS**: Viet Nam MICS 2020–21 (GSO/UNICEF): net attendance primary 98.2%,
  lower secondary 93.0%, upper secondary 78.1%.
- **Điện Biên report**: the mobilisation figures reported for Huyện Điện Biên
  for school year 2021–2022 (nursery 51.6%, primary 6–10 99.9%, grade 6 at 11
  98.3%, lower secondary 11–14 98.1%).
- **synthetic**: an assumption chosen to give plausible data; documented as such
  and never to be quoted as a fact about Vietnam.

Ages in curves are ages in the survey year (Y − birth year). A curve gives the
value at its anchor ages and is linear between them and flat beyond them; the
youngest anchor, 18, is also the value for every child, i.e. the *eventual*
attainment of today's children.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Final, Literal

Curve = tuple[tuple[int, float], ...]
"""(age, value) anchors; linear between anchors, flat outside them."""

SettingName = Literal["lowland", "mountain"]

MAX_AGE: Final = 60
"""The register covers ages 0–60 (docs/rules.md §1)."""


def _source(text: str) -> dict[str, str]:
    """Field metadata saying where a parameter's value comes from."""
    return {"source": text}


def sources(cls: type) -> dict[str, str]:
    """Field name → source text of a parameter dataclass (for docs and tests)."""
    return {f.name: str(f.metadata.get("source", "")) for f in fields(cls)}


# --- ethnic groups ---------------------------------------------------------------------------

# Schooling risk classes: 0 groups whose attainment is close to the Kinh majority's, 1 groups
# with a clear gap, 2 groups with the largest gaps (lowest literacy and attendance in the 2019
# census and the 2019 survey of the 53 ethnic minorities; Mông is the largest of them). This
# three-way grouping is a synthetic simplification of those tables; only the ordering is
# sourced, the multipliers attached to the classes are calibrated below.
RISK_CLASSES: Final[Mapping[str, int]] = MappingProxyType(
    {
        **dict.fromkeys(
            ("Kinh", "Hoa", "Tày", "Mường", "Nùng", "Sán Dìu", "Ngái", "Sán Chay", "Thổ"), 0
        ),
        **dict.fromkeys(
            (
                "Mông", "Gia Rai", "Ba Na", "Xơ Đăng", "Hà Nhì", "La Hủ", "Mảng", "Lô Lô",
                "Brâu", "Rơ Măm", "Chứt", "La Ha",
            ),
            2,
        ),
    }
)
"""Class of each group; groups not listed are class 1."""


def risk_class(ethnicity: str) -> int:
    """Schooling risk class (0, 1, 2) of a canonical ethnic group name."""
    return RISK_CLASSES.get(ethnicity, 1)


# --- parameter sets --------------------------------------------------------------------------


@dataclass(frozen=True)
class Demography:
    """Who lives in a commune and how they form households."""

    pyramid: tuple[float, ...] = field(metadata=_source(
        "Shares of the 13 five-year bands 0–4 … 60–64 (any scale); ages are uniform within a"
        " band and the register keeps the first year of 60–64. National: 2019 census pyramid,"
        " approximate (read to about 0.3 points, constrained to the published totals 0–14 24.3%,"
        " 15–64 68.0%, 65+ 7.7%). Mountain: synthetic younger structure (higher fertility in"
        " the northern mountains and Central Highlands)."
    ))
    male_share: tuple[float, float, float] = field(metadata=_source(
        "Share of males at ages 0–14, 15–39, 40–60. census: sex ratio at birth 111.5 boys per"
        " 100 girls; 49.8% of the population male overall."
    ))
    married_women: Curve = field(metadata=_source(
        "Share of women living as a wife (married or widowed, heading a family) by age."
        " synthetic, shaped on the census mean age at first marriage (women about 23, men about"
        " 27, earlier among minorities)."
    ))
    married_men: Curve = field(metadata=_source(
        "Share of men living as a husband by age. synthetic, as above."
    ))
    mother_age: tuple[float, float, int, int] = field(metadata=_source(
        "Mother's age at a child's birth: mean, standard deviation, minimum, maximum."
        " synthetic, shaped on the census fertility schedule (peak 25–29)."
    ))
    husband_gap: tuple[float, float] = field(metadata=_source(
        "Husband's age minus wife's: mean and standard deviation. synthetic (census: men marry"
        " about 4 years later than women)."
    ))
    max_children: int = field(metadata=_source(
        "Most children (unmarried, up to 34) listed with one mother. synthetic; keeps small"
        " ethnic sub-populations from piling children on their few mothers."
    ))
    with_relatives: float = field(metadata=_source(
        "Share of people 35+ without a spouse or listed parent who live in a relative's"
        " household rather than alone. synthetic."
    ))
    patrilocal: float = field(metadata=_source(
        "Share of young couples (husband ≤ 35) living in the husband's parents' household."
        " synthetic; with the pyramid it sets the household size (census: 3.58 people per"
        " household, larger in the mountains)."
    ))
    temporary: float = field(metadata=_source("Share of temporary residents (tạm trú). synthetic."))
    moved_in: float = field(metadata=_source(
        "Share of households that moved in during the year (chuyển đến). synthetic."
    ))
    moved_away: float = field(metadata=_source(
        "Share of households that moved away during the year (chuyển đi). synthetic."
    ))
    deceased: float = field(metadata=_source(
        "Share of people aged 0–60 who died during the year (chết). synthetic, of the order"
        " of the census age-specific death rates below 60."
    ))
    disabled_can_study: float = field(metadata=_source(
        "Share with a disability who can study (học được). synthetic, below the 2016 national"
        " disability survey's 7.06% of people aged 2+ (most disabilities are mild)."
    ))
    disabled_cannot_study: float = field(metadata=_source(
        "Share with a disability that prevents study (không học được). synthetic."
    ))
    national_id: float = field(metadata=_source(
        "Share of people whose national ID number is recorded, from survey year 2022 on"
        " (ramping up from 0 in 2016). synthetic."
    ))
    year_only_birth: float = field(metadata=_source(
        "Share of adults aged 40+ whose birth date is known only as a year. synthetic."
    ))


@dataclass(frozen=True)
class Schooling:
    """How people of a kind of commune go through school, by cohort.

    Attainment is a chain of conditional failures (never attending; not completing
    primary; not entering grade 6; not graduating THCS; not continuing; not
    completing grade 12). Each failure probability is the curve's value times the
    person's risk multiplier (ethnic class and sex, especially difficult commune,
    disability), which moves linearly from its value at 18 to its value at 55.
    """

    nursery: float = field(metadata=_source("Share of ages 0–2 attending a nursery group (NT)."))
    kindergarten: tuple[float, float, float] = field(metadata=_source(
        "Share attending kindergarten (MG3, MG4, MG5) at ages 3, 4, 5."
    ))
    preschool_completed: float = field(metadata=_source(
        "Share of ages 6–14 recorded as having completed the preschool programme."
    ))
    late_entry: tuple[float, float] = field(metadata=_source(
        "Share entering grade 1 at age 7 and at age 8 instead of 6."
    ))
    repeat: tuple[float, float, float] = field(metadata=_source(
        "Probability of repeating each grade of primary, lower and upper secondary."
        " synthetic, of the order of MOET's published repetition rates (about 1% or less)."
    ))
    never: Curve = field(metadata=_source("Probability of never attending school, by cohort."))
    primary_fail: Curve = field(metadata=_source(
        "Probability of not completing primary, given attending."
    ))
    no_transition: Curve = field(metadata=_source(
        "Probability of not entering grade 6, given primary."
    ))
    thcs_fail: Curve = field(metadata=_source("Probability of not graduating THCS, given grade 6."))
    no_continuation: Curve = field(metadata=_source(
        "Probability of not continuing beyond THCS (grade 10, GDTX or vocational), given THCS."
    ))
    upper_fail: Curve = field(metadata=_source(
        "Probability of not completing grade 12, given grade 10."
    ))
    vocational: float = field(metadata=_source(
        "Share of those continuing after THCS who go to intermediate vocational school (TC)."
    ))
    continuing_education: float = field(metadata=_source(
        "Share of upper-secondary pupils in continuing education (GDTX, BT10–BT12)."
    ))
    thpt_pass: float = field(metadata=_source(
        "Share of grade-12 completers who obtain the diploma (national exam 2021: 98.6%)."
    ))
    university: float = field(metadata=_source(
        "Share of THPT graduates who go to university. synthetic."
    ))
    college: float = field(metadata=_source(
        "Share of THPT graduates who go to a college (CĐ). synthetic."
    ))
    elementary_vocational: float = field(metadata=_source(
        "Share of adults 18–60 holding an elementary vocational certificate (sơ cấp). synthetic."
    ))
    literacy_programme: float = field(metadata=_source(
        "Share of adults (15+) without primary who completed a literacy programme stage."
    ))
    literacy_stage2: float = field(metadata=_source(
        "Share of those whose completed stage is stage 2."
    ))
    relapse: float = field(metadata=_source(
        "Probability that a person with low schooling has relapsed into illiteracy (tái mù)."
    ))
    risk: tuple[tuple[tuple[float, float], tuple[float, float]], ...] = field(metadata=_source(
        "Failure multipliers by risk class (0, 1, 2) and sex (male, female), each at ages 18"
        " and 55. Calibrated to the census literacy gaps (15+: 95.8% overall, 80.9% among"
        " minorities; widest for older minority women)."
    ))
    especially_difficult_risk: tuple[float, float] = field(metadata=_source(
        "Failure multiplier in an especially difficult commune, at ages 18 and 55. synthetic."
    ))
    child_risk: tuple[float, float, float] = field(metadata=_source(
        "Multiplier by risk class on children's non-attendance of preschool, late entry and"
        " repetition. synthetic."
    ))
    disabled_risk: float = field(metadata=_source(
        "Failure multiplier for a person with a disability who can study. synthetic."
    ))
    two_sessions: float = field(metadata=_source(
        "Share of communes whose primary classes study two sessions a day (class code '*')."
        " synthetic."
    ))


@dataclass(frozen=True)
class Yearly:
    """What changes from one survey year to the next (phocap.synth.evolve).

    Year-to-year transitions that the stock parameters above do not already
    give. Dropout, repetition, transition and streaming rates are *not* here:
    they are derived from :class:`Schooling`'s cohort curves (at age 18, the
    eventual attainment of today's children), so an evolved year keeps the
    rates the profile was calibrated on. Deaths and moves are the
    :class:`Demography` shares, which are already per year.
    """

    overage_risk: float = field(metadata=_source(
        "Dropout hazard multiplier per year a pupil is older than the grade's age (grade + 5),"
        " up to three years. synthetic; the direction follows early-warning studies, in which"
        " over-age is among the strongest predictors of dropout."
    ))
    repeater_risk: float = field(metadata=_source(
        "Dropout hazard multiplier for a pupil repeating the grade this year (class code '!')."
        " synthetic; repetition precedes dropout in the same studies."
    ))
    fertility: tuple[float, ...] = field(metadata=_source(
        "Relative birth weights of women aged 15–19, 20–24, 25–29, 30–34, 35–39, 40–45 (who"
        " the mothers of a year's births are). synthetic, shaped on the census fertility"
        " schedule (peak 20–29, total fertility 2.09 in 2019). The number of births is the"
        " pyramid's age-0 share of the register, which keeps its base stable."
    ))
    literacy_course: float = field(metadata=_source(
        "Yearly probability that an adult (15+) without primary and without a literacy stage"
        " completes stage 1 of the literacy programme. synthetic."
    ))
    literacy_stage2_course: float = field(metadata=_source(
        "Yearly probability that an adult at stage 1 completes stage 2. synthetic."
    ))
    relapse: float = field(metadata=_source(
        "Yearly probability that a literate adult without primary relapses into illiteracy"
        " (tái mù). synthetic, small: the stock share in Schooling.relapse built up over decades."
    ))


_FERTILITY: Final = (0.25, 1.0, 0.95, 0.6, 0.25, 0.06)
YEARLY: Final = Yearly(
    overage_risk=1.5,
    repeater_risk=2.0,
    fertility=_FERTILITY,
    literacy_course=0.02,
    literacy_stage2_course=0.1,
    relapse=0.003,
)


@dataclass(frozen=True)
class Setting:
    """One kind of commune: its people, households and schooling."""

    demography: Demography
    schooling: Schooling
    people: tuple[int, int]
    """Range of a commune's register size (people aged 0–60) when not scaled."""
    people_per_village: int
    """Average people per village (thôn, bản, ấp). synthetic."""
    yearly: Yearly = YEARLY
    """Year-to-year transitions, for evolving a population (phocap.synth.evolve)."""


@dataclass(frozen=True)
class Region:
    """How the communes of a province are drawn.

    A commune's minority share is drawn from a Beta distribution with this mean
    and low concentration, so that most communes are either mostly Kinh or
    mostly minority, as in the census's commune tables. Its minorities come
    from ``groups``: one dominant group drawn by weight, plus the others.
    """

    minority_share: float
    groups: tuple[tuple[str, float], ...]
    mountain: bool = False
    """Rural communes of the province use the mountain setting."""


@dataclass(frozen=True)
class CommuneOverride:
    """Fixed attributes of one named commune (used by the demo)."""

    especially_difficult: bool
    groups: tuple[tuple[str, float], ...]
    """Full ethnic composition, Kinh included; shares sum to 1."""
    people: tuple[int, int]


@dataclass(frozen=True)
class Profile:
    """A named set of parameters: what kinds of communes a selection gets."""

    name: str
    description: str
    lowland: Setting
    mountain: Setting
    regions: Mapping[str, Region]
    """By province code; the key "" is every other province."""
    especially_difficult: tuple[float, float, float]
    """Probability that a commune is especially difficult: lowland commune, mountain commune
    with no minorities, mountain commune entirely minority (linear in between). synthetic; the
    real flag is the government's list for the year (docs/rules.md §3)."""
    default_year: int = 2024
    default_unit: str | None = None
    communes: Mapping[str, CommuneOverride] = field(default_factory=dict)
    concentration: float = 1.2
    """Beta concentration of communes' minority shares (lower: more segregated). synthetic."""

    def region(self, province_code: str) -> Region:
        """The region rules for a province."""
        return self.regions.get(province_code) or self.regions[""]

    def setting(self, name: SettingName) -> Setting:
        """The lowland or mountain setting."""
        return self.lowland if name == "lowland" else self.mountain


# --- values ----------------------------------------------------------------------------------

NATIONAL_PYRAMID: Final = (
    8.3, 8.7, 7.3, 6.85, 7.26, 8.39, 8.39, 7.77, 7.16, 6.75, 6.03, 5.22, 4.19,
)
MOUNTAIN_PYRAMID: Final = (10.6, 10.8, 9.8, 8.4, 7.9, 8.3, 8.1, 7.0, 6.0, 5.1, 4.3, 3.6, 2.8)

_LOWLAND_DEMOGRAPHY: Final = Demography(
    pyramid=NATIONAL_PYRAMID,
    male_share=(0.527, 0.505, 0.49),
    married_women=((17, 0.0), (18, 0.06), (20, 0.22), (22, 0.42), (25, 0.66), (30, 0.85),
                   (35, 0.9), (50, 0.9), (60, 0.84)),
    married_men=((19, 0.0), (20, 0.05), (23, 0.2), (25, 0.36), (27, 0.55), (30, 0.76),
                 (35, 0.88), (60, 0.9)),
    mother_age=(28.0, 5.0, 17, 45),
    husband_gap=(3.5, 3.0),
    max_children=5,
    with_relatives=0.5,
    patrilocal=0.15,
    temporary=0.03,
    moved_in=0.01,
    moved_away=0.008,
    deceased=0.002,
    disabled_can_study=0.012,
    disabled_cannot_study=0.004,
    national_id=0.92,
    year_only_birth=0.01,
)

_MOUNTAIN_DEMOGRAPHY: Final = Demography(
    pyramid=MOUNTAIN_PYRAMID,
    male_share=(0.522, 0.505, 0.495),
    married_women=((15, 0.0), (16, 0.06), (18, 0.3), (20, 0.55), (22, 0.72), (25, 0.86),
                   (30, 0.92), (50, 0.9), (60, 0.84)),
    married_men=((17, 0.0), (18, 0.08), (20, 0.3), (22, 0.5), (25, 0.76), (30, 0.9),
                 (60, 0.9)),
    mother_age=(25.0, 5.5, 16, 45),
    husband_gap=(2.5, 3.0),
    max_children=7,
    with_relatives=0.5,
    patrilocal=0.4,
    temporary=0.01,
    moved_in=0.006,
    moved_away=0.006,
    deceased=0.003,
    disabled_can_study=0.012,
    disabled_cannot_study=0.004,
    national_id=0.85,
    year_only_birth=0.02,
)

_AGES: Final = (18, 25, 35, 45, 55)


def _curve(*values: float) -> Curve:
    return tuple(zip(_AGES, values, strict=True))


# Class 0 men are the reference; women of older cohorts and minority classes fail more often.
_RISK: Final = (
    ((1.0, 1.0), (1.0, 1.6)),
    ((3.0, 5.0), (3.5, 9.0)),
    ((4.5, 7.0), (5.5, 14.0)),
)

_LOWLAND_SCHOOLING: Final = Schooling(
    nursery=0.30,
    kindergarten=(0.90, 0.95, 0.99),
    preschool_completed=0.98,
    late_entry=(0.012, 0.002),
    repeat=(0.004, 0.008, 0.005),
    never=_curve(0.002, 0.003, 0.005, 0.008, 0.015),
    primary_fail=_curve(0.006, 0.01, 0.02, 0.04, 0.07),
    no_transition=_curve(0.004, 0.015, 0.04, 0.08, 0.15),
    thcs_fail=_curve(0.05, 0.07, 0.12, 0.20, 0.30),
    no_continuation=_curve(0.1, 0.18, 0.3, 0.45, 0.55),
    upper_fail=_curve(0.06, 0.08, 0.10, 0.12, 0.15),
    vocational=0.12,
    continuing_education=0.08,
    thpt_pass=0.986,
    university=0.35,
    college=0.12,
    elementary_vocational=0.04,
    literacy_programme=0.15,
    literacy_stage2=0.6,
    relapse=0.1,
    risk=_RISK,
    especially_difficult_risk=(1.5, 1.5),
    child_risk=(1.0, 1.6, 2.5),
    disabled_risk=3.0,
    two_sessions=0.9,
)

_MOUNTAIN_SCHOOLING: Final = Schooling(
    nursery=0.30,
    kindergarten=(0.86, 0.93, 0.98),
    preschool_completed=0.95,
    late_entry=(0.01, 0.003),
    repeat=(0.005, 0.01, 0.006),
    never=_curve(0.002, 0.005, 0.012, 0.03, 0.06),
    primary_fail=_curve(0.004, 0.02, 0.04, 0.08, 0.15),
    no_transition=_curve(0.006, 0.03, 0.06, 0.12, 0.2),
    thcs_fail=_curve(0.04, 0.08, 0.15, 0.25, 0.35),
    no_continuation=_curve(0.13, 0.3, 0.45, 0.6, 0.7),
    upper_fail=_curve(0.08, 0.1, 0.12, 0.15, 0.2),
    vocational=0.15,
    continuing_education=0.1,
    thpt_pass=0.97,
    university=0.2,
    college=0.12,
    elementary_vocational=0.05,
    literacy_programme=0.3,
    literacy_stage2=0.65,
    relapse=0.12,
    risk=_RISK,
    especially_difficult_risk=(1.3, 1.5),
    child_risk=(1.0, 1.5, 2.2),
    disabled_risk=3.0,
    two_sessions=0.6,
)

LOWLAND: Final = Setting(_LOWLAND_DEMOGRAPHY, _LOWLAND_SCHOOLING, (8_000, 15_000), 900)
MOUNTAIN: Final = Setting(_MOUNTAIN_DEMOGRAPHY, _MOUNTAIN_SCHOOLING, (3_000, 9_000), 400)

# Ethnic composition of provinces (old codes; the 2025 provinces keep one old code each).
# Minority shares and main groups approximate the 2019 census provincial tables, rounded;
# provinces not listed have almost no minorities (the "" entry).
_NORTH_MOUNTAINS: Final = {
    "02": Region(0.87, (("Mông", 0.36), ("Tày", 0.26), ("Dao", 0.17), ("Nùng", 0.11),
                        ("Giáy", 0.03), ("La Chí", 0.03), ("Lô Lô", 0.02), ("Pà Thẻn", 0.02)),
                 True),
    "04": Region(0.95, (("Tày", 0.43), ("Nùng", 0.33), ("Mông", 0.12), ("Dao", 0.11),
                        ("Sán Chay", 0.01)), True),
    "06": Region(0.88, (("Tày", 0.61), ("Dao", 0.2), ("Nùng", 0.11), ("Mông", 0.07),
                        ("Sán Chay", 0.01)), True),
    "08": Region(0.53, (("Tày", 0.46), ("Dao", 0.23), ("Sán Chay", 0.15), ("Mông", 0.06),
                        ("Sán Dìu", 0.05), ("Nùng", 0.05)), True),
    "10": Region(0.65, (("Mông", 0.37), ("Tày", 0.24), ("Dao", 0.21), ("Giáy", 0.07),
                        ("Nùng", 0.06), ("Hà Nhì", 0.03), ("Phù Lá", 0.02)), True),
    "11": Region(0.82, (("Thái", 0.46), ("Mông", 0.43), ("Khơ Mú", 0.05), ("Hà Nhì", 0.02),
                        ("Dao", 0.02), ("Lào", 0.02)), True),
    "12": Region(0.85, (("Mông", 0.4), ("Thái", 0.36), ("Dao", 0.15), ("Hà Nhì", 0.05),
                        ("Giáy", 0.03), ("La Hủ", 0.01)), True),
    "14": Region(0.83, (("Thái", 0.65), ("Mông", 0.22), ("Mường", 0.1), ("Khơ Mú", 0.02),
                        ("Dao", 0.01)), True),
    "15": Region(0.56, (("Tày", 0.35), ("Dao", 0.22), ("Mông", 0.21), ("Thái", 0.1),
                        ("Mường", 0.07), ("Giáy", 0.05)), True),
    "17": Region(0.73, (("Mường", 0.87), ("Thái", 0.05), ("Tày", 0.04), ("Dao", 0.03),
                        ("Mông", 0.01)), True),
    "20": Region(0.83, (("Nùng", 0.52), ("Tày", 0.42), ("Dao", 0.05), ("Hoa", 0.01)), True),
}
_MIDLANDS_AND_COAST: Final = {
    "19": Region(0.27, (("Tày", 0.4), ("Nùng", 0.2), ("Sán Dìu", 0.15), ("Sán Chay", 0.1),
                        ("Dao", 0.1), ("Hoa", 0.05))),
    "22": Region(0.12, (("Dao", 0.4), ("Tày", 0.3), ("Sán Dìu", 0.15), ("Sán Chay", 0.1),
                        ("Hoa", 0.05))),
    "24": Region(0.13, (("Nùng", 0.35), ("Tày", 0.3), ("Sán Chay", 0.15), ("Sán Dìu", 0.15),
                        ("Hoa", 0.05))),
    "25": Region(0.16, (("Mường", 0.9), ("Dao", 0.1))),
    "38": Region(0.16, (("Mường", 0.6), ("Thái", 0.35), ("Mông", 0.03), ("Dao", 0.02))),
    "40": Region(0.15, (("Thái", 0.76), ("Khơ Mú", 0.12), ("Mông", 0.12))),
    "44": Region(0.02, (("Bru Vân Kiều", 0.8), ("Chứt", 0.2))),
    "45": Region(0.12, (("Bru Vân Kiều", 0.7), ("Tà Ôi", 0.3))),
    "46": Region(0.04, (("Tà Ôi", 0.6), ("Cơ Tu", 0.3), ("Bru Vân Kiều", 0.1))),
    "49": Region(0.10, (("Cơ Tu", 0.5), ("Xơ Đăng", 0.3), ("Gié Triêng", 0.15), ("Co", 0.05))),
    "51": Region(0.12, (("Hrê", 0.85), ("Co", 0.1), ("Xơ Đăng", 0.05))),
    "52": Region(0.02, (("Ba Na", 0.6), ("Hrê", 0.2), ("Chăm", 0.2))),
    "54": Region(0.05, (("Ê Đê", 0.5), ("Chăm", 0.4), ("Ba Na", 0.1))),
    "56": Region(0.04, (("Ra Glai", 0.8), ("Cơ Ho", 0.1), ("Ê Đê", 0.1))),
    "58": Region(0.23, (("Chăm", 0.55), ("Ra Glai", 0.45))),
    "60": Region(0.04, (("Chăm", 0.5), ("Ra Glai", 0.3), ("Hoa", 0.2))),
}
_CENTRAL_HIGHLANDS: Final = {
    "62": Region(0.53, (("Xơ Đăng", 0.6), ("Ba Na", 0.22), ("Gié Triêng", 0.1),
                        ("Gia Rai", 0.05), ("Brâu", 0.02), ("Rơ Măm", 0.01)), True),
    "64": Region(0.46, (("Gia Rai", 0.72), ("Ba Na", 0.25), ("Xơ Đăng", 0.03)), True),
    "66": Region(0.31, (("Ê Đê", 0.6), ("Nùng", 0.1), ("Tày", 0.1), ("Mnông", 0.1),
                        ("Mông", 0.05), ("Gia Rai", 0.05)), True),
    "67": Region(0.31, (("Mnông", 0.4), ("Nùng", 0.2), ("Tày", 0.15), ("Mông", 0.15),
                        ("Ê Đê", 0.1)), True),
    "68": Region(0.24, (("Cơ Ho", 0.6), ("Mạ", 0.1), ("Chu Ru", 0.1), ("Tày", 0.1),
                        ("Nùng", 0.1)), True),
}
_SOUTH: Final = {
    "70": Region(0.18, (("Xtiêng", 0.5), ("Nùng", 0.15), ("Tày", 0.15), ("Khmer", 0.15),
                        ("Mnông", 0.05))),
    "75": Region(0.06, (("Hoa", 0.6), ("Nùng", 0.15), ("Tày", 0.1), ("Chơ Ro", 0.1),
                        ("Khmer", 0.05))),
    "79": Region(0.05, (("Hoa", 0.9), ("Khmer", 0.06), ("Chăm", 0.04))),
    "84": Region(0.32, (("Khmer", 0.99), ("Hoa", 0.01))),
    "86": Region(0.03, (("Khmer", 0.9), ("Hoa", 0.1))),
    "89": Region(0.05, (("Khmer", 0.83), ("Chăm", 0.12), ("Hoa", 0.05))),
    "91": Region(0.13, (("Khmer", 0.87), ("Hoa", 0.13))),
    "92": Region(0.03, (("Khmer", 0.7), ("Hoa", 0.3))),
    "93": Region(0.03, (("Khmer", 0.9), ("Hoa", 0.1))),
    "94": Region(0.35, (("Khmer", 0.87), ("Hoa", 0.13))),
    "95": Region(0.09, (("Khmer", 0.8), ("Hoa", 0.2))),
    "96": Region(0.03, (("Khmer", 0.8), ("Hoa", 0.2))),
}
_ELSEWHERE: Final = Region(0.01, (("Mường", 0.35), ("Tày", 0.25), ("Hoa", 0.25), ("Nùng", 0.15)))

NATIONAL_REGIONS: Final[Mapping[str, Region]] = MappingProxyType(
    {**_NORTH_MOUNTAINS, **_MIDLANDS_AND_COAST, **_CENTRAL_HIGHLANDS, **_SOUTH, "": _ELSEWHERE}
)

# --- the Điện Biên demo ------------------------------------------------------------------------

# Children's rates are set to the reported mobilisation of Huyện Điện Biên for 2021–2022 and
# are the same for every ethnic group, so that the district's rates land on the report; adults
# keep the ethnic and sex gaps. Especially difficult communes multiply children's dropout and
# non-continuation by 3, which the report's district averages absorb.
_DEMO_SCHOOLING: Final = Schooling(
    nursery=0.516,
    kindergarten=(0.96, 0.98, 0.995),
    preschool_completed=0.99,
    late_entry=(0.0, 0.0),
    repeat=(0.0034, 0.004, 0.004),
    never=_curve(0.0, 0.004, 0.01, 0.025, 0.05),
    primary_fail=_curve(0.0, 0.012, 0.03, 0.06, 0.12),
    no_transition=_curve(0.0, 0.02, 0.05, 0.1, 0.18),
    thcs_fail=_curve(0.018, 0.06, 0.13, 0.22, 0.32),
    no_continuation=_curve(0.055, 0.25, 0.4, 0.55, 0.65),
    upper_fail=_curve(0.04, 0.08, 0.12, 0.15, 0.2),
    vocational=0.15,
    continuing_education=0.1,
    thpt_pass=0.986,
    university=0.2,
    college=0.12,
    elementary_vocational=0.05,
    literacy_programme=0.8,
    literacy_stage2=0.85,
    relapse=0.04,
    risk=(
        ((1.0, 1.0), (1.0, 1.3)),
        ((1.0, 1.8), (1.0, 2.8)),
        ((1.0, 2.6), (1.0, 4.5)),
    ),
    especially_difficult_risk=(3.0, 1.4),
    child_risk=(1.0, 1.0, 1.0),
    disabled_risk=1.0,
    two_sessions=0.7,
)

_DEMO_DEMOGRAPHY: Final = Demography(
    pyramid=MOUNTAIN_PYRAMID,
    male_share=_MOUNTAIN_DEMOGRAPHY.male_share,
    married_women=_MOUNTAIN_DEMOGRAPHY.married_women,
    married_men=_MOUNTAIN_DEMOGRAPHY.married_men,
    mother_age=_MOUNTAIN_DEMOGRAPHY.mother_age,
    husband_gap=_MOUNTAIN_DEMOGRAPHY.husband_gap,
    max_children=7,
    with_relatives=0.5,
    patrilocal=0.35,
    temporary=0.01,
    moved_in=0.006,
    moved_away=0.005,
    deceased=0.003,
    disabled_can_study=0.01,
    disabled_cannot_study=0.003,
    national_id=0.85,
    year_only_birth=0.01,
)

# The demo district ran large literacy campaigns (Schooling.literacy_programme 80%): its courses
# go on, at a pace that keeps the stock of stages. synthetic.
_DEMO_YEARLY: Final = Yearly(
    overage_risk=1.5,
    repeater_risk=2.0,
    fertility=_FERTILITY,
    literacy_course=0.08,
    literacy_stage2_course=0.2,
    relapse=0.002,
)

_DEMO_SETTING: Final = Setting(
    _DEMO_DEMOGRAPHY, _DEMO_SCHOOLING, (3_000, 8_000), 380, _DEMO_YEARLY
)


def _demo(difficult: bool, *groups: tuple[str, float]) -> CommuneOverride:
    people = (3_000, 8_000) if difficult else (6_000, 10_000)
    return CommuneOverride(difficult, groups, people)


# The 21 communes of Huyện Điện Biên (province 11, district 100). Compositions and flags are
# synthetic: valley communes of the Mường Thanh plain are Kinh and Thái and not especially
# difficult; the hill and border communes are Thái, Mông, Khơ Mú and Lào, and especially
# difficult, as most communes of a mountain district are.
DIEN_BIEN_COMMUNES: Final[Mapping[str, CommuneOverride]] = MappingProxyType(
    {
        "03319": _demo(True, ("Thái", 0.55), ("Mông", 0.3), ("Khơ Mú", 0.05), ("Kinh", 0.1)),
        "03322": _demo(False, ("Thái", 0.55), ("Kinh", 0.4), ("Mông", 0.05)),
        "03323": _demo(True, ("Mông", 0.6), ("Thái", 0.35), ("Kinh", 0.05)),
        "03328": _demo(True, ("Thái", 0.65), ("Kinh", 0.35)),
        "03331": _demo(False, ("Thái", 0.5), ("Kinh", 0.5)),
        "03334": _demo(False, ("Kinh", 0.65), ("Thái", 0.35)),
        "03337": _demo(False, ("Kinh", 0.5), ("Thái", 0.45), ("Lào", 0.05)),
        "03340": _demo(True, ("Thái", 0.55), ("Lào", 0.25), ("Khơ Mú", 0.15), ("Kinh", 0.05)),
        "03343": _demo(False, ("Kinh", 0.6), ("Thái", 0.4)),
        "03346": _demo(False, ("Kinh", 0.55), ("Thái", 0.45)),
        "03349": _demo(True, ("Thái", 0.8), ("Kinh", 0.15), ("Mông", 0.05)),
        "03352": _demo(True, ("Thái", 0.65), ("Kinh", 0.35)),
        "03355": _demo(True, ("Thái", 0.75), ("Kinh", 0.2), ("Mông", 0.05)),
        "03356": _demo(True, ("Thái", 0.7), ("Kinh", 0.25), ("Khơ Mú", 0.05)),
        "03358": _demo(True, ("Thái", 0.7), ("Mông", 0.2), ("Kinh", 0.1)),
        "03359": _demo(True, ("Thái", 0.5), ("Mông", 0.3), ("Khơ Mú", 0.15), ("Kinh", 0.05)),
        "03361": _demo(True, ("Mông", 0.6), ("Thái", 0.3), ("Lào", 0.1)),
        "03364": _demo(True, ("Thái", 0.6), ("Mông", 0.3), ("Lào", 0.05), ("Kinh", 0.05)),
        "03365": _demo(True, ("Thái", 0.6), ("Mông", 0.35), ("Kinh", 0.05)),
        "03367": _demo(True, ("Thái", 0.5), ("Khơ Mú", 0.3), ("Mông", 0.15), ("Kinh", 0.05)),
        "03368": _demo(True, ("Mông", 0.55), ("Thái", 0.4), ("Kinh", 0.05)),
    }
)

PROFILES: Final[Mapping[str, Profile]] = MappingProxyType(
    {
        "lowland": Profile(
            name="lowland",
            description="Đồng bằng: người Kinh là chủ yếu, ít xã đặc biệt khó khăn.",
            lowland=LOWLAND,
            mountain=MOUNTAIN,
            regions={"": Region(0.02, (("Mường", 0.4), ("Tày", 0.2), ("Hoa", 0.2),
                                       ("Nùng", 0.2)))},
            especially_difficult=(0.03, 0.03, 0.03),
        ),
        "mountainous": Profile(
            name="mountainous",
            description="Miền núi: người Mông, Thái là chủ yếu, phần lớn xã đặc biệt khó khăn.",
            lowland=LOWLAND,
            mountain=MOUNTAIN,
            regions={"": Region(0.85, (("Mông", 0.4), ("Thái", 0.35), ("Dao", 0.1),
                                       ("Tày", 0.08), ("Khơ Mú", 0.04), ("Hà Nhì", 0.03)),
                                True)},
            especially_difficult=(0.1, 0.5, 0.9),
        ),
        "national": Profile(
            name="national",
            description="Cả nước: mỗi tỉnh theo thành phần dân tộc và địa bàn của tỉnh.",
            lowland=LOWLAND,
            mountain=MOUNTAIN,
            regions=NATIONAL_REGIONS,
            especially_difficult=(0.01, 0.25, 0.85),
        ),
        "dien-bien-2021": Profile(
            name="dien-bien-2021",
            description="Minh họa: huyện Điện Biên (tỉnh Điện Biên), năm học 2021–2022.",
            lowland=_DEMO_SETTING,
            mountain=_DEMO_SETTING,
            regions={"": _NORTH_MOUNTAINS["11"]},
            especially_difficult=(0.3, 0.6, 0.9),
            default_year=2021,
            default_unit="100",
            communes=DIEN_BIEN_COMMUNES,
        ),
    }
)


def get_profile(name: str) -> Profile:
    """The profile of that name; ValueError (in Vietnamese) for an unknown one."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"Không có hồ sơ dân số “{name}”: chọn một trong {known}.") from None
