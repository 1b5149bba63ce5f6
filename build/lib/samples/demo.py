"""The demo inbox: 22 invented submissions, one per district-level unit of Lạng Sơn for 2015 and for 2020.

Every person in them is synthetic (see ``samples.people``). The files are filled in the many ways districts
really send them (``samples.forms``), so the demo exercises the whole reader, and a few carry deliberate bad
rows, well under the quarantine limit, so the feedback files have something to say. Writing the inbox twice gives
the same bytes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from samples.forms import Layout, write_roster
from samples.people import UnitRow, district_units, synthetic_roster

__all__ = ["DemoFile", "demo_bad_rows", "demo_files", "write_demo_inbox"]

AS_OF_DATES = (date(2015, 10, 15), date(2020, 10, 15))  # the 2015 and 2020 party congresses

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
    return {"name": unit.name, "short": unit.short_name, "alias": (unit.aliases or (unit.short_name,))[0],
            "ascii": _ascii(unit.name), "code": unit.code}[style]


def _file_name(index: int, unit: UnitRow, as_of: date, layout: Layout) -> str:
    if not layout.title_block:
        return f"{unit.code}_{as_of.isoformat()}.{layout.fmt}"
    short = _ascii(unit.short_name).replace(".", "")
    return (f"DS can bo {short} {as_of:%d.%m.%Y}", f"DS_457_{short.replace(' ', '_')}_{as_of.year}",
            f"Danh sách cán bộ {unit.short_name} năm {as_of.year}")[index % 3] + f".{layout.fmt}"


def demo_files() -> list[DemoFile]:
    """What the demo inbox holds, file by file, without writing anything."""
    pairs = [(unit, as_of) for unit in district_units() for as_of in AS_OF_DATES]
    if len(pairs) != len(PLAN):
        raise ValueError(f"the demo plan has {len(PLAN)} layouts for {len(pairs)} unit × date pairs")
    return [
        DemoFile(_file_name(i, unit, as_of, layout), unit.code, as_of, layout, _title(unit, title), training, bad)
        for i, ((unit, as_of), (layout, title, training, bad)) in enumerate(zip(pairs, PLAN))
    ]


def demo_bad_rows() -> dict[str, dict[str, int]]:
    """File name → {reason code: rows} the reader should reject in it (files without bad rows map to {})."""
    return {f.file_name: dict(f.bad_rows) for f in demo_files()}


def write_demo_inbox(out: Path) -> list[Path]:
    """Write the 22 demo submissions into ``out`` (created if needed) and return their paths."""
    units = {unit.code: unit for unit in district_units()}
    out = Path(out)
    return [
        write_roster(out / f.file_name,
                     synthetic_roster(units[f.unit_code], f.as_of, f.unit_title, f.with_training, f.bad_rows),
                     f.layout)
        for f in demo_files()
    ]
