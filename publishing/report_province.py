"""The province in the report, in two sections that never share a table or a chart: the roll-up of the units per
as-of date, and the province's own bodies (Tỉnh ủy, sở, ban, ngành tỉnh), which are counted from their own rosters;
and the charts of their change since the previous term.

Not here: the units' own tables (``report_units``).
"""

from html import escape

import polars as pl

from publishing.charts import change_chart_svg
from publishing.report_format import date
from publishing.report_submissions import unit_files_table
from publishing.report_tables import by_as_of, indicator_table, is_province_body, is_rollup, previous_term

ROLLUP_NOTE = ("Cộng số người và tổng số của các đơn vị có hiệu lực vào ngày số liệu (không lấy trung bình các tỷ lệ), "
               "rồi tính tỷ lệ. Không gồm các cơ quan cấp tỉnh ở mục riêng.")
PROVINCE_BODIES_NOTE = ("Số liệu riêng của các cơ quan cấp tỉnh, từ danh sách của chính các cơ quan này. "
                        "Đây không phải tổng hợp của các đơn vị và không được cộng vào số liệu toàn tỉnh.")


def rollup_sections(rows: list[dict]) -> list[str]:
    """One `<section class="rollup">` per as-of date of the roll-up, newest first, each saying how many of the
    expected units it sums."""
    rollup = [r for r in rows if is_rollup(r)]
    if not rollup:
        return ['<p class="empty">Chưa có số liệu tổng hợp toàn tỉnh.</p>']
    sections = [f'<p class="note">{escape(ROLLUP_NOTE)}</p>']
    for first, group in by_as_of(rollup):
        reporting = f"{first['units_reporting']}/{first['units_expected']} đơn vị có số liệu"
        sections.append(_section("rollup", first, reporting, _units_changed(first, group, rollup)
                                 + indicator_table(group, "rollup")))
    return sections


def _units_changed(first: dict, group: list[dict], rollup: list[dict]) -> str:
    """Across a reform the roll-up sums other units (11 district committees in 2020, 65 commune committees in
    2025): the change is the province's as a whole, not that of like bodies, and the reader is told so. Empty when
    the roll-up compared with summed as many units."""
    expected = {r["as_of_date"]: r["units_expected"] for r in rollup}
    compared = sorted(d for d in {r["previous_as_of_date"] for r in group} - {None}
                      if expected.get(d) != first["units_expected"])
    if not compared:
        return ""
    before = "; ".join(f"ngày {date(d)} cộng {expected.get(d)} đơn vị" for d in compared)
    return (f'<p class="note units-changed">Kỳ này cộng {first["units_expected"]} đơn vị, kỳ so sánh ({before}): các '
            "đơn vị được cộng đã thay đổi (sắp xếp đơn vị hành chính), nên mức thay đổi là của toàn tỉnh, không phải "
            "của cùng các cơ quan.</p>\n")


def province_body_sections(rows: list[dict], files: list[dict]) -> list[str]:
    """One `<section class="province-bodies">` per as-of date of the province's own bodies, newest first, then the
    files of the province's own roster."""
    own = [r for r in rows if is_province_body(r)]
    if not own:
        return ['<p class="empty">Chưa có số liệu của các cơ quan cấp tỉnh.</p>']
    return [f'<p class="note">{escape(PROVINCE_BODIES_NOTE)}</p>'] + [
        _section("province-bodies", first, "", indicator_table(group, "province-bodies"))
        for first, group in by_as_of(own)
    ] + ([unit_files_table(files)] if files else [])


def change_figures(rows: list[dict]) -> list[str]:
    """One `<figure class="chart change-chart">` per as-of date of the roll-up, then of the province's own bodies, that
    has a previous term: the change of every body and indicator in percentage points."""
    figures = []
    rollup, own = [r for r in rows if is_rollup(r)], [r for r in rows if is_province_body(r)]
    for kind, label, rows_of_kind in (("rollup", "Toàn tỉnh (tổng hợp các đơn vị)", rollup),
                                      ("province-bodies", "Cơ quan cấp tỉnh", own)):
        for first, group in by_as_of(rows_of_kind):
            compared = [r for r in group if r["change_pp"] is not None]
            if compared:
                note = _units_changed(first, group, rollup) if kind == "rollup" else ""
                figures.append(_change_figure(kind, label, first, compared, note))
    return figures or ['<p class="empty">Chưa có kỳ trước để so sánh.</p>']


def _change_figure(kind: str, label: str, first: dict, rows: list[dict], note: str) -> str:
    frame = pl.DataFrame(rows, infer_schema_length=None)
    bodies = frame["body_name"].unique(maintain_order=True).to_list()  # rows come in display order
    indicators = frame.sort("indicator_sort_order", "indicator_code")["indicator_name"].unique(maintain_order=True)
    against = "; ".join(dict.fromkeys(f"{previous_term(r)} (số liệu đến {date(r['previous_as_of_date'])})"
                                      for r in rows))
    heading = f"{label} — số liệu đến {date(first['as_of_date'])}"
    return (f'<figure class="chart change-chart" id="change-{kind}-{first["as_of_date"].isoformat()}">\n'
            f"<figcaption><h3>{escape(heading)}</h3><p>{escape(f'Điểm phần trăm, so với {against}.')} "
            f"Tỷ lệ và số người ở bảng tương ứng.</p>{note}</figcaption>\n"
            f"{change_chart_svg(frame, bodies, indicators.to_list())}\n</figure>")


def _section(kind: str, first: dict, detail: str, table: str) -> str:
    heading = f"Kỳ {first['period']} — số liệu đến {date(first['as_of_date'])}" + (f" — {detail}" if detail else "")
    return (f'<section class="{kind}" id="{kind}-{first["as_of_date"].isoformat()}">\n'
            f"<h3>{escape(heading)}</h3>\n{table}\n</section>")
