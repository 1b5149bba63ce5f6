"""``bao_cao_chi_so.xlsx``: the board's spreadsheet, the figures that go into congress documents and articles, so that
nobody retypes them from the report.

A contents sheet, then one sheet per body and as-of date (``board_sheets``): a header block (what, which date, the
source, when it was published, how to read it), then units as rows and, for each indicator, the count, the share
and the change since the previous term. Every cell is a value, never a formula: the file is read-only and must show
the same figures in any spreadsheet program, with or without recalculation. A share is stored unrounded
(``value_pct`` / 100) and shown to one decimal in Excel's percent format; a change is in percentage points.
Headers are Vietnamese, as the board writes them. Frozen panes, a filter over the units and A4 landscape print
settings (one page wide, header rows repeated) keep 65 units usable on screen and paper.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import xlsxwriter

from ingest.settings import TIME_ZONE
from publishing.board_sheets import CONTENTS_SHEET, Sheet, board_sheets

# The board's clock: publication times are written as the board reads them.
BOARD_TIMEZONE = ZoneInfo(TIME_ZONE)
FILE_NAME = "bao_cao_chi_so.xlsx"
HEADER_ROW = 6  # the first of the two header rows, below the header block and a blank row
FIGURE_HEADERS = ("Số người", "Tỷ lệ", "Thay đổi (điểm %)")
A4 = 9  # xlsxwriter's paper code
READING_NOTE = ("Tỷ lệ = số người đạt chỉ tiêu / tổng số; thay đổi tính bằng điểm phần trăm so với kỳ trước (ngày ghi ở "
                "cột Kỳ trước); ô trống: không có kỳ trước để so sánh.")


def _published(published_at: dt.datetime) -> str:
    local = published_at.astimezone(BOARD_TIMEZONE)
    return f"Công bố lúc {local:%H:%M} ngày {local:%d/%m/%Y} (giờ Việt Nam, UTC+7)"


def _source(release: str) -> str:
    return f"Nguồn: Kho dữ liệu cán bộ (Cadre Warehouse), bảng indicators, bản công bố {release}"


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook):
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.text = add({})
        self.header = add({"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1,
                           "bg_color": "#F3ECE9"})
        self.link = add({"font_color": "blue", "underline": 1})
        self.cell, self.total = {}, {}
        for name, number_format in (("text", "@"), ("count", "0"), ("share", "0.0%"),
                                    ("change", "+0.0;-0.0;0.0"), ("date", "dd/mm/yyyy")):
            base = {"border": 1, "num_format": number_format, "valign": "top"}
            self.cell[name] = add(base)
            self.total[name] = add(base | {"bold": True, "top": 2})


def _write_header_block(sheet, formats: _Formats, lines: list[str]) -> None:
    sheet.write_string(0, 0, lines[0], formats.title)
    for row, line in enumerate(lines[1:], start=1):
        sheet.write_string(row, 0, line, formats.text)


def _write_column_headers(sheet, formats: _Formats, page: Sheet) -> int:
    """The two header rows; returns the first indicator column."""
    fixed = ("STT", *page.label_headers, "Tổng số (người)", "Kỳ trước (ngày số liệu)")
    for column, header in enumerate(fixed):
        sheet.merge_range(HEADER_ROW, column, HEADER_ROW + 1, column, header, formats.header)
    first = len(fixed)
    for i, (_, name) in enumerate(page.indicators):
        start = first + 3 * i
        sheet.merge_range(HEADER_ROW, start, HEADER_ROW, start + 2, name, formats.header)
        for offset, header in enumerate(FIGURE_HEADERS):
            sheet.write_string(HEADER_ROW + 1, start + offset, header, formats.header)
    return first


def _write_rows(sheet, formats: _Formats, page: Sheet, first_figure: int) -> int:
    """The data rows; returns the last row written."""
    row = HEADER_ROW + 1
    for number, line in enumerate(page.rows, start=1):
        row += 1
        style = formats.total if line.is_total else formats.cell
        if line.is_total:
            sheet.write_blank(row, 0, None, style["count"])
        else:
            sheet.write_number(row, 0, number, style["count"])
        for column, label in enumerate(line.labels, start=1):
            sheet.write_string(row, column, label, style["text"])
        sheet.write_number(row, first_figure - 2, line.members, style["count"])
        if len(line.previous_as_of) == 1:
            sheet.write_datetime(row, first_figure - 1, dt.datetime.combine(line.previous_as_of[0], dt.time()),
                                 style["date"])
        elif line.previous_as_of:  # indicators measured from different earlier rosters: say which
            sheet.write_string(row, first_figure - 1, ", ".join(f"{d:%d/%m/%Y}" for d in line.previous_as_of),
                               style["text"])
        else:
            sheet.write_blank(row, first_figure - 1, None, style["text"])
        for i, (code, _) in enumerate(page.indicators):
            figure, column = line.figures.get(code), first_figure + 3 * i
            if figure is None:
                for offset in range(3):
                    sheet.write_blank(row, column + offset, None, style["count"])
                continue
            sheet.write_number(row, column, figure["numerator"], style["count"])
            sheet.write_number(row, column + 1, figure["value_pct"] / 100, style["share"])
            if figure["change_pp"] is None:
                sheet.write_blank(row, column + 2, None, style["change"])
            else:
                sheet.write_number(row, column + 2, figure["change_pp"], style["change"])
    return row


def _lay_out(sheet, page: Sheet, first_figure: int, last_row: int) -> None:
    last_column = first_figure + 3 * len(page.indicators) - 1
    widths = [5, *((9, 26) if len(page.label_headers) == 2 else (48,)), 9, 11]
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.set_column(first_figure, last_column, 9)
    sheet.set_row(HEADER_ROW, 45)
    sheet.set_row(HEADER_ROW + 1, 30)
    sheet.freeze_panes(HEADER_ROW + 2, len(page.label_headers) + 1)  # the headers and the names stay in view
    last_unit = last_row - 1 if page.rows and page.rows[-1].is_total else last_row
    if last_unit > HEADER_ROW + 1:
        sheet.autofilter(HEADER_ROW + 1, 0, last_unit, last_column)  # sorting never moves the province total
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW, HEADER_ROW + 1)
    sheet.print_area(0, 0, last_row, last_column)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&L&A&RTrang &P/&N")


def _write_sheet(workbook: xlsxwriter.Workbook, formats: _Formats, page: Sheet, source: str, published: str) -> None:
    sheet = workbook.add_worksheet(page.name)
    date = f"Số liệu ngày {page.as_of:%d/%m/%Y}" + (f", nhiệm kỳ {page.term}" if page.term else "")
    _write_header_block(sheet, formats, [page.title, date, source, published, READING_NOTE])
    first_figure = _write_column_headers(sheet, formats, page)
    _lay_out(sheet, page, first_figure, _write_rows(sheet, formats, page, first_figure))


def _write_contents(workbook: xlsxwriter.Workbook, formats: _Formats, pages: list[Sheet], source: str,
                    published: str) -> None:
    sheet = workbook.add_worksheet(CONTENTS_SHEET)
    _write_header_block(sheet, formats, ["Báo cáo chỉ số cơ cấu cán bộ", source, published, READING_NOTE])
    headers = ("Trang", "Cơ quan", "Ngày số liệu", "Nhiệm kỳ", "Số dòng")
    for column, header in enumerate(headers):
        sheet.write_string(HEADER_ROW, column, header, formats.header)
    for row, page in enumerate(pages, start=HEADER_ROW + 1):
        quoted = page.name.replace("'", "''")
        sheet.write_url(row, 0, f"internal:'{quoted}'!A1", formats.link, string=page.name)
        sheet.write_string(row, 1, page.title, formats.cell["text"])
        sheet.write_datetime(row, 2, dt.datetime.combine(page.as_of, dt.time()), formats.cell["date"])
        sheet.write_string(row, 3, page.term or "", formats.cell["text"])
        sheet.write_number(row, 4, len(page.rows), formats.cell["count"])
    for column, width in enumerate((28, 56, 13, 11, 9)):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW, HEADER_ROW)


def write_board_workbook(con: duckdb.DuckDBPyConnection, path: Path, published_at: dt.datetime, release: str) -> None:
    """Write the workbook at ``path`` from the release's ``indicators`` (``con``, the release's database);
    ``published_at`` (aware) and ``release`` (its id) go into every header block."""
    pages = board_sheets(con)
    source, published = _source(release), _published(published_at)
    # Text is text: a unit name or a message beginning with "=" or "http" stays a string.
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False})
    workbook.set_properties({"title": "Báo cáo chỉ số cơ cấu cán bộ", "author": "Cadre Warehouse",
                             "created": published_at.astimezone(dt.UTC).replace(tzinfo=None)})
    formats = _Formats(workbook)
    _write_contents(workbook, formats, pages, source, published)
    for page in pages:
        _write_sheet(workbook, formats, page, source, published)
    workbook.close()
