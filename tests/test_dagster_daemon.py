"""The warehouse under `dagster dev` (webserver and daemon) as `make ui` starts it, with the documented instance
(docs/dagster.yaml.example: a run queue of one): twenty new files in the inbox give the one run the sensor's
coalescing promises, which publishes with every blocking check of `indicators` passed. Read through the instance."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from samples.demo import demo_files, write_demo_inbox
from tests.test_lineage_ui import _free_port, _wait_until_serving, stop_server

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
FINISHED = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
SENSOR_INTERVAL = 60  # the inbox sensor's minimum_interval_seconds


@pytest.fixture
def twenty_new_files(tmp_path) -> Path:
    """The 2015 and 2020 district rosters of the demo but two of 2015: twenty files of eleven units."""
    written = write_demo_inbox(tmp_path / "demo")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    districts = [(f, p) for f, p in zip(demo_files(), written) if f.as_of.year < 2025]
    dropped = {f.file_name for f, _ in districts if f.as_of.year == 2015}
    dropped = set(sorted(dropped)[:2])
    for f, path in districts:
        if f.file_name not in dropped:
            shutil.copy(path, inbox / path.name)
    assert len(list(inbox.iterdir())) == 20
    return inbox


@pytest.fixture
def dagster_dev(clean_env, tmp_path, twenty_new_files):
    """`dagster dev` on a DAGSTER_HOME holding the documented instance; yields (home, warehouse, its log)."""
    home, warehouse = tmp_path / "dagster_home", tmp_path / "warehouse"
    home.mkdir()
    shutil.copy(REPO / "docs" / "dagster.yaml.example", home / "dagster.yaml")
    env = clean_env({"CADRE_INBOX": str(twenty_new_files), "CADRE_WAREHOUSE": str(warehouse),
                     "DAGSTER_HOME": str(home), "CADRE_PERSON_KEY_SECRET": "test-secret-of-the-daemon-test",
                     "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"})
    port, log = _free_port(), tmp_path / "dagster_dev.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster"), "dev", "-w", "workspace.yaml", "-p", str(port),
             "-h", "127.0.0.1"],
            cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_until_serving(f"http://127.0.0.1:{port}", server, log)
        yield home, warehouse, log
    finally:
        stop_server(server, timeout=60)


def _runs_when_quiet(instance: dg.DagsterInstance, log: Path, timeout: float = 900) -> list[dg.DagsterRun]:
    """The instance's runs once at least one exists, all are finished, and a further sensor tick added none."""
    deadline = time.monotonic() + timeout
    settled_since = None
    while time.monotonic() < deadline:
        runs = instance.get_runs()
        if runs and all(r.status in FINISHED for r in runs):
            settled_since = settled_since or (time.monotonic(), len(runs))
            if len(runs) != settled_since[1]:
                settled_since = (time.monotonic(), len(runs))
            elif time.monotonic() - settled_since[0] > SENSOR_INTERVAL + 30:
                return runs
        else:
            settled_since = None
        time.sleep(5)
    pytest.fail(f"the runs did not settle within {timeout} s: {[(r.run_id, r.status) for r in instance.get_runs()]}\n"
                f"{log.read_text()[-5000:]}")


def test_twenty_new_files_make_one_run_that_publishes_with_the_checks_passed(dagster_dev):
    home, warehouse, log = dagster_dev
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        runs = _runs_when_quiet(instance, log)
        assert [(r.status, r.tags.get("cadre/files")) for r in runs] == [(dg.DagsterRunStatus.SUCCESS, "20")], \
            log.read_text()[-5000:]
        (run,) = runs
        # eleven units, so the run covers the range of their partition keys
        assert (run.tags["dagster/asset_partition_range_start"], run.tags["dagster/asset_partition_range_end"]) \
            == ("178", "189")
        logs = instance.all_logs(run.run_id)
        assert not [e for e in logs if "Could not set lock" in (e.user_message or "")]
        published = [e for e in logs if e.dagster_event and e.dagster_event.is_step_materialization
                     and e.dagster_event.asset_key == dg.AssetKey(["published"])]
        assert len(published) == 1
        checks = [e.dagster_event.event_specific_data for e in logs
                  if e.dagster_event and e.dagster_event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION]
        on_indicators = [c for c in checks if c.asset_key == dg.AssetKey(["indicators"])]
        assert len(on_indicators) > 10
        assert [c.check_name for c in on_indicators if not c.passed] == []
        assert (warehouse / "published" / "warehouse.duckdb").exists()
    finally:
        instance.dispose()
