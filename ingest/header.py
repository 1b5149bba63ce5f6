"""Find the header of a roster or training sheet and say which column holds what.

A header is found by its content, never by the sheet's name or position: the first row within the first
``HEADER_SEARCH_ROWS`` rows whose cells name the required roles. Two-row headers (a merged "Ngày, tháng, năm sinh"
over sub-columns "Nam" and "Nữ") are recognised by the row below. A roster may span several sheets: every sheet with
a roster header is one of its sheets (``find_roster_headers``).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingest.errors import SubmissionError
from ingest.header_search import HEADER_CELL_CHARS, HEADER_SEARCH_ROWS, ROSTER_KEYS
from ingest.reference import Reference
from ingest.text import fold
from ingest.workbook import Sheet

ROSTER_REQUIRED = ("full_name", "birth", "ethnicity", "body")
# A row naming this many roster columns is the roster's header even if a key column is missing, so the clerk is told
# which one, instead of "no roster found".
ROSTER_ROLES = {"full_name", "birth", "gender", "ethnicity", "body", "term", "education", "political_theory"}
MIN_ROLES_FOR_INCOMPLETE_HEADER = 3
TRAINING_ROLES = ("training_year", "training_content", "training_value")  # the columns a training sheet has
ROLE_NAMES = {
    "full_name": "Họ và tên",
    "birth": "Ngày sinh / Năm sinh",
    "gender": "Giới tính (hoặc cột Nam / Nữ dưới 'Ngày, tháng, năm sinh')",
    "ethnicity": "Dân tộc",
    "body": "Đối tượng / Nhóm chức danh",
}


@dataclass(frozen=True)
class Header:
    """Where a sheet's data starts (0-based row index) and the column of each role found."""

    sheet: Sheet
    row: int
    data_start: int
    columns: dict[str, str]
    # The traditional form: the birth date is written under the person's sex.
    birth_male: str | None = None
    birth_female: str | None = None

    def found_headers(self) -> list[str]:
        values = self.sheet.cells.row(self.row)
        return [v for v in values if v]


def _roles(values: tuple, columns: list[str], reference: Reference) -> dict[str, str]:
    roles: dict[str, str] = {}
    for column, value in zip(columns, values):
        role = reference.headers.by_prefix(value[:HEADER_CELL_CHARS]) if value else None
        if role and role not in roles:
            roles[role] = column
    return roles


def _find(sheet: Sheet, keys: set[str], reference: Reference) -> tuple[int, dict] | None:
    """The first header row naming every one of ``keys``."""
    top = sheet.cells.head(HEADER_SEARCH_ROWS)
    for index, values in enumerate(top.iter_rows()):
        roles = _roles(values, top.columns, reference)
        if keys <= roles.keys():
            return index, roles
    return None


def _find_roster(sheet: Sheet, reference: Reference) -> tuple[tuple[int, dict] | None, tuple[int, dict] | None]:
    """The first row naming the roster's key columns, and the first naming at least three roster columns above it
    (or anywhere, if no row names the keys): one reading of the sheet's top rows for both."""
    top, incomplete = sheet.cells.head(HEADER_SEARCH_ROWS), None
    for index, values in enumerate(top.iter_rows()):
        roles = _roles(values, top.columns, reference)
        if ROSTER_KEYS <= roles.keys():
            return (index, roles), incomplete
        if incomplete is None and len(ROSTER_ROLES & roles.keys()) >= MIN_ROLES_FOR_INCOMPLETE_HEADER:
            incomplete = index, roles
    return None, incomplete


def _split_birth(sheet: Sheet, row: int) -> tuple[str | None, str | None]:
    """The "Nam" and "Nữ" sub-columns in the row under the header, if that row is a sub-header."""
    if row + 1 >= sheet.cells.height:
        return None, None
    below = {fold(v): c for c, v in zip(sheet.cells.columns, sheet.cells.row(row + 1)) if v}
    return below.get("nam"), below.get("nu")


def _roster_header(sheet: Sheet, found: tuple[int, dict[str, str]], reference: Reference) -> Header:
    row, roles = found
    male, female = _split_birth(sheet, row)
    if male is None or female is None:
        return Header(sheet, row, row + 1, roles)
    roles = {**roles, **_roles(sheet.cells.row(row + 1), sheet.cells.columns, reference)}
    roles.pop("training_year", None)  # "Nam" folds like "Năm"; here it is the male sub-column
    roles.setdefault("birth", male)
    return Header(sheet, row, row + 2, roles, male, female)


def find_roster_headers(sheets: list[Sheet], reference: Reference) -> list[Header]:
    """The roster's headers, one per roster sheet in the order of ``sheets``: every sheet with a row naming a full
    name and an ethnicity column; if no sheet has one, the first row naming at least three roster columns (whose
    missing columns ``require_roster_columns`` then reports); if none has that either, none."""
    found = [_find_roster(sheet, reference) for sheet in sheets]
    keyed = [_roster_header(sheet, full, reference) for sheet, (full, _) in zip(sheets, found) if full is not None]
    if keyed:
        return keyed
    return next(([_roster_header(sheet, incomplete, reference)]
                 for sheet, (_, incomplete) in zip(sheets, found) if incomplete is not None), [])


def no_roster_sheet(searched: list[Sheet], hidden: list[Sheet]) -> SubmissionError:
    """The refusal of a file where ``find_roster_headers`` found no header in the visible sheets ``searched``, nor
    in the ``hidden`` ones then read."""
    names = ", ".join(f"'{s.name}'" for s in searched) or "(none)"
    hidden_names = ", ".join(f"'{s.name}'" for s in hidden)
    return SubmissionError(
        "no_roster_sheet",
        f"Không tìm thấy trang danh sách cán bộ (dòng tiêu đề có 'Họ và tên' và 'Dân tộc' trong "
        f"{HEADER_SEARCH_ROWS} dòng đầu) trong các trang {names}"
        + (f"; đã tìm cả trong các trang ẩn {hidden_names}" if hidden else "")
        + f" / no roster sheet found: no header row with a name and an ethnicity column in the first "
        f"{HEADER_SEARCH_ROWS} rows of sheets {names}" + (f"; hidden sheets {hidden_names} were searched too"
                                                          if hidden else ""),
    )


def require_roster_columns(header: Header) -> None:
    """SubmissionError naming every required column the header lacks, and the headers it has."""
    missing = [r for r in ROSTER_REQUIRED if r not in header.columns]
    if header.birth_male is None and "gender" not in header.columns:
        missing.append("gender")
    if missing:
        wanted = ", ".join(f"'{ROLE_NAMES[m]}'" for m in missing)
        found_text = " | ".join(header.found_headers())
        raise SubmissionError(
            "missing_column",
            f"Trang '{header.sheet.name}' thiếu cột {wanted}; các cột tìm thấy: {found_text} / "
            f"sheet '{header.sheet.name}' lacks required column(s) {wanted}; headers found: {found_text}",
        )


def find_training_header(sheets: list[Sheet], reference: Reference) -> Header | None:
    """The "Năm | Nội dung | Số lượng" header of the optional training sheet."""
    for sheet in sheets:
        found = _find(sheet, set(TRAINING_ROLES), reference)
        if found is not None:
            row, roles = found
            return Header(sheet, row, row + 1, roles)
    return None


def data_rows(header: Header) -> pl.DataFrame:
    """The rows under the header with their Excel row number as ``source_row``."""
    cells = header.sheet.cells.with_row_index("source_row", offset=1)
    return cells.slice(header.data_start)
