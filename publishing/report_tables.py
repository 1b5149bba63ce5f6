"""The published `indicators` rows as the report reads them, and the one table every area is shown in: per body its
members, per indicator the share with its exact counts, the change since the previous term named by its date, and
the target's verdict. The province roll-up, the province's own bodies and every unit use this same table, so a
reader compares like with like.

Not here: which areas and dates get a table (``report_province``, ``report_units``).
"""

from html import escape
from itertools import groupby

import duckdb

from publishing.report_format import cell, date, decimal, integer, share, table

NO_PREVIOUS = "Chưa có kỳ trước"
HEADERS = ["Chỉ số", "Tỷ lệ (số người/tổng số)", "So với kỳ trước", "Chỉ tiêu"]


def indicator_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every indicators row, newest as-of date first, then area, then bodies and indicators in display order (the
    order every table of the report keeps)."""
    return con.sql(
        "SELECT area_level, area_code, area_name, period, as_of_date, term, body_code, body_name, indicator_code, "
        "indicator_name, numerator, denominator, value_pct, previous_as_of_date, change_pp, target_pct, meets_target, "
        "units_reporting, units_expected, indicator_sort_order, body_sort_order FROM indicators "
        "ORDER BY as_of_date DESC, area_level, area_code, body_sort_order, body_code, indicator_sort_order, "
        "indicator_code").to_dicts()


# Province rows are of two kinds with the same area code: the roll-up of the units (it knows how many units it
# expects) and the province's own bodies (Tỉnh ủy, sở, ban, ngành), which are nobody's sum and must never be read
# as one.
def is_rollup(row: dict) -> bool:
    return row["area_level"] == "province" and row["units_expected"] is not None


def is_province_body(row: dict) -> bool:
    return row["area_level"] == "province" and row["units_expected"] is None


def by_as_of(rows: list[dict]) -> list[tuple[dict, list[dict]]]:
    """Rows of one area split per as-of date, keeping their order: (the date's first row, its rows)."""
    groups = [list(group) for _, group in groupby(rows, key=lambda r: r["as_of_date"])]
    return [(group[0], group) for group in groups]


def indicator_table(rows: list[dict], name: str) -> str:
    """The table of one area on one as-of date (rows in `indicator_rows` order): a heading row per body, then its
    indicators."""
    body = []
    for _, group in groupby(rows, key=lambda r: r["body_code"]):
        body_rows = list(group)
        body.append(_body_row(body_rows[0]))
        body += [_indicator_row(r) for r in body_rows]
    return table(HEADERS, body, name)


def _body_row(row: dict) -> str:
    term = f" — nhiệm kỳ {row['term']}" if row["term"] else ""
    members = f"{integer(row['denominator'])} thành viên"
    return f'<tr class="body"><th colspan="{len(HEADERS)}">{escape(row["body_name"] + term)} — {members}</th></tr>'


def _indicator_row(row: dict) -> str:
    row_class = {True: ' class="met"', False: ' class="unmet"', None: ""}[row["meets_target"]]
    return (f"<tr{row_class}>" + cell(row["indicator_name"])
            + cell(share(row["value_pct"], row["numerator"], row["denominator"]), "num")
            + cell(_change(row), "change") + cell(_verdict(row), "verdict") + "</tr>")


def _change(row: dict) -> str:
    """"so với 15/10/2020: +3,2 điểm %", naming the term compared with; `NO_PREVIOUS` when there is none (in
    words: a blank would read as missing data)."""
    if row["previous_as_of_date"] is None:
        return NO_PREVIOUS
    return f"so với {date(row['previous_as_of_date'])}: {decimal(row['change_pp'], signed=True)} điểm %"


def _verdict(row: dict) -> str:
    if row["meets_target"] is None:
        return "Không có chỉ tiêu"
    return f"{'Đạt' if row['meets_target'] else 'Chưa đạt'} (chỉ tiêu {decimal(row['target_pct'])} %)"
