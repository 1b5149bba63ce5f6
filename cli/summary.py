"""``cadre-warehouse run``: the warehouse job in-process (the same job the nightly schedule launches), what it did
summed up for the operator in Vietnamese and English, and the exit code it means.

The summary fits on a screen whatever the inbox holds: files are counted by status, and only those that need
someone are named (with their unit's name): a quarantined or refused file, a file skipped in the inbox, a failed
check. Units that have not reported yet are normal during a period, so they are an information line.
"""

from __future__ import annotations

import os
import traceback
from contextlib import ExitStack

import dagster as dg
import duckdb
import polars as pl

from cli import Exit
from cli.console import POSTGRES_STEP, ingest_warnings, job_steps, log_path, output_to, progress_logger
from engines.postgres import redacted
from expectations import latest_report
from expectations.report import PUBLISHED_NAME
from ingest.reference import load_reference
from ingest.settings import Settings
from orchestration.assembly import run_in_process

PUBLISHED_KEY = dg.AssetKey(["published"])
POSTGRES_KEY = dg.AssetKey([POSTGRES_STEP])
# How a failure says the disk is the cause: the operating system's words (ENOSPC, EFBIG, EDQUOT) in dbt's, DuckDB's
# or Python's messages, or the dbt step's own (orchestration.dbt).
DISK_FULL = ("No space left on device", "File too large", "Disk quota exceeded", "Errno 28", "Errno 27", "Errno 122",
             "disk full")
FILE_WIDTH = 44


def dagster_instance() -> dg.DagsterInstance:
    # With DAGSTER_HOME set, CLI runs are recorded where `make ui` shows them; otherwise they leave no state behind.
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "-"


def _statuses(settings: Settings) -> dict[str, dict]:
    """The seed submission_statuses by status: its names in Vietnamese and English and its flags, in seed order."""
    frame = pl.read_csv(settings.seeds / "submission_statuses.csv", infer_schema=False).sort(
        pl.col("sort_order").cast(pl.Int32))
    return {row["status"]: row | {"needs_attention": row["needs_attention"] == "true"}
            for row in frame.iter_rows(named=True)}


def _submissions(settings: Settings) -> pl.DataFrame:
    files = sorted(settings.lake.glob("submissions/unit=*/submissions.parquet"))
    return pl.concat([pl.read_parquet(f) for f in files]) if files else pl.DataFrame()


def _print_files(frame: pl.DataFrame, statuses: dict[str, dict]) -> None:
    if frame.is_empty():
        print("Chưa nhận được tệp nào / no submission received")
        return
    print(f"Tệp đã nhận / files received: {len(frame)} (dòng nhận / rows accepted {frame['rows_accepted'].sum()}, "
          f"dòng bị loại / rows rejected {frame['rows_rejected'].sum()})")
    counts = dict(frame.group_by("status").len().iter_rows())
    for status, names in statuses.items():
        if counts.get(status):
            print(f"  {counts[status]:>5}  {names['status_name']} / {names['status_name_en']}")


def _print_table(frame: pl.DataFrame, statuses: dict[str, dict]) -> None:
    """Every file, one line each (``--verbose``)."""
    print(f"{'tệp / file':{FILE_WIDTH}} {'đơn vị':>6} {'ngày':>10} {'nhận':>8} {'loại':>8}  trạng thái / status")
    for row in frame.sort("received_at", "file_name").iter_rows(named=True):
        names = statuses[row["status"]]
        print(f"{row['file_name'][:FILE_WIDTH]:{FILE_WIDTH}} {row['unit_code'] or '-':>6} "
              f"{_date(row['as_of_date']):>10} {row['rows_accepted']:>8} {row['rows_rejected']:>8}  "
              f"{names['status_name']} / {names['status_name_en']}")


def _attention(settings: Settings, frame: pl.DataFrame, statuses: dict[str, dict], skipped: list[str]) -> list[str]:
    """Lines for what someone has to act on: a file whose status needs attention, a file the inbox scan skipped."""
    units = load_reference(settings.seeds).units
    lines = []
    rows = frame.filter(pl.col("status").is_in([s for s, names in statuses.items() if names["needs_attention"]]))
    for row in (rows.sort("received_at", "file_name").iter_rows(named=True) if not rows.is_empty() else []):
        unit = units.get(row["unit_code"] or "")
        where = f"{unit.name} ({unit.code})" if unit else "chưa xác định đơn vị / unit not identified"
        names = statuses[row["status"]]
        when = f", {_date(row['as_of_date'])}" if row["as_of_date"] else ""
        lines.append(f"  ! {row['file_name']} — {where}{when}: {names['status_name']} / {names['status_name_en']}")
        if row["message"]:
            lines.append(f"      {row['message']}")
    lines += [f"  ! bỏ qua / {message}" for message in skipped]
    return lines


def _print_periods(con: duckdb.DuckDBPyConnection) -> None:
    """Per reporting period, how many of the units that should report have (dbt's roll-up counts them)."""
    periods = con.execute(
        "select period, max(as_of_date), arg_max(units_reporting, as_of_date), arg_max(units_expected, as_of_date)"
        " from indicators where area_level = 'province' and units_expected is not null group by period"
        " order by period").fetchall()
    for period, as_of, reporting, expected in periods:
        print(f"  {period} (ngày số liệu / as of {_date(as_of)}): {reporting}/{expected} đơn vị đã báo cáo / units "
              "reported")
        if reporting < expected:
            missing = expected - reporting
            print(f"      i {missing} đơn vị chưa báo cáo, bình thường khi kỳ báo cáo chưa kết thúc; danh sách trong "
                  f"report.html / {missing} units have not reported yet, normal while the period is open; listed in "
                  "report.html")


def _print_feedback(settings: Settings, frame: pl.DataFrame) -> None:
    feedback = frame["feedback_file"].drop_nulls().n_unique() if not frame.is_empty() else 0
    if feedback:
        print(f"Phản hồi cho văn thư / feedback for the clerks: {feedback} tệp / files in {settings.feedback} "
              "(cần gửi cho đơn vị / to be sent to the units)")


def _failed_checks(result: dg.ExecuteInProcessResult) -> list[dg.AssetCheckEvaluation]:
    return [event for event in result.get_asset_check_evaluations() if not event.passed]


def _print_checks(settings: Settings, failed: list[dg.AssetCheckEvaluation]) -> None:
    blocking = [e for e in failed if e.severity == dg.AssetCheckSeverity.ERROR]
    verdict = ("không đạt, chặn công bố / failed, publishing blocked" if blocking else
               f"đạt, {len(failed)} cảnh báo / passed, {len(failed)} warning(s)" if failed else "đạt / passed")
    print(f"Kiểm tra chất lượng / quality checks: {verdict}")
    for event in failed:
        where = f"{event.check_name} on {event.asset_key.to_user_string()}"
        if event not in blocking:  # what it found is in the report, or above: the files that need attention
            print(f"  ! {where}: cảnh báo, xem báo cáo / warning, see the report")
            continue
        print(f"  ✗ {where}: chặn công bố / blocks publishing")
        # The quality gate lists each failed expectation (type, column, observed) there: what to fix, not just where.
        details = event.metadata.get("failed")
        for line in str(details.value).splitlines() if details else []:
            print(f"    {line}")
    report = latest_report(settings.quality)
    if report:
        print(f"  báo cáo / report: {report}")


def _print_published(settings: Settings) -> None:
    with duckdb.connect(str(settings.published / "warehouse.duckdb"), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        print(f"Đã công bố / published: {settings.published} (release {settings.published.resolve().name})")
        _print_periods(con)
        for table in tables:
            count = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            print(f"  {table:24} {count:>8} dòng / rows")
    print(f"  báo cáo / report: {settings.published / 'report.html'}")
    if (settings.published / PUBLISHED_NAME).is_file():
        print(f"  báo cáo chất lượng / quality report: {settings.published / PUBLISHED_NAME}")


def _run_failure(result: dg.ExecuteInProcessResult) -> tuple[str, str] | None:
    """(step, why it failed), unless the only failures are blocking checks (the quality gate, exit 3): a step that
    raised (a full disk, a lock, dbt unable to build) is the run's failure, whatever checks it reported before."""
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        if error is None or error.cls_name == "DagsterAssetCheckFailedError":
            continue
        cause = error.cause or error
        return event.step_key, (
            event.step_failure_data.user_failure_data.description
            if event.step_failure_data.user_failure_data and event.step_failure_data.user_failure_data.description
            else cause.message.strip())
    return None


def _materialized(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> bool:
    return any(e.asset_key == key for e in result.get_asset_materialization_events())


def _print_postgres(settings: Settings, result: dg.ExecuteInProcessResult) -> None:
    """Where the release went on PostgreSQL, when the run publishes there too."""
    if settings.publish_postgres_url and _materialized(result, POSTGRES_KEY):
        print(f"  PostgreSQL: {redacted(settings.publish_postgres_url)}, schema cadre (release "
              f"{settings.published.resolve().name})")


def _outcome(settings: Settings, result: dg.ExecuteInProcessResult, log: str) -> Exit:
    """Print what the checks and the publication came to; the exit code."""
    failure = _run_failure(result)
    if failure and failure[0] == POSTGRES_STEP and _materialized(result, PUBLISHED_KEY):
        # The files are published (the step runs after them): say so, and that PostgreSQL still has the old one.
        _print_checks(settings, _failed_checks(result))
        _print_published(settings)
        print(f"Công bố lên PostgreSQL thất bại / publishing to PostgreSQL failed: {failure[1]}")
        print(f"Xem nhật ký / see the log{log}")
        print("Kết quả / result: đã công bố tệp, PostgreSQL vẫn là bản trước / files published, PostgreSQL still "
              "serves the previous release (mã thoát / exit code 1)")
        return Exit.FAILURE
    if failure:
        failure = failure[1]
        if any(words in failure for words in DISK_FULL):
            print(f"Không đủ chỗ trên đĩa chứa kho dữ liệu {settings.warehouse}: giải phóng chỗ rồi chạy lại / the "
                  f"disk holding the warehouse {settings.warehouse} is full: free space and run again")
        print(f"Lỗi, chưa công bố; bản công bố trước giữ nguyên / the run failed before publishing; the previous "
              f"publication is unchanged: {failure}")
        print(f"Xem nhật ký / see the log{log}")
        return Exit.FAILURE
    failed = _failed_checks(result)
    _print_checks(settings, failed)
    if _materialized(result, PUBLISHED_KEY):
        _print_published(settings)
        _print_postgres(settings, result)
        print("Kết quả / result: đã công bố / published (mã thoát / exit code 0)")
        return Exit.PUBLISHED
    if any(event.severity == dg.AssetCheckSeverity.ERROR for event in failed):
        print("Kiểm tra chất lượng chặn công bố; bản công bố trước giữ nguyên / quality gate blocked publishing; the "
              "previous publication is unchanged (mã thoát / exit code 3)")
        return Exit.GATE_BLOCKED
    print(f"Lỗi, chưa công bố / the run failed before publishing; xem nhật ký / see the log{log}")
    return Exit.FAILURE


def run_and_summarise(settings: Settings, instance: dg.DagsterInstance | None = None,
                      verbose: bool = False) -> Exit:
    """Execute ingest → dbt → checks → publish over every unit (recorded in ``instance``, by default the one
    DAGSTER_HOME names, else a throwaway one), print what happened; the command's exit code.

    By default the terminal shows the steps' progress and the summary, and the Dagster and dbt log goes to
    ``<warehouse>/logs/run_<UTC time>.log``; ``verbose`` prints that log on the terminal instead."""
    path = None if verbose else log_path(settings.logs)
    log = " above" if verbose else f": {path}"
    print(f"Cadre Warehouse: hộp thư / inbox {settings.inbox} → kho / warehouse {settings.warehouse}")
    if path:
        print(f"Nhật ký Dagster và dbt / Dagster and dbt log: {path} (--verbose: trên màn hình / on the terminal)")
    try:
        with ExitStack() as stack:
            loggers = None
            if path:
                terminal = stack.enter_context(output_to(path, settings.runs_kept))
                loggers = {"progress": progress_logger(terminal, job_steps(settings))}
            skipped = stack.enter_context(ingest_warnings())
            result = run_in_process(settings, instance or dagster_instance(), log_level=settings.log_level,
                                    loggers=loggers)
    except Exception:
        traceback.print_exc()
        print(f"Lỗi, chưa công bố / the run failed before publishing; xem nhật ký / see the log{log}")
        return Exit.FAILURE
    frame, statuses = _submissions(settings), _statuses(settings)
    if verbose and not frame.is_empty():
        _print_table(frame, statuses)
    _print_files(frame, statuses)
    attention = _attention(settings, frame, statuses, skipped)
    if attention:
        print("Cần xử lý / needs attention:")
        print("\n".join(attention))
    _print_feedback(settings, frame)
    return _outcome(settings, result, log)
