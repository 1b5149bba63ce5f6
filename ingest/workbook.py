"""Open a submitted file as a list of sheets of text cells, refusing what must not be parsed.

Every sheet comes back as a polars DataFrame of strings (columns ``c0``, ``c1``, …) whose row ``i`` is the
spreadsheet's row ``i + 1``, so row numbers in feedback are the ones the clerk sees in Excel. Excel dates arrive as
ISO text (``1980-05-01 00:00:00``) and formulas as their cached values: nothing is ever evaluated.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from ingest.errors import SubmissionError
from ingest.settings import Settings

SPREADSHEET_EXTENSIONS = {".xlsx", ".xls", ".csv"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE container holding this stream instead of the workbook's zip.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class Sheet:
    name: str
    cells: pl.DataFrame


def _refuse_zip_bomb(path: Path, limit: int) -> None:
    """Check declared uncompressed sizes before calamine inflates anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise SubmissionError(
            "not_a_spreadsheet", "Tệp .xlsx bị hỏng hoặc chưa chép xong / the .xlsx file is damaged or incomplete"
        ) from None
    if declared > limit:
        raise SubmissionError(
            "too_large",
            f"Tệp giải nén ra {declared // 2**20} MB, vượt giới hạn {limit // 2**20} MB / "
            f"the workbook inflates to {declared // 2**20} MB, over the {limit // 2**20} MB limit",
        )


def _check_magic(path: Path, suffix: str) -> None:
    with path.open("rb") as handle:
        head = handle.read(8)
        if head.startswith(OLE_MAGIC) and ENCRYPTION_STREAM in head + handle.read(1 << 20):
            raise SubmissionError(
                "encrypted", "Tệp có mật khẩu, hãy gửi bản không đặt mật khẩu / the workbook is password-protected"
            )
    expected = {".xlsx": ZIP_MAGIC, ".xls": OLE_MAGIC}.get(suffix)
    if expected and not head.startswith(expected):
        raise SubmissionError(
            "not_a_spreadsheet",
            f"Tệp không phải bảng tính {suffix} / the file is not a {suffix} spreadsheet",
        )


def _frame(rows: list[list[str | None]]) -> pl.DataFrame:
    width = max((len(r) for r in rows), default=0)
    columns = {f"c{j}": [r[j] if j < len(r) else None for r in rows] for j in range(width)}
    return pl.DataFrame(columns, schema={name: pl.String for name in columns})


def _read_csv(path: Path, name: str) -> list[Sheet]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubmissionError(
            "not_utf8", "Tệp CSV phải lưu bằng mã UTF-8 / a CSV submission must be saved as UTF-8"
        ) from None
    rows = [[cell if cell.strip() else None for cell in row] for row in csv.reader(io.StringIO(text))]
    return [Sheet(name, _frame(rows))]


def _read_excel(path: Path) -> list[Sheet]:
    try:
        reader = fastexcel.read_excel(path)
    except Exception as error:  # calamine raises several error types for unreadable workbooks
        raise SubmissionError(
            "not_a_spreadsheet", f"Không đọc được bảng tính / the workbook cannot be read ({type(error).__name__})"
        ) from None
    sheets = []
    for name in reader.sheet_names:
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        # Hidden sheets hold lookup lists and old templates; the policy (docs/submission-format.md) is to ignore them.
        if sheet.visible != "visible":
            continue
        cells = sheet.to_polars()
        sheets.append(Sheet(name, cells.rename({old: f"c{j}" for j, old in enumerate(cells.columns)})))
    return sheets


def read_sheets(path: Path, settings: Settings, file_name: str | None = None) -> list[Sheet]:
    """The visible sheets of ``path`` as text grids; raises SubmissionError for what cannot or must not be read.

    A CSV's one sheet is named after ``file_name``, the name the clerk sent it under (``path`` is the archived
    ``<sha256>.csv``), so messages and feedback name a sheet the clerk knows.
    """
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_EXTENSIONS:
        raise SubmissionError(
            "not_a_spreadsheet",
            f"Chỉ nhận tệp .xlsx, .xls hoặc .csv, không nhận {suffix or 'tệp không đuôi'} / "
            f"only .xlsx, .xls and .csv files are accepted",
        )
    _check_magic(path, suffix)
    if suffix == ".xlsx":
        _refuse_zip_bomb(path, settings.max_uncompressed_bytes)
    sheets = _read_csv(path, Path(file_name or path.name).stem) if suffix == ".csv" else _read_excel(path)
    for sheet in sheets:
        rows, columns = sheet.cells.shape
        if rows > settings.max_rows or columns > settings.max_columns:
            raise SubmissionError(
                "too_large",
                f"Trang '{sheet.name}' có {rows} dòng × {columns} cột, vượt giới hạn {settings.max_rows} × "
                f"{settings.max_columns} / sheet '{sheet.name}' exceeds the row or column limit",
            )
    return sheets
