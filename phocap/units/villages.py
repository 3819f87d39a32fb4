"""What a village is called under its new commune after 1 July 2025.

A village keeps its name across the reorganisation, but a merged commune may
receive two villages of the same name from two old communes, and a village's
name is unique within its commune (the register's key, and how the survey file
names a household's place). Such villages take their old commune's name in
brackets, "Bản Na Sang (Thanh Luông)"; every other village keeps its name as
it was. The register's roll-over across the line (register/crossing.py) and the
demo's files of 2025 both name villages here, so a file matches the register.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

KINDS = ("Thị trấn ", "Phường ", "Xã ", "Đặc khu ")
"""The kind of unit that begins a commune's official name, left out in brackets."""


def short_commune_name(name: str) -> str:
    """A commune's name without its kind: "Xã Thanh Luông" → "Thanh Luông"."""
    for kind in KINDS:
        if name.startswith(kind):
            return name[len(kind):]
    return name


def names_after(villages: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Each ``(old commune name, village name)`` going into one new commune, mapped to the
    village's name there: its own, or, when villages of several old communes share it,
    followed by the old commune's short name in brackets."""
    pairs = list(dict.fromkeys(villages))
    communes_per_name = Counter(village for _, village in pairs)
    return {(commune, village): village if communes_per_name[village] == 1
            else f"{village} ({short_commune_name(commune)})"
            for commune, village in pairs}
