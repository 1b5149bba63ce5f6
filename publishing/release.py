"""Write-audit-publish, the publish half: build a release where no reader looks, then swap it in atomically.

``<warehouse>/published`` is a symbolic link to ``<warehouse>/releases/<id>/``. A release is complete before the link
moves, and the link moves with one ``rename`` (atomic on POSIX), so a BI tool opening ``published/warehouse.duckdb``
gets the old release or the new one, never half of either. A reader that still holds the old file open keeps reading
it; the two previous releases are kept for such readers and for rollback.

The run writes privately (``ingest.modes``), but a release is for every BI user: ``releases/`` is opened to them, and
a finished release is made read-only (0555 folders, 0444 files), nobody's to change once it may be published. A
client that forgets to open the database read-only is refused instead of taking the write lock every reader needs.

The release is the same whatever engine dbt built the working warehouse on (``CADRE_ENGINE``): DuckDB's file is
attached and copied; PostgreSQL's tables are read as Arrow (``engines.reader``, which gives PostgreSQL's types as
DuckDB's) and sorted here, so the files, their column types and their row order do not depend on the engine.

The release describes itself: its tables carry the contract of the dbt run that built them (``publishing.contract``:
comments, NOT NULL, primary keys, Parquet metadata), and ``README.txt`` says what each file is and how to open it.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from engines.reader import open_engine
from expectations.report import copy_latest_report
from ingest.settings import OPEN_FOLDER_MODE, RELEASE_FILE_MODE, RELEASE_FOLDER_MODE
from publishing.board_workbook import FILE_NAME as BOARD_WORKBOOK
from publishing.board_workbook import write_board_workbook
from publishing.contract import apply_contract, parquet_metadata, read_contract
from publishing.report import render_report

# Published table → (relation in the working warehouse, sort order that makes output files reproducible).
PUBLISHED_TABLES = {
    "indicators": ("indicators", "area_level, area_code, as_of_date, body_code, indicator_code"),
    "ethnicity_composition": ("ethnicity_composition", "area_level, area_code, as_of_date, body_code, ethnic_code"),
    "training_recruitment": ("training_recruitment", "area_code, year, metric_code"),
    "submissions": ("submissions", "received_at, file_name, sha256"),
    "units": ("units", "unit_code"),
    "unit_lineage": ("unit_lineage", "unit_code, former_unit_level, former_unit_name"),
}
RELEASES_KEPT = 3
# A release is named after the time it was built (UTC, to the microsecond) and the building process.
RELEASE_TIME = "%Y%m%dT%H%M%S%fZ"
# dbt's target folder of the run that built the working warehouse (orchestration.dbt), beside it: its manifest is the
# contract of exactly the tables being published.
DBT_TARGET = "dbt_target"
README = Path(__file__).with_name("published_readme.txt")


@dataclass(frozen=True)
class Release:
    path: Path
    row_counts: dict[str, int]


def _release_id(published_at: datetime) -> str:
    return published_at.strftime(RELEASE_TIME) + f"-{os.getpid()}"


def published_at(release_id: str) -> datetime:
    """When the release named ``release_id`` was built (UTC): the time its name begins with."""
    return datetime.strptime(release_id.split("-")[0], RELEASE_TIME).replace(tzinfo=UTC)


def build_release(work_database: Path, releases: Path, engine: str = "duckdb") -> Release:
    """A complete release folder: warehouse.duckdb (published tables only), parquet/<table>.parquet, report.html,
    the board's bao_cao_chi_so.xlsx and README.txt. ``engine``: where the working warehouse is (ingest.settings
    ENGINES); ``work_database``'s folder holds the dbt run's manifest either way."""
    releases.mkdir(parents=True, exist_ok=True)
    releases.chmod(OPEN_FOLDER_MODE)
    published_at = datetime.now(UTC)
    target = releases / _release_id(published_at)
    (target / "parquet").mkdir(parents=True)
    try:
        release = Release(target, _fill(target, work_database, published_at, engine))
        _make_read_only(target)
        return release
    except BaseException:
        _remove(target)
        raise


def _make_read_only(release: Path) -> None:
    for path in sorted(release.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        path.chmod(RELEASE_FOLDER_MODE if path.is_dir() else RELEASE_FILE_MODE)
    release.chmod(RELEASE_FOLDER_MODE)


def _remove(release: Path) -> None:
    """Delete a release, read-only or not: its folders must be writable again for their files to be unlinked."""
    for folder in [release, *(p for p in release.rglob("*") if p.is_dir() and not p.is_symlink())]:
        try:
            folder.chmod(stat.S_IMODE(folder.stat().st_mode) | stat.S_IWUSR)
        except OSError:  # gone already, or not ours: rmtree below says nothing either
            continue
    shutil.rmtree(release, ignore_errors=True)


def _copy_published_tables(con: duckdb.DuckDBPyConnection, work_database: Path, engine: str) -> None:
    """Each published relation of the working warehouse into the release database, sorted by its order."""
    if engine == "duckdb":
        # File to file inside DuckDB, with no round trip through Arrow.
        con.execute(f"ATTACH '{work_database}' AS work (READ_ONLY)")
        for table, (relation, order) in PUBLISHED_TABLES.items():
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM work.main.{relation} ORDER BY {order}")
        con.execute("DETACH work")
        return
    with open_engine(engine, work_database) as warehouse:
        for table, (relation, order) in PUBLISHED_TABLES.items():
            # Sorted by DuckDB, not the server, whose collation may order text otherwise.
            con.register("working_rows", warehouse.arrow(f"SELECT * FROM {relation}"))
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM working_rows ORDER BY {order}")
            con.unregister("working_rows")


def _fill(target: Path, work_database: Path, published_at: datetime, engine: str) -> dict[str, int]:
    contracts = read_contract(work_database.parent / DBT_TARGET / "manifest.json",
                              [relation for relation, _ in PUBLISHED_TABLES.values()])
    counts = {}
    with duckdb.connect(str(target / "warehouse.duckdb")) as con:
        _copy_published_tables(con, work_database, engine)
        for table, (relation, _order) in PUBLISHED_TABLES.items():
            apply_contract(con, table, contracts[relation])
            con.execute(f"COPY {table} TO '{target / 'parquet' / f'{table}.parquet'}' "
                        f"(FORMAT parquet, {parquet_metadata(contracts[relation])})")
            # fetchall: a result left open by fetchone would make DuckDB refuse the report's next query.
            counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        checked = copy_latest_report(work_database.parent.parent / "quality", target)  # how it was checked
        (target / "report.html").write_text(render_report(con, checked.name if checked else None), encoding="utf-8")
        write_board_workbook(con, target / BOARD_WORKBOOK, published_at, target.name)
        con.execute("CHECKPOINT")
    shutil.copyfile(README, target / "README.txt")
    return counts


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def swap_in(release: Release, published: Path) -> None:
    """Point ``published`` at ``release`` with one atomic rename, then prune old releases."""
    # The release on disk before the link moves to it, and the link after: a power cut, too, leaves the old release
    # published or the new one, whole.
    for path in [*release.path.rglob("*"), release.path, release.path.parent]:
        _fsync(path)
    link = published.with_name(f".{published.name}.{os.getpid()}.link")
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(release.path, published.parent), target_is_directory=True)
    if published.is_dir() and not published.is_symlink():
        # A folder left by an older layout: move it aside so the link can take its place.
        published.rename(published.with_name(f"{published.name}.old-{_release_id(datetime.now(UTC))}"))
    os.replace(link, published)
    _fsync(published.parent)
    _prune(release.path.parent, keep={release.path.name})


def _prune(releases: Path, keep: set[str]) -> None:
    ordered = sorted(p for p in releases.iterdir() if p.is_dir())
    for old in ordered[:-RELEASES_KEPT]:
        if old.name not in keep:
            _remove(old)


def publish(work_database: Path, warehouse: Path, engine: str = "duckdb") -> Release:
    """Build a release from the working warehouse on ``engine`` and make it the published one."""
    release = build_release(work_database, warehouse / "releases", engine)
    swap_in(release, warehouse / "published")
    return release
