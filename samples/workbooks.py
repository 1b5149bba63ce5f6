"""Sheets as files: a ``Grid`` of cells written as .xlsx or .xlsm (xlsxwriter), .xls (xlwt), .ods (by hand: a zip of
XML), .xlsb (``samples.xlsb``) or text (.csv, .txt) in the encodings and separators offices use, the same bytes for
the same grid. What goes in the cells, and how a form looks, is ``samples.forms``.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
import xlwt

from ingest.delimited import tcvn3_as_shown

Cell = str | int | date | None
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
FIXED_TIME = (2020, 10, 20, 8, 0, 0)  # of every part of a hand-made package: the same bytes for the same grid



@dataclass
class Grid:
    """One sheet before it becomes a file: rows of cells, merged ranges (r1, c1, r2, c2), bold rows, and whether it
    is hidden (a workbook's first sheet never is)."""

    rows: list[list[Cell]]
    merges: list[tuple[int, int, int, int]]
    bold: set[int]
    widths: list[int]
    hidden: bool = False


def covered_cells(grid: Grid) -> set[tuple[int, int]]:
    """Cells inside merged ranges other than their top-left, which Excel leaves empty."""
    return {(r, c) for r1, c1, r2, c2 in grid.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {
        (r1, c1) for r1, c1, _, _ in grid.merges
    }


def write_xlsx(path: Path, sheets: list[tuple[str, Grid]], title: str, created: datetime,
               vba_project: bytes | None = None) -> None:
    """An .xlsx of ``sheets`` (name, grid); ``title`` and ``created`` are its document properties. With
    ``vba_project`` (the bytes of a vbaProject.bin part), a macro-enabled workbook: ``path`` must end in .xlsm."""
    options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        book.set_properties({"created": created, "author": "Văn phòng", "title": title})  # fixed: same bytes
        if vba_project is not None:
            book.add_vba_project(io.BytesIO(vba_project), is_stream=True)
        plain, strong = book.add_format({"text_wrap": True, "valign": "vcenter"}), book.add_format(
            {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter"})
        day = book.add_format({"num_format": "dd/mm/yyyy", "align": "center"})
        for name, grid in sheets:
            sheet = book.add_worksheet(name)
            for c, width in enumerate(grid.widths):
                sheet.set_column(c, c, width)
            for r1, c1, r2, c2 in grid.merges:
                sheet.merge_range(r1, c1, r2, c2, grid.rows[r1][c1] or "", strong)
            skip = covered_cells(grid) | {(r1, c1) for r1, c1, _, _ in grid.merges}
            for r, row in enumerate(grid.rows):
                style = strong if r in grid.bold else plain
                for c, value in enumerate(row):
                    if value is None or (r, c) in skip:
                        continue
                    if isinstance(value, date):
                        sheet.write_datetime(r, c, value, day)
                    elif isinstance(value, int):
                        sheet.write_number(r, c, value, style)
                    else:
                        sheet.write_string(r, c, value, style)
            if grid.hidden:
                sheet.hide()


def write_xls(path: Path, sheets: list[tuple[str, Grid]]) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    plain = xlwt.easyxf("align: wrap on, vert centre")
    strong = xlwt.easyxf("font: bold on; align: wrap on, vert centre, horiz centre")
    day = xlwt.easyxf("align: horiz centre", num_format_str="dd/mm/yyyy")
    for name, grid in sheets:
        sheet = book.add_sheet(name)
        for c, width in enumerate(grid.widths):
            sheet.col(c).width = 256 * width
        for r1, c1, r2, c2 in grid.merges:
            sheet.write_merge(r1, r2, c1, c2, grid.rows[r1][c1] or "", strong)
        skip = covered_cells(grid) | {(r1, c1) for r1, c1, _, _ in grid.merges}
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if value is not None and (r, c) not in skip:
                    sheet.write(r, c, value, day if isinstance(value, date) else strong if r in grid.bold else plain)
        sheet.visibility = int(grid.hidden)
    book.save(str(path))


def _cell_text(value: Cell) -> str:
    """A cell as a text export writes it: dates as dd/mm/yyyy, as Excel shows them."""
    return "" if value is None else f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)


def cp1258_bytes(text: str) -> bytes:
    """Text as Windows writes it in its Vietnamese code page: a letter the code page lacks (ế, ộ, ỹ …) becomes its
    base letter (ê, ô, y …) followed by the tone mark as a combining character."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out.append((base + "".join(c for c in parts if c in TONE_MARKS)).encode("cp1258"))
    return b"".join(out)


def _encoded_text(text: str, encoding: str, bom: bool) -> bytes:
    if encoding == "utf-8":
        return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    if encoding in ("utf-16-le", "utf-16-be"):  # Excel's "Unicode Text" always starts with the byte order mark
        return "\ufeff".encode(encoding) + text.encode(encoding)
    if encoding == "cp1258":
        return cp1258_bytes(text)
    shown = {char: byte for byte, char in enumerate(tcvn3_as_shown(bytes(range(256))))}
    return bytes(shown[c] for c in text)  # tcvn3: each character a cell shows is its one byte


def write_text(path: Path, grid: Grid, separator: str = ",", encoding: str = "utf-8", bom: bool = True) -> None:
    """A sheet saved as text (.csv, .txt): cells split by ``separator``, rows ending in CRLF, in ``encoding``:
    utf-8 (with a byte order mark if ``bom``), utf-16-le | utf-16-be (with one), cp1258 (Windows' Vietnamese code
    page), or tcvn3 (the byte of each character a TCVN3 cell shows: the cells must be TCVN3 text)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(
        [_cell_text(v) for v in row] for row in grid.rows)
    path.write_bytes(_encoded_text(buffer.getvalue(), encoding, bom))


def write_xlsm(path: Path, sheets: list[tuple[str, Grid]], title: str, created: datetime) -> None:
    """An .xlsx of ``sheets`` saved as a macro-enabled workbook, with a VBA project part: a placeholder whose only
    code is an ``Auto_Open`` macro that must never run (readers read values only)."""
    write_xlsx(path, sheets, title, created, vba_project=VBA_PROJECT)


# The bytes of a VBA project part: an OLE container's signature, then the text of a macro that would delete files.
VBA_PROJECT = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
               + b'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\n    Kill "C:\\*.*"\r\nEnd Sub\r\n')


ODS_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_cell(value: Cell, span: tuple[int, int] | None) -> str:
    spanned = f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"' if span else ""
    if value is None:
        return f"<table:table-cell{spanned}/>"
    if isinstance(value, date):
        typed = f'office:value-type="date" office:date-value="{value.isoformat()}"'
        shown = f"{value:%d/%m/%Y}"
    elif isinstance(value, int):
        typed, shown = f'office:value-type="float" office:value="{value}"', str(value)
    else:
        typed, shown = 'office:value-type="string"', value
    return f"<table:table-cell {typed}{spanned}><text:p>{html.escape(shown, quote=False)}</text:p></table:table-cell>"


def ods_package(path: Path, tables_xml: str) -> Path:
    """An .ods of ready-made ``<table:table>`` elements: the mimetype first and stored, as the format requires."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES} '
               f'office:version="1.2"><office:body><office:spreadsheet>{tables_xml}</office:spreadsheet>'
               f'</office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype", FIXED_TIME), ODS_MIMETYPE, zipfile.ZIP_STORED)
        package.writestr(zipfile.ZipInfo("META-INF/manifest.xml", FIXED_TIME), manifest, zipfile.ZIP_DEFLATED)
        package.writestr(zipfile.ZipInfo("content.xml", FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return path


def write_ods(path: Path, sheets: list[tuple[str, Grid]]) -> None:
    """An OpenDocument spreadsheet (as LibreOffice Calc saves one) of ``sheets``: typed cells (text, numbers,
    dates), merged ranges as spans over covered cells."""
    tables = []
    for name, grid in sheets:
        spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in grid.merges}
        covered = covered_cells(grid)
        rows = ["<table:table-row>" + "".join(
            "<table:covered-table-cell/>" if (r, c) in covered else _ods_cell(value, spans.get((r, c)))
            for c, value in enumerate(row)) + "</table:table-row>" for r, row in enumerate(grid.rows)]
        tables.append(f'<table:table table:name="{html.escape(name)}">{"".join(rows)}</table:table>')
    ods_package(path, "".join(tables))
