"""The .xlsx package scan measures a sheet at least as far as calamine lays it out, across chunk boundaries.

Sheets here are written by hand (rows of inline-string cells) so each test controls where cells are, and the scan
reads them in chunks of a few hundred bytes: the fast path, the widening search and the tag-by-tag path all meet
chunk ends. calamine (fastexcel) on the same file is the reference.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import fastexcel
import pytest

from ingest import xlsx_package
from ingest.xlsx_package import column_letters
from ingest.settings import load_settings

SETTINGS = load_settings(env={})
WORKBOOK = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELATIONS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELATIONS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                  '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')


def cell(row: int, column: int, filled: bool = True) -> str:
    if not filled:
        return f'<c r="{column_letters(column)}{row}" s="1"/>'
    return f'<c r="{column_letters(column)}{row}" t="inlineStr"><is><t>x</t></is></c>'


def write_sheet(path: Path, rows: list[tuple[int, list[str]]]) -> Path:
    body = "".join(f'<row r="{number}">{"".join(cells)}</row>' for number, cells in rows)
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<cols><col min="1" max="3" width="9"/></cols><sheetData>{body}</sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", ROOT_RELATIONS)
        package.writestr("xl/workbook.xml", WORKBOOK)
        package.writestr("xl/_rels/workbook.xml.rels", RELATIONS)
        package.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def grid(rows: int, columns: int) -> list[tuple[int, list[str]]]:
    return [(r, [cell(r, c) for c in range(1, columns + 1)]) for r in range(1, rows + 1)]


def calamine_shape(path: Path) -> tuple[int, int]:
    loaded = fastexcel.read_excel(path).load_sheet(0, header_row=None, skip_rows=0, dtypes="string").to_polars()
    return loaded.shape


@pytest.fixture(params=[300, 4096], ids=["300-byte chunks", "4 KB chunks"])
def small_chunks(request, monkeypatch):
    monkeypatch.setattr(xlsx_package, "CHUNK", request.param)


def measured(path: Path) -> tuple[int, int]:
    (extent,) = xlsx_package.measure_xlsx(path, SETTINGS)
    return extent.rows, extent.columns


def test_a_regular_sheet_measures_exactly_its_last_filled_cell(small_chunks, tmp_path):
    path = write_sheet(tmp_path / "grid.xlsx", grid(120, 7))
    assert measured(path) == calamine_shape(path) == (120, 7)


def test_a_far_cell_in_the_middle_of_a_later_chunk_is_found(small_chunks, tmp_path):
    rows = grid(120, 5)
    rows[70][1].append(cell(5000, 40))  # out of row order and wider than the header, deep in the sheet
    path = write_sheet(tmp_path / "far.xlsx", rows)
    assert measured(path) == (5000, 40)
    assert calamine_shape(path) == (5000, 40)


def test_many_cells_out_of_order_are_all_read(small_chunks, tmp_path):
    # Each cell reaches further than the one before it, more times than the widening search follows one by one.
    rows = [(1, [cell(1, 1)] + [cell(2 * xlsx_package.MAX_WIDENINGS + 10 - i, i + 2)
                                for i in range(2 * xlsx_package.MAX_WIDENINGS)])]
    rows += [(2, [cell(2, 1)])]
    path = write_sheet(tmp_path / "scattered.xlsx", rows)
    rows_reached, columns_reached = calamine_shape(path)
    assert measured(path) == (rows_reached, columns_reached) == (2 * xlsx_package.MAX_WIDENINGS + 10,
                                                                 2 * xlsx_package.MAX_WIDENINGS + 1)


def test_formatted_empty_cells_below_and_beside_the_data_reach_nothing(small_chunks, tmp_path):
    rows = [(r, cells + [cell(r, 30, filled=False)]) for r, cells in grid(60, 4)]
    rows += [(r, [cell(r, c, filled=False) for c in range(1, 5)]) for r in range(61, 400)]
    path = write_sheet(tmp_path / "formatted.xlsx", rows)
    assert measured(path) == calamine_shape(path) == (60, 4)


def test_cells_without_references_after_regular_chunks_count_on_from_the_last_one(small_chunks, tmp_path):
    rows = grid(80, 3)
    rows.append((81, ['<c t="inlineStr"><is><t>x</t></is></c>'] * 6))  # no references: columns A to F
    path = write_sheet(tmp_path / "implicit.xlsx", rows)
    reached = measured(path)
    assert reached[0] >= 81 and reached[1] >= 6
    assert calamine_shape(path)[0] <= reached[0] and calamine_shape(path)[1] <= reached[1]
