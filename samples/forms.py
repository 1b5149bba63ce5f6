"""Roster forms as unit offices really fill them in: the writers behind the demo inbox and test fixtures.

A ``Roster`` holds what the clerk typed (names, spellings, dates as written, what the title calls the unit); a
``Layout`` says what the office's form looks like (file format, header spellings, a split Nam/Nữ birth column,
legacy TCVN3 fonts, a "Đơn vị:" line or a letterhead, a signature block, …). ``write_roster`` puts the two together
in one file, the same bytes for the same input; ``samples.workbooks`` turns the sheets into .xlsx, .xlsm, .xlsb,
.xls, .ods or text (.csv, .txt).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ingest.tcvn3 import encode_tcvn3
from samples.iconv import converted_by_iconv
from samples.workbooks import Cell, Grid, write_ods, write_text, write_xls, write_xlsm, write_xlsx
from samples.xlsb import write_xlsb

ROSTER_SHEET = "Danh sách"
TRAINING_SHEET = "Đào tạo - Tuyển dụng"
COVER_SHEET = "Hướng dẫn"
HEADING = "DANH SÁCH CÁN BỘ LÃNH ĐẠO, QUẢN LÝ VÀ CÁN BỘ, CÔNG CHỨC CẤP XÃ"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
PROVINCE_PARTY = "ĐẢNG BỘ TỈNH LẠNG SƠN"  # every unit's letterhead starts with the party organisation above it
COVER_LINES = (
    "HƯỚNG DẪN LẬP DANH SÁCH (Đề án 457)",
    "1. Mỗi cán bộ ghi trên một dòng, ghi đủ họ tên và ngày sinh theo lý lịch.",
    "2. Cột đối tượng ghi: UV BCH, UV BTV, Trưởng phòng, Phó trưởng phòng, Cán bộ cấp xã, Công chức cấp xã.",
    "3. Số liệu tính đến ngày Đại hội; gửi về Ban Tổ chức Tỉnh ủy theo đúng thời hạn.",
)
TEXT_FORMATS = ("csv", "txt")
GENDER_WORDS = {"nam_nu": ("Nam", "Nữ"), "upper": ("NAM", "NỮ"), "lower": ("nam", "nữ"), "mf": ("M", "F")}
LAYOUT_CHOICES = {
    "fmt": ("xlsx", "xls", "csv", "txt", "ods", "xlsm", "xlsb"),
    "csv_separator": (",", ";", "\t"),
    "text_encoding": ("utf-8", "utf-16-le", "utf-16-be", "cp1258", "tcvn3"),
    "birth_columns": ("single", "split"),
    "date_style": ("excel", "dmy", "iso", "year"),
    "encoding": ("nfc", "nfd", "tcvn3", "tcvn3_iconv"),
    "headers": ("full", "short"),
    "date_title": ("ngay", "plain"),
    "bodies_per_row": ("joined", "one_per_row"),
    "gender_style": tuple(GENDER_WORDS),
    "unit_line": ("label", "letterhead"),
}
# Written with glibc's iconv, which the demo inbox, written wherever the demo is installed, cannot count on: tests only.
TEST_ONLY_CHOICES = {("encoding", "tcvn3_iconv")}
TONES = "\u0300\u0301\u0303\u0309\u0323"
# New style puts the tone on the main vowel (hòa, thủy); old offices still write hoà, thuỷ: in an open syllable
# "oa", "oe", "uy" carry it on the second letter.
NEW_TONE = re.compile(rf"(?i)(o)([{TONES}])([ae])(?![\w\u0300-\u036f])|(u)([{TONES}])(y)(?![\w\u0300-\u036f])")



@dataclass(frozen=True)
class Person:
    """One person as the clerk wrote them; ``birth`` is text when it is no date ("31/02/1980"), gender may be
    missing (None), ``bodies`` holds the clerk's spellings ("UV BCH Đảng bộ", "Phó phòng")."""

    full_name: str
    birth: date | int | str
    gender: str | None
    ethnicity: str
    bodies: tuple[str, ...]
    term: str = ""
    education: str = ""
    political_theory: str = ""
    position: str = ""
    organisation: str = ""
    note: str = ""


@dataclass(frozen=True)
class Roster:
    # What the title calls the unit: after "Đơn vị:" ("Huyện Cao Lộc", "TP. Lạng Sơn", "183"), or in a letterhead
    # ("Đảng ủy xã Cao Lộc", written in capitals).
    unit_title: str
    as_of: date
    people: tuple[Person, ...]
    training: tuple[tuple[int, str, str], ...] = ()  # (year, content, number as written)
    signers: tuple[str, str] = ("", "")  # who prepared the list, who signed for the unit
    signed_for: str = "TM. BAN THƯỜNG VỤ"  # above the signature of a full form: TM. ĐẢNG ỦY, TM. TỈNH ỦY …


@dataclass(frozen=True)
class Layout:
    """How a form looks.

    fmt: xlsx | xls (Excel 97-2003) | csv | txt (text, as Excel's "Unicode Text" names it) | ods (LibreOffice) |
    xlsm (macro-enabled, with a VBA part) | xlsb (Excel binary). birth_columns: single (birth + "Giới tính") | split (merged "Ngày,
    tháng, năm sinh" over "Nam" | "Nữ", the date under the person's sex). date_style: excel (date cells; a CSV gets
    dd/mm/yyyy, as Excel exports them) | dmy (text, zero padding on alternate rows) | iso | year. encoding: nfc |
    nfd | tcvn3 (every text cell, typed in an ABC font) | tcvn3_iconv (every text cell converted by glibc's
    ``iconv -t TCVN5712-1``, which writes capitals with tone marks too). headers: full ("Họ và tên", "Đối tượng",
    …, with STT) | short ("Họ tên", "Nhóm chức danh", "NK", "LLCT", no STT). title_block: the unit and the as-of
    date above the header (without it the file name must say ``<code>_<yyyy-mm-dd>``). unit_line: label
    "Đơn vị: …" | letterhead (no label: the lines an official document starts with, "ĐẢNG BỘ TỈNH LẠNG SƠN" above
    the unit's "ĐẢNG ỦY XÃ CAO LỘC").
    date_title: ngay "(Tính đến ngày dd/mm/yyyy)" | plain "Tính đến dd/mm/yyyy". bodies_per_row: joined (one cell, ``body_separator``) | one_per_row (the person repeated).
    column_numbers: a 1 | 2 | 3 … row under the header. footer: totals row and signature block. cover_sheet: an
    instructions sheet first. old_tone_marks: "Uỷ", "hoà". gender_style: Nam/Nữ, NAM/NỮ, nam/nữ or M/F.
    csv_bom: a UTF-8 byte order mark at the start of a CSV. csv_separator: between the cells of a .csv or .txt ("," |
    ";" as Excel writes in the vi-VN locale | tab). text_encoding: of a .csv or .txt: utf-8 | utf-16-le | utf-16-be
    (with a byte order mark, as Excel's "Unicode Text") | cp1258 (Windows' Vietnamese code page, tone marks as
    combining characters) | tcvn3 (one byte per character, as a legacy program writes TCVN3 text: needs
    encoding="tcvn3").
    hidden_roster: the roster sheet hidden behind the cover sheet (which it implies), as a workbook whose roster
    someone hid; .xlsx and .xls only.
    """

    fmt: str = "xlsx"
    birth_columns: str = "single"
    date_style: str = "excel"
    encoding: str = "nfc"
    headers: str = "full"
    title_block: bool = True
    date_title: str = "ngay"
    bodies_per_row: str = "joined"
    column_numbers: bool = False
    footer: bool = False
    cover_sheet: bool = False
    old_tone_marks: bool = False
    gender_style: str = "nam_nu"
    body_separator: str = ", "
    csv_bom: bool = True
    unit_line: str = "label"
    csv_separator: str = ","
    text_encoding: str = "utf-8"
    hidden_roster: bool = False

    def __post_init__(self) -> None:
        for name, allowed in LAYOUT_CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"Layout.{name}={getattr(self, name)!r}; allowed: {', '.join(allowed)}")


def _columns(layout: Layout) -> list[tuple[str, str, int]]:
    """(role, header, width) of each roster column, left to right."""
    full = layout.headers == "full"
    birth = "Ngày, tháng, năm sinh" if full else "Năm sinh" if layout.date_style == "year" else "Ngày sinh"
    columns = [("row_number", "STT", 5)] if full else []
    columns.append(("full_name", "Họ và tên" if full else "Họ tên", 24))
    if layout.birth_columns == "split":
        columns += [("birth_M", "Nam", 12), ("birth_F", "Nữ", 12)]
    else:
        columns += [("birth", birth, 12), ("gender", "Giới tính", 8)]
    return columns + [
        ("ethnicity", "Dân tộc", 10), ("body", "Đối tượng" if full else "Nhóm chức danh", 24),
        ("term", "Nhiệm kỳ" if full else "NK", 12),
        ("education", "Trình độ chuyên môn" if full else "Chuyên môn", 14),
        ("political_theory", "Lý luận chính trị" if full else "LLCT", 12),
        ("position", "Chức vụ", 30), ("organisation", "Cơ quan, đơn vị", 26), ("note", "Ghi chú", 10),
    ]


def _birth(birth: date | int | str, style: str, row: int) -> Cell:
    if not isinstance(birth, date):
        return birth
    if style == "year":
        return birth.year
    if style == "iso":
        return birth.isoformat()
    if style == "dmy":  # typed by hand: the zero padding comes and goes
        return f"{birth:%d/%m/%Y}" if row % 2 else f"{birth.day}/{birth.month}/{birth.year}"
    return birth


def _typed(value: Cell) -> Cell:
    """What Excel keeps of a typed value: digits become a number, an empty cell stays empty."""
    if isinstance(value, str):
        return None if value == "" else int(value) if value.isascii() and value.isdigit() else value
    return value


def _person_rows(roster: Roster, layout: Layout, roles: list[str]) -> list[list[Cell]]:
    rows = []
    for person in roster.people:
        groups = [(b,) for b in person.bodies] if layout.bodies_per_row == "one_per_row" else [person.bodies]
        for bodies in groups:
            birth = _birth(person.birth, layout.date_style, len(rows))
            if layout.birth_columns == "split" and person.gender is None:
                raise ValueError(f"{person.full_name!r}: split Nam/Nữ birth columns need the gender")
            words = dict(zip("MF", GENDER_WORDS[layout.gender_style]))
            values = {
                "row_number": len(rows) + 1, "full_name": person.full_name, "birth": birth,
                f"birth_{person.gender}": birth, "gender": words.get(person.gender),
                "ethnicity": person.ethnicity, "body": layout.body_separator.join(bodies), "term": person.term,
                "education": person.education, "political_theory": person.political_theory,
                "position": person.position, "organisation": person.organisation, "note": person.note,
            }
            rows.append([_typed(values.get(role)) for role in roles])
    return rows


def _title_rows(roster: Roster, layout: Layout, width: int) -> list[list[Cell]]:
    as_of = f"{roster.as_of:%d/%m/%Y}"
    as_of_text = f"(Tính đến ngày {as_of})" if layout.date_title == "ngay" else f"Tính đến {as_of}"
    if layout.unit_line == "label":
        lines = [PARTY, HEADING, f"Đơn vị: {roster.unit_title}"]
    else:
        lines = [PROVINCE_PARTY, roster.unit_title.upper(), PARTY, HEADING]
    lines += [as_of_text, None]
    return [[line] + [None] * (width - 1) for line in lines]


def _footer_rows(roster: Roster, layout: Layout, roles: list[str]) -> list[list[Cell]]:
    lead, name, right = 0, roles.index("full_name"), roles.index("position")
    signed = roster.as_of + timedelta(days=5)
    head = (roster.signed_for, "PHÓ BÍ THƯ") if layout.headers == "full" else ("THỦ TRƯỞNG ĐƠN VỊ", None)
    lines = [
        {lead: f"Tổng cộng: {len(roster.people)} người"}, {},
        {right: f"Lạng Sơn, ngày {signed.day} tháng {signed.month} năm {signed.year}"},
        {name: "Người lập biểu", right: head[0]}, {right: head[1]}, {}, {},
        {name: roster.signers[0] or None, right: roster.signers[1] or None},
    ]
    return [[cells.get(i) for i in range(len(roles))] for cells in lines]


def _roster_grid(roster: Roster, layout: Layout) -> Grid:
    """The roster sheet: title block, header (one row, or two with merges for split Nam/Nữ), people, footer."""
    columns = _columns(layout)
    roles = [role for role, _, _ in columns]
    width = len(columns)
    rows = _title_rows(roster, layout, width) if layout.title_block else []
    merges = [(r, 0, r, width - 1) for r in range(len(rows) - 1)]
    bold = set(range(len(rows)))
    top = len(rows)
    if layout.birth_columns == "split":
        born = roles.index("birth_M")
        rows.append([h if role != "birth_F" else None for role, h, _ in columns])
        rows.append([h if role.startswith("birth_") else None for role, h, _ in columns])
        rows[top][born] = "Ngày, tháng, năm sinh"
        merges += [(top, c, top + 1, c) for c in range(width) if c not in (born, born + 1)]
        merges.append((top, born, top, born + 1))
    else:
        rows.append([h for _, h, _ in columns])
    bold |= set(range(top, len(rows)))
    if layout.column_numbers:
        rows.append(list(range(1, width + 1)))
    rows += _person_rows(roster, layout, roles)
    if layout.footer:
        bold.add(len(rows))
        rows += _footer_rows(roster, layout, roles)
    return Grid(rows, merges, bold, [w for _, _, w in columns])


def _training_grid(roster: Roster) -> Grid:
    rows = [["Năm", "Nội dung", "Số lượng"]]
    rows += [[year, content, _typed(value)] for year, content, value in roster.training]
    return Grid(rows, [], {0}, [8, 60, 12])


def _cover_grid() -> Grid:
    return Grid([[line] for line in COVER_LINES], [], {0}, [100])


def _text(layout: Layout):
    def text(value: str) -> str:
        if layout.old_tone_marks:
            swapped = NEW_TONE.sub(lambda m: "".join(g for g in (m[1], m[3], m[2], m[4], m[6], m[5]) if g),
                                   unicodedata.normalize("NFD", value))
            value = unicodedata.normalize("NFC", swapped)
        if layout.encoding == "nfd":
            return unicodedata.normalize("NFD", value)
        if layout.encoding == "tcvn3_iconv":
            return converted_by_iconv(value)
        return encode_tcvn3(value) if layout.encoding == "tcvn3" else value

    return text


def _encoded(grid: Grid, layout: Layout) -> Grid:
    text = _text(layout)
    rows = [[text(v) if isinstance(v, str) else v for v in row] for row in grid.rows]
    return replace(grid, rows=rows)


def write_roster(path: Path, roster: Roster, layout: Layout) -> Path:
    """Write ``roster`` in ``layout`` to ``path`` and return ``path``.

    A text file (.csv, .txt) holds one sheet, so a roster with training lines or a layout with a cover sheet (or a
    hidden roster) cannot be one (ValueError), as can't a person without gender in split Nam/Nữ columns.
    """
    grid = _roster_grid(roster, layout)
    sheets = [(ROSTER_SHEET, replace(grid, hidden=layout.hidden_roster))]
    if layout.cover_sheet or layout.hidden_roster:
        sheets.insert(0, (COVER_SHEET, _cover_grid()))
    if roster.training:
        sheets.append((TRAINING_SHEET, _training_grid(roster)))
    if layout.fmt in TEXT_FORMATS and len(sheets) > 1:
        raise ValueError("a text file holds one sheet: no cover sheet or training sheet")
    sheets = [(name, _encoded(grid, layout)) for name, grid in sheets]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    created = datetime.combine(roster.as_of + timedelta(days=5), time(8, 0))
    if layout.fmt in ("xlsx", "xlsm"):
        (write_xlsx if layout.fmt == "xlsx" else write_xlsm)(path, sheets, HEADING, created)
    elif layout.fmt == "xls":
        write_xls(path, sheets)
    elif layout.fmt == "ods":
        write_ods(path, sheets)
    elif layout.fmt == "xlsb":
        write_xlsb(path, sheets)
    else:
        write_text(path, sheets[0][1], layout.csv_separator, layout.text_encoding, layout.csv_bom)
    return path


# Not options the demo shows: a separator is free text, and a hidden roster is read only for want of a visible one
# (tests/test_roster_sheets.py), not a form the province asks for.
NOT_DEMO_OPTIONS = ("body_separator", "hidden_roster")


def layout_options() -> dict[str, tuple]:
    """Every value each Layout field the demo shows can take (booleans both ways), for tests that check coverage."""
    return {f.name: tuple(v for v in LAYOUT_CHOICES.get(f.name, (False, True)) if (f.name, v) not in TEST_ONLY_CHOICES)
            for f in fields(Layout) if f.name not in NOT_DEMO_OPTIONS}
