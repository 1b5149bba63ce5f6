"""Run the warehouse job in-process (the same job the nightly schedule launches) and report what happened."""

from __future__ import annotations

import os
import traceback

import dagster as dg
import duckdb
import polars as pl

from ingest.settings import Settings
from orchestration.automation import all_units_tags

EXIT_PUBLISHED, EXIT_FAILURE, EXIT_GATE_BLOCKED = 0, 1, 3
PUBLISHED_KEY = dg.AssetKey(["published"])


def _instance() -> dg.DagsterInstance:
    # With DAGSTER_HOME set, CLI runs are recorded where `make ui` shows them; otherwise they leave no state behind.
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def _failed_checks(result: dg.ExecuteInProcessResult) -> list[dg.AssetCheckEvaluation]:
    return [event for event in result.get_asset_check_evaluations() if not event.passed]


def _print_failed_checks(failed: list[dg.AssetCheckEvaluation]) -> None:
    for event in failed:
        print(f"check failed — {event.severity.value}: {event.check_name} on {event.asset_key.to_user_string()}")
        # The quality gate lists each failed expectation (type, column, observed) there: what to fix, not just where.
        details = event.metadata.get("failed")
        for line in str(details.value).splitlines() if details else []:
            print(f"    {line}")


def _print_submissions(settings: Settings) -> None:
    files = sorted(settings.lake.glob("submissions/unit=*/submissions.parquet"))
    frame = pl.concat([pl.read_parquet(f) for f in files]) if files else pl.DataFrame()
    if frame.is_empty():
        print("no submission received")
        return
    print(f"{'file':44} {'unit':>5} {'as of':>10} {'accepted':>8} {'rejected':>8}  status")
    for row in frame.sort("received_at", "file_name").iter_rows(named=True):
        as_of = row["as_of_date"].isoformat() if row["as_of_date"] else "-"
        print(f"{row['file_name'][:44]:44} {row['unit_code'] or '-':>5} {as_of:>10} {row['rows_accepted']:>8} "
              f"{row['rows_rejected']:>8}  {row['status']}")
        if row["status"] in ("quarantined", "rejected"):
            print(f"    ! {row['message']}")


def _print_published(settings: Settings) -> None:
    with duckdb.connect(str(settings.published / "warehouse.duckdb"), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        print(f"published {settings.published} (release {settings.published.resolve().name}):")
        for table in tables:
            count = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            print(f"  {table:24} {count:>8} rows")
    print(f"  report: {settings.published / 'report.html'}")


def run_warehouse_job(settings: Settings) -> int:
    """Execute ingest → dbt → checks → publish over every unit; returns the CLI's exit code."""
    from orchestration.assembly import JOB_NAME, build_definitions

    try:
        job = build_definitions(settings).resolve_job_def(JOB_NAME)
        result = job.execute_in_process(
            instance=_instance(),
            tags=all_units_tags(),
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": os.environ.get("CADRE_LOG_LEVEL", "INFO")}}}},
        )
    except Exception:
        traceback.print_exc()
        return EXIT_FAILURE
    _print_submissions(settings)
    failed = _failed_checks(result)
    published = any(e.asset_key == PUBLISHED_KEY for e in result.get_asset_materialization_events())
    _print_failed_checks(failed)
    reports = sorted(settings.quality.glob("*.html"))
    if reports:
        print(f"validation report: {reports[-1]}")
    if published:
        _print_published(settings)
        return EXIT_PUBLISHED
    if any(event.severity == dg.AssetCheckSeverity.ERROR for event in failed):
        print("quality gate blocked publishing; the previous publication is unchanged")
        return EXIT_GATE_BLOCKED
    print("the run failed before publishing; see the log above")
    return EXIT_FAILURE
