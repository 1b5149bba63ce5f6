"""Ingest the inbox for some reporting units: receive, parse, decide statuses, write the lake and feedback.

This is the whole ingest layer as one call, used by the Dagster ingest asset (one or all unit partitions) and by
tests. New files are parsed in small batches (by one worker process per core when many are new): their rosters are
cleaned together, and memory holds one batch per process, never the whole inbox.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from multiprocessing import get_context

from ingest import lake
from ingest.errors import SubmissionError
from ingest.feedback import feedback_file_name, write_feedback
from ingest.receive import Receipt, load_receipts, receive, save_receipt, scan_inbox
from ingest.reference import Reference, load_reference
from ingest.settings import Settings
from ingest.status import Entry, Outcome, decide_statuses
from ingest.submission import ParsedSubmission, read_submissions

Log = Callable[[str], None]
logger = logging.getLogger(__name__)
PARALLEL_FROM_FILES = 16
BATCH_FILES = 16  # files a worker is handed at once (ingest.submission bounds the cells it holds)


@dataclass(frozen=True)
class UnitResult:
    unit_code: str
    submissions: list[dict]  # rows of lake/submissions for this unit

    @property
    def rows_accepted(self) -> int:
        return sum(s["rows_accepted"] for s in self.submissions if s["status"].startswith("accepted"))

    @property
    def rows_rejected(self) -> int:
        return sum(s["rows_rejected"] for s in self.submissions if s["status"] != "duplicate")


def _parse(
    receipts: list[Receipt], settings: Settings, reference: Reference
) -> list[ParsedSubmission | SubmissionError]:
    """Parse files together; on an error the code did not foresee, each file again on its own, so one file the code
    cannot handle does not stop the others."""
    files = [(settings.archive / r.archived_name, r.arrivals[0].file_name) for r in receipts]
    try:
        return read_submissions(files, reference, settings)
    except Exception as error:
        if len(receipts) > 1:
            return [result for receipt in receipts for result in _parse([receipt], settings, reference)]
        logger.exception("unexpected error reading %s (%s)", files[0][1], receipts[0].sha256)
        return [SubmissionError(
            "internal_error",
            f"Lỗi hệ thống khi đọc tệp, đã báo cho quản trị / unexpected error reading the file "
            f"({type(error).__name__}); the operators have the details in the log",
        )]


def _store(result: ParsedSubmission | SubmissionError, receipt: Receipt, settings: Settings) -> Outcome:
    """Write the rows of a parsed file into its unit's lake folder and remember the outcome."""
    if isinstance(result, SubmissionError):
        outcome = Outcome(receipt.sha256, receipt.as_of_date, error_message=result.message)
    else:
        lake.write_rows(settings.lake, receipt.unit_code, receipt.sha256, result.identity.as_of_date, {
            "memberships": result.memberships, "training": result.training, "rejected_rows": result.rejected,
        })
        outcome = Outcome(receipt.sha256, receipt.as_of_date, result.rows_total, result.rows_rejected)
    lake.save_outcome(settings.lake, receipt.unit_code, outcome)
    return outcome


def _identified(receipts: list[Receipt], settings: Settings, wanted: set[str]) -> list[Receipt]:
    """Parse files not yet identified by this parser version; store their rows at once if their unit is wanted.

    Runs in a worker process when many files are new, so it returns the receipts it filled in."""
    for receipt, result in zip(receipts, _parse(receipts, settings, load_reference())):
        identity = result.identity
        receipt.unit_code = identity.unit_code if identity else None
        receipt.as_of_date = identity.as_of_date.isoformat() if identity else None
        receipt.error_code = result.code if isinstance(result, SubmissionError) else None
        receipt.error_message = result.message if isinstance(result, SubmissionError) else None
        receipt.identified_by = lake.parser_version()
        if receipt.unit_code in wanted:
            _store(result, receipt, settings)
    return receipts


def _batches(receipts: list[Receipt], workers: int) -> list[list[Receipt]]:
    """Consecutive runs of at most BATCH_FILES files, small enough that each worker gets a few (the last batch of
    one must not keep the other workers waiting long)."""
    size = max(1, min(BATCH_FILES, len(receipts) // (4 * workers)))
    return [receipts[i:i + size] for i in range(0, len(receipts), size)]


def _workers(files: int) -> int:
    """Worker processes for parsing ``files`` new files: one per core, none for a few files (a worker takes about
    a second to start, and a few files take less)."""
    return min(len(os.sched_getaffinity(0)), files) if files >= PARALLEL_FROM_FILES else 0


def _record(receipt: Receipt, identified: Receipt, settings: Settings) -> str:
    """Save what parsing found out about a file; returns the line that says it."""
    vars(receipt).update(vars(identified))  # the same object unless a worker process filled in a copy
    save_receipt(settings.archive, receipt)
    where = f"unit {receipt.unit_code}, as of {receipt.as_of_date}" if receipt.unit_code else "unit not identified"
    problem = f" — refused: {receipt.error_code}" if receipt.error_code else ""
    return f"read {receipt.arrivals[0].file_name}: {where}{problem}"


def _identify_all(stale: list[Receipt], settings: Settings, wanted: set[str], log: Log) -> None:
    """Identify (and store, if wanted) every stale file, one batch of workbooks per process in memory at a time.

    Many new files are parsed in batches by worker processes, one per core; the log then has one message per batch,
    a progress line and a line per file (a log message costs Dagster milliseconds: 1,400 of them took 8 s of a
    national run). If a file kills its worker (a reader crash, not a refusal), the files not yet recorded are read
    again here, one at a time, logging ``[i/n] identifying`` before each and a ``read`` line after: the culprit is
    then the file being read after the last ``read`` line (docs/operations.md). A few files are read that way from
    the start."""
    done, workers = 0, _workers(len(stale))
    parse = partial(_identified, settings=settings, wanted=wanted)
    if workers > 1:
        try:
            with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
                for identified in pool.map(parse, _batches(stale, workers)):
                    lines = []
                    for receipt in identified:
                        lines.append(_record(stale[done], receipt, settings))
                        done += 1
                    log("\n".join([f"[{done}/{len(stale)}] files read", *lines]))
        except BrokenProcessPool:
            log(f"a reader process died after {done} file(s); reading the others one at a time")
    for index in range(done, len(stale)):
        log(f"[{index + 1}/{len(stale)}] identifying")
        log(_record(stale[index], parse([stale[index]])[0], settings))


def _submission_row(entry: Entry, status, outcome: Outcome, unit_code: str | None) -> dict:
    counted = status.status != "duplicate" and outcome.error_message is None
    return {
        "file_name": entry.file_name, "sha256": entry.sha256, "unit_code": unit_code,
        "as_of_date": date.fromisoformat(outcome.as_of_date) if outcome.as_of_date else None,
        "received_at": datetime.fromisoformat(entry.received_at).replace(tzinfo=None),
        "status": status.status, "message": status.message, "feedback_file": None,
        "rows_total": outcome.rows_total if counted else 0,
        "rows_rejected": outcome.rows_rejected if counted else 0,
        "rows_accepted": outcome.rows_total - outcome.rows_rejected if counted else 0,
    }


def _feedback(rows: list[dict], unit_code: str, reference: Reference, settings: Settings) -> None:
    """One feedback file per as-of date, for the latest file the clerk sent; removed once it is all accepted."""
    latest: dict[date, dict] = {}
    for row in rows:
        if row["status"] != "duplicate" and row["as_of_date"] is not None:
            latest[row["as_of_date"]] = row  # rows are in arrival order
    for as_of, row in latest.items():
        path = settings.feedback / feedback_file_name(unit_code, as_of.isoformat())
        if row["status"] in ("accepted_with_rejects", "quarantined", "rejected"):
            rejected = lake.read_rows(settings.lake, "rejected_rows", unit_code, row["sha256"])
            write_feedback(path, reference.units[unit_code].name, as_of.strftime("%d/%m/%Y"), row["file_name"],
                           rejected, row["message"] if row["status"] == "rejected" else None)
            row["feedback_file"] = path.name
        else:
            path.unlink(missing_ok=True)


def _unit_rows(unit_code: str, receipts: list[Receipt], settings: Settings, reference: Reference) -> list[dict]:
    outcomes = {}
    for receipt in receipts:
        outcome = lake.load_outcome(settings.lake, unit_code, receipt.sha256)
        if outcome is None:
            outcome = _store(_parse([receipt], settings, reference)[0], receipt, settings)
        outcomes[receipt.sha256] = outcome
    entries = [Entry(a.file_name, r.sha256, a.received_at) for r in receipts for a in r.arrivals]
    statuses = decide_statuses(entries, outcomes, settings.max_reject_share)
    rows = [_submission_row(s.entry, s, outcomes[s.entry.sha256], unit_code) for s in statuses]
    _feedback(rows, unit_code, reference, settings)
    return rows


def _unidentified_rows(receipts: list[Receipt]) -> list[dict]:
    rows = []
    for receipt in receipts:
        outcome = Outcome(receipt.sha256, None, error_message=receipt.error_message)
        entries = [Entry(a.file_name, receipt.sha256, a.received_at) for a in receipt.arrivals]
        rows += [_submission_row(s.entry, s, outcome, None) for s in decide_statuses(entries, {receipt.sha256: outcome}, 1.0)]
    return rows


def ingest_inbox(settings: Settings, unit_codes: Iterable[str] | None = None, log: Log = print) -> list[UnitResult]:
    """Receive every file in the inbox, then (re)build the lake for ``unit_codes`` (default: every reporting unit).

    Returns one result per unit covered, plus one for files whose unit could not be identified.
    """
    reference = load_reference()
    wanted = set(unit_codes) if unit_codes is not None else {u.code for u in reference.reporting_units()}
    lake.ensure_tables(settings.lake)
    inbox_files = scan_inbox(settings.inbox) if settings.inbox.is_dir() else []
    log(f"inbox {settings.inbox}: {len(inbox_files)} file(s)")
    for inbox_file in inbox_files:
        receive(inbox_file, settings.archive)
    receipts = load_receipts(settings.archive) if settings.archive.is_dir() else []
    version = lake.parser_version()
    stale = [r for r in receipts if r.identified_by != version]
    _identify_all(stale, settings, wanted, log)
    results = []
    for unit_code in sorted(wanted):
        rows = _unit_rows(unit_code, [r for r in receipts if r.unit_code == unit_code], settings, reference)
        lake.write_submissions(settings.lake, unit_code, rows)
        results.append(UnitResult(unit_code, rows))
    unidentified = _unidentified_rows([r for r in receipts if r.unit_code is None])
    lake.write_submissions(settings.lake, lake.UNIDENTIFIED, unidentified)
    results.append(UnitResult(lake.UNIDENTIFIED, unidentified))
    return results
