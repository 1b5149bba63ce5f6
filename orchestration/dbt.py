"""dbt assets: the project is prepared once per process, its models grouped by layer, its tests as asset checks.

dbt sources ``lake.<table>`` get the keys ``lake/<table>`` that the ingest assets materialize, so the lineage graph
is one piece from inbox to marts. The warehouse's location reaches dbt as ``--vars``, the same on every run; a
partition run's units reach it in the dbt process's environment (``CADRE_RUN_UNITS``), because dbt parses the whole
project again whenever the vars differ from its last parse's (dbt_project/README.md).
"""

import json
import os
import shutil
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from expectations.runner import prepare as prepare_expectations
from ingest.modes import give_run_modes
from ingest.settings import Settings
from orchestration.dbt_checks import describe_test
from orchestration.resources import WarehouseLock, WarehouseResource
from private_hooks.dagster import PARTITION_NAME_TAG
from private_hooks.dagster_dbt import FastStartDbtCliResource
from publishing.charts import prepare as prepare_charts

LAYERS = ("staging", "intermediate", "marts")
# Below this much free space where dbt builds, a dbt that could not run is taken to have run out of disk: a full
# refresh rewrites the whole working warehouse, far more than this.
LOW_DISK_BYTES = 64 << 20
# The dbt installed beside this Python, whatever PATH says (cron, the daemon and `make ui` rarely have the venv on it).
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


# dbt_project/macros/run_units.sql reads it (a `units` var given by hand wins).
RUN_UNITS_VARIABLE = "CADRE_RUN_UNITS"


def dbt_vars(settings: Settings) -> dict[str, Any]:
    """What every dbt command of this warehouse is told: where the warehouse is and DuckDB's memory limit."""
    return {"warehouse": str(settings.warehouse), "duckdb_memory_limit": settings.duckdb_memory_limit}


@contextmanager
def run_units_for_dbt(units: list[str]) -> Iterator[None]:
    """The units a partition run rebuilds (none: every unit), for the dbt process started inside. dagster-dbt gives
    dbt a copy of this process's environment and no other way to add to it, so the variable is set only while dbt
    starts; set empty for a full run, so that a value left in the shell never narrows one."""
    before = os.environ.get(RUN_UNITS_VARIABLE)
    os.environ[RUN_UNITS_VARIABLE] = ",".join(units)
    try:
        yield
    finally:
        if before is None:
            del os.environ[RUN_UNITS_VARIABLE]
        else:
            os.environ[RUN_UNITS_VARIABLE] = before


def _manifest_is_stale(project: DbtProject) -> bool:
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = (p for p in Path(project.project_dir).rglob("*") if project.target_path not in p.parents)
    return any(p.suffix in (".sql", ".yml", ".csv", ".md") and p.stat().st_mtime > built for p in sources)


@cache
def dbt_project(settings: Settings) -> DbtProject:
    """The dbt project with a manifest ready, once per process: under ``dagster dev`` dagster-dbt parses it (with the
    dbt first on PATH, which ``make ui`` makes this virtualenv's), so edits show at once; otherwise ``make install``
    has parsed it, and it is parsed here only if the manifest is missing or older than a file of the project (a
    checkout updated without ``make install``)."""
    parse = ["parse", "--quiet", "--vars", json.dumps(dbt_vars(settings))]
    project = DbtProject(project_dir=settings.dbt_project_dir, profiles_dir=settings.dbt_project_dir,
                         prepare_project_cli_args=parse)
    project.prepare_if_dev()
    if not project.preparer.using_dagster_dev() and _manifest_is_stale(project):
        dbt = FastStartDbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE)
        dbt.cli(parse, target_path=project.target_path).wait()
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

    def get_asset_check_spec(self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project: DbtProject | None) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return dg.AssetCheckSpec(spec.name, asset=spec.asset_key, additional_deps=spec.additional_deps,
                                 blocking=spec.blocking, metadata=spec.metadata,
                                 automation_condition=spec.automation_condition,
                                 description=describe_test(manifest["nodes"][unique_id]))


def _errored(run_results: Path) -> list[tuple[str, str]]:
    """(node, message) of every seed, model or test dbt could not run. A test that ran and found rows has status
    `fail` and is the quality gate's to report; `error` means the warehouse could not be built or checked at all (a
    full disk, a lock, a broken model), which must fail the run, never pass for a blocked gate."""
    if not run_results.exists():
        return []
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    return [(r["unique_id"], r.get("message") or "") for r in results if r["status"] == "error"]


def _cause(errored: list[tuple[str, str]]) -> str:
    """The run's first error: which nodes, and the first message (the operating system's words for a full disk)."""
    nodes = ", ".join(node for node, _ in errored[:5]) + (f" and {len(errored) - 5} more" if len(errored) > 5 else "")
    message = next((m.strip() for _, m in errored if m.strip()), "see the dbt log above")
    return f"dbt could not run {nodes}: {message.splitlines()[0]}"


def _prepare_later_steps() -> None:
    """The run process only waits while dbt runs: the quality gate's Great Expectations import and the report's chart
    engine start meanwhile."""
    prepare_expectations()
    prepare_charts()


def build_dbt_assets(settings: Settings) -> dg.AssetsDefinition:
    project = dbt_project(settings)

    @dbt_assets(manifest=project.manifest_path, project=project, dagster_dbt_translator=WarehouseTranslator(),
                name="dbt_models")
    def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource,
                   warehouse_lock: WarehouseLock):
        """``dbt build``: seeds, models and their tests, in dependency order; failing tests block publishing."""
        settings = warehouse.settings()
        settings.work_database.parent.mkdir(parents=True, exist_ok=True)
        # A fixed target folder per warehouse: dbt reuses its partial parse from the last run instead of parsing the
        # whole project again, and no per-run copy of the manifest piles up.
        target = settings.warehouse / "work" / "dbt_target"
        # A run for one unit partition (the inbox sensor's) rebuilds that unit's rows of the per-unit models; any
        # other run rebuilds everything (dbt_project/macros/run_units.sql).
        unit = context.run.tags.get(PARTITION_NAME_TAG)
        context.log.info(f"dbt build, per-unit models for unit {unit} only" if unit else "dbt build, full refresh")
        threading.Thread(target=_prepare_later_steps, name="prepare-checks-and-report", daemon=True).start()
        # dbt's unit tests check the models' logic on fixed rows, not the data: `make test` runs them.
        command = ["build", "--exclude-resource-type", "unit_test", *([] if unit else ["--full-refresh"]),
                   "--vars", json.dumps(dbt_vars(settings))]
        with run_units_for_dbt([unit] if unit else []):
            invocation = dbt.cli(command, context=context, raise_on_error=False, target_path=target)
        yield from invocation.stream()
        give_run_modes(target, settings)
        errored = _errored(invocation.target_path / "run_results.json")
        if errored:
            raise dg.Failure(_cause(errored))
        # dbt exits 1 for what it reports (failing tests included) and 2 when it could not run at all: then its
        # results file may be the last run's, and nothing it says can be trusted.
        if invocation.process.wait() not in (0, 1):
            free = shutil.disk_usage(target).free
            disk = f"; disk full: {free} bytes free on {target.parent}" if free < LOW_DISK_BYTES else ""
            raise dg.Failure(f"dbt stopped with exit code {invocation.process.returncode}{disk}; see the dbt log above")

    return dbt_models


def dbt_resource(settings: Settings) -> DbtCliResource:
    """dbt on the working engine: the profile's default target (DuckDB), or its ``postgres`` target, which reads
    libpq's environment. The manifest Dagster loads is the default target's parse: the same nodes on both."""
    target = "postgres" if settings.engine == "postgres" else None
    return FastStartDbtCliResource(project_dir=dbt_project(settings), dbt_executable=DBT_EXECUTABLE, target=target)
