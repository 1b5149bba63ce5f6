"""Read submitted files into clean rows: the whole of what ingest does to a spreadsheet.

Files are read one at a time; their roster sheets are then cleaned together (``ingest.roster.clean_rosters``), so a
batch of files costs less than the same files one by one, and gives the same rows. Not here: which of the files
counts (``ingest.status``) and where the rows go (``ingest.pipeline``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.errors import Refused, SubmissionError
from ingest.header import (
    HEADER_SEARCH_ROWS,
    Header,
    find_roster_headers,
    find_training_header,
    no_roster_sheet,
    require_roster_columns,
)
from ingest.reference import Reference
from ingest.roster import CleanRoster, Roster, clean_rosters, require_calculated_formulas
from ingest.settings import Settings
from ingest.title import Identity, identify, sender
from ingest.training import clean_training
from ingest.workbook import Sheet, read_hidden_sheets, read_sheets

# About 100 MB of text cells (docs/operations.md): sixteen 3,500-row rosters, or one large one alone.
BATCH_CELLS = 1_000_000


@dataclass(frozen=True)
class ParsedSubmission:
    identity: Identity
    memberships: pl.DataFrame
    training: pl.DataFrame
    rejected: pl.DataFrame  # with sheet_name, full_name and what the clerk's feedback shows (ingest.suggestions)
    rows_total: int
    notes: tuple[str, ...] = ()  # what reading decided that the clerk should hear (Sheet.note of the sheets read)

    @property
    def rows_rejected(self) -> int:
        return self.rejected.height

    @property
    def rows_accepted(self) -> int:
        return self.rows_total - self.rows_rejected


def _roster_headers(path: Path, file_name: str, reference: Reference, settings: Settings,
                    top_rows: int | None = None) -> tuple[list[Header], list[Sheet]]:
    """The headers of the roster's sheets, and every sheet read: the visible sheets, and the hidden ones only when
    no visible sheet holds a roster (docs/submission-format.md, A3). Raises the SubmissionError reading gives, or
    ``no_roster_sheet`` naming the sheets searched."""
    sheets = read_sheets(path, settings, file_name, top_rows)
    if headers := find_roster_headers(sheets, reference):
        return headers, sheets
    hidden = read_hidden_sheets(path, settings, top_rows)
    if headers := find_roster_headers(hidden, reference):
        return headers, sheets + hidden
    raise no_roster_sheet(sheets, hidden)


def _identity(headers: list[Header], file_name: str, reference: Reference) -> Identity:
    """The unit and as-of date of the first roster sheet's title block, else of the file name (``identify``).

    Every other roster sheet's title block is read with that unit and date standing in for what it does not say,
    as a file name would: one that names another unit or date refuses the file (``roster_sheets_disagree``, both
    sheets named), never one of them picked."""
    first = identify(headers[0] if headers else None, file_name, reference)
    stand_in = f"{first.unit_code}_{first.as_of_date.isoformat()}"
    for header in headers[1:]:
        other = identify(header, stand_in, reference)
        if other != first:
            said = [(headers[0].sheet.name, first), (header.sheet.name, other)]
            vi = ", ".join(f"trang '{name}' ghi {reference.units[i.unit_code].name} ({i.unit_code}) tính đến ngày "
                           f"{i.as_of_date:%d/%m/%Y}" for name, i in said)
            en = ", ".join(f"sheet '{name}' is for {reference.units[i.unit_code].name} ({i.unit_code}) as of "
                           f"{i.as_of_date.isoformat()}" for name, i in said)
            raise SubmissionError(
                "roster_sheets_disagree",
                f"Các trang danh sách ghi khác đơn vị hoặc ngày số liệu: {vi}; một tệp là danh sách của một đơn vị "
                f"tại một ngày: sửa phần đầu trang, hoặc gửi thành các tệp riêng / the roster sheets name different "
                f"units or dates: {en}; a file is one unit's roster at one date: correct the title blocks, or send "
                f"separate files", identity=first,  # the first sheet's clerk hears of it
            )
    return first


def _identity_or_none(headers: list[Header], file_name: str, reference: Reference) -> Identity | None:
    try:
        return _identity(headers, file_name, reference)
    except SubmissionError:
        return None


def identify_file(path: Path, file_name: str, reference: Reference, settings: Settings) -> Identity:
    """Only the unit and as-of date of a file, from its title block (the top rows of its sheets, as reading the
    whole file would find them) or else its file name: how a file is routed to its unit before it is parsed.
    Raises the SubmissionError that reading would give when neither tells."""
    try:
        headers, _ = _roster_headers(path, file_name, reference, settings, top_rows=HEADER_SEARCH_ROWS + 1)
    except SubmissionError as error:
        if identity := _identity_or_none([], file_name, reference):
            return identity
        raise error
    return _identity(headers, file_name, reference)


@dataclass(frozen=True)
class _Opened:
    """A file whose roster sheets are found and whose unit and date are known: what cleaning starts from."""

    identity: Identity
    headers: list[Header]
    sheets: list[Sheet]


def _open(path: Path, file_name: str, reference: Reference, settings: Settings) -> _Opened | Refused:
    try:
        headers, sheets = _roster_headers(path, file_name, reference, settings)
    except SubmissionError as error:
        # A file named <code>_<date> still belongs to its unit: the clerk gets feedback even if it is unreadable.
        return Refused.of(error, sender(error, file_name, reference))
    try:
        # First: a title block or header written by formulas never calculated reads as empty, and the clerk must
        # hear that, not that the date or a column is missing.
        for header in headers:
            require_calculated_formulas(header)
    except SubmissionError as error:
        return Refused.of(error, _identity_or_none(headers, file_name, reference) or sender(error, file_name, reference))
    try:
        identity = _identity(headers, file_name, reference)
    except SubmissionError as error:
        return Refused.of(error, sender(error, file_name, reference))
    try:
        for header in headers:
            require_roster_columns(header)
    except SubmissionError as error:
        return Refused.of(error, identity)
    return _Opened(identity, headers, sheets)


def _sheets_read(headers: list[Header], roster: CleanRoster) -> tuple[str, ...]:
    """The note of a roster read from several sheets: which, and how many people rows each gave."""
    if len(headers) < 2:
        return ()
    counts = list(zip((h.sheet.name for h in headers), roster.sheet_rows))
    vi = ", ".join(f"'{name}' ({rows} dòng)" for name, rows in counts)
    en = ", ".join(f"'{name}' ({rows} rows)" for name, rows in counts)
    return (f"Danh sách được đọc từ {len(headers)} trang, như một danh sách: {vi} / the roster was read from "
            f"{len(headers)} sheets, as one roster: {en}",)


def _parsed(opened: _Opened, roster: CleanRoster, reference: Reference) -> ParsedSubmission | Refused:
    if roster.rows_total == 0:
        return Refused("empty_roster", "Danh sách không có dòng cán bộ nào / the roster has no people rows",
                       opened.identity)
    rejected = [roster.rejected]
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
        rejected=pl.concat(rejected, how="diagonal"),  # the roster's and the training sheet's, by column name
        rows_total=roster.rows_total + training_total,
        notes=_notes([*(h.sheet for h in opened.headers), *([training_header.sheet] if training_header else [])])
        + _sheets_read(opened.headers, roster),
    )


def _notes(sheets: list[Sheet]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.note for s in sheets if s.note))


def _cells(opened: _Opened | Refused) -> int:
    return sum(s.cells.height * s.cells.width for s in opened.sheets) if isinstance(opened, _Opened) else 0


def _cleaned(opened: list[_Opened | Refused], reference: Reference,
             settings: Settings) -> list[ParsedSubmission | Refused]:
    readable = [o for o in opened if isinstance(o, _Opened)]
    rosters = iter(clean_rosters([Roster(tuple(o.headers), o.identity.as_of_date,
                                         reference.bodies_of(o.identity.unit_code)) for o in readable], reference,
                                 settings.person_key_secret))
    return [_parsed(item, next(rosters), reference) if isinstance(item, _Opened) else item for item in opened]


def read_submissions(
    files: list[tuple[Path, str]], reference: Reference, settings: Settings,
    opening: Callable[[int], None] | None = None,
) -> list[ParsedSubmission | Refused]:
    """Clean rows of each file at ``path`` (received as ``file_name``), in order; a Refused in the place of a file
    that cannot be accepted as a whole: not a spreadsheet, too large, no roster sheet, formulas never calculated, a
    required column missing, unknown unit, no as-of date, roster sheets naming different units or dates, no people
    rows. Any other exception is the caller's to isolate.

    Files are opened one after another and cleaned together whenever the sheets held reach BATCH_CELLS, so memory
    holds at most that many cells plus one file's, whatever the number of files. ``opening`` is told the index of
    each file before it is opened."""
    results: list[ParsedSubmission | Refused] = []
    held: list[_Opened | Refused] = []
    cells = 0
    for index, (path, file_name) in enumerate(files):
        if opening is not None:
            opening(index)
        held.append(_open(path, file_name, reference, settings))
        cells += _cells(held[-1])
        if cells >= BATCH_CELLS:
            results += _cleaned(held, reference, settings)
            held, cells = [], 0
    return results + _cleaned(held, reference, settings)


def read_submission(path: Path, file_name: str, reference: Reference, settings: Settings) -> ParsedSubmission:
    """``read_submissions`` of one file; raises a SubmissionError for a refused file."""
    result = read_submissions([(path, file_name)], reference, settings)[0]
    if isinstance(result, Refused):
        raise SubmissionError(result.code, result.message)
    return result
