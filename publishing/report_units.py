"""The units in the report: an index of links grouped by unit type (xã, phường, huyện…), one section per unit with
its tables, where it came from (the 2025 reform's lineage), where it has no earlier term why, and the files it
sent; and the units that owe data.

A page with 65 communes stays usable because a unit is found by name in the index or the search box, not by
scanning charts: every index entry and section carries its search key (`data-search`, the folded name and code)
for the box's script (``report_page``). Not here: the province (``report_province``).
"""

import datetime as dt
from collections import defaultdict
from html import escape

import duckdb

from ingest.unit_names import valid_on
from ingest.text import fold
from publishing.report_format import cell, date, table
from publishing.report_submissions import unit_files_table
from publishing.report_tables import by_as_of, indicator_table

INDEX_ID = "unit-index"


def unit_catalogue(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """The `units` table by unit code."""
    rows = con.sql("SELECT unit_code, unit_level, unit_type, unit_name, valid_from, valid_to FROM units").to_dicts()
    return {r["unit_code"]: r for r in rows}


def unit_lineage(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """The `unit_lineage` rows of each unit formed by the reform, former units in name order."""
    lineage = defaultdict(list)
    for row in con.sql("SELECT unit_code, former_unit_name, former_unit_level, changed_on, source "
                       "FROM unit_lineage ORDER BY ALL").to_dicts():
        lineage[row["unit_code"]].append(row)
    return {code: sorted(rows, key=lambda r: fold(r["former_unit_name"])) for code, rows in lineage.items()}


def unit_groups(unit_rows: list[dict], units: dict[str, dict]) -> dict[str, list[str]]:
    """Unit type → codes of the units with rows, each type in the order it first appears (newest as-of date first,
    then by code), units by name within it."""
    groups: dict[str, list[str]] = {}
    for code in dict.fromkeys(r["area_code"] for r in unit_rows):
        groups.setdefault(units[code]["unit_type"], []).append(code)
    return {kind: sorted(codes, key=lambda c: (fold(units[c]["unit_name"]), c)) for kind, codes in groups.items()}


def unit_index(groups: dict[str, list[str]], unit_rows: list[dict], units: dict[str, dict]) -> str:
    """`<nav>` with a list of links per unit type: the unit's name and code, pointing at its section."""
    periods = defaultdict(set)
    for row in unit_rows:
        periods[row["area_code"]].add(row["period"])
    parts = [f'<nav class="unit-index" id="{INDEX_ID}">']
    for kind, codes in groups.items():
        kind_periods = ", ".join(str(p) for p in sorted(set().union(*(periods[c] for c in codes)), reverse=True))
        parts.append(f'<div class="unit-group">\n<h3>{escape(kind.capitalize())} ({len(codes)}) — số liệu kỳ '
                     f"{kind_periods}</h3>\n<ul>")
        parts += [f'<li data-search="{_search_key(units[c])}"><a href="#{_anchor(c)}">{escape(units[c]["unit_name"])}'
                  f'</a> <span class="code">{escape(c)}</span></li>' for c in codes]
        parts.append("</ul>\n</div>")
    return "\n".join([*parts, "</nav>"])


def unit_sections(groups: dict[str, list[str]], unit_rows: list[dict], units: dict[str, dict],
                  lineage: dict[str, list[dict]], files: dict[str, list[dict]]) -> list[str]:
    """One `<section class="unit">` per unit, in the index's order, with a table per as-of date, newest first, then
    the unit's files (`files`: unit code → its submissions)."""
    rows_of = defaultdict(list)
    for row in unit_rows:
        rows_of[row["area_code"]].append(row)
    return [_unit_section(units[code], rows_of[code], lineage.get(code, []), files.get(code, []))
            for codes in groups.values() for code in codes]


def _unit_section(unit: dict, rows: list[dict], lineage: list[dict], files: list[dict]) -> str:
    code = unit["unit_code"]
    facts = " · ".join(filter(None, [unit["unit_type"].capitalize(), _validity(unit)]))
    parts = [f'<section class="unit" id="{_anchor(code)}" data-search="{_search_key(unit)}">',
             f'<h3>{escape(unit["unit_name"])} <span class="code">(mã {escape(code)})</span></h3>',
             f'<p class="meta">{escape(facts)}<span class="back"> · <a href="#{INDEX_ID}">↑ Danh sách đơn vị</a>'
             "</span></p>"]
    if lineage:
        parts.append(f'<p class="lineage">{escape(_lineage_text(lineage))}</p>')
    for first, group in by_as_of(rows):
        heading = f"Kỳ {first['period']} — số liệu đến {date(first['as_of_date'])}"
        parts.append(f"<h4>{escape(heading)}</h4>")
        if all(r["previous_as_of_date"] is None for r in group):
            parts.append(f'<p class="no-previous">{escape(no_previous_note(lineage))}</p>')
        parts.append(indicator_table(group, "unit"))
    if files:
        parts.append(unit_files_table(files))
    return "\n".join([*parts, "</section>"])


def no_previous_note(lineage: list[dict]) -> str:
    """Why a unit's table compares with nothing: a unit formed by the reform has no earlier term as a unit."""
    if lineage:
        formed = date(min(r["changed_on"] for r in lineage))
        return (f"Chưa có kỳ trước: đơn vị hình thành từ {formed} (sắp xếp đơn vị hành chính), "
                "chưa có số liệu để so sánh.")
    return "Chưa có kỳ trước: đây là kỳ đầu tiên đơn vị có số liệu."


def _lineage_text(lineage: list[dict]) -> str:
    formed = date(min(r["changed_on"] for r in lineage))
    communes = ", ".join(r["former_unit_name"] for r in lineage if r["former_unit_level"] == "commune")
    districts = ", ".join(r["former_unit_name"] for r in lineage if r["former_unit_level"] == "district")
    sources = "; ".join(dict.fromkeys(r["source"] for r in lineage if r["source"]))
    return " ".join(filter(None, [
        f"Hình thành ngày {formed}" + (f" từ {communes}." if communes else "."),
        f"Trước đây thuộc {districts}." if districts else "",
        f"Căn cứ: {sources}." if sources else "",
    ]))


def _validity(unit: dict) -> str:
    start, end = unit["valid_from"], unit["valid_to"]
    return " ".join(filter(None, ["có hiệu lực" if start or end else "", f"từ {date(start)}" if start else "",
                                  f"đến {date(end)}" if end else ""]))


def _search_key(unit: dict) -> str:
    """What the search box matches: the name folded as ingest folds names ("Phường Đông Kinh" → phuongdongkinh),
    and the code."""
    return escape(f"{fold(unit['unit_name'])} {unit['unit_code']}")


def _anchor(code: str) -> str:
    return f"unit-{escape(code)}"


def missing_units(units: dict[str, dict], rows: list[dict], period: int, as_of: dt.date) -> str:
    """Units (not the province) that exist on `as_of` and have no rows in `period`."""
    reported = {(r["area_level"], r["area_code"]) for r in rows if r["period"] == period}
    missing = sorted((u for u in units.values() if u["unit_level"] != "province"
                      and (u["unit_level"], u["unit_code"]) not in reported
                      and valid_on(u["valid_from"], u["valid_to"], as_of)), key=lambda u: (fold(u["unit_name"]), u["unit_code"]))
    if not missing:
        return '<p class="empty">Mọi đơn vị đã có số liệu trong kỳ này.</p>'
    body = ["<tr>" + cell(u["unit_code"], "num") + cell(u["unit_name"]) + cell(u["unit_type"].capitalize()) + "</tr>"
            for u in missing]
    return table(["Mã đơn vị", "Tên đơn vị", "Loại"], body, "missing-units")
