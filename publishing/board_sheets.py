"""What the board's spreadsheet shows, sheet by sheet, read from the release's own ``indicators`` table.

One sheet per body and as-of date: the units that reported that body on that date as rows (by GSO code), the
province roll-up of that body and date last. The province's own bodies (``units_expected`` NULL: the provincial
committee, its standing committee, the managers of the provincial agencies) are not units of a roll-up, so they get a
sheet of their own per as-of date, one row per body. Nothing is computed here: every figure is a value of the table.

Excel limits a sheet's name to 31 characters, none of ``[]:*?/\\``, unique regardless of case; a body whose name
and date do not fit is named by its initials ("Ban Chấp hành Đảng bộ" → "BCHĐB"), always the same way.
Not here: how a sheet is laid out and formatted (``board_workbook``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

SHEET_NAME_LIMIT = 31
CONTENTS_SHEET = "Mục lục"
PROVINCE_BODIES_LABEL = "Cấp tỉnh"
FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Row:
    labels: tuple[str, ...]  # (unit code, unit name) on a body's sheet; (body name,) on the province's own
    members: int
    previous_as_of: tuple[dt.date, ...]  # the as-of dates its changes are measured from (one, or none)
    figures: dict[str, dict]  # indicator_code → its row of `indicators`
    is_total: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    as_of: dt.date
    term: str | None  # the one term of the sheet's rows, if they name exactly one
    label_headers: tuple[str, ...]
    indicators: tuple[tuple[str, str], ...]  # (indicator_code, indicator_name) in display order
    rows: tuple[Row, ...]
    total_note: str | None  # how many units the province total sums, when the sheet has one


def _initials(label: str) -> str:
    words = re.sub(r"\(.*?\)", " ", label).split()
    return "".join(word[0].upper() for word in words)


def sheet_name(label: str, as_of: dt.date, taken: set[str]) -> str:
    """``"<label> dd.mm.yyyy"`` within Excel's rules; ``taken`` holds the names given so far (casefolded), and
    gains this one. A clash gets a counter before the date: "BCHĐB (2) 15.10.2020"."""
    date = f" {as_of:%d.%m.%Y}"
    label = FORBIDDEN_IN_SHEET_NAMES.sub("", label).strip(" '")
    if len(label) + len(date) > SHEET_NAME_LIMIT:
        label = _initials(label)
    name, counter = label[: SHEET_NAME_LIMIT - len(date)] + date, 1
    while name.casefold() in taken:
        counter += 1
        tag = f" ({counter})"
        name = label[: SHEET_NAME_LIMIT - len(date) - len(tag)] + tag + date
    taken.add(name.casefold())
    return name


def _indicator_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    cursor = con.execute("""
        select * from indicators
        order by as_of_date desc, body_sort_order, area_level = 'province', area_code, indicator_sort_order""")
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def _is_province_own(row: dict) -> bool:
    return row["area_level"] == "province" and row["units_expected"] is None


def _row(figures: list[dict], labels: tuple[str, ...], is_total: bool = False) -> Row:
    return Row(labels=labels, members=figures[0]["denominator"],
               previous_as_of=tuple(sorted({f["previous_as_of_date"] for f in figures} - {None})),
               figures={f["indicator_code"]: f for f in figures}, is_total=is_total)


def _grouped(rows: list[dict], key) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def _indicators(rows: list[dict]) -> tuple[tuple[str, str], ...]:
    ordered = sorted({(r["indicator_sort_order"], r["indicator_code"], r["indicator_name"]) for r in rows})
    return tuple((code, name) for _, code, name in ordered)


def _one_term(rows: list[dict]) -> str | None:
    terms = {r["term"] for r in rows}
    return terms.pop() if len(terms) == 1 else None


def _body_sheet(rows: list[dict], taken: set[str]) -> Sheet:
    first = rows[0]
    areas = _grouped(rows, lambda r: (r["area_level"] == "province", r["area_code"]))
    sheet_rows, note = [], None
    for (is_total, _), figures in areas.items():
        head = figures[0]
        if is_total:
            note = f"{head['units_reporting']}/{head['units_expected']} đơn vị"
            sheet_rows.append(_row(figures, (head["area_code"], f"{head['area_name']} (tổng {note})"), True))
        else:
            sheet_rows.append(_row(figures, (head["area_code"], head["area_name"])))
    return Sheet(
        name=sheet_name(first["body_name"], first["as_of_date"], taken), title=first["body_name"],
        as_of=first["as_of_date"], term=_one_term(rows), label_headers=("Mã đơn vị", "Đơn vị"),
        indicators=_indicators(rows), rows=tuple(sheet_rows), total_note=note,
    )


def _province_bodies_sheet(rows: list[dict], taken: set[str]) -> Sheet:
    first = rows[0]
    bodies = _grouped(rows, lambda r: (r["body_sort_order"], r["body_code"]))
    return Sheet(
        name=sheet_name(PROVINCE_BODIES_LABEL, first["as_of_date"], taken),
        title=f"Các cơ quan cấp tỉnh — {first['area_name']}", as_of=first["as_of_date"], term=None,
        label_headers=("Cơ quan",), indicators=_indicators(rows),
        rows=tuple(_row(figures, (figures[0]["body_name"],)) for figures in bodies.values()), total_note=None,
    )


def board_sheets(con: duckdb.DuckDBPyConnection) -> list[Sheet]:
    """The sheets, the latest as-of date first; on each date the bodies in their display order, then the
    province's own bodies."""
    rows = _indicator_rows(con)
    taken = {CONTENTS_SHEET.casefold()}
    sheets = []
    for (_, own), group in _grouped(rows, lambda r: (r["as_of_date"], _is_province_own(r))).items():
        if own:
            sheets.append(_province_bodies_sheet(group, taken))
        else:
            sheets.extend(_body_sheet(body, taken) for body in _grouped(group, lambda r: r["body_code"]).values())
    return sheets
