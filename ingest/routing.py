"""Which unit a file is for, as cheaply as it can be known: how the inbox sensor and a run for some units route
files before (or instead of) parsing them. Not here: parsing (``ingest.submission``)."""

from __future__ import annotations

from pathlib import Path

from ingest import lake
from ingest.errors import SubmissionError
from ingest.parsed import load_parsed
from ingest.reference import Reference
from ingest.settings import Settings
from ingest.submission import identify_file
from ingest.title import Identity


def route_file(path: Path, file_name: str, sha256: str, settings: Settings, reference: Reference) -> Identity:
    """The unit and as-of date of the file at ``path``: what parsing its content found, if it was parsed, else its
    title block or file name. Raises SubmissionError when none of them tells."""
    record = load_parsed(settings.parsed, sha256, lake.parser_version(settings.seeds))
    if record is not None and record.unit_code is not None:
        return Identity(record.unit_code, record.as_of)
    if record is not None:  # parsed, and no unit found: refused as a whole
        raise SubmissionError(record.error_code, record.error_message)
    return identify_file(path, file_name, reference, settings)
