"""Writing files so that a reader or a crash never sees half of one.

Each file is written beside its target, flushed to disk, then renamed over the target: a rename is atomic, so
readers see the old file or the new one. The temporary file is created with the process's umask, as every other
writer's files are, so the run's umask alone decides who may read what it writes (``ingest.modes``).
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import polars as pl


class ChangedWhileCopying(Exception):
    """The source's content was not the one expected: it changed since it was hashed (a copy still running)."""


def copy_atomically(source: Path, path: Path, sha256: str) -> None:
    """Copy ``source`` to ``path`` (flushed to disk before it takes the name), a block at a time, so that however
    large the file, it is never held in memory. Raises ChangedWhileCopying, leaving ``path`` untouched, unless the
    bytes copied hash to ``sha256``: a content-addressed file never holds other content than its name says."""

    def copy(target: BinaryIO) -> None:
        digest = hashlib.sha256()
        with source.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
                target.write(block)
        if digest.hexdigest() != sha256:
            raise ChangedWhileCopying(f"{source} changed while it was being archived")

    _write_atomically(path, copy)


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    _write_atomically(path, lambda target: target.write(content))


def link_atomically(source: Path, path: Path) -> None:
    """Give ``path`` the content of ``source`` as a second name of the same file (a hard link, renamed over
    ``path``): no file to allocate and nothing to flush, which on ext4 costs several times less than writing one.
    Only for a ``source`` never changed in place (every file here is replaced, not rewritten). Raises OSError where
    that is not possible (a file system without hard links, ``source`` gone or at its file system's link limit)."""
    _rename_over(path, lambda temporary: os.link(source, temporary))


def _temporary_beside(path: Path) -> Path:
    """A name no other writer uses: a run killed mid-write leaves a stray temporary file, never a clash."""
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def _rename_over(path: Path, create: Callable[[Path], object]) -> None:
    """Make a file beside ``path`` (``create`` is given its name), then rename it over ``path``; if anything fails
    after it was made, it is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary_beside(path)
    try:
        create(temporary)
        os.replace(temporary, path)
    except FileExistsError:  # the name was another writer's (``create`` never reuses one): not ours to remove
        raise
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    def create(temporary: Path) -> None:
        # Not mkstemp: it creates files 0600 whatever the umask, which a group-shared warehouse must not get.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())

    _rename_over(path, create)


def write_parquet_atomically(frame: pl.DataFrame, path: Path) -> None:
    """``write_atomically`` of ``frame`` as Parquet, serialised in memory: one open and one flush of the file."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer, statistics=False)
    write_atomically(path, buffer.getbuffer())
