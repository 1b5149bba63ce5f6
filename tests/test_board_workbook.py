"""The board's spreadsheet, ``bao_cao_chi_so.xlsx``, read back with openpyxl as Excel would show it.

The first tests write a workbook from a small ``indicators`` table built here; the last ones read the demo run's
release (conftest ``demo_run``) and compare every figure with its published ``indicators``, read independently.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import openpyxl
import pytest

from publishing.board_sheets import sheet_name
from publishing.board_workbook import write_board_workbook

def approx(value: float):
    """Excel keeps a number to 15 significant digits, and xlsxwriter writes 16."""
    return pytest.approx(value, rel=1e-14, abs=1e-14)


PUBLISHED_AT = dt.datetime(2025, 10, 20, 17, 5, tzinfo=dt.UTC)  # 00:05 on 21/10/2025 in Hà Nội
INDICATORS_COLUMNS = """area_level varchar, area_code varchar, area_name varchar, period integer, as_of_date date,
    term varchar, body_code varchar, body_name varchar, indicator_code varchar, numerator integer,
    denominator integer, value_pct double, previous_as_of_date date, previous_value_pct double, change_pp double,
    target_pct double, meets_target boolean, rows_rejected integer, units_reporting integer, units_expected integer,
    indicator_name varchar, indicator_sort_order integer, body_sort_order integer"""


def _row(area_level, area_code, area_name, body, numerator, denominator, previous=None, units=(None, None)):
    value = 100 * numerator / denominator
    return (area_level, area_code, area_name, 2025, dt.date(2025, 10, 15), "2025-2030", body[0], body[1], "female",
            numerator, denominator, value, previous and dt.date(2020, 10, 15), previous,
            previous and value - previous, None, None, 0, *units, "Tỷ lệ nữ", 1, body[2])


COMMITTEE = ("party_committee", "Ban Chấp hành Đảng bộ", 1)
PROVINCE_COMMITTEE = ("province_party_committee", "Ban Chấp hành Đảng bộ tỉnh", 11)


@pytest.fixture
def small_workbook(tmp_path):
    """Two communes (one named like a formula), their province total, and the provincial committee."""
    rows = [
        _row("commune", "06211", "Xã Cao Lộc", COMMITTEE, 7, 20),
        _row("commune", "06001", "=SUM(A1:A9)", COMMITTEE, 3, 12),
        _row("province", "20", "Tỉnh Lạng Sơn", COMMITTEE, 10, 32, previous=25.0, units=(2, 65)),
        _row("province", "20", "Tỉnh Lạng Sơn", PROVINCE_COMMITTEE, 11, 52),
    ]
    path = tmp_path / "bao_cao_chi_so.xlsx"
    with duckdb.connect() as con:
        con.execute(f"create table indicators ({INDICATORS_COLUMNS})")
        con.executemany(f"insert into indicators values ({', '.join('?' * 23)})", rows)
        write_board_workbook(con, path, PUBLISHED_AT, "20251020T170500000000Z-1")
    return openpyxl.load_workbook(path)


def _data_rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(min_row=9, values_only=True) if any(v is not None for v in row)]


def test_sheet_names_keep_excels_rules_and_never_clash():
    taken: set[str] = set()
    day = dt.date(2025, 10, 15)
    names = [sheet_name(label, day, taken) for label in (
        "Ban Thường vụ", "Ban Chấp hành Đảng bộ", "Ban Chấp hành Đảng bộ", "Lãnh đạo cấp phòng (trưởng và phó)",
        "Ban: [kiểm tra]/*?\\", "BAN THƯỜNG VỤ")]
    assert names == ["Ban Thường vụ 15.10.2025", "BCHĐB 15.10.2025", "BCHĐB (2) 15.10.2025", "LĐCP 15.10.2025",
                     "Ban kiểm tra 15.10.2025", "BAN THƯỜNG VỤ (2) 15.10.2025"]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


def test_one_sheet_per_body_and_date_and_one_for_the_provinces_own_bodies(small_workbook):
    assert small_workbook.sheetnames == ["Mục lục", "BCHĐB 15.10.2025", "Cấp tỉnh 15.10.2025"]
    own = small_workbook["Cấp tỉnh 15.10.2025"]
    assert [(r[1], r[2], r[4]) for r in _data_rows(own)] == [("Ban Chấp hành Đảng bộ tỉnh", 52, 11)]


def test_units_in_code_order_then_the_province_total_with_its_units(small_workbook):
    rows = _data_rows(small_workbook["BCHĐB 15.10.2025"])
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (1, "06001", "=SUM(A1:A9)", 12), (2, "06211", "Xã Cao Lộc", 20),
        (None, "20", "Tỉnh Lạng Sơn (tổng 2/65 đơn vị)", 32)]


def test_figures_are_values_share_in_percent_format_and_change_in_points(small_workbook):
    sheet = small_workbook["BCHĐB 15.10.2025"]
    total = 11  # below the two communes
    count, share, change = (sheet.cell(total, column) for column in (6, 7, 8))
    assert (count.value, share.value, change.value) == (10, approx(100 * 10 / 32 / 100), approx(100 * 10 / 32 - 25))
    assert share.number_format == "0.0%" and change.number_format.startswith("+0.0")
    assert sheet.cell(total, 5).value == dt.datetime(2020, 10, 15)  # the previous term, named
    assert sheet.cell(9, 8).value is None  # a commune has no previous term: blank, not 0
    assert sheet["C9"].data_type == "s"  # a name that looks like a formula stays text
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_header_block_names_the_source_the_date_and_the_time_in_vietnam(small_workbook):
    sheet = small_workbook["BCHĐB 15.10.2025"]
    block = [sheet.cell(row, 1).value for row in range(1, 6)]
    assert block[0] == "Ban Chấp hành Đảng bộ"
    assert block[1] == "Số liệu ngày 15/10/2025, nhiệm kỳ 2025-2030"
    assert "indicators" in block[2] and "20251020T170500000000Z-1" in block[2]
    assert block[3] == "Công bố lúc 00:05 ngày 21/10/2025 (giờ Việt Nam, UTC+7)"
    assert [sheet.cell(7, c).value for c in (1, 2, 3, 4, 6)] == [
        "STT", "Mã đơn vị", "Đơn vị", "Tổng số (người)", "Tỷ lệ nữ"]
    assert [sheet.cell(8, c).value for c in (6, 7, 8)] == ["Số người", "Tỷ lệ", "Thay đổi (điểm %)"]


def test_panes_filter_and_print_settings_keep_a_long_sheet_usable(small_workbook):
    sheet = small_workbook["BCHĐB 15.10.2025"]
    assert sheet.freeze_panes == "D9"  # header rows and unit names stay in view
    assert sheet.auto_filter.ref == "A8:H10"  # the units, never the province total
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage  # one page wide (width 1 is the default, left unwritten)
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$7:$8"
    assert sheet.print_area == "'BCHĐB 15.10.2025'!$A$1:$H$11"


def test_contents_links_every_sheet(small_workbook):
    contents = small_workbook["Mục lục"]
    listed = [(r[0], r[1]) for r in contents.iter_rows(min_row=8, values_only=True) if r[0]]
    assert listed == [("BCHĐB 15.10.2025", "Ban Chấp hành Đảng bộ"),
                      ("Cấp tỉnh 15.10.2025", "Các cơ quan cấp tỉnh — Tỉnh Lạng Sơn")]
    assert contents["A8"].hyperlink.location == "'BCHĐB 15.10.2025'!A1"


@pytest.mark.slow
def test_every_figure_of_the_demo_workbook_is_its_published_indicator(demo_published):
    """Each (as-of date, body, area, indicator) of ``indicators`` appears once in the workbook, with its exact
    numerator, denominator, share, change and previous as-of date, and nothing else does."""
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        published = {(r[0], r[1], r[2], r[3]): r[4:] for r in con.execute("""
            select as_of_date, body_name, case when units_expected is null and area_level = 'province'
                   then body_name else area_code end, indicator_name,
                   numerator, denominator, value_pct / 100, change_pp, previous_as_of_date
            from indicators""").fetchall()}
    workbook = openpyxl.load_workbook(demo_published / "bao_cao_chi_so.xlsx")
    found = {}
    for sheet in workbook.worksheets[1:]:
        as_of = dt.datetime.strptime(re.search(r"\d\d/\d\d/\d{4}", sheet["A2"].value)[0], "%d/%m/%Y").date()
        own = sheet.title.startswith("Cấp tỉnh")
        headers = [c.value for c in sheet[7]]
        for row in _data_rows(sheet):
            label_columns = 1 if own else 2
            body, area = (row[1], row[1]) if own else (sheet["A1"].value, row[1])
            members, previous = row[label_columns + 1], row[label_columns + 2]
            for column in range(label_columns + 3, len(row), 3):
                key = (as_of, body, area, headers[column])
                assert key not in found, key
                previous_date = previous.date() if isinstance(previous, dt.datetime) else previous
                found[key] = (row[column], members, row[column + 1], row[column + 2], previous_date)
    assert len(found) == len(published) > 2000
    assert found.keys() == published.keys()
    for key, (numerator, members, share, change, previous) in found.items():
        expected = published[key]
        assert (numerator, members, previous) == (expected[0], expected[1], expected[4]), key
        assert share == approx(expected[2]) and change == (None if expected[3] is None else approx(expected[3])), key


@pytest.mark.slow
def test_demo_workbook_names_the_release_and_its_time(demo_published):
    workbook = openpyxl.load_workbook(demo_published / "bao_cao_chi_so.xlsx")
    release = demo_published.resolve().name
    published_at = dt.datetime.strptime(release.split("-")[0], "%Y%m%dT%H%M%S%fZ") + dt.timedelta(hours=7)
    for sheet in workbook.worksheets:
        lines = [sheet.cell(row, 1).value or "" for row in range(1, 6)]
        assert any(release in line for line in lines), sheet.title
        assert f"Công bố lúc {published_at:%H:%M} ngày {published_at:%d/%m/%Y} (giờ Việt Nam, UTC+7)" in lines
    assert len(workbook.sheetnames) == 20  # contents, 7 bodies × 2 dates of districts, 4 of communes, Cấp tỉnh
