"""The publish asset: runs only when every blocking check upstream passed, then swaps in a new release."""

import dagster as dg

from expectations.report import PUBLISHED_NAME
from orchestration.resources import WarehouseLock, WarehouseResource
from publishing.release import PUBLISHED_TABLES, publish


def build_publish_asset(guarded: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """``guarded``: every asset whose checks must pass first (the marts and what the quality gate validates)."""

    @dg.asset(
        key="published",
        deps=guarded,
        group_name="publish",
        owners=["team:data-engineering"],
        kinds={"duckdb", "parquet", "html"},
        description="What BI tools read: published/warehouse.duckdb, published/parquet/<table>.parquet, "
        "published/report.html and the run's validation report published/quality_report.html, swapped in atomically "
        "(docs/published-tables.md).",
    )
    def published(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                  warehouse_lock: WarehouseLock) -> dg.MaterializeResult:
        settings = warehouse.settings()
        release = publish(settings.work_database, settings.warehouse, settings.engine)
        context.log.info(f"published {release.path.name}: {release.row_counts}")
        return dg.MaterializeResult(metadata={
            "release": release.path.name,
            "published": dg.MetadataValue.path(str(settings.published)),
            "report": dg.MetadataValue.url((settings.published / "report.html").as_uri()),
            "quality_report": dg.MetadataValue.url((settings.published / PUBLISHED_NAME).as_uri()),
            **{f"rows_{t}": dg.MetadataValue.int(n) for t, n in release.row_counts.items()},
        })

    return published


def published_relations() -> list[str]:
    return [relation for relation, _order in PUBLISHED_TABLES.values()]
