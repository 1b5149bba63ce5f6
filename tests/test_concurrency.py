"""Two ``cadre-warehouse run`` started together on one warehouse, while BI readers hold the publication open.

One run takes ``<warehouse>/.run.lock`` and the other waits for it, saying which pid it waits for; both finish
with exit 0, and the warehouse they leave is the one a single run leaves. Readers — one connection held open all
along, and a new connection per query — never see an error or half a publication, and never hold up publishing.
Starts from a copy of the shared run over the hostile corpus (tests/corpus/runs.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from corpus.runs import PublicationReader, copy_of_corpus_run, environment, lake_submissions, publication, start

pytestmark = pytest.mark.slow

QUERY = "select count(*), sum(numerator) from indicators"
WAITING = re.compile(r"another run \(pid (\d+)\) holds (.+); waiting for it to finish…")


class Readers(PublicationReader):
    """One connection held open all along, and a new connection per query: what each saw, with the release."""

    pause = 0.02

    def __init__(self, published: Path):
        super().__init__(published)
        self.held = duckdb.connect(str(published / "warehouse.duckdb"), read_only=True)
        self.first = self.held.execute(QUERY).fetchone()
        self.seen: list[tuple[str, tuple, tuple]] = []

    def observe(self) -> None:
        release, _ = publication(self.published)
        with duckdb.connect(str(self.published / "warehouse.duckdb"), read_only=True) as fresh:
            self.seen.append((release, fresh.execute(QUERY).fetchone(), self.held.execute(QUERY).fetchone()))


@pytest.fixture(scope="module")
def together(tmp_path_factory):
    _, root, inbox, warehouse = copy_of_corpus_run(tmp_path_factory, "together")
    before = lake_submissions(warehouse)
    readers = Readers(warehouse / "published")
    readers.start()
    runs = [start(inbox, warehouse, root / f"run_{i}") for i in (1, 2)]
    finished = [run.wait() for run in runs]
    readers.finish()
    return warehouse, runs, finished, readers, before


def test_both_runs_exit_0(together):
    _, _, finished, _, _ = together
    for done in finished:
        assert done.returncode == 0, done.explain()


def test_one_run_waits_for_the_other_naming_its_pid_and_the_lock(together):
    warehouse, runs, finished, _, _ = together
    waiting = [(run, WAITING.search(done.stdout)) for run, done in zip(runs, finished)]
    waited = [(run, match) for run, match in waiting if match]
    assert len(waited) == 1, [done.stdout[:500] for done in finished]
    run, match = waited[0]
    other = next(r for r in runs if r is not run)
    assert (int(match[1]), match[2]) == (other.process.pid, str(warehouse / ".run.lock"))
    assert "the other run has finished; starting" in finished[runs.index(run)].stdout
    assert (warehouse / ".run.lock").read_text() == str(run.process.pid)  # the last holder's pid


def test_the_runs_publish_one_after_the_other_and_leave_one_runs_state(together):
    warehouse, _, finished, _, before = together
    releases = {f.stdout.split("(release ")[1].split(")")[0] for f in finished}
    assert len(releases) == 2
    release, _ = publication(warehouse / "published")
    assert Path(release).name == max(releases)
    after = lake_submissions(warehouse)
    assert after.sort("file_name", "sha256").equals(before.sort("file_name", "sha256"))
    assert after.select("file_name", "sha256").is_unique().all()


def test_readers_never_fail_and_a_held_connection_keeps_its_release(together):
    _, _, _, readers, _ = together
    assert not readers.errors
    assert len(readers.seen) > 100
    assert {held for _, _, held in readers.seen} == {readers.first}
    assert {fresh for _, fresh, _ in readers.seen} == {readers.first}  # same inbox: the same figures throughout
    assert len({release for release, _, _ in readers.seen}) >= 2  # it saw the publication change under it


def test_published_indicators_hold_each_row_once(together):
    warehouse, _, _, _, _ = together
    indicators = pl.read_parquet(warehouse / "published" / "parquet" / "indicators.parquet")
    keys = ["area_level", "area_code", "as_of_date", "body_code", "indicator_code"]
    assert indicators.height == indicators.unique(subset=keys).height > 0


DAGSTER_RUN = """
import sys
import dagster as dg
from cli.summary import run_and_summarise
from ingest.settings import load_settings
settings = load_settings(inbox=sys.argv[1], warehouse=sys.argv[2])
# verbose: Dagster's log on this process's output, as a daemon's run worker writes it
sys.exit(int(run_and_summarise(settings, dg.DagsterInstance.ephemeral(), verbose=True)))
"""


def test_a_cli_run_and_a_dagster_run_take_turns(tmp_path_factory):
    """The Dagster job in a process of its own (as the daemon's run worker executes it) takes the same lock as the
    command line: whichever comes second waits, and both publish."""
    _, root, inbox, warehouse = copy_of_corpus_run(tmp_path_factory, "cli_and_dagster")
    before = lake_submissions(warehouse)
    release_before, published_before = publication(warehouse / "published")
    logs = root / "dagster_run"
    logs.mkdir()
    with (logs / "out.txt").open("w") as out:
        dagster_run = subprocess.Popen([sys.executable, "-c", DAGSTER_RUN, str(inbox), str(warehouse)],
                                       env=environment(), cwd=logs, stdout=out, stderr=subprocess.STDOUT)
    cli_run = start(inbox, warehouse, root / "cli_run")
    cli_done = cli_run.wait()
    assert dagster_run.wait(timeout=900) == 0, (logs / "out.txt").read_text()[-3000:]
    assert cli_done.returncode == 0, cli_done.explain()
    dagster_output = (logs / "out.txt").read_text()
    waited = [bool(WAITING.search(text)) for text in (cli_done.stdout, dagster_output)]
    assert waited.count(True) == 1, (cli_done.stdout[:500], dagster_output[-2000:])
    cli_log = cli_done.log.read_text(encoding="utf-8")
    assert "IO Error: Could not set lock" not in cli_done.stdout + cli_done.stderr + cli_log + dagster_output
    after = lake_submissions(warehouse)
    assert after.sort("file_name", "sha256").equals(before.sort("file_name", "sha256"))
    # Same inbox, one run after the other: a new release with the figures one run gives (the Parquet bytes too).
    release_after, published_after = publication(warehouse / "published")
    assert release_after != release_before and published_after == published_before
