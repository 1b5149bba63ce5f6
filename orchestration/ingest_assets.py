"""The lake assets: each unit partition reads that unit's files from the inbox and writes its Parquet.

Partitions never touch the DuckDB warehouse (dbt is its only writer), so several units can ingest at once. On
``CADRE_ENGINE=postgres`` dbt cannot read Parquet, so the run then copies the partitions it rewrote into PostgreSQL's
raw lake tables (``engines.lake_load``), in one transaction, before dbt runs.
Asset keys ``lake/<table>`` are the keys dagster-dbt gives the dbt sources, so lineage runs unbroken from a
unit's file to the published marts.
"""

from collections.abc import Collection

import dagster as dg

from engines.lake_load import LakeLoadError, load_lake
from ingest.lake import UNIDENTIFIED
from ingest.pipeline import ingest_inbox
from ingest.reference import load_reference
from orchestration.partitions import unit_partition_metadata
from orchestration.resources import WarehouseLock, WarehouseResource

LAKE_TABLES = {
    "memberships": "Clean memberships (person × body) per submission — personal data, working warehouse only.",
    "rejected_rows": "Rows that were not accepted, each with a reason code and a Vietnamese message.",
    "training": "Training and recruitment figures from the optional 'Đào tạo - Tuyển dụng' sheet.",
    "submissions": "One row per file received, with its status (accepted, quarantined, superseded, …).",
}


def lake_units(partition_keys: Collection[str], every_unit: Collection[str]) -> list[str] | None:
    """The lake partitions a run rewrote, as ``load_lake`` takes them: None when it covers every unit (the tables are
    rebuilt whole), else its units and ``unidentified``, whose submissions every ingest rewrites (ingest.pipeline)."""
    if set(partition_keys) >= set(every_unit):
        return None
    return [*sorted(partition_keys), UNIDENTIFIED]


def build_lake_assets(partitions: dg.PartitionsDefinition, units: dg.MetadataValue) -> dg.AssetsDefinition:
    """The lake assets over ``partitions``; ``units`` tells what each partition key names (shown with the asset)."""
    @dg.multi_asset(
        specs=[
            dg.AssetSpec(["lake", table], description=text, group_name="ingest", owners=["team:data-engineering"],
                         kinds={"polars", "parquet"}, metadata={"units": units})
            for table, text in LAKE_TABLES.items()
        ],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        can_subset=False,
        name="lake",
    )
    def lake(context: dg.AssetExecutionContext, warehouse: WarehouseResource, warehouse_lock: WarehouseLock):
        """Receive the inbox (archive every file) and rebuild the lake for the run's unit partitions."""
        settings = warehouse.settings()
        statuses = load_reference(settings.seeds).statuses
        results = ingest_inbox(settings, context.partition_keys, log=context.log.info)
        files = [s for r in results for s in r.submissions]
        problems = [f"{s['file_name']}: {s['status']} — {s['message']}" for s in files
                    if statuses[s["status"]].needs_attention]
        for problem in problems:
            context.log.warning(problem)
        summary = {
            "units": dg.MetadataValue.int(len([r for r in results if r.unit_code != UNIDENTIFIED])),
            "files": dg.MetadataValue.int(len(files)),
            "rows_accepted": dg.MetadataValue.int(sum(r.rows_accepted for r in results)),
            "rows_rejected": dg.MetadataValue.int(sum(r.rows_rejected for r in results)),
            "lake": dg.MetadataValue.path(str(settings.lake)),
        }
        feedback = sorted({s["feedback_file"] for s in files if s["feedback_file"]})
        units = unit_partition_metadata(settings)
        loaded = {}
        if settings.engine == "postgres":
            try:
                loaded = load_lake(settings.lake, lake_units(context.partition_keys, units))
            except LakeLoadError as error:
                raise dg.Failure(f"lake → PostgreSQL: {error}") from None
            context.log.info(f"lake → PostgreSQL, rows per table: {loaded}")
        # Rows copied into PostgreSQL's lake tables by this run (none on DuckDB, which reads the Parquet in place).
        postgres = {t: {"rows_loaded_postgres": dg.MetadataValue.int(n)} for t, n in loaded.items()}
        for key in context.partition_keys:
            for table in LAKE_TABLES:
                context.add_asset_metadata(units[key], asset_key=["lake", table], partition_key=key)
        yield dg.MaterializeResult(asset_key=["lake", "memberships"],
                                   metadata=summary | postgres.get("memberships", {}))
        yield dg.MaterializeResult(asset_key=["lake", "rejected_rows"], metadata={
            "rows_rejected": summary["rows_rejected"],
            "feedback_files": dg.MetadataValue.md("\n".join(f"- `{settings.feedback / f}`" for f in feedback)
                                                  or "none"),
            **postgres.get("rejected_rows", {}),
        })
        yield dg.MaterializeResult(asset_key=["lake", "training"], metadata=postgres.get("training", {}))
        yield dg.MaterializeResult(asset_key=["lake", "submissions"], metadata={
            **postgres.get("submissions", {}),
            "files": summary["files"],
            "by_status": dg.MetadataValue.json(
                {status: sum(1 for s in files if s["status"] == status)
                 for status in sorted({s["status"] for s in files})}
            ),
            "problems": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems) or "none"),
        })

    return lake
