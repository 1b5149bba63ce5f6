"""Running twice over the same inbox changes nothing: the second publication's Parquet files are byte for byte the
first's, and no table, lake file, receipt or feedback file gains a row or a byte.

The first run is the shared run over the hostile corpus (tests/corpus/runs.py); the second runs on a copy of its
inbox and warehouse, so the other slow tests still start from the first. The published tables hold no run time:
``submissions.received_at`` is when each file arrived (its time in the inbox), the same in every run, so nothing is
excluded from the comparison (docs/operations.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from corpus.runs import copy_of_corpus_run, start

pytestmark = pytest.mark.slow

KEYS = {
    "indicators": ("area_level", "area_code", "as_of_date", "body_code", "indicator_code"),
    "ethnicity_composition": ("area_level", "area_code", "as_of_date", "body_code", "ethnic_code"),
    "training_recruitment": ("area_code", "year", "metric_code"),
    "submissions": ("file_name", "sha256"),
    "units": ("unit_code",),
    "unit_lineage": ("unit_code", "former_unit_level", "former_unit_name"),
}


def _files(folder: Path, pattern: str = "*") -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob(pattern)) if p.is_file()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    first, root, inbox, warehouse = copy_of_corpus_run(tmp_path_factory, "second_run")
    before = {name: _files(warehouse / name) for name in ("archive", "lake", "feedback")}
    second = start(inbox, warehouse, root / "logs").wait()
    assert second.returncode == 0, second.explain()
    return first, second, before


def test_second_run_publishes_byte_identical_parquet(runs):
    first, second, _ = runs
    assert os.readlink(second.published) != os.readlink(first.published)  # a new release, published again
    assert _files(second.published / "parquet") == _files(first.published / "parquet")
    assert len(_files(first.published / "parquet")) == len(KEYS)


@pytest.mark.parametrize("table", KEYS)
def test_no_published_table_has_a_duplicate_row(runs, table):
    _, second, _ = runs
    frame = pl.read_parquet(second.published / "parquet" / f"{table}.parquet")
    assert frame.height == frame.unique(subset=list(KEYS[table])).height


def test_second_run_adds_nothing_to_the_archive_the_lake_or_the_feedback(runs):
    _, second, before = runs
    for name, files in before.items():
        after = _files(second.warehouse / name)
        changed = sorted(k for k in after.keys() | files.keys() if after.get(k) != files.get(k))
        assert not changed, f"{name}: {changed}"


def test_second_run_counts_each_received_file_once(runs):
    first, second, _ = runs
    published = pl.read_parquet(second.published / "parquet" / "submissions.parquet")
    assert published.height == pl.read_parquet(first.published / "parquet" / "submissions.parquet").height
    assert published.select("sha256", "file_name").is_unique().all()


def test_second_run_writes_the_same_report(runs):
    first, second, _ = runs
    assert (second.published / "report.html").read_bytes() == (first.published / "report.html").read_bytes()
