"""Receive the inbox: archive every file unchanged, keyed by its content, and remember how it arrived.

``archive/<sha256>.<ext>`` is the file; ``archive/<sha256>.json`` its receipt: every name it arrived under with
the time it arrived. A receipt only ever gains arrivals; what parsing found out about the file is the parse cache's
(``ingest.parsed``). Nothing is ever deleted or overwritten with different content, so a bad file can always be
looked at again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ingest.files import ChangedWhileCopying, copy_atomically, write_atomically

# Office lock files and half-finished copies by common tools: not submissions.
IGNORED_PREFIXES = ("~$", ".")
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Arrival:
    file_name: str
    received_at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class Receipt:
    sha256: str
    extension: str
    arrivals: tuple[Arrival, ...] = ()

    @property
    def file_name(self) -> str:
        """The name it first arrived under: the one its rows, messages and feedback go by."""
        return self.arrivals[0].file_name

    @property
    def archived_name(self) -> str:
        return f"{self.sha256}{self.extension}"


@dataclass(frozen=True)
class InboxFile:
    path: Path
    file_name: str
    sha256: str
    received_at: str


def display_name(relative: str) -> str:
    """The name a clerk would recognise (its path in the inbox), made safe to print and store: NFC, no control
    characters."""
    text = unicodedata.normalize("NFC", relative)
    if text.isprintable():  # no character of category C (nor a separator but the space): nothing to replace
        return text
    return "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in text)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop leads nowhere, so not inside either
        return False


def _entries(inbox: Path, folder: str = "") -> Iterator[tuple[os.DirEntry, str]]:
    """(entry, its path relative to ``inbox``) of every file or link under it, folder by folder in name order, not
    entering linked folders (a warning each). The directory listing's own file types and one ``stat`` a file, for an
    inbox of thousands of files is scanned on every sensor tick."""
    try:
        with os.scandir(inbox / folder if folder else inbox) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as error:
        logger.warning("skipped %s for now: %s", display_name(folder or "."), error.strerror or error)
        return
    for entry in entries:
        relative = f"{folder}/{entry.name}" if folder else entry.name
        if not _is_folder(entry):
            yield entry, relative
        elif entry.is_symlink():
            logger.warning("skipped %s: a linked folder is not entered", display_name(relative))
        else:
            yield from _entries(inbox, relative)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop: not a folder (scan_inbox tells it is a link that leads nowhere)
        return False


def scan_inbox(inbox: Path) -> list[InboxFile]:
    """Regular files under ``inbox`` (recursively), never following a link that leads outside it.

    Skipped, with a warning and nothing recorded: links leading outside the inbox (or nowhere), and files and
    folders that cannot be read now (they are tried again by the next run). Folders, pipes and other special files
    are never opened. Linked folders are not entered.
    """
    found = []
    for entry, relative in _entries(inbox):
        name, path = entry.name, Path(entry.path)
        if name.startswith(IGNORED_PREFIXES) or name.lower().endswith(IGNORED_SUFFIXES):
            continue
        if entry.is_symlink() and not (path.exists() and _inside(path, inbox)):
            logger.warning("skipped %s: a link that leads outside the inbox, or nowhere", display_name(relative))
            continue
        if not entry.is_file():
            continue
        try:
            stat = entry.stat()
            sha256 = _sha256(path)
        except OSError as error:
            logger.warning("skipped %s for now: %s", display_name(relative), error.strerror or error)
            continue
        received = datetime.fromtimestamp(stat.st_mtime, UTC).replace(microsecond=0)
        found.append(InboxFile(path, display_name(relative), sha256, received.isoformat()))
    return sorted(found, key=lambda f: (f.received_at, f.file_name))


def load_receipt(archive: Path, sha256: str) -> Receipt | None:
    try:
        data = json.loads((archive / f"{sha256}.json").read_bytes())
    except FileNotFoundError:
        return None
    # Receipts written before the parse cache also hold what parsing found: that is the cache's now.
    return Receipt(data["sha256"], data["extension"], tuple(Arrival(**a) for a in data["arrivals"]))


def save_receipt(archive: Path, receipt: Receipt) -> None:
    text = json.dumps(asdict(receipt), ensure_ascii=False, indent=1, sort_keys=True)
    write_atomically(archive / f"{receipt.sha256}.json", text.encode("utf-8"))


def load_receipts(archive: Path, known: Mapping[str, Receipt] | None = None) -> list[Receipt]:
    """Every receipt of the archive; those in ``known`` (just returned by ``receive``) are not read again."""
    known = known or {}
    return [r for p in sorted(archive.glob("*.json")) if (r := known.get(p.stem) or load_receipt(archive, p.stem))]


def receive(inbox_file: InboxFile, archive: Path) -> Receipt | None:
    """Archive ``inbox_file`` if its content is new and record this arrival; returns its receipt.

    A file that changed since it was hashed (still being copied into the inbox) or has gone is not received now, with
    a warning: the next run receives what it has become.
    """
    receipt = load_receipt(archive, inbox_file.sha256) or Receipt(
        inbox_file.sha256, inbox_file.path.suffix.lower()[:10]
    )
    target = archive / receipt.archived_name
    if not target.exists():
        try:
            copy_atomically(inbox_file.path, target, inbox_file.sha256)
        except (ChangedWhileCopying, OSError) as error:
            logger.warning("skipped %s for now: %s", inbox_file.file_name, getattr(error, "strerror", None) or
                           "it changed while it was being archived (still being copied?)")
            return None
    if inbox_file.file_name not in {a.file_name for a in receipt.arrivals}:
        arrivals = [*receipt.arrivals, Arrival(inbox_file.file_name, inbox_file.received_at)]
        receipt = replace(receipt, arrivals=tuple(sorted(arrivals, key=lambda a: (a.received_at, a.file_name))))
        save_receipt(archive, receipt)
    return receipt
