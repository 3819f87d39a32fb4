"""Shared generated data for the synth tests (generated once per session)."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pytest

from phocap.synth import generate


def frame(batches: list[pa.RecordBatch]) -> pl.DataFrame:
    records = pl.from_arrow(pa.Table.from_batches(batches))
    assert isinstance(records, pl.DataFrame)
    return records


@pytest.fixture(scope="session")
def district() -> pl.DataFrame:
    """A mountain district before the 2025 reform: Huyện Tủa Chùa (Điện Biên), 2023."""
    return frame(list(generate("098", 2023, "mountainous", 11, people=60_000)))


@pytest.fixture(scope="session")
def province_2025() -> pl.DataFrame:
    """A province of the two-level era, national profile, spread thin over its communes."""
    return frame(list(generate("66", 2025, "national", 5, people=60_000)))
