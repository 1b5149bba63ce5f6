"""The static `report.html`: the latest period's indicators as charts and tables, for people who would rather look than read.

The page is self-contained (inline CSS and SVG, a Content-Security-Policy that forbids every fetch) so it can be
mailed or opened from a share without network access. Every string from the data is HTML-escaped: file names
and messages come from outside.
"""

import datetime as dt
from html import escape

import duckdb

from ingest.unit_names import valid_on
from publishing.charts import indicator_chart_svg

CSS = """
body { font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif;
       margin: 0 auto; max-width: 1240px; padding: 1.5rem; color: #222; background: #fff; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #8e2c1f; padding-bottom: .3rem; }
.meta { color: #555; margin-top: 0; }
figure.chart { margin: 1.5rem 0; } figure.chart svg { max-width: 100%; height: auto; }
figcaption h3 { margin: 0 0 .2rem; } figcaption p { margin: 0 0 .6rem; color: #555; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3ece9; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.met td.verdict { color: #1e7b34; font-weight: bold; } tr.unmet td.verdict { color: #b3261e; font-weight: bold; }
.empty { padding: 1rem; background: #f6f6f6; border-left: 4px solid #999; }
"""


def render_report(con: duckdb.DuckDBPyConnection) -> str:
    """The whole HTML page for the published database behind `con` (tables indicators, submissions, units).

    Shows the latest period only; a database without indicators rows gives a page saying so (the
    quarantined and rejected submissions are still listed: they are often why there is nothing yet).
    """
    [(period, as_of)] = con.sql("SELECT max(period), max(as_of_date) FROM indicators WHERE period = "
                                "(SELECT max(period) FROM indicators)").fetchall()
    if period is None:
        title = "Báo cáo chỉ số cán bộ"
        sections = ['<p class="empty">Chưa có số liệu chỉ số nào được công bố.</p>']
    else:
        title = f"Báo cáo chỉ số cán bộ — kỳ {period}"
        indicator_names, indicator_codes = _indicator_names(con, period)
        body_names = _body_names(con, period)
        sections = [
            f'<p class="meta">Số liệu đến ngày {_date(as_of)}.</p>',
            "<h2>Biểu đồ theo chỉ số</h2>",
            *_charts(con, period, indicator_names, indicator_codes, body_names),
            "<h2>Toàn tỉnh theo cơ quan và chỉ số</h2>",
            _province_table(con, period, indicator_names, body_names),
            "<h2>Đơn vị chưa báo cáo</h2>",
            _missing_units(con, period, as_of),
        ]
    sections += ["<h2>Tệp bị tạm giữ hoặc từ chối</h2>", _problem_submissions(con)]
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n" + "\n".join(sections) + "\n</body>\n</html>\n"
    )


def _indicator_names(con: duckdb.DuckDBPyConnection, period: int) -> tuple[dict[str, str], list[str]]:
    """The period's indicators: their Vietnamese names, and their codes in the indicators' sort order."""
    rows = con.sql("SELECT indicator_code, any_value(indicator_name) FROM indicators WHERE period = ? "
                   "GROUP BY indicator_code ORDER BY min(indicator_sort_order), indicator_code",
                   params=[period]).fetchall()
    return dict(rows), [code for code, _ in rows]


def _body_names(con: duckdb.DuckDBPyConnection, period: int) -> list[str]:
    """The period's body names in the bodies' sort order."""
    return [name for (name,) in con.sql(
        "SELECT body_name FROM indicators WHERE period = ? GROUP BY body_code, body_name "
        "ORDER BY min(body_sort_order), body_name", params=[period]).fetchall()]


def _charts(con: duckdb.DuckDBPyConnection, period: int, names: dict[str, str], codes: list[str],
            body_names: list[str]) -> list[str]:
    """One `<figure class="chart">` per indicator, each chart rendered once."""
    rows = con.sql(
        "SELECT indicator_code, area_level, area_name, body_name, value_pct, target_pct FROM indicators "
        "WHERE period = ? AND value_pct IS NOT NULL", params=[period]).pl()
    area_names = [name for (name,) in con.sql(
        "SELECT area_name FROM indicators WHERE period = ? GROUP BY area_name "
        "ORDER BY min(CASE area_level WHEN 'province' THEN 0 ELSE 1 END), min(area_code)", params=[period]).fetchall()]
    figures = []
    for code in codes:
        indicator_rows = rows.filter(rows["indicator_code"] == code)
        svg = (indicator_chart_svg(indicator_rows, area_names, body_names) if indicator_rows.height
               else '<p class="empty">Không có giá trị nào để vẽ.</p>')
        figures.append(
            f'<figure class="chart" data-indicator="{escape(code)}">\n<figcaption><h3>{escape(names.get(code, code))}'
            "</h3><p>Tỷ lệ (%) theo đơn vị, mỗi ô một cơ quan. Thanh đỏ sẫm: toàn tỉnh; thanh xanh: từng huyện, "
            f"thành phố; vạch đỏ đứt: chỉ tiêu (nếu có).</p></figcaption>\n{svg}\n</figure>"
        )
    return figures


def _province_table(con: duckdb.DuckDBPyConnection, period: int, names: dict[str, str], body_names: list[str]) -> str:
    """The province roll-up per body and indicator, with change since the previous term and the target."""
    rows = con.sql(
        "SELECT body_code, body_name, term, indicator_code, numerator, denominator, value_pct, change_pp, "
        "target_pct, meets_target, units_reporting, units_expected FROM indicators "
        "WHERE period = ? AND area_level = 'province'", params=[period]).to_dicts()
    if not rows:
        return '<p class="empty">Chưa có số liệu tổng hợp toàn tỉnh cho kỳ này.</p>'
    indicator_rank = {code: i for i, code in enumerate(names)}
    body_rank = {name: i for i, name in enumerate(body_names)}
    rows.sort(key=lambda r: (body_rank[r["body_name"]], indicator_rank.get(r["indicator_code"], len(names))))
    headers = ["Cơ quan", "Chỉ số", "Số người / tổng số", "Tỷ lệ (%)", "Thay đổi so với kỳ trước (điểm %)",
               "Chỉ tiêu (%)", "Đánh giá", "Đơn vị báo cáo"]
    body = []
    for r in rows:
        verdict = {True: "Đạt", False: "Chưa đạt", None: "—"}[r["meets_target"]]
        row_class = {True: "met", False: "unmet", None: ""}[r["meets_target"]]
        cells = [
            _cell(r["body_name"] + (f" (nhiệm kỳ {r['term']})" if r["term"] else "")),
            _cell(names.get(r["indicator_code"], r["indicator_code"])),
            _cell(f"{_int(r['numerator'])} / {_int(r['denominator'])}", "num"),
            _cell(_pct(r["value_pct"]), "num"),
            _cell(_pct(r["change_pp"], signed=True), "num"),
            _cell(_pct(r["target_pct"]), "num"),
            _cell(verdict, "verdict"),
            _cell(f"{_int(r['units_reporting'])} / {_int(r['units_expected'])}", "num"),
        ]
        body.append(f'<tr class="{row_class}">' + "".join(cells) + "</tr>")
    return _table(headers, body, "province")


def _missing_units(con: duckdb.DuckDBPyConnection, period: int, as_of: dt.date) -> str:
    """District units valid at the latest as-of date that have no indicators rows in the period."""
    units = con.sql(
        "SELECT u.unit_code, u.unit_name, u.valid_from, u.valid_to FROM units u JOIN units p "
        "ON p.unit_code = u.parent_code AND p.unit_level = 'province' WHERE u.unit_level = 'district' "
        "AND NOT EXISTS (SELECT 1 FROM indicators i WHERE i.period = $period AND i.area_level = 'district' "
        "AND i.area_code = u.unit_code) "
        "ORDER BY u.unit_name", params={"period": period}).fetchall()
    rows = [(code, name) for code, name, valid_from, valid_to in units if valid_on(valid_from, valid_to, as_of)]
    if not rows:
        return '<p class="empty">Mọi đơn vị cấp huyện đã có số liệu trong kỳ này.</p>'
    body = ["<tr>" + _cell(code, "num") + _cell(name) + "</tr>" for code, name in rows]
    return _table(["Mã đơn vị", "Tên đơn vị"], body, "missing-units")


def _problem_submissions(con: duckdb.DuckDBPyConnection) -> str:
    """Every quarantined or rejected submission, newest first, with the reason given to the district."""
    rows = con.sql(
        "SELECT s.file_name, coalesce(u.unit_name, s.area_code) AS unit, s.as_of_date, s.received_at, s.status_name, "
        "s.rows_total, s.rows_rejected, s.message FROM submissions s LEFT JOIN units u ON u.unit_code = s.area_code "
        "WHERE s.needs_attention ORDER BY s.received_at DESC, s.file_name").fetchall()
    if not rows:
        return '<p class="empty">Không có tệp nào bị tạm giữ hoặc từ chối.</p>'
    body = [
        "<tr>" + _cell(file_name) + _cell(unit or "Chưa xác định") + _cell(_date(as_of))
        + _cell(received_at.strftime("%d/%m/%Y %H:%M") if received_at else "—")
        + _cell(status_name) + _cell(f"{_int(rows_rejected)} / {_int(rows_total)}", "num")
        + _cell(message or "") + "</tr>"
        for file_name, unit, as_of, received_at, status_name, rows_total, rows_rejected, message in rows
    ]
    headers = ["Tệp", "Đơn vị", "Ngày số liệu", "Nhận lúc (UTC)", "Trạng thái", "Dòng lỗi / tổng số dòng", "Lý do"]
    return _table(headers, body, "submissions")


def _table(headers: list[str], body: list[str], name: str) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f'<table class="{name}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(body) + "\n</tbody>\n</table>"


def _cell(text: str, css_class: str = "") -> str:
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<td{attribute}>{escape(text)}</td>"


def _pct(value: float | None, signed: bool = False) -> str:
    """A percentage (or percentage points) with two decimals, Vietnamese style: 33,33 / +1,25; '—' when absent."""
    if value is None:
        return "—"
    return format(value, "+.2f" if signed else ".2f").replace(".", ",")


def _int(value: int | None) -> str:
    return "—" if value is None else format(value, ",").replace(",", ".")


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"
