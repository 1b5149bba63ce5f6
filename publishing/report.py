"""The static `report.html`: the province roll-up per as-of date, charts of the latest period, the province's own
bodies, the units that owe data or sent problem files, and one section per unit, for people who would rather look
than read.

The page is self-contained (inline CSS and SVG, a Content-Security-Policy that forbids every fetch) so it can be
mailed, printed on A4 or opened from a share without network access. It reads only the published database. Every
string from the data is HTML-escaped: file names and messages come from outside.
"""

import datetime as dt
from html import escape

import duckdb
import polars as pl

from ingest.unit_names import valid_on
from publishing.charts import indicator_chart_svg
from publishing.report_format import cell, date, integer, table
from publishing.report_province import province_body_sections, rollup_sections
from publishing.report_tables import indicator_rows, is_rollup
from publishing.report_units import missing_units, unit_catalogue, unit_groups, unit_index, unit_lineage, unit_sections

CSS = """
body { font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif;
       margin: 0 auto; max-width: 1240px; padding: 1.5rem; color: #222; background: #fff; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #8e2c1f; padding-bottom: .3rem; }
h3 { margin: 1.5rem 0 .4rem; } h4 { margin: 1rem 0 .3rem; }
.meta, .note, .lineage { color: #555; margin-top: 0; } .code { color: #666; font-weight: normal; }
nav.contents ul { padding-left: 1.2rem; } nav.unit-index ul { columns: 15rem; padding-left: 1.2rem; }
figure.chart { margin: 1.5rem 0; } figure.chart svg { max-width: 100%; height: auto; }
figcaption h3 { margin: 0 0 .2rem; } figcaption p { margin: 0 0 .6rem; color: #555; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3ece9; } tr.body th { background: #faf6f4; }
table.rollup, table.province-bodies, table.unit { table-layout: fixed; }
table.rollup th:nth-child(1), table.province-bodies th:nth-child(1), table.unit th:nth-child(1) { width: 36%; }
table.rollup th:nth-child(2), table.province-bodies th:nth-child(2), table.unit th:nth-child(2) { width: 18%; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.met td.verdict { color: #1e7b34; font-weight: bold; } tr.unmet td.verdict { color: #b3261e; font-weight: bold; }
.empty, .no-previous { padding: .6rem 1rem; background: #f6f6f6; border-left: 4px solid #999; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; } table { font-size: 9pt; }
  h2, h3, h4 { break-after: avoid; } tr, figure.chart { break-inside: avoid; }
  nav.contents, .meta a { display: none; }
}
"""
CONTENTS = [("rollup", "Toàn tỉnh: tổng hợp các đơn vị"), ("charts", "Biểu đồ theo chỉ số"),
            ("province-bodies", "Cơ quan cấp tỉnh"), ("missing", "Đơn vị chưa báo cáo"),
            ("problems", "Tệp bị tạm giữ hoặc từ chối"), ("units", "Từng đơn vị")]


def render_report(con: duckdb.DuckDBPyConnection) -> str:
    """The whole HTML page for the published database behind `con` (tables indicators, submissions, units,
    unit_lineage).

    A database without indicators rows gives a page saying so (the quarantined and rejected submissions are still
    listed: they are often why there is nothing yet).
    """
    rows = indicator_rows(con)
    problems = [_heading("problems"), _problem_submissions(con)]
    if not rows:
        return _page("Báo cáo chỉ số cán bộ", ['<p class="empty">Chưa có số liệu chỉ số nào được công bố.</p>',
                                                *problems])
    period, as_of = rows[0]["period"], rows[0]["as_of_date"]
    units = unit_catalogue(con)
    unit_rows = [r for r in rows if r["area_level"] != "province"]
    groups = unit_groups(unit_rows, units)
    contents = "".join(f'<li><a href="#{anchor}">{escape(label)}</a></li>' for anchor, label in CONTENTS)
    return _page(f"Báo cáo chỉ số cán bộ — kỳ {period}", [
        f'<p class="meta">Số liệu đến ngày {date(as_of)}.</p>',
        f'<nav class="contents"><ul>{contents}</ul></nav>',
        _heading("rollup"), *rollup_sections(rows),
        _heading("charts", f" — kỳ {period}"), *_charts(_chart_rows(rows, units, period, as_of)),
        _heading("province-bodies", " (số liệu riêng, không phải tổng hợp các đơn vị)"), *province_body_sections(rows),
        _heading("missing", f" — kỳ {period}"), missing_units(units, rows, period, as_of),
        *problems,
        _heading("units"), unit_index(groups, unit_rows, units),
        *unit_sections(groups, unit_rows, units, unit_lineage(con)),
    ])


def _page(title: str, sections: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n" + "\n".join(sections) + "\n</body>\n</html>\n"
    )


def _heading(anchor: str, detail: str = "") -> str:
    return f'<h2 id="{anchor}">{escape(dict(CONTENTS)[anchor] + detail)}</h2>'


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


def _problem_submissions(con: duckdb.DuckDBPyConnection) -> str:
    """Every quarantined or rejected submission, newest first, with the reason given to the unit."""
    rows = con.sql(
        "SELECT s.file_name, coalesce(u.unit_name, s.area_code) AS unit, s.as_of_date, s.received_at, s.status_name, "
        "s.rows_total, s.rows_rejected, s.message FROM submissions s LEFT JOIN units u ON u.unit_code = s.area_code "
        "WHERE s.needs_attention ORDER BY s.received_at DESC, s.file_name").fetchall()
    if not rows:
        return '<p class="empty">Không có tệp nào bị tạm giữ hoặc từ chối.</p>'
    body = [
        "<tr>" + cell(file_name) + cell(unit or "Chưa xác định") + cell(date(as_of))
        + cell(received_at.strftime("%d/%m/%Y %H:%M") if received_at else "—")
        + cell(status_name) + cell(f"{integer(rows_rejected)} / {integer(rows_total)}", "num")
        + cell(message or "") + "</tr>"
        for file_name, unit, as_of, received_at, status_name, rows_total, rows_rejected, message in rows
    ]
    headers = ["Tệp", "Đơn vị", "Ngày số liệu", "Nhận lúc (UTC)", "Trạng thái", "Dòng lỗi / tổng số dòng", "Lý do"]
    return table(headers, body, "submissions")
