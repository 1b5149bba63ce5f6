"""Which sheets of a workbook are its roster, and formulas never calculated (docs/submission-format.md, A3 / B3).

Every visible sheet with a roster header is read, all of them as one roster; hidden sheets are read only when no
visible sheet holds a roster, and the submission's message says so; formula cells saved without their value in the
columns a roster is read from refuse the file. The workbooks are written here with xlsxwriter; a formula "never
calculated" is one whose value is taken out of the sheet's XML afterwards, as programs that do not calculate
formulas write them.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

import polars as pl
import pytest
import xlsxwriter

from ingest.errors import SubmissionError
from ingest.pipeline import ingest_inbox
from ingest.reference import load_reference
from ingest.settings import Settings, load_settings
from ingest.submission import ParsedSubmission, identify_file, read_submission
from ingest.title import Identity
from samples.forms import COVER_LINES, Layout, write_roster
from samples.hostile import FIRST_PERSON_ROW, HEADER, Person, RosterSheet, people
from tests.test_ingest_forms import COLUMNS, EXPECTED, ROSTER

SETTINGS = load_settings(env={})
REFERENCE = load_reference(SETTINGS.seeds)
AS_OF = date(2020, 10, 15)
COVER = [[line] for line in COVER_LINES]
FIRST, SECOND = people(60), people(30, 60)
TWICE = FIRST[7]  # a person on both sheets, in the same body


class Formula(NamedTuple):
    text: str
    cached: str | int


@dataclass
class Sheet:
    """A sheet to write: rows of cells (text, numbers, dates, formulas), more cells anywhere, hidden or not."""

    name: str
    rows: list[list[object]]
    hidden: bool = False
    cells: dict[tuple[int, int], object] = field(default_factory=dict)  # (row, column), 0-based


def roster_rows(unit_title: str, crowd: list[Person], title: bool = True) -> list[list[object]]:
    rows = RosterSheet("", unit_title, AS_OF, crowd).grid()
    return rows if title else rows[FIRST_PERSON_ROW - 2:]  # from the header on


def workbook(path: Path, sheets: list[Sheet]) -> Path:
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        written = []
        for spec in sheets:
            sheet = book.add_worksheet(spec.name)
            cells = {(r, c): v for r, row in enumerate(spec.rows) for c, v in enumerate(row) if v is not None}
            for (r, c), value in (cells | spec.cells).items():
                if isinstance(value, Formula):
                    sheet.write_formula(r, c, value.text, None, value.cached)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, value, day)
                elif isinstance(value, int):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
            written.append((sheet, spec.hidden))
        shown = next(sheet for sheet, hidden in written if not hidden)
        shown.activate()  # xlsxwriter hides no active sheet
        shown.set_first_sheet()
        for sheet, hidden in written:
            if hidden:
                sheet.hide()
    return path


def never_calculated(path: Path, *sheets: int) -> Path:
    """``path`` with the values of the formulas on its ``sheets`` (1-based) taken out."""
    with zipfile.ZipFile(path) as package:
        parts = {info: package.read(info) for info in package.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in parts.items():
            if info.filename in {f"xl/worksheets/sheet{n}.xml" for n in sheets}:
                data = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", data)
            package.writestr(info, data)
    return path


def read(path: Path, settings: Settings = SETTINGS) -> ParsedSubmission:
    return read_submission(path, path.name, REFERENCE, settings)


def refusal(path: Path, settings: Settings = SETTINGS) -> SubmissionError:
    with pytest.raises(SubmissionError) as refused:
        read(path, settings)
    return refused.value


# --- a hidden roster sheet ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_a_hidden_roster_behind_a_visible_cover_gives_the_memberships_of_the_default_form(tmp_path, fmt):
    path = write_roster(tmp_path / f"Danh sách.{fmt}", ROSTER, Layout(fmt=fmt, hidden_roster=True))
    parsed = read(path)
    assert parsed.identity == Identity("183", date(2020, 10, 15))
    assert parsed.memberships.select(COLUMNS).rows() == EXPECTED
    assert parsed.rejected.is_empty()


def test_the_message_says_the_hidden_roster_sheet_was_read(tmp_path):
    parsed = read(write_roster(tmp_path / "Danh sách.xlsx", ROSTER, Layout(hidden_roster=True)))
    assert parsed.notes == ("Trang 'Danh sách' đang ẩn, đã được đọc vì không trang nào đang hiện có danh sách / "
                            "sheet 'Danh sách' is hidden; it was read because no visible sheet holds a roster",)


def test_a_hidden_roster_routes_the_file_as_reading_it_does(tmp_path):
    path = write_roster(tmp_path / "Danh sách.xlsx", ROSTER, Layout(hidden_roster=True))
    assert identify_file(path, path.name, REFERENCE, SETTINGS) == Identity("183", date(2020, 10, 15))


def test_a_visible_roster_leaves_hidden_sheets_unread_however_far_they_reach(tmp_path):
    """The hidden sheet holds an old roster and a stray cell in XFD1048576: calamine would lay out 17 billion cells
    for it, so it must not even be loaded."""
    path = workbook(tmp_path / "DS.xlsx", [
        Sheet("Danh sách cũ", roster_rows("Huyện Cao Lộc", SECOND), hidden=True, cells={(1048575, 16383): "x"}),
        Sheet("Danh sách", roster_rows("Huyện Cao Lộc", FIRST)),
    ])
    parsed = read(path)
    assert parsed.memberships["full_name"].to_list() == [p.full_name for p in FIRST]
    assert parsed.notes == ()


def test_a_hidden_roster_is_measured_before_it_is_loaded(tmp_path):
    path = workbook(tmp_path / "DS.xlsx", [
        Sheet("Hướng dẫn", COVER),
        Sheet("Danh sách", roster_rows("Huyện Cao Lộc", FIRST), hidden=True, cells={(1048575, 16383): "x"}),
    ])
    error = refusal(path)
    assert (error.code, error.message) == (
        "too_large", "Trang 'Danh sách' có hơn 300000 dòng (giới hạn) / sheet 'Danh sách' has more than 300000 rows, "
                     "the limit")


def test_no_roster_anywhere_names_the_hidden_sheets_searched(tmp_path):
    path = workbook(tmp_path / "DS.xlsx", [Sheet("Hướng dẫn", COVER),
                                            Sheet("Danh mục", [["Dân tộc"], ["Tày"], ["Nùng"]], hidden=True)])
    error = refusal(path)
    assert error.code == "no_roster_sheet"
    assert error.message.startswith("Không tìm thấy trang danh sách cán bộ")
    assert "trong các trang 'Hướng dẫn'; đã tìm cả trong các trang ẩn 'Danh mục' / " in error.message
    assert error.message.endswith("of sheets 'Hướng dẫn'; hidden sheets 'Danh mục' were searched too")


# --- several roster sheets: one roster ------------------------------------------------------------------------

def two_rosters(tmp_path: Path, second_title: str = "Huyện Cao Lộc", second: list[Person] | None = None,
                title: bool = True) -> Path:
    """'Danh sách' with 60 people and 'Danh sách (2)' with 30 others and one of the 60 again."""
    return workbook(tmp_path / "DS Cao Lộc.xlsx", [
        Sheet("Hướng dẫn", COVER),
        Sheet("Danh sách", roster_rows("Huyện Cao Lộc", FIRST)),
        Sheet("Danh sách (2)", roster_rows(second_title, second or SECOND + [TWICE], title)),
    ])


def test_every_person_on_two_roster_sheets_is_a_membership(tmp_path):
    parsed = read(two_rosters(tmp_path))
    assert parsed.identity == Identity("183", AS_OF)
    assert parsed.memberships["full_name"].to_list() == [p.full_name for p in FIRST + SECOND]
    assert parsed.rows_total == 91 and parsed.rows_accepted == 90


def test_a_person_on_both_sheets_in_the_same_body_is_counted_once(tmp_path):
    parsed = read(two_rosters(tmp_path))
    assert parsed.memberships.filter(pl.col("full_name") == TWICE.full_name)["source_row"].to_list() == [
        FIRST_PERSON_ROW + 7]
    assert parsed.rejected.select("sheet_name", "source_row", "full_name", "reason_code").rows() == [
        ("Danh sách (2)", FIRST_PERSON_ROW + 30, TWICE.full_name, "duplicate_membership")]


def test_the_message_names_the_sheets_read_with_their_rows(tmp_path):
    parsed = read(two_rosters(tmp_path))
    assert parsed.notes == (
        "Danh sách được đọc từ 2 trang, như một danh sách: 'Danh sách' (60 dòng), 'Danh sách (2)' (31 dòng) / the "
        "roster was read from 2 sheets, as one roster: 'Danh sách' (60 rows), 'Danh sách (2)' (31 rows)",)


def test_a_sheet_going_on_without_a_title_block_is_the_same_units(tmp_path):
    parsed = read(two_rosters(tmp_path, title=False))
    assert parsed.identity == Identity("183", AS_OF)
    assert parsed.rows_accepted == 90
    assert parsed.rejected["source_row"].to_list() == [2 + 30]  # its header is row 1


def test_roster_sheets_naming_different_units_refuse_the_file(tmp_path):
    error = refusal(two_rosters(tmp_path, second_title="Huyện Văn Lãng"))
    assert error.code == "roster_sheets_disagree"
    assert ("trang 'Danh sách' ghi Huyện Cao Lộc (183) tính đến ngày 15/10/2020, trang 'Danh sách (2)' ghi Huyện "
            "Văn Lãng (182) tính đến ngày 15/10/2020" in error.message)


def test_roster_sheets_as_of_different_dates_refuse_the_file(tmp_path):
    path = workbook(tmp_path / "DS.xlsx", [
        Sheet("Danh sách", roster_rows("Huyện Cao Lộc", FIRST)),
        Sheet("Danh sách (2)", [row if i != 1 else ["(Tính đến ngày 15/10/2015)"]
                                for i, row in enumerate(roster_rows("Huyện Cao Lộc", SECOND))]),
    ])
    error = refusal(path)
    assert error.code == "roster_sheets_disagree"
    assert "sheet 'Danh sách (2)' is for Huyện Cao Lộc (183) as of 2015-10-15" in error.message


def test_each_roster_sheet_must_have_the_required_columns(tmp_path):
    without_body = [row[:5] + row[6:] for row in roster_rows("Huyện Cao Lộc", SECOND)]
    path = workbook(tmp_path / "DS.xlsx", [Sheet("Danh sách", roster_rows("Huyện Cao Lộc", FIRST)),
                                            Sheet("Danh sách (2)", without_body)])
    error = refusal(path)
    assert error.code == "missing_column"
    assert error.message.startswith("Trang 'Danh sách (2)' thiếu cột 'Đối tượng / Nhóm chức danh'")


def test_two_roster_sheets_reach_the_lake_whole_and_the_message_says_so(tmp_path):
    settings = load_settings(inbox=tmp_path / "inbox", warehouse=tmp_path / "warehouse", env={})
    settings.inbox.mkdir(parents=True)
    two_rosters(settings.inbox)
    ingest_inbox(settings, log=lambda _: None)
    [submissions] = settings.lake.glob("submissions/unit=183/submissions.parquet")
    row = pl.read_parquet(submissions, hive_partitioning=False).row(0, named=True)
    assert (row["status"], row["rows_total"], row["rows_accepted"], row["rows_rejected"]) == (
        "accepted_with_rejects", 91, 90, 1)
    assert "'Danh sách' (60 dòng), 'Danh sách (2)' (31 dòng)" in row["message"]
    [memberships] = settings.lake.glob("memberships/unit=183/*.parquet")
    assert pl.read_parquet(memberships)["person_key"].n_unique() == 90


# --- formulas never calculated ------------------------------------------------------------------------------------

def with_formulas(tmp_path: Path, column: int, header: str | None = None, cover_formula: bool = False,
                  indent: int = 0) -> Path:
    """A cover sheet and a roster of 30 whose ``column`` (0-based; a new column under ``header``) holds formulas
    with the value Excel would give; the cover sheet holds one more if ``cover_formula``. The roster starts
    ``indent`` columns right of column A."""
    rows = [[None] * indent + row for row in roster_rows("Huyện Cao Lộc", SECOND)]
    first, column = FIRST_PERSON_ROW - 1, column + indent
    if header:
        rows[first - 1] = [*rows[first - 1], header]
    cells = {(first + i, column): Formula(f"=DATE({p.birth.year},{p.birth.month},{p.birth.day})",
                                         (p.birth - date(1899, 12, 30)).days)
             for i, p in enumerate(SECOND)}
    return workbook(tmp_path / "DS.xlsx", [
        Sheet("Hướng dẫn", COVER, cells={(9, 0): Formula("=TODAY()", 44000)} if cover_formula else {}),
        Sheet("Danh sách", rows, cells=cells),
    ])


def test_birth_dates_saved_by_their_formulas_are_read(tmp_path):
    parsed = read(with_formulas(tmp_path, HEADER.index("Ngày sinh")))
    assert parsed.rejected.is_empty()
    assert parsed.memberships["birth_date"].to_list() == [p.birth for p in SECOND]


def test_birth_date_formulas_never_calculated_refuse_the_file_saying_to_open_and_save_it(tmp_path):
    error = refusal(never_calculated(with_formulas(tmp_path, HEADER.index("Ngày sinh")), 2))
    assert (error.code, error.message) == (
        "formulas_not_calculated",
        "Công thức chưa được tính: trang 'Danh sách' có 30 ô công thức chưa có giá trị trong các cột danh sách (ô đầu "
        "tiên C5); mở tệp bằng Excel/LibreOffice, lưu lại rồi gửi lại / formulas were never calculated: sheet "
        "'Danh sách' has 30 formula cell(s) without a value in its roster columns (first C5); open and save the "
        "file in Excel or LibreOffice, then send it again")


def test_formulas_are_placed_by_their_column_when_a_sheet_starts_right_of_column_a(tmp_path):
    # The last column read (term): were the formulas placed two columns right, they would be in no column read.
    error = refusal(never_calculated(with_formulas(tmp_path, HEADER.index("Nhiệm kỳ"), indent=2), 2))
    assert "(first I5)" in error.message


def test_a_formula_never_calculated_on_the_cover_sheet_does_not_matter(tmp_path):
    parsed = read(never_calculated(with_formulas(tmp_path, HEADER.index("Ngày sinh"), cover_formula=True), 1))
    assert parsed.rows_accepted == len(SECOND)


def test_formulas_never_calculated_in_a_column_not_read_do_not_matter(tmp_path):
    parsed = read(never_calculated(with_formulas(tmp_path, len(HEADER), header="Tuổi"), 2))
    assert parsed.rows_accepted == len(SECOND)
