"""How a submission's rows reach the lake's files: a table it has no rows in gets the table's empty file under
another name (a hard link), never a file of other bytes, whatever the empty file's state or the file system's limits.
"""

from __future__ import annotations

import errno
import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from ingest import files, lake

SHA = "ab" * 32
AS_OF = date(2025, 12, 31)


def _people() -> pl.DataFrame:
    return pl.DataFrame({"source_row": [7, 8], "full_name": ["Hoàng Thị Mai", "Lò Văn Páo"]})


def _empty(root: Path, table: str) -> Path:
    return lake.unit_folder(root, table, "none") / "empty.parquet"


def _submission_file(root: Path, table: str, unit: str = "05977", sha256: str = SHA) -> Path:
    return lake.unit_folder(root, table, unit) / f"{sha256}.parquet"


def test_tables_without_rows_are_the_empty_file_under_the_submissions_name(tmp_path):
    lake.ensure_tables(tmp_path)
    lake.write_rows(tmp_path, "05977", SHA, AS_OF, {"memberships": _people()})
    for table in ("training", "rejected_rows"):
        written = _submission_file(tmp_path, table)
        assert os.path.samefile(written, _empty(tmp_path, table))
        read = pl.read_parquet(written)
        assert read.height == 0 and read.schema == pl.Schema(lake.SCHEMAS[table])
    members = pl.read_parquet(_submission_file(tmp_path, "memberships"))
    assert members["full_name"].to_list() == ["Hoàng Thị Mai", "Lò Văn Páo"]
    assert members["submission_sha256"].unique().to_list() == [SHA]
    assert not os.path.samefile(_submission_file(tmp_path, "memberships"), _empty(tmp_path, "memberships"))


def test_an_empty_file_of_another_schema_is_rewritten_before_anything_is_linked_to_it(tmp_path):
    stale = _empty(tmp_path, "training")
    stale.parent.mkdir(parents=True)
    pl.DataFrame({"year": pl.Series([], dtype=pl.Int32)}).write_parquet(stale)
    lake.ensure_tables(tmp_path)
    lake.write_rows(tmp_path, "05977", SHA, AS_OF, {"memberships": _people()})
    assert pl.read_parquet(_submission_file(tmp_path, "training")).schema == pl.Schema(lake.SCHEMAS["training"])


def test_a_removed_empty_file_is_written_again_and_linked(tmp_path):
    lake.ensure_tables(tmp_path)
    _empty(tmp_path, "rejected_rows").unlink()
    lake.write_rows(tmp_path, "05977", SHA, AS_OF, {"memberships": _people()})
    assert os.path.samefile(_submission_file(tmp_path, "rejected_rows"), _empty(tmp_path, "rejected_rows"))
    assert pl.read_parquet(_empty(tmp_path, "rejected_rows")).schema == pl.Schema(lake.SCHEMAS["rejected_rows"])


def _refusing_links(monkeypatch, code: int, times: int, table: str | None = None) -> list[int]:
    """os.link as in ingest.files failing ``times`` times with ``code`` (a file system at its link limit, or one
    without hard links) for links to ``table``'s files (default: any), then linking."""
    refused, link = [], os.link

    def limited(source, target):
        if len(refused) < times and (table is None or Path(source).parts[-3] == table):
            refused.append(code)
            raise OSError(code, os.strerror(code))
        return link(source, target)

    monkeypatch.setattr(files.os, "link", limited)
    return refused


def test_at_the_link_limit_a_new_empty_file_takes_the_next_links_and_the_earlier_keep_theirs(tmp_path, monkeypatch):
    lake.ensure_tables(tmp_path)
    lake.write_rows(tmp_path, "05977", "01" * 32, AS_OF, {"memberships": _people()})
    earlier = _submission_file(tmp_path, "training", sha256="01" * 32)
    refused = _refusing_links(monkeypatch, errno.EMLINK, times=1, table="training")
    lake.write_rows(tmp_path, "05977", SHA, AS_OF, {"memberships": _people()})
    assert refused == [errno.EMLINK]
    later = _submission_file(tmp_path, "training")
    assert os.path.samefile(later, _empty(tmp_path, "training"))
    assert not os.path.samefile(earlier, later)
    assert os.path.samefile(_submission_file(tmp_path, "rejected_rows"), _empty(tmp_path, "rejected_rows"))
    assert pl.read_parquet(earlier).schema == pl.read_parquet(later).schema == pl.Schema(lake.SCHEMAS["training"])


@pytest.mark.parametrize("code", [errno.EPERM, errno.EXDEV])
def test_where_no_link_can_be_made_the_empty_file_is_written(tmp_path, monkeypatch, code):
    lake.ensure_tables(tmp_path)
    _refusing_links(monkeypatch, code, times=10)
    lake.write_rows(tmp_path, "05977", SHA, AS_OF, {"memberships": _people()})
    for table in ("training", "rejected_rows"):
        written = _submission_file(tmp_path, table)
        assert not os.path.samefile(written, _empty(tmp_path, table))
        assert written.read_bytes() == _empty(tmp_path, table).read_bytes()
    assert [p.name for p in lake.unit_folder(tmp_path, "training", "05977").iterdir()] == [f"{SHA}.parquet"]


def test_a_link_that_cannot_take_its_name_leaves_no_temporary_file(tmp_path):
    source = tmp_path / "empty.parquet"
    source.write_bytes(b"PAR1")
    target = tmp_path / "unit=05977" / "taken"
    target.mkdir(parents=True)  # a folder where the file should go: the rename fails
    with pytest.raises(OSError):
        files.link_atomically(source, target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["taken"]
