"""Measure the zip packages calamine reads whose sheets are not SpreadsheetML XML (.ods, .xlsb), before it holds them.

The zip-level checks are an .xlsx's (``ingest.xlsx_package``): the parts declare no more than the inflated-size limit
in all, and each inflates, as a stream, to exactly what it declares. An .xlsm is an .xlsx with a macro part and is
measured as one, by ``measure_xlsx``.

An .ods holds all its sheets in ``content.xml``, and calamine lays every one out when it opens the file, hidden or
not. A row or a cell there may say it repeats (``table:number-rows-repeated``, ``table:number-columns-repeated``), so
a 2 KB file asks for a million rows of a thousand cells: calamine caps repeats at Excel's grid (1,048,576 × 16,384)
and 100 million cells in all, far more than memory holds as text. So each table's reach is counted here, repeats
included, and checked against the limits before calamine opens the file: a sheet's as ``check_extent`` says, and
all sheets' cells together against the cell limit, as they are held together. Empty cells and rows after a row's or
a table's last filled one reach nothing: calamine drops them (LibreOffice writes them to the end of the grid).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from xml.parsers import expat

from ingest.errors import SubmissionError
from ingest.xlsx_package import _check_central_directory, _inflated, check_extent, damaged, too_large

if TYPE_CHECKING:
    from ingest.settings import Settings

CONTENT = "content.xml"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
SEP = " "  # between an element's namespace and its local name, as expat reports them
TABLE, ROW, CELLS = f"{TABLE_NS} table", f"{TABLE_NS} table-row", {f"{TABLE_NS} table-cell",
                                                                   f"{TABLE_NS} covered-table-cell"}
NAME, ROWS_REPEATED, COLUMNS_REPEATED = (f"{TABLE_NS} name", f"{TABLE_NS} number-rows-repeated",
                                         f"{TABLE_NS} number-columns-repeated")
VALUE_TYPE = f"{OFFICE_NS} value-type"


def _repeats(attributes: dict[str, str], name: str) -> int:
    try:
        return max(1, int(attributes.get(name, "1")))
    except ValueError:
        raise damaged(f"a repeat count Excel and LibreOffice never write ({attributes[name][:20]!r})") from None


@dataclass
class _Table:
    """How far one table reaches so far: rows up to its last filled row, columns up to its last filled cell."""

    name: str
    rows: int = 0  # reached
    columns: int = 0
    next_row: int = 0  # rows read, repeats included
    row_repeats: int = 1  # of the current row
    next_column: int = 0  # in the current row, repeats included
    row_columns: int = 0  # reached in the current row
    cell_repeats: int = 1
    cell_filled: bool = False


class _OdsExtent:
    """Fed ``content.xml`` a chunk at a time; refuses, through ``check_extent``, as soon as a table reaches past a
    limit, or all tables together hold more cells than the limit."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.table: _Table | None = None
        self.cells = 0  # of the tables already closed
        self.depth_in_cell = 0  # elements open inside the current cell, the cell included
        self.parser = expat.ParserCreate(namespace_separator=SEP)
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartDoctypeDeclHandler = self._doctype

    def feed(self, chunk: bytes, last: bool = False) -> None:
        try:
            self.parser.Parse(chunk, last)
        except expat.ExpatError as error:
            raise damaged(f"{CONTENT}: {expat.errors.messages[error.code]}") from None

    def _doctype(self, *_: object) -> None:
        raise damaged(f"{CONTENT} declares a DTD, which no spreadsheet program writes")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        table = self.table
        if self.depth_in_cell:  # anything inside a cell (a paragraph, a note, even a table) fills it
            table.cell_filled = True
            self.depth_in_cell += 1
        elif name == TABLE:
            self.table = _Table(attributes.get(NAME, "?"))
        elif table is not None and name == ROW:
            table.row_repeats, table.next_column, table.row_columns = _repeats(attributes, ROWS_REPEATED), 0, 0
        elif table is not None and name in CELLS:
            table.cell_repeats, table.cell_filled = _repeats(attributes, COLUMNS_REPEATED), VALUE_TYPE in attributes
            self.depth_in_cell = 1

    def _end(self, name: str) -> None:
        table = self.table
        if self.depth_in_cell > 1:
            self.depth_in_cell -= 1
        elif self.depth_in_cell:  # the cell itself
            self.depth_in_cell = 0
            table.next_column += table.cell_repeats
            if table.cell_filled:
                table.row_columns = table.next_column
        elif table is not None and name == ROW:
            table.next_row += table.row_repeats
            if table.row_columns:
                table.rows, table.columns = table.next_row, max(table.columns, table.row_columns)
                self._check(table)
        elif table is not None and name == TABLE:
            self.cells += table.rows * table.columns
            self.table = None
            self._check(table)

    def _check(self, table: _Table) -> None:
        check_extent(table.name, table.rows, table.columns, self.settings)
        held = self.cells + (table.rows * table.columns if self.table else 0)
        if held > self.settings.max_cells:
            limit = self.settings.max_cells
            raise too_large(f"Các trang của tệp .ods cộng lại hơn {limit} ô (giới hạn)",
                            f"the sheets of the .ods hold more than {limit} cells together, the limit")


def _parts(handle: BinaryIO, settings: Settings) -> list[zipfile.ZipInfo]:
    _check_central_directory(handle)
    try:
        infos = zipfile.ZipFile(handle).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise damaged("unreadable zip directory") from None
    declared, limit = sum(info.file_size for info in infos), settings.max_uncompressed_bytes
    if declared > limit:
        raise too_large(f"Tệp giải nén ra {declared // 2**20} MB, vượt giới hạn {limit // 2**20} MB",
                        f"the workbook inflates to {declared // 2**20} MB, over the {limit // 2**20} MB limit")
    return infos


def _checked(path: Path, settings: Settings, ods: bool) -> None:
    """Inflate every part (checked, not kept); an .ods's ``content.xml`` is measured as it inflates."""
    with path.open("rb") as handle:
        for info in _parts(handle, settings):
            meter = _OdsExtent(settings) if ods and info.filename == CONTENT else None
            for chunk in _inflated(handle, info):
                if meter:
                    meter.feed(chunk)
            if meter:
                meter.feed(b"", last=True)


def _in_words_of(suffix: str, error: SubmissionError) -> SubmissionError:
    # xlsx_package says ".xlsx" in its messages; the clerk sent an .ods or an .xlsb.
    return SubmissionError(error.code, error.message.replace(".xlsx", suffix))


def measure_package(path: Path, suffix: str, settings: Settings) -> None:
    """Check an .ods or .xlsb package before calamine opens it: the zip-level checks for both, and for an .ods the
    reach of every table. Raises SubmissionError ``too_large`` or ``not_a_spreadsheet`` (damaged, or a part that
    inflates to more than it declares)."""
    try:
        _checked(path, settings, suffix == ".ods")
    except SubmissionError as error:
        raise _in_words_of(suffix, error) from None
