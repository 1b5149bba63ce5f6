"""Sheets as files: a ``Grid`` of cells written as .xlsx (xlsxwriter), .xls (xlwt) or .csv, the same bytes for the
same grid. What goes in the cells, and how a form looks, is ``samples.forms``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
import xlwt

Cell = str | int | date | None


@dataclass
class Grid:
    """One sheet before it becomes a file: rows of cells, merged ranges (r1, c1, r2, c2), bold rows, and whether it
    is hidden (a workbook's first sheet never is)."""

    rows: list[list[Cell]]
    merges: list[tuple[int, int, int, int]]
    bold: set[int]
    widths: list[int]
    hidden: bool = False


def _covered(grid: Grid) -> set[tuple[int, int]]:
    """Cells inside merged ranges other than their top-left, which Excel leaves empty."""
    return {(r, c) for r1, c1, r2, c2 in grid.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {
        (r1, c1) for r1, c1, _, _ in grid.merges
    }


def write_xlsx(path: Path, sheets: list[tuple[str, Grid]], title: str, created: datetime) -> None:
    """An .xlsx of ``sheets`` (name, grid); ``title`` and ``created`` are its document properties."""
    options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        book.set_properties({"created": created, "author": "Văn phòng", "title": title})  # fixed: same bytes
        plain, strong = book.add_format({"text_wrap": True, "valign": "vcenter"}), book.add_format(
            {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter"})
        day = book.add_format({"num_format": "dd/mm/yyyy", "align": "center"})
        for name, grid in sheets:
            sheet = book.add_worksheet(name)
            for c, width in enumerate(grid.widths):
                sheet.set_column(c, c, width)
            for r1, c1, r2, c2 in grid.merges:
                sheet.merge_range(r1, c1, r2, c2, grid.rows[r1][c1] or "", strong)
            skip = _covered(grid) | {(r1, c1) for r1, c1, _, _ in grid.merges}
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
        skip = _covered(grid) | {(r1, c1) for r1, c1, _, _ in grid.merges}
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if value is not None and (r, c) not in skip:
                    sheet.write(r, c, value, day if isinstance(value, date) else strong if r in grid.bold else plain)
        sheet.visibility = int(grid.hidden)
    book.save(str(path))


def write_csv(path: Path, grid: Grid, bom: bool) -> None:
    def text(value: Cell) -> str:
        return "" if value is None else f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)

    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows([text(v) for v in row] for row in grid.rows)
