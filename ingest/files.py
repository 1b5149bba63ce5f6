"""Writing files so that a reader or a crash never sees half of one.

Each file is written beside its target, flushed to disk, made readable like any other file (mkstemp creates it
private), then renamed over the target: a rename is atomic, so readers see the old file or the new one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl

FILE_MODE = 0o644


def _fsync(path: str | Path) -> None:
    with open(path, "rb") as stream:
        os.fsync(stream.fileno())


def copy_atomically(source: Path, path: Path) -> None:
    """Copy ``source`` to ``path`` (flushed to disk before it takes the name)."""
    write_atomically(path, source.read_bytes())


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_parquet_atomically(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        frame.write_parquet(temporary, statistics=False)
        _fsync(temporary)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
