"""The published `indicators` rows as the report reads them, and the one table every area is shown in: per body its
members, per indicator the share with its exact counts, the change since the previous term named by its term and
date, and the target's verdict. The province roll-up, the province's own bodies and every unit use this same
table, so a reader compares like with like.

Not here: which areas and dates get a table (``report_province``, ``report_units``).
"""

from html import escape
from itertools import groupby

import duckdb

from publishing.report_format import cell, date, decimal, integer, share, table, term

NO_PREVIOUS = "Chưa có kỳ trước"
HEADERS = ["Chỉ số", "Tỷ lệ (số người/tổng số)", "Thay đổi so với kỳ trước", "Chỉ tiêu"]


def indicator_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every indicators row, newest as-of date first, then area, then bodies and indicators in display order (the
    order every table of the report keeps), with the term and period of the row it is compared with
    (`previous_term`, `previous_period`): the change is named by the term a reader knows, not only by a date."""
    columns = ("area_level, area_code, area_name, period, as_of_date, term, body_code, body_name, indicator_code, "
               "indicator_name, numerator, denominator, value_pct, previous_as_of_date, change_pp, target_pct, "
               "meets_target, units_reporting, units_expected, indicator_sort_order, body_sort_order")
    return con.sql(
        f"SELECT {', '.join('i.' + c.strip() for c in columns.split(','))}, "
        "p.term AS previous_term, p.period AS previous_period FROM indicators i LEFT JOIN indicators p "
        "ON (p.area_level, p.area_code, p.body_code, p.indicator_code, p.as_of_date) "
        "= (i.area_level, i.area_code, i.body_code, i.indicator_code, i.previous_as_of_date) "
        "ORDER BY i.as_of_date DESC, i.area_level, i.area_code, i.body_sort_order, i.body_code, "
        "i.indicator_sort_order, i.indicator_code").to_dicts()


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
    indicators; above it, the date of the figures it is compared with (once, not in every row)."""
    body = []
    for _, group in groupby(rows, key=lambda r: r["body_code"]):
        body_rows = list(group)
        body.append(_body_row(body_rows[0]))
        body += [_indicator_row(r) for r in body_rows]
    compared = sorted({r["previous_as_of_date"] for r in rows} - {None})
    note = (f'<p class="note compared">Kỳ trước để so sánh: số liệu đến {", ".join(map(date, compared))}.</p>\n'
            if compared else "")
    return note + table(HEADERS, body, name)


def _body_row(row: dict) -> str:
    elected = f" — nhiệm kỳ {term(row['term'])}" if row["term"] else ""
    members = f"{integer(row['denominator'])} thành viên"
    return f'<tr class="body"><th colspan="{len(HEADERS)}">{escape(row["body_name"] + elected)} — {members}</th></tr>'


def _indicator_row(row: dict) -> str:
    row_class = {True: ' class="met"', False: ' class="unmet"', None: ""}[row["meets_target"]]
    return (f"<tr{row_class}>" + cell(row["indicator_name"])
            + cell(share(row["value_pct"], row["numerator"], row["denominator"]), "num")
            + cell(_change(row), "change") + cell(_verdict(row), "verdict") + "</tr>")


def _change(row: dict) -> str:
    """"+3,2 điểm % so với nhiệm kỳ 2015–2020": the change, then the term compared with, by its name where the body
    is elected, else by its year (its date is above the table); `NO_PREVIOUS` when there is none (in words: a blank
    would read as missing data)."""
    if row["previous_as_of_date"] is None:
        return NO_PREVIOUS
    return f"{decimal(row['change_pp'], signed=True)} điểm % so với {previous_term(row)}"


def previous_term(row: dict) -> str:
    """The term a row is compared with, as a reader names it: "nhiệm kỳ 2015–2020", or "kỳ 2015" for a body
    that is not elected (or whose roster gave no term)."""
    if row["previous_term"]:
        return f"nhiệm kỳ {term(row['previous_term'])}"
    return f"kỳ {row['previous_period']}"


def _verdict(row: dict) -> str:
    if row["meets_target"] is None:
        return "Không có chỉ tiêu"
    return f"{'Đạt' if row['meets_target'] else 'Chưa đạt'} (chỉ tiêu {decimal(row['target_pct'])} %)"
