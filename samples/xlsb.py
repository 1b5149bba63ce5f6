"""A small writer of Excel binary workbooks (.xlsb, BIFF12), for test fixtures: no Python library writes one.

An .xlsb is an .xlsx's zip whose parts are binary records instead of XML ([MS-XLSB]): each record is its type and
its length, both as 7-bit variable-length integers, then its data. This writer covers what a roster needs: sheets of
text cells (inline strings, ``BrtCellSt``) and numbers (``BrtCellReal``; a date is its Excel serial number, as the
file stores it whatever format shows it). No styles, shared strings, merges or formulas: Excel opens such a file,
and readers need no more.
"""

from __future__ import annotations

import struct
import zipfile
from datetime import date
from pathlib import Path

from samples.workbooks import FIXED_TIME, Grid, covered_cells

# Record types ([MS-XLSB] 2.3.2)
ROW_HEADER, CELL_REAL, CELL_STRING = 0x0000, 0x0005, 0x0006
BEGIN_SHEET, END_SHEET, BEGIN_BOOK, END_BOOK = 0x0081, 0x0082, 0x0083, 0x0084
BEGIN_SHEET_DATA, END_SHEET_DATA = 0x0091, 0x0092
BEGIN_SHEETS, END_SHEETS, SHEET_DIMENSION, BUNDLED_SHEET = 0x008F, 0x0090, 0x0094, 0x009C
EXCEL_EPOCH = date(1899, 12, 30)
SHEET_TYPE = "application/vnd.ms-excel.worksheet"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte, number = number & 0x7F, number >> 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def record(kind: int, data: bytes = b"") -> bytes:
    """One BIFF12 record: its type, its length, its data."""
    return _varint(kind) + _varint(len(data)) + data


def wide_string(text: str) -> bytes:
    """An XLWideString: the count of UTF-16 code units, then the text in UTF-16 LE."""
    encoded = text.encode("utf-16-le")
    return struct.pack("<I", len(encoded) // 2) + encoded


def cell(column: int, value: str | int | float | date) -> bytes:
    """A text or number cell at 0-based ``column`` of the current row (style 0)."""
    head = struct.pack("<II", column, 0)
    if isinstance(value, str):
        return record(CELL_STRING, head + wide_string(value))
    number = (value - EXCEL_EPOCH).days if isinstance(value, date) else value
    return record(CELL_REAL, head + struct.pack("<d", float(number)))


def row_header(row: int) -> bytes:
    """A row's header: its 0-based index, style 0, the default height, no flags, no column spans."""
    return record(ROW_HEADER, struct.pack("<IIHBBBI", row, 0, 0x012C, 0, 0, 0, 0))


def sheet_part(rows: list[tuple[int, list[tuple[int, str | int | float | date]]]], dimension: tuple[int, ...]) -> bytes:
    """A worksheet part: (row, [(column, value)]) in order, and the used range (first row, last row, first column,
    last column; 0-based) its dimension record declares."""
    body = [record(BEGIN_SHEET), record(SHEET_DIMENSION, struct.pack("<IIII", *dimension)), record(BEGIN_SHEET_DATA)]
    for row, cells in rows:
        body.append(row_header(row))
        body += [cell(column, value) for column, value in cells]
    return b"".join(body + [record(END_SHEET_DATA), record(END_SHEET)])


def _workbook_part(names: list[str]) -> bytes:
    bundled = [record(BUNDLED_SHEET, struct.pack("<II", 0, i + 1) + wide_string(f"rId{i + 1}") + wide_string(name))
               for i, name in enumerate(names)]
    return b"".join([record(BEGIN_BOOK), record(BEGIN_SHEETS), *bundled, record(END_SHEETS), record(END_BOOK)])


def xlsb_package(path: Path, sheets: list[tuple[str, bytes]]) -> Path:
    """An .xlsb of ready-made sheet parts (name, ``sheet_part`` bytes)."""
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.bin" ContentType="{SHEET_TYPE}"/>'
                        for i in range(len(sheets)))
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/'
             'package/2006/content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.'
             'binary.macroEnabled.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
             f'package.relationships+xml"/>{overrides}</Types>')
    root = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.bin"/>'
            '</Relationships>')
    sheet_relations = "".join(f'<Relationship Id="rId{i + 1}" Type="{RELATIONSHIPS}/worksheet" '
                              f'Target="worksheets/sheet{i + 1}.bin"/>' for i in range(len(sheets)))
    book_relations = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
                      f'xmlns="{PACKAGE_RELATIONSHIPS}">{sheet_relations}</Relationships>')
    parts = [("[Content_Types].xml", types.encode()), ("_rels/.rels", root.encode()),
             ("xl/workbook.bin", _workbook_part([name for name, _ in sheets])),
             ("xl/_rels/workbook.bin.rels", book_relations.encode())]
    parts += [(f"xl/worksheets/sheet{i + 1}.bin", data) for i, (_, data) in enumerate(sheets)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts:
            package.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return path


def write_xlsb(path: Path, sheets: list[tuple[str, Grid]]) -> None:
    """An .xlsb of ``sheets`` (name, grid): text and numbers, dates as serial numbers, merged ranges as their
    top-left cell only (the value Excel keeps)."""
    parts = []
    for name, grid in sheets:
        covered = covered_cells(grid)
        rows = [(r, [(c, v) for c, v in enumerate(row) if v is not None and (r, c) not in covered])
                for r, row in enumerate(grid.rows)]
        rows = [(r, cells) for r, cells in rows if cells]
        width = max((c for _, cells in rows for c, _ in cells), default=0)
        parts.append((name, sheet_part(rows, (0, max(len(grid.rows) - 1, 0), 0, width))))
    xlsb_package(path, parts)
