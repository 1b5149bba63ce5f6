"""Parse archived files and store what each gives: its lake rows, its clerk's feedback and its parse record.

New files are parsed in small batches (by one worker process per core when many are new): their rosters are
cleaned together, and memory holds one batch per process, never the whole inbox. Everything a file gives is written
from the parse result in memory, once; the record last (``ingest.parsed``). Not here: which files count
(``ingest.status``) and the submissions table (``ingest.pipeline``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from multiprocessing import get_context

from ingest import lake, reader_process
from ingest.errors import Refused
from ingest.feedback import feedback_workbook
from ingest.files import write_atomically
from ingest.parsed import Parsed, feedback_path, save_parsed
from ingest.receive import Receipt
from ingest.reference import Reference, load_reference
from ingest.settings import Settings
from ingest.submission import ParsedSubmission, read_submissions

Log = Callable[[str], None]
logger = logging.getLogger(__name__)
PARALLEL_FROM_FILES = 16
BATCH_FILES = 16  # files a worker is handed at once (ingest.submission bounds the cells it holds)


def read_batch(receipts: list[Receipt], settings: Settings, reference: Reference,
               opening: Callable[[int], None] | None = None) -> list[ParsedSubmission | Refused]:
    """Read files together (``opening`` told the index of each before it is opened); on an error the code did not
    foresee, each file again on its own, so one file the code cannot handle does not stop the others."""
    files = [(settings.archive / r.archived_name, r.file_name) for r in receipts]
    try:
        return read_submissions(files, reference, settings, opening)
    except Exception as error:
        if len(receipts) > 1:
            return [result for receipt in receipts for result in read_batch([receipt], settings, reference)]
        logger.exception("unexpected error reading %s (%s)", files[0][1], receipts[0].sha256)
        return [Refused(
            "internal_error",
            f"Lỗi hệ thống khi đọc tệp, đã báo cho quản trị / unexpected error reading the file "
            f"({type(error).__name__}); the operators have the details in the log",
        )]


def _store(result: ParsedSubmission | Refused, receipt: Receipt, settings: Settings, reference: Reference,
           wanted: set[str]) -> Parsed:
    """Write what one file gave: its rows if its unit is one the run covers, its feedback if it has any (every
    refused file has: its unit, if known, or ``ingest.pipeline`` places it among the unidentified), its record."""
    identity = result.identity
    unit_code = identity.unit_code if identity else None
    refused = isinstance(result, Refused)
    stored = not refused and unit_code in wanted
    if stored:
        lake.write_rows(settings.lake, unit_code, receipt.sha256, identity.as_of_date, {
            "memberships": result.memberships, "training": result.training, "rejected_rows": result.rejected,
        })
    draft = feedback_path(settings.parsed, receipt.sha256)
    if refused or result.rows_rejected:
        write_atomically(draft, feedback_workbook(
            receipt.file_name, reference.units[unit_code].name if identity else None,
            identity.as_of_date if identity else None,
            None if refused else result.rejected, result if refused else None,
        ))
    else:
        draft.unlink(missing_ok=True)
    record = Parsed(
        receipt.sha256, lake.parser_version(settings.seeds), unit_code,
        identity.as_of_date.isoformat() if identity else None,
        rows_total=0 if refused else result.rows_total, rows_rejected=0 if refused else result.rows_rejected,
        error_code=result.code if refused else None, error_message=result.message if refused else None,
        notes=None if refused else "; ".join(result.notes) or None,
    )
    save_parsed(settings.parsed, record)
    return record


def _parse_and_store(receipts: list[Receipt], settings: Settings, wanted: set[str],
                     opening: Callable[[int], None] | None = None) -> list[Parsed]:
    """Read a batch of files and store each; runs in a worker process when many files are new."""
    reference = load_reference(settings.seeds)
    results = read_batch(receipts, settings, reference, opening)
    return [_store(result, receipt, settings, reference, wanted) for receipt, result in zip(receipts, results)]


def _batches(receipts: list[Receipt], workers: int) -> list[list[Receipt]]:
    """Consecutive runs of at most BATCH_FILES files, small enough that each worker gets a few (the last batch of
    one must not keep the other workers waiting long)."""
    size = max(1, min(BATCH_FILES, len(receipts) // (4 * workers)))
    return [receipts[i:i + size] for i in range(0, len(receipts), size)]


def _workers(files: int) -> int:
    """Worker processes for parsing ``files`` new files: one per core, none for a few files (a worker takes about
    a second to start, and a few files take less)."""
    return min(len(os.sched_getaffinity(0)), files) if files >= PARALLEL_FROM_FILES else 0


def reader_pool(workers: int) -> ProcessPoolExecutor:
    """The reader worker processes: new interpreters (nothing of the run's state is forked into them), each set up
    for reading before it loads polars (``ingest.reader_process``)."""
    return ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=reader_process.prepare)


def _line(receipt: Receipt, record: Parsed) -> str:
    where = f"unit {record.unit_code}, as of {record.as_of_date}" if record.unit_code else "unit not identified"
    problem = f" — refused: {record.error_code}" if record.error_code else ""
    return f"read {receipt.file_name}: {where}{problem}"


def parse_files(receipts: list[Receipt], settings: Settings, wanted: set[str], log: Log) -> dict[str, Parsed]:
    """Parse and store every file of ``receipts``; their records by sha256.

    Many new files are parsed in batches by worker processes, one per core; the log then has one message per batch,
    a progress line and a line per file (each Dagster log message has a cost). A few new files are parsed here, as
    one batch (cleaning a batch costs little more than cleaning one of its files), logging ``[i/n] identifying``
    and the file's name before each is opened and a ``read`` line for each at the end. If a file kills its worker (a
    reader crash, not a refusal), the files not yet recorded are read again here one at a time, each between its
    ``identifying`` and ``read`` lines. Either way, the culprit of a crash here is the file of the last
    ``identifying`` line (docs/operations.md)."""
    records: dict[str, Parsed] = {}
    done, workers = 0, _workers(len(receipts))
    parse = partial(_parse_and_store, settings=settings, wanted=wanted)

    def identifying(index: int) -> None:
        log(f"[{index + 1}/{len(receipts)}] identifying {receipts[index].file_name}")

    if workers > 1:
        try:
            with reader_pool(workers) as pool:
                for batch in pool.map(parse, _batches(receipts, workers)):
                    lines = []
                    for record in batch:
                        records[record.sha256] = record
                        lines.append(_line(receipts[done], record))
                        done += 1
                    log("\n".join([f"[{done}/{len(receipts)}] files read", *lines]))
        except BrokenProcessPool:
            log(f"a reader process died after {done} file(s); reading the others one at a time")
        batches = [[index] for index in range(done, len(receipts))]
    else:
        batches = [list(range(len(receipts)))] if receipts else []
    for indexes in batches:
        batch = parse([receipts[i] for i in indexes], opening=lambda at, first=indexes[0]: identifying(first + at))
        for index, record in zip(indexes, batch):
            records[record.sha256] = record
            log(_line(receipts[index], record))
    return records
