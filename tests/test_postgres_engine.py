"""CADRE_ENGINE=postgres: the working warehouse on a real PostgreSQL server (the throw-away cluster of
tests/corpus/postgres.py), read the way DuckDB's is, checked by the same suites, published into the same files.

No mock of PostgreSQL: the reader, the quality gate and the CLI talk to the session's cluster.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from engines.postgres import connect
from engines.reader import WAREHOUSE_SCHEMA, DuckDBWarehouse, check_engine, open_engine
from expectations import load_suites, validate
from ingest.settings import SettingsError, load_settings
from test_expectations import PARAMS, small_warehouse

NOWHERE = Path("/nonexistent/warehouse.duckdb")  # a PostgreSQL reader never opens the DuckDB file


@pytest.fixture
def libpq(postgres_cluster, postgres_database, monkeypatch) -> dict[str, str]:
    """libpq's environment naming this test's database, in this process (as a run's environment names it)."""
    env = postgres_cluster.libpq_env(postgres_database)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _copy_to_postgres(con: duckdb.DuckDBPyConnection) -> None:
    """Every table of the DuckDB connection into the schema dbt builds on PostgreSQL, through Arrow."""
    with connect() as pg, pg.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {WAREHOUSE_SCHEMA}")
        for (table,) in con.sql("select table_name from duckdb_tables()").fetchall():
            rows = con.sql(f"select * from {table}").to_arrow_table()
            # A column of NULLs only has no type PostgreSQL knows.
            rows = pa.table([c.cast(pa.string()) if pa.types.is_null(c.type) else c for c in rows.columns],
                            names=rows.column_names)
            cursor.adbc_ingest(table, rows, mode="create", db_schema_name=WAREHOUSE_SCHEMA)
        pg.commit()


def _outcomes(results) -> list:
    return [(r.suite, r.success, [(o.type, o.column, o.success, o.observed, o.examples) for o in r.results])
            for r in results]


def test_duckdb_reader_gives_a_query_as_arrow():
    warehouse = DuckDBWarehouse(duckdb.connect())
    table = warehouse.arrow("select 1::integer as n, 'a' as code")
    assert table.schema == pa.schema([("n", pa.int32()), ("code", pa.string())])


def test_duckdb_reader_opens_the_work_file_read_only(tmp_path):
    work = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(work)).execute("create table units as select '20' as unit_code").close()
    with open_engine("duckdb", work) as warehouse:
        assert warehouse.arrow("select unit_code from units").column(0).to_pylist() == ["20"]
        with pytest.raises(duckdb.Error, match="read-only"):
            warehouse.arrow("create table written as select 1")


@pytest.mark.postgres
def test_postgres_reader_finds_relations_in_dbt_schema(libpq):
    with connect() as pg, pg.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {WAREHOUSE_SCHEMA}")
        cursor.execute(f"CREATE TABLE {WAREHOUSE_SCHEMA}.units AS SELECT '20'::varchar AS unit_code")
        pg.commit()
    with open_engine("postgres", NOWHERE) as warehouse:
        assert warehouse.arrow("select unit_code from units").column(0).to_pylist() == ["20"]


@pytest.mark.postgres
def test_postgres_reader_gives_the_types_duckdb_gives(libpq):
    query = ("select sum(x) as total, avg(x) as mean, 1.5::numeric(4, 2) as share, count(*) as n, min(x) as low,"
             " timestamptz '2025-01-05 08:00:00+07' as received_at, date '2025-01-05' as as_of_date,"
             " true as flag, 'x'::varchar as code"
             " from (values (1::integer), (2::integer)) as t(x)")
    with open_engine("postgres", NOWHERE) as warehouse:
        table = warehouse.arrow(query)
    # DuckDB's own sum(integer) is HUGEINT: the runner and the publisher take it as a number either way; the rest
    # must be exactly DuckDB's types for the same SQL.
    assert table.schema == pa.schema([
        ("total", pa.int64()), ("mean", pa.float64()), ("share", pa.float64()), ("n", pa.int64()),
        ("low", pa.int32()), ("received_at", pa.timestamp("us")), ("as_of_date", pa.date32()), ("flag", pa.bool_()),
        ("code", pa.string())])
    assert table.column("received_at").to_pylist()[0].isoformat() == "2025-01-05T01:00:00"  # UTC, as DuckDB's


@pytest.mark.postgres
def test_postgres_reader_cannot_write(libpq):
    with open_engine("postgres", NOWHERE) as warehouse, pytest.raises(Exception, match="read-only transaction"):
        warehouse.arrow("create table public.written as select 1 as n")


@pytest.mark.postgres
def test_postgres_reader_reads_on_after_a_failed_query(libpq):
    with open_engine("postgres", NOWHERE) as warehouse:
        with pytest.raises(Exception, match="does not exist"):
            warehouse.arrow("select * from no_such_table")
        settings = warehouse.arrow("select current_setting('search_path') as path,"
                                   " current_setting('transaction_read_only') as read_only").to_pylist()
    assert settings == [{"path": WAREHOUSE_SCHEMA, "read_only": "on"}]


@pytest.mark.postgres
def test_suites_find_the_same_on_postgres_as_on_duckdb(libpq):
    con = small_warehouse()
    # A defect that integer division would hide on PostgreSQL: 5 of 40 rows rejected is more than PARAMS allows.
    con.execute("update submissions set rows_rejected = 5 where file_name = '180_2024.xlsx'")
    _copy_to_postgres(con)
    on_duckdb = [validate(s, DuckDBWarehouse(con), PARAMS) for s in load_suites()]
    with open_engine("postgres", NOWHERE) as warehouse:
        on_postgres = [validate(s, warehouse, PARAMS) for s in load_suites()]
    assert not next(r for r in on_duckdb if r.suite == "submissions").success
    assert _outcomes(on_postgres) == _outcomes(on_duckdb)


@pytest.mark.postgres
def test_reachable_engine_passes_the_check(libpq):
    check_engine(load_settings(env={"CADRE_ENGINE": "postgres"}))


@pytest.mark.postgres
def test_unreachable_engine_is_refused_in_both_languages_without_its_password(libpq, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "not-the-password-4711")
    with pytest.raises(SettingsError) as refused:
        check_engine(load_settings(env={"CADRE_ENGINE": "postgres"}))
    message = str(refused.value)
    assert "không kết nối được máy chủ PostgreSQL" in message and "cannot reach the PostgreSQL server" in message
    assert f"PGPORT={libpq['PGPORT']}" in message
    assert "not-the-password-4711" not in message


def test_duckdb_engine_needs_no_server(monkeypatch):
    monkeypatch.setenv("PGPORT", "1")
    check_engine(load_settings(env={}))


@pytest.mark.postgres
def test_run_on_an_unreachable_server_stops_before_starting(cli, tmp_path, postgres_cluster, postgres_database):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = postgres_cluster.libpq_env(postgres_database, password="wrong-password-0815")
    done = cli("run", "--inbox", inbox, "--warehouse", tmp_path / "warehouse", env={"CADRE_ENGINE": "postgres", **env})
    assert done.returncode == 2, done.stderr
    assert "CADRE_ENGINE=postgres" in done.stderr and "password authentication failed" in done.stderr
    assert "wrong-password-0815" not in done.stdout + done.stderr
    assert not (tmp_path / "warehouse" / "published").exists()
