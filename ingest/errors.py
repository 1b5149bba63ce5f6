"""Why a whole submission file is refused. The rest of the inbox always proceeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.title import Identity


class SubmissionError(Exception):
    """A file-level rejection: ``code`` (seed ``reasons``, scope file) for machines, ``message`` (Vietnamese, then
    English, with the details of this file) for the clerk, and ``identity``: the unit and as-of date the file names
    though they are refused (a unit that does not exist on that date, a date still to come), so its clerk still gets
    feedback."""

    def __init__(self, code: str, message: str, identity: Identity | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.identity = identity


@dataclass(frozen=True)
class Refused:
    """What reading a file refused as a whole gives: the error, and the unit and as-of date when they are known
    all the same (from the title block or the file name), so the clerk still gets feedback."""

    code: str
    message: str
    identity: Identity | None = None

    @classmethod
    def of(cls, error: SubmissionError, identity: Identity | None = None) -> Refused:
        return cls(error.code, error.message, identity)
