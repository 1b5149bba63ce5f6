"""The status of every file received for one unit: decided here, once; dbt and the quality gate only read it.

Rules (docs/submission-format.md): content already received under another name is ``duplicate``; a file that cannot
be read is ``rejected``; a file whose share of rejected rows exceeds the configured limit is ``quarantined`` (its rows
stay out of the marts and the unit's earlier accepted file stands); of the remaining files for one unit and as-of
date the latest received is ``accepted`` (``accepted_with_rejects`` if it rejected any row) and earlier ones are
``superseded``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """What parsing one archived file gave (a file-level error, or row counts)."""

    sha256: str
    as_of_date: str | None
    rows_total: int = 0
    rows_rejected: int = 0
    error_message: str | None = None


@dataclass(frozen=True)
class Entry:
    """One arrival of a file, the unit of the ``submissions`` table."""

    file_name: str
    sha256: str
    received_at: str


@dataclass(frozen=True)
class Status:
    entry: Entry
    status: str
    message: str | None


def _share(outcome: Outcome) -> float:
    return outcome.rows_rejected / outcome.rows_total if outcome.rows_total else 0.0


def decide_statuses(entries: list[Entry], outcomes: dict[str, Outcome], max_reject_share: float) -> list[Status]:
    """A status per entry; ``entries`` in any order, results in arrival order."""
    ordered = sorted(entries, key=lambda e: (e.received_at, e.file_name))
    first_name: dict[str, str] = {}
    decided: dict[int, Status] = {}
    candidates: dict[str | None, list[int]] = {}
    for index, entry in enumerate(ordered):
        outcome = outcomes[entry.sha256]
        if entry.sha256 in first_name:
            decided[index] = Status(entry, "duplicate", f"Trùng nội dung với tệp đã nhận '{first_name[entry.sha256]}'")
            continue
        first_name[entry.sha256] = entry.file_name
        if outcome.error_message is not None:
            decided[index] = Status(entry, "rejected", outcome.error_message)
        elif _share(outcome) > max_reject_share:
            decided[index] = Status(
                entry,
                "quarantined",
                f"{outcome.rows_rejected}/{outcome.rows_total} dòng bị loại ({_share(outcome):.1%}), vượt ngưỡng "
                f"{max_reject_share:.0%}: tệp bị tạm giữ, số liệu đã chấp nhận trước đó (nếu có) vẫn được dùng / "
                f"rejected-row share above the {max_reject_share:.0%} limit: quarantined; the unit's earlier "
                f"accepted file, if any, still counts",
            )
        else:
            candidates.setdefault(outcome.as_of_date, []).append(index)
    for indexes in candidates.values():
        *older, latest = indexes
        for index in older:
            decided[index] = Status(ordered[index], "superseded", f"Thay bằng tệp '{ordered[latest].file_name}'")
        outcome = outcomes[ordered[latest].sha256]
        rejects = outcome.rows_rejected
        decided[latest] = Status(
            ordered[latest],
            "accepted_with_rejects" if rejects else "accepted",
            f"{rejects} dòng bị loại, xem tệp phản hồi" if rejects else None,
        )
    return [decided[i] for i in range(len(ordered))]
