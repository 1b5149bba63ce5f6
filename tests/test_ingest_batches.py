"""Files parsed together — a batch whose rosters are cleaned as one frame (ingest.submission.read_submissions), as the
reader workers of ingest.pipeline do — give exactly the rows each file gives on its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import ingest.submission
from ingest import lake, pipeline
from ingest.demo.forms import Layout, write_roster
from ingest.demo.people import district_units, synthetic_roster
from ingest.errors import SubmissionError
from ingest.receive import Receipt, load_receipts, receive, scan_inbox
from ingest.reference import load_reference
from ingest.settings import load_settings
from ingest.submission import ParsedSubmission, read_submission, read_submissions

FORMS = [
    Layout(),
    Layout(birth_columns="split", date_style="dmy", footer=True),
    Layout(encoding="tcvn3", headers="short", column_numbers=True),
    Layout(fmt="xls", encoding="nfd", date_style="iso", cover_sheet=True),
    Layout(fmt="csv", date_style="year", bodies_per_row="one_per_row"),
    Layout(title_block=False, old_tone_marks=True, gender_style="mf"),
]
# No missing_gender: the split Nam/Nữ form cannot leave it out.
BAD_ROWS = {"missing_name": 1, "bad_birth_date": 2, "unknown_ethnicity": 1, "unknown_body": 1}


def _write_inbox(folder: Path, count: int) -> list[Path]:
    """``count`` rosters of the demo's invented people in the forms above, a few bad rows in each; the first two
    files list the same people (under two units and dates), which must stay two sets of memberships."""
    folder.mkdir(parents=True, exist_ok=True)
    units, paths = district_units(), []
    for i in range(count):
        unit, layout = units[i % len(units)], FORMS[i % len(FORMS)]
        as_of = date(2020 - i // len(units), 10, 15) if i != 1 else date(2015, 10, 15)
        roster = synthetic_roster(unit, as_of, unit.name, with_training=i % 3 == 0, bad_rows=BAD_ROWS)
        if i == 1:
            roster = replace(synthetic_roster(units[0], date(2020, 10, 15), unit.name, bad_rows=BAD_ROWS),
                             as_of=as_of)
        paths.append(write_roster(folder / f"{unit.code}_{as_of.isoformat()}.{layout.fmt}", roster, layout))
    return paths


def _same(batched: ParsedSubmission | SubmissionError, alone: ParsedSubmission | SubmissionError) -> None:
    assert type(batched) is type(alone)
    if isinstance(alone, SubmissionError):
        assert (batched.code, batched.message) == (alone.code, alone.message)
        return
    assert batched.identity == alone.identity and batched.rows_total == alone.rows_total
    for table in ("memberships", "training", "rejected"):
        assert getattr(batched, table).equals(getattr(alone, table)), table


def _alone(path: Path, settings) -> ParsedSubmission | SubmissionError:
    try:
        return read_submission(path, path.name, load_reference(), settings)
    except SubmissionError as error:
        return error


@pytest.mark.parametrize("batch_cells", [ingest.submission.BATCH_CELLS, 1500])
def test_a_batch_gives_each_file_the_rows_it_gives_alone(tmp_path, monkeypatch, batch_cells):
    """Also when the files held reach BATCH_CELLS (here every two or three files) and are cleaned before the rest."""
    monkeypatch.setattr(ingest.submission, "BATCH_CELLS", batch_cells)
    settings = load_settings(env={})
    paths = _write_inbox(tmp_path / "inbox", 7)
    broken = tmp_path / "inbox" / "183_2020-10-15.xlsx"
    broken.write_bytes(b"PK\x03\x04 half a workbook")
    paths.insert(3, broken)
    batched = read_submissions([(p, p.name) for p in paths], load_reference(), settings)
    assert len(batched) == len(paths)
    for path, result in zip(paths, batched):
        _same(result, _alone(path, settings))
    assert isinstance(batched[3], SubmissionError) and batched[3].code == "not_a_spreadsheet"
    parsed = [r for r in batched if isinstance(r, ParsedSubmission)]
    assert all(r.rows_rejected > 0 for r in parsed)
    # The same people in two files of one batch: each file keeps all its memberships.
    keys = [set(r.memberships["person_key"]) for r in batched[:2]]
    assert keys[0] == keys[1] and batched[1].memberships.height == batched[0].memberships.height


def test_an_unforeseen_error_in_one_file_spares_the_rest_of_its_batch(tmp_path, monkeypatch):
    settings = load_settings(inbox=tmp_path / "inbox", warehouse=tmp_path / "warehouse", env={})
    _write_inbox(settings.inbox, 4)
    for inbox_file in scan_inbox(settings.inbox):
        receive(inbox_file, settings.archive)
    receipts = sorted(load_receipts(settings.archive), key=lambda r: r.arrivals[0].file_name)
    culprit = receipts[2].arrivals[0].file_name
    identify = ingest.submission.identify

    def failing(header, file_name, reference):
        if file_name == culprit:
            raise ZeroDivisionError("a bug the reader did not foresee")
        return identify(header, file_name, reference)

    monkeypatch.setattr(ingest.submission, "identify", failing)
    results = pipeline._parse(receipts, settings, load_reference())
    assert [r.code for r in results if isinstance(r, SubmissionError)] == ["internal_error"]
    assert isinstance(results[2], SubmissionError) and "ZeroDivisionError" in results[2].message
    for receipt, result in zip(receipts, results):
        if receipt.arrivals[0].file_name != culprit:
            path = settings.archive / receipt.archived_name
            _same(result, read_submission(path, receipt.arrivals[0].file_name, load_reference(), settings))


def test_many_new_files_go_through_the_reader_workers_in_batches_and_land_as_read_alone(tmp_path):
    settings = load_settings(inbox=tmp_path / "inbox", warehouse=tmp_path / "warehouse", env={})
    _write_inbox(settings.inbox, pipeline.PARALLEL_FROM_FILES + 2)
    (settings.inbox / "183_2020-10-15.xlsx").write_bytes(b"PK\x03\x04 half a workbook")
    files = pipeline.PARALLEL_FROM_FILES + 3
    lines: list[str] = []
    pipeline.ingest_inbox(settings, log=lines.append)
    # Workers report one message per batch: progress, then each file it read; nothing is read a second time.
    progress = [line.split("\n")[0] for line in lines if line.split("\n")[0].endswith("files read")]
    assert len(progress) > 1 and progress[-1] == f"[{files}/{files}] files read"
    text = "\n".join(lines).splitlines()
    assert all(sum(line.startswith(f"read {path.name}: ") for line in text) == 1
               for path in settings.inbox.iterdir())
    assert [line for line in text if "refused" in line] == [
        "read 183_2020-10-15.xlsx: unit 183, as of 2020-10-15 — refused: not_a_spreadsheet"]
    assert not [line for line in text if "died" in line or "identifying" in line]
    alone_lake = tmp_path / "alone"
    receipts = [r for r in load_receipts(settings.archive) if not r.error_code]
    assert len(receipts) == files - 1
    for receipt in receipts:
        parsed = read_submission(settings.archive / receipt.archived_name, receipt.arrivals[0].file_name,
                                 load_reference(), settings)
        assert (receipt.unit_code, receipt.as_of_date) == (parsed.identity.unit_code,
                                                           parsed.identity.as_of_date.isoformat())
        lake.write_rows(alone_lake, receipt.unit_code, receipt.sha256, parsed.identity.as_of_date, {
            "memberships": parsed.memberships, "training": parsed.training, "rejected_rows": parsed.rejected})
        for table in lake.ROW_TABLES:
            landed = lake.read_rows(settings.lake, table, receipt.unit_code, receipt.sha256)
            assert landed.height > 0 or table == "training"
            assert landed.equals(lake.read_rows(alone_lake, table, receipt.unit_code, receipt.sha256)), table


@pytest.mark.parametrize(("files", "workers"), [(704, 2), (20, 2), (17, 2), (3, 1)])
def test_batches_are_consecutive_and_give_every_worker_several(files, workers):
    receipts = [Receipt(f"{i:064x}", ".xlsx") for i in range(files)]
    batches = pipeline._batches(receipts, workers)
    assert [r for batch in batches for r in batch] == receipts
    assert all(0 < len(batch) <= pipeline.BATCH_FILES for batch in batches)
    assert len(batches) >= min(files, 4 * workers)
    if files == 704:
        assert max(len(batch) for batch in batches) == pipeline.BATCH_FILES
