"""Files parsed together — a batch whose rosters are cleaned as one frame (ingest.submission.read_submissions), as the
reader workers of ingest.parsing do — give exactly the rows each file gives on its own."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import ingest.submission
from ingest import lake, parsing, pipeline
from ingest.errors import Refused
from ingest.parsed import load_parsed
from ingest.receive import Receipt, load_receipts, receive, scan_inbox
from ingest.reference import load_reference
from ingest.settings import load_settings
from ingest.submission import ParsedSubmission, read_submissions
from samples.forms import Layout, write_roster
from samples.people import district_units, synthetic_roster

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


def _same(batched: ParsedSubmission | Refused, alone: ParsedSubmission | Refused) -> None:
    assert type(batched) is type(alone)
    if isinstance(alone, Refused):
        assert (batched.code, batched.message) == (alone.code, alone.message)
        return
    assert batched.identity == alone.identity and batched.rows_total == alone.rows_total
    for table in ("memberships", "training", "rejected"):
        assert getattr(batched, table).equals(getattr(alone, table)), table


def _alone(path: Path, settings, file_name: str | None = None) -> ParsedSubmission | Refused:
    [result] = read_submissions([(path, file_name or path.name)], load_reference(settings.seeds), settings)
    return result


@pytest.mark.parametrize("batch_cells", [ingest.submission.BATCH_CELLS, 1500])
def test_a_batch_gives_each_file_the_rows_it_gives_alone(tmp_path, monkeypatch, batch_cells):
    """Also when the files held reach BATCH_CELLS (here every two or three files) and are cleaned before the rest."""
    monkeypatch.setattr(ingest.submission, "BATCH_CELLS", batch_cells)
    settings = load_settings(env={})
    paths = _write_inbox(tmp_path / "inbox", 7)
    broken = tmp_path / "inbox" / "183_2020-10-15.xlsx"
    broken.write_bytes(b"PK\x03\x04 half a workbook")
    paths.insert(3, broken)
    batched = read_submissions([(p, p.name) for p in paths], load_reference(load_settings(env={}).seeds), settings)
    assert len(batched) == len(paths)
    for path, result in zip(paths, batched):
        _same(result, _alone(path, settings))
    assert isinstance(batched[3], Refused) and batched[3].code == "not_a_spreadsheet"
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
    receipts = sorted(load_receipts(settings.archive), key=lambda r: r.file_name)
    culprit = receipts[2].file_name
    identify = ingest.submission.identify

    def failing(header, file_name, reference):
        if file_name == culprit:
            raise ZeroDivisionError("a bug the reader did not foresee")
        return identify(header, file_name, reference)

    monkeypatch.setattr(ingest.submission, "identify", failing)
    results = parsing.read_batch(receipts, settings, load_reference(settings.seeds))
    assert [r.code for r in results if isinstance(r, Refused)] == ["internal_error"]
    assert isinstance(results[2], Refused) and "ZeroDivisionError" in results[2].message
    for receipt, result in zip(receipts, results):
        if receipt.file_name != culprit:
            _same(result, _alone(settings.archive / receipt.archived_name, settings, receipt.file_name))


def _landed_as_read_alone(settings, alone_lake: Path) -> int:
    """Every parsed file's lake rows are those it gives read alone (written to ``alone_lake``); how many files."""
    version = lake.parser_version(settings.seeds)
    records = [load_parsed(settings.parsed, r.sha256, version) for r in load_receipts(settings.archive)]
    records = [r for r in records if not r.error_code]
    for record in records:
        receipt = next(r for r in load_receipts(settings.archive) if r.sha256 == record.sha256)
        parsed = _alone(settings.archive / receipt.archived_name, settings, receipt.file_name)
        assert (record.unit_code, record.as_of) == (parsed.identity.unit_code, parsed.identity.as_of_date)
        lake.write_rows(alone_lake, record.unit_code, record.sha256, parsed.identity.as_of_date, {
            "memberships": parsed.memberships, "training": parsed.training, "rejected_rows": parsed.rejected})
        for table in lake.ROW_TABLES:
            name = f"{record.sha256}.parquet"
            landed = pl.read_parquet(lake.unit_folder(settings.lake, table, record.unit_code) / name)
            assert landed.height > 0 or table == "training"
            assert landed.equals(pl.read_parquet(lake.unit_folder(alone_lake, table, record.unit_code) / name)), table
    return len(records)


def test_many_new_files_go_through_the_reader_workers_in_batches_and_land_as_read_alone(tmp_path):
    settings = load_settings(inbox=tmp_path / "inbox", warehouse=tmp_path / "warehouse", env={})
    _write_inbox(settings.inbox, parsing.PARALLEL_FROM_FILES + 2)
    (settings.inbox / "183_2020-10-15.xlsx").write_bytes(b"PK\x03\x04 half a workbook")
    files = parsing.PARALLEL_FROM_FILES + 3
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
    assert _landed_as_read_alone(settings, tmp_path / "alone") == files - 1


def _polars_here() -> tuple[int, str]:
    return pl.thread_pool_size(), os.environ["_RJEM_MALLOC_CONF"]


def test_a_reader_worker_runs_polars_on_one_thread_and_keeps_the_memory_it_frees(monkeypatch):
    monkeypatch.setenv("_RJEM_MALLOC_CONF", "narenas:2")  # an operator's own allocator option
    # This module imports polars when a worker unpickles the task, as ingest.parsing does.
    with parsing.reader_pool(2) as pool:
        threads, allocator = pool.submit(_polars_here).result()
    assert threads == 1
    # polars puts its own settings first; the last of an option's values is the one jemalloc keeps.
    assert allocator.split(",")[-3:] == ["narenas:2", "dirty_decay_ms:-1", "muzzy_decay_ms:-1"]
    assert os.environ["_RJEM_MALLOC_CONF"] == "narenas:2"  # the parent's is its own


def test_a_few_new_files_are_read_as_one_batch_here_naming_each_before_it_is_opened(tmp_path):
    settings = load_settings(inbox=tmp_path / "inbox", warehouse=tmp_path / "warehouse", env={})
    _write_inbox(settings.inbox, 4)
    lines: list[str] = []
    pipeline.ingest_inbox(settings, log=lines.append)
    order = [r.file_name for r in load_receipts(settings.archive)]
    read = [line for line in lines if line.startswith(("[", "read "))]
    # Each file named before it is opened, in order, then what each gave: one batch, not a file at a time.
    assert read[:4] == [f"[{i + 1}/4] identifying {name}" for i, name in enumerate(order)]
    assert [line.split(":")[0] for line in read[4:]] == [f"read {name}" for name in order]
    assert _landed_as_read_alone(settings, tmp_path / "alone") == 4


@pytest.mark.parametrize(("files", "workers"), [(704, 2), (20, 2), (17, 2), (3, 1)])
def test_batches_are_consecutive_and_give_every_worker_several(files, workers):
    receipts = [Receipt(f"{i:064x}", ".xlsx") for i in range(files)]
    batches = parsing._batches(receipts, workers)
    assert [r for batch in batches for r in batch] == receipts
    assert all(0 < len(batch) <= parsing.BATCH_FILES for batch in batches)
    assert len(batches) >= min(files, 4 * workers)
    if files == 704:
        assert max(len(batch) for batch in batches) == parsing.BATCH_FILES
