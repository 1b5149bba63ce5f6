"""What a file really is decides how it is read (ingest.file_kind), and the packages calamine reads besides .xlsx
are measured before it holds them (ingest.packages): each refusal says what was found.

The hostile packages are read in a child process, as tests/test_hostile_files.py reads its own: calamine aborts the
whole process on a sheet it cannot lay out, and the peak memory is the process's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
import xlwt

from ingest.errors import SubmissionError
from ingest.settings import load_settings
from ingest.workbook import read_sheets
from samples.forms import Layout, Person, Roster, write_roster
from samples.workbooks import ods_package
from samples.xlsb import record, row_header, sheet_part, xlsb_package
from test_hostile_files import MAX_RSS_MB, MEASURE

SETTINGS = load_settings(env={})
ROSTER = Roster("Huyện Cao Lộc", date(2020, 10, 15), (
    Person("Hoàng Thị Yến", date(1985, 3, 7), "F", "Nùng", ("UV BCH",)),
    Person("Lương Văn Hòa", date(1970, 12, 1), "M", "Tày", ("Trưởng phòng",)),
))
TEXT_CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'


def _refusal(path: Path, settings=SETTINGS) -> SubmissionError:
    with pytest.raises(SubmissionError) as refused:
        read_sheets(path, settings, path.name)
    return refused.value


def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return path


def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("Danh sách.xlsx", b"")
    return path


@pytest.mark.parametrize(("suffix", "content", "what"), [
    (".csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "ảnh PNG / the file is a PNG image"),
    (".xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "tài liệu PDF / the file is a PDF document"),
    (".xls", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "ảnh JPEG / the file is a JPEG image"),
    (".ods", b"GIF89a\x01\x00\x01\x00", "ảnh GIF / the file is a GIF image"),
    (".xls", b"<html><head><meta charset='utf-8'></head><body><table><tr><td>STT</td></tr></table></body></html>",
     "trang web (HTML) / the file is a web page (HTML)"),
    (".xlsx", _docx, "văn bản Word (.docx) / the file is a Word document (.docx)"),
    (".xlsx", _zip, "tệp nén (.zip) / the file is a zip archive"),
], ids=["png_as_csv", "pdf_as_xlsx", "jpeg_as_xls", "gif_as_ods", "web_page_as_xls", "word_as_xlsx", "zip_as_xlsx"])
def test_a_file_that_is_no_spreadsheet_is_told_what_it_is_and_what_to_send(tmp_path, suffix, content, what):
    path = tmp_path / f"Danh sách{suffix}"
    content(path) if callable(content) else path.write_bytes(content)
    refusal = _refusal(path)
    vi, en = what.split(" / ")
    assert refusal.code == "not_a_spreadsheet"
    assert refusal.message == (
        f"Tệp là {vi}, không phải bảng tính: hãy gửi chính tệp danh sách (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv, "
        f".txt) / {en}, not a spreadsheet: send the roster file itself (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv, .txt)")


def test_a_workbook_under_another_formats_suffix_is_told_its_suffix(tmp_path):
    book = xlwt.Workbook()
    book.add_sheet("Danh sách").write(0, 0, "Họ và tên")
    book.save(str(tmp_path / "Danh sách.xlsx"))
    assert _refusal(tmp_path / "Danh sách.xlsx").message == (
        "Tệp là bảng tính Excel 97-2003 (.xls) nhưng có đuôi .xlsx: hãy đổi đuôi tệp thành .xls rồi gửi lại / the "
        "file is an Excel 97-2003 workbook (.xls) named .xlsx: rename it to .xls and send it again")


def test_an_xlsx_renamed_xlsm_is_read_as_the_same_package(tmp_path):
    path = write_roster(tmp_path / "Danh sách.xlsx", ROSTER, Layout())
    assert read_sheets(path.rename(path.with_suffix(".xlsm")), SETTINGS)[0].cells.height == 8


def test_an_xlsm_carries_its_macro_part_and_reads_as_values(tmp_path):
    path = write_roster(tmp_path / "Danh sách.xlsm", ROSTER, Layout(fmt="xlsm"))
    with zipfile.ZipFile(path) as package:
        assert b"Sub Auto_Open()" in package.read("xl/vbaProject.bin")
    (sheet,) = read_sheets(path, SETTINGS)
    assert sheet.cells["c1"].to_list()[6:] == ["Hoàng Thị Yến", "Lương Văn Hòa"]


def test_an_unknown_suffix_is_refused_listing_the_accepted_ones(tmp_path):
    path = tmp_path / "Danh sách.numbers"
    path.write_bytes(b"PK\x03\x04")
    assert _refusal(path).message == (
        "Chỉ nhận tệp .xlsx, .xlsm, .xlsb, .xls, .ods, .csv, .txt, không nhận .numbers / only .xlsx, .xlsm, .xlsb, "
        ".xls, .ods, .csv, .txt files are accepted")


# --- .ods and .xlsb packages, measured before calamine opens them ------------------------------------------------

def _table(name: str, rows: str) -> str:
    return f'<table:table table:name="{name}">{rows}</table:table>'


def test_an_ods_ending_in_the_empty_repeats_libreoffice_writes_is_read(tmp_path):
    rows = "".join(f"<table:table-row>{TEXT_CELL.format(a)}{TEXT_CELL.format(b)}"
                   '<table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
                   for a, b in [("Họ và tên", "Dân tộc"), ("Vi Thị Lan", "Dao")])
    rows += '<table:table-row table:number-rows-repeated="1048574"><table:table-cell ' \
            'table:number-columns-repeated="16384"/></table:table-row>'
    (sheet,) = read_sheets(ods_package(tmp_path / "ds.ods", _table("Danh sách", rows)), SETTINGS)
    assert sheet.cells.rows() == [("Họ và tên", "Dân tộc"), ("Vi Thị Lan", "Dao")]


def test_an_ods_row_repeated_past_the_row_limit_is_refused_naming_its_sheet(tmp_path):
    rows = f'<table:table-row table:number-rows-repeated="300001">{TEXT_CELL.format("x")}</table:table-row>'
    refusal = _refusal(ods_package(tmp_path / "ds.ods", _table("Danh sách", rows)))
    assert (refusal.code, refusal.message) == ("too_large", "Trang 'Danh sách' có hơn 300000 dòng (giới hạn) / "
                                               "sheet 'Danh sách' has more than 300000 rows, the limit")


def test_an_ods_cell_repeated_past_the_column_limit_is_refused(tmp_path):
    cells = '<table:table-cell table:number-columns-repeated="201" office:value-type="float" office:value="1"/>'
    refusal = _refusal(ods_package(tmp_path / "ds.ods", _table("Danh sách", f"<table:table-row>{cells}"
                                                                              "</table:table-row>")))
    assert "có hơn 200 cột (giới hạn)" in refusal.message


def test_ods_sheets_within_the_limits_each_are_refused_when_together_over_the_cell_limit(tmp_path):
    rows = ('<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated='
            '"100" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    path = ods_package(tmp_path / "ds.ods", "".join(_table(f"T{i}", rows) for i in range(3)))
    refusal = _refusal(path, load_settings(env={"CADRE_MAX_CELLS": "250000"}))
    assert refusal.message == ("Các trang của tệp .ods cộng lại hơn 250000 ô (giới hạn) / the sheets of the .ods "
                               "hold more than 250000 cells together, the limit")


def test_an_ods_part_inflating_to_more_than_it_declares_is_refused_as_a_damaged_ods(tmp_path):
    path = ods_package(tmp_path / "ds.ods", _table("Danh sách", f"<table:table-row>{TEXT_CELL.format('x')}"
                                                                "</table:table-row>"))
    data = bytearray(path.read_bytes())
    at = data.rfind(b"content.xml")  # its central directory entry: the uncompressed size is 22 bytes before the name
    data[at - 22:at - 18] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    refusal = _refusal(path)
    assert refusal.code == "not_a_spreadsheet"
    assert refusal.message.startswith("Tệp .ods bị hỏng hoặc chưa chép xong / the .ods file is damaged")


def _measured(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("writer", [
    lambda path: ods_package(path.with_suffix(".ods"), _table(
        "Danh sách", '<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
                     'table:number-columns-repeated="95" office:value-type="string"><text:p>x</text:p>'
                     '</table:table-cell></table:table-row>')),
    lambda path: xlsb_package(path.with_suffix(".xlsb"), [("Danh sách", sheet_part(
        [(0, [(0, "STT")]), (1_048_575, [(16_383, "x")])], (0, 0, 0, 0)))]),
    lambda path: xlsb_package(path.with_suffix(".xlsb"), [("Danh sách", sheet_part(
        [(0, [(0, "STT")]), (200_000, [(150, "x")])], (0, 0, 0, 0)))]),
], ids=["ods_asking_for_100_million_cells", "xlsb_cells_in_opposite_corners", "xlsb_30_million_cells"])
def test_hostile_ods_and_xlsb_are_refused_before_calamine_holds_them(writer, tmp_path):
    measured = _measured(writer(tmp_path / "hostile"))
    assert measured["code"] == "too_large"
    assert measured["max_rss_mb"] < MAX_RSS_MB and measured["seconds"] < 10, measured


def test_xlsb_blank_cells_far_from_the_data_reach_nothing(tmp_path):
    blank = record(0x0001, (150).to_bytes(4, "little") + bytes(4))  # BrtCellBlank: a formatted empty cell
    part = sheet_part([(0, [(0, "Họ và tên"), (1, "Dân tộc")])], (0, 0, 0, 1))
    end = part.rindex(record(0x0092))  # before the end of the sheet data: a row 200,001 with only the blank cell
    (sheet,) = read_sheets(xlsb_package(tmp_path / "ds.xlsb", [("Danh sách", part[:end] + row_header(200_000) + blank
                                                                 + part[end:])]), SETTINGS)
    assert sheet.cells.shape == (1, 2)
