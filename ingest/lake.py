"""The lake: Parquet files per table and unit that dbt reads as sources (docs/lake-contract.md).

Rows of a parsed submission are written once per file content (``<sha256>.parquet``); which of them count is decided
by ``submissions.status``. Every write replaces a whole file atomically, so dbt never reads half of one.
"""

from __future__ import annotations

import errno
import hashlib
import io
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl

from ingest.files import link_atomically, write_atomically, write_parquet_atomically

KEYS = {"submission_sha256": pl.String, "unit_code": pl.String, "as_of_date": pl.Date}
SCHEMAS = {
    "memberships": {
        **KEYS, "source_row": pl.Int32, "person_key": pl.String, "full_name": pl.String, "birth_date": pl.Date,
        "birth_year": pl.Int32, "age_years": pl.Int32, "gender": pl.String, "ethnic_code": pl.String,
        "body_code": pl.String, "term": pl.String, "education_code": pl.String, "political_theory_code": pl.String,
        "position": pl.String, "organisation": pl.String,
    },
    "rejected_rows": {
        **KEYS, "sheet_name": pl.String, "source_row": pl.Int32, "reason_code": pl.String, "message": pl.String,
        "full_name": pl.String,
    },
    "training": {**KEYS, "source_row": pl.Int32, "year": pl.Int32, "metric_code": pl.String, "value": pl.Int64},
    "submissions": {
        "file_name": pl.String, "sha256": pl.String, "unit_code": pl.String, "as_of_date": pl.Date,
        "received_at": pl.Datetime("us"), "status": pl.String, "rows_total": pl.Int32, "rows_accepted": pl.Int32,
        "rows_rejected": pl.Int32, "message": pl.String, "feedback_file": pl.String,
    },
}
ROW_TABLES = ("memberships", "rejected_rows", "training")
UNIDENTIFIED = "unidentified"


@cache
def parser_version(seeds: Path) -> str:
    """A hash of everything that decides how a file is parsed (ingest's code and layout tables, the seeds in
    ``seeds``); a change re-parses archived files."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in sorted([*here.glob("*.py"), *here.glob("tcvn3/*.py"), *here.glob("layout/*.csv"),
                        *here.glob("tcvn3/*.csv"), *seeds.glob("*.csv")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def unit_folder(lake: Path, table: str, unit_code: str) -> Path:
    return lake / table / f"unit={unit_code}"


def conform(frame: pl.DataFrame, table: str, constants: dict[str, object] | None = None) -> pl.DataFrame:
    """``frame`` with exactly the table's columns, types and order; ``constants`` give columns one value each."""
    schema, constants = SCHEMAS[table], constants or {}
    if frame.width == 0:  # a select of literals only would make one row
        return pl.DataFrame(schema=schema)
    return frame.select(
        (pl.lit(constants[c]) if c in constants else pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in schema.items()
    )


@cache
def _empty_parquet(table: str) -> bytes:
    """The Parquet file of a submission without rows in ``table``: the same bytes for every submission."""
    buffer = io.BytesIO()
    conform(pl.DataFrame(), table).write_parquet(buffer, statistics=False)
    return buffer.getvalue()


def write_rows(lake: Path, unit_code: str, sha256: str, as_of: date, tables: dict[str, pl.DataFrame]) -> None:
    """The parsed rows of one submission, one file per table. Most submissions have no training or rejected rows:
    their file is then another name of the table's empty file (``_write_empty``)."""
    keys = {"submission_sha256": sha256, "unit_code": unit_code, "as_of_date": as_of}
    for table in ROW_TABLES:
        path = unit_folder(lake, table, unit_code) / f"{sha256}.parquet"
        frame = tables.get(table)
        if frame is None or frame.is_empty():
            _write_empty(lake, table, path)
        else:
            write_parquet_atomically(conform(frame, table, keys), path)


def _empty_file(lake: Path, table: str) -> Path:
    return unit_folder(lake, table, "none") / "empty.parquet"


def _write_empty(lake: Path, table: str, path: Path) -> None:
    """``path`` as a hard link to the table's empty file (which ``ensure_tables`` keeps current): thousands of small
    submissions a run otherwise create as many files with the same bytes. If that file is gone or has as many links
    as its file system allows, it is written anew (the files linked before keep the old one); where no link can be
    made, ``path`` is written."""
    empty = _empty_file(lake, table)
    try:
        link_atomically(empty, path)
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.EMLINK):
            write_atomically(empty, _empty_parquet(table))
            link_atomically(empty, path)
        else:
            write_atomically(path, _empty_parquet(table))


def write_submissions(lake: Path, unit_code: str, rows: list[dict]) -> None:
    frame = conform(pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame(), "submissions")
    write_parquet_atomically(frame, unit_folder(lake, "submissions", unit_code) / "submissions.parquet")


def ensure_tables(lake: Path) -> None:
    """An empty file with the schema per table, so dbt's globs match before any unit has reported; rewritten when
    its bytes are not the current schema's, since empty submissions are linked to it."""
    for table in SCHEMAS:
        path = _empty_file(lake, table)
        try:
            current = path.read_bytes() == _empty_parquet(table)
        except FileNotFoundError:
            current = False
        if not current:
            write_atomically(path, _empty_parquet(table))
