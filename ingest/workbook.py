"""Open a submitted file as a list of sheets of text cells, refusing what must not be parsed.

Every sheet comes back as a polars DataFrame of strings (columns ``c0``, ``c1``, …) whose row ``i`` is the
spreadsheet's row ``i + 1``, so row numbers in feedback are the ones the clerk sees in Excel. Excel dates arrive as
ISO text (``1980-05-01 00:00:00``) and formulas as their cached values: nothing is ever evaluated (an .xlsx's
formula cells saved without a value are listed in ``Sheet.uncalculated``).

Size limits (docs/operations.md) are checked before a parser holds the file: the file's size on disk, and for an
.xlsx the inflated size of its parts and the reach of each sheet loaded (``ingest.xlsx_package``), so memory stays
bounded whatever a file claims or contains. Hidden sheets are read only when no visible sheet holds a roster
(``read_hidden_sheets``, docs/submission-format.md).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from ingest.errors import SubmissionError
from ingest.settings import Settings
from ingest.xlsx_package import SheetExtent, Uncalculated, check_extent, measure_xlsx, too_large

SPREADSHEET_EXTENSIONS = {".xlsx", ".xls", ".csv"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE container holding this stream instead of the workbook's zip.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class Sheet:
    """A sheet as text cells; ``note`` is what reading it had to decide that the clerk should hear (vi / en), such
    as a hidden sheet read or the encoding a text file was read in; ``uncalculated`` the formula cells saved without
    their value (read as empty cells), by the column of ``cells`` they are in."""

    name: str
    cells: pl.DataFrame
    note: str | None = None
    uncalculated: dict[str, Uncalculated] = field(default_factory=dict)


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


def _read_csv(path: Path, name: str, settings: Settings) -> list[Sheet]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubmissionError(
            "not_utf8", "Tệp CSV phải lưu bằng mã UTF-8 / a CSV submission must be saved as UTF-8"
        ) from None
    rows, width = [], 0
    try:
        for row in csv.reader(io.StringIO(text)):
            rows.append([cell if cell.strip() else None for cell in row])
            width = max(width, len(row))
            check_extent(name, len(rows), width, settings)  # stops reading at the first row over a limit
    except csv.Error as error:
        raise SubmissionError(
            "not_a_spreadsheet", f"Tệp CSV không đọc được / the CSV file cannot be read ({error})"
        ) from None
    return [Sheet(name, _frame(rows))]


def _unreadable(error: BaseException) -> SubmissionError:
    return SubmissionError(
        "not_a_spreadsheet", f"Không đọc được bảng tính / the workbook cannot be read ({type(error).__name__})"
    )


def _hidden_note(name: str) -> str:
    return (f"Trang '{name}' đang ẩn, đã được đọc vì không trang nào đang hiện có danh sách / sheet '{name}' is "
            f"hidden; it was read because no visible sheet holds a roster")


def _read_excel(path: Path, extents: list[SheetExtent] | None, top_rows: int | None, settings: Settings,
                hidden: bool = False) -> list[Sheet]:
    """Visible sheets, or with ``hidden`` the hidden ones (their first ``top_rows`` rows, if given); ``extents`` (an
    .xlsx's; its visible sheets already checked) says which those are, and how far each reaches, before any is
    loaded. Every sheet loaded is checked against the size limits (an .xls is bounded by its format, 65,536 × 256,
    so it is checked once loaded)."""
    measured = {e.name: e for e in extents or []}
    if hidden:  # checked before any is loaded, as measure_xlsx checks the visible ones
        for extent in measured.values():
            if not extent.visible:
                check_extent(extent.name, extent.rows, extent.columns, settings)
    sheets = []
    try:
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            extent = measured.get(name)
            # Hidden sheets hold lookup lists and old templates: they are read only when no visible sheet holds a
            # roster (docs/submission-format.md), and an .xlsx's are not loaded until then, nor ever unmeasured.
            if (extent.visible == hidden) if extent is not None else (hidden and extents is not None):
                continue
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, n_rows=top_rows, dtypes="string")
            if (sheet.visible != "visible") != hidden:
                continue
            cells = sheet.to_polars()
            # calamine starts a sheet at its first used column: formulas are placed by the column they are in.
            found = extent.uncalculated if extent is not None else {}
            columns = [info.absolute_index + 1 for info in sheet.available_columns()]
            sheets.append(Sheet(name, cells.rename({old: f"c{j}" for j, old in enumerate(cells.columns)}),
                                _hidden_note(name) if hidden else None,
                                {f"c{j}": found[column] for j, column in enumerate(columns) if column in found}))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # noqa: BLE001 — calamine raises many error types, and panics (BaseException)
        raise _unreadable(error) from None
    for sheet in sheets:
        check_extent(sheet.name, *sheet.cells.shape, settings)
    return sheets


def read_sheets(path: Path, settings: Settings, file_name: str | None = None,
                top_rows: int | None = None) -> list[Sheet]:
    """The visible sheets of ``path`` as text grids; raises SubmissionError for what cannot or must not be read.

    A CSV's one sheet is named after ``file_name``, the name the clerk sent it under (``path`` is the archived
    ``<sha256>.csv``), so messages and feedback name a sheet the clerk knows. With ``top_rows``, only the first rows
    of a workbook's sheets are loaded (after the same package checks): enough to find the title block and header.
    """
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_EXTENSIONS:
        raise SubmissionError(
            "not_a_spreadsheet",
            f"Chỉ nhận tệp .xlsx, .xls hoặc .csv, không nhận {suffix or 'tệp không đuôi'} / "
            f"only .xlsx, .xls and .csv files are accepted",
        )
    size, limit = path.stat().st_size, settings.max_uncompressed_bytes
    if size > limit:
        raise too_large(f"Tệp nặng {size // 2**20} MB, vượt giới hạn {limit // 2**20} MB",
                        f"the file is {size // 2**20} MB, over the {limit // 2**20} MB limit")
    _check_magic(path, suffix)
    if suffix == ".csv":
        return _read_csv(path, Path(file_name or path.name).stem, settings)
    extents = measure_xlsx(path, settings) if suffix == ".xlsx" else None
    return _read_excel(path, extents, top_rows, settings)


def read_hidden_sheets(path: Path, settings: Settings, top_rows: int | None = None) -> list[Sheet]:
    """The hidden sheets of a workbook ``read_sheets`` has read (none for a CSV), each with a note saying it was read
    because no visible sheet holds a roster: read them only then. An .xlsx's are measured before they are loaded,
    and refused as ``too_large`` as a visible sheet would be."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xls"):
        return []
    return _read_excel(path, measure_xlsx(path, settings) if suffix == ".xlsx" else None, top_rows, settings,
                       hidden=True)
