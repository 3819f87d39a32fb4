"""Where the engine runs: DuckDB, SQLite, PostgreSQL or PySpark, through Ibis.

DuckDB (in memory) is the default for files; SQLite and PostgreSQL run the
engine inside the web application's database; PySpark (local mode here) serves
national, multi-year stores. Only the typed survey record's own columns are
loaded: provenance (warnings, unknown columns) stays behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import polars as pl

from phocap.survey.schema import SCHEMA

BACKENDS = ("duckdb", "sqlite", "postgres", "pyspark")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def connect(backend: str = "duckdb", url: str | None = None) -> Any:
    """An Ibis connection; ``url`` overrides the default location of a server backend."""
    if backend == "duckdb":
        return ibis.duckdb.connect()
    if backend == "sqlite":
        return ibis.sqlite.connect()
    if backend == "postgres":
        return ibis.connect(url or os.environ.get("PHOCAP_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    if backend == "pyspark":
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master("local[2]")
            .appName("phocap")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="phocap-spark-"))
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        return ibis.pyspark.connect(session)
    raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


_IBIS_TYPES = {
    pl.Int8: "int8", pl.Int16: "int16", pl.Int32: "int32", pl.String: "string",
    pl.Boolean: "boolean", pl.Date: "date",
}


def survey_schema() -> ibis.Schema:
    """The survey record's columns and their Ibis types."""
    return ibis.schema({key: _IBIS_TYPES[type(dtype)] for key, dtype in SCHEMA.items()})


def typed(table: ir.Table) -> ir.Table:
    """The survey record's columns cast to their types.

    A database view does not always carry its columns' types (SQLite infers them
    from the rows, and a column that is empty everywhere has none), so a view is
    read through this before the engine sees it.
    """
    return table.select(
        **{key: table[key].cast(_IBIS_TYPES[type(dtype)]) for key, dtype in SCHEMA.items()}
    )


def load(con: Any, records: pl.DataFrame | Path, name: str = "survey") -> ir.Table:
    """Put typed survey records into the backend as a table."""
    if con.name == "pyspark":
        return _spark_view(con, records, name)
    if isinstance(records, Path):
        if hasattr(con, "read_parquet") and con.name == "duckdb":
            return con.read_parquet(str(records), table_name=name).select(*SCHEMA)
        records = pl.read_parquet(records)
    arrow = records.select(list(SCHEMA)).to_arrow()
    return con.create_table(name, arrow, overwrite=True)


def _spark_view(con: Any, records: pl.DataFrame | Path, name: str) -> ir.Table:
    """Records as a temporary Spark view read from Parquet.

    A temporary view, because Spark's managed tables would be written to a
    warehouse folder in the working directory; read from Parquet, because
    Ibis hands in-memory tables to Spark through pandas, which turns nullable
    integers into floats. Records in memory are written to a temporary folder
    first, kept for the session: Spark reads the file whenever the view is queried.
    """
    if not isinstance(records, Path):
        path = Path(tempfile.mkdtemp(prefix="phocap-spark-")) / f"{name}.parquet"
        records.select(list(SCHEMA)).write_parquet(path)
        records = path
    return con.read_parquet(str(records), table_name=name).select(*SCHEMA)
