"""Reading the working warehouse, whatever engine dbt built it on: a query in, an Arrow table out.

The quality gate and the publisher read the warehouse through :func:`open_warehouse` only, so one SQL text runs on
DuckDB and on PostgreSQL and gives the same Arrow types for the same SQL types. Relations are named unqualified
(``int_memberships``, ``indicators``): DuckDB's are in its ``main`` schema, PostgreSQL's in dbt's schema
:data:`WAREHOUSE_SCHEMA`, which the session's ``search_path`` names. A reader never writes: the DuckDB file is opened
read-only, and the PostgreSQL session's transactions are read-only.

Not here: what is read (the suites, the published tables), nor writing to PostgreSQL (``engines.lake_load``,
``publishing``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa

from engines import postgres
from ingest.settings import Settings, SettingsError

# dbt's schema on PostgreSQL (the `postgres` target of dbt_project/profiles.yml), where models and seeds are built.
WAREHOUSE_SCHEMA = "warehouse"
# What names the server in libpq's environment, as a refusal may show it: never PGPASSWORD.
LIBPQ_NAMES = ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER")


class Warehouse(Protocol):
    """The working warehouse, open for reading."""

    engine: str

    def arrow(self, query: str) -> pa.Table:
        """The rows of ``query`` (SQL both engines run) as an Arrow table; raises the engine's error if it fails."""


class DuckDBWarehouse:
    """A DuckDB connection as a :class:`Warehouse` (the default engine, and the tests' hand-built warehouses)."""

    engine = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def arrow(self, query: str) -> pa.Table:
        return self.con.sql(query).to_arrow_table()


class PostgresWarehouse:
    """An ADBC connection to the PostgreSQL warehouse as a :class:`Warehouse`.

    ADBC gives NUMERIC (PostgreSQL's type for sum(integer) and avg) as an opaque string extension, and timestamps
    with a time zone as UTC-aware ones: they come out as DuckDB gives the same SQL, doubles and plain timestamps (UTC),
    so a check or a published column does not depend on the engine. The driver's field metadata is dropped."""

    engine = "postgres"

    def __init__(self, con):
        self.con = con

    def arrow(self, query: str) -> pa.Table:
        with self.con.cursor() as cursor:
            try:
                cursor.execute(query)
                table = cursor.fetch_arrow_table()
            finally:
                # Read-only: nothing to keep, and a failed query must not leave the session's transaction aborted.
                self.con.rollback()
        return pa.table([_portable(table.column(i), field.type) for i, field in enumerate(table.schema)],
                        names=table.column_names)


def _portable(column: pa.ChunkedArray, kind: pa.DataType) -> pa.ChunkedArray:
    if isinstance(kind, pa.BaseExtensionType) and kind.extension_name == "arrow.opaque" and kind.type_name == "numeric":
        storage = pa.chunked_array([chunk.storage for chunk in column.chunks], type=kind.storage_type)
        return storage.cast(pa.float64())
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return column.cast(pa.timestamp(kind.unit))
    return column


@contextmanager
def open_warehouse(settings: Settings) -> Iterator[Warehouse]:
    """The working warehouse of ``settings.engine``, open for reading until the block ends."""
    with open_engine(settings.engine, settings.work_database) as warehouse:
        yield warehouse


@contextmanager
def open_engine(engine: str, work_database: Path) -> Iterator[Warehouse]:
    """``engine``'s working warehouse: DuckDB's file ``work_database``, or the PostgreSQL database libpq's environment
    names (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD or PGPASSFILE: no password passes through here)."""
    if engine == "duckdb":
        with duckdb.connect(str(work_database), read_only=True) as con:
            yield DuckDBWarehouse(con)
        return
    con = postgres.connect()
    try:
        with con.cursor() as cursor:
            cursor.execute(f"SET search_path TO {WAREHOUSE_SCHEMA}")
            cursor.execute("SET default_transaction_read_only TO on")
        # Committed, so the settings outlive the first transaction a failed query rolls back.
        con.commit()
        yield PostgresWarehouse(con)
    finally:
        con.close()


def check_engine(settings: Settings) -> None:
    """Nothing if the working engine can be reached; SettingsError (bilingual, with the server libpq's environment
    names, never its password) if ``CADRE_ENGINE=postgres`` and that server cannot be reached. DuckDB's file is
    created by the run, so there is nothing to check before it."""
    if settings.engine != "postgres":
        return
    environ = os.environ
    server = ", ".join(f"{name}={environ[name]}" for name in LIBPQ_NAMES if environ.get(name)) or "libpq's defaults"
    try:
        con = postgres.connect()
        con.close()
    except Exception as error:  # ADBC's errors, and a driver that cannot load: the cause is in the message
        cause = postgres.without_password(str(error).strip().splitlines()[0], None)
        if environ.get("PGPASSWORD"):
            cause = cause.replace(environ["PGPASSWORD"], "***")
        raise SettingsError(
            f"CADRE_ENGINE=postgres: không kết nối được máy chủ PostgreSQL ({server}): {cause}. Hãy kiểm tra "
            "PGHOST, PGPORT, PGDATABASE, PGUSER và PGPASSWORD hoặc PGPASSFILE trong tệp môi trường của dịch vụ, hoặc "
            "đặt CADRE_ENGINE=duckdb. / CADRE_ENGINE=postgres: cannot reach the PostgreSQL server "
            f"({server}): {cause}. Check PGHOST, PGPORT, PGDATABASE, PGUSER and PGPASSWORD or PGPASSFILE in the "
            "services' environment file, or set CADRE_ENGINE=duckdb."
        ) from None
