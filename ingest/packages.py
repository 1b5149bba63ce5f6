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

An .xlsb's sheets are binary records, and calamine lays a sheet out from its first to its last cell record, as it
does an .xlsx's (a cell in XFD1048576 aborts the process): each sheet part is read record by record, as it
inflates, for the last row and column a cell reaches (blank cells, which calamine skips, reach nothing). Every
sheet is checked, hidden or not: reading an .xlsb loads a sheet before it can tell whether it is hidden.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from xml.parsers import expat

from ingest.xlsx_package import check_extent
from ingest.xlsx_parts import check_central_directory, damaged, inflated, too_large

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

XLSB_WORKBOOK, XLSB_RELATIONS, XLSB_SHEETS = "xl/workbook.bin", "xl/_rels/workbook.bin.rels", "xl/worksheets/"
# BIFF12 record types ([MS-XLSB] 2.3.2): a row's header, the sheet list's entries, and cells: with their column
# (BrtCellRk … BrtFmlaError) or after the previous cell ("short" cells, BrtShortRk … BrtShortIsst). Blank cells
# (BrtCellBlank 0x01, BrtShortBlank 0x0C) only move the column.
ROW_HEADER, BUNDLED_SHEET = 0x0000, 0x009C
CELLS_WITH_COLUMN, SHORT_CELLS, BLANK, SHORT_BLANK = set(range(0x02, 0x0C)), set(range(0x0D, 0x13)), 0x01, 0x0C
TARGET = re.compile(rb"""<(?:[\w.-]+:)?Relationship\b[^>]*?\bId\s*=\s*["']([^"']*)["'][^>]*?\bTarget\s*=\s*["']([^"']*)["']""")


def _repeats(attributes: dict[str, str], name: str) -> int:
    try:
        return max(1, int(attributes.get(name, "1")))
    except ValueError:
        raise damaged(f"a repeat count Excel and LibreOffice never write ({attributes[name][:20]!r})", ".ods") from None


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
            raise damaged(f"{CONTENT}: {expat.errors.messages[error.code]}", ".ods") from None

    def _doctype(self, *_: object) -> None:
        raise damaged(f"{CONTENT} declares a DTD, which no spreadsheet program writes", ".ods")

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


def _varint(data: bytes, at: int, most: int) -> tuple[int, int] | None:
    """A BIFF12 variable-length integer at ``at`` (7 bits a byte, at most ``most`` bytes) and where it ends; None when
    ``data`` stops before it does."""
    number = 0
    for i in range(most):
        if at + i >= len(data):
            return None
        number |= (data[at + i] & 0x7F) << (7 * i)
        if data[at + i] < 0x80:
            return number, at + i + 1
    raise damaged("a record header Excel never writes", ".xlsb")


def _records(data: bytes, at: int = 0) -> tuple[int, int, int] | None:
    """The record at ``at``: (type, length, where its data starts), or None if its header is cut off."""
    kind = _varint(data, at, 2)
    size = kind and _varint(data, kind[1], 4)
    return (kind[0], size[0], size[1]) if size else None


class _XlsbExtent:
    """The last row and column a BIFF12 sheet part's cells reach, fed a chunk at a time: a record is held only until
    its first four bytes (a row or a column) are in, the rest of it skipped as it streams by."""

    def __init__(self, name: str, settings: Settings) -> None:
        self.name, self.settings = name, settings
        self.rows = self.columns = 0
        self.row, self.column = 0, -1
        self.held, self.skip = b"", 0

    def feed(self, chunk: bytes) -> None:
        skipped = min(self.skip, len(chunk))
        self.skip -= skipped
        data, at = self.held + chunk[skipped:], 0
        while (record := _records(data, at)) is not None:
            kind, size, start = record
            if kind == ROW_HEADER or kind in CELLS_WITH_COLUMN or kind == BLANK:
                if size < 4:
                    raise damaged("a row or cell record shorter than its position", ".xlsb")
                if len(data) < start + 4:
                    break
                self._take(kind, struct.unpack_from("<I", data, start)[0])
            elif kind in SHORT_CELLS or kind == SHORT_BLANK:
                self._take(kind, self.column + 1)
            if start + size > len(data):
                self.skip, at = start + size - len(data), len(data)
                break
            at = start + size
        self.held = data[at:]
        check_extent(self.name, self.rows, self.columns, self.settings)

    def _take(self, kind: int, position: int) -> None:
        if kind == ROW_HEADER:
            self.row, self.column = position, -1
            return
        self.column = position
        if kind not in (BLANK, SHORT_BLANK):
            self.rows, self.columns = max(self.rows, self.row + 1), max(self.columns, self.column + 1)


def _wide_string(data: bytes, at: int) -> tuple[str, int]:
    (length,) = struct.unpack_from("<I", data, at)
    end = at + 4 + 2 * length
    if length == 0xFFFFFFFF or end > len(data):  # a null string, or one running past its record
        return "", at + 4
    return data[at + 4:end].decode("utf-16-le", "replace"), end


def _xlsb_sheets(workbook: bytes, relations: bytes) -> dict[str, str]:
    """Sheet part → sheet name, for every sheet the workbook lists (BrtBundleSh: state, tab id, relation, name)."""
    targets = {}
    for relation, target in TARGET.findall(relations):
        path = target.decode("utf-8", "replace").lstrip("/")
        targets[relation.decode("utf-8", "replace")] = path if target.startswith(b"/") else "xl/" + path
    sheets, at = {}, 0
    while (record := _records(workbook, at)) is not None and record[2] + record[1] <= len(workbook):
        kind, size, start = record
        if kind == BUNDLED_SHEET and size >= 12:
            relation, after = _wide_string(workbook, start + 8)
            name, _ = _wide_string(workbook, after)
            sheets[targets.get(relation, "")] = name
        at = start + size
    return sheets


def _parts(handle: BinaryIO, settings: Settings, suffix: str) -> list[zipfile.ZipInfo]:
    check_central_directory(handle, suffix)
    try:
        infos = zipfile.ZipFile(handle).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise damaged("unreadable zip directory", suffix) from None
    declared, limit = sum(info.file_size for info in infos), settings.max_uncompressed_bytes
    if declared > limit:
        raise too_large(f"Tệp giải nén ra {declared // 2**20} MB, vượt giới hạn {limit // 2**20} MB",
                        f"the workbook inflates to {declared // 2**20} MB, over the {limit // 2**20} MB limit")
    return infos


def measure_package(path: Path, suffix: str, settings: Settings) -> None:
    """Check an .ods or .xlsb package before calamine opens it: the zip-level checks, and the reach of every sheet.
    Every part is inflated (checked, not kept); an .ods's ``content.xml`` and an .xlsb's sheets are measured as they
    inflate. Raises SubmissionError ``too_large`` or ``not_a_spreadsheet`` (damaged, or a part that inflates to more
    than it declares), in the words of ``suffix``."""
    ods = suffix == ".ods"
    with path.open("rb") as handle:
        infos = _parts(handle, settings, suffix)
        small = {i.filename: b"".join(inflated(handle, i, suffix)) for i in infos
                 if i.filename in (XLSB_WORKBOOK, XLSB_RELATIONS)}
        sheets = {} if ods else _xlsb_sheets(small.get(XLSB_WORKBOOK, b""), small.get(XLSB_RELATIONS, b""))
        for info in infos:
            if ods and info.filename == CONTENT:
                meter: _OdsExtent | _XlsbExtent | None = _OdsExtent(settings)
            elif not ods and (info.filename in sheets or info.filename.startswith(XLSB_SHEETS)):
                meter = _XlsbExtent(sheets.get(info.filename, info.filename.rpartition("/")[2]), settings)
            else:
                meter = None
            for chunk in inflated(handle, info, suffix):
                if meter:
                    meter.feed(chunk)
            if isinstance(meter, _OdsExtent):
                meter.feed(b"", last=True)

