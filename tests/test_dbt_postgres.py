"""The same dbt project on PostgreSQL, over the lake loaded there (engines/lake_load.py), on a real throw-away cluster.

The demo's DuckDB build (the session's ``demo_run``) is the reference: its lake is loaded into a new database, dbt
builds the target ``postgres`` from it, and every mart must equal the DuckDB build's row for row, doubles exactly.
The loader's own tests build a tiny lake with ingest's writers and check what a partition load replaces and keeps.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

from corpus.runs import BIN
from corpus.runs import environment as clean_environment
from engines.lake_load import LakeLoadError, load_lake
from engines.postgres import connect
from ingest.lake import SCHEMAS, UNIDENTIFIED, unit_folder, write_rows, write_submissions

PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
# The published marts, by relation name (aliases of reporting_units, reporting_unit_lineage, area_indicators).
MARTS = ("indicators", "ethnicity_composition", "training_recruitment", "submissions", "units", "unit_lineage")
POSTGRES_IDENTIFIER_LIMIT = 63


def dbt(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """The venv's dbt on the target postgres, the server named by libpq's environment ``env`` (never in args)."""
    return subprocess.run(
        [str(BIN / "dbt"), *args, "--target", "postgres", "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT)],
        env=clean_environment(env), capture_output=True, text=True, check=False, timeout=900)


def outside_the_project(folder: Path) -> list[str]:
    """dbt's target and log paths in ``folder``, so a test never touches dbt_project/target."""
    return ["--target-path", str(folder), "--log-path", str(folder / "logs")]


def rows(relation_rows: list[dict]) -> list[tuple]:
    """Full rows, sorted (NULLs first in every column), for an order-free comparison."""
    as_tuples = [tuple(row.values()) for row in relation_rows]
    return sorted(as_tuples, key=lambda row: tuple((value is not None, value) for value in row))


def postgres_rows(url: str, sql: str) -> tuple[list[str], list[tuple]]:
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        table = cursor.fetch_arrow_table()
    return table.column_names, rows(table.to_pylist())


@pytest.fixture(scope="module")
def postgres_build(demo_run, postgres_cluster, tmp_path_factory):
    """The demo's lake loaded into a new database and ``dbt build --target postgres`` run over it."""
    assert demo_run.returncode == 0, demo_run.explain()
    database = postgres_cluster.new_database()
    loaded = load_lake(demo_run.warehouse / "lake", None, url=postgres_cluster.url(database))
    target = tmp_path_factory.mktemp("dbt_postgres_target")
    vars_ = yaml.safe_dump({"warehouse": str(demo_run.warehouse), "units": []}, default_flow_style=True)
    built = dbt(postgres_cluster.libpq_env(database), "build", "--exclude-resource-type", "unit_test",
                "--vars", vars_, *outside_the_project(target))
    return {"database": database, "loaded": loaded, "built": built, "target": target, "vars": vars_}


@pytest.mark.postgres
@pytest.mark.slow
def test_dbt_build_on_postgres_passes_every_model_and_test(postgres_build) -> None:
    built = postgres_build["built"]
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-2000:]
    assert " ERROR=0 " in built.stdout and " SKIP=0 " in built.stdout


@pytest.mark.postgres
@pytest.mark.slow
def test_dbt_on_postgres_leaves_the_password_in_no_artifact_or_log(postgres_build, postgres_cluster) -> None:
    written = [path for path in postgres_build["target"].rglob("*") if path.is_file()]
    assert any(path.name == "manifest.json" for path in written) and any(path.suffix == ".log" for path in written)
    assert [path for path in written if postgres_cluster.password.encode() in path.read_bytes()] == []
    assert postgres_cluster.password not in postgres_build["built"].stdout + postgres_build["built"].stderr


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("mart", MARTS)
def test_postgres_mart_equals_the_duckdb_build_row_for_row(postgres_build, postgres_cluster, demo_run, mart) -> None:
    assert postgres_build["built"].returncode == 0, postgres_build["built"].stdout[-3000:]
    with duckdb.connect(str(demo_run.warehouse / "work" / "warehouse.duckdb"), read_only=True) as con:
        duck = con.sql(f"select * from main.{mart}").to_arrow_table()
    expected = (duck.column_names, rows(duck.to_pylist()))
    found = postgres_rows(postgres_cluster.url(postgres_build["database"]), f"select * from warehouse.{mart}")
    assert found[0] == expected[0]
    assert len(found[1]) == len(expected[1]) > 0
    assert found[1] == expected[1]


@pytest.mark.postgres
@pytest.mark.slow
def test_dbt_unit_tests_pass_on_postgres(postgres_build, postgres_cluster) -> None:
    assert postgres_build["built"].returncode == 0, postgres_build["built"].stdout[-3000:]
    tested = dbt(postgres_cluster.libpq_env(postgres_build["database"]), "test", "--select", "test_type:unit",
                 "--vars", postgres_build["vars"], *outside_the_project(postgres_build["target"]))
    assert tested.returncode == 0, tested.stdout[-5000:]
    assert " PASS=" in tested.stdout and " ERROR=0 " in tested.stdout and " FAIL=" not in tested.stdout.replace(
        " FAIL=0", "")


def test_unit_test_names_fit_a_postgres_identifier() -> None:
    """dbt-postgres names a unit test's temporary relation after the test: a longer name fails on PostgreSQL."""
    names = [test["name"] for path in PROJECT.glob("models/**/*.yml")
             for test in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests", [])]
    assert names
    assert [name for name in names if len(name) > POSTGRES_IDENTIFIER_LIMIT] == []


@pytest.mark.postgres
def test_profile_reads_the_password_from_pgpassfile(postgres_cluster, postgres_database, tmp_path) -> None:
    """No PGPASSWORD: the profile's empty password leaves libpq to read PGPASSFILE, as psql would."""
    env = postgres_cluster.libpq_env(postgres_database)
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{env['PGPORT']}:*:{env['PGUSER']}:{env.pop('PGPASSWORD')}\n", encoding="utf-8")
    passfile.chmod(0o600)
    debugged = dbt(env | {"PGPASSFILE": str(passfile)}, "debug", "--log-path", str(tmp_path / "logs"))
    assert debugged.returncode == 0, debugged.stdout[-3000:]
    assert "All checks passed" in debugged.stdout


# --- the loader alone, on a lake of a few rows written by ingest's own writers ---------------------------------------

def write_unit(lake: Path, unit_code: str, sha256: str, people: list[str]) -> None:
    """One accepted submission of ``unit_code`` listing ``people`` (person keys) in the party committee."""
    as_of = date(2024, 12, 31)
    memberships = pl.DataFrame({"source_row": list(range(5, 5 + len(people))), "person_key": people,
                                "birth_year": [1980] * len(people), "body_code": ["party_committee"] * len(people)})
    write_rows(lake, unit_code, sha256, as_of, {"memberships": memberships})
    write_submissions(lake, unit_code, [submission(f"{unit_code}.xlsx", sha256, unit_code, as_of)])


def submission(file_name: str, sha256: str, unit_code: str | None, as_of: date | None) -> dict:
    return {"file_name": file_name, "sha256": sha256, "unit_code": unit_code, "as_of_date": as_of,
            "received_at": datetime(2025, 1, 2, 8, 30), "status": "accepted" if unit_code else "rejected",
            "rows_total": 0, "rows_accepted": 0, "rows_rejected": 0, "message": None, "feedback_file": None}


def lake_rows(url: str, table: str, columns: str) -> list[tuple]:
    return postgres_rows(url, f"select {columns} from lake.{table}")[1]


@pytest.fixture
def small_lake(tmp_path, postgres_cluster, postgres_database) -> tuple[Path, str]:
    """Units 178 (two people) and 180 (one), and an unidentified file, loaded whole; (lake, url)."""
    lake = tmp_path / "lake"
    write_unit(lake, "178", "a" * 64, ["p1", "p2"])
    write_unit(lake, "180", "b" * 64, ["p3"])
    write_submissions(lake, UNIDENTIFIED, [submission("unknown.xlsx", "c" * 64, None, None)])
    url = postgres_cluster.url(postgres_database)
    load_lake(lake, None, url)
    return lake, url


@pytest.mark.postgres
def test_load_lake_creates_the_contracts_tables_and_counts_the_rows(tmp_path, postgres_cluster,
                                                                    postgres_database) -> None:
    lake = tmp_path / "lake"
    write_unit(lake, "178", "a" * 64, ["p1", "p2"])
    loaded = load_lake(lake, None, postgres_cluster.url(postgres_database))
    assert loaded == {"memberships": 2, "rejected_rows": 0, "training": 0, "submissions": 1}
    columns = postgres_cluster.psql("select table_name || '.' || column_name || ' ' || data_type from "
                                    "information_schema.columns where table_schema = 'lake' "
                                    "order by table_name, ordinal_position", postgres_database).splitlines()
    assert [column.split(" ")[0] for column in columns] == [
        f"{table}.{column}" for table in sorted(SCHEMAS) for column in SCHEMAS[table]]
    assert "submissions.received_at timestamp without time zone" in columns
    assert "training.value bigint" in columns and "memberships.source_row integer" in columns


@pytest.mark.postgres
def test_a_partition_load_replaces_that_units_rows_and_keeps_the_others(small_lake) -> None:
    lake, url = small_lake
    for old in unit_folder(lake, "memberships", "178").glob("*.parquet"):
        old.unlink()
    write_unit(lake, "178", "d" * 64, ["p4"])
    loaded = load_lake(lake, ["178"], url)
    assert loaded["memberships"] == 1
    assert lake_rows(url, "memberships", "unit_code, person_key") == [("178", "p4"), ("180", "p3")]
    assert lake_rows(url, "submissions", "unit_code, sha256") == [
        (None, "c" * 64), ("178", "d" * 64), ("180", "b" * 64)]


@pytest.mark.postgres
def test_the_unidentified_partition_is_the_rows_without_a_unit(small_lake) -> None:
    lake, url = small_lake
    write_submissions(lake, UNIDENTIFIED, [submission("other.xlsx", "e" * 64, None, None)])
    load_lake(lake, [UNIDENTIFIED], url)
    assert lake_rows(url, "submissions", "unit_code, file_name") == [
        (None, "other.xlsx"), ("178", "178.xlsx"), ("180", "180.xlsx")]


@pytest.mark.postgres
def test_a_units_load_keeps_the_unidentified_rows(small_lake) -> None:
    lake, url = small_lake
    load_lake(lake, ["178", "180"], url)
    assert (None, "unknown.xlsx") in lake_rows(url, "submissions", "unit_code, file_name")


@pytest.mark.postgres
def test_a_file_that_breaks_the_contract_fails_the_load_and_leaves_the_previous_rows(small_lake) -> None:
    lake, url = small_lake
    before = {table: lake_rows(url, table, "*") for table in SCHEMAS}
    for old in unit_folder(lake, "submissions", "178").glob("*.parquet"):
        old.unlink()
    broken = unit_folder(lake, "memberships", "178") / f"{'f' * 64}.parquet"
    pl.DataFrame({"unit_code": ["178"], "source_row": ["the fifth row"]}).write_parquet(broken)
    with pytest.raises(LakeLoadError, match="source_row|Int32|conversion"):
        load_lake(lake, ["178"], url)
    assert {table: lake_rows(url, table, "*") for table in SCHEMAS} == before


@pytest.mark.postgres
def test_the_lake_schema_is_closed_to_other_roles_whatever_the_database_grants(tmp_path, postgres_cluster,
                                                                                postgres_database) -> None:
    # A database whose administrator opened new tables and the schema to everyone: the load closes both again.
    postgres_cluster.psql("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC; CREATE SCHEMA lake; "
                          "GRANT USAGE ON SCHEMA lake TO PUBLIC", postgres_database)
    lake = tmp_path / "lake"
    write_unit(lake, "178", "a" * 64, ["p1", "p2"])
    load_lake(lake, None, postgres_cluster.url(postgres_database))
    postgres_cluster.psql("CREATE ROLE someone_else LOGIN PASSWORD 'another-password'", postgres_database)
    outsider = postgres_cluster.url(postgres_database, user="someone_else", password="another-password")
    with pytest.raises(Exception, match="permission denied"):
        postgres_rows(outsider, "select count(*) from lake.memberships")


@pytest.mark.postgres
def test_an_unreachable_server_fails_the_load_without_showing_the_password(tmp_path, postgres_cluster) -> None:
    secret = "not-shown-anywhere"
    url = f"postgresql://cadre_admin:{secret}@127.0.0.1:{postgres_cluster.port}/no_such_database"
    with pytest.raises(LakeLoadError) as failed:
        load_lake(tmp_path / "lake", None, url)
    assert "authentication failed" in str(failed.value)
    assert secret not in str(failed.value)



@pytest.mark.postgres
def test_a_load_killed_while_copying_leaves_the_previous_rows(small_lake, postgres_cluster, postgres_database) -> None:
    lake, url = small_lake
    before = {table: lake_rows(url, table, "*") for table in SCHEMAS}
    for number in range(40):  # a million rows for unit 178: the copy lasts long enough to be caught in the act
        write_unit(lake, "178", f"{number:064d}", [f"q{number}_{i}" for i in range(25_000)])
    loading = subprocess.Popen(
        [sys.executable, "-c", f"from pathlib import Path; from engines.lake_load import load_lake; "
                               f"load_lake(Path({str(lake)!r}), ['178'])"],
        env=clean_environment(postgres_cluster.libpq_env(postgres_database)), cwd=PROJECT.parent)
    copying = "select count(*) from pg_stat_activity where state = 'active' and query ilike 'copy%lake%'"
    deadline = time.monotonic() + 120
    while postgres_cluster.psql(copying) == "0" and loading.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert loading.poll() is None, "the load ended before its copy was seen"
    loading.kill()
    loading.wait(timeout=30)
    assert {table: lake_rows(url, table, "*") for table in SCHEMAS} == before
