"""The demo's `report.html` as a board official sees it: opened from disk in headless Chromium (Debian's, through
Playwright), without console errors, with the figures of a unit and of the province in the rendered text, a search
box that finds one unit, and a print layout on A4 that starts every unit on a page of its own.

Expected figures are read from the published `indicators` table of the same release, not from the report's code.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="/usr/bin/chromium is not installed"),
]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# A district that reported in 2015 and 2020: its 2020 party committee is compared with the 2015–2020 term.
UNIT = "178"
BODY, INDICATOR = "party_committee", "female"


def _indicator(published: Path, where: str) -> dict:
    with duckdb.connect(str(published / "warehouse.duckdb"), read_only=True) as con:
        [row] = con.sql(
            "SELECT i.area_name, i.as_of_date, i.term, i.body_name, i.indicator_name, i.numerator, i.denominator, "
            "i.value_pct, i.change_pp, i.previous_as_of_date, p.term AS previous_term FROM indicators i "
            "LEFT JOIN indicators p ON (p.area_level, p.area_code, p.body_code, p.indicator_code, p.as_of_date) "
            "= (i.area_level, i.area_code, i.body_code, i.indicator_code, i.previous_as_of_date) "
            f"WHERE i.body_code = '{BODY}' AND i.indicator_code = '{INDICATOR}' AND {where}").to_dicts()
    return row


def _one_decimal(value: float, signed: bool = False) -> str:
    return format(value, "+.1f" if signed else ".1f").replace(".", ",")


def _share(row: dict) -> str:
    """"31,1 % (477/1.535)": Vietnamese decimal comma and thousands dot."""
    counts = "/".join(format(row[k], ",").replace(",", ".") for k in ("numerator", "denominator"))
    return f"{_one_decimal(row['value_pct'])} % ({counts})"


def _dmy(day) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def opened(browser, demo_published):
    """(page, messages): the demo's report loaded from disk, and every console message and page error it gave."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    messages: list[tuple[str, str]] = []
    page.on("console", lambda message: messages.append((message.type, message.text)))
    page.on("pageerror", lambda error: messages.append(("pageerror", str(error))))
    page.goto((demo_published / "report.html").resolve().as_uri())
    yield page, messages
    page.close()


def _body_rows(section, body_heading: str) -> dict[str, str]:
    """Indicator name → its row's text, for the first table of `section` under the body heading that starts with
    `body_heading` (a unit's newest as-of date comes first)."""
    rows, inside = {}, False
    for text in section.locator("table tr").all_inner_texts():
        cells = [c.strip() for c in text.split("\t")]
        if len(cells) == 1:  # a body heading
            if inside:
                break
            inside = cells[0].startswith(body_heading)
        elif inside:
            rows[cells[0]] = text
    assert rows, f"no rows under {body_heading!r}"
    return rows


def test_report_renders_without_console_errors(opened, tmp_path):
    page, messages = opened
    page.wait_for_load_state("load")
    screenshot = tmp_path / "report.png"
    page.screenshot(path=screenshot)
    print(f"screenshot: {screenshot}")
    assert screenshot.stat().st_size > 30_000
    assert page.locator("figure.chart svg").count() >= 2
    assert [m for m in messages if m[0] in ("error", "warning", "pageerror")] == []


def test_a_unit_shows_its_counts_and_its_change_against_the_previous_term(opened, demo_published):
    page, _ = opened
    row = _indicator(demo_published, f"i.area_code = '{UNIT}' AND i.period = 2020")
    assert row["previous_term"] and row["change_pp"] is not None  # the demo gives this unit a previous term
    section = page.locator(f"section#unit-{UNIT}")
    assert row["area_name"] in section.locator("h3").first.inner_text()
    text = _body_rows(section, f"{row['body_name']} — nhiệm kỳ {row['term'].replace('-', '–')}")[row["indicator_name"]]
    assert _share(row) in text
    assert (f"{_one_decimal(row['change_pp'], signed=True)} điểm % so với nhiệm kỳ "
            f"{row['previous_term'].replace('-', '–')}") in text
    assert f"Kỳ trước để so sánh: số liệu đến {_dmy(row['previous_as_of_date'])}." in section.inner_text()


def test_the_province_shows_its_counts_and_its_change(opened, demo_published):
    page, _ = opened
    row = _indicator(demo_published, "i.area_level = 'province' AND i.units_expected IS NOT NULL "
                                     "AND i.period = (SELECT max(period) FROM indicators)")
    section = page.locator(f"section#rollup-{row['as_of_date'].isoformat()}")
    text = _body_rows(section, row["body_name"])[row["indicator_name"]]
    assert _share(row) in text
    assert f"{_one_decimal(row['change_pp'], signed=True)} điểm % so với nhiệm kỳ" in text
    change_chart = page.locator(f"figure#change-rollup-{row['as_of_date'].isoformat()}")
    assert change_chart.locator("svg").count() == 1
    assert _one_decimal(row["change_pp"], signed=True).replace("-", "−") in change_chart.inner_text()


def test_search_box_filters_the_units_to_the_one_named(opened, demo_published):
    page, _ = opened
    name = _indicator(demo_published, "i.area_code = '06211' AND i.period = 2025")["area_name"]  # Xã Cao Lộc
    assert page.locator("section.unit:visible").count() > 60
    page.fill("#unit-search-box", name.upper())  # any case, as typed
    assert [s.get_attribute("id") for s in page.locator("section.unit:visible").all()] == ["unit-06211"]
    assert page.locator("#unit-index li:visible").all_inner_texts() == [f"{name} 06211"]
    assert page.locator("#unit-search .found a").all_inner_texts() == [name]
    page.press("#unit-search-box", "Enter")
    assert page.locator("section#unit-06211").evaluate("s => s.getBoundingClientRect().top") < 200
    # Without diacritics, as on a keyboard without Telex: both Cao Lộc units, the commune and the former district.
    page.fill("#unit-search-box", "cao loc")
    visible = {s.get_attribute("id") for s in page.locator("section.unit:visible").all()}
    assert visible == {"unit-06211", "unit-183"}
    page.fill("#unit-search-box", "")
    assert page.locator("section.unit:visible").count() > 60


def test_print_puts_each_unit_on_pages_of_its_own_and_hides_the_search_box(opened):
    page, _ = opened
    page.emulate_media(media="print")
    assert page.locator("#unit-search").is_hidden()
    breaks = page.locator("section.unit").evaluate_all("s => s.map(e => getComputedStyle(e).breakBefore)")
    assert breaks and set(breaks) == {"page"}
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages > len(breaks)  # the units, plus the province's pages before them
