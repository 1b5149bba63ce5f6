"""Assembles assets, checks, the job, its schedule and sensor for one warehouse, and runs that job in-process."""

from __future__ import annotations

from collections.abc import Mapping

import dagster as dg

from ingest.settings import Settings
from orchestration.automation import build_inbox_sensor, build_schedule
from orchestration.dbt import build_dbt_assets, dbt_resource
from orchestration.ingest_assets import build_lake_assets
from orchestration.partitions import every_unit_tags, unit_partitions, unit_partitions_table
from orchestration.publish_assets import build_postgres_publish_asset, build_publish_asset, published_relations
from orchestration.quality import build_quality_checks
from orchestration.resources import warehouse_lock_resource, warehouse_resource

JOB_NAME = "warehouse"


def build_definitions(settings: Settings,
                      loggers: Mapping[str, dg.LoggerDefinition] | None = None) -> dg.Definitions:
    """``loggers``: the job's loggers besides Dagster's console logger (the command line's progress display)."""
    partitions = unit_partitions(settings)
    dbt_models = build_dbt_assets(settings)
    quality = build_quality_checks()
    guarded = sorted({dg.AssetKey([r]) for r in published_relations()} | {s.asset_key for s in quality.check_specs},
                     key=str)
    published = [build_publish_asset(guarded)]
    if settings.publish_postgres_url:
        published.append(build_postgres_publish_asset())
    job = dg.define_asset_job(
        JOB_NAME,
        selection=dg.AssetSelection.all(),
        # One process for the whole run: dbt, Great Expectations and DuckDB start once, not once per step.
        executor_def=dg.in_process_executor,
        description="Ingest → dbt → quality gate → publish. Nightly over every unit; the inbox sensor runs one unit.",
    )
    return dg.Definitions(
        assets=[build_lake_assets(partitions, unit_partitions_table(settings)), dbt_models, *published],
        asset_checks=[quality],
        jobs=[job],
        schedules=[build_schedule(job, partitions)],
        sensors=[build_inbox_sensor(job)],
        loggers={**dg.default_loggers(), **(loggers or {})},
        # warehouse_lock: every step of a run requires it, so the run holds the warehouse's lock from start to end
        resources={"warehouse": warehouse_resource(settings), "warehouse_lock": warehouse_lock_resource(settings),
                   "dbt": dbt_resource(settings)},
    )


def run_in_process(settings: Settings, instance: dg.DagsterInstance, unit: str | None = None,
                   log_level: str = "INFO",
                   loggers: Mapping[str, dg.LoggerDefinition] | None = None) -> dg.ExecuteInProcessResult:
    """The warehouse job in this process, as the nightly schedule launches it (every unit) or, with ``unit``, as
    the inbox sensor does for one unit's new file. Dagster's console logger writes at ``log_level`` to stderr;
    ``loggers`` receive every record (their own level decides)."""
    definitions = build_definitions(settings, loggers)
    job = definitions.resolve_job_def(JOB_NAME)
    scope = {"partition_key": unit} if unit else {"tags": every_unit_tags(unit_partitions(settings))}
    config = {"console": {"config": {"log_level": log_level}}} | {name: {} for name in loggers or {}}
    return job.execute_in_process(instance=instance, raise_on_error=False, run_config={"loggers": config}, **scope)
