"""What parsing an archived file found, kept once per file content: the parse cache.

``parsed/<sha256>.json`` holds the unit and as-of date, the row counts or the refusal, and the parser version that
found them; ``parsed/<sha256>.feedback.xlsx`` the clerk's feedback workbook for that file, when it has something to
say; ``parsed/<sha256>.route`` the unit and date that identifying the file found (``ingest.routing``), for a file
that a run for other units routed and left unparsed. A record or route of another parser version is stale: the file
is parsed (or identified) again. Records are written after the file's lake rows and feedback, so a crash in between
leaves no record and the file is parsed again by the next run.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from ingest.files import write_atomically


@dataclass(frozen=True)
class Parsed:
    sha256: str
    parser_version: str
    unit_code: str | None = None
    as_of_date: str | None = None  # ISO 8601
    rows_total: int = 0
    rows_rejected: int = 0
    error_code: str | None = None
    error_message: str | None = None
    notes: str | None = None  # what reading decided that the clerk should hear, joined

    @property
    def as_of(self) -> date | None:
        return date.fromisoformat(self.as_of_date) if self.as_of_date else None


def record_path(folder: Path, sha256: str) -> Path:
    return folder / f"{sha256}.json"


def feedback_path(folder: Path, sha256: str) -> Path:
    return folder / f"{sha256}.feedback.xlsx"


def load_parsed(folder: Path, sha256: str, parser_version: str) -> Parsed | None:
    """The record of ``sha256`` made by ``parser_version``, or None (never parsed, or parsed by another version)."""
    try:
        record = Parsed(**json.loads(record_path(folder, sha256).read_bytes()))
    except FileNotFoundError:
        return None
    return record if record.parser_version == parser_version else None


def save_parsed(folder: Path, record: Parsed) -> None:
    text = json.dumps(asdict(record), ensure_ascii=False, indent=1, sort_keys=True)
    write_atomically(record_path(folder, record.sha256), text.encode("utf-8"))


def route_path(folder: Path, sha256: str) -> Path:
    return folder / f"{sha256}.route"


def load_route(folder: Path, sha256: str, parser_version: str) -> tuple[str, date] | None:
    """(unit, as-of date) that identifying ``sha256`` found under ``parser_version``, or None."""
    try:
        route = json.loads(route_path(folder, sha256).read_bytes())
    except FileNotFoundError:
        return None
    if route["parser_version"] != parser_version:
        return None
    return route["unit_code"], date.fromisoformat(route["as_of_date"])


def save_route(folder: Path, sha256: str, parser_version: str, unit_code: str, as_of: date) -> None:
    route = {"parser_version": parser_version, "unit_code": unit_code, "as_of_date": as_of.isoformat()}
    write_atomically(route_path(folder, sha256), json.dumps(route, sort_keys=True).encode("utf-8"))
