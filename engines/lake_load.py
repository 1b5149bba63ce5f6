"""The lake in PostgreSQL: the Parquet files ingest wrote, copied into raw tables of the schema ``lake``.

On DuckDB dbt reads the Parquet in place; PostgreSQL cannot, so the sources ``lake.<table>`` resolve to tables of the
same names that :func:`load_lake` fills, one per lake table, with the lake contract's columns (ingest/lake.py SCHEMAS)
and nothing else. The rows travel as Arrow through ADBC's bulk ingest (COPY), never as row inserts. The schema holds
personal data (names, birth dates): it is created with no privilege for anyone but its owner, the warehouse's role.
Not here: what dbt builds from these tables, and the published release (publishing/).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa

from engines.postgres import connect, without_password
from ingest.lake import SCHEMAS, UNIDENTIFIED, conform, unit_folder

SCHEMA = "lake"
# PostgreSQL's name for each polars type of the lake contract (DuckDB's are in dbt's sources YAML).
POSTGRES_TYPES = {pl.String: "text", pl.Date: "date", pl.Int32: "integer", pl.Int64: "bigint",
                  pl.Datetime: "timestamp"}
# pg_advisory_xact_lock key: two loads at once (two partitions' runs) would race creating the same tables.
LOAD_LOCK = 0x63616472  # "cadr"


class LakeLoadError(RuntimeError):
    """The lake could not be loaded; PostgreSQL keeps the rows it had. The message never holds a password."""


def load_lake(lake: Path, units: list[str] | None, url: str | None = None) -> dict[str, int]:
    """Replace, in PostgreSQL's schema `lake`, the rows of `units` (None: every unit; a table is then rebuilt
    whole) of each lake table with the Parquet files <lake>/<table>/unit=<unit>/*.parquet; returns rows loaded
    per table. Creates schema and tables from the lake contract (ingest/lake.py SCHEMAS) when missing. One
    transaction: a failure leaves the previous rows. url None: libpq's environment (engines.postgres.connect).

    The partition ``unidentified`` (submissions of files whose unit is not known) holds the rows whose unit_code is
    NULL. A file that does not fit the contract (a column of another type) raises :class:`LakeLoadError`."""
    try:
        with connect(url) as connection:
            try:
                loaded = _load(connection, lake, units)
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
            return loaded
    except LakeLoadError:
        raise
    except Exception as error:  # ADBC, polars and Arrow errors alike: the caller needs only the cause
        raise LakeLoadError(without_password(f"{type(error).__name__}: {error}", url)) from None


def _load(connection, lake: Path, units: list[str] | None) -> dict[str, int]:
    loaded = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_xact_lock({LOAD_LOCK})")
        _create_tables(cursor)
        for table in SCHEMAS:
            _delete_rows(cursor, table, units)
            files = _files(lake, table, units)
            loaded[table] = cursor.adbc_ingest(table, _batches(files, table), mode="append",
                                               db_schema_name=SCHEMA) if files else 0
            cursor.execute(f"ANALYZE {SCHEMA}.{table}")
    return loaded


def _create_tables(cursor) -> None:
    """The schema and tables when missing, and any column the contract gained since (appended, as it is)."""
    cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    cursor.execute(f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC")
    cursor.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1",
                   parameters=(SCHEMA,))
    existing = {(table, column) for table, column in cursor.fetchall()}
    for table, schema in SCHEMAS.items():
        columns = [(column, POSTGRES_TYPES[dtype.base_type()]) for column, dtype in schema.items()]
        if not any(name == table for name, _ in existing):
            definition = ", ".join(f"{column} {sql_type}" for column, sql_type in columns)
            cursor.execute(f"CREATE TABLE {SCHEMA}.{table} ({definition})")
            cursor.execute(f"REVOKE ALL ON TABLE {SCHEMA}.{table} FROM PUBLIC")
            continue
        for column, sql_type in columns:
            if (table, column) not in existing:
                cursor.execute(f"ALTER TABLE {SCHEMA}.{table} ADD COLUMN {column} {sql_type}")


def _delete_rows(cursor, table: str, units: list[str] | None) -> None:
    """Remove the rows the load replaces: all of them, or exactly those of ``units``' partitions."""
    if units is None:
        # a whole table (2.8 M memberships nationally): TRUNCATE leaves no dead rows to vacuum, and is as
        # transactional as DELETE; its lock only waits for readers, whom runs of one warehouse never overlap
        cursor.execute(f"TRUNCATE {SCHEMA}.{table}")
        return
    codes = [unit for unit in units if unit != UNIDENTIFIED]
    conditions = [f"unit_code IN ({', '.join(f'${i}' for i in range(1, len(codes) + 1))})"] if codes else []
    if UNIDENTIFIED in units:
        conditions.append("unit_code IS NULL")
    if conditions:
        cursor.execute(f"DELETE FROM {SCHEMA}.{table} WHERE {' OR '.join(conditions)}",
                       parameters=tuple(codes) or None)


def _files(lake: Path, table: str, units: list[str] | None) -> list[Path]:
    if units is None:
        return sorted((lake / table).glob("unit=*/*.parquet"))
    return sorted(path for unit in dict.fromkeys(units) for path in unit_folder(lake, table, unit).glob("*.parquet"))


def _batches(files: list[Path], table: str) -> pa.RecordBatchReader:
    """The files' rows with exactly the contract's columns and types, one file in memory at a time."""
    schema = _arrow(conform(pl.DataFrame(), table)).schema

    def batches() -> Iterator[pa.RecordBatch]:
        for path in files:
            yield from _arrow(conform(pl.read_parquet(path), table)).cast(schema).to_batches()

    return pa.RecordBatchReader.from_batches(schema, batches())


def _arrow(frame: pl.DataFrame) -> pa.Table:
    # strings as Arrow's (large) string, which ADBC's COPY writer knows; newer layouts (string_view) it may not
    return frame.to_arrow(compat_level=pl.CompatLevel.oldest())
