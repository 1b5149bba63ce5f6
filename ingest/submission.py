"""Read one submitted file into clean rows: the whole of what ingest does to a single spreadsheet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.errors import SubmissionError
from ingest.header import find_roster_header, find_training_header, require_roster_columns
from ingest.reference import Reference
from ingest.roster import clean_roster
from ingest.settings import Settings
from ingest.title import Identity, identify
from ingest.training import clean_training
from ingest.workbook import read_sheets


@dataclass(frozen=True)
class ParsedSubmission:
    identity: Identity
    memberships: pl.DataFrame
    training: pl.DataFrame
    rejected: pl.DataFrame  # with sheet_name and full_name: the clerk's feedback needs both
    rows_total: int

    @property
    def rows_rejected(self) -> int:
        return self.rejected.height

    @property
    def rows_accepted(self) -> int:
        return self.rows_total - self.rows_rejected


def _identity_from_file_name(file_name: str, reference: Reference) -> Identity | None:
    try:
        return identify(None, file_name, reference)
    except SubmissionError:
        return None


def identify_file(path: Path, file_name: str, reference: Reference, settings: Settings) -> Identity:
    """Only the unit and as-of date of a file (the inbox sensor routes it to its unit's partition)."""
    try:
        header = find_roster_header(read_sheets(path, settings), reference)
    except SubmissionError as error:
        if identity := _identity_from_file_name(file_name, reference):
            return identity
        raise error
    return identify(header, file_name, reference)


def read_submission(path: Path, file_name: str, reference: Reference, settings: Settings) -> ParsedSubmission:
    """Clean rows of the file at ``path`` (received as ``file_name``).

    Raises ingest.errors.SubmissionError when the file as a whole cannot be accepted: not a spreadsheet, too large,
    no roster sheet, a required column missing, unknown unit, no as-of date.
    """
    try:
        sheets = read_sheets(path, settings, file_name)
        header = find_roster_header(sheets, reference)
    except SubmissionError as error:
        # A file named <code>_<date> still belongs to its unit: the clerk gets feedback even if it is unreadable.
        error.identity = _identity_from_file_name(file_name, reference)
        raise
    identity = identify(header, file_name, reference)
    try:
        require_roster_columns(header)
    except SubmissionError as error:
        error.identity = identity
        raise
    roster = clean_roster(header, identity.as_of_date, reference, settings.person_key_secret)
    if roster.rows_total == 0:
        raise SubmissionError(
            "empty_roster", "Danh sách không có dòng cán bộ nào / the roster has no people rows", identity
        )
    rejected = [roster.rejected.with_columns(pl.lit(header.sheet.name).alias("sheet_name"))]
    training_header = find_training_header(sheets, reference)
    training_rows, training_total = pl.DataFrame(
        schema={"source_row": pl.Int32, "year": pl.Int32, "metric_code": pl.String, "value": pl.Int64}
    ), 0
    if training_header is not None:
        training = clean_training(training_header, reference)
        training_rows, training_total = training.rows, training.rows_total
        rejected.append(training.rejected.with_columns(pl.lit(training_header.sheet.name).alias("sheet_name")))
    return ParsedSubmission(
        identity=identity,
        memberships=roster.memberships,
        training=training_rows,
        rejected=pl.concat(rejected),
        rows_total=roster.rows_total + training_total,
    )
