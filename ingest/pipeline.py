"""Ingest the inbox for some reporting units, one way: receive → parse → decide statuses → submissions and feedback.

This is the whole ingest layer as one call, used by the Dagster ingest asset (one or all unit partitions) and by
tests. Receiving archives every file (``ingest.receive``); each archived file is parsed once per parser version
(``ingest.parsing`` writes its lake rows, feedback and record); the statuses of each unit's files are then decided
from the records (``ingest.status``), and the unit's submissions table and clerk feedback written (the feedback of
refused files whose sender is not known under feedback/unidentified/). Not here: reading a spreadsheet
(``ingest.submission``), what a feedback workbook holds (``ingest.feedback``) or anything of dbt's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ingest import lake
from ingest.errors import SubmissionError
from ingest.feedback import UNIDENTIFIED_FOLDER, feedback_file_name, unidentified_feedback_name
from ingest.files import write_atomically
from ingest.parsed import Parsed, feedback_path, load_parsed
from ingest.parsing import Log, parse_files
from ingest.receive import Receipt, load_receipts, receive, scan_inbox
from ingest.reference import Reference, load_reference
from ingest.routing import route_unparsed
from ingest.settings import Settings
from ingest.status import Decision, Entry, decide_statuses


@dataclass(frozen=True)
class UnitResult:
    unit_code: str
    submissions: list[dict]  # rows of lake/submissions for this unit
    rows_accepted: int  # in its accepted files
    rows_rejected: int  # in every file but second copies


def _submission_row(decision: Decision, record: Parsed, unit_code: str | None, reference: Reference) -> dict:
    counted = reference.statuses[decision.status].counts_rows and record.error_message is None
    entry = decision.entry
    return {
        "file_name": entry.file_name, "sha256": entry.sha256, "unit_code": unit_code, "as_of_date": record.as_of,
        "received_at": datetime.fromisoformat(entry.received_at).replace(tzinfo=None),
        "status": str(decision.status), "message": _message(decision, record, counted),
        "feedback_file": None,
        "rows_total": record.rows_total if counted else 0,
        "rows_rejected": record.rows_rejected if counted else 0,
        "rows_accepted": record.rows_total - record.rows_rejected if counted else 0,
    }


def _message(decision: Decision, record: Parsed, counted: bool) -> str | None:
    """The status's message, then what reading the file noticed (not for a second copy: its first says it)."""
    notes = record.notes if counted else None
    return "; ".join(filter(None, (decision.message, notes))) or None


def _place(path: Path, draft: Path) -> None:
    """``draft`` copied to ``path``, unless ``path`` holds its bytes already: a run that changes nothing rewrites no
    feedback file (the province may serve or sync the folder)."""
    content = draft.read_bytes()
    if not path.is_file() or path.read_bytes() != content:
        write_atomically(path, content)


def _place_feedback(rows: list[dict], unit_code: str, settings: Settings, reference: Reference) -> None:
    """One feedback file per as-of date, the one parsing wrote for the latest file the clerk sent; removed once
    that file is all accepted."""
    latest: dict[date, dict] = {}
    for row in rows:  # in arrival order; a second copy of a file is not what the clerk sent last
        if reference.statuses[row["status"]].counts_rows and row["as_of_date"] is not None:
            latest[row["as_of_date"]] = row
    for as_of, row in latest.items():
        path = settings.feedback / feedback_file_name(unit_code, as_of.isoformat())
        draft = feedback_path(settings.parsed, row["sha256"])
        if reference.statuses[row["status"]].gets_feedback and draft.exists():
            _place(path, draft)
            row["feedback_file"] = path.name
        else:
            path.unlink(missing_ok=True)


def _latest_by_name(receipts: list[Receipt]) -> dict[str, str]:
    """The sha256 of the content last received under each file name."""
    arrivals = sorted((a.received_at, a.file_name, r.sha256) for r in receipts for a in r.arrivals)
    return {name: sha256 for _, name, sha256 in arrivals}


def _place_unidentified_feedback(rows: list[dict], latest: dict[str, str], settings: Settings,
                                 reference: Reference) -> None:
    """A feedback file under feedback/unidentified/ for each refused file whose unit is not known, named after it,
    while it is the latest file received under its name: the file in the inbox a clerk replaces, sending it again,
    whatever becomes of the new one. Every other feedback file there is removed, e.g. once a re-read (new seeds)
    finds the file's unit, whose feedback then has it."""
    folder = settings.feedback / UNIDENTIFIED_FOLDER
    placed = set()
    for row in rows:
        draft = feedback_path(settings.parsed, row["sha256"])
        if (reference.statuses[row["status"]].gets_feedback and latest.get(row["file_name"]) == row["sha256"]
                and draft.exists()):
            name = unidentified_feedback_name(row["file_name"], row["sha256"])
            _place(folder / name, draft)
            row["feedback_file"] = f"{UNIDENTIFIED_FOLDER}/{name}"
            placed.add(name)
    for stale in sorted(folder.glob("*_phan_hoi.xlsx")) if folder.is_dir() else []:
        if stale.name not in placed:
            stale.unlink()


def _result(unit_code: str, receipts: list[Receipt], records: dict[str, Parsed], settings: Settings,
            reference: Reference, max_reject_share: float, latest: dict[str, str]) -> UnitResult:
    entries = [Entry(a.file_name, r.sha256, a.received_at) for r in receipts for a in r.arrivals]
    decisions = decide_statuses(entries, records, max_reject_share, reference.statuses)
    code = None if unit_code == lake.UNIDENTIFIED else unit_code
    rows = [_submission_row(d, records[d.entry.sha256], code, reference) for d in decisions]
    if code is not None:
        _place_feedback(rows, code, settings, reference)
    else:
        _place_unidentified_feedback(rows, latest, settings, reference)
    accepted = sum(r["rows_accepted"] for r in rows if reference.statuses[r["status"]].is_accepted)
    return UnitResult(unit_code, rows, accepted, sum(r["rows_rejected"] for r in rows))


def _rows_missing(record: Parsed, settings: Settings) -> bool:
    """A parsed file whose rows are not in the lake: another unit's run parsed it, or the lake was deleted."""
    if record.error_code is not None:
        return False
    return not (lake.unit_folder(settings.lake, "memberships", record.unit_code) / f"{record.sha256}.parquet").exists()


def _to_parse(receipts: list[Receipt], records: dict[str, Parsed | None], wanted: set[str], every_unit: bool,
              settings: Settings, reference: Reference) -> list[Receipt]:
    """Files to parse now: every file without a current record; in a run for some units only, those whose title
    block or name says they are for one of them (or says nothing: reading tells); and the files of the run's units
    whose rows are not in the lake."""
    chosen = []
    for receipt in receipts:
        record = records[receipt.sha256]
        if record is not None:
            if record.unit_code in wanted and _rows_missing(record, settings):
                chosen.append(receipt)
            continue
        if not every_unit:
            try:
                identity = route_unparsed(settings.archive / receipt.archived_name, receipt.file_name,
                                          receipt.sha256, settings, reference, remember=True)
            except SubmissionError:
                identity = None
            if identity is not None and identity.unit_code not in wanted:
                continue
        chosen.append(receipt)
    return chosen


def ingest_inbox(settings: Settings, unit_codes: Iterable[str] | None = None, log: Log = print) -> list[UnitResult]:
    """Receive every file in the inbox, then (re)build the lake for ``unit_codes`` (default: every reporting unit).

    Returns one result per unit covered, plus one for files whose unit could not be identified.
    """
    reference = load_reference(settings.seeds)
    every = {u.code for u in reference.reporting_units()}
    wanted = set(unit_codes) if unit_codes is not None else every
    lake.ensure_tables(settings.lake)
    inbox_files = scan_inbox(settings.inbox) if settings.inbox.is_dir() else []
    log(f"inbox {settings.inbox}: {len(inbox_files)} file(s)")
    received = {r.sha256: r for inbox_file in inbox_files if (r := receive(inbox_file, settings.archive))}
    receipts = load_receipts(settings.archive, received) if settings.archive.is_dir() else []
    version = lake.parser_version(settings.seeds)
    records = {r.sha256: load_parsed(settings.parsed, r.sha256, version) for r in receipts}
    stale = _to_parse(receipts, records, wanted, wanted >= every, settings, reference)
    records |= parse_files(stale, settings, wanted, log)
    by_unit: dict[str, list[Receipt]] = {}
    for receipt in receipts:
        if (record := records[receipt.sha256]) is not None:
            by_unit.setdefault(record.unit_code or lake.UNIDENTIFIED, []).append(receipt)
    results = []
    latest = _latest_by_name(receipts)
    for unit_code in [*sorted(wanted), lake.UNIDENTIFIED]:
        # An unidentified file is refused whatever else arrived, so no limit can make it anything else.
        share = settings.max_reject_share if unit_code != lake.UNIDENTIFIED else 1.0
        result = _result(unit_code, by_unit.get(unit_code, []), records, settings, reference, share, latest)
        lake.write_submissions(settings.lake, unit_code, result.submissions)
        results.append(result)
    return results
