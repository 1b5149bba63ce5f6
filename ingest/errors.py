"""Why a whole submission file is refused. The rest of the inbox always proceeds."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.title import Identity


class SubmissionError(Exception):
    """A file-level rejection: ``code`` for machines, ``message`` (Vietnamese, then English) for the clerk."""

    def __init__(self, code: str, message: str, identity: Identity | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        # Set when the unit and as-of date are known although the file is refused.
        self.identity = identity
