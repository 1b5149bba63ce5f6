"""The publication on PostgreSQL (publishing/postgres.py), on the session's real throw-away cluster: the demo's
tables there equal the DuckDB publication's, a reader never sees half of a swap, a killed publication leaves the
previous one serving, a failing server leaves the files published and the run failing, and the read-only role reads
the publication and nothing else.

The warehouse publishes as a role of its own (``cadre_warehouse``: CREATEROLE and CREATE on its database, no
superuser), the documented deployment; the tests look as the superuser only to check what is there.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from corpus.postgres import Cluster
from corpus.runs import BIN
from corpus.runs import environment as clean_environment
from engines.postgres import connect
from ingest.settings import load_settings
from orchestration.assembly import build_definitions
from publishing.postgres_roles import ReaderRoleError, scram_verifier
from publishing.release import PUBLISHED_TABLES


PUBLISHER, PUBLISHER_PASSWORD = "cadre_warehouse", "publisher-Secret-7f3a"
READER, READER_PASSWORD = "cadre_reader", "reader-Secret-91c2"
COMPARED = ("indicators", "submissions", "training_recruitment", "ethnicity_composition", "units")
DENIED = "42501"  # insufficient_privilege
# How long the reader may take to see a release: far more than a loaded machine needs, far less than forever.
READER_PATIENCE_SECONDS = 300


def publisher_url(cluster: Cluster, database: str, password: str = PUBLISHER_PASSWORD) -> str:
    """The warehouse's own role on ``database`` (created once per cluster: roles are the cluster's)."""
    cluster.psql(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PUBLISHER}') THEN "
                 f"CREATE ROLE {PUBLISHER} LOGIN CREATEROLE PASSWORD '{PUBLISHER_PASSWORD}'; END IF; END $$")
    cluster.psql(f"GRANT CREATE ON DATABASE {database} TO {PUBLISHER}")
    return cluster.url(database, user=PUBLISHER, password=password)


def reader_url(cluster: Cluster, database: str) -> str:
    return cluster.url(database, user=READER, password=READER_PASSWORD)


def query(url: str, sql: str) -> list[tuple]:
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def served_release(cluster: Cluster, database: str) -> str:
    (release,) = {r for (r,) in query(cluster.url(database), "SELECT release_id FROM cadre.release")}
    return release


def postgres_env(url: str) -> dict[str, str]:
    return {"CADRE_PUBLISH_POSTGRES_URL": url, "CADRE_POSTGRES_READER_PASSWORD": READER_PASSWORD}


def crafted_release(source: Path, warehouse: Path, name: str, change: str) -> Path:
    """A copy of the release folder ``source`` as ``warehouse/releases/name``, its tables changed by the DuckDB SQL
    ``change``, and made the published one."""
    release = warehouse / "releases" / name
    shutil.copytree(source, release)
    for path in [release, *release.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) | stat.S_IWUSR)
    with duckdb.connect(str(release / "warehouse.duckdb")) as con:
        con.execute(change)
    link = warehouse / ".published.link"
    link.symlink_to(os.path.relpath(release, warehouse), target_is_directory=True)
    os.replace(link, warehouse / "published")
    return release


def republish(warehouse: Path, url: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``cadre-warehouse publish-postgres`` in its own process group, started."""
    return subprocess.Popen([str(BIN / "cadre-warehouse"), "publish-postgres", "--warehouse", str(warehouse)],
                            env=clean_environment(postgres_env(url) | (env or {})), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", start_new_session=True)


def republished(warehouse: Path, url: str) -> tuple[int, str, str]:
    process = republish(warehouse, url)
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


def duckdb_rows(database: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def postgres_rows(url: str, table: str) -> list[tuple]:
    return sorted(query(url, f"SELECT * FROM cadre.{table}"), key=repr)


@pytest.fixture(scope="module")
def postgres_demo(postgres_cluster, copy_demo_to, run_cli, tmp_path_factory):
    """A second ``cadre-warehouse run`` over a copy of the demo run, publishing to a new database too."""
    database = postgres_cluster.new_database()
    url = publisher_url(postgres_cluster, database)
    inbox, warehouse = copy_demo_to(tmp_path_factory.mktemp("postgres_demo"))
    done = run_cli(inbox, warehouse, env=postgres_env(url))
    assert done.returncode == 0, done.explain()
    return done, database


@pytest.fixture
def demo_release(demo_run) -> Path:
    assert demo_run.returncode == 0, demo_run.explain()
    return demo_run.published.resolve()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("table", COMPARED)
def test_demo_tables_on_postgres_equal_the_duckdb_publication(postgres_demo, postgres_cluster, table):
    done, database = postgres_demo
    published = postgres_rows(postgres_cluster.url(database), table)
    assert published, table
    # Row for row and value for value: dates stay dates, timestamps timestamps, doubles the same doubles.
    assert published == duckdb_rows(done.published / "warehouse.duckdb", table)


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_names_the_release_the_files_publish(postgres_demo, postgres_cluster):
    done, database = postgres_demo
    url = postgres_cluster.url(database)
    assert served_release(postgres_cluster, database) == done.published.resolve().name
    counts = dict(query(url, "SELECT table_name, row_count FROM cadre.release"))
    assert set(counts) == set(PUBLISHED_TABLES)
    assert counts == {t: query(url, f"SELECT count(*) FROM cadre.{t}")[0][0] for t in PUBLISHED_TABLES}


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_column_types_are_the_duckdb_ones(postgres_demo, postgres_cluster):
    _, database = postgres_demo
    types = dict(((t, c), d) for t, c, d in query(postgres_cluster.url(database), (
        "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'cadre'")))
    assert types[("indicators", "period")] == "integer"
    assert types[("indicators", "as_of_date")] == "date"
    assert types[("indicators", "value_pct")] == "double precision"
    assert types[("indicators", "meets_target")] == "boolean"
    assert types[("indicators", "area_code")] == "text"
    assert types[("submissions", "received_at")] == "timestamp without time zone"
    assert types[("training_recruitment", "value")] == "bigint"


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_tables_carry_the_contract(postgres_demo, postgres_cluster):
    done, database = postgres_demo
    url = postgres_cluster.url(database)
    with duckdb.connect(str(done.published / "warehouse.duckdb"), read_only=True) as con:
        comment = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'indicators' AND "
                              "column_name = 'value_pct'").fetchone()[0]
    assert query(url, "SELECT col_description('cadre.indicators'::regclass, attnum) FROM pg_attribute WHERE "
                      "attrelid = 'cadre.indicators'::regclass AND attname = 'value_pct'") == [(comment,)]
    assert query(url, "SELECT obj_description('cadre.indicators'::regclass, 'pg_class') IS NOT NULL") == [(True,)]
    nullable = dict(query(url, "SELECT column_name, is_nullable FROM information_schema.columns WHERE "
                               "table_schema = 'cadre' AND table_name = 'indicators'"))
    assert nullable["indicator_code"] == "NO" and nullable["term"] == "YES"
    keys = dict(query(url, "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                           "contype = 'p' AND connamespace = 'cadre'::regnamespace"))
    assert keys["cadre.units"] == "PRIMARY KEY (unit_code)"
    assert keys["cadre.release"] == "PRIMARY KEY (table_name)"


@pytest.mark.postgres
@pytest.mark.slow
def test_reader_reads_the_publication(postgres_demo, postgres_cluster):
    _, database = postgres_demo
    assert query(reader_url(postgres_cluster, database), "SELECT count(*) FROM cadre.indicators")[0][0] > 0


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("statement", [
    "INSERT INTO cadre.units (unit_code) VALUES ('x')",
    "UPDATE cadre.indicators SET numerator = 0",
    "DELETE FROM cadre.submissions",
    "TRUNCATE cadre.units",
    "CREATE TABLE cadre.mine (x int)",
    "DROP TABLE cadre.units",
])
@pytest.mark.postgres
@pytest.mark.slow
def test_reader_cannot_write_the_publication(postgres_demo, postgres_cluster, statement):
    _, database = postgres_demo
    with pytest.raises(Exception) as refused:
        query(reader_url(postgres_cluster, database), statement)
    # Refused for want of the privilege (the table's owner is the warehouse), not for some other reason.
    assert getattr(refused.value, "sqlstate", None) == DENIED or "must be owner" in str(refused.value)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("schema", ["lake", "warehouse"])
def test_reader_cannot_read_the_engines_schemas(postgres_demo, postgres_cluster, schema):
    """The working warehouse on PostgreSQL (CADRE_ENGINE=postgres) may share the database: its raw lake tables hold
    personal data and are the warehouse role's alone."""
    _, database = postgres_demo
    owner = publisher_url(postgres_cluster, database)
    with connect(owner) as connection, connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {schema}.memberships AS SELECT 'synthetic' AS full_name")
        connection.commit()
    with pytest.raises(Exception) as refused:
        query(reader_url(postgres_cluster, database), f"SELECT * FROM {schema}.memberships")
    assert refused.value.sqlstate == DENIED


@pytest.mark.postgres
@pytest.mark.slow
def test_passwords_are_never_in_the_runs_output_or_log(postgres_demo):
    done, _ = postgres_demo
    assert done.log and done.log.is_file()
    for text in (done.stdout, done.stderr, done.log.read_text(encoding="utf-8", errors="replace")):
        assert PUBLISHER_PASSWORD not in text
        assert READER_PASSWORD not in text
    assert "cadre_warehouse:***@127.0.0.1" in done.stdout  # where it went, as it may be shown


@pytest.mark.postgres
@pytest.mark.slow
def test_reader_cannot_read_the_previous_release(postgres_cluster, postgres_database, demo_release, tmp_path):
    url = publisher_url(postgres_cluster, postgres_database)
    warehouse = tmp_path / "warehouse"
    crafted_release(demo_release, warehouse, demo_release.name, "SELECT 1")
    assert republished(warehouse, url)[0] == 0
    assert republished(warehouse, url)[0] == 0
    assert query(postgres_cluster.url(postgres_database), "SELECT count(*) FROM cadre_previous.release")[0][0] > 0
    with pytest.raises(Exception) as refused:
        query(reader_url(postgres_cluster, postgres_database), "SELECT * FROM cadre_previous.release")
    assert refused.value.sqlstate == DENIED


class ReleaseReader(threading.Thread):
    """A BI server's reader: read-committed transactions of several statements (the release's recorded counts,
    then each table's count), over and over; each transaction must agree with itself."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.seen: list[str] = []
        self.errors: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        with connect(self.url) as connection, connection.cursor() as cursor:
            while not self.stopping.is_set():
                try:
                    self.errors += self._transaction(cursor)
                except Exception as error:  # noqa: BLE001 — any failure of a reader is the finding
                    self.errors.append(f"{type(error).__name__}: {error}")
                connection.rollback()

    def _transaction(self, cursor) -> list[str]:
        cursor.execute("SELECT release_id, table_name, row_count FROM cadre.release ORDER BY table_name")
        recorded = cursor.fetchall()
        (release,) = {r for r, _, _ in recorded}
        problems = []
        for _, table, count in recorded:
            cursor.execute(f"SELECT count(*) FROM cadre.{table}")
            found = cursor.fetchone()[0]
            if found != count or found == 0:
                problems.append(f"{release}: {table} has {found} rows, the release records {count}")
        if not self.seen or self.seen[-1] != release:
            self.seen.append(release)
        return problems


def two_releases(cluster: Cluster, database: str, demo_release: Path, warehouse: Path) -> tuple[str, Path]:
    """The demo's release published on ``database``, and a second one (every table one row shorter) made the
    published one in ``warehouse``: (the publisher's URL, the second release)."""
    url = publisher_url(cluster, database)
    crafted_release(demo_release, warehouse, demo_release.name, "SELECT 1")
    assert republished(warehouse, url)[0] == 0
    second = crafted_release(demo_release, warehouse, "20990101T000000000000Z-1", "; ".join(
        f"DELETE FROM {t} WHERE rowid IN (SELECT min(rowid) FROM {t})" for t in PUBLISHED_TABLES))
    return url, second


@pytest.mark.postgres
@pytest.mark.slow
def test_reader_sees_one_whole_release_during_a_publication(postgres_cluster, postgres_database, demo_release,
                                                             tmp_path):
    # Two releases whose every table has a different row count, so a mix of the two cannot agree with either.
    warehouse = tmp_path / "warehouse"
    url, second = two_releases(postgres_cluster, postgres_database, demo_release, warehouse)
    reader = ReleaseReader(reader_url(postgres_cluster, postgres_database))
    reader.start()
    # A reader whose every transaction fails would otherwise be waited for forever; the asserts below say why.
    deadline = time.monotonic() + READER_PATIENCE_SECONDS
    try:
        while not reader.seen and reader.is_alive() and time.monotonic() < deadline:
            reader.join(0.05)
        assert reader.seen == [demo_release.name], reader.errors[:3]
        returncode, out, err = republished(warehouse, url)
        assert returncode == 0, out + err
        while reader.seen[-1] != second.name and reader.is_alive() and time.monotonic() < deadline:
            reader.join(0.05)
    finally:
        reader.stopping.set()
        reader.join()
    assert reader.errors == []
    assert reader.seen == [demo_release.name, second.name]


def wait_until_waiting_for_a_lock(cluster: Cluster, database: str, publisher: subprocess.Popen) -> None:
    """Until the publication's swap is seen queued for a lock a reader holds (it is, between short attempts)."""
    while cluster.psql(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND usename = "
                       f"'{PUBLISHER}' AND wait_event_type = 'Lock'") == "0":
        assert publisher.poll() is None, publisher.communicate()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_reader_mid_transaction_keeps_its_release_and_the_swap_waits_for_it(postgres_cluster, postgres_database,
                                                                              demo_release, tmp_path):
    url, second = two_releases(postgres_cluster, postgres_database, demo_release, tmp_path / "warehouse")
    with connect(reader_url(postgres_cluster, postgres_database)) as reader, reader.cursor() as cursor:
        cursor.execute("SELECT DISTINCT release_id, (SELECT row_count FROM cadre.release WHERE table_name = "
                       "'ethnicity_composition') FROM cadre.release")
        (release, recorded), = cursor.fetchall()
        publisher = republish(second.parent.parent, url)
        wait_until_waiting_for_a_lock(postgres_cluster, postgres_database, publisher)
        # A table the swap may hold already: the reader waits for the swap's attempt to give way, and reads its
        # own release, never a deadlock error.
        cursor.execute("SELECT count(*) FROM cadre.ethnicity_composition")
        assert cursor.fetchall() == [(recorded,)]
        reader.rollback()
        out, err = publisher.communicate(timeout=600)
    assert release == demo_release.name
    assert publisher.returncode == 0, out + err
    assert served_release(postgres_cluster, postgres_database) == second.name


@pytest.mark.postgres
@pytest.mark.slow
def test_a_reader_holding_the_tables_too_long_fails_the_publication_not_the_reader(postgres_cluster,
                                                                                   postgres_database, demo_release,
                                                                                   tmp_path):
    url, second = two_releases(postgres_cluster, postgres_database, demo_release, tmp_path / "warehouse")
    with connect(reader_url(postgres_cluster, postgres_database)) as reader, reader.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cadre.release")
        publisher = republish(second.parent.parent, url, {"CADRE_POSTGRES_LOCK_TIMEOUT_SECONDS": "1"})
        out, err = publisher.communicate(timeout=600)
        cursor.execute("SELECT count(*) FROM cadre.indicators")
        assert cursor.fetchall()[0][0] > 0
    assert publisher.returncode == 1
    assert "BI queries held the tables of schema cadre for more than 1 s" in err
    assert served_release(postgres_cluster, postgres_database) == demo_release.name


@pytest.mark.postgres
@pytest.mark.slow
def test_killed_publication_leaves_the_previous_release_serving(postgres_cluster, postgres_database, demo_release,
                                                                tmp_path):
    url = publisher_url(postgres_cluster, postgres_database)
    warehouse = tmp_path / "warehouse"
    first = crafted_release(demo_release, warehouse, demo_release.name, "SELECT 1")
    assert republished(warehouse, url)[0] == 0
    # A release whose indicators are large enough for its COPY to be caught while it runs.
    crafted_release(demo_release, warehouse, "20990101T000000000000Z-1",
                    "INSERT INTO indicators SELECT t.* REPLACE (t.area_code || '-' || copies.n AS area_code) "
                    "FROM indicators AS t, range(400) AS copies(n)")
    loader = republish(warehouse, url)
    try:
        while postgres_cluster.psql(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{postgres_database}' "
                                    "AND query LIKE 'COPY%' AND state = 'active'") == "0":
            assert loader.poll() is None, loader.communicate()
    finally:
        os.killpg(loader.pid, signal.SIGKILL)
        loader.wait()
    assert served_release(postgres_cluster, postgres_database) == first.name
    assert query(postgres_cluster.url(postgres_database), "SELECT count(*) FROM pg_namespace WHERE nspname = "
                 "'cadre_next'") == [(0,)]
    # A schema left by hand under the loader's name does not stop the next publication either.
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA cadre_next")
        cursor.execute("CREATE TABLE cadre_next.indicators (x int)")
        connection.commit()
    returncode, out, err = republished(warehouse, url)
    assert returncode == 0, out + err
    assert served_release(postgres_cluster, postgres_database) == "20990101T000000000000Z-1"


@pytest.mark.postgres
@pytest.mark.slow
def test_republish_to_a_closed_port_fails_naming_the_cause(postgres_cluster, demo_release, tmp_path):
    warehouse = tmp_path / "warehouse"
    crafted_release(demo_release, warehouse, demo_release.name, "SELECT 1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    returncode, out, err = republished(warehouse, f"postgresql://{PUBLISHER}:{PUBLISHER_PASSWORD}@127.0.0.1:{closed}/x")
    assert returncode == 1
    assert "không kết nối được máy chủ PostgreSQL" in err and "cannot connect to the PostgreSQL server" in err
    assert "Connection refused" in err
    assert PUBLISHER_PASSWORD not in out + err


def test_republish_without_a_url_is_a_usage_error(cli, tmp_path):
    warehouse = tmp_path / "warehouse"
    (warehouse / "published").mkdir(parents=True)
    (warehouse / "published" / "warehouse.duckdb").touch()
    done = cli("publish-postgres", "--warehouse", warehouse)
    assert done.returncode == 2
    assert "CADRE_PUBLISH_POSTGRES_URL" in done.stderr


def test_republish_with_nothing_published_is_a_usage_error(cli, tmp_path):
    done = cli("publish-postgres", "--warehouse", tmp_path, env=postgres_env("postgresql://u:p@127.0.0.1:1/x"))
    assert done.returncode == 2
    assert "nothing is published" in done.stderr


@pytest.mark.postgres
@pytest.mark.slow
def test_run_with_a_wrong_password_publishes_the_files_and_fails(postgres_cluster, postgres_database, demo_copy,
                                                                 demo_release, run_cli):
    inbox, warehouse = demo_copy
    url = publisher_url(postgres_cluster, postgres_database)
    returncode, out, err = republished(warehouse, url)
    assert returncode == 0, out + err
    wrong = publisher_url(postgres_cluster, postgres_database, password="not-the-Password-3b")
    done = run_cli(inbox, warehouse, env=postgres_env(wrong))
    assert done.returncode == 1, done.explain()
    assert done.published.resolve().name != demo_release.name  # the files were published
    assert "password authentication failed" in done.stdout
    assert "publishing to PostgreSQL failed" in done.stdout and "files published" in done.stdout
    assert "not-the-Password-3b" not in done.stdout + done.stderr + done.log.read_text(encoding="utf-8")
    assert served_release(postgres_cluster, postgres_database) == demo_release.name


def test_reader_password_must_be_printable_ascii():
    with pytest.raises(ReaderRoleError):
        scram_verifier("mật khẩu")


@pytest.mark.parametrize("url", ["postgresql://cadre_warehouse:p@db.internal/cadre", None])
def test_the_postgres_publication_is_an_asset_after_published_only_with_a_url(tmp_path, url):
    env = {"CADRE_PERSON_KEY_SECRET": "s"} | ({"CADRE_PUBLISH_POSTGRES_URL": url} if url else {})
    graph = build_definitions(load_settings(inbox=tmp_path, warehouse=tmp_path, env=env)).resolve_asset_graph()
    key = dg.AssetKey(["published_postgres"])
    if url:
        assert graph.get(key).parent_keys == {dg.AssetKey(["published"])}
    else:
        assert key not in graph.get_all_asset_keys()
