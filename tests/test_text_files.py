"""Sheets saved as text (.csv, .txt; ingest.delimited through ingest.workbook.read_sheets): the encoding and separator
each is read with, what the clerk is told about them, and the refusals when neither can be told.

That every accepted encoding and separator gives the same memberships as the .xlsx is tests/test_ingest_forms.py's.
"""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from ingest.delimited import HEAD_BYTES, tcvn3_as_shown
from ingest.errors import SubmissionError
from ingest.header import HEADER_SEARCH_ROWS
from ingest.reference import load_reference
from ingest.settings import load_settings
from ingest.submission import read_submission
from ingest.workbook import read_sheets
from samples.forms import Layout, Person, Roster, write_roster
from samples.workbooks import cp1258_bytes

SETTINGS = load_settings(env={})
ROSTER = Roster("Huyện Cao Lộc", date(2020, 10, 15), (
    Person("Hoàng Thị Yến", date(1985, 3, 7), "F", "Nùng", ("UV BCH",)),
    Person("Lương Văn Hòa", date(1970, 12, 1), "M", "Tày", ("Trưởng phòng",)),
))


def _sheet(path: Path):
    (sheet,) = read_sheets(path, SETTINGS, path.name)
    return sheet


def _refusal(path: Path) -> SubmissionError:
    with pytest.raises(SubmissionError) as refused:
        read_sheets(path, SETTINGS, path.name)
    return refused.value


def test_a_plain_utf8_comma_csv_gets_no_note(tmp_path):
    assert _sheet(write_roster(tmp_path / "ds.csv", ROSTER, Layout(fmt="csv"))).note is None


def test_a_semicolon_csv_is_noted_with_its_separator(tmp_path):
    note = _sheet(write_roster(tmp_path / "ds.csv", ROSTER, Layout(fmt="csv", csv_separator=";"))).note
    assert note == ("Tệp được đọc theo mã UTF-8, các cột cách nhau bằng dấu chấm phẩy (;) / the file was read as "
                    "UTF-8, with its columns separated by semicolons")


@pytest.mark.parametrize(("layout", "encoding"), [
    (Layout(fmt="csv", text_encoding="cp1258"), "Windows-1258"),
    (Layout(fmt="csv", encoding="tcvn3", text_encoding="tcvn3"), "TCVN3 (ABC)"),
    (Layout(fmt="txt", csv_separator="\t", text_encoding="utf-16-le"), "UTF-16"),
], ids=["windows_1258", "tcvn3", "utf16"])
def test_the_encoding_a_file_was_read_in_reaches_the_submissions_message(tmp_path, layout, encoding):
    path = write_roster(tmp_path / f"ds.{layout.fmt}", ROSTER, layout)
    parsed = read_submission(path, path.name, load_reference(SETTINGS.seeds), SETTINGS)
    (note,) = parsed.notes
    assert note.startswith(f"Tệp được đọc theo mã {encoding}, ") and f"the file was read as {encoding}, " in note


def test_windows_1258_tone_marks_are_joined_to_their_letters(tmp_path):
    path = write_roster(tmp_path / "ds.csv", ROSTER, Layout(fmt="csv", text_encoding="cp1258"))
    assert "Y\u00ea\u0301n" in path.read_bytes().decode("cp1258")  # Windows writes "ế" as "ê", a combining acute
    assert "Hoàng Thị Yến" in _sheet(path).cells["c1"].to_list()


def test_tcvn3_bytes_are_handed_on_as_a_spreadsheet_shows_them(tmp_path):
    path = write_roster(tmp_path / "ds.csv", ROSTER, Layout(fmt="csv", encoding="tcvn3", text_encoding="tcvn3"))
    assert tcvn3_as_shown("Hoàng".encode("latin-1")) == "Hoàng"  # a letter byte is its Latin-1 character
    assert "Hoµng ThÞ YÕn" in _sheet(path).cells["c1"].to_list()


def test_decimal_commas_in_a_semicolon_file_stay_in_their_cell(tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes(codecs.BOM_UTF8 + "STT;Họ và tên;Dân tộc;Hệ số lương\r\n1;Hoàng Thị Yến;Nùng;4,98\r\n".encode())
    assert _sheet(path).cells.row(1) == ("1", "Hoàng Thị Yến", "Nùng", "4,98")


def test_cells_holding_commas_do_not_make_the_comma_the_separator(tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text("Họ và tên;Ngày, tháng, năm sinh;Dân tộc;Cơ quan, đơn vị\nVi Thị Lan;15/10/1990;Dao;Xã Hợp, Thành\n",
                    encoding="utf-8")
    assert _sheet(path).cells.row(1) == ("Vi Thị Lan", "15/10/1990", "Dao", "Xã Hợp, Thành")


def test_a_file_no_separator_splits_into_header_cells_is_refused_naming_those_tried(tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text("Báo cáo tổng hợp|Số liệu\nCán bộ nữ|12\n", encoding="utf-8")
    refusal = _refusal(path)
    assert refusal.code == "no_roster_sheet"
    assert f"trong {HEADER_SEARCH_ROWS} dòng đầu của tệp (đọc theo mã UTF-8), dù tách cột bằng dấu phẩy (,), " \
           "dấu chấm phẩy (;), tab" in refusal.message
    assert "with columns separated by commas, semicolons, tabs alike" in refusal.message


def test_a_header_without_diacritics_leaves_windows_1258_and_tcvn3_apart_and_is_refused_naming_both(tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes(b"Ho va ten,Dan toc,Ngay sinh\r\n" + cp1258_bytes("Hoàng Thị Yến,Nùng,07/03/1985\r\n"))
    refusal = _refusal(path)
    assert refusal.code == "ambiguous_encoding"
    assert "có thể là" not in refusal.message
    assert "đọc theo mã Windows-1258 hoặc TCVN3 (ABC) đều thấy dòng tiêu đề như nhau" in refusal.message
    assert "read as Windows-1258 or TCVN3 (ABC) it shows the header alike" in refusal.message


def test_bytes_in_which_no_encoding_shows_the_header_are_refused_as_not_utf8(tmp_path):
    path = tmp_path / "ds.csv"
    # VNI (VNI-Times fonts) writes "Họ và tên" as "Hoï vaø teân": a font trick, no encoding of ours
    path.write_bytes("Hoï vaø teân,Daân toäc\r\nHoaøng Thò Yeán,Nuøng\r\n".encode("cp1252"))
    refusal = _refusal(path)
    assert refusal.code == "not_utf8"
    assert "đọc theo mã Windows-1258 hay TCVN3 (ABC) cũng không thấy dòng tiêu đề" in refusal.message


def test_a_byte_order_mark_the_content_does_not_follow_is_refused_as_not_utf8(tmp_path):
    path = tmp_path / "ds.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Họ và tên\tDân tộc\r\n".encode("utf-16-le") + b"\x00\xd8")
    refusal = _refusal(path)
    assert refusal.code == "not_utf8"
    assert "Tệp bắt đầu bằng dấu của mã UTF-16 nhưng byte" in refusal.message


def test_a_text_file_over_the_row_limit_stops_being_read_at_the_limit(tmp_path):
    path = tmp_path / "ds.txt"
    path.write_text("Họ và tên\tDân tộc\n" + "Vi Thị Lan\tDao\n" * 30, encoding="utf-16")
    with pytest.raises(SubmissionError) as refused:
        read_sheets(path, load_settings(env={"CADRE_MAX_ROWS": "20"}), path.name)
    assert refused.value.code == "too_large" and "có hơn 20 dòng (giới hạn)" in refused.value.message


def test_a_file_longer_than_the_top_its_encoding_is_told_from_is_read_whole_in_that_encoding(tmp_path):
    path = tmp_path / "ds.csv"
    person = cp1258_bytes("Hoàng Thị Yến,Nùng,07/03/1985\r\n")
    path.write_bytes(cp1258_bytes("Họ và tên,Dân tộc,Ngày sinh\r\n") + person * (HEAD_BYTES // len(person) + 10))
    cells = _sheet(path).cells
    assert cells.height == HEAD_BYTES // len(person) + 11
    assert cells.row(cells.height - 1) == ("Hoàng Thị Yến", "Nùng", "07/03/1985")
