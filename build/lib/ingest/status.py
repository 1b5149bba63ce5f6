"""The status of every file received for one unit: decided here, once; dbt and the quality gate only read it.

Rules (docs/submission-format.md): content already received under another name is ``duplicate``; a file that cannot
be read is ``rejected``; a file whose share of rejected rows exceeds the configured limit is ``quarantined`` (its rows
stay out of the marts and the unit's earlier accepted file stands); of the remaining files for one unit and as-of
date the latest received is ``accepted`` (``accepted_with_rejects`` if it rejected any row) and earlier ones are
``superseded``. What each status means and the message it records live in the seed ``submission_statuses``; this
module names the statuses only to apply the rules.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ingest.parsed import Parsed


class Status(StrEnum):
    accepted = "accepted"
    accepted_with_rejects = "accepted_with_rejects"
    quarantined = "quarantined"
    rejected = "rejected"
    superseded = "superseded"
    duplicate = "duplicate"


@dataclass(frozen=True)
class StatusRule:
    """One row of the seed ``submission_statuses``."""

    status: Status
    name: str  # Vietnamese, as the board reads it
    is_accepted: bool  # its rows count
    counts_rows: bool  # its rows are counted as received (not a second copy of a file)
    needs_attention: bool  # a unit still owes data: listed for operators and in the report
    gets_feedback: bool  # the clerk gets a feedback file for it
    message: str  # str.format template of the message recorded with it

    def format(self, **fields: object) -> str | None:
        return self.message.format(**fields) or None


def load_status_rules(seeds: Path) -> dict[Status, StatusRule]:
    """The seed ``submission_statuses``; ValueError if its statuses are not exactly the ones the rules name."""
    with (seeds / "submission_statuses.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if {r["status"] for r in rows} != set(Status):
        raise ValueError(f"seed submission_statuses has {sorted(r['status'] for r in rows)}, the status rules "
                         f"name {sorted(Status)}: add or remove both together")
    flag = {"true": True, "false": False}
    return {
        Status(r["status"]): StatusRule(
            Status(r["status"]), r["status_name"], flag[r["is_accepted"]], flag[r["counts_rows"]],
            flag[r["needs_attention"]], flag[r["gets_feedback"]], r["message"],
        )
        for r in rows
    }


@dataclass(frozen=True)
class Entry:
    """One arrival of a file, the unit of the ``submissions`` table."""

    file_name: str
    sha256: str
    received_at: str


@dataclass(frozen=True)
class Decision:
    entry: Entry
    status: Status
    message: str | None


def _share(parsed: Parsed) -> float:
    return parsed.rows_rejected / parsed.rows_total if parsed.rows_total else 0.0


def decide_statuses(entries: list[Entry], parsed: dict[str, Parsed], max_reject_share: float,
                    rules: dict[Status, StatusRule]) -> list[Decision]:
    """A decision per entry (``parsed`` by sha256); ``entries`` in any order, results in arrival order."""
    ordered = sorted(entries, key=lambda e: (e.received_at, e.file_name))
    first_name: dict[str, str] = {}
    decided: dict[int, Decision] = {}
    candidates: dict[str | None, list[int]] = {}

    def decide(index: int, status: Status, **fields: object) -> None:
        decided[index] = Decision(ordered[index], status, rules[status].format(**fields))

    for index, entry in enumerate(ordered):
        record = parsed[entry.sha256]
        if entry.sha256 in first_name:
            decide(index, Status.duplicate, first=first_name[entry.sha256])
            continue
        first_name[entry.sha256] = entry.file_name
        if record.error_message is not None:
            decide(index, Status.rejected, error=record.error_message)
        elif _share(record) > max_reject_share:
            decide(index, Status.quarantined, rows_rejected=record.rows_rejected, rows_total=record.rows_total,
                   share=_share(record), limit=max_reject_share)
        else:
            candidates.setdefault(record.as_of_date, []).append(index)
    for indexes in candidates.values():
        *older, latest = indexes
        for index in older:
            decide(index, Status.superseded, latest=ordered[latest].file_name)
        rejects = parsed[ordered[latest].sha256].rows_rejected
        decide(latest, Status.accepted_with_rejects if rejects else Status.accepted, rows_rejected=rejects)
    return [decided[i] for i in range(len(ordered))]
