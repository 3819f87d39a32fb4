"""Every backend gives the same answer (architecture principle 4).

DuckDB, SQLite, PostgreSQL and PySpark evaluate the same surveys with the same
Ibis expressions; the results (levels, every numerator and denominator, every
indicator, the outlook) must be identical. PostgreSQL needs the server at
127.0.0.1:5432 and PySpark needs Java; without them those backends are skipped
with the reason.
"""

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from phocap.engine.backends import connect, load
from phocap.engine.evaluate import evaluate
from phocap.engine.outlook import outlook
from phocap.survey.validate import validate
from phocap.synth.generate import write

FIXTURE = Path(__file__).parent.parent / "fixtures" / "survey" / "en.csv"


def postgres_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means: skip, and say why
        return f"PostgreSQL not reachable at 127.0.0.1:5432 ({type(exc).__name__})"


def java_available() -> str | None:
    return None if shutil.which("java") else "Java is not installed (PySpark needs it)"


BACKENDS = [
    pytest.param("duckdb", id="duckdb"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.skipif(
        postgres_available() is not None, reason=str(postgres_available()))),
    pytest.param("pyspark", id="pyspark", marks=[pytest.mark.slow, pytest.mark.skipif(
        java_available() is not None, reason=str(java_available()))]),
]


@pytest.fixture(scope="module", params=["fixture", "synthetic district"])
def records(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> pl.DataFrame:
    """The format fixture, and the Điện Biên demo district scaled to 30,000 people."""
    path = FIXTURE
    if request.param == "synthetic district":
        path = tmp_path_factory.mktemp("parity") / "district.parquet"
        write(path, "100", 2021, "dien-bien-2021", seed=3, people=30_000)
    result = validate(path, keep_records=True)
    assert result.report.ok and result.records is not None
    return result.records


@pytest.fixture(scope="module")
def reference(records: pl.DataFrame) -> dict[str, Any]:
    table = load(connect("duckdb"), records)
    return {"evaluation": evaluate(table).to_json(), "outlook": outlook_json(table)}


def outlook_json(table: Any) -> list[tuple[object, ...]]:
    _, following, changes = outlook(table)
    return [(c.code, c.standard, c.level_now, c.level_next, tuple(c.shortfalls))
            for c in changes] + [("next", following.to_json())]


@pytest.fixture
def table(request: pytest.FixtureRequest, records: pl.DataFrame) -> Iterator[Any]:
    backend = request.param
    con = connect(backend)
    name = f"survey_{uuid.uuid4().hex[:12]}"
    yield load(con, records, name=name)
    if backend in ("postgres", "sqlite"):
        con.drop_table(name, force=True)


@pytest.mark.parametrize("table", BACKENDS, indirect=True)
def test_same_answer_on_every_backend(table: Any, reference: dict[str, Any]) -> None:
    assert evaluate(table).to_json() == reference["evaluation"]
    assert outlook_json(table) == reference["outlook"]
