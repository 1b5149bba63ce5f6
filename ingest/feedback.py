"""Feedback files for district clerks: the rows of their submission that were not accepted and why, or why the whole
file was refused.

Every value is written as text (``write_string``), so a name such as ``=HYPERLINK(…)`` or ``+84…`` stays text and
never becomes a formula when the clerk opens the file. Columns are only ever appended: clerks and tests read them by
position.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import polars as pl
import xlsxwriter

from ingest.errors import Refused

HEADERS = ("Dòng trong Excel", "Trang tính", "Họ và tên", "Lý do", "Mã lý do",
           "Tên cột", "Giá trị đã ghi", "Giá trị được nhận")
# The text columns of a rejected frame under HEADERS[1:], in order (ingest.suggestions adds the last three).
COLUMNS = ("sheet_name", "full_name", "message", "reason_code", "header", "value", "accepted")
WIDTHS = (16, 28, 28, 70, 24, 24, 28, 60)
# Fixed document timestamps keep the file byte-identical when nothing changed.
FIXED_CREATED = datetime(2000, 1, 1)
UNIDENTIFIED_FOLDER = "unidentified"  # under feedback/: refused files whose unit is not known
NOT_IDENTIFIED = "chưa xác định được / not identified"
NAME_CHARS = 80  # of a file's name in the name of its feedback file (a path component holds 255 bytes)


def feedback_file_name(unit_code: str, as_of_date: str) -> str:
    return f"{unit_code}_{as_of_date}_phan_hoi.xlsx"


def unidentified_feedback_name(file_name: str, sha256: str) -> str:
    """The feedback file, under UNIDENTIFIED_FOLDER, of a refused file whose unit is not known: named after the file
    as it arrived (folders included) with what a file name must not hold replaced, so no name leads out of the
    folder, and the start of its sha256, so two files of one name never share one."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,10}$", "", file_name)
    safe = re.sub(r"\.{2,}", ".", re.sub(r"[^\w\-.,() ]+", "_", stem))
    safe = re.sub(r"\s+", " ", safe).strip(" ._-")[:NAME_CHARS].rstrip(" ._-")
    return f"{safe or 'tep'}_{sha256[:8]}_phan_hoi.xlsx"


def _summary(rejected: pl.DataFrame | None, refused: Refused | None) -> tuple[str, str]:
    """Lines 4 and 5: why the file was refused and its code, or how many rows were not accepted."""
    if refused is not None:
        return refused.message, f"Mã lý do / reason code: {refused.code}"
    count = 0 if rejected is None else rejected.height
    return (f"Có {count} dòng chưa được chấp nhận; hãy sửa và gửi lại cả tệp / {count} row(s) not accepted: correct "
            f"them and send the whole file again", "")


def feedback_workbook(file_name: str, unit_name: str | None, as_of: date | None,
                      rejected: pl.DataFrame | None = None, refused: Refused | None = None) -> bytes:
    """The feedback workbook for one submission: its unit and as-of date (None: not identified), the name it was
    sent under, then either each row of ``rejected`` (source_row and COLUMNS) or, for a file refused as a whole,
    ``refused``'s message and code."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                             "strings_to_numbers": False, "strings_to_urls": False})
    workbook.set_properties({"created": FIXED_CREATED, "title": "Phản hồi dữ liệu cán bộ"})
    sheet = workbook.add_worksheet("Phản hồi")
    bold = workbook.add_format({"bold": True})
    sheet.write_string(0, 0, f"Đơn vị: {unit_name or NOT_IDENTIFIED}", bold)
    sheet.write_string(1, 0, f"Số liệu tính đến ngày: {f'{as_of:%d/%m/%Y}' if as_of else NOT_IDENTIFIED}")
    sheet.write_string(2, 0, f"Tệp đã gửi: {file_name}")
    for line, text in enumerate(_summary(rejected, refused), start=3):
        if text:
            sheet.write_string(line, 0, text)
    for column, title in enumerate(HEADERS):
        sheet.write_string(5, column, title, bold)
    rows = rejected.sort("sheet_name", "source_row").iter_rows(named=True) if rejected is not None else ()
    for offset, row in enumerate(rows, start=6):
        sheet.write_number(offset, 0, row["source_row"])
        for column, key in enumerate(COLUMNS, start=1):
            sheet.write_string(offset, column, row[key] or "")
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    workbook.close()
    return buffer.getvalue()
