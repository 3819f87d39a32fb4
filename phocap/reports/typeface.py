"""The dossier's typeface: Liberation Serif, vendored, checked for every Vietnamese letter.

Vietnamese administrative documents are set in Times New Roman (Decree
30/2020/NĐ-CP, Appendix I). Liberation Serif 2 is metrically compatible with
it and free (SIL Open Font License, ``fonts/LICENSE``), so a printed dossier
keeps the line breaks an officer expects. The fonts are vendored because a
server may have no fonts at all, and a missing glyph would print as an empty
box in a signed document: ``missing`` is checked before anything is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FOLDER = Path(__file__).parent / "fonts"
FAMILY = "LiberationSerif"
FILES = {
    FAMILY: "LiberationSerif-Regular.ttf",
    f"{FAMILY}-Bold": "LiberationSerif-Bold.ttf",
    f"{FAMILY}-Italic": "LiberationSerif-Italic.ttf",
}
REGULAR, BOLD, ITALIC = FILES

# Every precomposed Latin letter Vietnamese writes: the Latin-1 and Latin
# Extended-A/B letters (à, ă, đ, ơ, ư …) and the Latin Extended Additional block
# of vowels with tone marks (ạ … ỹ).
VIETNAMESE = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xC0, 0x1B1)]
    + [chr(c) for c in range(0x1EA0, 0x1EFA)]
    + ["–", "…", "“", "”", "‘", "’", "•", "≥", "—"]
)


class MissingGlyphs(ValueError):
    """The font cannot draw some characters of the document (they would print as boxes)."""


def cmap(path: Path) -> frozenset[str]:
    """The characters a TrueType font has a glyph for."""
    return frozenset(chr(code) for code in TTFont(path.stem, str(path)).face.charToGlyph)


@cache
def _vendored() -> frozenset[str]:
    """What all three vendored faces can draw: any text may be set in any of them."""
    return frozenset.intersection(*(cmap(FOLDER / file) for file in FILES.values()))


def missing(text: Iterable[str], path: Path | None = None) -> set[str]:
    """The characters of ``text`` (spaces and line breaks aside) that the font lacks.

    ``path`` defaults to the vendored faces (what all three can draw).
    """
    have = cmap(path) if path is not None else _vendored()
    return {ch for chunk in text for ch in chunk if ch not in have and not ch.isspace()}


def check(path: Path, characters: Iterable[str] = VIETNAMESE) -> None:
    """Refuse a font that lacks any of ``characters`` (by default every Vietnamese letter)."""
    lacking = missing(characters, path)
    if lacking:
        shown = " ".join(sorted(lacking)[:20])
        raise MissingGlyphs(f"Phông chữ {path.name} thiếu {len(lacking)} ký tự: {shown}")


@cache
def register() -> str:
    """Register the three faces with reportlab, once, after checking their coverage."""
    from reportlab.lib.fonts import addMapping

    for name, file in FILES.items():
        path = FOLDER / file
        check(path)
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(FAMILY, 0, 0, REGULAR)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, ITALIC)
    addMapping(FAMILY, 1, 1, BOLD)  # no bold italic is vendored: bold stands in
    return FAMILY
