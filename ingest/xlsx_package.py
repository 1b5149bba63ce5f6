"""Measure an .xlsx package before anything parses it: what its parts really inflate to, how far each sheet
reaches, and which of its formula cells were saved without their value.

calamine (under fastexcel) reads the shared strings whole and lays a sheet out as one rectangle from its first to its
last used cell: a 2 KB file with cells in A1 and XFD1048576 asks it for 17 billion cells and aborts the process, and
a part whose zip header understates its size inflates past any check on the declared sizes. So every part is inflated
here first, as a stream (``ingest.xlsx_parts``: one chunk in memory at a time, refused as soon as it inflates to more
than it declares); each sheet's cell references are scanned for the last row and column calamine would lay out (a
visible sheet is refused here as soon as it reaches past a limit; a hidden one is checked only if it is ever loaded).

The same scan notes formula cells without a cached value (no ``<v>``, or an empty one): what programs that write
formulas but never calculate them leave, and what calamine reads as empty cells where Excel shows values.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import polars as pl

from ingest.xlsx_parts import (
    WORKBOOK,
    WORKBOOK_RELATIONS,
    WORKSHEETS,
    check_central_directory,
    damaged,
    inflated,
    listed_sheets,
    too_large,
)

if TYPE_CHECKING:
    from ingest.settings import Settings

# No legitimate tag or cell text is this long; an unfinished one growing past it is refused, so a scan holds at most
# one chunk and this much.
MAX_TAG = 1 << 20
# A header row widens a sheet's extent once per column; cells out of order are read in one pass after this many.
MAX_WIDENINGS = 64

ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
CELL_COLUMN = re.compile(rb'<c r="([A-Z]+)')
# Not a formatted cell with nothing in it, in the strict form Excel writes (``<c r="F9" s="1"/>``); any other
# spelling counts as a cell.
FILLED = rb'(?!(?: [a-z]+="[0-9A-Za-z]*")*/>)'
FILLED_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"' + FILLED)
# Row and cell tags the fast path cannot read: without their reference first, as Excel writes them, or with a
# namespace prefix (three searches with literal prefixes cost less than one starting at every "<").
IRREGULAR_CELL = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z]+\d+")')
IRREGULAR_ROW = re.compile(rb'<row(?=[\s/>])(?! r="\d+")')
PREFIXED_TAG = re.compile(rb"<[\w.-]+:(?:c|row)[\s/>]")
PREFIXED_NAME = re.compile(rb":(?:c|row)[\s/>]")  # a search for ":" is fast; PREFIXED_TAG's for "<" is not
ANY_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c|f|v)(?=[\s/>])([^>]*)>")
REFERENCE = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)(\d+)["']""")
HAS_REFERENCE = re.compile(rb"(?:^|\s)r\s*=")
# A formula followed by an empty value or none (a shared formula's copies hold only <f t="shared" si="0"/>), and
# the start tag of the cell it is in, as Excel writes it. A chunk without "<f" has none, so most chunks are never
# searched for them; the search starts at formulas, not at every cell.
FORMULA = b"<f"
UNCALCULATED = re.compile(rb'<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*(?:(<v)\s*(?:/>|>\s*</v>)|</c>)')
CELL_START = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*)>\s*$')
# Excel writes a formula whose result is the empty text with an empty value: that one was calculated.
TEXT_RESULT = re.compile(rb"""(?:^|\s)t\s*=\s*["']str["']""")

# A chunk this long is first screened in one pass of polars' compiled regex (a DFA, where each search above is a
# pass of Python's matcher at every tag): when it holds nothing the fast path would look at closer, nor any cell
# reference beyond the extent of its last filled row and its first rows' columns, only that extent is taken in.
# For a shorter chunk, starting a polars query costs more than the searches it would spare.
SCREENED = 1 << 16
# The first rows of a chunk (up to the first row tag past this many bytes) are read cell by cell for the columns,
# so that the search for anything wider (the screen's, or the one of a chunk not screened) finds nothing in a
# regular sheet.
SCREEN_PREFIX = 1 << 13
# What ``irregular`` finds, and any formula, in polars' regex syntax: with no look-around there, "not followed by a
# reference as Excel writes it" is spelled out character by character.
_WHITESPACE_BUT_SPACE = r"[\t\n\r\f\v]"
_NOT_CELL_REFERENCE = (r'(?:[^r]|$|r(?:[^=]|$|=(?:[^"]|$|"(?:[^A-Z]|$|[A-Z]+(?:[^A-Z0-9]|$|[0-9]+(?:[^0-9"]|$)))'
                       r')))')
_NOT_ROW_REFERENCE = r'(?:[^r]|$|r(?:[^=]|$|=(?:[^"]|$|"(?:[^0-9]|$|[0-9]+(?:[^0-9"]|$)))))'
CLOSER_LOOK = (rf"<c(?:{_WHITESPACE_BUT_SPACE}|/|>| {_NOT_CELL_REFERENCE})"
               rf"|<row(?:{_WHITESPACE_BUT_SPACE}|/|>| {_NOT_ROW_REFERENCE})"
               r"|<[A-Za-z0-9_.-]+:(?:c|row)[ \t\n\r\f\v/>]|<f")


class Uncalculated(NamedTuple):
    """The formula cells of one column (1-based) saved without their value: how many, and the first one's row."""

    cells: int
    first_row: int
    column: int

    @property
    def first_cell(self) -> str:
        return f"{column_letters(self.column)}{self.first_row}"


@dataclass(frozen=True)
class SheetExtent:
    """A sheet as calamine would lay it out: its last used row and column (1-based), whether it is visible, and its
    formula cells saved without their value by column number."""

    name: str
    visible: bool
    rows: int
    columns: int
    uncalculated: dict[int, Uncalculated] = field(default_factory=dict)


def _greater(text: str, first: str, last: str, leading: str) -> str:
    """A pattern for the numerals over ``first``–``last`` (``leading``–``last`` as the first character) greater than
    ``text``: more characters, or as many and greater at the first one that differs."""
    alternatives = [f"[{leading}-{last}][{first}-{last}]{{{len(text)},}}"] + [
        f"{text[:i]}[{chr(ord(c) + 1)}-{last}][{first}-{last}]{{{len(text) - i - 1}}}"
        for i, c in enumerate(text) if c != last
    ]
    return "|".join(alternatives)


def _cell_beyond(row: int, column: int) -> str:
    """A cell start tag whose row is greater than ``row`` or whose column is greater than ``column``, in the syntax
    both Python's and polars' regex read."""
    rows, columns = _greater(str(row), "0", "9", "1"), _greater(column_letters(column), "A", "Z", "A")
    return rf'<c r="(?:(?:{columns})[0-9]+|[A-Z]+0*(?:{rows}))"'


# A reader worker meets a few thousand extents in a run: each pattern is compiled once.
@lru_cache(maxsize=4096)
def _filled_cell_beyond(row: int, column: int) -> re.Pattern:
    """A filled cell whose row is greater than ``row`` or whose column is greater than ``column``: one search,
    far cheaper than reading every reference."""
    return re.compile(_cell_beyond(row, column).encode() + FILLED)


def irregular(text: bytes) -> bool:
    """Whether a chunk holds a row or cell tag the fast path cannot read (so it is read tag by tag)."""
    return bool(IRREGULAR_CELL.search(text) or IRREGULAR_ROW.search(text)
                or (PREFIXED_NAME.search(text) and PREFIXED_TAG.search(text)))


def _plain(text: bytes, rows: int, columns: int) -> bool:
    """Whether ``text`` holds nothing the fast path looks at closer (CLOSER_LOOK) and no cell beyond ``rows`` ×
    ``columns``, filled or not. Tags are ASCII, so bytes that are not UTF-8 (only ever inside text) change nothing."""
    found = pl.Series([text.decode("utf-8", "replace")]).str.contains(f"{CLOSER_LOOK}|{_cell_beyond(rows, columns)}")
    return not found.item()


def _last_filled_row(text: bytes) -> int:
    """The row of the last filled cell in a chunk of regular tags (0 if none): the last cell, unless it is empty."""
    end = len(text)
    while (at := text.rfind(b'<c r="', 0, end)) >= 0:
        if cell := FILLED_CELL.match(text, at):
            return int(cell[2])
        end = at
    return 0


def _first_rows_columns(text: bytes, columns: int, cut: int) -> int:
    """``columns``, or the last column of a filled cell in ``text[:cut]`` if it is greater: the header rows' width,
    read cell by cell, so that one search for a cell beyond the extent (one pattern to compile per extent) finds
    only cells out of order, instead of one search and one pattern per header column."""
    return max([columns, *(_column_number(column) for column, _ in FILLED_CELL.findall(text, 0, cut))])


def column_letters(number: int) -> str:
    """A spreadsheet column's letters: 1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class _Extent:
    """The last row and column a sheet's XML reaches with a cell that holds something, fed a chunk at a time.

    A chunk whose row and cell tags are all written as Excel writes them (reference first, no namespace prefix) is
    read with a few searches: for a filled cell beyond the extent so far (in a well-formed sheet only the first chunk
    widens it and only the last cell lengthens it), then every reference only when one is found. Any other chunk is
    read tag by tag, counting a row or cell without a reference as one after the previous, so the result is never
    less than what calamine lays out. Rows without cells and formatted empty cells (``<c r="F9" s="1"/>``) reach
    nothing: calamine keeps none of them.

    Formula cells saved without their value are noted on the way (``uncalculated``): a regular chunk holding a
    formula is searched for them once; the tag-by-tag reading judges each cell it reads.
    """

    def __init__(self) -> None:
        self.rows = self.columns = 0
        self.row_tags = 0
        self.row = 0  # the current row, and the last column and cell count in it
        self.column = self.cells_in_row = 0
        self.uncalculated: dict[int, list[int]] = {}  # column → [formula cells without a value, the first one's row]
        # The cell the tag-by-tag reading is in: [column, row, its result is text, it has a formula, its value (None:
        # no <v>, False: an empty one, True)]; it may go on in the next chunk.
        self.cell: list | None = None

    def feed(self, text: bytes) -> None:
        if len(text) >= SCREENED and self.cell is None and self._feed_screened(text):
            return
        if irregular(text):
            self._feed_tags(text)
            return
        if self.cell is not None:  # a cell of prefixed tags goes on in this chunk, up to the next cell or row
            ends = [at for at in (text.find(b"<c"), text.find(b"<row")) if at >= 0]
            self._feed_tags(text[:min(ends, default=len(text))])
            self.judge_cell()
        if FORMULA in text:
            for formula in UNCALCULATED.finditer(text):
                start = text.rfind(b'<c r="', 0, formula.start())
                cell = CELL_START.match(text, start, formula.start()) if start >= 0 else None
                if cell and not (formula[1] and TEXT_RESULT.search(cell[3])):
                    self._uncalculated_at(_column_number(cell[1]), int(cell[2]))
        self.rows = max(self.rows, _last_filled_row(text))
        cut = text.find(b"<row", SCREEN_PREFIX)
        self.columns = _first_rows_columns(text, self.columns, len(text) if cut < 0 else cut)
        self._widen(text)
        self._count_on(text)

    def _feed_screened(self, text: bytes) -> bool:
        """Take in a long chunk of regular tags with nothing beyond the extent of its last filled row and of its
        first rows' filled cells, if the screen (``_plain``) says so; False, with nothing taken in, if not. Every
        filled cell then lies within that extent, and the last row's and the first rows' reach it: the extent the
        searches would have found."""
        cut = text.find(b"<row", SCREEN_PREFIX)
        if cut < 0:
            return False
        rows = max(self.rows, _last_filled_row(text))
        columns = _first_rows_columns(text, self.columns, cut)
        if not _plain(text, rows, columns):
            return False
        self.rows, self.columns = rows, columns
        self._count_on(text)
        return True

    def _count_on(self, text: bytes) -> None:
        """Where the next chunk goes on from, should it hold cells without a reference (empty cells count here)."""
        self.row_tags += text.count(b"<row")
        last_row = text.rfind(b'<row r="')
        if last_row >= 0:
            self.row, self.column, self.cells_in_row = int(ROW_NUMBER.match(text, last_row)[1]), 0, 0
        last_cell = text.rfind(b'<c r="')
        if last_cell > last_row:
            self.column = _column_number(CELL_COLUMN.match(text, last_cell)[1])
            self.cells_in_row += text.count(b'<c r="', max(last_row, 0))

    def _widen(self, text: bytes) -> None:
        """Take in the filled cells of a regular chunk beyond the extent so far, searching from one to the next; a
        chunk that widens it more than a few times (cells out of order) has every reference read instead."""
        at = 0
        for _ in range(MAX_WIDENINGS):
            beyond = _filled_cell_beyond(self.rows, self.columns).search(text, at)
            if beyond is None:
                return
            column, row = FILLED_CELL.match(text, beyond.start()).groups()
            self.rows, self.columns = max(self.rows, int(row)), max(self.columns, _column_number(column))
            at = beyond.end()
        cells = set(FILLED_CELL.findall(text, at)) | {(b"", b"0")}
        self.rows = max(self.rows, *(int(row) for _, row in cells))
        self.columns = max(self.columns, *(_column_number(column) for column, _ in cells))

    def _feed_tags(self, text: bytes) -> None:
        for tag in ANY_TAG.finditer(text):
            kind, attributes = tag.groups()
            if kind in (b"f", b"v"):
                if self.cell is not None and kind == b"f":
                    self.cell[3] = True
                elif self.cell is not None:  # "<v>" right before a "<" (or the chunk's end, a "<") is empty
                    self.cell[4] = not attributes.endswith(b"/") and text[tag.end():tag.end() + 1] not in (b"<", b"")
                continue
            self.judge_cell()
            reference = REFERENCE.search(attributes)
            if reference is None and HAS_REFERENCE.search(attributes):
                raise damaged(f"a {'row' if kind == b'row' else 'cell'} reference Excel never writes")
            if kind == b"row":
                if reference and reference[1]:
                    raise damaged("a row reference Excel never writes")
                self.row_tags += 1
                self.row = int(reference[2]) if reference else self.row + 1
                self.column = self.cells_in_row = 0
                continue
            self.cells_in_row += 1
            row = self.row
            if reference and reference[1]:
                self.column = _column_number(reference[1].upper())
                row = int(reference[2])
                self.rows = max(self.rows, row)
            else:
                self.column += 1
            self.columns = max(self.columns, self.column, self.cells_in_row)
            self.rows = max(self.rows, self.row, self.row_tags)
            self.cell = [self.column, row, bool(TEXT_RESULT.search(attributes)), False, None]

    def judge_cell(self) -> None:
        """Note the cell the tag-by-tag reading is in, if it is a formula saved without its value."""
        if self.cell is not None:
            column, row, text_result, formula, value = self.cell
            if formula and not value and not (text_result and value is False):
                self._uncalculated_at(column, row)
            self.cell = None

    def _uncalculated_at(self, column: int, row: int) -> None:
        found = self.uncalculated.setdefault(column, [0, row])
        found[0] += 1
        found[1] = min(found[1], row)


def check_extent(name: str, rows: int, columns: int, settings: Settings) -> None:
    """Refuse a sheet reaching past the row, column or cell limit, saying which."""
    if rows > settings.max_rows:
        raise too_large(f"Trang '{name}' có hơn {settings.max_rows} dòng (giới hạn)",
                        f"sheet '{name}' has more than {settings.max_rows} rows, the limit")
    if columns > settings.max_columns:
        raise too_large(f"Trang '{name}' có hơn {settings.max_columns} cột (giới hạn)",
                        f"sheet '{name}' has more than {settings.max_columns} columns, the limit")
    if rows * columns > settings.max_cells:
        raise too_large(
            f"Trang '{name}' trải trên {rows} dòng × {columns} cột, hơn {settings.max_cells} ô (giới hạn)",
            f"sheet '{name}' spans {rows} rows × {columns} columns, more than {settings.max_cells} cells, the limit",
        )


def _whole_cells(text: bytes) -> int:
    """Where to cut ``text`` so that what comes before is whole tags and text (before its last "<") and no part of
    a cell written as Excel writes it: a formula and its value are searched for together. (The tag-by-tag reading
    carries a cell over to the next chunk itself.)"""
    cut = text.rfind(b"<")
    start = text.rfind(b'<c r="', 0, cut) if cut > 0 else -1
    end = text.find(b">", start, cut) if start >= 0 else -1
    if end < 0 or text[end - 1:end] == b"/" or text.find(b"</c>", end, cut) >= 0:
        return cut
    return start


def _scan(chunks: Iterator[bytes], check: Callable[[int, int], None]) -> _Extent:
    """The extent and uncalculated formulas of a sheet's XML; ``check`` sees the extent grow after every chunk, so a
    refusal stops the scan early."""
    extent, tail = _Extent(), b""
    for chunk in chunks:
        text = tail + chunk
        cut = _whole_cells(text)
        extent.feed(text[:cut] if cut >= 0 else text)
        tail = text[cut:] if cut >= 0 else b""
        if len(tail) > MAX_TAG:
            raise damaged("a tag or cell text longer than any workbook holds")
        check(extent.rows, extent.columns)
    extent.feed(tail)
    extent.judge_cell()
    check(extent.rows, extent.columns)
    return extent


def measure_xlsx(path: Path, settings: Settings) -> list[SheetExtent]:
    """Every sheet the workbook lists, in its order, with how far it reaches.

    Raises SubmissionError ``too_large`` when the parts declare more than the inflated-size limit in all, or a
    visible sheet reaches past the row, column or cell limit (``check_extent``); ``not_a_spreadsheet`` when the
    package is damaged or a part inflates to more than it declares. Reads the file once, holding one chunk of it at
    a time, and stops at the first refusal.
    """
    limit = settings.max_uncompressed_bytes
    with path.open("rb") as handle:
        check_central_directory(handle)
        try:
            infos = zipfile.ZipFile(handle).infolist()
        except (zipfile.BadZipFile, ValueError, OSError):
            raise damaged("unreadable zip directory") from None
        declared = sum(info.file_size for info in infos)
        if declared > limit:
            raise too_large(
                f"Tệp giải nén ra {declared // 2**20} MB, vượt giới hạn {limit // 2**20} MB",
                f"the workbook inflates to {declared // 2**20} MB, over the {limit // 2**20} MB limit",
            )
        small = {info.filename: b"".join(inflated(handle, info)) for info in infos
                 if info.filename in (WORKBOOK, WORKBOOK_RELATIONS)}
        listed = listed_sheets(small)
        # Sheets are scanned where the workbook says they are, and everything under worksheets/ in any case: a
        # visible sheet whose part cannot be placed is taken to reach as far as the farthest one.
        wanted = {part for _, _, part in listed} | {i.filename for i in infos if i.filename.startswith(WORKSHEETS)}
        names = {part: name for name, visible, part in listed if visible}
        extents, uncalculated = {}, {}
        for info in infos:
            if info.filename in wanted:  # a name twice in the zip: keep the farther reach, and every formula
                name = names.get(info.filename)
                check = partial(check_extent, name, settings=settings) if name else lambda rows, columns: None
                scanned = _scan(inflated(handle, info), check)
                before = extents.get(info.filename, (0, 0))
                extents[info.filename] = (max(scanned.rows, before[0]), max(scanned.columns, before[1]))
                found = uncalculated.setdefault(info.filename, {})
                for column, (cells, first_row) in scanned.uncalculated.items():
                    had = found.get(column, Uncalculated(0, first_row, column))
                    found[column] = Uncalculated(had.cells + cells, min(had.first_row, first_row), column)
            elif info.filename not in small:
                for _ in inflated(handle, info):  # checked, not kept
                    pass
    farthest = (max((r for r, _ in extents.values()), default=0), max((c for _, c in extents.values()), default=0))
    for name, visible, part in listed:
        if visible and part not in extents:
            check_extent(name, *farthest, settings)
    return [SheetExtent(name, visible, *extents.get(part, farthest), uncalculated.get(part, {}))
            for name, visible, part in listed]
