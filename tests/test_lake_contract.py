"""The lake has one contract: what ingest writes (``ingest.lake.SCHEMAS``) is what dbt declares as its sources.

dbt's staging models cast nothing, so a column ingest renames, reorders or retypes must show up here first, not as a
wrong mart. Pure Python: reads the schema dict and the sources YAML, runs neither polars nor dbt.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import yaml

from ingest.lake import SCHEMAS

SOURCES_YML = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "staging" / "_lake__sources.yml"
# How DuckDB reads each polars type back from Parquet.
DUCKDB_TYPES = {pl.String: "varchar", pl.Date: "date", pl.Int32: "integer", pl.Int64: "bigint",
                pl.Datetime: "timestamp"}


def declared_sources() -> dict[str, list[tuple[str, str | None]]]:
    """Table → [(column, data_type)] of the dbt source `lake`, in the YAML's order."""
    [lake] = [source for source in yaml.safe_load(SOURCES_YML.read_text(encoding="utf-8"))["sources"]
              if source["name"] == "lake"]
    return {table["name"]: [(column["name"], column.get("data_type")) for column in table["columns"]]
            for table in lake["tables"]}


def written_by_ingest() -> dict[str, list[tuple[str, str]]]:
    return {table: [(column, DUCKDB_TYPES[dtype.base_type()]) for column, dtype in schema.items()]
            for table, schema in SCHEMAS.items()}


def test_dbt_sources_are_the_tables_ingest_writes() -> None:
    assert sorted(declared_sources()) == sorted(SCHEMAS)


def test_dbt_sources_have_ingests_columns_in_its_order() -> None:
    declared = {table: [name for name, _ in columns] for table, columns in declared_sources().items()}
    assert declared == {table: list(schema) for table, schema in SCHEMAS.items()}


def test_dbt_sources_declare_ingests_column_types() -> None:
    assert declared_sources() == written_by_ingest()


def test_every_polars_type_of_the_lake_has_a_duckdb_name() -> None:
    unmapped = {f"{table}.{column}: {dtype}" for table, schema in SCHEMAS.items()
                for column, dtype in schema.items() if dtype.base_type() not in DUCKDB_TYPES}
    assert unmapped == set()
