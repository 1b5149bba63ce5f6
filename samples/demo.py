"""The demo inbox: 88 invented submissions of Lạng Sơn, before and after the two-level reform of 1 July 2025.

22 are the district-level units' rosters of 2015 and 2020 (11 districts × the two congresses), 65 the rosters of
the communes and wards of 2025 (after their congresses, due by 31 August 2025) and one the province's own roster of
2025 (its Ban Chấp hành, Ban Thường vụ and the heads and deputies of its agencies' rooms). Every person in them is
synthetic (see ``samples.people``). The files are filled in the many ways units really send them
(``samples.forms``), and the 2025 ones name their unit in every way the submission contract allows ("Xã Cao Lộc",
"Đảng ủy xã Cao Lộc", "X. Na Sầm", "06211", a letterhead, or only the file name), so the demo exercises the whole
reader; a few carry deliberate bad rows, well under the quarantine limit, so the feedback files have something to
say. The 22 district files are the bytes the 2015 and 2020 figures were published from. Writing the inbox twice
gives the same bytes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.settings import DEMO_INBOX_MARKER
from samples.forms import Layout, Roster, write_roster
from samples.people import synthetic_roster
from samples.units import UnitRow, units

__all__ = ["DemoFile", "demo_bad_rows", "demo_files", "demo_roster", "write_demo_inbox"]

AS_OF_DATES = (date(2015, 10, 15), date(2020, 10, 15))  # the 2015 and 2020 party congresses
AS_OF_2025 = date(2025, 10, 15)  # after the communes' congresses and the province's

# One line per file, in the order units appear in the units seed, 2015 before 2020:
# (layout, how the title names the unit, training sheet?, bad rows by reason code).
PLAN: tuple[tuple[Layout, str, bool, dict[str, int]], ...] = (
    (Layout(footer=True), "name", False, {}),
    (Layout(birth_columns="split", footer=True, column_numbers=True), "alias", True,
     {"missing_name": 1, "bad_birth_date": 1}),
    (Layout(fmt="xls", date_style="dmy", headers="short", bodies_per_row="one_per_row", gender_style="upper"),
     "ascii", False, {}),
    (Layout(fmt="xls", birth_columns="split", encoding="tcvn3", column_numbers=True, footer=True), "name", True,
     {"age_out_of_range": 1, "unknown_body": 1}),
    (Layout(fmt="csv", date_style="dmy", encoding="nfd"), "name", False,
     {"unknown_ethnicity": 1, "ambiguous_ethnicity_code": 1}),
    (Layout(fmt="csv", csv_bom=False, date_style="iso", headers="short", title_block=False,
            bodies_per_row="one_per_row", gender_style="mf"), "code", False, {"missing_gender": 1}),
    (Layout(date_style="year", encoding="tcvn3", date_title="plain", cover_sheet=True), "short", False, {}),
    (Layout(old_tone_marks=True, cover_sheet=True, footer=True), "name", True, {"age_out_of_range": 2}),
    (Layout(fmt="xls", date_style="year", old_tone_marks=True, bodies_per_row="one_per_row",
            gender_style="lower"), "name", False, {}),
    (Layout(birth_columns="split", date_style="dmy", encoding="nfd", headers="short", column_numbers=True),
     "ascii", True, {"missing_name": 1, "ambiguous_ethnicity_code": 1, "unknown_body": 1}),
    (Layout(fmt="csv", birth_columns="split", date_style="dmy", footer=True, column_numbers=True), "short", False,
     {}),
    (Layout(title_block=False), "code", True, {"bad_birth_date": 1, "missing_gender": 1}),
    (Layout(date_style="iso", headers="short", date_title="plain"), "code", False, {}),
    (Layout(fmt="xls", encoding="nfd", bodies_per_row="one_per_row", footer=True, cover_sheet=True,
            body_separator="; "), "name", True, {"unknown_ethnicity": 1}),
    (Layout(date_style="dmy", encoding="tcvn3", old_tone_marks=True, footer=True, gender_style="upper"), "name",
     False, {"missing_gender": 1, "unknown_ethnicity": 1}),
    (Layout(fmt="csv", date_style="year", headers="short", title_block=False), "code", False, {}),
    (Layout(fmt="xls", birth_columns="split", date_style="year", title_block=False), "code",
     False, {}),
    (Layout(encoding="tcvn3", bodies_per_row="one_per_row", cover_sheet=True), "short", True,
     {"age_out_of_range": 1, "missing_name": 1}),
    (Layout(headers="short", date_title="plain", gender_style="mf", body_separator="; "), "ascii", False, {}),
    (Layout(birth_columns="split", old_tone_marks=True, footer=True, column_numbers=True), "name", True,
     {"ambiguous_ethnicity_code": 1, "bad_birth_date": 1, "unknown_body": 1}),
    (Layout(fmt="csv", csv_bom=False, date_style="dmy", encoding="tcvn3", old_tone_marks=True, footer=True), "name",
     False, {}),
    (Layout(date_style="iso", cover_sheet=True, bodies_per_row="one_per_row"), "short", True,
     {"unknown_ethnicity": 1, "age_out_of_range": 1, "missing_gender": 1}),
)


# The forms of 2025, dealt to the communes and wards in seed order, round and round: (layout, how the title names
# the unit). A letterhead names the unit's Đảng ủy, the way official documents do.
FORMS_2025: tuple[tuple[Layout, str], ...] = (
    (Layout(footer=True), "name"),
    (Layout(unit_line="letterhead", footer=True, column_numbers=True), "committee"),
    (Layout(fmt="xls", date_style="dmy", headers="short"), "short"),
    (Layout(fmt="csv", date_style="dmy", encoding="nfd"), "party"),
    (Layout(birth_columns="split", old_tone_marks=True, footer=True), "committee"),
    (Layout(fmt="xls", encoding="tcvn3", bodies_per_row="one_per_row", gender_style="upper"), "people_committee"),
    (Layout(date_style="year", cover_sheet=True, date_title="plain"), "ascii"),
    (Layout(fmt="csv", csv_bom=False, date_style="iso", title_block=False, gender_style="mf"), "code"),
    (Layout(fmt="xls", unit_line="letterhead", birth_columns="split", date_style="dmy"), "committee"),
    (Layout(encoding="tcvn3", headers="short", footer=True, body_separator="; "), "name"),
    (Layout(fmt="csv", bodies_per_row="one_per_row", gender_style="lower", column_numbers=True), "abbreviation"),
    (Layout(encoding="nfd", old_tone_marks=True, cover_sheet=True, footer=True), "short"),
    (Layout(date_style="iso", headers="short", title_block=False), "code"),
)
# Units whose file shows one named form of the contract, whatever the round would deal them.
FORMS_2025_BY_UNIT = {
    "06187": (Layout(title_block=False), "code"),  # Phường Kỳ Lừa: only the file name says who sent it
    "06211": (Layout(footer=True, column_numbers=True), "code"),  # "Đơn vị: 06211" (Xã Cao Lộc)
    "06076": (Layout(old_tone_marks=True, footer=True), "name"),  # "Xã Quý Hoà"
    "06124": (Layout(fmt="xls", footer=True), "abbreviation"),  # "X. Na Sầm"
    "05986": (Layout(fmt="csv", date_style="dmy", gender_style="upper"), "abbreviation"),  # "P. Tam Thanh"
    "06112": (Layout(date_style="dmy"), "short"),  # "Bình Gia": a former district's name, now a commune's
    "06040": (Layout(fmt="csv", date_style="dmy"), "ascii"),  # "Xa That Khe"
    # What other programs and locales save: LibreOffice, macro-enabled and binary Excel, Excel's "Unicode Text",
    # CSV in the vi-VN locale (";") and in Windows' Vietnamese code page, TCVN3 bytes from a legacy program.
    "06001": (Layout(fmt="ods", footer=True), "name"),
    "06004": (Layout(fmt="xlsm"), "short"),
    "06037": (Layout(fmt="xlsb", date_style="dmy"), "name"),
    "06046": (Layout(fmt="txt", csv_separator="\t", text_encoding="utf-16-le"), "name"),
    "06058": (Layout(fmt="csv", csv_separator=";"), "abbreviation"),
    "06073": (Layout(fmt="csv", text_encoding="cp1258", date_style="dmy"), "name"),
    "06079": (Layout(fmt="csv", encoding="tcvn3", text_encoding="tcvn3"), "people_committee"),
    "06085": (Layout(fmt="csv", csv_separator="\t", text_encoding="utf-16-be"), "short"),
}
PROVINCE_FORM = (Layout(footer=True, cover_sheet=True, column_numbers=True), "alias")  # "Tỉnh ủy Lạng Sơn"
BAD_ROWS_2025 = {
    "05983": {"missing_name": 1}, "06019": {"bad_birth_date": 1}, "06103": {"age_out_of_range": 1},
    "06148": {"unknown_ethnicity": 1}, "06211": {"unknown_body": 1}, "06367": {"ambiguous_ethnicity_code": 1},
    "06436": {"missing_gender": 1}, "06577": {"missing_name": 1},
    "20": {"bad_birth_date": 1, "unknown_ethnicity": 1, "missing_gender": 1},
}


@dataclass(frozen=True)
class DemoFile:
    file_name: str
    unit_code: str
    as_of: date
    layout: Layout
    unit_title: str  # what the title block calls the unit (unused without a title block)
    with_training: bool
    bad_rows: dict[str, int]  # reason code → number of rows the reader must reject for it


def _ascii(text: str) -> str:
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.replace("Đ", "D").replace("đ", "d")


def _title(unit: UnitRow, style: str) -> str:
    typed = f"{unit.unit_type} {unit.short_name}"  # "xã Cao Lộc"
    return {"name": unit.name, "short": unit.short_name, "alias": (unit.aliases or (unit.short_name,))[0],
            "ascii": _ascii(unit.name), "code": unit.code, "party": f"Đảng bộ {typed}",
            "committee": f"{unit.party_committee} {typed}", "people_committee": f"UBND {typed}",
            "abbreviation": unit.abbreviated}[style]


def _file_name(index: int, unit: UnitRow, as_of: date, layout: Layout) -> str:
    if not layout.title_block:
        return f"{unit.code}_{as_of.isoformat()}.{layout.fmt}"
    short = _ascii(unit.short_name).replace(".", "")
    return (f"DS can bo {short} {as_of:%d.%m.%Y}", f"DS_457_{short.replace(' ', '_')}_{as_of.year}",
            f"Danh sách cán bộ {unit.short_name} năm {as_of.year}")[index % 3] + f".{layout.fmt}"


def _plan() -> list[tuple[UnitRow, date, tuple[Layout, str, bool, dict[str, int]]]]:
    """(unit, as-of date, form) of every file: the districts' as PLAN says, then the communes', then the province's."""
    pairs = [(unit, as_of) for unit in units("district") for as_of in AS_OF_DATES]
    if len(pairs) != len(PLAN):
        raise ValueError(f"the demo plan has {len(PLAN)} layouts for {len(pairs)} unit × date pairs")
    plan = [(unit, as_of, form) for (unit, as_of), form in zip(pairs, PLAN)]
    for i, unit in enumerate(units("commune")):
        layout, title = FORMS_2025_BY_UNIT.get(unit.code, FORMS_2025[i % len(FORMS_2025)])
        plan.append((unit, AS_OF_2025, (layout, title, False, BAD_ROWS_2025.get(unit.code, {}))))
    province, = units("province")
    plan.append((province, AS_OF_2025, (*PROVINCE_FORM, False, BAD_ROWS_2025.get(province.code, {}))))
    return plan


def demo_files() -> list[DemoFile]:
    """What the demo inbox holds, file by file, without writing anything."""
    return [
        DemoFile(_file_name(i, unit, as_of, layout), unit.code, as_of, layout, _title(unit, title), training, bad)
        for i, (unit, as_of, (layout, title, training, bad)) in enumerate(_plan())
    ]


def demo_roster(f: DemoFile) -> Roster:
    """The roster ``f`` is written from, its bad rows included."""
    unit = next(u for level in ("district", "commune", "province") for u in units(level) if u.code == f.unit_code)
    return synthetic_roster(unit, f.as_of, f.unit_title, f.with_training, f.bad_rows)


def demo_bad_rows() -> dict[str, dict[str, int]]:
    """File name → {reason code: rows} the reader should reject in it (files without bad rows map to {})."""
    return {f.file_name: dict(f.bad_rows) for f in demo_files()}


def write_demo_inbox(out: Path) -> list[Path]:
    """Write the 88 demo submissions into ``out`` (created if needed) and return their paths, in ``demo_files``
    order. The inbox is marked as a demo inbox: its people are invented, so a run over it needs no person-key
    secret (``ingest.settings.check_person_key_secret``)."""
    out = Path(out)
    paths = [write_roster(out / f.file_name, demo_roster(f), f.layout) for f in demo_files()]
    (out / DEMO_INBOX_MARKER).write_text("Synthetic demo inbox written by `cadre-warehouse demo`.\n", encoding="utf-8")
    return paths
