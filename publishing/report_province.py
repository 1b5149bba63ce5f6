"""The province in the report, in two sections that never share a table: the roll-up of the units per as-of date,
and the province's own bodies (Tỉnh ủy, sở, ban, ngành tỉnh), which are counted from their own rosters.

Not here: the units' own tables (``report_units``).
"""

from html import escape

from publishing.report_format import date
from publishing.report_tables import by_as_of, indicator_table, is_province_body, is_rollup

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
    expected = {r["as_of_date"]: r["units_expected"] for r in rollup}
    for first, group in by_as_of(rollup):
        reporting = f"{first['units_reporting']}/{first['units_expected']} đơn vị có số liệu"
        table = indicator_table(group, "rollup")
        compared = {r["previous_as_of_date"] for r in group} - {None}
        changed = sorted(d for d in compared if expected.get(d) != first["units_expected"])
        if changed:
            table = _units_changed(first, changed, expected) + table
        sections.append(_section("rollup", first, reporting, table))
    return sections


def _units_changed(first: dict, compared: list, expected: dict) -> str:
    """Across a reform the roll-up sums other units (11 district committees in 2020, 65 commune committees in
    2025): the change is the province's as a whole, not that of like bodies, and the reader is told so."""
    before = "; ".join(f"ngày {date(d)} cộng {expected.get(d)} đơn vị" for d in compared)
    return (f'<p class="note units-changed">Kỳ này cộng {first["units_expected"]} đơn vị, kỳ so sánh ({before}): các '
            "đơn vị được cộng đã thay đổi (sắp xếp đơn vị hành chính), nên mức thay đổi là của toàn tỉnh, không phải "
            "của cùng các cơ quan.</p>\n")


def province_body_sections(rows: list[dict]) -> list[str]:
    """One `<section class="province-bodies">` per as-of date of the province's own bodies, newest first."""
    own = [r for r in rows if is_province_body(r)]
    if not own:
        return ['<p class="empty">Chưa có số liệu của các cơ quan cấp tỉnh.</p>']
    return [f'<p class="note">{escape(PROVINCE_BODIES_NOTE)}</p>'] + [
        _section("province-bodies", first, "", indicator_table(group, "province-bodies"))
        for first, group in by_as_of(own)
    ]


def _section(kind: str, first: dict, detail: str, table: str) -> str:
    heading = f"Kỳ {first['period']} — số liệu đến {date(first['as_of_date'])}" + (f" — {detail}" if detail else "")
    return (f'<section class="{kind}" id="{kind}-{first["as_of_date"].isoformat()}">\n'
            f"<h3>{escape(heading)}</h3>\n{table}\n</section>")
