"""Feedback files for district clerks: the rows of their submission that were not accepted, and why.

Every value is written as text (``write_string``), so a name such as ``=HYPERLINK(…)`` or ``+84…`` stays text and
never becomes a formula when the clerk opens the file.
"""

from __future__ import annotations

import io
from datetime import datetime

import polars as pl
import xlsxwriter

HEADERS = ("Dòng trong Excel", "Trang tính", "Họ và tên", "Lý do", "Mã lý do")
# Fixed document timestamps keep the file byte-identical when nothing changed.
FIXED_CREATED = datetime(2000, 1, 1)


def feedback_file_name(unit_code: str, as_of_date: str) -> str:
    return f"{unit_code}_{as_of_date}_phan_hoi.xlsx"


def feedback_workbook(unit_name: str, as_of_date: str, file_name: str, rejected: pl.DataFrame | None,
                      file_message: str | None = None) -> bytes:
    """The feedback workbook for one submission; ``rejected`` has sheet_name, source_row, full_name, reason_code,
    message. A file refused as a whole has no rows (None) and ``file_message`` to explain it."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                             "strings_to_numbers": False, "strings_to_urls": False})
    workbook.set_properties({"created": FIXED_CREATED, "title": "Phản hồi dữ liệu cán bộ"})
    sheet = workbook.add_worksheet("Phản hồi")
    bold = workbook.add_format({"bold": True})
    sheet.write_string(0, 0, f"Đơn vị: {unit_name}", bold)
    sheet.write_string(1, 0, f"Số liệu tính đến ngày: {as_of_date}")
    sheet.write_string(2, 0, f"Tệp đã gửi: {file_name}")
    sheet.write_string(3, 0, file_message or f"Có {rejected.height} dòng chưa được chấp nhận; hãy sửa và gửi lại cả tệp.")
    rows = rejected.sort("sheet_name", "source_row").iter_rows(named=True) if rejected is not None else ()
    for column, title in enumerate(HEADERS):
        sheet.write_string(5, column, title, bold)
    for offset, row in enumerate(rows, start=6):
        sheet.write_number(offset, 0, row["source_row"])
        for column, key in enumerate(("sheet_name", "full_name", "message", "reason_code"), start=1):
            sheet.write_string(offset, column, row[key] or "")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 2, 28)
    sheet.set_column(3, 3, 70)
    sheet.set_column(4, 4, 24)
    workbook.close()
    return buffer.getvalue()
