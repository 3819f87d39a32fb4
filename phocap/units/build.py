"""Build the packaged unit lists from the official source files.

The national statistics office publishes the units as spreadsheets whose
spelling, layout and even codes are inconsistent. The product must not depend on
those files at run time, nor re-interpret them on every start, so this module
reads them once and writes three compact, normalised, diff-friendly CSV files
that ship in ``phocap/units/data`` and are read by :mod:`phocap.units.registry`.
Every decision about the sources lives here, in code, and a test rebuilds the
data and compares it with the committed files.

Sources (in ``source_dir``; by default ``SOURCE_DIR``, the copies vendored in
``phocap/units/sources``, whose README gives their provenance):

- ``communes-2025-01-04.csv``: every unit before 1 July 2025, one row per
  commune, plus one row for each island district that has no communes.
- ``conversion-2025-07-01.csv``: the conversion table to the units from 1 July
  2025: two header rows, province banner rows in capitals, multi-line quoted
  cells, codes in parentheses after names.

Outputs (in ``out_dir``), columns as in ``registry.UNIT_COLUMNS`` and
``registry.CONVERSION_COLUMNS``, UTF-8, ``\\n`` line ends, sorted by code:
``units-2025-01-04.csv``, ``units-2025-07-01.csv``, ``conversion-2025-07-01.csv``.

Decisions, and why:

- Names go through ``normalize`` (one tone-mark spelling, single spaces) and
  their kind prefix is written canonically: the sources have "Thị Trấn",
  "Thị Xã" and even "Xa Ea Kly" for "Xã Ea Kly".
- The kind comes from the name, not from the "Cấp" column, which disagrees
  once (it calls "Phường 5" of Quận Phú Nhuận a "Xã"; a quận has only wards).
- The five rows with "Cấp" = "Huyện" and no commune are island districts
  (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo): districts with no
  communes, counted among the 696 districts.
- The English-name column is dropped: it is filled for 164 rows only and
  calls wards and towns "Commune".
- Conversion notes become ``whole``, ``part`` or ``unchanged``; any wording
  beyond the three plain phrases is kept verbatim in ``detail``. A rename
  ("Đổi tên") or change of kind ("Đổi loại hình") moves the whole commune.
- The old province of a link is taken from the 2025-01-04 list through the old
  district (district codes are national), because the table misprints it
  (Cồn Cỏ under Quảng Trị "(44)", Quảng Trị being 45 before the reform).
- The table's "old" side is a few months newer than the 2025-01-04 list, and
  some of its old codes are misprinted. A printed old code is repaired only
  when it is evidently wrong (absent from the 2025-01-04 list, or printed for
  two different names) and exactly one commune of the same old district bears
  the printed name; the printed code is kept in ``source_old_code``. Anything
  else that disagrees is kept as printed and reported, never guessed.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from phocap.survey.text import fold, normalize

from .registry import (
    ALL_KINDS,
    CONVERSION_COLUMNS,
    CONVERSION_FILE,
    KINDS_BY_TYPE,
    UNIT_COLUMNS,
    UNIT_TYPES,
    ConversionLink,
    Note,
    Unit,
    UnitType,
    Vintage,
)

SOURCE_UNITS: Final = "communes-2025-01-04.csv"
SOURCE_CONVERSION: Final = "conversion-2025-07-01.csv"
SOURCE_DIR: Final = Path(__file__).resolve().parent / "sources"
PACKAGE_DATA_DIR: Final = Path(__file__).resolve().parent / "data"

_OLD_HEADER: Final = (
    "Tỉnh Thành Phố",
    "Mã TP",
    "Quận Huyện",
    "Mã QH",
    "Phường Xã",
    "Mã PX",
    "Cấp",
    "Tên Tiếng Anh",
)
_CONVERSION_HEADER: Final = (
    "Tỉnh, thành phố",
    "Tên Xã mới",
    "Mã Xã mới",
    "Tên Xã cũ",
    "Mã Xã cũ",
    "Ghi chú",
    "Quận/huyện",
    "Tỉnh cũ",
)
_PLAIN_NOTES: Final = frozenset({"Nhập toàn bộ", "Nhập một phần", "Giữ nguyên"})
_NAME_WITH_CODE: Final = re.compile(r"(?P<name>.*\S)\s*\((?P<code>\d+)\)")
_WIDTHS: Final[dict[UnitType, int]] = {"province": 2, "district": 3, "commune": 5}


class SourceError(ValueError):
    """A source file does not have the shape this build understands.

    Raised rather than guessing, so that a new edition of the lists with a new
    layout or wording fails loudly instead of producing wrong data.
    """

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path.name}:{line}: {message}")


@dataclass
class BuildReport:
    """What a build read, wrote, and found questionable in the sources."""

    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class _OldList:
    provinces: dict[str, Unit]
    districts: dict[str, Unit]
    communes: dict[str, Unit]

    def communes_in(self, district_code: str) -> list[Unit]:
        return [u for u in self.communes.values() if u.district_code == district_code]


@dataclass(frozen=True)
class _PrintedLink:
    line: int
    new_commune_code: str
    new_province_code: str
    old_name: str
    old_code: str
    note: str
    old_district_code: str
    old_province_code: str


def _read_csv(path: Path) -> list[tuple[int, list[str]]]:
    """Records with the physical line each starts on (cells may span lines)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        records: list[tuple[int, list[str]]] = []
        start = 1
        for row in reader:
            records.append((start, row))
            start = reader.line_num + 1
    return records


def _check_code(path: Path, line: int, code: str, unit_type: UnitType) -> str:
    if not (code.isdigit() and len(code) == _WIDTHS[unit_type]):
        raise SourceError(
            path, line, f"{unit_type} code {code!r} is not {_WIDTHS[unit_type]} digits"
        )
    return code


def _canonical_name(
    path: Path, line: int, raw: str, unit_type: UnitType, report: BuildReport
) -> tuple[str, str]:
    """The normalised name with its kind written canonically, and the kind.

    A difference in capitals only ("Thị Trấn") is corrected and counted; a
    difference in marks ("Xa Ea Kly") is corrected and reported.
    """
    name = normalize(raw)
    kinds = KINDS_BY_TYPE[unit_type]
    for kind in kinds:
        head, rest = name[: len(kind)], name[len(kind) :]
        if rest.startswith(" ") and head.casefold() == kind.casefold():
            if head != kind:
                report.counts["names_with_kind_recapitalised"] = (
                    report.counts.get("names_with_kind_recapitalised", 0) + 1
                )
            return kind + rest, kind
    for kind in kinds:
        head, rest = name[: len(kind)], name[len(kind) :]
        if rest.startswith(" ") and fold(head) == fold(kind):
            report.warnings.append(
                f"{path.name}:{line}: kind written {head!r} in {name!r}; read as {kind!r}"
            )
            return kind + rest, kind
    raise SourceError(path, line, f"{unit_type} name {name!r} does not begin with a kind")


def _name_key(name: str) -> str:
    """Name without kind, folded, without spaces: for comparing spellings."""
    folded = fold(name)
    for kind in ALL_KINDS:
        prefix = fold(kind) + " "
        if folded.startswith(prefix):
            folded = folded[len(prefix) :]
            break
    return folded.replace(" ", "")


def _put(table: dict[str, Unit], unit: Unit, path: Path, line: int) -> Unit:
    """Record a unit, insisting that a code repeated on many rows means one unit."""
    known = table.setdefault(unit.code, unit)
    if known != unit:
        raise SourceError(path, line, f"code {unit.code} is both {known.name!r} and {unit.name!r}")
    return known


def _read_old(path: Path, report: BuildReport) -> _OldList:
    records = _read_csv(path)
    if not records or tuple(normalize(c) for c in records[0][1][:8]) != _OLD_HEADER:
        raise SourceError(path, 1, f"header is not {','.join(_OLD_HEADER)}")
    provinces: dict[str, Unit] = {}
    districts: dict[str, Unit] = {}
    communes: dict[str, Unit] = {}
    for line, row in records[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 7:
            raise SourceError(path, line, f"expected at least 7 fields, found {len(row)}")
        p_name, p_code, d_name, d_code, c_name, c_code, level = (c.strip() for c in row[:7])
        p_code = _check_code(path, line, p_code, "province")
        d_code = _check_code(path, line, d_code, "district")
        name, kind = _canonical_name(path, line, p_name, "province", report)
        _put(provinces, Unit(p_code, name, "province", kind, "", p_code, ""), path, line)
        name, kind = _canonical_name(path, line, d_name, "district", report)
        district = Unit(d_code, name, "district", kind, p_code, p_code, d_code)
        _put(districts, district, path, line)
        if not c_code and not c_name:
            # A district without communes (the island districts): the row's
            # level must say so, or the row is simply broken.
            if normalize(level).casefold() != district.kind.casefold():
                raise SourceError(path, line, f"no commune, and level {level!r} is not a district")
            continue
        c_code = _check_code(path, line, c_code, "commune")
        name, kind = _canonical_name(path, line, c_name, "commune", report)
        if c_code in communes:
            raise SourceError(path, line, f"commune code {c_code} appears twice")
        communes[c_code] = Unit(c_code, name, "commune", kind, d_code, p_code, d_code)
        if normalize(level).casefold() != kind.casefold():
            report.warnings.append(
                f"{path.name}:{line}: {c_code} {name!r} has level {level!r}; kind taken from "
                f"the name: {kind!r}"
            )
    return _OldList(provinces, districts, communes)


def _split_code(path: Path, line: int, cell: str, unit_type: UnitType) -> tuple[str, str]:
    """("Thành phố Hà Nội", "01") from "Thành phố Hà Nội (01)"."""
    match = _NAME_WITH_CODE.fullmatch(normalize(cell))
    if match is None:
        raise SourceError(path, line, f"{cell!r} is not a name followed by a code in parentheses")
    return match["name"], _check_code(path, line, match["code"], unit_type)


def _classify(path: Path, line: int, raw: str) -> tuple[Note, str]:
    """(note, detail) from the table's Vietnamese note."""
    text = normalize(raw)
    key = fold(text)
    note: Note
    if key == "giu nguyen":
        note = "unchanged"
    elif "mot phan" in key or key.startswith("phan con lai"):
        note = "part"  # part of the old commune's area or population
    elif key.startswith(("nhap toan bo", "sap xep toan bo")) or key in {"doi ten", "doi loai hinh"}:
        note = "whole"
    else:
        raise SourceError(path, line, f"note {text!r} is neither whole, part nor unchanged")
    return note, "" if text in _PLAIN_NOTES else text


def _read_conversion(
    path: Path, report: BuildReport
) -> tuple[dict[str, Unit], dict[str, Unit], list[_PrintedLink]]:
    records = _read_csv(path)
    if len(records) < 2 or tuple(normalize(c) for c in records[1][1][:8]) != _CONVERSION_HEADER:
        raise SourceError(path, 2, f"second header row is not {','.join(_CONVERSION_HEADER)}")
    provinces: dict[str, Unit] = {}
    communes: dict[str, Unit] = {}
    printed: list[_PrintedLink] = []
    for line, row in records[2:]:
        cells = [normalize(cell) for cell in row]
        if len(cells) < 8 or any(cells[8:]):
            raise SourceError(path, line, "expected 8 fields")
        if not any(cells[1:]):
            continue  # a province banner ("THÀNH PHỐ HÀ NỘI") or a blank row
        p_cell, c_name, c_code, old_name, old_code, note, d_cell, old_p_cell = cells[:8]
        p_name, p_code = _split_code(path, line, p_cell, "province")
        name, kind = _canonical_name(path, line, p_name, "province", report)
        _put(provinces, Unit(p_code, name, "province", kind, "", p_code, ""), path, line)
        c_code = _check_code(path, line, c_code, "commune")
        name, kind = _canonical_name(path, line, c_name, "commune", report)
        _put(communes, Unit(c_code, name, "commune", kind, p_code, p_code, ""), path, line)
        if old_code:
            _check_code(path, line, old_code, "commune")
        printed.append(
            _PrintedLink(
                line,
                c_code,
                p_code,
                old_name,
                old_code,
                note,
                _split_code(path, line, d_cell, "district")[1],
                _split_code(path, line, old_p_cell, "province")[1],
            )
        )
    return provinces, communes, printed


def _reconcile(
    path: Path, old: _OldList, printed: list[_PrintedLink], report: BuildReport
) -> list[ConversionLink]:
    """Turn printed rows into links against the 2025-01-04 list (see module doc)."""
    names_per_code: dict[str, set[str]] = {}
    for row in printed:
        if row.old_code:
            names_per_code.setdefault(row.old_code, set()).add(_name_key(row.old_name))
    printed_pairs = {(row.old_code, row.new_commune_code) for row in printed}
    links: list[ConversionLink] = []
    seen: set[tuple[str, str, str]] = set()
    repaired = not_in_list = 0
    for row in printed:
        where = f"{path.name}:{row.line}"
        district = old.districts.get(row.old_district_code)
        if district is None:
            raise SourceError(path, row.line, f"old district {row.old_district_code} is unknown")
        code, source_code = row.old_code, ""
        if not code and not row.old_name and old.communes_in(district.code):
            # Only a district without communes can go over whole, unnamed.
            raise SourceError(path, row.line, f"no old commune in district {district.code}")
        unit = old.communes.get(code) if code else None
        if code:
            differs = unit is not None and _name_key(unit.name) != _name_key(row.old_name)
            if unit is None or (differs and len(names_per_code[code]) > 1):
                named = [
                    u
                    for u in old.communes_in(district.code)
                    if _name_key(u.name) == _name_key(row.old_name)
                ]
                if len(named) == 1 and (named[0].code, row.new_commune_code) not in printed_pairs:
                    source_code, code, unit = code, named[0].code, named[0]
                    repaired += 1
                    report.warnings.append(
                        f"{where}: old code {source_code} printed for {row.old_name!r}, which is "
                        f"{code} in the 2025-01-04 list; read as {code}"
                    )
                elif unit is None:
                    not_in_list += 1
                    report.warnings.append(
                        f"{where}: old code {code} ({row.old_name!r}) is not in the 2025-01-04 "
                        "list; kept as printed"
                    )
                else:
                    report.warnings.append(
                        f"{where}: old code {code} printed as {row.old_name!r} but is "
                        f"{unit.name!r} in the 2025-01-04 list; kept as printed"
                    )
            elif differs and unit is not None:
                report.warnings.append(
                    f"{where}: old {code} is {row.old_name!r} in the table, {unit.name!r} in "
                    "the 2025-01-04 list"
                )
        if unit is not None and unit.district_code != district.code:
            report.warnings.append(
                f"{where}: old {code} printed in district {district.code}, listed in "
                f"{unit.district_code}; the list is used"
            )
            district = old.districts[unit.district_code]
        if district.province_code != row.old_province_code:
            report.warnings.append(
                f"{where}: old province printed as {row.old_province_code} for district "
                f"{district.code}, which the 2025-01-04 list puts in {district.province_code}"
            )
        note, detail = _classify(path, row.line, row.note)
        if (code, row.new_commune_code, district.code) in seen:
            raise SourceError(path, row.line, f"old {code} -> new {row.new_commune_code} twice")
        seen.add((code, row.new_commune_code, district.code))
        links.append(
            ConversionLink(
                old_commune_code=code,
                new_commune_code=row.new_commune_code,
                note=note,
                old_district_code=district.code,
                old_province_code=district.province_code,
                new_province_code=row.new_province_code,
                old_name=row.old_name,
                detail=detail,
                source_old_code=source_code,
            )
        )
    report.counts["links_repaired"] = repaired
    report.counts["link_old_codes_not_in_list"] = not_in_list
    return links


def _check_coverage(old: _OldList, links: list[ConversionLink], report: BuildReport) -> None:
    """Report old units the table leaves out or describes inconsistently."""
    by_old: dict[str, list[ConversionLink]] = {}
    for link in links:
        by_old.setdefault(link.old_commune_code, []).append(link)
    unmapped = [u for u in old.communes.values() if u.code not in by_old]
    for unit in sorted(unmapped, key=lambda u: u.code):
        report.warnings.append(
            f"{SOURCE_UNITS}: {unit.code} {unit.name!r} (district {unit.district_code}) has no "
            "conversion link"
        )
    for code, group in sorted(by_old.items()):
        notes = {link.note for link in group}
        if code and len(group) > 1 and notes != {"part"}:
            report.warnings.append(
                f"{CONVERSION_FILE}: old {code} is whole in one of several links"
            )
        if code and len(group) == 1 and notes == {"part"}:
            report.warnings.append(f"{CONVERSION_FILE}: old {code} is 'part' in its only link")
    with_communes = {u.district_code for u in old.communes.values()}
    island = {d for d in old.districts if d not in with_communes}
    linked = {link.old_district_code for link in links if not link.old_commune_code}
    for code in sorted(island - linked):
        report.warnings.append(f"{CONVERSION_FILE}: district {code} without communes is not linked")
    report.counts["old_districts_without_communes"] = len(island)
    report.counts["old_communes_unmapped"] = len(unmapped)
    report.counts["old_communes_split"] = sum(1 for c, g in by_old.items() if c and len(g) > 1)


def _unit_rows(units: Iterable[Unit]) -> list[list[str]]:
    ordered = sorted(units, key=lambda u: (UNIT_TYPES.index(u.type), u.code))
    return [
        [u.code, u.name, u.type, u.kind, u.parent_code, u.province_code, u.district_code]
        for u in ordered
    ]


def _write(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def build(source_dir: Path, out_dir: Path) -> BuildReport:
    """Read the two official files in ``source_dir``, write the package data
    files into ``out_dir`` (created if needed), and report what was found.

    Raises :class:`SourceError` when a file's layout or wording is not the one
    understood here; questionable content is reported in the returned
    :class:`BuildReport` instead.
    """
    report = BuildReport()
    old = _read_old(source_dir / SOURCE_UNITS, report)
    conversion_path = source_dir / SOURCE_CONVERSION
    new_provinces, new_communes, printed = _read_conversion(conversion_path, report)
    links = _reconcile(conversion_path, old, printed, report)
    _check_coverage(old, links, report)

    merged: dict[str, int] = {}
    for link in links:
        merged[link.new_commune_code] = merged.get(link.new_commune_code, 0) + 1
    report.counts.update(
        old_provinces=len(old.provinces),
        old_districts=len(old.districts),
        old_communes=len(old.communes),
        new_provinces=len(new_provinces),
        new_communes=len(new_communes),
        links=len(links),
        new_communes_merged=sum(1 for n in merged.values() if n > 1),
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    old_units = [*old.provinces.values(), *old.districts.values(), *old.communes.values()]
    outputs: list[tuple[str, Sequence[str], list[list[str]]]] = [
        (Vintage.V2025_01_04.units_file, UNIT_COLUMNS, _unit_rows(old_units)),
        (
            Vintage.V2025_07_01.units_file,
            UNIT_COLUMNS,
            _unit_rows([*new_provinces.values(), *new_communes.values()]),
        ),
        (
            CONVERSION_FILE,
            CONVERSION_COLUMNS,
            [
                [
                    link.old_commune_code,
                    link.new_commune_code,
                    link.note,
                    link.old_district_code,
                    link.old_province_code,
                    link.new_province_code,
                    link.old_name,
                    link.detail,
                    link.source_old_code,
                ]
                for link in sorted(
                    links,
                    key=lambda k: (k.new_commune_code, k.old_district_code, k.old_commune_code),
                )
            ],
        ),
    ]
    for filename, columns, rows in outputs:
        target = out_dir / filename
        _write(target, columns, rows)
        report.written.append(target)
    return report


def build_main(source: Path, out: Path) -> None:
    """Command-line entry: build, then print the counts and every warning."""
    report = build(source, out)
    for path in report.written:
        print(f"wrote {path}")
    for key, value in report.counts.items():
        print(f"{key}: {value}")
    if report.warnings:
        print(f"{len(report.warnings)} findings in the sources:")
        for warning in report.warnings:
            print(f"  {warning}")


if __name__ == "__main__":
    if len(sys.argv) > 3:
        sys.exit("usage: python -m phocap.units.build [SOURCE_DIR [OUT_DIR]]")
    build_main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE_DIR,
               Path(sys.argv[2]) if len(sys.argv) == 3 else PACKAGE_DATA_DIR)
