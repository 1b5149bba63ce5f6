"""The hostile-input corpus (tests/corpus): every case gives its exact outcome, and never stops the others.

Each case is first ingested on its own beside two good files (``ingest_inbox`` on a temporary inbox, fast); then one
real ``cadre-warehouse run`` over the whole corpus (slow; the idempotency, crash and concurrency tests start from it)
shows the run exits 0, records every bad file with its reason, publishes the good ones and nothing it should not, and
prints or records no name or birth date anywhere.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import subprocess
import sys
import zipfile
from datetime import UTC
from functools import cache
from pathlib import Path

import duckdb
import fastexcel
import polars as pl
import pytest

from samples import hostile
from corpus.cases import (AS_OF, CASES, DAMAGED, GOOD, HOSTILE, NAMES_NEVER_INGESTED, Case, write_case,
                          written_birth_dates, written_names)
from corpus.runs import corpus_run, lake_submissions, published_table
from ingest.feedback import UNIDENTIFIED_FOLDER, unidentified_feedback_name
from ingest.pipeline import ingest_inbox
from ingest.settings import Settings, load_settings

MAX_RSS_MB = 150  # reading nothing costs about 70 MB (Python, polars, fastexcel); holding any of these files, gigabytes


def _settings(root: Path, **env: str) -> Settings:
    return load_settings(inbox=root / "inbox", warehouse=root / "warehouse", env=env)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _lake_rows(settings: Settings, table: str, sha256: str) -> pl.DataFrame:
    files = list(settings.lake.glob(f"{table}/unit=*/{sha256}.parquet"))
    assert len(files) == 1, files
    return pl.read_parquet(files[0], hive_partitioning=False).sort("source_row")


def _check_outcome(case: Case, path: Path, rows: dict[str, dict], settings: Settings) -> None:
    """``case``'s row in submissions, its parse record, lake rows and feedback are exactly what it expects."""
    expected = case.expected
    if expected is None:
        assert case.submitted_as not in rows
        return
    row = rows[case.submitted_as]
    assert (row["status"], row["unit_code"], row["as_of_date"]) == (expected.status, expected.unit_code,
                                                                    expected.as_of)
    if expected.message:
        assert (row["message"] or "").startswith(expected.message), row["message"]
    if expected.status == "duplicate":
        return
    record = json.loads((settings.parsed / f"{_sha256(path)}.json").read_text(encoding="utf-8"))
    assert record["error_code"] == expected.code
    assert (row["rows_accepted"], row["rows_rejected"]) == (len(expected.names), len(expected.rejected))
    feedback = expected.feedback
    if expected.status == "rejected" and expected.unit_code is None:  # a refused file of no known unit
        feedback = f"{UNIDENTIFIED_FOLDER}/{unidentified_feedback_name(case.submitted_as, _sha256(path))}"
    assert row["feedback_file"] == feedback
    if feedback:
        assert (settings.feedback / feedback).is_file()
    if expected.code is None:
        members = _lake_rows(settings, "memberships", row["sha256"])
        assert members["full_name"].to_list() == list(expected.names)
        rejected = _lake_rows(settings, "rejected_rows", row["sha256"])
        assert list(zip(rejected["source_row"], rejected["reason_code"])) == list(expected.rejected)
        by_name = {r["full_name"]: r for r in members.iter_rows(named=True)}
        for name, column, value in expected.values:
            assert by_name[name][column] == value, (name, column)


@cache
def _personal() -> tuple[str, ...]:
    return tuple(sorted(written_names() | written_birth_dates()))


def _leaks(text: str) -> list[str]:
    """Names and birth dates of the corpus found in ``text``, as written or as JSON escapes them."""
    return [p for p in _personal() if p in text or json.dumps(p)[1:-1] in text]


@pytest.fixture(scope="module")
def corpus_ingested(tmp_path_factory) -> tuple[Settings, dict[str, Path], list[str]]:
    """The whole corpus ingested at once (no Dagster, no dbt): settings, paths by case id, and every log line."""
    root = tmp_path_factory.mktemp("corpus_ingest")
    settings = _settings(root)
    paths = {c.id: write_case(c, settings.inbox, root / "scratch" / c.id, minute) for minute, c in enumerate(CASES)}
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logging.getLogger().addHandler(handler)
    try:
        ingest_inbox(settings, log=lines.append)
    finally:
        logging.getLogger().removeHandler(handler)
    return settings, paths, lines


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c.id)
def test_each_hostile_file_gives_its_exact_outcome_and_the_good_files_are_still_ingested(case, tmp_path):
    settings = _settings(tmp_path)
    good = [write_case(c, settings.inbox, tmp_path / "scratch" / c.id, minute) for minute, c in enumerate(GOOD)]
    path = write_case(case, settings.inbox, tmp_path / "scratch" / case.id, len(GOOD))
    ingest_inbox(settings, log=lambda _: None)
    rows = {r["file_name"]: r for r in lake_submissions(settings.warehouse).iter_rows(named=True)}
    for good_case, good_path in zip(GOOD, good):
        _check_outcome(good_case, good_path, rows, settings)
    _check_outcome(case, path, rows, settings)
    received = len(GOOD) + (case.expected is not None and case.expected.status != "duplicate")
    assert len(list(settings.archive.glob("*.json"))) == received


def test_the_whole_corpus_in_one_inbox_gives_each_case_its_outcome(corpus_ingested):
    settings, paths, _ = corpus_ingested
    rows = {r["file_name"]: r for r in lake_submissions(settings.warehouse).iter_rows(named=True)}
    for case in CASES:
        _check_outcome(case, paths[case.id], rows, settings)
    assert len(rows) == sum(c.expected is not None for c in CASES)


def test_files_never_received_leave_nothing_in_the_archive_or_the_lake(corpus_ingested):
    settings, _, _ = corpus_ingested
    names = set(pl.read_parquet(settings.lake / "memberships" / "unit=*" / "*.parquet")["full_name"])
    assert not names & set(NAMES_NEVER_INGESTED)
    archived = {p.stem for p in settings.archive.glob("*.json")}
    outside = settings.inbox.parent / "scratch" / "symlink_to_a_file_outside" / "outside" / "Văn Lãng 2021.xlsx"
    assert _sha256(outside) not in archived


def test_skipped_links_are_named_in_a_warning(corpus_ingested):
    _, _, lines = corpus_ingested
    for name in ("Danh sách Văn Lãng 2021.xlsx", "Vòng lặp.xlsx", "Vòng lặp 2.xlsx", "Đã xóa.xlsx"):
        assert f"skipped {name}: a link that leads outside the inbox, or nowhere" in lines
    assert "skipped Thư mục khác: a linked folder is not entered" in lines


def test_feedback_files_hold_only_their_own_units_rows(corpus_ingested):
    settings, _, _ = corpus_ingested
    feedback = sorted(settings.feedback.glob("*.xlsx"))
    expected = sorted(c.expected.feedback for c in CASES if c.expected and c.expected.feedback)
    assert [p.name for p in feedback] == expected
    rejected = pl.read_parquet(settings.lake / "rejected_rows" / "unit=*" / "*.parquet", hive_partitioning=False)
    for path in feedback:
        unit, as_of = path.name.split("_")[:2]
        cells = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string").to_polars()
        listed = [(int(r), name or None) for r, name in cells.slice(6)[:, [0, 2]].rows()]
        own = rejected.filter((pl.col("unit_code") == unit) & (pl.col("as_of_date").cast(pl.String) == as_of))
        assert sorted(listed) == sorted(own.select("source_row", "full_name").rows()), path.name


def test_formula_like_names_stay_text_in_the_feedback_file(corpus_ingested):
    settings, _, _ = corpus_ingested
    feedback = settings.feedback / "184_2020-10-15_phan_hoi.xlsx"
    cells = fastexcel.read_excel(feedback).load_sheet(0, header_row=None, dtypes="string").to_polars()
    assert cells.slice(6)[:, 2].to_list() == list(c for c in ('=HYPERLINK("http://example.invalid","Bấm vào đây")',
                                                                "+84912345678", "-Nguyễn Văn A", "@Lan"))
    with zipfile.ZipFile(feedback) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_no_name_or_birth_date_is_logged_by_ingest(corpus_ingested):
    _, _, lines = corpus_ingested
    assert len("\n".join(lines).splitlines()) > len(CASES)  # reader workers log a batch of files in one message
    assert not _leaks("\n".join(lines))


def test_a_partial_copy_is_refused_then_the_completed_file_is_ingested(tmp_path):
    settings = _settings(tmp_path)
    settings.inbox.mkdir(parents=True)
    good = GOOD[0]
    complete = write_case(good, tmp_path / "scratch", tmp_path / "scratch", 0)
    path = hostile.truncated(settings.inbox / "183_2020-10-15.xlsx", complete)
    ingest_inbox(settings, log=lambda _: None)
    first = lake_submissions(settings.warehouse).row(by_predicate=pl.col("status") == "rejected", named=True)
    assert (first["unit_code"], first["as_of_date"], first["feedback_file"]) == ("183", AS_OF,
                                                                                 "183_2020-10-15_phan_hoi.xlsx")
    assert first["message"].startswith(DAMAGED)
    path.write_bytes(complete.read_bytes())  # the copy finishes; the file's time moves on
    os.utime(path, (first["received_at"].replace(tzinfo=UTC).timestamp() + 3600,) * 2)
    ingest_inbox(settings, log=lambda _: None)
    rows = lake_submissions(settings.warehouse).sort("received_at").select("status", "sha256").rows()
    assert rows == [("rejected", first["sha256"]), ("accepted", _sha256(path))]
    assert _lake_rows(settings, "memberships", _sha256(path))["full_name"].to_list() == list(good.expected.names)
    assert not (settings.feedback / "183_2020-10-15_phan_hoi.xlsx").exists()


def test_a_file_that_changes_while_it_is_archived_waits_for_the_next_run(tmp_path, monkeypatch, caplog):
    settings = _settings(tmp_path)
    path = write_case(GOOD[0], settings.inbox, tmp_path / "scratch", 0)
    from ingest import receive

    scanned = receive.scan_inbox

    def scan_then_change(inbox):
        found = scanned(inbox)
        path.write_bytes(path.read_bytes() + b"more bytes arriving")
        return found

    monkeypatch.setattr("ingest.pipeline.scan_inbox", scan_then_change)
    ingest_inbox(settings, log=lambda _: None)
    assert not list(settings.archive.glob("*.xlsx")) and not list(settings.archive.glob("*.json"))
    assert "skipped Danh sách Cao Lộc.xlsx for now: it changed while it was being archived" in caplog.text


def test_a_file_that_cannot_be_read_now_is_skipped_and_the_others_ingested(tmp_path, monkeypatch, caplog):
    settings = _settings(tmp_path)
    for minute, case in enumerate(GOOD):
        write_case(case, settings.inbox, tmp_path / "scratch", minute)
    from ingest import receive

    hashed = receive._sha256

    def refuse_csv(path):
        if path.suffix == ".csv":
            raise PermissionError(13, "Permission denied")
        return hashed(path)

    monkeypatch.setattr(receive, "_sha256", refuse_csv)
    ingest_inbox(settings, log=lambda _: None)
    assert lake_submissions(settings.warehouse)["file_name"].to_list() == [GOOD[0].file_name]
    assert "skipped 182_2020-10-15.csv for now: Permission denied" in caplog.text


# Peak memory of the reading process itself: VmHWM belongs to the process's own memory since exec, whereas
# getrusage's ru_maxrss also carries the high-water mark of the test process it was forked from.
MEASURE = r"""
import json, sys, time
from pathlib import Path
from ingest.errors import SubmissionError
from ingest.settings import load_settings
from ingest.workbook import read_sheets

path = Path(sys.argv[1])
started = time.monotonic()
try:
    read_sheets(path, load_settings(env={}))
    code = None
except SubmissionError as error:
    code = error.code
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"code": code, "seconds": time.monotonic() - started, "max_rss_mb": int(peak.split()[1]) / 1024}))
"""


@pytest.mark.parametrize(("writer", "code"), [
    (hostile.zip_bomb, "too_large"), (hostile.lying_zip, "not_a_spreadsheet"), (hostile.million_rows, "too_large"),
    (hostile.corner_cells, "too_large"), (hostile.wide_sheet, "too_large"),
], ids=["zip_bomb", "zip_understating_its_size", "million_rows", "cells_in_opposite_corners", "5000_columns"])
def test_oversized_workbooks_are_refused_before_parsing_in_bounded_memory(writer, code, tmp_path):
    path = writer(tmp_path / "hostile.xlsx")
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]  # calamine aborts the whole process on a 17-billion-cell sheet
    measured = json.loads(done.stdout)
    assert measured["code"] == code
    assert measured["max_rss_mb"] < MAX_RSS_MB, measured
    assert measured["seconds"] < 10, measured


@pytest.mark.parametrize(("setting", "refusal"), [
    ({"CADRE_MAX_ROWS": "20"}, "có hơn 20 dòng (giới hạn)"), ({"CADRE_MAX_COLUMNS": "6"}, "có hơn 6 cột (giới hạn)"),
    ({"CADRE_MAX_CELLS": "100"}, "cột, hơn 100 ô (giới hạn)"),
    ({"CADRE_MAX_UNCOMPRESSED_MB": "0.001"}, "vượt giới hạn 0 MB"),
], ids=["rows", "columns", "cells", "size"])
def test_limits_come_from_the_settings(tmp_path, setting, refusal):
    settings = _settings(tmp_path, **setting)
    for minute, case in enumerate(GOOD):  # 28 rows × 7 columns, an .xlsx and a CSV
        write_case(case, settings.inbox, tmp_path / "scratch", minute)
    ingest_inbox(settings, log=lambda _: None)
    rows = lake_submissions(settings.warehouse)
    assert rows["status"].to_list() == ["rejected", "rejected"]
    assert all(refusal in message for message in rows["message"]), rows["message"].to_list()


# --- one real run over the whole corpus ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return corpus_run(tmp_path_factory.getbasetemp())


@pytest.mark.slow
def test_run_over_the_hostile_corpus_exits_0(run):
    assert run.returncode == 0, run.explain()
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.slow
def test_every_file_received_is_published_in_submissions_with_its_status_and_reason(run):
    published = {r["file_name"]: r for r in published_table(run.published, "submissions").iter_rows(named=True)}
    expected = {c.submitted_as: c.expected for c in CASES if c.expected}
    assert published.keys() == expected.keys()
    for name, outcome in expected.items():
        row = published[name]
        assert (row["status"], row["area_code"], row["as_of_date"]) == (outcome.status, outcome.unit_code,
                                                                        outcome.as_of), name
        assert (row["message"] or "").startswith(outcome.message or ""), name
    attention = [line for line in run.stdout.splitlines()  # "  ! <file> — <unit>[, <as of>]: <status vi> / <en>"
                 if re.match(r"^  ! .+ — .+: .+ / (rejected|quarantined)$", line)]
    assert len(attention) == sum(o.status in ("rejected", "quarantined") for o in expected.values()), run.stdout


@pytest.mark.slow
def test_files_the_inbox_scan_skips_are_named_in_the_summary(run):
    """A link leading outside the inbox, a linked folder, a dangling link: never received, so the summary names them
    (the run's log has them too)."""
    skipped = [line for line in run.stdout.splitlines() if line.startswith("  ! bỏ qua / skipped ")]
    for name in ("Danh sách Văn Lãng 2021.xlsx", "Thư mục khác", "Đã xóa.xlsx"):
        assert any(f"skipped {name}: " in line for line in skipped), (name, skipped)


@pytest.mark.slow
def test_good_and_partly_rejected_files_are_published_with_exactly_their_accepted_people(run):
    indicators = published_table(run.published, "indicators").filter(
        (pl.col("area_level") == "district") & (pl.col("body_code") == "party_committee")
        & (pl.col("indicator_code") == "female"))
    published = {(r["area_code"], r["as_of_date"]): r["denominator"] for r in indicators.iter_rows(named=True)}
    accepted = {(c.expected.unit_code, c.expected.as_of): len(c.expected.names) for c in CASES
                if c.expected and c.expected.status.startswith("accepted")}
    assert published == accepted  # nothing from refused files, hidden sheets or links leading outside


def _published_text(published: Path) -> str:
    """Every text a BI tool can read from the publication: values of every table (DuckDB and Parquet), the report,
    and the raw bytes of each file."""
    texts = []
    with duckdb.connect(str(published / "warehouse.duckdb"), read_only=True) as con:
        for table, column in con.execute("select table_name, column_name from information_schema.columns").fetchall():
            texts += [str(v) for (v,) in con.execute(f'select distinct "{column}" from "{table}"').fetchall()]
    for path in sorted(published.resolve().rglob("*")):
        if path.suffix == ".parquet":
            texts += [str(v) for column in pl.read_parquet(path).iter_columns() for v in column.unique().to_list()]
        if path.is_file():
            texts.append(html.unescape(path.read_bytes().decode("utf-8", "replace")))
    return "\n".join(texts)


@pytest.mark.slow
def test_no_name_or_birth_date_reaches_a_published_file(run):
    assert not _leaks(_published_text(run.published))
    lake = pl.read_parquet(run.warehouse / "lake" / "memberships" / "unit=*" / "*.parquet", hive_partitioning=False)
    assert len(_leaks("\n".join(lake["full_name"]) + "\n".join(map(str, lake["birth_date"])))) > 300  # the scan finds


@pytest.mark.slow
def test_no_name_or_birth_date_is_printed_or_kept_in_the_dagster_instance(run):
    home = run.warehouse.parent / "dagster_home"
    records = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in records) and any("compute_logs" in p.parts for p in records)
    assert not _leaks(run.stdout + run.stderr)
    for path in records:
        assert not _leaks(path.read_bytes().decode("utf-8", "replace")), path
