"""The published release describes itself and cannot be locked: comments from the dbt descriptions, NOT NULL where
docs/published-tables.md says "no", the contract's primary keys, the same in the Parquet files, a README, and
read-only files that refuse a read-write open — by a user who is not their owner, as a BI tool's account is.

The tests read the shared demo run (conftest ``demo_run``); the refusal publishes a release of its own.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from publishing.release import DBT_TARGET, publish

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parents[1] / "docs" / "published-tables.md"
TABLES = ("indicators", "ethnicity_composition", "training_recruitment", "submissions", "units", "unit_lineage")
PRIMARY_KEYS = {
    "indicators": ["area_level", "area_code", "as_of_date", "body_code", "indicator_code"],
    "ethnicity_composition": ["area_level", "area_code", "as_of_date", "body_code", "ethnic_code"],
    "training_recruitment": ["area_code", "year", "metric_code"],
    "submissions": ["sha256", "file_name", "received_at"],
    "units": ["unit_code"],
}


def _documented_nullability() -> dict[str, dict[str, bool]]:
    """table → column → may it be NULL, from the "NULL?" column of each table of the docs."""
    sections = re.split(r"^### `(\w+)`$", DOCS.read_text(encoding="utf-8"), flags=re.M)
    return {table: {column: nullable == "yes"
                    for column, nullable in re.findall(r"^\| `(\w+)` \| [A-Z]+ \| (no|yes) \|", body, flags=re.M)}
            for table, body in zip(sections[1::2], sections[2::2]) if table in TABLES}


def _catalog(published: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(published / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(query).fetchall()


def test_every_table_and_column_has_its_dbt_description_as_comment(demo_published, demo_run):
    manifest = json.loads((demo_run.warehouse / "work" / DBT_TARGET / "manifest.json").read_text(encoding="utf-8"))
    described = {n["alias"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    tables = dict(_catalog(demo_published, "select table_name, comment from duckdb_tables()"))
    columns = _catalog(demo_published, "select table_name, column_name, comment from duckdb_columns() where not internal")
    assert set(tables) == set(TABLES) and len(columns) > 60
    for table, comment in tables.items():
        assert comment == " ".join(described[table]["description"].split()), table
    for table, column, comment in columns:
        assert comment and comment == " ".join(described[table]["columns"][column]["description"].split()), column
    value_pct = next(c for t, n, c in columns if (t, n) == ("indicators", "value_pct"))
    assert "100.0 × numerator / denominator" in value_pct


def test_not_null_columns_are_exactly_those_the_docs_say_are_never_null(demo_published):
    documented = _documented_nullability()
    assert set(documented) == set(TABLES)
    published = _catalog(demo_published, "select table_name, column_name, is_nullable from duckdb_columns() "
                                    "where not internal")
    assert {(t, c): nullable for t, c, nullable in published} == {
        (t, c): nullable for t, columns in documented.items() for c, nullable in columns.items()}
    assert not documented["indicators"]["value_pct"] and documented["indicators"]["change_pp"]


def test_primary_keys_are_the_contracts_unique_tests(demo_published):
    keys = _catalog(demo_published, "select table_name, constraint_column_names from duckdb_constraints() "
                                    "where constraint_type = 'PRIMARY KEY'")
    assert dict(keys) == PRIMARY_KEYS


def test_a_duplicate_row_is_refused_by_the_published_key(demo_published, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_published / "warehouse.duckdb", copy)
    copy.chmod(0o644)
    with duckdb.connect(str(copy)) as con:
        with pytest.raises(duckdb.ConstraintException):
            con.execute("insert into indicators select * from indicators limit 1")
        with pytest.raises(duckdb.ConstraintException):
            con.execute("update units set unit_name = null where unit_code = '20'")


def test_parquet_files_carry_the_comments_and_mark_every_not_null_column_required(demo_published):
    tables = dict(_catalog(demo_published, "select table_name, comment from duckdb_tables()"))
    columns = _catalog(demo_published, "select table_name, column_name, comment, is_nullable from duckdb_columns() "
                                       "where not internal")
    for table, description in tables.items():
        schema = pq.read_schema(demo_published / "parquet" / f"{table}.parquet")
        assert schema.metadata[b"description"].decode() == description, table
        for column in (c for c in columns if c[0] == table):
            _, name, comment, nullable = column
            assert schema.metadata[f"description:{name}".encode()].decode() == comment, (table, name)
            # DuckDB's writer also marks a nullable column required when the release holds no NULL in it
            assert nullable or not schema.field(name).nullable, (table, name)


def test_the_readme_names_every_file_and_how_to_open_it_read_only_in_vietnamese_then_english(demo_published):
    readme = (demo_published / "README.txt").read_text(encoding="utf-8")
    for path in demo_published.resolve().iterdir():
        assert path.name in readme, path.name
    assert "parquet/<bảng>.parquet" in readme and "parquet/<table>.parquet" in readme
    assert "quality_report.html" in readme  # copied into the release by the run that publishes it
    for way in ("duckdb -readonly", "read_only=True", "access_mode=read_only", "duckdb.read_only = true"):
        assert readme.count(way) == 2, way  # once in each language
    assert readme.index("Mở cơ sở dữ liệu ở chế độ chỉ đọc") < readme.index("Opening the database read-only")


# Opens every file of a release for writing, then the database read-write and read-only, as a BI tool's account.
# Everything is imported before the privileges are dropped: the interpreter may live where that account cannot read.
OPENER = r"""
import json, os, sys
import duckdb
release, uid, gid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
seen = {"uid": os.geteuid(), "writable": []}
for folder, _, files in os.walk(release):
    for name in files:
        try:
            os.close(os.open(os.path.join(folder, name), os.O_WRONLY))
            seen["writable"].append(name)
        except PermissionError:
            pass
try:
    duckdb.connect(os.path.join(release, "warehouse.duckdb")).close()
    seen["read_write"] = "opened"
except duckdb.Error as error:
    seen["read_write"] = str(error)
with duckdb.connect(os.path.join(release, "warehouse.duckdb"), read_only=True) as con:
    seen["read_only"] = con.execute("select count(*) from indicators").fetchone()[0]
print(json.dumps(seen))
"""


@pytest.fixture
def reachable_warehouse(tmp_path):
    """A warehouse folder any account can reach (pytest's own temporary folders are its owner's only)."""
    if os.geteuid() != 0:
        yield tmp_path / "warehouse"
        return
    folder = Path(tempfile.mkdtemp(prefix="cadre-release-"))
    # As a warehouse is created before a run sets its umask (ingest.modes), and whatever umask an earlier test of
    # this process left: BI users reach ``published`` through it.
    (folder / "warehouse").mkdir()
    for path in (folder, folder / "warehouse"):
        path.chmod(0o755)
    try:
        yield folder / "warehouse"
    finally:
        shutil.rmtree(folder)  # root removes the read-only release too


def test_a_read_write_open_of_a_release_file_is_refused(demo_run, reachable_warehouse):
    """As root, file modes stop nothing: the opener then runs as ``nobody``, as a BI tool's own account would.
    Otherwise it runs as this user, the release's owner, whom 0444 stops as well."""
    work = reachable_warehouse / "work"
    (work / DBT_TARGET).mkdir(parents=True)
    shutil.copyfile(demo_run.warehouse / "work" / "warehouse.duckdb", work / "warehouse.duckdb")
    shutil.copyfile(demo_run.warehouse / "work" / DBT_TARGET / "manifest.json", work / DBT_TARGET / "manifest.json")
    release = publish(work / "warehouse.duckdb", reachable_warehouse)
    nobody = pwd.getpwnam("nobody")
    done = subprocess.run([sys.executable, "-c", OPENER, str(release.path), str(nobody.pw_uid), str(nobody.pw_gid)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["uid"] != 0
    assert seen["writable"] == []
    assert "Permission denied" in seen["read_write"], seen["read_write"]
    assert seen["read_only"] == release.row_counts["indicators"]
