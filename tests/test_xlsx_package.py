"""The .xlsx package scan measures a sheet at least as far as calamine lays it out, across chunk boundaries.

Sheets here are written by hand (rows of inline-string cells) so each test controls where cells are, and the scan
reads them in chunks of a few hundred bytes: the fast path, the widening search and the tag-by-tag path all meet
chunk ends. calamine (fastexcel) on the same file is the reference.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from ingest import xlsx_package, xlsx_parts
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


@pytest.fixture(params=[(300, False), (4096, False), (300, True), (4096, True)],
                ids=["300-byte chunks", "4 KB chunks", "300-byte chunks, screened", "4 KB chunks, screened"])
def small_chunks(request, monkeypatch):
    """Chunks of a few hundred bytes, searched by Python's regex alone or (screened) each screened by polars' first,
    from its first rows on, as chunks of a real sheet are."""
    chunk, screened = request.param
    monkeypatch.setattr(xlsx_parts, "CHUNK", chunk)
    if screened:
        monkeypatch.setattr(xlsx_package, "SCREENED", 0)
        monkeypatch.setattr(xlsx_package, "SCREEN_PREFIX", 64)


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


def test_a_small_roster_of_a_row_count_not_seen_before_needs_one_search_pattern(tmp_path):
    # A commune roster is one chunk; each row count is a new extent. Widening column by column across its header
    # compiled a pattern per column, thousands a run.
    path = write_sheet(tmp_path / "roster.xlsx", grid(41, 15))
    xlsx_package._filled_cell_beyond.cache_clear()
    assert measured(path) == calamine_shape(path) == (41, 15)
    assert xlsx_package._filled_cell_beyond.cache_info().misses == 1


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


def test_the_screen_finds_exactly_what_the_searches_would_look_at_closer():
    # Tag soup from the pieces the searches tell apart: cell and row tags with and without references as Excel
    # writes them, other whitespace, prefixes, formulas, a chunk's end anywhere.
    pieces = ["<c", "<row", "<col", " r=", '"', "A", "AB", "a", "1", "07", ">", "/", "/>", " ", "\t", "\n", "x:",
              "<x:c", ":row", "<f", "<v>", "</c>", ' s="1"', "<", "=", "r", "é"]
    rng = random.Random(457)
    texts = ["".join(rng.choices(pieces, k=rng.randint(1, 9))) for _ in range(20_000)]
    texts += ['<c r="A1">', '<row r="12" spans="1:3">', '<c r="AB12" s="1"/>', "<cols><col min=\"1\"/>"]
    searched = [xlsx_package.irregular(raw) or xlsx_package.FORMULA in raw for raw in (t.encode() for t in texts)]
    screened = pl.Series(texts).str.contains(xlsx_package.CLOSER_LOOK).to_list()
    assert [t for t, a, b in zip(texts, searched, screened) if a != b] == []
    assert 0.2 < sum(searched) / len(searched) < 0.95  # both verdicts are met often


# --- formula cells saved without their value ------------------------------------------------------------------

def formula(row: int, column: int, ending: str, kind: str = "") -> str:
    """A formula cell; ``ending`` is what follows the formula: a value, an empty one, or nothing."""
    return f'<c r="{column_letters(column)}{row}"{kind}><f>ROW()*2</f>{ending}</c>'


UNCALCULATED_FORMS = {  # column → a formula cell as some program writes it, and whether it lacks its value
    1: (lambda row: formula(row, 1, "<v>12</v>"), False),  # calculated, as Excel saves it
    2: (lambda row: formula(row, 2, ""), True),  # no value: never calculated
    3: (lambda row: formula(row, 3, "<v></v>"), True),  # an empty value of a number
    4: (lambda row: formula(row, 4, "<v/>"), True),
    5: (lambda row: formula(row, 5, "<v></v>", ' t="str"'), False),  # the empty text a formula gave
    6: (lambda row: f'<c r="F{row}"><f t="shared" si="0"/></c>', True),  # a shared formula's copy, never calculated
    7: (lambda row: f'<c r="G{row}" t="str"><f>"a"</f><v>a</v></c>', False),
}


def formula_rows(rows: range) -> list[tuple[int, list[str]]]:
    return [(r, [cell(r, 8)] + [write(r) for write, _ in UNCALCULATED_FORMS.values()]) for r in rows]


def test_formula_cells_without_a_value_are_found_across_chunk_ends(small_chunks, tmp_path):
    path = write_sheet(tmp_path / "formulas.xlsx", grid(3, 8) + formula_rows(range(4, 60)))
    (extent,) = xlsx_package.measure_xlsx(path, SETTINGS)
    assert {column: (found.cells, found.first_row) for column, found in extent.uncalculated.items()} == {
        column: (56, 4) for column, (_, uncalculated) in UNCALCULATED_FORMS.items() if uncalculated}
    # What calamine reads of them: nothing, where Excel would show the calculated value (and the empty text).
    loaded = fastexcel.read_excel(path).load_sheet(0, header_row=None, skip_rows=0, dtypes="string").to_polars()
    assert loaded.row(10)[:7] == ("12", None, None, None, "", None, "a")


@pytest.mark.parametrize("x", ["x:", ""], ids=["prefixed tags", "cells without references"])
def test_formula_cells_read_tag_by_tag_are_found_too(small_chunks, tmp_path, x):
    rows = "".join(f'<{x}row r="{r}"><{x}c r="A{r}"><{x}f>ROW()</{x}f></{x}c><{x}c r="B{r}"><{x}f>ROW()</{x}f>'
                   f'<{x}v>{r}</{x}v></{x}c><{x}c><{x}f>1</{x}f><{x}v></{x}v></{x}c></{x}row>' for r in range(1, 80))
    sheet = (f'<?xml version="1.0"?><{x}worksheet xmlns{":x" if x else ""}="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><{x}sheetData>{rows}</{x}sheetData></{x}worksheet>')
    path = write_sheet(tmp_path / "tagged.xlsx", [])
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    (extent,) = xlsx_package.measure_xlsx(path, SETTINGS)
    assert extent.uncalculated == {1: (79, 1, 1), 3: (79, 1, 3)}  # the third cell has no reference: column C
