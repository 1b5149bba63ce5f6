"""The static `report.html`, written for the board: the province roll-up per as-of date, the change since the
previous term, charts of the latest period, the province's own bodies, the units that owe data, the files received
and what became of them, and one section per unit, found from an index or a search box.

The page is self-contained (inline CSS, SVG and one hashed script, a Content-Security-Policy that forbids every
fetch: ``report_page``) so it can be mailed, printed on A4 or opened from a share without network access. It reads
only the published database. Every string from the data is HTML-escaped: file names and messages come from outside.
"""

import datetime as dt
from html import escape

import duckdb
import polars as pl

from ingest.unit_names import valid_on
from publishing.charts import indicator_chart_svg
from publishing.report_format import LOCAL_TIME_LABEL, date, local_time
from publishing.report_page import page, search_form
from publishing.report_province import change_figures, province_body_sections, rollup_sections
from publishing.report_submissions import files_by_unit, submission_rows, submissions_overview
from publishing.report_tables import indicator_rows, is_rollup
from publishing.report_units import missing_units, unit_catalogue, unit_groups, unit_index, unit_lineage, unit_sections

# (anchor, Vietnamese heading, English gloss), in the page's order.
CONTENTS = [("rollup", "Toàn tỉnh: tổng hợp các đơn vị", "Province: the units summed"),
            ("change", "Thay đổi so với kỳ trước", "Change since the previous term"),
            ("charts", "Biểu đồ theo chỉ số", "Shares by indicator"),
            ("province-bodies", "Cơ quan cấp tỉnh", "The province's own bodies"),
            ("missing", "Đơn vị chưa báo cáo", "Units that have not reported"),
            ("submissions", "Tình hình tiếp nhận báo cáo", "Files received"),
            ("units", "Từng đơn vị", "Each unit")]
CHANGE_NOTE = ("Mức thay đổi của tỷ lệ so với số liệu kỳ trước gần nhất, tính bằng điểm phần trăm: hiệu của hai tỷ lệ, "
               "không phải phần trăm tăng hay giảm. Thay đổi của từng đơn vị ở bảng của đơn vị đó.")


def render_report(con: duckdb.DuckDBPyConnection, quality_report: str | None = None) -> str:
    """The whole HTML page for the published database behind `con` (tables indicators, submissions, units,
    unit_lineage). `quality_report`: the file name, relative to the page, of the data-quality report published
    beside it, to link; None when there is none.

    A database without indicators rows gives a page saying so (the submissions are still listed: a quarantined or
    rejected file is often why there is nothing yet).
    """
    rows = indicator_rows(con)
    files = submission_rows(con)
    header = _meta(rows, files, quality_report)
    submissions = [_heading("submissions"), *submissions_overview(files)]
    if not rows:
        return page("Báo cáo chỉ số cán bộ", [*header, '<p class="empty">Chưa có số liệu chỉ số nào được công bố.</p>',
                                               *submissions])
    period, as_of = rows[0]["period"], rows[0]["as_of_date"]
    units = unit_catalogue(con)
    unit_rows = [r for r in rows if r["area_level"] != "province"]
    groups = unit_groups(unit_rows, units)
    unit_files = files_by_unit(files)
    province = next(code for code, unit in units.items() if unit["unit_level"] == "province")
    contents = "".join(f'<li><a href="#{anchor}">{escape(vi)}</a> <span class="en" lang="en">{escape(en)}</span></li>'
                       for anchor, vi, en in CONTENTS)
    return page(f"Báo cáo chỉ số cán bộ — kỳ {period}", [
        *header, search_form(),
        f'<nav class="contents"><ul>{contents}</ul></nav>',
        _heading("rollup"), *rollup_sections(rows),
        _heading("change"), f'<p class="note">{escape(CHANGE_NOTE)}</p>', *change_figures(rows),
        _heading("charts", f" — kỳ {period}"), *_charts(_chart_rows(rows, units, period, as_of)),
        _heading("province-bodies", " (số liệu riêng, không phải tổng hợp các đơn vị)"),
        *province_body_sections(rows, unit_files.get(province, [])),
        _heading("missing", f" — kỳ {period}"), missing_units(units, rows, period, as_of),
        *submissions,
        _heading("units"), unit_index(groups, unit_rows, units),
        *unit_sections(groups, unit_rows, units, unit_lineage(con), unit_files),
    ])


def _meta(rows: list[dict], files: list[dict], quality_report: str | None) -> list[str]:
    """What the page is about: the data's date, the latest file received (in Hanoi time), the quality report. No
    time of rendering: the same data gives the same page byte for byte."""
    facts = [f"Số liệu đến ngày {date(rows[0]['as_of_date'])}."] if rows else []
    received = [f["received_at"] for f in files if f["received_at"]]
    if received:
        facts.append(f"Tệp mới nhất nhận lúc {local_time(max(received))} ({LOCAL_TIME_LABEL}).")
    parts = [f'<p class="meta">{escape(" ".join(facts))}</p>'] if facts else []
    if quality_report:
        parts.append(f'<p class="meta quality">Kết quả kiểm tra chất lượng dữ liệu của lần công bố này: <a href="'
                     f'{escape(quality_report)}">{escape(quality_report)}</a> <span class="en" lang="en">data quality '
                     "report</span></p>")
    return parts


def _heading(anchor: str, detail: str = "") -> str:
    [(vi, en)] = [(vi, en) for a, vi, en in CONTENTS if a == anchor]
    return f'<h2 id="{anchor}">{escape(vi + detail)} <span class="en" lang="en">{escape(en)}</span></h2>'


def _chart_rows(rows: list[dict], units: dict[str, dict], period: int, as_of: dt.date) -> list[dict]:
    """The period's roll-up and, for each unit that exists on the roll-up's date, its latest rows in the period:
    the units the roll-up sums, never the province's own bodies."""
    latest: dict[str, dt.date] = {}
    for r in rows:
        if r["period"] == period and r["area_level"] != "province":
            latest.setdefault(r["area_code"], r["as_of_date"])  # rows come newest first

    def summed(row: dict) -> bool:
        if row["area_level"] == "province":
            return is_rollup(row)
        unit = units[row["area_code"]]
        return row["as_of_date"] == latest[row["area_code"]] and valid_on(unit["valid_from"], unit["valid_to"], as_of)

    return [r for r in rows if r["period"] == period and summed(r)]


def _charts(rows: list[dict]) -> list[str]:
    """One `<figure class="chart">` per indicator, in the indicators' order, each chart rendered once."""
    if not rows:
        return ['<p class="empty">Không có giá trị nào để vẽ.</p>']
    frame = pl.DataFrame(rows, infer_schema_length=None)
    codes = frame.sort("indicator_sort_order", "indicator_code")["indicator_code"].unique(maintain_order=True)
    body_names = frame.sort("body_sort_order", "body_code")["body_name"].unique(maintain_order=True).to_list()
    figures = []
    for code in codes:
        indicator = frame.filter(pl.col("indicator_code") == code)
        figures.append(
            f'<figure class="chart" data-indicator="{escape(code)}">\n<figcaption>'
            f"<h3>{escape(indicator['indicator_name'][0])}</h3><p>Mỗi hàng một cơ quan. Chấm xanh: từng đơn vị; "
            "hình thoi đỏ sẫm: toàn tỉnh; vạch đỏ đứt: chỉ tiêu (nếu có). Số người của từng đơn vị ở mục "
            f"Từng đơn vị.</p></figcaption>\n{indicator_chart_svg(indicator, body_names)}\n</figure>"
        )
    return figures

