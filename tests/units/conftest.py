"""Shared fixtures for the unit-list tests."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The official source lists live beside the repository (../shared/data/units) on
# developers' machines and in CI; tests that need them skip when they are absent.
# PHOCAP_UNITS_SOURCE points elsewhere if needed.
SOURCE_DIR = Path(os.environ.get("PHOCAP_UNITS_SOURCE", ROOT.parent / "shared/data/units"))


@pytest.fixture
def source_dir() -> Path:
    if not (SOURCE_DIR / "communes-2025-01-04.csv").is_file():
        pytest.skip(f"official source lists not found in {SOURCE_DIR}")
    return SOURCE_DIR
