"""``cadre-warehouse run``: the warehouse job in-process (the same job the nightly schedule launches), what it did
printed for the operator, and the exit code it means."""

from __future__ import annotations

import os
import traceback

import dagster as dg
import duckdb
import polars as pl

from cli import Exit
from ingest.reference import load_reference
from ingest.settings import Settings
from orchestration.assembly import run_in_process

PUBLISHED_KEY = dg.AssetKey(["published"])
# How a failure says the disk is the cause: the operating system's words (ENOSPC, EFBIG, EDQUOT) in dbt's, DuckDB's
# or Python's messages, or the dbt step's own (orchestration.dbt).
DISK_FULL = ("No space left on device", "File too large", "Disk quota exceeded", "Errno 28", "Errno 27", "Errno 122",
             "disk full")


def dagster_instance() -> dg.DagsterInstance:
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


def _run_failure(result: dg.ExecuteInProcessResult) -> str | None:
    """Why a step failed, unless the only failures are blocking checks (the quality gate, exit 3): a step that
    raised (a full disk, a lock, dbt unable to build) is the run's failure, whatever checks it reported before."""
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        if error is None or error.cls_name == "DagsterAssetCheckFailedError":
            continue
        cause = error.cause or error
        return (event.step_failure_data.user_failure_data.description
                if event.step_failure_data.user_failure_data and event.step_failure_data.user_failure_data.description
                else cause.message.strip())
    return None


def _print_submissions(settings: Settings) -> None:
    files = sorted(settings.lake.glob("submissions/unit=*/submissions.parquet"))
    frame = pl.concat([pl.read_parquet(f) for f in files]) if files else pl.DataFrame()
    if frame.is_empty():
        print("no submission received")
        return
    statuses = load_reference(settings.seeds).statuses
    print(f"{'file':44} {'unit':>5} {'as of':>10} {'accepted':>8} {'rejected':>8}  status")
    for row in frame.sort("received_at", "file_name").iter_rows(named=True):
        as_of = row["as_of_date"].isoformat() if row["as_of_date"] else "-"
        print(f"{row['file_name'][:44]:44} {row['unit_code'] or '-':>5} {as_of:>10} {row['rows_accepted']:>8} "
              f"{row['rows_rejected']:>8}  {row['status']}")
        if statuses[row["status"]].needs_attention:
            print(f"    ! {row['message']}")


def _print_published(settings: Settings) -> None:
    with duckdb.connect(str(settings.published / "warehouse.duckdb"), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        print(f"published {settings.published} (release {settings.published.resolve().name}):")
        for table in tables:
            count = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            print(f"  {table:24} {count:>8} rows")
    print(f"  report: {settings.published / 'report.html'}")


def run_and_summarise(settings: Settings, instance: dg.DagsterInstance | None = None) -> Exit:
    """Execute ingest → dbt → checks → publish over every unit (recorded in ``instance``, by default the one
    DAGSTER_HOME names, else a throwaway one), print what happened; the command's exit code."""
    try:
        result = run_in_process(settings, instance or dagster_instance(), log_level=settings.log_level)
    except Exception:
        traceback.print_exc()
        return Exit.FAILURE
    _print_submissions(settings)
    failure = _run_failure(result)
    if failure:
        if any(words in failure for words in DISK_FULL):
            print(f"Không đủ chỗ trên đĩa chứa kho dữ liệu {settings.warehouse}: giải phóng chỗ rồi chạy lại / the disk "
                  f"holding the warehouse {settings.warehouse} is full: free space and run again")
        print(f"the run failed before publishing; the previous publication is unchanged: {failure}")
        return Exit.FAILURE
    failed = _failed_checks(result)
    published = any(e.asset_key == PUBLISHED_KEY for e in result.get_asset_materialization_events())
    _print_failed_checks(failed)
    reports = sorted(settings.quality.glob("*.html"))
    if reports:
        print(f"validation report: {reports[-1]}")
    if published:
        _print_published(settings)
        return Exit.PUBLISHED
    if any(event.severity == dg.AssetCheckSeverity.ERROR for event in failed):
        print("quality gate blocked publishing; the previous publication is unchanged")
        return Exit.GATE_BLOCKED
    print("the run failed before publishing; see the log above")
    return Exit.FAILURE
