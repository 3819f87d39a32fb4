"""Shared fixtures for the unit-list tests."""

from pathlib import Path

import pytest

from phocap.units.build import SOURCE_DIR


@pytest.fixture
def source_dir() -> Path:
    """The official source lists vendored in the repository (phocap/units/sources)."""
    return SOURCE_DIR
