"""The vendored font draws every Vietnamese letter; a font that does not is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import reportlab

from phocap.reports import typeface

# Bitstream Vera ships with reportlab: Latin-1 only, no ơ, ư or tone-marked vowels.
VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"


@pytest.mark.parametrize("face", list(typeface.FILES.values()))
def test_each_vendored_face_covers_every_vietnamese_letter(face: str) -> None:
    path = typeface.FOLDER / face
    typeface.check(path)  # raises if any of the letters below is missing
    have = typeface.cmap(path)
    assert {chr(c) for c in range(0x1EA0, 0x1EFA)} <= have  # ạ … ỹ
    assert {chr(c) for c in range(0xC0, 0x1B1) if chr(c).isalpha()} <= have  # à … ư
    assert {"Đ", "đ", "Ơ", "ơ", "Ư", "ư", "Ă", "ă"} <= have


def test_a_font_without_vietnamese_is_refused_by_name() -> None:
    assert typeface.missing("Lò Thị Ngọc Hường", VERA) == {"ị", "ọ", "ư", "ờ"}
    with pytest.raises(typeface.MissingGlyphs, match=r"Vera\.ttf thiếu"):
        typeface.check(VERA)


def test_the_vendored_faces_miss_nothing_vietnamese_but_do_miss_other_scripts() -> None:
    assert typeface.missing("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM, Độc lập - Tự do - Hạnh phúc"
                            " 95,24% ≥ 90% “đạt” – …") == set()
    assert typeface.missing("越南 ☃") == {"越", "南", "☃"}


def test_the_licence_travels_with_the_fonts() -> None:
    licence = (typeface.FOLDER / "LICENSE").read_text(encoding="utf-8", errors="replace")
    assert "SIL Open Font License" in licence or "SIL OPEN FONT LICENSE" in licence
