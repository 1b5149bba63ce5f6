"""dbt assets: the project is built once per process, its models grouped by layer, its tests as asset checks.

dbt sources ``lake.<table>`` get the keys ``lake/<table>`` that the ingest assets materialize, so the lineage graph
is one piece from inbox to marts.
"""


import importlib.metadata
import json
import os
import sys
import threading
from collections.abc import Mapping
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.storage.tags import PARTITION_NAME_TAG
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.dbt_project import using_dagster_dev
from packaging import version

from expectations.runner import prepare as prepare_expectations
from ingest.settings import Settings
from orchestration.publishing.charts import prepare as prepare_charts
from orchestration.resources import WarehouseResource

LAYERS = ("staging", "intermediate", "marts")
# The dbt installed beside this Python, whatever PATH says (cron, the daemon and `make ui` rarely have the venv on it).
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


class WarehouseDbtResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs this warehouse never uses (≈ 4 s a run).

    Before each command dagster-dbt runs ``dbt --version`` in a subprocess, and loads the project's profile and
    dbt adapter in this process, only to fetch column metadata and row counts afterwards, which the warehouse does
    not ask for (its checks are dbt tests and Great Expectations). The dbt it runs is the one installed beside this
    Python, so its version is the installed dbt-core's. Both are private hooks of dagster-dbt (pinned in
    constraints.txt); the slow tests run the job through them.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def _manifest_is_stale(project: DbtProject) -> bool:
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = (p for p in Path(project.project_dir).rglob("*") if project.target_path not in p.parents)
    return any(p.suffix in (".sql", ".yml", ".csv", ".md") and p.stat().st_mtime > built for p in sources)


@cache
def dbt_project(project_dir: Path) -> DbtProject:
    """The dbt project with a manifest ready: ``make install`` parses it, and so does this if it is missing or older
    than a file of the project (a checkout updated without ``make install``).

    Under ``dagster dev`` it is parsed again, so edits show at once. dagster-dbt's own preparer would run the ``dbt``
    on PATH, hence the parse here.
    """
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    if using_dagster_dev() or _manifest_is_stale(project):
        WarehouseDbtResource(project_dir=project, dbt_executable=DBT_EXECUTABLE).cli(
            ["parse", "--quiet"], target_path=project.target_path
        ).wait()
    return project


class WarehouseTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        # Models are named after their relation (the mart `area_indicators` is the table `indicators`), so the
        # lineage UI shows the names BI tools and the quality gate use. Sources keep `lake/<table>`.
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return dg.AssetKey([dbt_resource_props.get("alias") or dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        folders = dbt_resource_props.get("fqn", [])[1:-1]
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return next((f for f in folders if f in LAYERS), "marts")

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return ["team:data-engineering"]


def _failed_models(run_results: Path) -> list[str]:
    """Models or seeds that errored (as opposed to tests that failed, which the quality gate reports)."""
    if not run_results.exists():
        return []
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    return [r["unique_id"] for r in results if r["status"] == "error" and not r["unique_id"].startswith("test.")]


def _prepare_later_steps() -> None:
    """The run process only waits while dbt runs: the quality gate's Great Expectations import and the report's chart
    engine (seconds) start meanwhile."""
    prepare_expectations()
    prepare_charts()


def build_dbt_assets(settings: Settings) -> dg.AssetsDefinition:
    # Parsing a stale project reads the profile, which needs a warehouse; every run exports its own before dbt builds.
    os.environ.setdefault("CADRE_WAREHOUSE", str(settings.warehouse))
    project = dbt_project(settings.dbt_project_dir)

    @dbt_assets(manifest=project.manifest_path, project=project, dagster_dbt_translator=WarehouseTranslator(),
                name="dbt_models")
    def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        """``dbt build``: seeds, models and their tests, in dependency order; failing tests block publishing."""
        settings = warehouse.export_to_environment()
        settings.work_database.parent.mkdir(parents=True, exist_ok=True)
        # A fixed target folder per warehouse: dbt reuses its partial parse from the last run instead of parsing the
        # whole project again, and no per-run copy of the manifest piles up.
        target = settings.warehouse / "work" / "dbt_target"
        # A run for one unit partition (the inbox sensor's) rebuilds that unit's rows of the per-unit models; any
        # other run rebuilds everything (dbt_project/macros/run_units.sql).
        unit = context.run.tags.get(PARTITION_NAME_TAG)
        os.environ["CADRE_DBT_UNITS"] = unit or ""
        context.log.info(f"dbt build, per-unit models for unit {unit} only" if unit else "dbt build, full refresh")
        threading.Thread(target=_prepare_later_steps, name="prepare-checks-and-report", daemon=True).start()
        # dbt's unit tests check the models' logic on fixed rows, not the data: `make test` runs them.
        command = ["build", "--exclude-resource-type", "unit_test", *([] if unit else ["--full-refresh"])]
        invocation = dbt.cli(command, context=context, raise_on_error=False, target_path=target)
        yield from invocation.stream()
        failed = _failed_models(invocation.target_path / "run_results.json")
        if failed:
            raise dg.Failure(f"dbt could not build {', '.join(failed)}; see the dbt log above")

    return dbt_models


def dbt_resource(settings: Settings) -> DbtCliResource:
    return WarehouseDbtResource(project_dir=dbt_project(settings.dbt_project_dir), dbt_executable=DBT_EXECUTABLE)
