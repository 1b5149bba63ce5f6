"""Every text cell has a length limit (ingest/layout/limits.csv): a row with a longer cell is rejected as
``value_too_long``, the file is still accepted, and no more than the limit of the cell reaches the lake or the clerk's
feedback workbook.

Rosters are written with samples.forms; Excel holds at most 32,767 characters in a cell and so does the writer, so
the megabyte-long name is put into the written package in place of a placeholder, as a hand-made file would hold it.
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from conftest import small_roster
from ingest.pipeline import ingest_inbox
from ingest.reference import load_reference
from ingest.roster_rules import HEADER_ROLES
from ingest.settings import load_settings
from ingest.submission import read_submission
from ingest.header import TRAINING_ROLES
from samples.forms import Layout, Person, Roster, write_roster

AS_OF = date(2020, 10, 15)  # "Huyện Cao Lộc" is unit 183 on this date
FIRST_ROW = 7  # title block rows 1-5, header row 6
PLACEHOLDER = "PLACEHOLDERNAME"
HUGE_NAME = "Nguyễn Văn " + "A" * (1_050_007 - len("Nguyễn Văn "))
LONG_POSITION = "Phó Chủ tịch " + "x" * (201 - len("Phó Chủ tịch "))
NAME_OF_200 = ("Nông Thị " + "Hồng" * 50)[:200]
SEEDS = load_settings(env={}).seeds
TOO_LONG = load_reference(SEEDS).reasons["value_too_long"]


def _with_cell(written: Path, target: Path, value: str) -> Path:
    """A copy of the package ``written`` at ``target`` with PLACEHOLDER's cell holding ``value``."""
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for part in source.infolist():
            copy.writestr(part, source.read(part).replace(PLACEHOLDER.encode(), value.encode()))
    return target


def _people_with_two_long_cells() -> tuple[Person, ...]:
    """40 valid people, then one whose name is HUGE_NAME (Excel row 47) and one whose position is LONG_POSITION (48):
    2 rejected rows of 42, under the 5 % that quarantines a file."""
    people = small_roster("Huyện Cao Lộc", AS_OF, people=42).people
    return (*people[:40], replace(people[40], full_name=PLACEHOLDER), replace(people[41], position=LONG_POSITION))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple:
    """The roster with two over-long cells, through the whole of ingest: (settings, the file in the inbox)."""
    root = tmp_path_factory.mktemp("limits")
    settings = load_settings(inbox=root / "inbox", warehouse=root / "warehouse", env={})
    written = write_roster(root / "written.xlsx", Roster("Huyện Cao Lộc", AS_OF, _people_with_two_long_cells()),
                           Layout())
    settings.inbox.mkdir()
    path = _with_cell(written, settings.inbox / "DS Cao Lộc.xlsx", HUGE_NAME)
    arrived = datetime(2020, 10, 20, 8, 0, tzinfo=UTC).timestamp()
    os.utime(path, (arrived, arrived))
    ingest_inbox(settings, unit_codes=["183"], log=lambda _: None)
    return settings, path


def _submission(settings) -> dict:
    [row] = pl.read_parquet(settings.lake / "submissions" / "unit=183" / "submissions.parquet").to_dicts()
    return row


def _lake_rows(settings, table: str) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(p) for p in (settings.lake / table / "unit=183").glob("*.parquet")])


def test_the_fixture_holds_the_whole_huge_name(ingested):
    _, path = ingested
    with zipfile.ZipFile(path) as package:
        assert HUGE_NAME.encode() in package.read("xl/sharedStrings.xml")


def test_a_file_with_over_long_cells_is_accepted_with_rejects_not_refused(ingested):
    settings, _ = ingested
    row = _submission(settings)
    assert (row["status"], row["rows_total"], row["rows_accepted"], row["rows_rejected"]) == (
        "accepted_with_rejects", 42, 40, 2)


def test_rows_with_an_over_long_cell_are_rejected_as_value_too_long(ingested):
    settings, _ = ingested
    rejected = _lake_rows(settings, "rejected_rows").sort("source_row")
    assert rejected.select("source_row", "reason_code", "message").rows() == [
        (FIRST_ROW + 40, "value_too_long", TOO_LONG.message),
        (FIRST_ROW + 41, "value_too_long", TOO_LONG.message),
    ]


def test_the_other_rows_are_accepted(ingested):
    settings, _ = ingested
    memberships = _lake_rows(settings, "memberships")
    assert sorted(memberships["source_row"].to_list()) == list(range(FIRST_ROW, FIRST_ROW + 40))


def test_the_lake_keeps_only_the_start_of_the_over_long_name(ingested):
    settings, _ = ingested
    names = _lake_rows(settings, "rejected_rows").sort("source_row")["full_name"].to_list()
    assert names[0] == HUGE_NAME[:200] + "…"
    assert all(len(n) <= 201 for n in names)


def test_the_feedback_workbook_does_not_hold_the_over_long_name(ingested):
    settings, _ = ingested
    feedback = settings.feedback / _submission(settings)["feedback_file"]
    cells = fastexcel.read_excel(feedback).load_sheet(0, header_row=None, dtypes="string").to_polars()
    assert cells.slice(6)["__UNNAMED__2"].to_list()[0] == HUGE_NAME[:200] + "…"
    with zipfile.ZipFile(feedback) as package:
        assert sum(part.file_size for part in package.infolist()) < 50_000  # not a megabyte of name


def _read(tmp_path: Path, roster: Roster):
    path = write_roster(tmp_path / "Danh sách.xlsx", roster, Layout())
    return read_submission(path, path.name, load_reference(SEEDS), load_settings(env={}))


def test_cells_of_exactly_their_limit_are_accepted(tmp_path):
    people = small_roster("Huyện Cao Lộc", AS_OF, people=2).people
    position = "Trưởng phòng " + "y" * (200 - len("Trưởng phòng "))
    parsed = _read(tmp_path, Roster("Huyện Cao Lộc", AS_OF, (replace(people[0], full_name=NAME_OF_200),
                                                             replace(people[1], position=position))))
    assert parsed.rejected.height == 0
    assert parsed.memberships.select("full_name", "position").rows() == [(NAME_OF_200, people[0].position),
                                                                          (people[1].full_name, position)]


def test_a_name_is_measured_as_written_once_cleaned(tmp_path):
    """A name of 200 letters written in NFD is more than 200 code points in the file: still a name of 200."""
    nfd = unicodedata.normalize("NFD", NAME_OF_200)
    assert len(nfd) > 200
    person = replace(small_roster("Huyện Cao Lộc", AS_OF, people=1).people[0], full_name=nfd)
    parsed = _read(tmp_path, Roster("Huyện Cao Lộc", AS_OF, (person,)))
    assert parsed.rejected.height == 0 and parsed.memberships["full_name"].to_list() == [NAME_OF_200]


def test_a_name_one_character_over_its_limit_is_rejected(tmp_path):
    person = replace(small_roster("Huyện Cao Lộc", AS_OF, people=1).people[0], full_name="Nông Thị " + "A" * 192)
    parsed = _read(tmp_path, Roster("Huyện Cao Lộc", AS_OF, (person,)))
    cut = "Nông Thị " + "A" * 191 + "…"
    assert parsed.rejected.select("full_name", "reason_code").rows() == [(cut, "value_too_long")]


def test_an_over_long_training_item_rejects_its_line(tmp_path):
    long_item = "Tuyển dụng công chức cấp xã " + "z" * 500
    roster = small_roster("Huyện Cao Lộc", AS_OF, people=2)
    parsed = _read(tmp_path, replace(roster, training=((2020, "Tuyển dụng công chức cấp xã", "19"),
                                                       (2020, long_item, "7"))))
    assert parsed.training["value"].to_list() == [19]
    assert parsed.rejected.select("sheet_name", "reason_code").rows() == [("Đào tạo - Tuyển dụng", "value_too_long")]


def test_every_column_ingest_reads_has_a_limit():
    assert set(load_reference(SEEDS).limits) == set(HEADER_ROLES) | set(TRAINING_ROLES)


def test_the_value_too_long_message_names_the_limits_of_the_layout_table():
    limits = set(load_reference(SEEDS).limits.values())
    for message in (TOO_LONG.message, TOO_LONG.message_en):
        assert {int(n) for n in re.findall(r"\d+", message)} == limits
