"""The publish assets: ``published`` runs only when every blocking check upstream passed, then swaps in a new
release; ``published_postgres`` (with CADRE_PUBLISH_POSTGRES_URL set) copies that release into PostgreSQL."""

import dagster as dg

from engines.postgres import redacted
from expectations.report import PUBLISHED_NAME
from orchestration.resources import WarehouseLock, WarehouseResource
from publishing.postgres import PostgresPublishError, publish_release
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


def build_postgres_publish_asset() -> dg.AssetsDefinition:
    """The release ``published`` has just swapped in, copied into PostgreSQL. It fails the run after the files are
    published, PostgreSQL keeping the previous release (docs/operations.md: re-publishing)."""

    @dg.asset(
        key="published_postgres",
        deps=["published"],
        group_name="publish",
        owners=["team:data-engineering"],
        kinds={"postgres"},
        description="The published tables in schema cadre of the PostgreSQL database CADRE_PUBLISH_POSTGRES_URL names, "
        "for BI servers (role cadre_reader), swapped in in one transaction; the previous release in cadre_previous "
        "(docs/deploy.md, PostgreSQL).",
    )
    def published_postgres(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                           warehouse_lock: WarehouseLock) -> dg.MaterializeResult:
        settings = warehouse.settings()
        # Under the run's lock, published/ is the release this run has just published.
        release = settings.published.resolve()
        context.log.info(f"publishing {release.name} to {redacted(settings.publish_postgres_url)}")
        try:
            done = publish_release(release, settings.publish_postgres_url, settings.postgres_reader_password,
                                   settings.postgres_lock_timeout_seconds)
        except PostgresPublishError as error:
            raise dg.Failure(description=str(error)) from None
        context.log.info(f"published {done.release_id} to PostgreSQL: {done.row_counts}")
        return dg.MaterializeResult(metadata={
            "release": done.release_id,
            "database": redacted(settings.publish_postgres_url),
            **{f"rows_{t}": dg.MetadataValue.int(n) for t, n in done.row_counts.items()},
        })

    return published_postgres


def published_relations() -> list[str]:
    return [relation for relation, _order in PUBLISHED_TABLES.values()]
