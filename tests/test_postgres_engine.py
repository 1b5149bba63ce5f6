"""CADRE_ENGINE=postgres: the working warehouse on a real PostgreSQL server (the throw-away cluster of
tests/corpus/postgres.py), read the way DuckDB's is, checked by the same suites, published into the same files.

No mock of PostgreSQL: the reader, the quality gate and the CLI talk to the session's cluster.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from corpus.runs import dagster_home
from engines.lake_load import load_lake
from engines.postgres import connect
from engines.reader import WAREHOUSE_SCHEMA, DuckDBWarehouse, check_engine, open_engine
from expectations import load_suites, validate
from expectations.report import PUBLISHED_NAME
from ingest.lake import UNIDENTIFIED
from ingest.pipeline import ingest_inbox
from ingest.settings import SettingsError, load_settings
from orchestration.ingest_assets import LAKE_TABLES, build_lake_assets, lake_units
from orchestration.partitions import unit_partitions, unit_partitions_table
from orchestration.resources import WarehouseResource, warehouse_lock_resource
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


def _checks(home: Path) -> dict[tuple[str, str], tuple]:
    """(asset, check) → (passed, expectations, failed) of every check evaluation the instance recorded."""
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        (run,) = instance.get_runs()
        evaluations = [e.dagster_event.event_specific_data for e in instance.all_logs(run.run_id)
                       if e.dagster_event and e.dagster_event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION]
    finally:
        instance.dispose()

    def shown(evaluation, name):
        value = evaluation.metadata.get(name)
        return None if value is None else value.value

    return {(evaluation.asset_key.to_user_string(), evaluation.check_name):
            (evaluation.passed, shown(evaluation, "expectations"), shown(evaluation, "failed"))
            for evaluation in evaluations}


@pytest.fixture(scope="module")
def postgres_demo_run(cli, run_cli, postgres_cluster, tmp_path_factory):
    """The demo inbox run with CADRE_ENGINE=postgres on a database of its own: (run, database, Dagster home)."""
    root = tmp_path_factory.mktemp("postgres_demo_run")
    written = cli("demo", "--out", root / "inbox")
    assert written.returncode == 0, written.stderr
    database = postgres_cluster.new_database()
    home = dagster_home(root / "dagster_home")
    env = {"CADRE_ENGINE": "postgres", "DAGSTER_HOME": str(home), **postgres_cluster.libpq_env(database)}
    return run_cli(root / "inbox", root / "warehouse", env), database, home


@pytest.mark.postgres
@pytest.mark.slow
def test_demo_on_postgres_publishes_the_indicators_of_the_duckdb_build(postgres_demo_run, demo_published):
    run, _, _ = postgres_demo_run
    assert run.returncode == 0, run.explain()
    on_postgres = pq.read_table(run.published / "parquet" / "indicators.parquet")
    on_duckdb = pq.read_table(demo_published / "parquet" / "indicators.parquet")
    assert on_postgres.schema.remove_metadata() == on_duckdb.schema.remove_metadata()
    assert on_postgres.num_rows > 1000
    assert on_postgres.to_pylist() == on_duckdb.to_pylist()


@pytest.mark.postgres
@pytest.mark.slow
def test_demo_on_postgres_publishes_every_table_with_duckdb_column_types(postgres_demo_run, demo_published):
    run, _, _ = postgres_demo_run
    assert run.returncode == 0, run.explain()

    def columns(release: Path) -> list[tuple]:
        with duckdb.connect(str(release / "warehouse.duckdb"), read_only=True) as con:
            return con.sql("select table_name, column_name, data_type, is_nullable from information_schema.columns"
                           " order by table_name, ordinal_position").fetchall()

    assert columns(run.published) == columns(demo_published)


@pytest.mark.postgres
@pytest.mark.slow
def test_demo_on_postgres_runs_the_same_checks_with_the_same_results(postgres_demo_run, demo_published,
                                                                     demo_dagster_home):
    run, _, home = postgres_demo_run
    assert run.returncode == 0, run.explain()
    assert (run.published / PUBLISHED_NAME).is_file()
    on_postgres, on_duckdb = _checks(home), _checks(demo_dagster_home)
    assert {name for _, name in on_postgres} >= {f"gx_{suite.name}" for suite in load_suites()}
    assert on_postgres == on_duckdb


@pytest.mark.postgres
@pytest.mark.slow
def test_demo_on_postgres_built_the_marts_in_the_warehouse_schema(postgres_demo_run, postgres_cluster):
    run, database, _ = postgres_demo_run
    assert run.returncode == 0, run.explain()
    with connect(postgres_cluster.url(database)) as pg, pg.cursor() as cursor:
        cursor.execute("select table_schema, count(*) from information_schema.tables"
                       " where table_name in ('indicators', 'int_memberships', 'memberships') group by 1 order by 1")
        assert cursor.fetchall() == [("lake", 1), (WAREHOUSE_SCHEMA, 2)]
        cursor.execute("select count(*) from warehouse.indicators")
        in_postgres = cursor.fetchall()
    with duckdb.connect(str(run.published / "warehouse.duckdb"), read_only=True) as con:
        assert in_postgres == con.execute("select count(*) from indicators").fetchall()


def test_a_run_of_every_unit_reloads_the_lake_tables_whole():
    assert lake_units(["178", "183"], ["178", "183"]) is None


def test_a_one_unit_run_reloads_that_unit_and_the_unidentified_files():
    assert lake_units(["183"], ["178", "183"]) == ["183", UNIDENTIFIED]


def test_the_reader_reads_the_schema_dbt_builds_on_postgres():
    profiles = yaml.safe_load((load_settings().dbt_project_dir / "profiles.yml").read_text(encoding="utf-8"))
    assert profiles["cadre_warehouse"]["outputs"]["postgres"]["schema"] == WAREHOUSE_SCHEMA


def _lake_rows(url: str) -> dict[tuple[str, str], int]:
    """(table, unit_code or unidentified) → rows in PostgreSQL's lake."""
    counts = {}
    with connect(url) as pg, pg.cursor() as cursor:
        for table in LAKE_TABLES:
            cursor.execute(f"select coalesce(unit_code, '{UNIDENTIFIED}'), count(*) from lake.{table} group by 1")
            counts |= {(table, unit): n for unit, n in cursor.fetchall()}
    return counts


@pytest.mark.postgres
def test_one_unit_run_on_postgres_replaces_only_that_units_lake_rows(libpq, postgres_cluster, postgres_database,
                                                                     write_small_roster, tmp_path, monkeypatch):
    monkeypatch.setenv("CADRE_ENGINE", "postgres")
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    for name, title in {"cao_loc": "Huyện Cao Lộc", "tp": "Thành phố Lạng Sơn"}.items():
        write_small_roster(inbox / f"{name}_2020.xlsx", title, date(2020, 10, 15))
    settings = load_settings(inbox=inbox, warehouse=warehouse)
    ingest_inbox(settings, log=lambda _: None)
    load_lake(settings.lake, None)
    url = postgres_cluster.url(postgres_database)
    before = _lake_rows(url)
    # New rosters for the unit that runs (183) and for one that does not (178, whose file waits for its own run).
    write_small_roster(inbox / "cao_loc_2021.xlsx", "Huyện Cao Lộc", date(2021, 6, 30), people=12)
    write_small_roster(inbox / "tp_2021.xlsx", "Thành phố Lạng Sơn", date(2021, 6, 30), people=12)

    resources = {"warehouse": WarehouseResource(inbox=str(inbox), warehouse=str(warehouse)),
                 "warehouse_lock": warehouse_lock_resource(settings)}
    lake = build_lake_assets(unit_partitions(settings), unit_partitions_table(settings))
    result = dg.materialize([lake], partition_key="183", resources=resources)

    assert result.success
    after = _lake_rows(url)
    assert before[("memberships", "183")] == 10 and after[("memberships", "183")] == 10 + 12
    assert {k: n for k, n in after.items() if k[1] != "183"} == {k: n for k, n in before.items() if k[1] != "183"}
    materializations = [e.step_materialization_data.materialization for e in result.get_asset_materialization_events()]
    loaded = {m.asset_key.path[-1]: m.metadata["rows_loaded_postgres"].value
              for m in materializations if "rows_loaded_postgres" in m.metadata}
    assert loaded["memberships"] == 22 and loaded["submissions"] == after[("submissions", "183")] + after.get(
        ("submissions", UNIDENTIFIED), 0)
