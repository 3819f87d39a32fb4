"""The official administrative units, by vintage, read from the package data.

Vietnam reorganised its units on 1 July 2025: the district level disappeared,
63 provinces became 34 and about ten thousand communes became 3,321. Survey
records keep the codes of the list in force on their reference date (30
September of the survey year), and the new list reuses old 5-digit codes for
different territory (02809 was the town of Si Ma Cai; from July 2025 it is a
commune made of five old ones). A code therefore means nothing without its
vintage, so every look-up here goes through a :class:`Registry` for one
:class:`Vintage`, and crossing the reform goes through the conversion links,
which are many-to-many (an old commune may be split, a new one merged).

The data are the CSV files in ``phocap/units/data`` written by
:mod:`phocap.units.build`; they ship with the package so that nothing outside it
is needed at run time. They are read with the stdlib ``csv`` module, lazily and
once per process, which takes a few tens of milliseconds.

Names are stored normalised (:func:`phocap.survey.text.normalize`), so "Hoà"
and "Hòa" are one spelling. Name matching is exact first; the accent-folded
match is only a fallback, and every match reports all candidates, because
folded names collide ("Văn Lang" and "Văn Lăng" in one province) and even exact
names repeat ("Tân Thành" is a commune in many provinces). Nothing here picks
one candidate for the caller.

Especially-difficult status is deliberately absent: it is decided per commune
per year and supplied with the survey, not part of these lists.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Final, Literal

from phocap.survey.text import fold, normalize

UnitType = Literal["province", "district", "commune"]
"""The three levels. The 2025-07-01 vintage has no districts."""

Note = Literal["whole", "part", "unchanged"]
"""How an old commune went into a new one: all of it, part of it, or as it was."""

MatchMethod = Literal["exact", "folded"]

UNIT_TYPES: Final[tuple[UnitType, ...]] = ("province", "district", "commune")
NOTES: Final[tuple[Note, ...]] = ("whole", "part", "unchanged")

# Codes are fixed-width digit strings; spreadsheets often drop the leading
# zeros, which is why get() pads when the caller says which level is meant.
CODE_WIDTHS: Final[dict[UnitType, int]] = {"province": 2, "district": 3, "commune": 5}

# The Vietnamese unit kinds each level may have, longest first wherever one is
# a prefix of another spelling. Every official name begins with its kind.
KINDS_BY_TYPE: Final[dict[UnitType, tuple[str, ...]]] = {
    "province": ("Thành phố", "Tỉnh"),
    "district": ("Thành phố", "Thị xã", "Huyện", "Quận"),
    "commune": ("Thị trấn", "Đặc khu", "Phường", "Xã"),
}
ALL_KINDS: Final[tuple[str, ...]] = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
)

UNIT_COLUMNS: Final[tuple[str, ...]] = (
    "code",
    "name",
    "type",
    "kind",
    "parent_code",
    "province_code",
    "district_code",
)
CONVERSION_COLUMNS: Final[tuple[str, ...]] = (
    "old_commune_code",
    "new_commune_code",
    "note",
    "old_district_code",
    "old_province_code",
    "new_province_code",
    "old_name",
    "detail",
    "source_old_code",
)
CONVERSION_FILE: Final = "conversion-2025-07-01.csv"
_DATA_PACKAGE: Final = "phocap.units"


class Vintage(StrEnum):
    """One official list of units, named by the date of the list.

    ``V2025_01_04`` is the list in force before 1 July 2025 (provinces,
    districts, communes); ``V2025_07_01`` is the list from 1 July 2025
    (provinces and communes only).
    """

    V2025_01_04 = "2025-01-04"
    V2025_07_01 = "2025-07-01"

    @property
    def has_districts(self) -> bool:
        """Whether units of this vintage have a district level."""
        return self is Vintage.V2025_01_04

    @property
    def units_file(self) -> str:
        """Name of the package data file holding this vintage."""
        return f"units-{self.value}.csv"


def vintage_for_year(survey_year: int) -> Vintage:
    """The vintage in force on the survey's reference date, 30 September.

    The reform took effect on 1 July 2025, so the 2025 survey already uses the
    new list. Every earlier year maps to the 2025-01-04 list, the only
    pre-reform list carried; codes of units dissolved before 2025 are not in it.
    """
    return Vintage.V2025_01_04 if survey_year <= 2024 else Vintage.V2025_07_01


@dataclass(frozen=True, slots=True)
class Unit:
    """One province, district or commune of one vintage.

    ``province_code`` and ``district_code`` give the unit's ancestors so that
    containment needs no walk up the tree; a province carries its own code as
    ``province_code`` and a district its own code as ``district_code``.
    ``district_code`` is blank for provinces and for every unit of the
    2025-07-01 vintage. ``kind`` is the Vietnamese kind ("Xã", "Phường",
    "Thị trấn", "Đặc khu", "Huyện", "Quận", "Thị xã", "Thành phố", "Tỉnh"),
    which is also the first word(s) of ``name``.
    """

    code: str
    name: str
    type: UnitType
    kind: str
    parent_code: str
    province_code: str
    district_code: str

    @property
    def bare_name(self) -> str:
        """The name without its kind: "Mường Pồn" for "Xã Mường Pồn"."""
        return self.name[len(self.kind) + 1 :]


@dataclass(frozen=True, slots=True)
class NameMatch:
    """The outcome of a name look-up, with every candidate.

    ``method`` is "exact" when the normalised name matched (letter case
    aside), "folded" when only the accent-insensitive fallback matched, and
    None when nothing matched. More than one candidate means the name is
    ambiguous; the caller must decide (usually by code or by narrowing
    ``within``), never this module.
    """

    query: str
    method: MatchMethod | None
    candidates: tuple[Unit, ...]

    @property
    def found(self) -> bool:
        """Whether there is at least one candidate."""
        return bool(self.candidates)

    @property
    def exact(self) -> bool:
        """Whether the candidates matched without folding accents."""
        return self.method == "exact"

    @property
    def ambiguous(self) -> bool:
        """Whether more than one unit bears the name."""
        return len(self.candidates) > 1

    @property
    def unit(self) -> Unit | None:
        """The single candidate, or None when there are none or several."""
        return self.candidates[0] if len(self.candidates) == 1 else None


@dataclass(frozen=True, slots=True)
class ConversionLink:
    """One row of the official conversion table to the 2025-07-01 units.

    ``old_commune_code`` is a code of the 2025-01-04 list, except that it is
    blank where the source of the new commune is a whole island district
    without communes (``old_district_code`` says which) or an unnumbered area,
    and that three rows name wards of Mộc Châu created between the two lists
    (codes 03980, 03983, 03984), which the 2025-01-04 list does not have.
    ``old_name`` is the old name as the table prints it. ``detail`` keeps the
    table's note verbatim when it says more than ``note`` (for instance
    "Nhập một phần diện tích, toàn bộ dân số" or "Đổi tên"). ``source_old_code``
    is the code the table printed when it was a misprint repaired by name
    within the old district (see :mod:`phocap.units.build`); blank otherwise.
    ``old_province_code`` comes from the 2025-01-04 list, not from the table,
    which misprints it in three rows.
    """

    old_commune_code: str
    new_commune_code: str
    note: Note
    old_district_code: str
    old_province_code: str
    new_province_code: str
    old_name: str
    detail: str
    source_old_code: str


def _type_rank(unit_type: str) -> int:
    return UNIT_TYPES.index(unit_type)


def _clean_code(code: str, unit_type: UnitType | None) -> str:
    """Strip blanks and, when the level is known, restore dropped leading zeros."""
    cleaned = code.strip()
    if unit_type is not None and cleaned.isdigit() and len(cleaned) < CODE_WIDTHS[unit_type]:
        return cleaned.zfill(CODE_WIDTHS[unit_type])
    return cleaned


def _check_type(unit_type: str | None) -> UnitType | None:
    if unit_type is None:
        return None
    for known in UNIT_TYPES:
        if unit_type == known:
            return known
    raise ValueError(f"unknown unit type {unit_type!r}; expected one of {UNIT_TYPES}")


def _split_kind(name: str, *, folded: bool = False) -> list[tuple[str, str]]:
    """Every way to read ``name`` as "<kind> <bare name>", kind casefolded.

    A name may begin with a word that is also a kind ("Phường Đúc" is the name
    of a ward in Huế, officially "Phường Phường Đúc"), so all readings are
    returned and the caller tries each. With ``folded`` the name must already
    be folded and the kinds are compared folded.
    """
    readings: list[tuple[str, str]] = []
    for kind in ALL_KINDS:
        key = fold(kind) if folded else kind.casefold()
        if name.startswith(key + " "):
            readings.append((key, name[len(key) + 1 :]))
    return readings


class Registry:
    """All units of one vintage, indexed by code, parent and name.

    Obtain instances with :func:`registry` or :func:`registry_for_year`, which
    load each vintage once per process.
    """

    def __init__(self, vintage: Vintage, units: list[Unit]) -> None:
        self.vintage = vintage
        self._units = tuple(sorted(units, key=lambda u: (_type_rank(u.type), u.code)))
        self._by_code: dict[str, Unit] = {}
        self._children: dict[str, list[Unit]] = {}
        self._under: dict[str, list[Unit]] = {}
        for unit in self._units:
            if unit.code in self._by_code:
                raise ValueError(f"{vintage}: duplicate unit code {unit.code}")
            if not unit.name.startswith(unit.kind + " "):
                raise ValueError(f"{vintage}: {unit.code} name {unit.name!r} lacks its kind")
            self._by_code[unit.code] = unit
        for unit in self._units:
            if unit.parent_code:
                if unit.parent_code not in self._by_code:
                    raise ValueError(f"{vintage}: {unit.code} has unknown parent")
                self._children.setdefault(unit.parent_code, []).append(unit)
            if unit.type == "commune":
                self._under.setdefault(unit.province_code, []).append(unit)
                if unit.district_code:
                    self._under.setdefault(unit.district_code, []).append(unit)
        self._by_type = {t: tuple(u for u in self._units if u.type == t) for t in UNIT_TYPES}

    def __repr__(self) -> str:
        return f"Registry({self.vintage.value!r}, {len(self._units)} units)"

    def __len__(self) -> int:
        return len(self._units)

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def get(self, code: str, type: UnitType | None = None) -> Unit | None:
        """The unit with this code, or None.

        With ``type`` the unit must be of that level, and a code that lost its
        leading zeros in a spreadsheet ("2809" for commune 02809) is padded.
        Without it the code must be exact; codes of the three levels have
        different widths, so they never collide within a vintage.
        """
        unit_type = _check_type(type)
        unit = self._by_code.get(_clean_code(code, unit_type))
        if unit is None or (unit_type is not None and unit.type != unit_type):
            return None
        return unit

    def _require(self, code: str) -> Unit:
        unit = self._by_code.get(code.strip())
        if unit is None:
            raise KeyError(f"no unit {code!r} in the {self.vintage.value} list")
        return unit

    def units(self, type: UnitType | None = None) -> tuple[Unit, ...]:
        """All units, or those of one level, sorted by level then code."""
        unit_type = _check_type(type)
        return self._units if unit_type is None else self._by_type[unit_type]

    def provinces(self) -> tuple[Unit, ...]:
        """All provinces, sorted by code."""
        return self._by_type["province"]

    def districts(self) -> tuple[Unit, ...]:
        """All districts, sorted by code; empty for the 2025-07-01 vintage."""
        return self._by_type["district"]

    def communes(self) -> tuple[Unit, ...]:
        """All communes, sorted by code."""
        return self._by_type["commune"]

    def children(self, code: str) -> tuple[Unit, ...]:
        """The units whose parent is ``code``: districts of a province (or its
        communes in the 2025-07-01 vintage), communes of a district.

        Raises KeyError for a code not in this vintage, so that a typo is not
        mistaken for a unit without children.
        """
        unit = self._require(code)
        return tuple(self._children.get(unit.code, ()))

    def communes_of(self, code: str) -> tuple[Unit, ...]:
        """All communes in a province or district, sorted by code.

        Raises KeyError for an unknown code and ValueError for a commune.
        """
        unit = self._require(code)
        if unit.type == "commune":
            raise ValueError(f"{code} is a commune, not a province or district")
        return tuple(self._under.get(unit.code, ()))

    def contains(self, ancestor_code: str, commune_code: str) -> bool:
        """Whether the commune lies in the province or district ``ancestor_code``.

        False when either code is not in this vintage, and for a commune and
        itself.
        """
        commune = self.get(commune_code, "commune")
        if commune is None:
            return False
        ancestor = ancestor_code.strip()
        return ancestor in (commune.province_code, commune.district_code)

    def _within(self, unit: Unit, ancestor: str) -> bool:
        return unit.code != ancestor and ancestor in (unit.province_code, unit.district_code)

    @functools.cached_property
    def _exact_index(self) -> dict[str, list[Unit]]:
        index: dict[str, list[Unit]] = {}
        for unit in self._units:
            index.setdefault(unit.bare_name.casefold(), []).append(unit)
        return index

    @functools.cached_property
    def _folded_index(self) -> dict[str, list[Unit]]:
        index: dict[str, list[Unit]] = {}
        for unit in self._units:
            index.setdefault(fold(unit.bare_name), []).append(unit)
        return index

    def _lookup(self, index: dict[str, list[Unit]], key: str, folded: bool) -> list[Unit]:
        found = list(index.get(key, ()))
        for kind, bare in _split_kind(key, folded=folded):
            for unit in index.get(bare, ()):
                unit_kind = fold(unit.kind) if folded else unit.kind.casefold()
                if unit_kind == kind and unit not in found:
                    found.append(unit)
        return found

    def match_name(
        self,
        name: str,
        type: UnitType | None = None,
        within: str | None = None,
    ) -> NameMatch:
        """Find units by name, with or without the kind ("Xã Mường Pồn" or
        "Mường Pồn").

        The normalised name is compared first, ignoring only letter case.
        Only when that finds nothing is the accent-folded name compared
        (đ→d, no tone or vowel marks), and the result says so. ``type``
        restricts the level; ``within`` restricts to units inside a province
        or district of this vintage (KeyError if it is not one). All
        candidates are returned, sorted by level then code.
        """
        unit_type = _check_type(type)
        ancestor = None if within is None else self._require(within).code
        query = normalize(name)

        def keep(unit: Unit) -> bool:
            return (unit_type is None or unit.type == unit_type) and (
                ancestor is None or self._within(unit, ancestor)
            )

        attempts: tuple[tuple[MatchMethod, dict[str, list[Unit]], str], ...] = (
            ("exact", self._exact_index, query.casefold()),
            ("folded", self._folded_index, fold(query)),
        )
        for method, index, key in attempts:
            if not key:
                continue
            found = [u for u in self._lookup(index, key, method == "folded") if keep(u)]
            if found:
                found.sort(key=lambda u: (_type_rank(u.type), u.code))
                return NameMatch(name, method, tuple(found))
        return NameMatch(name, None, ())


def _read_data(filename: str, columns: tuple[str, ...]) -> list[list[str]]:
    """Rows of a package data file, after checking its header."""
    path = resources.files(_DATA_PACKAGE) / "data" / filename
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    if not rows or tuple(rows[0]) != columns:
        raise ValueError(f"{filename}: header is not {','.join(columns)}")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            raise ValueError(f"{filename}:{number}: expected {len(columns)} fields")
    return rows[1:]


@functools.cache
def _load_registry(vintage: Vintage) -> Registry:
    units: list[Unit] = []
    for code, name, unit_type, kind, parent, province, district in _read_data(
        vintage.units_file, UNIT_COLUMNS
    ):
        checked = _check_type(unit_type)
        assert checked is not None
        units.append(Unit(code, name, checked, kind, parent, province, district))
    return Registry(vintage, units)


def registry(vintage: Vintage | str) -> Registry:
    """The registry of one vintage, loaded from the package data on first use.

    ``vintage`` may be the enum or its value ("2025-01-04", "2025-07-01").
    """
    return _load_registry(Vintage(vintage))


def registry_for_year(survey_year: int) -> Registry:
    """The registry in force on 30 September of ``survey_year``."""
    return registry(vintage_for_year(survey_year))


@dataclass(frozen=True, slots=True)
class _Conversion:
    links: tuple[ConversionLink, ...]
    by_old: dict[str, tuple[ConversionLink, ...]]
    by_new: dict[str, tuple[ConversionLink, ...]]


def _check_note(note: str) -> Note:
    for known in NOTES:
        if note == known:
            return known
    raise ValueError(f"{CONVERSION_FILE}: unknown note {note!r}")


@functools.cache
def _load_conversion() -> _Conversion:
    links = tuple(
        ConversionLink(old, new, _check_note(note), district, old_prov, new_prov, name, detail, src)
        for old, new, note, district, old_prov, new_prov, name, detail, src in _read_data(
            CONVERSION_FILE, CONVERSION_COLUMNS
        )
    )
    by_old: dict[str, list[ConversionLink]] = {}
    by_new: dict[str, list[ConversionLink]] = {}
    for link in links:
        if link.old_commune_code:
            by_old.setdefault(link.old_commune_code, []).append(link)
        by_new.setdefault(link.new_commune_code, []).append(link)
    return _Conversion(
        links,
        {code: tuple(group) for code, group in by_old.items()},
        {code: tuple(group) for code, group in by_new.items()},
    )


def conversion_links() -> tuple[ConversionLink, ...]:
    """Every row of the conversion table, sorted by new commune, then old
    district and old commune."""
    return _load_conversion().links


def old_to_new(old_commune_code: str) -> list[ConversionLink]:
    """The 2025-07-01 communes that received (part of) an old commune.

    Several links mean the old commune was split. An empty list means the
    table does not mention the code: either it is not a 2025-01-04 commune,
    or it is one of the communes absorbed into a neighbour between January and
    July 2025, whose successor the official table does not record.
    """
    code = _clean_code(old_commune_code, "commune")
    return list(_load_conversion().by_old.get(code, ()))


def new_to_old(new_commune_code: str) -> list[ConversionLink]:
    """The old communes (or island districts) that went into a new commune."""
    code = _clean_code(new_commune_code, "commune")
    return list(_load_conversion().by_new.get(code, ()))
