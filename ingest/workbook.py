"""Open a submitted file as a list of sheets of text cells, refusing what must not be parsed.

Every sheet comes back as a polars DataFrame of strings (columns ``c0``, ``c1``, …) whose row ``i`` is the
spreadsheet's row ``i + 1``, so row numbers in feedback are the ones the clerk sees in Excel. Excel dates arrive as
ISO text (``1980-05-01 00:00:00``) and formulas as their cached values: nothing is ever evaluated (an .xlsx's
formula cells saved without a value are listed in ``Sheet.uncalculated``).

Accepted forms (docs/submission-format.md A1): .xlsx and .xlsm (values only: macros are never run or kept), .xlsb,
.ods and .xls through calamine; .csv and .txt through ``ingest.delimited``. A file is first told by its content
(``ingest.file_kind``), so an image or a document renamed as a spreadsheet is refused saying what it is.

Size limits (docs/operations.md) are checked before a parser holds the file: the file's size on disk; for an .xlsx
or .xlsm the inflated size of its parts and the reach of each visible sheet (``ingest.xlsx_package``), for an .ods
or .xlsb the parts and, for an .ods, the reach of every sheet (``ingest.packages``), so memory stays bounded whatever
a file claims or contains. Hidden sheets are read only when no visible sheet holds a roster
(``read_hidden_sheets``, docs/submission-format.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import fastexcel
import polars as pl

from ingest.delimited import read_text_sheet
from ingest.errors import SubmissionError
from ingest.file_kind import ENCRYPTED_OOXML, ODS, XLS, XLSB, XLSX, Kind, file_kind, wrong_kind
from ingest.packages import measure_package
from ingest.reference import load_reference
from ingest.settings import Settings
from ingest.xlsx_package import SheetExtent, Uncalculated, check_extent, measure_xlsx, too_large

# Suffix → what the file's content must be (None: text, no binary kind). An .xlsm is an .xlsx with a macro part.
FORMATS: dict[str, Kind | None] = {".xlsx": XLSX, ".xlsm": XLSX, ".xlsb": XLSB, ".xls": XLS, ".ods": ODS,
                                   ".csv": None, ".txt": None}
SPREADSHEET_EXTENSIONS = set(FORMATS)
ACCEPTED = ", ".join(FORMATS)  # as messages name them
TEXT_SUFFIXES = {suffix for suffix, kind in FORMATS.items() if kind is None}


@dataclass(frozen=True)
class Sheet:
    """A sheet as text cells; ``note`` is what reading it had to decide that the clerk should hear (vi / en), such
    as a hidden sheet read or the encoding a text file was read in."""

    name: str
    cells: pl.DataFrame
    note: str | None = None
    uncalculated: dict[str, Uncalculated] = field(default_factory=dict)


def _check_magic(path: Path, suffix: str) -> None:
    """Refuse a file whose content is not what its suffix says, naming what it is when that is known."""
    kind = file_kind(path)
    if kind == ENCRYPTED_OOXML:
        raise SubmissionError(
            "encrypted", "Tệp có mật khẩu, hãy gửi bản không đặt mật khẩu / the workbook is password-protected"
        )
    if kind == FORMATS[suffix]:
        return
    if kind is not None:
        raise wrong_kind(kind, suffix, ACCEPTED)
    raise SubmissionError(
        "not_a_spreadsheet",
        f"Tệp không phải bảng tính {suffix} / the file is not a {suffix} spreadsheet",
    )


def _frame(rows: list[list[str | None]]) -> pl.DataFrame:
    width = max((len(r) for r in rows), default=0)
    columns = {f"c{j}": [r[j] if j < len(r) else None for r in rows] for j in range(width)}
    return pl.DataFrame(columns, schema={name: pl.String for name in columns})


def _read_text(path: Path, name: str, settings: Settings) -> list[Sheet]:
    check = partial(check_extent, name, settings=settings)
    sheet = read_text_sheet(path.read_bytes(), load_reference(settings.seeds).headers, check)
    return [Sheet(name, _frame(sheet.rows), sheet.note)]


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

    A text file's one sheet is named after ``file_name``, the name the clerk sent it under (``path`` is the archived
    ``<sha256>.csv``), so messages and feedback name a sheet the clerk knows. With ``top_rows``, only the first rows
    of a workbook's sheets are loaded (after the same package checks): enough to find the title block and header.
    """
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_EXTENSIONS:
        raise SubmissionError(
            "not_a_spreadsheet",
            f"Chỉ nhận tệp {ACCEPTED}, không nhận {suffix or 'tệp không đuôi'} / "
            f"only {ACCEPTED} files are accepted",
        )
    size, limit = path.stat().st_size, settings.max_uncompressed_bytes
    if size > limit:
        raise too_large(f"Tệp nặng {size // 2**20} MB, vượt giới hạn {limit // 2**20} MB",
                        f"the file is {size // 2**20} MB, over the {limit // 2**20} MB limit")
    _check_magic(path, suffix)
    if suffix in TEXT_SUFFIXES:
        return _read_text(path, Path(file_name or path.name).stem, settings)
    extents = measure_xlsx(path, settings) if FORMATS[suffix] == XLSX else None
    if FORMATS[suffix] in (ODS, XLSB):
        measure_package(path, suffix, settings)
    return _read_excel(path, extents, top_rows, settings)


def read_hidden_sheets(path: Path, settings: Settings, top_rows: int | None = None) -> list[Sheet]:
    """The hidden sheets of a workbook ``read_sheets`` has read (none for a text file), each with a note saying it
    was read because no visible sheet holds a roster: read them only then. An .xlsx's or .xlsm's are measured before
    they are loaded, and refused as ``too_large`` as a visible sheet would be (``read_sheets`` measured every sheet of
    an .ods or .xlsb already)."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return []
    return _read_excel(path, measure_xlsx(path, settings) if FORMATS[suffix] == XLSX else None, top_rows, settings,
                       hidden=True)
