"""The static report: charts per indicator, province table, missing units, problem files — escaped and offline."""

import re
import struct
import subprocess
import zlib
from pathlib import Path

import duckdb
import pytest

from publishing.report import render_report

CHROMIUM = Path("/usr/bin/chromium")
INDICATORS = ["female", "under_40", "ethnic_minority"]
INDICATOR_NAMES = {"female": "Tỷ lệ nữ", "under_40": "Tỷ lệ dưới 40 tuổi", "ethnic_minority": "Tỷ lệ người dân tộc thiểu số"}
DISTRICTS = {"178": "Thành phố Lạng Sơn", "180": "Huyện Tràng Định"}
BODIES = {"party_committee": ("Ban Chấp hành Đảng bộ", "2020-2025"), "department_head": ("Trưởng phòng và tương đương", None)}
EVIL_FILE_NAME = "<script>alert('x')</script>.xlsx"


def _numerator(period: int, area_code: str, body_code: str, indicator_code: str) -> int:
    """Distinct, made-up counts, so each cell of the page can be told apart."""
    return 3 + period % 10 + int(area_code) % 7 + len(body_code) % 5 + INDICATORS.index(indicator_code) * 4


def _indicator_rows() -> list[tuple]:
    rows = []
    for period, as_of, previous in [(2024, "2024-06-30", None), (2025, "2025-06-30", 2024)]:
        for body_code, (body_name, term) in BODIES.items():
            for indicator_code in INDICATORS:
                target = 10.0 if (body_code, indicator_code) == ("party_committee", "under_40") else None
                counts = {code: (_numerator(period, code, body_code, indicator_code), 40) for code in DISTRICTS}
                counts["20"] = (sum(n for n, _ in counts.values()), sum(d for _, d in counts.values()))
                for area_code, (numerator, denominator) in counts.items():
                    level, name = ("province", "Tỉnh Lạng Sơn") if area_code == "20" else ("district", DISTRICTS[area_code])
                    value = 100 * numerator / denominator
                    before = value - 1.5 if previous else None
                    rows.append((
                        level, area_code, name, period, as_of, term, body_code, body_name, indicator_code,
                        numerator, denominator, value, "2024-06-30" if previous else None, before,
                        None if before is None else value - before, target,
                        None if target is None else value >= target, 0,
                        2 if level == "province" else None, 3 if level == "province" else None,
                        INDICATOR_NAMES[indicator_code], INDICATORS.index(indicator_code) + 1,
                        list(BODIES).index(body_code) + 1,
                    ))
    return rows


def _published_database(with_indicators: bool = True) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("""
        CREATE TABLE indicators (area_level VARCHAR, area_code VARCHAR, area_name VARCHAR, period INT, as_of_date DATE,
            term VARCHAR, body_code VARCHAR, body_name VARCHAR, indicator_code VARCHAR, numerator INT, denominator INT,
            value_pct DOUBLE, previous_as_of_date DATE, previous_value_pct DOUBLE, change_pp DOUBLE, target_pct DOUBLE,
            meets_target BOOL, rows_rejected INT, units_reporting INT, units_expected INT, indicator_name VARCHAR,
            indicator_sort_order INT, body_sort_order INT);
        CREATE TABLE submissions (file_name VARCHAR, sha256 VARCHAR, area_code VARCHAR, as_of_date DATE,
            received_at TIMESTAMP, status VARCHAR, rows_total INT, rows_accepted INT, rows_rejected INT, message VARCHAR,
            feedback_file VARCHAR, status_name VARCHAR, needs_attention BOOLEAN);
        CREATE TABLE units (unit_code VARCHAR, unit_level VARCHAR, unit_name VARCHAR, short_name VARCHAR,
            parent_code VARCHAR, valid_from DATE, valid_to DATE);
        INSERT INTO units VALUES
            ('20', 'province', 'Tỉnh Lạng Sơn', 'Lạng Sơn', NULL, NULL, NULL),
            ('178', 'district', 'Thành phố Lạng Sơn', 'TP Lạng Sơn', '20', NULL, '2025-06-30'),
            ('180', 'district', 'Huyện Tràng Định', 'Tràng Định', '20', NULL, '2025-06-30'),
            ('181', 'district', 'Huyện Bình Gia', 'Bình Gia', '20', NULL, '2025-06-30'),
            ('170', 'district', 'Huyện Đã Giải Thể', 'Đã Giải Thể', '20', NULL, '2019-12-31');
        INSERT INTO submissions VALUES
            ('178_2025.xlsx', 'a1', '178', '2025-06-30', '2025-07-02 08:00', 'accepted', 120, 120, 0, NULL, NULL,
             'Đã chấp nhận', false),
            ($evil, 'b2', '180', '2025-06-30', '2025-07-01 09:30', 'quarantined', 100, 90, 10,
             'Quá nhiều dòng lỗi: 10/100 <b>vượt ngưỡng</b>', NULL, 'Tạm giữ', true),
            ('180_2025.xlsx', 'c3', '180', '2025-06-30', '2025-07-03 10:00', 'accepted', 95, 95, 0, NULL, NULL,
             'Đã chấp nhận', false);
    """, {"evil": EVIL_FILE_NAME})
    if with_indicators:
        con.executemany(f"INSERT INTO indicators VALUES ({', '.join('?' * 23)})", _indicator_rows())
    return con


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(_published_database())


def _table(page: str, name: str) -> str:
    return re.search(rf'<table class="{name}">(.*?)</table>', page, re.S).group(1)


def test_one_chart_per_indicator_of_the_latest_period(page):
    figures = re.findall(r'<figure class="chart" data-indicator="([^"]+)">(.*?)</figure>', page, re.S)
    assert [code for code, _ in figures] == INDICATORS
    assert all(body.count("<svg") == 1 for _, body in figures)


def test_title_names_the_latest_period(page):
    assert "<title>Báo cáo chỉ số cán bộ — kỳ 2025</title>" in page
    assert '<html lang="vi">' in page and '<meta charset="utf-8">' in page


def test_strings_from_the_data_are_escaped(page):
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;.xlsx" in page
    assert "<b>" not in page and "&lt;b&gt;vượt ngưỡng&lt;/b&gt;" in page


def test_names_drawn_inside_charts_are_escaped():
    con = _published_database()
    con.execute("UPDATE indicators SET area_name = '<script>x</script>' WHERE area_code = '180'")
    page = render_report(con)
    assert "<script" not in page
    assert page.count("&lt;script&gt;x&lt;/script&gt;") >= len(INDICATORS)


def test_page_fetches_nothing_from_the_network(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", page, re.I)
    assert "@import" not in page and "<link" not in page and "<img" not in page
    assert "default-src 'none'" in page


def test_valid_district_without_rows_is_listed_as_missing(page):
    missing = _table(page, "missing-units")
    assert "Huyện Bình Gia" in missing
    assert "Đã Giải Thể" not in missing and "Tràng Định" not in missing and "Thành phố Lạng Sơn" not in missing


def test_province_table_shows_numerator_over_denominator_as_percent(page):
    rows = [r for r in _indicator_rows()
            if r[0] == "province" and r[3] == 2025 and r[6] == "party_committee" and r[8] == "female"]
    numerator, denominator = rows[0][9], rows[0][10]
    expected = format(100 * numerator / denominator, ".2f").replace(".", ",")
    row = re.search(r"<tr[^>]*><td>Ban Chấp hành Đảng bộ \(nhiệm kỳ 2020-2025\)</td><td>Tỷ lệ nữ</td>(.*?)</tr>",
                    _table(page, "province")).group(1)
    assert f'<td class="num">{numerator} / {denominator}</td><td class="num">{expected}</td>' in row


def test_province_table_says_whether_the_target_is_met(page):
    row = re.search(r"<tr[^>]*><td>Ban Chấp hành Đảng bộ[^<]*</td><td>Tỷ lệ dưới 40 tuổi</td>(.*?)</tr>",
                    _table(page, "province")).group(1)
    assert '<td class="num">10,00</td><td class="verdict">Đạt</td>' in row
    assert '<td class="num">+1,50</td>' in row


def test_quarantined_submission_is_listed_with_its_message(page):
    problems = _table(page, "submissions")
    assert "Tạm giữ" in problems and "Quá nhiều dòng lỗi: 10/100" in problems
    assert "178_2025.xlsx" not in problems


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
