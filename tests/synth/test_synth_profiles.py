"""Parameters are data with sources, and every one is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from phocap.survey import ethnicity
from phocap.survey.text import normalize
from phocap.synth import PROFILES
from phocap.synth.names import STYLE_OF_GROUP, STYLES, name_book
from phocap.synth.profiles import RISK_CLASSES, Demography, Schooling, sources

DOC = Path(__file__).resolve().parents[2] / "docs" / "synthetic-data.md"


@pytest.mark.parametrize("cls", [Demography, Schooling])
def test_every_parameter_has_a_source_and_is_documented(cls: type) -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, source in sources(cls).items():
        assert len(source) > 20, name
        assert re.search(rf"`{name}`", text), f"{name} is not in {DOC.name}"


def test_profiles_use_canonical_groups() -> None:
    for profile in PROFILES.values():
        for region in profile.regions.values():
            for group, _ in region.groups:
                assert group in ethnicity.NAMES, group
        for override in profile.communes.values():
            assert abs(sum(s for _, s in override.groups) - 1) < 1e-9
            for group, _ in override.groups:
                assert group in ethnicity.NAMES, group
    for group in (*RISK_CLASSES, *STYLE_OF_GROUP):
        assert group in ethnicity.NAMES, group


def test_every_profile_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in PROFILES:
        assert f"`{name}`" in text


def test_names_are_normalised_vietnamese() -> None:
    for style in STYLES.values():
        for part in (*[s for s, _ in style.surnames], *style.male_middle, *style.female_middle,
                     *style.male_given, *style.female_given):
            assert normalize(part) == part, part
    names = name_book().names.to_pylist()
    assert "Nguyễn Văn An" in names
    assert "Giàng A Páo" in names
    assert "Lò Văn Pánh" in names
    assert "Vàng Thị Mai" in names
