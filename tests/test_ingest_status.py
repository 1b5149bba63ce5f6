"""Pure unit tests of the ingest layer's decisions: submission statuses, cell values, the title block.

No files here: statuses are decided on hand-made entries and parse records, values on a one-column polars frame, and the
title block on a tiny sheet built in the test.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ingest import values
from ingest.errors import SubmissionError
from ingest.header import Header
from ingest.reference import load_reference
from ingest.parsed import Parsed
from ingest.settings import load_settings
from ingest.status import Entry, decide_statuses
from ingest.text import fold_series
from ingest.title import Identity, identify
from ingest.workbook import Sheet

AS_OF = date(2020, 10, 15)
LIMIT = 0.05
REFERENCE = load_reference(load_settings(env={}).seeds)


# --- status.decide_statuses -------------------------------------------------------------------------------------

def _entry(name: str, sha256: str, minute: int) -> Entry:
    return Entry(name, sha256, f"2020-10-20T08:{minute:02d}:00+00:00")


def _ok(sha256: str, total: int = 20, rejected: int = 0, as_of: str = "2020-10-15") -> Parsed:
    return Parsed(sha256, "test", "183", as_of, rows_total=total, rows_rejected=rejected)


def _refused(sha256: str, as_of: str | None, message: str) -> Parsed:
    return Parsed(sha256, "test", None, as_of, error_code="not_a_spreadsheet", error_message=message)


def _statuses(entries: list[Entry], records: list[Parsed]) -> dict[str, tuple[str, str | None]]:
    decided = decide_statuses(entries, {o.sha256: o for o in records}, LIMIT, REFERENCE.statuses)
    return {s.entry.file_name: (s.status, s.message) for s in decided}


def test_single_clean_file_is_accepted_without_message():
    assert _statuses([_entry("a.xlsx", "A", 0)], [_ok("A")]) == {"a.xlsx": ("accepted", None)}


def test_file_with_few_rejected_rows_is_accepted_with_rejects():
    statuses = _statuses([_entry("a.xlsx", "A", 0)], [_ok("A", total=40, rejected=1)])
    assert statuses == {"a.xlsx": ("accepted_with_rejects", "1 dòng bị loại, xem tệp phản hồi")}


def test_reject_share_exactly_at_the_limit_is_not_quarantined():
    statuses = _statuses([_entry("a.xlsx", "A", 0)], [_ok("A", total=20, rejected=1)])  # 1/20 = 5 %
    assert statuses["a.xlsx"][0] == "accepted_with_rejects"


def test_reject_share_above_the_limit_is_quarantined():
    status, message = _statuses([_entry("a.xlsx", "A", 0)], [_ok("A", total=19, rejected=1)])["a.xlsx"]
    assert status == "quarantined"
    assert message.startswith("1/19 dòng bị loại (5.3%), vượt ngưỡng 5%")


def test_quarantined_newer_file_leaves_the_earlier_accepted_file_accepted():
    entries = [_entry("cu.xlsx", "OLD", 0), _entry("moi.xlsx", "NEW", 5)]
    statuses = _statuses(entries, [_ok("OLD"), _ok("NEW", total=10, rejected=5)])
    assert statuses["cu.xlsx"] == ("accepted", None)
    assert statuses["moi.xlsx"][0] == "quarantined"


def test_latest_file_for_a_date_is_accepted_and_earlier_ones_superseded():
    entries = [_entry("lan1.xlsx", "A", 0), _entry("lan2.xlsx", "B", 5), _entry("lan3.xlsx", "C", 9)]
    statuses = _statuses(entries, [_ok("A"), _ok("B"), _ok("C")])
    assert statuses == {
        "lan1.xlsx": ("superseded", "Thay bằng tệp 'lan3.xlsx'"),
        "lan2.xlsx": ("superseded", "Thay bằng tệp 'lan3.xlsx'"),
        "lan3.xlsx": ("accepted", None),
    }


def test_files_for_different_as_of_dates_are_each_accepted():
    entries = [_entry("2015.xlsx", "A", 0), _entry("2020.xlsx", "B", 5)]
    statuses = _statuses(entries, [_ok("A", as_of="2015-10-15"), _ok("B", as_of="2020-10-15")])
    assert {s for s, _ in statuses.values()} == {"accepted"}


def test_same_content_under_a_second_name_is_duplicate_of_the_first():
    entries = [_entry("ds.xlsx", "A", 0), _entry("ds (1).xlsx", "A", 5)]
    statuses = _statuses(entries, [_ok("A")])
    assert statuses == {
        "ds.xlsx": ("accepted", None),
        "ds (1).xlsx": ("duplicate", "Trùng nội dung với tệp đã nhận 'ds.xlsx'"),
    }


def test_duplicate_of_an_older_file_does_not_supersede_the_newer_one():
    entries = [_entry("cu.xlsx", "OLD", 0), _entry("moi.xlsx", "NEW", 5), _entry("cu - Copy.xlsx", "OLD", 9)]
    statuses = _statuses(entries, [_ok("OLD"), _ok("NEW")])
    assert [statuses[n][0] for n in ("cu.xlsx", "moi.xlsx", "cu - Copy.xlsx")] == [
        "superseded", "accepted", "duplicate"
    ]


def test_unreadable_file_is_rejected_with_its_error_message():
    record = _refused("A", None, "Tệp không phải bảng tính .xlsx")
    assert _statuses([_entry("a.xlsx", "A", 0)], [record]) == {
        "a.xlsx": ("rejected", "Tệp không phải bảng tính .xlsx")
    }


def test_rejected_newer_file_does_not_supersede_the_accepted_one():
    entries = [_entry("cu.xlsx", "OLD", 0), _entry("moi.xlsx", "NEW", 5)]
    statuses = _statuses(entries, [_ok("OLD"), _refused("NEW", "2020-10-15", "hỏng")])
    assert statuses == {"cu.xlsx": ("accepted", None), "moi.xlsx": ("rejected", "hỏng")}


def test_statuses_come_back_in_arrival_order_whatever_the_input_order():
    entries = [_entry("c.xlsx", "C", 9), _entry("a.xlsx", "A", 0), _entry("b.xlsx", "B", 5)]
    decided = decide_statuses(entries, {s: _ok(s) for s in "ABC"}, LIMIT, REFERENCE.statuses)
    assert [s.entry.file_name for s in decided] == ["a.xlsx", "b.xlsx", "c.xlsx"]


# --- values: birth dates, age, gender, terms, numbers -------------------------------------------------------------

def _births(*cells: str | None) -> list[tuple[date | None, int | None]]:
    birth_date, birth_year = values.parse_birth(pl.col("cell"))
    frame = pl.DataFrame({"cell": list(cells)}, schema={"cell": pl.String})
    return frame.select(birth_date.alias("day"), birth_year.alias("year")).rows()


@pytest.mark.parametrize("cell", [
    "1985-03-07 00:00:00",  # an Excel date cell, as the workbook reader hands it over
    "07/03/1985", "7/3/1985", "7.3.1985", "7-3-1985", "1985-03-07", "1985-3-7",
])
def test_birth_date_written_as_a_date_gives_day_and_year(cell):
    assert _births(cell) == [(date(1985, 3, 7), 1985)]


@pytest.mark.parametrize("cell", ["1985", "1985.0"])
def test_bare_birth_year_gives_year_without_day(cell):
    assert _births(cell) == [(None, 1985)]


def test_excel_serial_number_written_as_text_is_a_date():
    serial = (date(1985, 3, 7) - date(1899, 12, 30)).days  # Excel's 1900 date system
    assert _births(str(serial), f"{serial}.0") == [(date(1985, 3, 7), 1985)] * 2


@pytest.mark.parametrize("cell", ["31/02/1980", "1980-02-31", "15/10/80", "không rõ", None])
def test_unreadable_birth_gives_neither_day_nor_year(cell):
    assert _births(cell) == [(None, None)]


def _ages(*births: date | int) -> list[int]:
    days = [b if isinstance(b, date) else None for b in births]
    years = [b.year if isinstance(b, date) else b for b in births]
    frame = pl.DataFrame({"day": days, "year": years}, schema={"day": pl.Date, "year": pl.Int32})
    return frame.select(values.age_at(pl.col("day"), pl.col("year"), pl.lit(AS_OF))).to_series().to_list()


def test_birthday_on_the_as_of_date_counts_as_a_completed_year():
    assert _ages(date(2002, 10, 15)) == [18]


def test_birthday_the_day_after_the_as_of_date_is_not_yet_completed():
    assert _ages(date(2002, 10, 16)) == [17]


def test_birthday_earlier_in_the_as_of_year_is_completed():
    assert _ages(date(1970, 1, 1), date(1970, 12, 31)) == [50, 49]


def test_age_from_a_bare_year_is_as_of_year_minus_birth_year():
    assert _ages(1970) == [50]


@pytest.mark.parametrize(("cell", "gender"), [
    ("Nam", "M"), ("NAM", "M"), ("nam", "M"), ("Nữ", "F"), ("NỮ", "F"), ("nữ", "F"), ("M", "M"), ("F", "F"),
    ("f", "F"), ("x", None), (None, None),
])
def test_gender_from_nam_nu_or_m_f_in_any_case(cell, gender):
    frame = pl.DataFrame({"cell": [cell]}, schema={"cell": pl.String})
    assert frame.select(values.gender(pl.col("cell").map_batches(fold_series))).item() == gender


@pytest.mark.parametrize(("cell", "term"), [
    ("2020-2025", "2020-2025"), ("2020 – 2025", "2020-2025"), ("2020 - 2025", "2020-2025"),
    ("NK 2020-2025", "2020-2025"), ("Nhiệm kỳ 2015/2020", "2015-2020"),
    ("2025-2020", None), ("2020", None), ("khóa mới", None), (None, None),
])
def test_term_is_a_span_of_two_years_in_order(cell, term):
    frame = pl.DataFrame({"cell": [cell]}, schema={"cell": pl.String})
    assert frame.select(values.term(pl.col("cell"))).item() == term


@pytest.mark.parametrize(("cell", "number"), [
    ("11.753", 11753), ("11 753", 11753), ("1.234.567", 1234567), ("11753", 11753), ("41.0", 41), ("0", 0),
    ("11,753", None), ("1.5", None), ("12.34", None), ("khoảng 40", None), (None, None),
])
def test_count_reads_the_vietnamese_thousands_dot(cell, number):
    frame = pl.DataFrame({"cell": [cell]}, schema={"cell": pl.String})
    assert frame.select(values.count(pl.col("cell"))).item() == number


# --- title: unit and as-of date ------------------------------------------------------------------------------------

def _header(*title: str) -> Header:
    """A roster sheet whose title block is ``title`` (one line per row) with the header row right under it."""
    lines = [*title, "Họ và tên"]
    sheet = Sheet("Danh sách", pl.DataFrame({"c0": lines, "c1": [None] * (len(lines) - 1) + ["Dân tộc"]}))
    return Header(sheet, row=len(title), data_start=len(title) + 1, columns={"full_name": "c0", "ethnicity": "c1"})


def _identify(*title: str, file_name: str = "danh sach.xlsx") -> Identity:
    return identify(_header(*title) if title else None, file_name, REFERENCE)


def test_title_block_with_unit_and_as_of_in_brackets():
    assert _identify("ĐẢNG CỘNG SẢN VIỆT NAM", "Đơn vị: Huyện Cao Lộc", "(Tính đến ngày 15/10/2020)") == Identity(
        "183", AS_OF
    )


def test_title_block_with_plain_tinh_den_date():
    assert _identify("Đơn vị: Huyện Cao Lộc", "Tính đến 15/10/2020") == Identity("183", AS_OF)


def test_title_block_with_the_date_in_words():
    assert _identify("Đơn vị: Huyện Cao Lộc", "Tính đến ngày 15 tháng 10 năm 2020") == Identity("183", AS_OF)


def test_title_block_typed_in_capitals():
    assert _identify("ĐƠN VỊ: HUYỆN CAO LỘC", "TÍNH ĐẾN NGÀY 15/10/2020") == Identity("183", AS_OF)


@pytest.mark.parametrize(("written", "unit_code"), [
    ("Thành phố Lạng Sơn", "178"), ("TP. Lạng Sơn", "178"), ("TP Lạng Sơn", "178"), ("Thanh pho Lang Son", "178"),
    ("Huyện Cao Lộc", "183"), ("Cao Lộc", "183"), ("Huyen Cao Loc", "183"), ("183", "183"),
    ("Đình Lập", "189"),
])
def test_unit_by_official_name_short_form_ascii_or_gso_code(written, unit_code):
    assert _identify(f"Đơn vị: {written}", "(Tính đến ngày 15/10/2020)").unit_code == unit_code


def test_without_title_block_the_file_name_gives_unit_and_date():
    assert _identify(file_name="183_2020-10-15.xlsx") == Identity("183", AS_OF)


def test_title_block_wins_over_the_file_name():
    assert _identify("Đơn vị: Đình Lập", "(Tính đến ngày 15/10/2020)", file_name="183_2015-10-15.csv") == Identity(
        "189", AS_OF
    )


def test_title_block_without_unit_takes_the_unit_from_the_file_name():
    assert _identify("(Tính đến ngày 15/10/2020)", file_name="183_2020-10-15.xls") == Identity("183", AS_OF)


def test_unknown_unit_is_refused_with_its_name():
    with pytest.raises(SubmissionError) as refused:
        _identify("Đơn vị: Huyện Bảo Lạc", "(Tính đến ngày 15/10/2020)")
    assert refused.value.code == "unknown_unit"
    assert refused.value.message.startswith("Không nhận ra đơn vị 'Huyện Bảo Lạc'")


def test_the_province_reports_its_own_roster():
    assert _identify("Đơn vị: Tỉnh Lạng Sơn", "(Tính đến ngày 15/10/2020)").unit_code == "20"


def test_unit_dissolved_before_the_as_of_date_is_refused():
    with pytest.raises(SubmissionError) as refused:
        _identify("Đơn vị: Huyện Cao Lộc", "(Tính đến ngày 01/07/2025)")  # district level ended 30/06/2025
    assert refused.value.code == "unit_not_valid"
    assert "01/07/2025" in refused.value.message


def test_no_as_of_date_in_title_or_file_name_is_refused():
    with pytest.raises(SubmissionError) as refused:
        _identify("Đơn vị: Huyện Cao Lộc", file_name="Danh sach Cao Loc.xlsx")
    assert refused.value.code == "no_as_of_date"
    assert refused.value.message.startswith("Không tìm thấy ngày số liệu")


def test_impossible_as_of_date_is_not_taken():
    with pytest.raises(SubmissionError) as refused:
        _identify("Đơn vị: Huyện Cao Lộc", "(Tính đến ngày 31/02/2020)")
    assert refused.value.code == "no_as_of_date"


def test_no_unit_in_title_or_file_name_is_refused():
    with pytest.raises(SubmissionError) as refused:
        _identify("(Tính đến ngày 15/10/2020)")
    assert refused.value.code == "unknown_unit"
    assert refused.value.message.startswith("Không tìm thấy đơn vị")
