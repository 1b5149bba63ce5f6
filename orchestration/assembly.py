"""Assembles assets, checks, the job, its schedule and sensor for one warehouse. Nothing else."""

from __future__ import annotations

import dagster as dg

from ingest.settings import Settings
from orchestration.automation import build_inbox_sensor, build_schedule
from orchestration.dbt import build_dbt_assets, dbt_resource
from orchestration.ingest_assets import lake
from orchestration.publish_assets import build_publish_asset, published_relations
from orchestration.quality import build_quality_checks
from orchestration.resources import warehouse_resource

JOB_NAME = "warehouse"


def build_definitions(settings: Settings) -> dg.Definitions:
    dbt_models = build_dbt_assets(settings)
    quality = build_quality_checks()
    guarded = sorted({dg.AssetKey([r]) for r in published_relations()} | {s.asset_key for s in quality.check_specs},
                     key=str)
    published = build_publish_asset(guarded)
    job = dg.define_asset_job(
        JOB_NAME,
        selection=dg.AssetSelection.all(),
        # One process for the whole run: dbt, Great Expectations and DuckDB start once, not once per step.
        executor_def=dg.in_process_executor,
        description="Ingest → dbt → quality gate → publish. Nightly over every unit; the inbox sensor runs one unit.",
    )
    return dg.Definitions(
        assets=[lake, dbt_models, published],
        asset_checks=[quality],
        jobs=[job],
        schedules=[build_schedule(job)],
        sensors=[build_inbox_sensor(job)],
        resources={"warehouse": warehouse_resource(settings), "dbt": dbt_resource(settings)},
    )

