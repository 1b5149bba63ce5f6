"""Read submitted files into clean rows: the whole of what ingest does to a spreadsheet.

Files are read one at a time; their roster sheets are then cleaned together (``ingest.roster.clean_rosters``), so a
batch of files costs less than the same files one by one, and gives the same rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.errors import SubmissionError
from ingest.header import Header, find_roster_header, find_training_header, require_roster_columns
from ingest.reference import Reference
from ingest.roster import CleanRoster, Roster, clean_rosters
from ingest.settings import Settings
from ingest.title import Identity, identify
from ingest.training import clean_training
from ingest.workbook import Sheet, read_sheets

# About 100 MB of text cells (docs/operations.md): sixteen 3,500-row rosters, or one large one alone.
BATCH_CELLS = 1_000_000


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


@dataclass(frozen=True)
class _Opened:
    """A file whose roster sheet is found and whose unit and date are known: what cleaning starts from."""

    identity: Identity
    header: Header
    sheets: list[Sheet]


def _open(path: Path, file_name: str, reference: Reference, settings: Settings) -> _Opened:
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
    return _Opened(identity, header, sheets)


def _parsed(opened: _Opened, roster: CleanRoster, reference: Reference) -> ParsedSubmission:
    if roster.rows_total == 0:
        raise SubmissionError(
            "empty_roster", "Danh sách không có dòng cán bộ nào / the roster has no people rows", opened.identity
        )
    rejected = [roster.rejected.with_columns(pl.lit(opened.header.sheet.name).alias("sheet_name"))]
    training_header = find_training_header(opened.sheets, reference)
    training_rows, training_total = pl.DataFrame(
        schema={"source_row": pl.Int32, "year": pl.Int32, "metric_code": pl.String, "value": pl.Int64}
    ), 0
    if training_header is not None:
        training = clean_training(training_header, reference)
        training_rows, training_total = training.rows, training.rows_total
        rejected.append(training.rejected.with_columns(pl.lit(training_header.sheet.name).alias("sheet_name")))
    return ParsedSubmission(
        identity=opened.identity,
        memberships=roster.memberships,
        training=training_rows,
        rejected=pl.concat(rejected),
        rows_total=roster.rows_total + training_total,
    )


def _cells(opened: _Opened | SubmissionError) -> int:
    return 0 if isinstance(opened, SubmissionError) else sum(s.cells.height * s.cells.width for s in opened.sheets)


def _cleaned(opened: list[_Opened | SubmissionError], reference: Reference,
             settings: Settings) -> list[ParsedSubmission | SubmissionError]:
    readable = [o for o in opened if isinstance(o, _Opened)]
    rosters = iter(clean_rosters([Roster(o.header, o.identity.as_of_date) for o in readable], reference,
                                 settings.person_key_secret))
    results: list[ParsedSubmission | SubmissionError] = []
    for item in opened:
        try:
            results.append(item if isinstance(item, SubmissionError) else _parsed(item, next(rosters), reference))
        except SubmissionError as error:
            results.append(error)
    return results


def read_submissions(
    files: list[tuple[Path, str]], reference: Reference, settings: Settings
) -> list[ParsedSubmission | SubmissionError]:
    """Clean rows of each file at ``path`` (received as ``file_name``), in order; a SubmissionError in the place of
    a file that cannot be accepted as a whole: not a spreadsheet, too large, no roster sheet, a required column
    missing, unknown unit, no as-of date, no people rows. Any other exception is the caller's to isolate.

    Files are opened one after another and cleaned together whenever the sheets held reach BATCH_CELLS, so memory
    holds at most that many cells plus one file's, whatever the number of files."""
    results: list[ParsedSubmission | SubmissionError] = []
    held: list[_Opened | SubmissionError] = []
    cells = 0
    for path, file_name in files:
        try:
            held.append(_open(path, file_name, reference, settings))
        except SubmissionError as error:
            held.append(error)
        cells += _cells(held[-1])
        if cells >= BATCH_CELLS:
            results += _cleaned(held, reference, settings)
            held, cells = [], 0
    return results + _cleaned(held, reference, settings)


def read_submission(path: Path, file_name: str, reference: Reference, settings: Settings) -> ParsedSubmission:
    """``read_submissions`` of one file; raises its SubmissionError."""
    result = read_submissions([(path, file_name)], reference, settings)[0]
    if isinstance(result, SubmissionError):
        raise result
    return result
