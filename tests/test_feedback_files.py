"""The clerk's feedback workbook: one for every refused file whose sender can be found, one under
feedback/unidentified/ for the others, and for each rejected row the cell that was wrong, its header and what would be
accepted.

Files are built here (samples.forms, samples.hostile, xlsxwriter), dropped into a temporary inbox and ingested with
``ingest_inbox`` (no CLI); workbooks are read back with openpyxl.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlsxwriter

from conftest import small_roster
from ingest import lake
from ingest.feedback import HEADERS, unidentified_feedback_name
from ingest.pipeline import ingest_inbox
from ingest.reference import load_reference
from ingest.settings import Settings, load_settings
from ingest.suggestions import accepted_form, born_between, closest_spellings
from samples import hostile
from samples.forms import Layout, Person, Roster, write_roster
from samples.hostile import FIRST_PERSON_ROW, HEADER, people
from samples.workbooks import cp1258_bytes
from tests.test_roster_sheets import Formula, never_calculated, roster_rows, workbook
from tests.test_roster_sheets import Sheet as SheetSpec

AS_OF = date(2020, 10, 15)
AFTER_REFORM = date(2025, 10, 15)
NEXT_YEAR = date(date.today().year + 1, 1, 1)
ARRIVED = datetime(2020, 10, 20, 8, 0, tzinfo=UTC)
REFERENCE = load_reference(load_settings(env={}).seeds)
FIRST_ROW = 7  # Excel row of a samples.forms roster's first person: title block rows 1-5, header row 6
TOO_MANY_ROWS = 25  # CADRE_MAX_ROWS of the refusals' inbox: every roster there is shorter, but the too_large one


def _settings(root: Path, **env: str) -> Settings:
    return load_settings(inbox=root / "inbox", warehouse=root / "warehouse", env=env)


def _arrive(path: Path, minute: int = 0) -> Path:
    moment = ARRIVED.timestamp() + 60 * minute
    os.utime(path, (moment, moment))
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _submission_rows(settings: Settings) -> list[dict]:
    return pl.concat([pl.read_parquet(f, hive_partitioning=False)
                      for f in settings.lake.glob("submissions/unit=*/*.parquet")]).to_dicts()


def _submissions(settings: Settings) -> dict[str, dict]:
    return {r["file_name"]: r for r in _submission_rows(settings)}


def _lines(path: Path) -> list[tuple]:
    """Every row of the feedback workbook's one sheet, as the clerk sees it (None for an empty cell)."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in book.active.iter_rows(values_only=True)]
    finally:
        book.close()


def _rows(path: Path) -> list[dict]:
    """The rejected rows a feedback workbook lists (under its header row, line 6), by column title."""
    return [dict(zip(HEADERS, row)) for row in _lines(path)[6:]]


# --- a feedback file for each file-level refusal -----------------------------------------------------------------

def _without_body_column(path: Path) -> Path:
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("Danh sách")
        for r, row in enumerate([["Đơn vị: Huyện Bình Gia"], ["(Tính đến ngày 15/10/2020)"], [],
                                 ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc"],
                                 ["Hoàng Văn Hùng", "01/01/1980", "Nam", "Tày"]]):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
    return path


def _not_utf8(path: Path) -> Path:
    with path.open("w", encoding="cp1258", errors="replace", newline="") as handle:
        csv.writer(handle).writerows([["Đơn vị: Huyện Lộc Bình"], ["(Tính đến ngày 15/10/2020)"],
                                      ["Họ và tên", "Dân tộc"], ["Hoàng Văn Hùng", "Tày"]])
    return path


def _encrypted(path: Path) -> Path:
    plain = write_roster(path.with_name("plain.xlsx.tmp"), small_roster("Huyện Văn Quan", AS_OF), Layout())
    hostile.encrypted_workbook(path, plain)
    plain.unlink()
    return path


def _text(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def _png(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    return path


def _header_without_diacritics(path: Path) -> Path:
    """A text file whose header reads alike as Windows-1258 and as TCVN3: neither encoding can be told."""
    path.write_bytes(b"Ho va ten,Dan toc,Ngay sinh\r\n" + cp1258_bytes("Hoàng Thị Yến,Nùng,07/03/1985\r\n"))
    return path


def _formulas_never_calculated(path: Path) -> Path:
    crowd = people(5)
    first, column = FIRST_PERSON_ROW - 1, HEADER.index("Ngày sinh")
    cells = {(first + i, column): Formula(f"=DATE({p.birth.year},{p.birth.month},{p.birth.day})",
                                         (p.birth - date(1899, 12, 30)).days) for i, p in enumerate(crowd)}
    return never_calculated(workbook(path, [SheetSpec("Danh sách", roster_rows("Huyện Hữu Lũng", crowd),
                                                      cells=cells)]), 1)


def _sheets_naming_two_units(path: Path) -> Path:
    return workbook(path, [SheetSpec("Danh sách", roster_rows("Huyện Chi Lăng", people(4))),
                           SheetSpec("Danh sách (2)", roster_rows("Huyện Đình Lập", people(4, 4)))])


def _roster(title: str, as_of: date = AS_OF, people: int = 5, **layout) -> Callable[[Path], Path]:
    return lambda path: write_roster(path, small_roster(title, as_of, people), Layout(**layout))


# file name → (how it is written, its refusal code, the unit and as-of date its feedback is for: None for unidentified)
REFUSALS = {
    "Báo cáo.xlsx": (lambda p: _text(p, "không phải bảng tính"), "not_a_spreadsheet", None),
    "180_2020-10-15.xlsx": (_roster("Huyện Tràng Định", people=30), "too_large", ("180", AS_OF)),
    "DS có mật khẩu.xlsx": (_encrypted, "encrypted", None),
    "Sổ trắng.xlsx": (lambda p: hostile.roster_workbook(p, []), "no_roster_sheet", None),
    "DS thiếu cột.xlsx": (_without_body_column, "missing_column", ("181", AS_OF)),
    "DS trống.xlsx": (_roster("Huyện Văn Lãng", people=0), "empty_roster", ("182", AS_OF)),
    "DS Bảo Lạc.xlsx": (_roster("Huyện Bảo Lạc"), "unknown_unit", None),
    "DS Cao Lộc 2025.xlsx": (_roster("Huyện Cao Lộc", AFTER_REFORM), "unit_not_valid", ("183", AFTER_REFORM)),
    "DS Lạng Sơn.xlsx": (_roster("Lạng Sơn"), "ambiguous_unit", None),
    "DS không ngày.xlsx": (_roster("Huyện Bắc Sơn", title_block=False), "no_as_of_date", None),
    "DS năm sau.xlsx": (_roster("Xã Văn Quan", NEXT_YEAR), "as_of_in_future", ("06253", NEXT_YEAR)),
    "188_2020-10-15.csv": (_not_utf8, "not_utf8", ("188", AS_OF)),
    "Ảnh danh sách.csv": (_png, "not_a_spreadsheet", None),
    "189_2020-10-15.csv": (_header_without_diacritics, "ambiguous_encoding", ("189", AS_OF)),
    "DS Hữu Lũng công thức.xlsx": (_formulas_never_calculated, "formulas_not_calculated", ("186", AS_OF)),
    "DS hai đơn vị.xlsx": (_sheets_naming_two_units, "roster_sheets_disagree", ("187", AS_OF)),
}


@pytest.fixture(scope="module")
def refused(tmp_path_factory) -> tuple[Settings, dict[str, dict]]:
    """Every refusal of REFUSALS in one inbox, ingested once: (settings, submissions by file name)."""
    settings = _settings(tmp_path_factory.mktemp("refusals"), CADRE_MAX_ROWS=str(TOO_MANY_ROWS))
    settings.inbox.mkdir(parents=True)
    for minute, (name, (write, _, _)) in enumerate(REFUSALS.items()):
        _arrive(write(settings.inbox / name), minute)
    ingest_inbox(settings, log=lambda _: None)
    return settings, _submissions(settings)


def _expected_feedback_file(settings: Settings, name: str) -> str:
    _, _, identity = REFUSALS[name]
    if identity is None:
        stem = Path(name).stem
        return f"unidentified/{stem}_{_sha256(settings.inbox / name)[:8]}_phan_hoi.xlsx"
    unit_code, as_of = identity
    return f"{unit_code}_{as_of.isoformat()}_phan_hoi.xlsx"


@pytest.mark.parametrize("name", REFUSALS, ids=lambda n: REFUSALS[n][1])
def test_each_refused_file_is_rejected_with_its_code(refused, name):
    settings, submissions = refused
    row = submissions[name]
    record = json.loads((settings.parsed / f"{row['sha256']}.json").read_text(encoding="utf-8"))
    assert (row["status"], record["error_code"]) == ("rejected", REFUSALS[name][1])


@pytest.mark.parametrize("name", REFUSALS, ids=lambda n: REFUSALS[n][1])
def test_each_refused_file_gets_a_feedback_file_where_its_sender_can_be_found(refused, name):
    settings, submissions = refused
    row = submissions[name]
    assert row["feedback_file"] == _expected_feedback_file(settings, name)
    assert (settings.feedback / row["feedback_file"]).is_file()


@pytest.mark.parametrize("name", REFUSALS, ids=lambda n: REFUSALS[n][1])
def test_each_refusal_feedback_names_the_unit_the_date_the_file_and_the_reason(refused, name):
    settings, submissions = refused
    row = submissions[name]
    _, _, identity = REFUSALS[name]
    unit, as_of = (REFERENCE.units[identity[0]].name, f"{identity[1]:%d/%m/%Y}") if identity else (
        "chưa xác định được / not identified", "chưa xác định được / not identified")
    lines = _lines(settings.feedback / row["feedback_file"])
    assert [line[0] for line in lines[:5]] == [f"Đơn vị: {unit}", f"Số liệu tính đến ngày: {as_of}",
                                               f"Tệp đã gửi: {name}", row["message"],
                                               f"Mã lý do / reason code: {REFUSALS[name][1]}"]
    assert lines[5] == HEADERS and lines[6:] == []


@pytest.mark.parametrize("name", [n for n, (_, _, identity) in REFUSALS.items() if identity],
                         ids=lambda n: REFUSALS[n][1])
def test_a_refused_file_whose_sender_is_known_carries_its_unit_and_date_in_submissions(refused, name):
    _, submissions = refused
    unit_code, as_of = REFUSALS[name][2]
    assert (submissions[name]["unit_code"], submissions[name]["as_of_date"]) == (unit_code, as_of)


def test_a_refused_file_of_no_known_unit_has_no_unit_in_submissions(refused):
    _, submissions = refused
    unknown = [n for n, (_, _, identity) in REFUSALS.items() if identity is None]
    assert len(unknown) == 7
    assert [(submissions[n]["unit_code"], submissions[n]["as_of_date"]) for n in unknown] == [(None, None)] * 7


def test_unit_not_valid_feedback_says_which_units_report_for_that_date(refused):
    settings, submissions = refused
    message = _lines(settings.feedback / "183_2025-10-15_phan_hoi.xlsx")[3][0]
    assert message.startswith("Huyện Cao Lộc (183) không còn là đơn vị báo cáo từ ngày 01/07/2025")
    assert "Xã Cao Lộc (06211)" in message and message == submissions["DS Cao Lộc 2025.xlsx"]["message"]


def test_the_unidentified_folder_holds_only_the_refusals_of_no_known_unit(refused):
    settings, _ = refused
    names = sorted(p.name for p in (settings.feedback / "unidentified").iterdir())
    assert names == sorted(_expected_feedback_file(settings, n).split("/")[1]
                           for n, (_, _, identity) in REFUSALS.items() if identity is None)


def test_a_title_refused_in_a_file_named_by_its_code_goes_to_that_unit(tmp_path):
    settings = _settings(tmp_path)
    write_roster(settings.inbox / "187_2020-10-15.xlsx", small_roster("Huyện Bảo Lạc", AS_OF), Layout())
    ingest_inbox(settings, log=lambda _: None)
    row = _submissions(settings)["187_2020-10-15.xlsx"]
    assert (row["status"], row["unit_code"], row["feedback_file"]) == ("rejected", "187",
                                                                       "187_2020-10-15_phan_hoi.xlsx")
    assert _lines(settings.feedback / row["feedback_file"])[4][0] == "Mã lý do / reason code: unknown_unit"


def test_a_file_name_of_a_unit_that_exists_then_beats_a_former_district_in_the_title(tmp_path):
    """A commune's clerk who kept the district's title block is who sent it: the feedback is the commune's."""
    settings = _settings(tmp_path)
    write_roster(settings.inbox / "06211_2025-10-15.xlsx", small_roster("Huyện Cao Lộc", AFTER_REFORM), Layout())
    ingest_inbox(settings, log=lambda _: None)
    row = _submissions(settings)["06211_2025-10-15.xlsx"]
    assert (row["unit_code"], row["feedback_file"]) == ("06211", "06211_2025-10-15_phan_hoi.xlsx")
    assert row["message"].startswith("Huyện Cao Lộc (183) không còn là đơn vị báo cáo")


# --- the unidentified folder: names, replacement, removal ---------------------------------------------------------

@pytest.mark.parametrize(("file_name", "expected"), [
    ("Báo cáo.xlsx", "Báo cáo_0123abcd_phan_hoi.xlsx"),
    ("Đình Lập/Tháng 10/DS.xls", "Đình Lập_Tháng 10_DS_0123abcd_phan_hoi.xlsx"),
    ("../../etc/passwd", "etc_passwd_0123abcd_phan_hoi.xlsx"),
    ("DS ..\\..\\Chi Lăng\\bản cuối ★ .xlsx", "DS ._._Chi Lăng_bản cuối_0123abcd_phan_hoi.xlsx"),
    (".xlsx", "tep_0123abcd_phan_hoi.xlsx"),
    ("..", "tep_0123abcd_phan_hoi.xlsx"),
], ids=["plain", "folders", "traversal", "backslashes", "only_an_extension", "dots"])
def test_an_unidentified_feedback_name_stays_in_its_folder(file_name, expected):
    name = unidentified_feedback_name(file_name, "0123abcd" + "0" * 56)
    assert name == expected
    assert "/" not in name and "\\" not in name and ".." not in name


def test_an_unidentified_feedback_name_is_cut_to_a_length_a_file_system_takes():
    name = unidentified_feedback_name("Đ" * 300 + ".xlsx", "f" * 64)
    assert name == "Đ" * 80 + "_ffffffff_phan_hoi.xlsx" and len(name.encode()) < 255


def test_two_files_of_one_name_never_share_a_feedback_file():
    assert unidentified_feedback_name("DS.xlsx", "a" * 64) != unidentified_feedback_name("DS.xlsx", "b" * 64)


def _drop_unreadable(settings: Settings, name: str, text: str, minute: int) -> Path:
    return _arrive(_text(settings.inbox / name, text), minute)


def test_a_later_accepted_file_of_the_same_name_removes_the_unidentified_feedback(tmp_path):
    settings = _settings(tmp_path)
    _drop_unreadable(settings, "DS Cao Lộc.xlsx", "hỏng", minute=0)
    ingest_inbox(settings, log=lambda _: None)
    assert len(list((settings.feedback / "unidentified").iterdir())) == 1
    _arrive(write_roster(settings.inbox / "DS Cao Lộc.xlsx", small_roster("Huyện Cao Lộc", AS_OF), Layout()), 30)
    ingest_inbox(settings, log=lambda _: None)
    assert list((settings.feedback / "unidentified").iterdir()) == []
    assert [(r["status"], r["feedback_file"]) for r in sorted(_submission_rows(settings), key=lambda r: r["received_at"])
            ] == [("rejected", None), ("accepted", None)]


def test_a_later_refused_file_of_the_same_name_replaces_the_unidentified_feedback(tmp_path):
    settings = _settings(tmp_path)
    first = _sha256(_drop_unreadable(settings, "DS.xlsx", "hỏng lần 1", minute=0))
    ingest_inbox(settings, log=lambda _: None)
    second = _sha256(_drop_unreadable(settings, "DS.xlsx", "hỏng lần 2", minute=30))
    ingest_inbox(settings, log=lambda _: None)
    assert [p.name for p in (settings.feedback / "unidentified").iterdir()] == [f"DS_{second[:8]}_phan_hoi.xlsx"]
    assert first[:8] != second[:8]


def test_two_unidentified_files_of_different_names_each_keep_their_feedback(tmp_path):
    settings = _settings(tmp_path)
    _drop_unreadable(settings, "Cao Lộc/DS.xlsx", "hỏng", minute=0)
    _drop_unreadable(settings, "Bắc Sơn/DS.xlsx", "hỏng nữa", minute=1)
    ingest_inbox(settings, log=lambda _: None)
    assert len(list((settings.feedback / "unidentified").iterdir())) == 2


def test_an_unidentified_feedback_file_of_no_current_refusal_is_removed(tmp_path):
    """What a file refused by an older reader left there, once a re-read found the file's unit."""
    settings = _settings(tmp_path)
    _drop_unreadable(settings, "Báo cáo.xlsx", "hỏng", minute=0)
    stale = _text(settings.feedback / "unidentified" / f"DS cũ_{'0' * 8}_phan_hoi.xlsx", "cũ")
    ingest_inbox(settings, log=lambda _: None)
    assert not stale.exists() and len(list(stale.parent.iterdir())) == 1


def test_a_second_run_rewrites_no_feedback_file(tmp_path):
    settings = _settings(tmp_path)
    _drop_unreadable(settings, "Báo cáo.xlsx", "hỏng", minute=0)
    roster = small_roster("Huyện Cao Lộc", AS_OF, unknown_ethnicity=1)
    _arrive(write_roster(settings.inbox / "DS Cao Lộc.xlsx", roster, Layout()), 1)
    ingest_inbox(settings, log=lambda _: None)
    written = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in settings.feedback.rglob("*.xlsx")}
    assert len(written) == 2
    for path in written:  # as if written long ago: a rewrite would show
        os.utime(path, ns=(10**18, 10**18))
    ingest_inbox(settings, log=lambda _: None)
    assert {p: p.stat().st_mtime_ns for p in settings.feedback.rglob("*.xlsx")} == {p: 10**18 for p in written}
    assert {p: p.read_bytes() for p in written} == {p: content for p, (content, _) in written.items()}


# --- what a rejected row shows: the value, its header, what would be accepted -------------------------------------

def _person(name: str, **changes) -> Person:
    return replace(Person(name, date(1975, 3, 4), "M", "Tày", ("UV BCH",)), **changes)


BAD_ROWS = {  # Excel row → the person written there; the roster's other rows are fine
    FIRST_ROW + 0: _person("Lý Văn Một", ethnicity="Kinh Tày"),
    FIRST_ROW + 1: _person("Lý Văn Hai", ethnicity="Mườngg"),
    FIRST_ROW + 2: _person("Lý Văn Ba", bodies=("Bí thư chi bộ",)),
    FIRST_ROW + 3: _person("Lý Văn Bốn", bodies=("UV BCH", "Truong phonng")),
    FIRST_ROW + 4: _person("Lý Văn Năm", birth=date(2010, 1, 1)),
    FIRST_ROW + 5: _person("Lý Văn Sáu", term="2025-2020"),
    FIRST_ROW + 6: _person("Lý Văn Bảy", position="Phó " * 60),
    FIRST_ROW + 7: _person("Lý Thị Tám", ethnicity="7"),
}


@pytest.fixture(scope="module")
def row_feedback(tmp_path_factory) -> dict[int, dict]:
    """The feedback rows of one roster of Hữu Lũng holding BAD_ROWS, by Excel row."""
    settings = _settings(tmp_path_factory.mktemp("rows"))
    roster = Roster("Huyện Hữu Lũng", AS_OF, tuple(BAD_ROWS.values()),
                    training=((2020, "Tuyển dụng công chức cấp xã", "12 người"),
                              (2020, "Tuyển dụng công chức cấp huyện", "3")))
    _arrive(write_roster(settings.inbox / "DS Hữu Lũng.xlsx", roster, Layout()))
    ingest_inbox(settings, log=lambda _: None)
    rows = _rows(settings.feedback / "186_2020-10-15_phan_hoi.xlsx")
    return {(r["Trang tính"], r["Dòng trong Excel"]): r for r in rows}


def _row(row_feedback: dict, excel_row: int, sheet: str = "Danh sách") -> tuple:
    row = row_feedback[sheet, excel_row]
    return row["Mã lý do"], row["Tên cột"], row["Giá trị đã ghi"], row["Giá trị được nhận"]


def test_an_unknown_ethnicity_shows_the_closest_ethnic_groups(row_feedback):
    assert _row(row_feedback, FIRST_ROW) == ("unknown_ethnicity", "Dân tộc", "Kinh Tày", "Kinh; Tày")


def test_a_misspelt_ethnicity_shows_at_most_three_spellings_the_closest_first(row_feedback):
    code, header, value, accepted = _row(row_feedback, FIRST_ROW + 1)
    assert (code, header, value) == ("unknown_ethnicity", "Dân tộc", "Mườngg")
    assert accepted.split("; ")[0] == "Mường" and len(accepted.split("; ")) == 3


def test_a_body_nothing_is_close_to_shows_the_accepted_form(row_feedback):
    assert _row(row_feedback, FIRST_ROW + 2) == (
        "unknown_body", "Đối tượng", "Bí thư chi bộ",
        "đối tượng theo danh mục (Phụ lục P2), nhiều đối tượng cách nhau bằng dấu phẩy / bodies of the list "
        "(Appendix P2), several separated by commas")


def test_an_unknown_part_of_a_cell_of_several_bodies_is_named_with_its_closest_spellings(row_feedback):
    code, header, value, accepted = _row(row_feedback, FIRST_ROW + 3)
    assert (code, header, value) == ("unknown_body", "Đối tượng", "UV BCH, Truong phonng")
    assert accepted.startswith("Truong phonng → Trưởng phòng; ")


def test_an_age_out_of_range_shows_the_birth_date_as_excel_shows_it_and_the_dates_accepted(row_feedback):
    assert _row(row_feedback, FIRST_ROW + 4) == (
        "age_out_of_range", "Ngày, tháng, năm sinh", "01/01/2010",
        "ngày sinh từ 16/10/1939 đến 15/10/2002 (18–80 tuổi tại ngày số liệu) / born from 1939-10-16 to 2002-10-15 "
        "(aged 18–80 on the as-of date)")


def test_a_bad_term_shows_the_form_accepted(row_feedback):
    assert _row(row_feedback, FIRST_ROW + 5) == (
        "bad_term", "Nhiệm kỳ", "2025-2020", "năm đầu-năm cuối, ví dụ 2020-2025 / first year-last year, e.g. 2020-2025")


def test_an_over_long_cell_shows_its_column_its_start_and_its_limit(row_feedback):
    code, header, value, accepted = _row(row_feedback, FIRST_ROW + 6)
    assert (code, header, accepted) == ("value_too_long", "Chức vụ", "tối đa 200 ký tự / at most 200 characters")
    assert value == ("Phó " * 60)[:200] + "…"


def test_a_number_for_an_ethnicity_shows_the_number(row_feedback):
    assert _row(row_feedback, FIRST_ROW + 7)[:3] == ("ambiguous_ethnicity_code", "Dân tộc", "7")


def test_a_training_line_shows_its_cell_and_header(row_feedback):
    assert _row(row_feedback, 2, "Đào tạo - Tuyển dụng") == (
        "bad_number", "Số lượng", "12 người", "số nguyên, ví dụ 11753 hoặc 11.753 / a whole number, e.g. 11753 or 11.753")


def test_an_unknown_training_item_shows_the_closest_items(row_feedback):
    assert _row(row_feedback, 3, "Đào tạo - Tuyển dụng") == (
        "unknown_metric", "Nội dung", "Tuyển dụng công chức cấp huyện", "Tuyển dụng công chức cấp xã")


def test_a_rejected_rows_values_are_text_cells(tmp_path):
    settings = _settings(tmp_path)
    roster = Roster("Huyện Hữu Lũng", AS_OF, (_person("Lý Văn Một", ethnicity="=1+1"),
                                              _person("Lý Văn Hai", ethnicity="+84912345678")))
    _arrive(write_roster(settings.inbox / "DS.xlsx", roster, Layout()))
    ingest_inbox(settings, log=lambda _: None)
    book = openpyxl.load_workbook(settings.feedback / "186_2020-10-15_phan_hoi.xlsx")
    cells = [row[6] for row in book.active.iter_rows(min_row=7)]
    assert [(c.value, c.data_type) for c in cells] == [("=1+1", "s"), ("+84912345678", "s")]


def test_the_split_form_names_the_nam_or_nu_column_of_a_bad_birth_date(tmp_path):
    settings = _settings(tmp_path)
    roster = Roster("Huyện Hữu Lũng", AS_OF, (_person("Lý Thị Một", gender="F", birth="31/02/1980"),))
    _arrive(write_roster(settings.inbox / "DS.xlsx", roster, Layout(birth_columns="split")))
    ingest_inbox(settings, log=lambda _: None)
    [row] = _rows(settings.feedback / "186_2020-10-15_phan_hoi.xlsx")
    assert (row["Tên cột"], row["Giá trị đã ghi"]) == ("Ngày, tháng, năm sinh – Nữ", "31/02/1980")


def test_a_tcvn3_roster_shows_its_header_and_value_decoded(tmp_path):
    settings = _settings(tmp_path)
    roster = Roster("Huyện Hữu Lũng", AS_OF, (*small_roster("Huyện Hữu Lũng", AS_OF).people,
                                              _person("Lý Văn Một", ethnicity="Mườngg")))
    _arrive(write_roster(settings.inbox / "DS.xlsx", roster, Layout(encoding="tcvn3")))
    ingest_inbox(settings, log=lambda _: None)
    [row] = _rows(settings.feedback / "186_2020-10-15_phan_hoi.xlsx")
    assert (row["Tên cột"], row["Giá trị đã ghi"]) == ("Dân tộc", "Mườngg")


def test_the_lake_keeps_only_the_contract_columns_of_rejected_rows(tmp_path):
    settings = _settings(tmp_path)
    roster = Roster("Huyện Hữu Lũng", AS_OF, (_person("Lý Văn Một", ethnicity="Kinh Tày"),))
    path = _arrive(write_roster(settings.inbox / "DS.xlsx", roster, Layout()))
    ingest_inbox(settings, log=lambda _: None)
    rejected = pl.read_parquet(settings.lake / "rejected_rows" / "unit=186" / f"{_sha256(path)}.parquet")
    assert rejected.columns == list(lake.SCHEMAS["rejected_rows"])
    assert rejected["reason_code"].to_list() == ["unknown_ethnicity"]


# --- the suggestion rules, on their own ---------------------------------------------------------------------------

def test_closest_spellings_give_one_spelling_per_code():
    spellings = closest_spellings("Uy vien BCHH", REFERENCE.bodies["unit"])
    codes = [REFERENCE.bodies["unit"].exact(s) for s in spellings]
    assert spellings[0] == "Ủy viên BCH" and len(codes) == len(set(codes))


def test_nothing_close_gives_no_spelling():
    assert closest_spellings("xyzxyz", REFERENCE.ethnic_groups) == []


def test_an_accepted_form_lacking_a_field_of_the_row_gives_nothing():
    assert accepted_form(REFERENCE.reasons["value_too_long"], {"limit": None}) is None


def test_the_accepted_birth_dates_of_a_29_february():
    assert born_between(date(2024, 2, 29), 18, 80) == {"born_from": date(1943, 3, 1), "born_to": date(2006, 2, 28)}


def test_every_row_reason_has_an_accepted_form_in_both_languages_and_no_file_reason_has_one():
    reasons = REFERENCE.reasons.values()
    assert all(r.accepted and r.accepted_en for r in reasons if r.scope == "row")
    assert not any(r.accepted or r.accepted_en for r in reasons if r.scope == "file")


@pytest.mark.parametrize(("name", "says"), [
    ("Ảnh danh sách.csv", "the file is a PNG image, not a spreadsheet"),
    ("189_2020-10-15.csv", "Windows-1258 or TCVN3"),
    ("DS Hữu Lũng công thức.xlsx", "formulas were never calculated: sheet 'Danh sách' has 5 formula cell(s)"),
    ("DS hai đơn vị.xlsx", "sheet 'Danh sách (2)' is for Huyện Đình Lập"),
])
def test_the_feedback_of_a_refusal_says_what_was_found(refused, name, says):
    settings, submissions = refused
    assert says in _lines(settings.feedback / submissions[name]["feedback_file"])[3][0]
