"""Synthetic inboxes for the benchmark: the demo's invented people, at province, national and one-workbook scale,
and at the commune shape of after the 2025 reform.

Every file goes through the real submission contract: units of the units seed, an as-of date in the title block or
the file name, and the messy forms of ``samples.forms`` (split Nam/Nữ birth columns, TCVN3 and NFD text, dates as
text or bare years, short headers, column numbers, footers, cover sheets, one row per body, old tone marks), with a
few rows in some files that the reader must reject. The district scales use Lạng Sơn's 11 district units (valid
until 30 June 2025); the national scale is those 11 × 64 monthly as-of dates (the 15th, 2020-01 … 2025-04). The
commune scales use its 65 commune-level units (valid from 1 July 2025), 15–150 rows a roster (drawn once per unit),
once (``communes``) or on 51 weekly as-of dates from 7 July 2025 (``communes_national``: 3,315 files, about the
country's 3,321 communes). The units seed stays the real one, so nothing in the warehouse is changed for the
benchmark.

All files are .xlsx, so the two baselines (unzipping the sheet XML; pandas + openpyxl) apply to every one; .xls and
.csv forms are exercised by the demo inbox and the tests. Inboxes are written once into ``bench/work/inbox/`` and
reused while the generator (this file, ``samples/`` and the seeds) is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import samples
from ingest.settings import load_settings
from samples.forms import Layout, Person, Roster, write_roster
from samples.people import FAMILY, GIVEN, KINDS, MIDDLE, Clerk, broken_person
from samples.units import UnitRow, units

WORK = Path(__file__).resolve().parent / "work"

# The messy forms, xlsx only, cycled over the files of a scale.
LAYOUTS = (
    Layout(footer=True),
    Layout(birth_columns="split", footer=True, column_numbers=True),
    Layout(date_style="dmy", headers="short", bodies_per_row="one_per_row", gender_style="upper"),
    Layout(birth_columns="split", encoding="tcvn3", column_numbers=True, footer=True),
    Layout(date_style="dmy", encoding="nfd", cover_sheet=True),
    Layout(date_style="iso", headers="short", title_block=False, bodies_per_row="one_per_row", gender_style="mf"),
    Layout(date_style="year", encoding="tcvn3", date_title="plain", cover_sheet=True),
    Layout(old_tone_marks=True, cover_sheet=True, footer=True),
    Layout(date_style="year", old_tone_marks=True, bodies_per_row="one_per_row", gender_style="lower"),
    Layout(birth_columns="split", date_style="dmy", encoding="nfd", headers="short", column_numbers=True),
    Layout(title_block=False, body_separator="; "),
)
# Defects the reader must reject, put into every third file (well under the 5 % quarantine limit).
BAD_ROWS = {"missing_name": 2, "bad_birth_date": 2, "age_out_of_range": 1, "unknown_ethnicity": 2,
            "unknown_body": 1, "missing_gender": 1}
# A commune roster is small: every third file of at least COMMUNE_BAD_FROM rows carries one such row (1 in 40 is
# under the limit), its reason taken in turn.
COMMUNE_BAD_REASONS = ("unknown_ethnicity", "bad_birth_date", "missing_name", "unknown_body", "age_out_of_range")
COMMUNE_BAD_FROM = 40
COMMUNE_ROWS = (15, 150)


@dataclass(frozen=True)
class Scale:
    name: str
    as_of_dates: tuple[date, ...]
    rows_per_file: int  # 0: each unit's own, drawn from COMMUNE_ROWS (commune_rows)
    units: int  # how many of the seed's units of ``level``
    level: str = "district"


def _monthly(first: date, count: int) -> tuple[date, ...]:
    """``count`` as-of dates a month apart from ``first`` (the same day of each month)."""
    months = [first.month - 1 + i for i in range(count)]
    return tuple(date(first.year + m // 12, m % 12 + 1, first.day) for m in months)


def _weekly(first: date, count: int) -> tuple[date, ...]:
    return tuple(first + timedelta(weeks=i) for i in range(count))


SCALES = {
    "province": Scale("province", (date(2024, 12, 31),), 2_000, 11),
    "national": Scale("national", _monthly(date(2020, 1, 15), 64), 3_500, 11),
    "large_workbook": Scale("large_workbook", (date(2024, 12, 31),), 200_000, 1),
    "communes": Scale("communes", (date(2025, 12, 31),), 0, 65, "commune"),
    # 7 Jul 2025 … 22 Jun 2026: every date in the past, as a clerk's must be (ingest refuses as_of_in_future).
    "communes_national": Scale("communes_national", _weekly(date(2025, 7, 7), 51), 0, 65, "commune"),
}


def commune_rows(unit_code: str) -> int:
    """The sheet rows of a commune's roster in the benchmark: 15–150, the same for a unit on every date."""
    return random.Random(f"bench-rows:{unit_code}").randint(*COMMUNE_ROWS)


class _AnyName(set):
    """The demo clerk keeps names unique within a roster; at 200,000 rows there are not enough of them."""

    def __contains__(self, name: object) -> bool:
        return False


def _name(rng: random.Random, gender: str) -> str:
    second = f" {rng.choice(MIDDLE[gender])}" if rng.random() < 0.3 else ""
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])}{second} {rng.choice(GIVEN[gender])}"


def _rows(person: Person, layout: Layout) -> int:
    return len(person.bodies) if layout.bodies_per_row == "one_per_row" else 1


def synthetic_people(unit: UnitRow, as_of: date, rows: int, layout: Layout,
                     bad_rows: dict[str, int]) -> tuple[Person, ...]:
    """People of one roster filling about ``rows`` sheet rows, the posts of its unit's level, and ``bad_rows``
    (reason → count) the reader must reject; the same arguments give the same people."""
    rng = random.Random(f"bench:{unit.code}:{as_of.isoformat()}:{rows}")
    clerk = Clerk(rng, as_of, unit)
    clerk.names = _AnyName()
    posts = KINDS[unit.level].posts(rng, unit)
    people, filled = [], 0
    while filled < rows:
        post = posts[len(people) % len(posts)]
        person = clerk.person(post, rng.random() < 0.3, rng.random() < 0.2)
        person = replace(person, full_name=_name(rng, person.gender or "M"))
        people.append(person)
        filled += _rows(person, layout)
    for reason, count in bad_rows.items():
        if reason == "missing_gender" and layout.birth_columns == "split":
            continue  # the form has no place for a person without a sex
        for _ in range(count):
            template = people[rng.randrange(len(people))]
            people.insert(rng.randint(1, len(people) - 1), broken_person(template, reason, as_of))
    return tuple(people)


@dataclass(frozen=True)
class Planned:
    path: Path
    unit: UnitRow
    as_of: date
    rows: int
    layout: Layout
    bad_rows: dict[str, int]  # reason code → rows of it the reader must reject


def _bad_rows(scale: Scale, index: int, rows: int) -> dict[str, int]:
    if index % 3 != 1:
        return {}
    if scale.level == "district":
        return BAD_ROWS
    reason = COMMUNE_BAD_REASONS[index // 3 % len(COMMUNE_BAD_REASONS)]
    return {reason: 1} if rows >= COMMUNE_BAD_FROM else {}


def plan(scale: Scale, folder: Path) -> list[Planned]:
    """Every file of a scale, as-of date by date (each date's units in seed order)."""
    chosen = units(scale.level)[: scale.units]
    files = []
    for i, (as_of, unit) in enumerate((d, u) for d in scale.as_of_dates for u in chosen):
        layout = LAYOUTS[i % len(LAYOUTS)] if scale.name != "large_workbook" else LAYOUTS[1]
        rows = scale.rows_per_file or commune_rows(unit.code)
        name = f"{unit.code}_{as_of.isoformat()}.xlsx"
        files.append(Planned(folder / name, unit, as_of, rows, layout, _bad_rows(scale, i, rows)))
    return files


def write_planned(item: Planned) -> Path:
    people = synthetic_people(item.unit, item.as_of, item.rows, item.layout, item.bad_rows)
    return write_roster(item.path, Roster(item.unit.name, item.as_of, people), item.layout)


def _generator_version() -> str:
    digest = hashlib.sha256()
    sources = [Path(__file__), *sorted(Path(samples.__file__).parent.glob("*.py")),
               *sorted(load_settings().seeds.glob("*.csv"))]
    for path in sources:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def inbox(scale_name: str, workers: int = 2, log=print) -> Path:
    """The inbox folder of a scale, written now unless an identical one is already there."""
    scale = SCALES[scale_name]
    folder = WORK / "inbox" / scale_name
    stamp = folder / ".generator.json"
    wanted = {"version": _generator_version(), "scale": scale_name}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    planned = plan(scale, folder)
    rows = f"~{scale.rows_per_file:,}" if scale.rows_per_file else "{}–{}".format(*COMMUNE_ROWS)
    log(f"writing the {scale_name} inbox: {len(planned)} file(s) × {rows} rows → {folder}")
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(write_planned, planned, chunksize=4))
    stamp.write_text(json.dumps(wanted))  # hidden name: the inbox scan skips it
    return folder


def changed_file(scale_name: str, target: Path, among: set[str] | None = None,
                 rejects: dict[str, int] | None = None) -> Path:
    """A corrected resubmission of the latest file of a scale (of the file names ``among``, default all) of its
    first unit with at least COMMUNE_BAD_FROM rows: other people, the same unit and date, and ``rejects`` (reason
    → count) rows the reader must still reject."""
    planned = [p for p in plan(SCALES[scale_name], target) if among is None or p.path.name in among]
    latest = max(p.as_of for p in planned)
    original = next(p for p in planned if p.as_of == latest and p.rows >= COMMUNE_BAD_FROM)
    item = replace(original, rows=original.rows + 7, bad_rows=rejects or {},
                   path=target / f"{original.unit.code}_{original.as_of.isoformat()}_v2.xlsx")
    return write_planned(item)
