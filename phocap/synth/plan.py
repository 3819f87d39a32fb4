"""The plan of a run: what each selected commune is like, before anyone is drawn.

A plan is small (one record per commune, about ten thousand for the nation) and
is made up front, so that schools, which serve several communes, and the
scaling of ``people=N`` can be decided before the population is streamed
commune by commune.

Each commune's own attributes (setting, ethnic composition, especially
difficult flag, natural size, villages) are drawn from a random stream seeded
by the run's seed and the commune's code alone, so a commune looks the same
whether it is generated alone or with its whole province.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from phocap import numbers
from phocap.survey import ethnicity
from phocap.survey.schema import is_two_level
from phocap.synth import names
from phocap.synth.draws import allocate
from phocap.synth.profiles import CommuneOverride, Profile, SettingName

MAX_COMMUNE_PEOPLE = 5_000_000
"""A commune is generated in one piece; beyond this its memory would not be bounded."""

PEOPLE_PER_UPPER_SECONDARY = 30_000
"""One upper-secondary school (THPT) per this many people of a district. synthetic."""

# School type codes inside a school code: nursery and kindergarten, primary, lower secondary,
# combined primary and lower secondary, upper secondary, continuing education centre.
PRESCHOOL, PRIMARY, LOWER, COMBINED, UPPER, CONTINUING = "MN", "TH", "CS", "LC", "PT", "GX"


@dataclass(frozen=True)
class Commune:
    """A commune to generate: the subset of an official unit the generator needs.

    ``district_code`` is blank for units of the 2025-07-01 list, which has no
    districts. ``kind`` is the Vietnamese kind ("Xã", "Phường", "Thị trấn", "Đặc
    khu"), which decides whether villages are thôn/bản or residential groups.
    """

    code: str
    name: str
    kind: str
    province_code: str
    district_code: str


@dataclass(frozen=True)
class Schools:
    """Codes of the schools a commune's pupils attend, by level."""

    preschool: tuple[str, ...]
    primary: tuple[str, ...]
    lower_secondary: tuple[str, ...]
    upper_secondary: str | None
    continuing: str | None


@dataclass(frozen=True)
class CommunePlan:
    """Everything decided about one commune before its people are drawn."""

    commune: Commune
    setting: SettingName
    especially_difficult: bool
    people: int
    groups: tuple[tuple[str, float], ...]
    """Ethnic composition (canonical names, shares summing to 1), largest first."""
    villages: tuple[str, ...]
    two_sessions: bool
    schools: Schools


@dataclass(frozen=True)
class _Drawn:
    setting: SettingName
    especially_difficult: bool
    natural_people: int
    groups: tuple[tuple[str, float], ...]
    two_sessions: bool
    rng: np.random.Generator
    """The commune's stream, left for the draws that depend on scaling (villages)."""


def commune_stream(seed: int, code: str) -> np.random.Generator:
    """A random stream that depends only on the seed and the commune."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, int(code)])))


def _composition(
    rng: np.random.Generator, profile: Profile, commune: Commune
) -> tuple[tuple[str, float], ...]:
    region = profile.region(commune.province_code)
    mean = region.minority_share
    share = 0.0
    if mean > 0:
        k = profile.concentration
        share = float(rng.beta(mean * k, (1 - mean) * k)) if mean < 1 else 1.0
    total = sum(w for _, w in region.groups)
    pick, dominant = rng.random() * total, len(region.groups) - 1
    for i, (_, w) in enumerate(region.groups):
        pick -= w
        if pick < 0:
            dominant = i
            break
    shares = {"Kinh": 1.0 - share}
    for i, (group, w) in enumerate(region.groups):
        mix = 0.3 * w / total + (0.7 if i == dominant else 0.0)
        shares[group] = shares.get(group, 0.0) + share * mix
    return tuple(sorted(((g, s) for g, s in shares.items() if s > 0), key=lambda gs: -gs[1]))


def _draw(profile: Profile, commune: Commune, seed: int) -> _Drawn:
    rng = commune_stream(seed, commune.code)
    override: CommuneOverride | None = profile.communes.get(commune.code)
    rural = commune.kind == "Xã"
    if override is not None:
        groups = tuple(sorted(override.groups, key=lambda gs: -gs[1]))
        setting: SettingName = "mountain"
        difficult = override.especially_difficult
        low, high = override.people
    else:
        groups = _composition(rng, profile, commune)
        minority = 1.0 - dict(groups).get("Kinh", 0.0)
        region = profile.region(commune.province_code)
        setting = "mountain" if rural and (region.mountain or minority >= 0.5) else "lowland"
        lowland_p, none_p, all_p = profile.especially_difficult
        p = lowland_p if setting == "lowland" else none_p + (all_p - none_p) * minority
        difficult = rural and bool(rng.random() < p)
        low, high = profile.setting(setting).people
    people = low + int(rng.random() * (high - low + 1))
    two_sessions = bool(rng.random() < profile.setting(setting).schooling.two_sessions)
    return _Drawn(setting, difficult, people, groups, two_sessions, rng)


def _villages(profile: Profile, commune: Commune, drawn: _Drawn, people: int) -> tuple[str, ...]:
    per_village = profile.setting(drawn.setting).people_per_village
    count = min(max(round(people / per_village), 3), 400)
    majority = names.STYLE_OF_GROUP.get(drawn.groups[0][0], "kinh")
    south = commune.province_code >= "70"
    return tuple(names.village_names(drawn.rng, count, commune.kind, majority, south))


def _schools(communes: Sequence[Commune], people: Sequence[int], two_level: bool) -> list[Schools]:
    """School codes, numbered by type within each district (province from 2025).

    A commune gets one preschool (two or three if large), one primary and one
    lower-secondary school, or one combined school when small; a district gets one
    upper-secondary school per 30,000 people, in its largest communes, and one
    continuing-education centre. Pupils of a commune without an upper-secondary
    school go to the one hosted by the nearest commune in code order (a proxy for
    distance). Codes: area prefix + type + number, e.g. "11100TH01". Numbers
    follow the selected communes, so they are stable for a whole district.
    """
    areas: dict[str, list[int]] = {}
    for i, c in enumerate(communes):
        if people[i] > 0:
            area = c.province_code + ("" if two_level else c.district_code)
            areas.setdefault(area, []).append(i)
    result = [Schools((), (), (), None, None) for _ in communes]
    width = 3 if two_level else 2
    for area, members in areas.items():
        counters: dict[str, int] = {}

        def code(kind: str, area: str = area, counters: dict[str, int] = counters) -> str:
            counters[kind] = counters.get(kind, 0) + 1
            return f"{area}{kind}{counters[kind]:0{width}d}"

        total = sum(people[i] for i in members)
        n_upper = max(1, round(total / PEOPLE_PER_UPPER_SECONDARY))
        hosts = sorted(sorted(range(len(members)), key=lambda r: -people[members[r]])[:n_upper])
        upper = {r: code(UPPER) for r in hosts}
        continuing = code(CONTINUING)
        for rank, i in enumerate(members):
            n = people[i]
            preschool = tuple(code(PRESCHOOL) for _ in range(1 + (n >= 8_500) + (n >= 15_000)))
            primary: tuple[str, ...]
            lower: tuple[str, ...]
            if n < 4_500:
                primary = lower = (code(COMBINED),)
            else:
                primary = tuple(code(PRIMARY) for _ in range(1 + (n >= 9_000)))
                lower = tuple(code(LOWER) for _ in range(1 + (n >= 16_000)))
            nearest = min(hosts, key=lambda h: (abs(h - rank), h))
            result[i] = Schools(preschool, primary, lower, upper[nearest], continuing)
    return result


def make_plan(
    communes: Sequence[Commune],
    profile: Profile,
    seed: int,
    year: int,
    people: int | None = None,
) -> list[CommunePlan]:
    """Plan every commune; ``people`` spreads that many people in proportion to natural sizes."""
    drawn = [_draw(profile, c, seed) for c in communes]
    natural = np.array([d.natural_people for d in drawn], np.float64)
    sizes = natural.astype(np.int64) if people is None else allocate(people, natural)
    if sizes.size and int(sizes.max()) > MAX_COMMUNE_PEOPLE:
        raise ValueError(
            f"Mỗi xã tối đa {numbers.integer(MAX_COMMUNE_PEOPLE)} người; hãy chọn nhiều xã hơn"
            " hoặc ít người hơn."
        )
    counts = [int(s) for s in sizes]
    schools = _schools(communes, counts, is_two_level(year))
    plans = []
    for c, d, n, s in zip(communes, drawn, counts, schools, strict=True):
        plans.append(
            CommunePlan(
                commune=c,
                setting=d.setting,
                especially_difficult=d.especially_difficult,
                people=n,
                groups=d.groups,
                villages=_villages(profile, c, d, n) if n > 0 else (),
                two_sessions=d.two_sessions,
                schools=s,
            )
        )
    return plans


def check_groups(plans: Sequence[CommunePlan]) -> None:
    """Fail early on an ethnic group name that is not canonical (a profile typo)."""
    for plan in plans:
        for group, _ in plan.groups:
            if group not in ethnicity.NAMES:
                raise ValueError(f"{plan.commune.code}: unknown ethnic group {group!r}")
