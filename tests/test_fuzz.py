"""Property-based tests (hypothesis) over what reads clerks' text and files: the header matcher, the date parser, the
TCVN3 detector, the value mappers, whole roster sheets and damaged workbooks.

The property is always the same: never an unhandled exception, and every input either maps (to a known code, a
date, a header) or is rejected with a named reason. Inputs mix what clerks really write with arbitrary Unicode.
Workbooks are read in a child process, so that a parser crash that no ``except`` can catch (a Rust abort) fails
the test instead of ending the session.
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import values
from ingest.errors import SubmissionError
from ingest.header import find_roster_headers, require_roster_columns
from ingest.reference import MEMO_SIZE, Vocabulary, load_reference
from ingest.roster import Roster, clean_rosters
from ingest.settings import load_settings
from ingest.tcvn3 import decode_tcvn3, looks_like_tcvn3, sheet_is_tcvn3
from ingest.text import clean_text, fold
from ingest.title import identify
from ingest.workbook import Sheet

REFERENCE = load_reference(load_settings(env={}).seeds)
AS_OF = date(2020, 10, 15)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADERS = ["STT", "Họ và tên", "Họ tên", "Ngày sinh", "Năm sinh", "Ngày, tháng, năm sinh", "Giới tính", "Dân tộc",
           "Đối tượng", "Nhóm chức danh", "Nhiệm kỳ", "NK", "Chức vụ", "Ghi chú", "Nam", "Nữ", "LLCT"]
WORDS = ["Hoàng", "Văn", "Thị", "Nông", "Hùng", "Lụa", "Tày", "Nùng", "Kinh", "Mông", "UV BCH", "UV BTV",
         "Trưởng phòng", "Nam", "Nữ", "Đại học", "Cao cấp", "2020-2025", "Tổng cộng", "Người lập biểu", "Hoµng",
         "ThÞ", "YÕn", "Cao Léc", "=SUM(A1)", "@Lan", "\u200f", "\u202e", "\x07", "\u00ad", "Ð"]
KNOWN_TEXT = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
BIRTHS = st.one_of(
    st.dates(date(1900, 1, 1), date(2030, 12, 31)).flatmap(lambda d: st.sampled_from([
        d.isoformat(), f"{d:%d/%m/%Y}", f"{d.day}.{d.month}.{d.year}", f"{d:%Y-%m-%d} 00:00:00", str(d.year),
        str((d - date(1899, 12, 30)).days), f"{(d - date(1899, 12, 30)).days}.0"])),
    st.from_regex(r"\d{1,6}([./-]\d{1,4}){0,2}", fullmatch=True),
)
CELL = st.one_of(st.none(), st.text(max_size=12), KNOWN_TEXT, BIRTHS)
VOCABULARIES = {name: getattr(REFERENCE, name) for name in (
    "ethnic_groups", "education_levels", "political_theory_levels", "training_metrics", "headers")} | {
    f"bodies of {level} rosters": vocabulary for level, vocabulary in REFERENCE.bodies.items()}
CODES = {name: set(vocabulary.keys.values()) for name, vocabulary in VOCABULARIES.items()}
BODY_CODES = set().union(*(CODES[f"bodies of {level} rosters"] for level in REFERENCE.bodies))


def _sheet(rows: list[list[str | None]]) -> Sheet:
    width = max(len(r) for r in rows)
    columns = {f"c{j}": [r[j] if j < len(r) else None for r in rows] for j in range(width)}
    return Sheet("Danh sách", pl.DataFrame(columns, schema={c: pl.String for c in columns}))


# --- header matcher -----------------------------------------------------------------------------------------------

@FUZZ
@given(st.lists(st.lists(st.one_of(st.none(), st.sampled_from(HEADERS), CELL), min_size=1, max_size=10),
                min_size=1, max_size=8),
       st.text(max_size=30))
def test_header_matcher_finds_a_header_or_names_why_not(rows, file_name):
    headers = find_roster_headers([_sheet(rows)], REFERENCE)
    if not headers:
        return
    [header] = headers
    assert {"full_name", "ethnicity"} <= header.columns.keys() or len(header.columns) >= 3
    try:
        require_roster_columns(header)
        identity = identify(header, file_name, REFERENCE)
    except SubmissionError as error:
        assert error.code in ("missing_column", "no_as_of_date", "as_of_in_future", "unknown_unit", "unit_not_valid",
                              "ambiguous_unit")
    else:
        assert identity.unit_code in REFERENCE.units


@FUZZ
@given(st.one_of(st.text(max_size=40), st.sampled_from(HEADERS).map(lambda h: h + " (ghi rõ)")))
def test_every_header_spelling_maps_to_a_known_role_or_to_none(text):
    assert REFERENCE.headers.by_prefix(text) in CODES["headers"] | {None}


# --- date parser --------------------------------------------------------------------------------------------------

@FUZZ
@given(st.lists(st.one_of(st.none(), BIRTHS, st.text(max_size=20)), min_size=1, max_size=30))
def test_birth_parser_gives_a_date_a_year_or_nothing(cells):
    day, year = values.parse_birth(pl.col("birth"))
    parsed = pl.DataFrame({"birth": cells}, schema={"birth": pl.String}).select(
        day.alias("day"), year.alias("year"), values.age_at(day, year, pl.lit(AS_OF)).alias("age"))
    for cell, (born, born_in, age) in zip(cells, parsed.rows()):
        if born is not None:
            assert born_in == born.year, cell
        if born_in is None:
            assert born is None and age is None, cell  # rejected as bad_birth_date
        else:
            assert age == AS_OF.year - born_in - (born is not None and (born.month, born.day) > (AS_OF.month,
                                                                                                AS_OF.day)), cell


@FUZZ
@given(st.dates(date(1930, 1, 1), date(2010, 12, 31)))
def test_a_date_written_any_accepted_way_reads_as_that_date(day):
    written = [day.isoformat(), f"{day:%d/%m/%Y}", f"{day.day}/{day.month}/{day.year}", f"{day:%d.%m.%Y}",
               str((day - date(1899, 12, 30)).days)]
    parsed = pl.DataFrame({"birth": written}).select(values.parse_birth(pl.col("birth"))[0].alias("day"))
    assert parsed["day"].to_list() == [day] * len(written)


# --- TCVN3 detector and text cleaning ----------------------------------------------------------------------------

@FUZZ
@given(st.one_of(st.text(), KNOWN_TEXT))
def test_text_cleaning_never_fails_and_leaves_nothing_invisible(text):
    assert isinstance(looks_like_tcvn3(text), bool)
    assert isinstance(decode_tcvn3(text), str)
    cleaned = clean_text(text)
    if cleaned is not None:
        assert cleaned == unicodedata.normalize("NFC", cleaned)
        assert cleaned == " ".join(cleaned.split())
        assert not [c for c in cleaned if unicodedata.category(c) in ("Cc", "Cf")]
    assert fold(text) == "".join(c for c in fold(text) if c.isascii() and c.isalnum() and not c.isupper())


@FUZZ
@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=15), KNOWN_TEXT), min_size=1, max_size=4),
                min_size=1, max_size=10))
def test_tcvn3_sheet_detector_always_decides(rows):
    assert isinstance(sheet_is_tcvn3(_sheet(rows).cells), bool)


# --- value mappers ------------------------------------------------------------------------------------------------

@FUZZ
@given(st.sampled_from(sorted(CODES)), st.one_of(st.text(max_size=30), KNOWN_TEXT))
def test_every_vocabulary_maps_to_one_of_its_codes_or_to_none(vocabulary, text):
    codes = CODES[vocabulary] | {None}
    assert VOCABULARIES[vocabulary].exact(text) in codes
    assert VOCABULARIES[vocabulary].by_prefix(text) in codes


@FUZZ
@given(st.sampled_from(sorted(CODES)), st.lists(st.one_of(st.text(max_size=30), KNOWN_TEXT), min_size=1, max_size=5))
def test_a_vocabulary_answers_the_same_however_often_it_was_asked(vocabulary, texts):
    """Header searches ask about the same headings in every file: remembering the answers changes none of them."""
    asked = VOCABULARIES[vocabulary]
    for text in texts:
        asked.by_prefix(text)
    for text in texts:
        assert asked.by_prefix(text) == Vocabulary(asked.name, asked.keys, asked.spellings).by_prefix(text)


def test_a_vocabulary_remembers_a_bounded_number_of_answers():
    vocabulary = Vocabulary("headers", REFERENCE.headers.keys)
    for n in range(MEMO_SIZE + 100):
        vocabulary.by_prefix(f"Họ và tên {n}")
    assert len(vocabulary._by_prefix) <= MEMO_SIZE
    assert vocabulary.by_prefix("Họ và tên") == REFERENCE.headers.by_prefix("Họ và tên") is not None


@FUZZ
@given(st.one_of(st.text(max_size=30), KNOWN_TEXT, st.sampled_from([u.name for u in REFERENCE.units.values()])),
       st.dates(date(1990, 1, 1), date(2030, 12, 31)))
def test_a_unit_name_gives_one_unit_valid_on_the_date_or_a_reason(text, day):
    try:
        unit = REFERENCE.unit_names.resolve(text, day)
    except SubmissionError as error:
        assert error.code in ("unknown_unit", "unit_not_valid", "ambiguous_unit")
    else:
        assert unit.valid_on(day)


@FUZZ
@given(st.lists(st.one_of(st.none(), st.text(max_size=15), KNOWN_TEXT, st.from_regex(r"\d{4}\s*[-–/]\s*\d{4}")),
                min_size=1, max_size=20))
def test_gender_term_and_count_map_or_give_null(cells):
    frame = pl.DataFrame({"text": cells}, schema={"text": pl.String})
    mapped = frame.select(
        values.gender(pl.col("text").map_batches(lambda s: s.str.to_lowercase())).alias("gender"),
        values.term(pl.col("text")).alias("term"), values.count(pl.col("text")).alias("count"))
    assert set(mapped["gender"].to_list()) <= {"M", "F", None}
    for term in mapped["term"].drop_nulls():
        start, end = map(int, term.split("-"))
        assert end > start
    assert all(n >= 0 for n in mapped["count"].drop_nulls())


# --- a whole roster sheet: every row accounted for ----------------------------------------------------------------

ROSTER_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Đối tượng", "Nhiệm kỳ",
                 "Trình độ chuyên môn"]


ROSTER_ROWS = st.lists(st.lists(CELL, min_size=8, max_size=8), min_size=1, max_size=15)


def _frames(roster) -> tuple:
    return roster.memberships.to_dicts(), roster.rejected.to_dicts(), roster.rows_total


@FUZZ
@given(ROSTER_ROWS, ROSTER_ROWS)
def test_every_roster_row_is_accepted_rejected_with_a_reason_or_skipped_as_no_person(rows, other_rows):
    [header] = find_roster_headers([_sheet([ROSTER_HEADER, *rows])], REFERENCE)
    [other] = find_roster_headers([_sheet([ROSTER_HEADER, *other_rows])], REFERENCE)
    units, province = REFERENCE.bodies["unit"], REFERENCE.bodies["province"]
    roster, other_roster = clean_rosters(
        [Roster((header,), AS_OF, units), Roster((other,), date(2015, 10, 15), province)], REFERENCE, "secret")
    # Cleaned in one batch or alone, a roster gives the same rows: no rule reaches across rosters (nor does the
    # province's vocabulary of bodies).
    assert _frames(roster) == _frames(clean_rosters([Roster((header,), AS_OF, units)], REFERENCE, "secret")[0])
    assert _frames(other_roster) == _frames(
        clean_rosters([Roster((other,), date(2015, 10, 15), province)], REFERENCE, "secret")[0])
    accepted = set(roster.memberships["source_row"])
    rejected = roster.rejected["source_row"].to_list()
    assert len(rejected) == len(set(rejected)) and not accepted & set(rejected)
    assert roster.rows_total == len(accepted) + len(rejected)
    assert set(roster.rejected["reason_code"]) <= REFERENCE.row_messages.keys()
    assert all(2 <= r <= len(rows) + 1 for r in accepted | set(rejected))
    for member in roster.memberships.iter_rows(named=True):
        assert member["ethnic_code"] in CODES["ethnic_groups"] and member["body_code"] in BODY_CODES
        assert member["gender"] in ("M", "F") and 18 <= member["age_years"] <= 80


# --- damaged and hand-made workbooks, read in a child process -----------------------------------------------------

WORKBOOKS = r'''
import io, json, sys, zipfile
from pathlib import Path
from hypothesis import HealthCheck, given, settings, strategies as st
import fastexcel
from ingest.errors import SubmissionError
from ingest.settings import load_settings
from ingest.workbook import read_sheets
from ingest import xlsx_package
from ingest.xlsx_package import column_letters, measure_xlsx

folder, original = Path(sys.argv[1]), Path(sys.argv[2]).read_bytes()
SETTINGS = load_settings(env={})
# A text file is split at a separator only where one names a header: bytes naming none are no roster.
CODES = {"not_a_spreadsheet", "too_large", "encrypted", "not_utf8", "ambiguous_encoding", "no_roster_sheet"}
FUZZ = settings(max_examples=int(sys.argv[3]), deadline=None, suppress_health_check=list(HealthCheck))
PARTS = {"[Content_Types].xml": None, "_rels/.rels": None, "xl/workbook.xml": None, "xl/_rels/workbook.xml.rels": None}
with zipfile.ZipFile(io.BytesIO(original)) as package:
    PARTS = {name: package.read(name) for name in PARTS}


def read(data: bytes, suffix: str):
    path = folder / f"case{suffix}"
    path.write_bytes(data)
    try:
        return read_sheets(path, SETTINGS, "case" + suffix)
    except SubmissionError as error:
        assert error.code in CODES, error.code


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), max_size=8),
       st.integers(0, len(original)), st.sampled_from([".xlsx", ".xls", ".csv"]))
def damaged(flips, cut, suffix):
    data = bytearray(original[:cut] if cut > 100 else original)
    for at, value in flips:
        if at < len(data):
            data[at] = value
    read(bytes(data), suffix)


# (kind, row, column): a value with its reference, a value placed after the previous cell, a formatted empty cell
CELL = st.tuples(st.sampled_from(["value", "lower", "implicit", "empty", "odd"]), st.integers(1, 2000),
                st.integers(1, 60))
REFERENCES = {"value": "{}{}", "lower": "{}{}", "odd": "${}${}"}
ROW = st.tuples(st.one_of(st.none(), st.integers(1, 2000)), st.lists(CELL, max_size=6), st.booleans())


def reference(kind, row, col):
    if kind == "implicit":
        return ""
    column = column_letters(col).lower() if kind == "lower" else column_letters(col)
    return f' r="{REFERENCES[kind].format(column, row)}"'


SCREENING = xlsx_package.SCREENED, xlsx_package.SCREEN_PREFIX


def measured(path):
    try:
        return measure_xlsx(path, SETTINGS)
    except SubmissionError as error:  # refusing a sheet is always safe; reading less than calamine lays out is not
        assert error.code == "not_a_spreadsheet", error.message
        return [error.message]


@FUZZ
@given(st.lists(ROW, max_size=12))
def extents(rows):
    xml = []
    for number, cells, prefixed in rows:  # rows and cells with or without references, some with a prefix
        row_tag, cell_tag = ("x:row", "x:c") if prefixed else ("row", "c")
        attributes = f' r="{number}"' if number else ""
        body = "".join(
            f'<{cell_tag} r="{column_letters(col)}{row}" s="1"/>' if kind == "empty" else
            f'<{cell_tag}{reference(kind, row, col)} t="inlineStr"><is><t>v</t></is></{cell_tag}>'
            for kind, row, col in cells)
        xml.append(f"<{row_tag}{attributes}>{body}</{row_tag}>")
    sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + "".join(xml) + "</sheetData></worksheet>")
    path = folder / "extent.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        for name, data in PARTS.items():
            package.writestr(name, data)
        package.writestr("xl/worksheets/sheet1.xml", sheet)
    (extent,) = found = measured(path)
    # Screened by polars' regex from the first rows on, as long chunks are: the same extent, or the same refusal.
    xlsx_package.SCREENED, xlsx_package.SCREEN_PREFIX = 0, 64
    try:
        assert measured(path) == found
    finally:
        xlsx_package.SCREENED, xlsx_package.SCREEN_PREFIX = SCREENING
    if isinstance(extent, str):
        return
    loaded = fastexcel.read_excel(path).load_sheet(0, header_row=None, skip_rows=0, dtypes="string").to_polars()
    height, width = loaded.shape if loaded.width else (0, 0)
    assert extent.rows >= height and extent.columns >= width, (extent, loaded.shape, sheet[:500])


damaged()
extents()
print(json.dumps("ok"))
'''


@pytest.mark.parametrize("examples", [200])
def test_damaged_and_hand_made_workbooks_are_read_or_refused_with_a_reason(tmp_path, examples):
    from samples.hostile import RosterSheet, people, roster_workbook

    original = roster_workbook(tmp_path / "original.xlsx", [RosterSheet("Danh sách", "Huyện Cao Lộc", AS_OF,
                                                                        people(5))])
    done = subprocess.run([sys.executable, "-c", WORKBOOKS, str(tmp_path), str(original), str(examples)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == "ok"
