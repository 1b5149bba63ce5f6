"""Which unit a file is for, as cheaply as it can be known: how the inbox sensor and a run for some units route
files before (or instead of) parsing them. Not here: parsing (``ingest.submission``)."""

from __future__ import annotations

from pathlib import Path

from ingest import lake
from ingest.errors import SubmissionError
from ingest.parsed import load_parsed, load_route, save_route
from ingest.reference import Reference
from ingest.settings import Settings
from ingest.submission import identify_file
from ingest.title import Identity


def route_file(path: Path, file_name: str, sha256: str, settings: Settings, reference: Reference) -> Identity:
    """The unit and as-of date of the file at ``path``: what parsing its content found, if it was parsed (under this
    parser version), else ``route_unparsed``'s. Raises SubmissionError when none tells. Reads only: the inbox
    sensor's way."""
    record = load_parsed(settings.parsed, sha256, lake.parser_version(settings.seeds))
    if record is not None and record.unit_code is not None:
        return Identity(record.unit_code, record.as_of)
    if record is not None:  # parsed, and no unit found: refused as a whole
        raise SubmissionError(record.error_code, record.error_message)
    return route_unparsed(path, file_name, sha256, settings, reference)


def route_unparsed(path: Path, file_name: str, sha256: str, settings: Settings, reference: Reference, *,
                   remember: bool = False) -> Identity:
    """The unit and as-of date of a file without a parse record of this parser version: what identifying it found
    before, else its title block or file name. Raises SubmissionError when neither tells.

    ``remember``: keep what identifying found for the next run (a run does; the sensor only reads). A run for other
    units leaves the file unparsed, and after an upgrade every partition run would otherwise open every archived
    file again, until the nightly run parses them."""
    version = lake.parser_version(settings.seeds)
    if route := load_route(settings.parsed, sha256, version):
        return Identity(*route)
    identity = identify_file(path, file_name, reference, settings)
    if remember:
        save_route(settings.parsed, sha256, version, identity.unit_code, identity.as_of_date)
    return identity
