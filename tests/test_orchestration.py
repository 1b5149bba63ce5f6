"""The Dagster wiring: what the code location holds, when the job runs, and what a run of one unit may touch.

Definitions are loaded as the webserver and daemon load them (workspace.yaml) and as Python objects; the sensor and
the lake asset run for real on small rosters built here; the full run is the session's demo run (conftest), which
the CLI executes in-process through ``orchestration.assembly.run_in_process`` with DAGSTER_HOME set, so its events can be read back.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
import yaml

from expectations.runner import load_suites
from ingest.pipeline import ingest_inbox
from ingest.settings import load_settings
from orchestration.assembly import JOB_NAME
from orchestration.definitions import defs
from orchestration.ingest_assets import LAKE_TABLES, build_lake_assets
from orchestration.partitions import unit_partitions, unit_partitions_table
from orchestration.resources import WarehouseResource, warehouse_lock_resource

REPO = Path(__file__).resolve().parents[1]
LAKE_MEMBERSHIPS = dg.AssetKey(["lake", "memberships"])


@pytest.fixture(scope="module")
def graph():
    return defs.resolve_asset_graph()


def _seed_units() -> dict[str, dict[str, str]]:
    """Units that report (every unit of the seed, the province with its own bodies), read straight from the seed."""
    with (REPO / "dbt_project" / "seeds" / "units.csv").open(encoding="utf-8", newline="") as handle:
        return {row["unit_code"]: row for row in csv.DictReader(handle)}


def _seed_unit_codes() -> list[str]:
    return sorted(_seed_units())


def _ancestors(graph, key: dg.AssetKey) -> set[dg.AssetKey]:
    seen, todo = set(), [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_workspace_yaml_loads_the_code_location(clean_env, tmp_path):
    (tmp_path / "dagster_home").mkdir()
    env = clean_env({"CADRE_INBOX": str(tmp_path / "inbox"), "CADRE_WAREHOUSE": str(tmp_path / "warehouse"),
                     "DAGSTER_HOME": str(tmp_path / "dagster_home")})
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Validation successful for code location cadre_warehouse" in output


def test_lake_assets_are_partitioned_by_the_units_of_the_seed(graph):
    units = _seed_unit_codes()
    levels = Counter(row["unit_level"] for row in _seed_units().values())
    assert (len(units), levels) == (77, Counter(commune=65, district=11, province=1))
    for table in LAKE_TABLES:
        node = graph.get(dg.AssetKey(["lake", table]))
        assert node.partitions_def.get_partition_keys() == units
        # Dagster shows partition keys only: the asset says which unit each key names.
        table_md = node.metadata["units"].value
        assert "| `06211` | Xã Cao Lộc | xã | 2025-07-01 |" in table_md
        assert "| `183` | Huyện Cao Lộc | huyện |  | 2025-06-30 |" in table_md


def test_dbt_models_continue_the_lineage_from_the_lake(graph):
    keys = graph.get_all_asset_keys()
    for model in ("stg_memberships", "int_memberships", "indicators"):
        assert dg.AssetKey([model]) in keys, model
    assert LAKE_MEMBERSHIPS in graph.get(dg.AssetKey(["stg_memberships"])).parent_keys
    assert dg.AssetKey(["stg_memberships"]) in graph.get(dg.AssetKey(["int_memberships"])).parent_keys
    assert {LAKE_MEMBERSHIPS, dg.AssetKey(["int_memberships"])} <= _ancestors(graph, dg.AssetKey(["indicators"]))


def test_every_great_expectations_suite_is_a_blocking_check_on_its_model(graph):
    suites = load_suites()
    assert {s.name for s in suites} >= {"indicators", "memberships", "submissions"}
    for suite in suites:
        key = dg.AssetCheckKey(dg.AssetKey([suite.table]), f"gx_{suite.name}")
        assert key in graph.asset_check_keys, key
        assert graph.get_check_spec(key).blocking, key
    assert dg.AssetCheckKey(dg.AssetKey(["indicators"]), "gx_indicators") in graph.asset_check_keys


def test_every_asset_check_says_what_it_checks_vietnamese_first(graph):
    described = {key: graph.get_check_spec(key).description for key in graph.asset_check_keys}
    assert described and not [key for key, text in described.items() if not text]
    assert all(" / " in text for text in described.values())  # Vietnamese, then English
    units = described[dg.AssetCheckKey(dg.AssetKey(["seed_units"]), "units_rules")]
    vietnamese, english = units.split(" / ")
    assert vietnamese.startswith("Mọi quy tắc của bảng: Không cột nào có giá trị rỗng: unit_code, ")
    assert "; Mỗi giá trị của unit_code chỉ có ở một dòng; " in vietnamese
    assert "; Mỗi unit_type đều có trong unit_types.unit_type; " in vietnamese
    assert english.startswith("every rule of the table: none of these columns is NULL: unit_code, ")
    assert english.endswith("; every parent_code exists in units.unit_code")
    lineage = described[dg.AssetCheckKey(dg.AssetKey(["seed_unit_lineage"]), "unit_lineage_rules")]
    assert "; one row per (unit_code, former_unit_level, former_unit_name); " in lineage
    assert lineage.endswith("every row satisfies (former_unit_level = 'district') = (former_unit_code is not null)")
    rollup = dg.AssetCheckKey(dg.AssetKey(["indicators"]), "assert_province_indicators_sum_unit_rows")
    assert described[rollup].startswith("Dòng toàn tỉnh của indicators là tổng tử số và mẫu số")


def test_every_dbt_test_is_an_asset_check_and_only_warnings_do_not_block(graph):
    """A dbt test that reads several models names the one it guards (dbt_project/tests/_singular_tests.yml): were it
    only recorded as an observation, a failure would not stop publishing."""
    from orchestration.dbt import dbt_project

    manifest = json.loads(dbt_project(load_settings()).manifest_path.read_text(encoding="utf-8"))
    tests = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "test"}
    checks = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys}
    assert set(tests) <= set(checks)
    blocking = {name: checks[name].blocking for name in tests}
    assert blocking == {name: (node["config"]["severity"].lower() == "error") for name, node in tests.items()}
    assert not blocking["assert_elected_bodies_have_one_term_per_roster"]
    assert blocking["assert_province_indicators_sum_unit_rows"]


def test_published_comes_after_indicators_and_every_checked_table(graph):
    parents = graph.get(dg.AssetKey(["published"])).parent_keys
    checked = {key.asset_key for key in graph.asset_check_keys if key.name.startswith("gx_")}
    assert dg.AssetKey(["indicators"]) in parents
    assert checked <= parents
    assert LAKE_MEMBERSHIPS in _ancestors(graph, dg.AssetKey(["published"]))


def test_nightly_schedule_runs_every_unit_at_two_in_vietnam_time():
    nightly = defs.resolve_schedule_def("nightly")
    assert (nightly.cron_schedule, nightly.execution_timezone, nightly.job_name) == (
        "0 2 * * *", "Asia/Ho_Chi_Minh", JOB_NAME)
    request = nightly(dg.build_schedule_context())
    units = _seed_unit_codes()
    assert request.tags["dagster/asset_partition_range_start"] == units[0]
    assert request.tags["dagster/asset_partition_range_end"] == units[-1]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _evaluate_inbox_sensor(inbox: Path, warehouse: Path, cursor: str | None):
    context = dg.build_sensor_context(
        cursor=cursor, definitions=defs,
        resources={"warehouse": WarehouseResource(inbox=str(inbox), warehouse=str(warehouse))},
    )
    return defs.resolve_sensor_def("inbox").evaluate_tick(context)


def test_inbox_sensor_coalesces_files_that_arrive_together_into_one_run(write_small_roster, tmp_path):
    inbox = tmp_path / "inbox"
    cao_loc = write_small_roster(inbox / "cao_loc.xlsx", "Huyện Cao Lộc", date(2020, 10, 15))
    bac_son = write_small_roster(inbox / "bac_son.xlsx", "Huyện Bắc Sơn", date(2020, 10, 15))
    also_cao_loc = write_small_roster(inbox / "cao_loc_2.xlsx", "Huyện Cao Lộc", date(2020, 10, 15), people=12)
    tick = _evaluate_inbox_sensor(inbox, tmp_path / "warehouse", cursor=None)
    assert len(tick.run_requests) == 1
    (request,) = tick.run_requests
    assert request.partition_key is None
    assert (request.tags["dagster/asset_partition_range_start"], request.tags["dagster/asset_partition_range_end"]) \
        == ("183", "185")
    assert request.tags["cadre/files"] == "3"
    assert request.run_key == hashlib.sha256("".join(sorted(map(_sha256, (cao_loc, bac_son, also_cao_loc))))
                                             .encode()).hexdigest()
    assert request.job_name in (None, JOB_NAME)


def test_inbox_sensor_starts_no_run_for_content_the_archive_holds(write_small_roster, tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    write_small_roster(inbox / "cao_loc.xlsx", "Huyện Cao Lộc", date(2020, 10, 15))
    ingest_inbox(load_settings(inbox=inbox, warehouse=warehouse), log=lambda _: None)  # as `make run` leaves it
    (inbox / "cao_loc.xlsx").rename(inbox / "cao_loc renamed.xlsx")
    tick = _evaluate_inbox_sensor(inbox, warehouse, cursor=None)
    assert not tick.run_requests


def test_inbox_sensor_routes_a_bare_name_by_the_rosters_date(write_small_roster, tmp_path):
    inbox = tmp_path / "inbox"
    write_small_roster(inbox / "cao_loc_2020.xlsx", "Cao Lộc", date(2020, 10, 15))
    first = _evaluate_inbox_sensor(inbox, tmp_path / "warehouse", cursor=None)
    write_small_roster(inbox / "cao_loc_2025.xlsx", "Cao Lộc", date(2025, 10, 15))
    second = _evaluate_inbox_sensor(inbox, tmp_path / "warehouse", cursor=first.cursor)
    assert [(r.partition_key, r.tags["cadre/unit"]) for r in first.run_requests + second.run_requests] == [
        ("183", "Huyện Cao Lộc"), ("06211", "Xã Cao Lộc")]


def test_inbox_sensor_requests_nothing_for_files_it_has_seen(write_small_roster, tmp_path):
    inbox = tmp_path / "inbox"
    write_small_roster(inbox / "cao_loc.xlsx", "Huyện Cao Lộc", date(2020, 10, 15))
    first = _evaluate_inbox_sensor(inbox, tmp_path / "warehouse", cursor=None)
    assert len(first.run_requests) == 1
    second = _evaluate_inbox_sensor(inbox, tmp_path / "warehouse", cursor=first.cursor)
    assert not second.run_requests
    newer = write_small_roster(inbox / "cao_loc_2021.xlsx", "Huyện Cao Lộc", date(2021, 6, 30))
    third = _evaluate_inbox_sensor(inbox, tmp_path / "warehouse", cursor=second.cursor)
    assert [(r.run_key, r.partition_key) for r in third.run_requests] == [
        (hashlib.sha256(_sha256(newer).encode()).hexdigest(), "183")]


def test_inbox_sensor_skips_an_unreadable_file_with_a_warning(tmp_path, capfd):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ghi chu.xlsx").write_bytes(b"not a workbook at all " * 100)
    tick = _evaluate_inbox_sensor(inbox, tmp_path / "warehouse", cursor=None)
    assert not tick.run_requests
    # The sensor's logger (an InstigationLogger, not in the logging tree) writes to the console.
    warnings = [line for line in capfd.readouterr().err.splitlines() if " - WARNING - " in line]
    assert [w.split(" - WARNING - ")[1].split(" — ")[0] for w in warnings] == ["ghi chu.xlsx: not processed"]
    assert not _evaluate_inbox_sensor(inbox, tmp_path / "warehouse", cursor=tick.cursor).run_requests
    assert " - WARNING - " not in capfd.readouterr().err  # said once: the file is in the cursor now


def _lake_files(lake_folder: Path) -> dict[str, tuple[int, str]]:
    return {str(p.relative_to(lake_folder)): (p.stat().st_mtime_ns, _sha256(p))
            for p in sorted(lake_folder.rglob("*")) if p.is_file()}


def test_run_of_one_unit_partition_writes_only_that_units_lake_folders(write_small_roster, tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    for name, title in {"cao_loc": "Huyện Cao Lộc", "tp": "Thành phố Lạng Sơn", "bac_son": "Huyện Bắc Sơn"}.items():
        write_small_roster(inbox / f"{name}_2020.xlsx", title, date(2020, 10, 15))
    settings = load_settings(inbox=inbox, warehouse=warehouse)
    ingest_inbox(settings, log=lambda _: None)
    before = _lake_files(settings.lake)
    # New rosters for the unit that runs and for one that does not.
    write_small_roster(inbox / "cao_loc_2021.xlsx", "Huyện Cao Lộc", date(2021, 6, 30), people=12)
    write_small_roster(inbox / "tp_2021.xlsx", "Thành phố Lạng Sơn", date(2021, 6, 30), people=12)

    resources = {"warehouse": WarehouseResource(inbox=str(inbox), warehouse=str(warehouse)),
                 "warehouse_lock": warehouse_lock_resource(settings)}
    lake = build_lake_assets(unit_partitions(settings), unit_partitions_table(settings))
    result = dg.materialize([lake], partition_key="183", resources=resources)

    assert result.success
    after = _lake_files(settings.lake)
    in_unit = {path for path in before.keys() | after.keys() if path.split("/")[1] == "unit=183"}
    assert {path for path in after.keys() - before.keys()} <= in_unit
    # Every run rewrites the list of files no unit could be claimed for (ingest.pipeline.ingest_inbox): same bytes.
    unidentified = "submissions/unit=unidentified/submissions.parquet"
    assert after[unidentified][1] == before[unidentified][1]
    untouched = set(before) - in_unit - {unidentified}
    assert untouched and not {path for path in untouched if after.get(path) != before[path]}
    assert len(after.keys() - before.keys()) == 3  # the new file's memberships, rejected rows, training
    # Its parse record is in the parse cache; the other unit's new file waits, unparsed, for its own unit's run.
    assert len(list(settings.parsed.glob("*.json"))) == 4
    assert after["submissions/unit=183/submissions.parquet"] != before["submissions/unit=183/submissions.parquet"]
    assert {m.partition for m in result.get_asset_materialization_events() if m.partition} == {"183"}


@pytest.mark.slow
def test_the_demo_run_executed_the_whole_job_in_process(demo_published, demo_dagster_home):
    instance = dg.DagsterInstance.from_config(str(demo_dagster_home))
    try:
        runs = instance.get_runs()
        assert [(r.job_name, r.status) for r in runs] == [(JOB_NAME, dg.DagsterRunStatus.SUCCESS)]
        records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=LAKE_MEMBERSHIPS), limit=100).records
        assert sorted(r.partition_key for r in records) == _seed_unit_codes()
        for key in (dg.AssetKey(["stg_memberships"]), dg.AssetKey(["indicators"]), dg.AssetKey(["published"])):
            event = instance.get_latest_materialization_event(key)
            assert event is not None and event.run_id == runs[0].run_id, key
        for suite in load_suites():
            check = dg.AssetCheckKey(dg.AssetKey([suite.table]), f"gx_{suite.name}")
            record = instance.get_latest_asset_check_evaluation_record(check)
            assert record is not None and record.run_id == runs[0].run_id, check
    finally:
        instance.dispose()


@pytest.mark.slow
def test_each_lake_partition_of_the_demo_run_names_its_unit(demo_published, demo_dagster_home):
    """Dagster gives a partition key no name: each partition's materialization carries its unit's (Partitions tab)."""
    instance = dg.DagsterInstance.from_config(str(demo_dagster_home))
    try:
        for table in LAKE_TABLES:
            records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=dg.AssetKey(["lake", table])),
                                                      limit=100).records
            names = {r.partition_key: r.asset_materialization.metadata["đơn vị / unit"].value for r in records}
            assert names == {code: row["unit_name"] for code, row in _seed_units().items()}, table
    finally:
        instance.dispose()


def test_make_ui_runs_on_the_documented_instance_one_warehouse_run_at_a_time(tmp_path):
    """`make ui` installs docs/dagster.yaml.example: the daemon dequeues one run of the code location at a time (the
    working DuckDB allows one writer), and the UI sends no telemetry."""
    recipe = subprocess.run(["make", "-n", "ui"], cwd=REPO, capture_output=True, text=True, timeout=60).stdout
    installed = re.search(r"^cp (\S+) \.dagster_home/dagster\.yaml$", recipe, re.M)
    assert installed, recipe
    shutil.copy(REPO / installed[1], tmp_path / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    try:
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        location = yaml.safe_load((REPO / "workspace.yaml").read_text())["load_from"][0]["python_module"]["location_name"]
        assert {"key": "dagster/code_location", "value": location, "limit": 1} in limits
        assert not instance.telemetry_enabled
        assert instance.run_monitoring_enabled
    finally:
        instance.dispose()
