"""Killing ``cadre-warehouse run`` (SIGKILL, no chance to clean up) during ingest, during dbt and during publish,
then running again: the next run completes, BI readers only ever see the old publication or the new one, complete,
and no submission is lost or counted twice.

Starts from a copy of the shared run over the hostile corpus (its publication is "the old one") and drops 22 new
rosters into the inbox. Each run is killed, process group and all (dbt, parse workers), as soon as its own files
show it has reached the phase: new lake files (ingest), dbt logging built models (dbt), a new release folder
(publish). A watcher reads ``published`` throughout, as a BI tool would.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from samples.hostile import RosterSheet, people, roster_workbook
from corpus.cases import ARRIVED, CASES
from corpus.runs import (
    PublicationReader,
    Run,
    copy_of_corpus_run,
    lake_submissions,
    publication,
    published_table,
    start,
)

pytestmark = pytest.mark.slow

UNITS = {"178": "TP. Lạng Sơn", "180": "Huyện Tràng Định", "181": "Huyện Bình Gia", "182": "Huyện Văn Lãng",
         "183": "Huyện Cao Lộc", "184": "Huyện Văn Quan", "185": "Huyện Bắc Sơn", "186": "Huyện Hữu Lũng",
         "187": "Huyện Chi Lăng", "188": "Huyện Lộc Bình", "189": "Huyện Đình Lập"}
NEW_DATES = (date(2021, 10, 15), date(2022, 10, 15))
PEOPLE_PER_FILE = 40
POLL = 0.005
DBT_FINISHED = re.compile(rb'"msg": "Finished running \d')  # dbt's closing summary, not one node's end


class Watcher(PublicationReader):
    """Every observation must be one whole release, which never changes once seen."""

    def __init__(self, published: Path):
        super().__init__(published)
        self.seen: dict[str, str] = {}  # release → digest of its Parquet files

    def observe(self) -> None:
        release, digest = publication(self.published)
        assert self.seen.setdefault(release, digest) == digest, f"{release} changed under a reader"


def _new_rosters(inbox: Path) -> dict[tuple[str, date], Path]:
    written = {}
    for i, (as_of, (code, title)) in enumerate((d, u) for d in NEW_DATES for u in UNITS.items()):
        crowd = people(PEOPLE_PER_FILE, (i * 23) % (560 - PEOPLE_PER_FILE))
        path = roster_workbook(inbox / "2021-2022" / f"{code}_{as_of.isoformat()}.xlsx",
                               [RosterSheet("Danh sách", title, as_of, crowd)])
        moment = (ARRIVED + timedelta(days=400, minutes=i)).timestamp()
        os.utime(path, (moment, moment))
        written[code, as_of] = path
    return written


def _kill_when(run: Run, reached: Callable[[], bool], phase: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not reached():
        assert run.running(), f"the run ended before {phase}:\n" + "\n".join(run.output())
        assert time.monotonic() < deadline, f"no sign of {phase} after {timeout} s"
        time.sleep(POLL)
    run.kill()


def _memberships_files(warehouse: Path) -> set[str]:
    return {p.name for p in (warehouse / "lake" / "memberships").glob("unit=*/*.parquet")}


def _dbt_log(warehouse: Path) -> Path:
    return warehouse / "work" / "dbt_target" / "dbt.log"


@pytest.fixture(scope="module")
def crashes(tmp_path_factory):
    _, root, inbox, warehouse = copy_of_corpus_run(tmp_path_factory, "crashes")
    old = publication(warehouse / "published")
    new = _new_rosters(inbox)
    watcher = Watcher(warehouse / "published")
    watcher.start()
    states = {}

    lake_before = _memberships_files(warehouse)
    run = start(inbox, warehouse, root / "killed_in_ingest")
    _kill_when(run, lambda: len(_memberships_files(warehouse) - lake_before) > 0, "ingest writing the lake")
    states["ingest"] = (len(_memberships_files(warehouse) - lake_before), publication(warehouse / "published"))

    log_size = _dbt_log(warehouse).stat().st_size

    def dbt_has_built_a_model() -> bool:
        with _dbt_log(warehouse).open("rb") as log:
            log.seek(log_size)
            return b"OK created" in log.read()

    run = start(inbox, warehouse, root / "killed_in_dbt")
    _kill_when(run, dbt_has_built_a_model, "dbt building models")
    with _dbt_log(warehouse).open("rb") as log:
        log.seek(log_size)
        states["dbt"] = (DBT_FINISHED.search(log.read()) is not None, publication(warehouse / "published"))

    releases = set(os.listdir(warehouse / "releases"))
    run = start(inbox, warehouse, root / "killed_in_publish")
    _kill_when(run, lambda: set(os.listdir(warehouse / "releases")) - releases, "a release being built")
    (partial,) = set(os.listdir(warehouse / "releases")) - releases
    states["publish"] = (sorted(p.relative_to(warehouse / "releases" / partial).as_posix()
                                for p in (warehouse / "releases" / partial).rglob("*") if p.is_file()),
                         publication(warehouse / "published"))

    final = start(inbox, warehouse, root / "recovery").wait()
    time.sleep(0.2)  # let the watcher see the new release
    watcher.finish()
    return old, new, states, final, watcher


def test_killed_during_ingest_before_every_new_file_was_parsed(crashes):
    old, _, states, _, _ = crashes
    parsed, published = states["ingest"]
    assert 0 < parsed < len(UNITS) * len(NEW_DATES)
    assert published == old


def test_killed_during_dbt_before_it_finished(crashes):
    old, _, states, _, _ = crashes
    finished, published = states["dbt"]
    assert not finished
    assert published == old


def test_killed_during_publish_leaves_an_unpublished_incomplete_release(crashes):
    old, _, states, _, _ = crashes
    files, published = states["publish"]
    assert published == old
    assert "report.html" not in files  # killed while the release was being built


def test_the_next_run_completes(crashes):
    _, _, _, final, _ = crashes
    assert final.returncode == 0, final.explain()


def test_readers_saw_only_the_old_or_the_new_complete_publication(crashes):
    old, _, _, final, watcher = crashes
    assert not watcher.errors
    new = publication(final.published)
    assert new != old
    assert set(watcher.seen.items()) == {old, new}


def test_no_submission_is_lost_or_counted_twice(crashes):
    _, new, _, final, _ = crashes
    submissions = published_table(final.published, "submissions")
    assert submissions.select("file_name", "sha256").is_unique().all()
    received = [c.submitted_as for c in CASES if c.expected]
    assert sorted(submissions["file_name"]) == sorted(received + [f"2021-2022/{p.name}" for p in new.values()])
    fresh = submissions.filter(pl.col("file_name").str.starts_with("2021-2022/"))
    assert set(fresh["status"]) == {"accepted"}
    assert set(fresh["rows_accepted"]) == {PEOPLE_PER_FILE}
    assert lake_submissions(final.warehouse).select("file_name", "sha256").is_unique().all()


def test_each_new_roster_counts_its_people_exactly_once(crashes):
    _, new, _, final, _ = crashes
    indicators = published_table(final.published, "indicators").filter(
        (pl.col("area_level") == "district") & (pl.col("body_code") == "party_committee")
        & (pl.col("indicator_code") == "female") & pl.col("as_of_date").is_in(list(NEW_DATES)))
    counted = {(r["area_code"], r["as_of_date"]): r["denominator"] for r in indicators.iter_rows(named=True)}
    assert counted == {key: PEOPLE_PER_FILE for key in new}
