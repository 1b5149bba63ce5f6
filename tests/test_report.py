"""The static report: the province roll-up per as-of date, the change since the previous term named by that term
(in tables and a chart), the province's own bodies apart, one section per unit reachable from an index or the
search box, exact counts beside every share, charts per indicator, missing units, the files received in Hanoi time
— escaped, offline and deterministic. The demo's report in a browser: test_report_browser.py."""

import base64
import datetime as dt
import hashlib
from collections import Counter
import re
import struct
import subprocess
import unicodedata
import zlib
from html import escape
from pathlib import Path

import duckdb
import polars as pl
import pytest

from publishing.charts import change_chart, indicator_chart
from publishing.report import render_report
from publishing.report_page import SCRIPT

CHROMIUM = Path("/usr/bin/chromium")
INDICATORS = ["female", "under_40", "ethnic_minority"]
INDICATOR_NAMES = {"female": "Tỷ lệ nữ", "under_40": "Tỷ lệ dưới 40 tuổi",
                   "ethnic_minority": "Tỷ lệ người dân tộc thiểu số"}
# code → (unit type, name): two districts that reported in 2020, three communes formed on 2025-07-01.
DISTRICTS = {"178": ("thành phố", "Thành phố Lạng Sơn"), "180": ("huyện", "Huyện Tràng Định")}
COMMUNES = {"05977": ("phường", "Phường Đông Kinh"), "06001": ("xã", "Xã Đoàn Kết"), "06004": ("xã", "Xã Quốc Khánh")}
REFORM_DAY = dt.date(2025, 7, 1)
SOURCE = "Nghị quyết 1672/NQ-UBTVQH15 (16/6/2025)"
# period → (as-of date, the units that report, units expected on that date, term of the elected bodies)
PERIODS = {2020: (dt.date(2020, 10, 15), DISTRICTS, 3, "2020-2025"),
           2025: (dt.date(2025, 10, 1), COMMUNES, 4, "2025-2030")}
# body code → (name, sort order, elected)
UNIT_BODIES = {"party_committee": ("Ban Chấp hành Đảng bộ", 1, True),
               "department_head": ("Trưởng phòng và tương đương", 3, False)}
PROVINCE_BODIES = {"province_party_committee": ("Ban Chấp hành Đảng bộ tỉnh", 11, True),
                   "province_standing_committee": ("Ban Thường vụ Tỉnh ủy", 12, True)}
TARGET = ("party_committee", "under_40", 10.0)  # shipped for the 2020–2025 term only
EVIL_FILE_NAME = "<script>alert('x')</script>.xlsx"


def _counts(period: int, area_code: str, body_code: str, indicator_code: str) -> tuple[int, int]:
    """Distinct, made-up counts (numerator, members), so each cell of the page can be told apart."""
    numerator = 3 + period % 10 + int(area_code) % 7 + len(body_code) % 5 + INDICATORS.index(indicator_code) * 4
    return numerator, 31 + int(area_code) % 13 + len(body_code) % 3


def _row(level: str, code: str, name: str, period: int, body_code: str, body: tuple, indicator_code: str,
         counts: tuple[int, int], previous: dict | None, units: tuple[int, int] | None) -> dict:
    as_of, _, _, term = PERIODS[period]
    body_name, body_order, elected = body
    numerator, denominator = counts
    value = 100 * numerator / denominator
    target = TARGET[2] if (body_code, indicator_code) == TARGET[:2] and period == 2020 else None
    return {
        "area_level": level, "area_code": code, "area_name": name, "period": period, "as_of_date": as_of,
        "term": term if elected else None, "body_code": body_code, "body_name": body_name,
        "indicator_code": indicator_code, "numerator": numerator, "denominator": denominator, "value_pct": value,
        "previous_as_of_date": previous and previous["as_of_date"],
        "previous_value_pct": previous and previous["value_pct"],
        "change_pp": previous and value - previous["value_pct"], "target_pct": target,
        "meets_target": None if target is None else value >= target, "rows_rejected": 0,
        "units_reporting": units and units[0], "units_expected": units and units[1],
        "indicator_name": INDICATOR_NAMES[indicator_code], "indicator_sort_order": INDICATORS.index(indicator_code) + 1,
        "body_sort_order": body_order,
    }


def _indicator_rows() -> list[dict]:
    """Units of each period, the province roll-up summing them (2025 compared with 2020), and, in 2025 only, the
    province's own bodies."""
    rows, rollup = [], {}
    for period, (_, reporting, expected, _) in PERIODS.items():
        for body_code, body in UNIT_BODIES.items():
            for indicator_code in INDICATORS:
                counts = {code: _counts(period, code, body_code, indicator_code) for code in reporting}
                level = "district" if reporting is DISTRICTS else "commune"
                rows += [_row(level, code, reporting[code][1], period, body_code, body, indicator_code, c, None, None)
                         for code, c in counts.items()]
                total = (sum(n for n, _ in counts.values()), sum(d for _, d in counts.values()))
                key = (body_code, indicator_code)
                rollup[key] = _row("province", "20", "Tỉnh Lạng Sơn", period, body_code, body, indicator_code, total,
                                   rollup.get(key), (len(reporting), expected))
                rows.append(rollup[key])
    for body_code, body in PROVINCE_BODIES.items():
        rows += [_row("province", "20", "Tỉnh Lạng Sơn", 2025, body_code, body, indicator_code,
                      _counts(2025, "20", body_code, indicator_code), None, None) for indicator_code in INDICATORS]
    return rows


def _published_database(with_indicators: bool = True) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"""
        CREATE TABLE indicators (area_level VARCHAR, area_code VARCHAR, area_name VARCHAR, period INT, as_of_date DATE,
            term VARCHAR, body_code VARCHAR, body_name VARCHAR, indicator_code VARCHAR, numerator INT, denominator INT,
            value_pct DOUBLE, previous_as_of_date DATE, previous_value_pct DOUBLE, change_pp DOUBLE, target_pct DOUBLE,
            meets_target BOOL, rows_rejected INT, units_reporting INT, units_expected INT, indicator_name VARCHAR,
            indicator_sort_order INT, body_sort_order INT);
        CREATE TABLE submissions (file_name VARCHAR, sha256 VARCHAR, area_code VARCHAR, as_of_date DATE,
            received_at TIMESTAMP, status VARCHAR, rows_total INT, rows_accepted INT, rows_rejected INT, message VARCHAR,
            feedback_file VARCHAR, status_name VARCHAR, needs_attention BOOLEAN);
        CREATE TABLE units (unit_code VARCHAR, unit_level VARCHAR, unit_type VARCHAR, unit_name VARCHAR,
            short_name VARCHAR, parent_code VARCHAR, valid_from DATE, valid_to DATE);
        CREATE TABLE unit_lineage (unit_code VARCHAR, former_unit_code VARCHAR, former_unit_name VARCHAR,
            former_unit_level VARCHAR, changed_on DATE, source VARCHAR);
        INSERT INTO units VALUES
            ('20', 'province', 'tỉnh', 'Tỉnh Lạng Sơn', 'Lạng Sơn', NULL, NULL, NULL),
            ('178', 'district', 'thành phố', 'Thành phố Lạng Sơn', 'TP Lạng Sơn', '20', NULL, '2025-06-30'),
            ('180', 'district', 'huyện', 'Huyện Tràng Định', 'Tràng Định', '20', NULL, '2025-06-30'),
            ('181', 'district', 'huyện', 'Huyện Bình Gia', 'Bình Gia', '20', NULL, '2025-06-30'),
            ('170', 'district', 'huyện', 'Huyện Đã Giải Thể', 'Đã Giải Thể', '20', NULL, '2019-12-31'),
            ('05977', 'commune', 'phường', 'Phường Đông Kinh', 'Đông Kinh', '20', '{REFORM_DAY}', NULL),
            ('06001', 'commune', 'xã', 'Xã Đoàn Kết', 'Đoàn Kết', '20', '{REFORM_DAY}', NULL),
            ('06004', 'commune', 'xã', 'Xã Quốc Khánh', 'Quốc Khánh', '20', '{REFORM_DAY}', NULL),
            ('06037', 'commune', 'xã', 'Xã Kháng Chiến', 'Kháng Chiến', '20', '{REFORM_DAY}', NULL);
        INSERT INTO unit_lineage VALUES
            ('05977', '178', 'Thành phố Lạng Sơn', 'district', '{REFORM_DAY}', '{SOURCE}'),
            ('05977', NULL, 'Phường Vĩnh Trại', 'commune', '{REFORM_DAY}', '{SOURCE}'),
            ('05977', NULL, 'Phường Đông Kinh', 'commune', '{REFORM_DAY}', '{SOURCE}'),
            ('06001', '180', 'Huyện Tràng Định', 'district', '{REFORM_DAY}', '{SOURCE}'),
            ('06001', NULL, 'Xã Đoàn Kết', 'commune', '{REFORM_DAY}', '{SOURCE}'),
            ('06004', '180', 'Huyện Tràng Định', 'district', '{REFORM_DAY}', '{SOURCE}'),
            ('06004', NULL, 'Xã Quốc Khánh', 'commune', '{REFORM_DAY}', '{SOURCE}');
        INSERT INTO submissions VALUES
            ('178_2025.xlsx', 'a1', '178', '2025-06-30', '2025-07-02 08:00', 'accepted', 120, 120, 0, NULL, NULL,
             'Đã chấp nhận', false),
            ($evil, 'b2', '180', '2025-06-30', '2025-07-01 09:30', 'quarantined', 100, 90, 10,
             'Quá nhiều dòng lỗi: 10/100 <b>vượt ngưỡng</b>', NULL, 'Tạm giữ', true),
            ('180_2025.xlsx', 'c3', '180', '2025-06-30', '2025-07-03 10:00', 'accepted', 95, 95, 0, NULL, NULL,
             'Đã chấp nhận', false),
            ('06001_2025.xlsx', 'd4', '06001', '2025-10-01', '2025-10-01 17:45', 'accepted_with_rejects', 80, 78, 2,
             '2 dòng bị loại, xem tệp phản hồi', '06001_2025-10-01_phan_hoi.xlsx', 'Đã chấp nhận, có dòng bị loại',
             false);
    """, {"evil": EVIL_FILE_NAME})
    if with_indicators:
        rows = _indicator_rows()
        con.executemany(f"INSERT INTO indicators VALUES ({', '.join('?' * len(rows[0]))})",
                        [list(r.values()) for r in rows])
    return con


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(_published_database())


def _table(page: str, name: str) -> str:
    return re.search(rf'<table class="{name}">(.*?)</table>', page, re.S).group(1)


def _section(page: str, anchor: str) -> str:
    return re.search(rf'<section class="[^"]+" id="{anchor}"[^>]*>(.*?)</section>', page, re.S).group(1)


def _without_own_script(page: str) -> str:
    """The page without the report's one script (the search box's), which must be there exactly once."""
    assert page.count(f"<script>{SCRIPT}</script>") == 1
    return page.replace(f"<script>{SCRIPT}</script>", "")


def _share(row: dict) -> str:
    """The share as a reader should see it, worked out from the fixture's counts: "41,5 % (17/41)"."""
    percent = format(100 * row["numerator"] / row["denominator"], ".1f").replace(".", ",")
    return f"{percent} % ({row['numerator']}/{row['denominator']})"


def _indicator_cells(table: str) -> dict[tuple[str, str], list[str]]:
    """(body heading, indicator name) → the row's other cells, from a table of the report."""
    cells, heading = {}, None
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        if row.startswith("<th colspan"):
            heading = re.sub(r"<[^>]+>", "", row)
        elif row.startswith("<td"):
            name, *rest = re.findall(r"<td[^>]*>(.*?)</td>", row)
            cells[heading, name] = rest
    return cells


def _fixture_rows(level: str, period: int, body_code: str, indicator_code: str, code: str | None = None) -> dict:
    [row] = [r for r in _indicator_rows() if r["area_level"] == level and r["period"] == period
             and r["body_code"] == body_code and r["indicator_code"] == indicator_code
             and (code is None or r["area_code"] == code) and (level != "province" or r["units_expected"]
                                                               or body_code in PROVINCE_BODIES)]
    return row


def _rollup_cells(page: str, as_of: dt.date, body_code: str, indicator_code: str) -> list[str]:
    row = _fixture_rows("province", as_of.year, body_code, indicator_code)
    return _indicator_cells(_section(page, f"rollup-{as_of.isoformat()}"))[_body_heading(row), row["indicator_name"]]


def _body_heading(row: dict) -> str:
    """A body's heading row: its name, its term if elected, its members."""
    term = f"nhiệm kỳ {row['term'].replace('-', '–')}" if row["term"] else None
    return " — ".join(filter(None, [row["body_name"], term, f"{row['denominator']} thành viên"]))


def test_one_chart_per_indicator_of_the_latest_period(page):
    figures = re.findall(r'<figure class="chart" data-indicator="([^"]+)">(.*?)</figure>', page, re.S)
    assert [code for code, _ in figures] == INDICATORS
    assert all(body.count("<svg") == 1 for _, body in figures)


def test_title_names_the_latest_period(page):
    assert "<title>Báo cáo chỉ số cán bộ — kỳ 2025</title>" in page
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page


def test_strings_from_the_data_are_escaped(page):
    assert "<script" not in _without_own_script(page)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;.xlsx" in page
    assert "<b>" not in page and "&lt;b&gt;vượt ngưỡng&lt;/b&gt;" in page


def test_both_charts_are_valid_vega_lite():
    """Publication renders the charts without validating them (publishing/charts.py): here they are, against
    Vega-Lite's schema (to_dict raises on a spec that breaks it)."""
    shares = pl.DataFrame({"area_level": ["province", "commune", "commune"], "body_name": ["Ban chấp hành"] * 3,
                           "value_pct": [41.5, 30.0, 50.0], "target_pct": [35.0, 35.0, None]})
    change = pl.DataFrame({"body_name": ["Ban chấp hành"] * 2, "indicator_name": ["Nữ", "Dưới 40 tuổi"],
                           "change_pp": [11.27, -2.5]})
    specs = [indicator_chart(shares, ["Ban chấp hành"]).to_dict(validate=True),
             change_chart(change, ["Ban chấp hành"], ["Nữ", "Dưới 40 tuổi"]).to_dict(validate=True)]
    assert [len(spec["layer"]) for spec in specs] == [3, 4]


def test_names_drawn_inside_charts_are_escaped():
    con = _published_database()
    con.execute("UPDATE indicators SET body_name = '<script>x</script>' WHERE body_code = 'department_head'")
    page = render_report(con)
    assert "<script" not in _without_own_script(page)
    figures = re.findall(r'<figure class="chart"[^>]*>(.*?)</figure>', page, re.S)
    assert len(figures) == len(INDICATORS) and all("&lt;script&gt;x&lt;/script&gt;" in f for f in figures)


def test_page_fetches_nothing_from_the_network(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", page, re.I)
    assert "@import" not in page and "<link" not in page and "<img" not in page
    assert "default-src 'none'" in page


def test_valid_unit_without_rows_is_listed_as_missing(page):
    missing = _table(page, "missing-units")
    assert "Xã Kháng Chiến" in missing
    assert all(name not in missing for _, name in COMMUNES.values())
    # The districts ended on 2025-06-30, before the period's as-of date.
    assert "Huyện Bình Gia" not in missing and "Đã Giải Thể" not in missing


def test_rollup_shows_members_and_each_share_with_its_counts(page):
    for period, (as_of, _, _, _) in PERIODS.items():
        for body_code in UNIT_BODIES:
            for indicator_code in INDICATORS:
                row = _fixture_rows("province", period, body_code, indicator_code)
                assert _rollup_cells(page, as_of, body_code, indicator_code)[0] == _share(row)


def test_rollup_sums_the_units_of_its_date():
    rows = _indicator_rows()
    for period, (_, reporting, _, _) in PERIODS.items():
        rollup = _fixture_rows("province", period, "party_committee", "female")
        units = [r for r in rows if r["area_code"] in reporting and r["period"] == period
                 and (r["body_code"], r["indicator_code"]) == ("party_committee", "female")]
        assert (rollup["numerator"], rollup["denominator"]) == (sum(r["numerator"] for r in units),
                                                                 sum(r["denominator"] for r in units))


def test_rollup_names_the_previous_term_it_is_compared_with(page):
    before = _fixture_rows("province", 2020, "party_committee", "female")
    now = _fixture_rows("province", 2025, "party_committee", "female")
    change = 100 * now["numerator"] / now["denominator"] - 100 * before["numerator"] / before["denominator"]
    expected = f"{format(change, '+.1f').replace('.', ',')} điểm % so với nhiệm kỳ 2020–2025"
    assert _rollup_cells(page, PERIODS[2025][0], "party_committee", "female")[1] == expected
    # The date compared with stands once above the table.
    assert '<p class="note compared">Kỳ trước để so sánh: số liệu đến 15/10/2020.</p>' in _section(
        page, f"rollup-{PERIODS[2025][0].isoformat()}")
    assert "compared" not in _section(page, f"rollup-{PERIODS[2020][0].isoformat()}")
    assert _rollup_cells(page, PERIODS[2020][0], "party_committee", "female")[1] == "Chưa có kỳ trước"


def test_rollup_says_whether_the_target_is_met_where_there_is_one(page):
    row = _fixture_rows("province", 2020, "party_committee", "under_40")
    met = "Đạt" if 100 * row["numerator"] / row["denominator"] >= TARGET[2] else "Chưa đạt"
    assert _rollup_cells(page, PERIODS[2020][0], "party_committee", "under_40")[2] == f"{met} (chỉ tiêu 10,0 %)"
    assert _rollup_cells(page, PERIODS[2025][0], "party_committee", "under_40")[2] == "Không có chỉ tiêu"


def test_rollup_heading_says_how_many_units_it_sums(page):
    for as_of, reporting, expected, _ in PERIODS.values():
        heading = re.search(r"<h3>(.*?)</h3>", _section(page, f"rollup-{as_of.isoformat()}")).group(1)
        assert f"số liệu đến {as_of:%d/%m/%Y}" in heading and f"{len(reporting)}/{expected} đơn vị" in heading


def test_province_bodies_appear_only_in_their_own_section(page):
    own = _section(page, f"province-bodies-{PERIODS[2025][0].isoformat()}")
    for body_code, (name, _, _) in PROVINCE_BODIES.items():
        row = _fixture_rows("province", 2025, body_code, "female")
        assert _indicator_cells(own)[_body_heading(row), "Tỷ lệ nữ"][0] == _share(row)
        assert page.replace(own, "").count(escape(name)) == 0


def test_every_unit_has_a_section_reachable_from_the_index(page):
    index = re.search(r'<nav class="unit-index"[^>]*>(.*?)</nav>', page, re.S).group(1)
    for code, (_, name) in {**DISTRICTS, **COMMUNES}.items():
        assert f'<a href="#unit-{code}">{name}</a> <span class="code">{code}</span>' in index
        assert f"<h3>{name} <span class=\"code\">(mã {code})</span></h3>" in _section(page, f"unit-{code}")


def test_the_index_groups_units_by_type(page):
    index = re.search(r'<nav class="unit-index"[^>]*>(.*?)</nav>', page, re.S).group(1)
    groups = {kind: int(count) for kind, count in re.findall(r"<h3>([^<(]+) \((\d+)\)", index)}
    assert groups == Counter(kind.capitalize() for kind, _ in [*DISTRICTS.values(), *COMMUNES.values()])


def test_unit_sections_show_each_share_with_its_counts(page):
    for row in _indicator_rows():
        if row["area_level"] != "province":
            cells = _indicator_cells(_section(page, f"unit-{row['area_code']}"))
            assert cells[_body_heading(row), row["indicator_name"]][0] == _share(row)


def test_every_percentage_on_the_page_stands_beside_its_counts(page):
    shares = re.findall(r"\d+,\d %(?: \(\d+/\d+\))?", re.sub(r"chỉ tiêu \d+,\d %", "", page))
    assert shares and all(s.endswith(")") for s in shares)


def test_commune_without_previous_term_says_it_was_formed_by_the_reform(page):
    for code in COMMUNES:
        section = _section(page, f"unit-{code}")
        assert (f"Chưa có kỳ trước: đơn vị hình thành từ {REFORM_DAY:%d/%m/%Y} (sắp xếp đơn vị hành chính)"
                in section)
        changes = [cells[1] for cells in _indicator_cells(_table(section, "unit")).values()]
        assert changes == ["Chưa có kỳ trước"] * len(UNIT_BODIES) * len(INDICATORS)


def test_unit_in_its_first_period_without_lineage_says_so(page):
    section = _section(page, "unit-178")
    assert "Chưa có kỳ trước: đây là kỳ đầu tiên đơn vị có số liệu." in section and "sắp xếp" not in section


def test_commune_section_names_the_units_it_was_formed_from(page):
    section = _section(page, "unit-05977")
    assert "từ Phường Đông Kinh, Phường Vĩnh Trại." in section and "Trước đây thuộc Thành phố Lạng Sơn." in section
    assert f"Căn cứ: {SOURCE}." in section


def test_quarantined_submission_is_listed_with_its_message(page):
    problems = _table(page, "submissions")
    assert "Tạm giữ" in problems and "Quá nhiều dòng lỗi: 10/100" in problems
    assert "178_2025.xlsx" not in problems


def test_change_of_a_body_that_is_not_elected_names_the_previous_period(page):
    before = _fixture_rows("province", 2020, "department_head", "female")
    now = _fixture_rows("province", 2025, "department_head", "female")
    change = 100 * now["numerator"] / now["denominator"] - 100 * before["numerator"] / before["denominator"]
    expected = f"{format(change, '+.1f').replace('.', ',')} điểm % so với kỳ 2020"
    assert _rollup_cells(page, PERIODS[2025][0], "department_head", "female")[1] == expected


def test_change_chart_for_each_rollup_date_with_a_previous_term(page):
    figures = dict(re.findall(r'<figure class="chart change-chart" id="([^"]+)">(.*?)</figure>', page, re.S))
    assert list(figures) == [f"change-rollup-{PERIODS[2025][0].isoformat()}"]  # 2020 has nothing to compare with
    [figure] = figures.values()
    assert figure.count("<svg") == 1
    assert "so với nhiệm kỳ 2020–2025 (số liệu đến 15/10/2020); kỳ 2020 (số liệu đến 15/10/2020)" in figure
    assert "units-changed" in figure  # 4 units expected in 2025, 3 in 2020
    # Every body and indicator has its labelled bar: the labels are the changes, one decimal, signed.
    for body_code in UNIT_BODIES:
        for indicator_code in INDICATORS:
            before = _fixture_rows("province", 2020, body_code, indicator_code)
            now = _fixture_rows("province", 2025, body_code, indicator_code)
            change = 100 * now["numerator"] / now["denominator"] - 100 * before["numerator"] / before["denominator"]
            label = format(change, "+.1f").replace(".", ",").replace("-", "−")  # d3 writes a minus sign
            assert f">{label}</text>" in figure


def test_received_times_are_given_in_hanoi_time(page):
    problems = _table(page, "submissions")
    assert "Nhận lúc (giờ Hà Nội, GMT+7)" in problems
    assert "01/07/2025 16:30" in problems  # received 09:30 UTC
    assert "Tệp mới nhất nhận lúc 02/10/2025 00:45 (giờ Hà Nội, GMT+7)." in page  # 17:45 UTC the day before


def test_accepted_file_with_rejected_rows_is_listed_with_its_feedback_file(page):
    listed = _table(page, "rejected-rows")
    assert "06001_2025.xlsx" in listed and "2 / 80" in listed and "06001_2025-10-01_phan_hoi.xlsx" in listed
    assert "Đã chấp nhận, có dòng bị loại" in listed
    assert "06001_2025.xlsx" not in _table(page, "submissions")  # it needs no new file
    assert EVIL_FILE_NAME not in listed and "180_2025.xlsx" not in listed


def test_status_summary_counts_the_files_and_rows_of_each_status(page):
    rows = re.findall(r"<tr[^>]*><td>([^<]+)</td><td class=\"num\">([\d.]+)</td><td class=\"num\">([\d.]+)</td>"
                      r"<td class=\"num\">([\d.]+)</td></tr>", _table(page, "status-summary"))
    # Files needing attention first; then by number of files.
    assert rows == [("Tạm giữ", "1", "90", "10"), ("Đã chấp nhận", "2", "215", "0"),
                    ("Đã chấp nhận, có dòng bị loại", "1", "78", "2"), ("Tổng cộng", "4", "383", "12")]


def test_unit_section_lists_the_files_it_sent(page):
    files = _table(_section(page, "unit-180"), "unit-files")
    assert [re.sub(r"<[^>]+>", "", name) for name in re.findall(r"<tr><td>(.*?)</td>", files)] == [
        "180_2025.xlsx", escape(EVIL_FILE_NAME)]  # newest first
    assert "Tạm giữ" in files and "03/07/2025 17:00" in files
    assert "unit-files" not in _section(page, "unit-05977")  # it sent none


def test_every_unit_carries_its_search_key(page):
    for code, (_, name) in {**DISTRICTS, **COMMUNES}.items():
        key = _fold(name) + " " + code
        assert re.search(rf'<section class="unit" id="unit-{code}" data-search="{key}">', page)
        assert f'<li data-search="{key}"><a href="#unit-{code}">' in page


def _fold(name: str) -> str:
    """The key the search box's script folds a query to: "Phường Đông Kinh" → "phuongdongkinh"."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFD", name.lower()).replace("đ", "d"))


def test_the_one_script_is_allowed_by_its_hash_and_nothing_else(page):
    [script] = re.findall(r"<script>(.*?)</script>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert f"script-src 'sha256-{digest}'" in policy and "unsafe-eval" not in policy
    assert "default-src 'none'" in policy and "nonce" not in policy


def test_search_box_is_hidden_until_its_script_shows_it(page):
    assert re.search(r'<form class="unit-search" id="unit-search" role="search" hidden>', page)


def test_the_same_database_gives_the_same_page(page):
    assert render_report(_published_database()) == page


def test_quality_report_is_linked_only_when_it_is_published_beside_the_page(page):
    assert "quality_report.html" not in page
    linked = render_report(_published_database(), quality_report="quality_report.html")
    assert '<a href="quality_report.html">quality_report.html</a>' in linked


def test_empty_database_gives_a_page_saying_there_is_no_data_yet():
    page = render_report(_published_database(with_indicators=False))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "Chưa có số liệu chỉ số nào được công bố." in page
    assert '<figure class="chart"' not in page
    assert "Tạm giữ" in page


def _png_size_and_colours(png: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct byte values in the pixel data (1–2 for a blank page)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    chunks, offset = [], 8
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        if kind == b"IDAT":
            chunks.append(png[offset + 8:offset + 8 + length])
        offset += 12 + length
    return width, height, len(set(zlib.decompress(b"".join(chunks))))


def _chromium(profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    """Headless Chromium on a fresh profile, with everything that would phone home turned off."""
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (the Makefile installs it in CI)")
def test_report_renders_in_headless_chromium(page, tmp_path):
    report = tmp_path / "report.html"
    report.write_text(page, encoding="utf-8")
    screenshot = tmp_path / "report.png"
    _chromium(tmp_path / "profile-screenshot", f"--screenshot={screenshot}", "--window-size=1400,3000", report.as_uri())
    width, height, colours = _png_size_and_colours(screenshot.read_bytes())
    assert (width, height) == (1400, 3000) and screenshot.stat().st_size > 50_000 and colours > 50
    dom = _chromium(tmp_path / "profile-dom", "--dump-dom", report.as_uri()).stdout
    assert len(re.findall(r'<figure class="chart"[^>]*>.*?<svg', dom, re.S)) == len(INDICATORS)


def test_rollup_compared_across_the_reform_says_its_units_changed(page):
    (as_of_2020, _, expected_2020, _), (as_of_2025, _, expected_2025, _) = PERIODS[2020], PERIODS[2025]
    assert expected_2020 != expected_2025
    note = f"Kỳ này cộng {expected_2025} đơn vị, kỳ so sánh (ngày {as_of_2020:%d/%m/%Y} cộng {expected_2020} đơn vị)"
    assert note in _section(page, f"rollup-{as_of_2025.isoformat()}")
    assert "units-changed" not in _section(page, f"rollup-{as_of_2020.isoformat()}")
