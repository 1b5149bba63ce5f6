"""``cadre-warehouse``: the command line, a thin layer over ``orchestration`` (run the job) and ``samples`` (the
demo inbox). Not here: any step of the pipeline itself."""

from enum import IntEnum


class Exit(IntEnum):
    """The command's exit codes: a contract for schedulers and tests (README.md)."""

    PUBLISHED = 0
    FAILURE = 1  # unexpected failure, or the run stopped before publishing
    USAGE = 2  # bad path, bad setting, no person-key secret on a real inbox
    GATE_BLOCKED = 3  # the quality gate blocked publishing; the previous publication stays untouched
