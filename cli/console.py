"""What the terminal shows while ``cadre-warehouse run`` works: one bilingual line per step of the job, with a count
for the long ones, while Dagster's log and dbt's output go to a log file of the warehouse (``--verbose``: to the
terminal, as before).

The log is what Dagster's console logger writes to stderr and what dagster-dbt copies of dbt's output to stdout,
plus whatever the parse workers and libraries print: so the file takes the process's file descriptors 1 and 2
themselves for the length of the run, and the progress display writes to a copy of the terminal's. The display reads
the run's structured events (step started, asset materialized, check evaluated) through a Dagster logger of its own.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import dagster as dg

from ingest.settings import Settings
from private_hooks.dagster import record_event, record_message, record_step

# The job's steps (orchestration.assembly), in the order they run: what each does, in Vietnamese and English, and
# what its count counts.
STEPS = {
    "lake": ("Nhận và đọc tệp", "receiving and reading the files", "tệp", "files"),
    "dbt_models": ("Dựng bảng bằng dbt", "building the tables with dbt", "bước", "steps"),
    "great_expectations": ("Kiểm tra chất lượng", "checking quality", "", ""),
    "published": ("Công bố", "publishing", "", ""),
    "published_postgres": ("Công bố lên PostgreSQL", "publishing to PostgreSQL", "", ""),
}
# Only with CADRE_PUBLISH_POSTGRES_URL set (orchestration.assembly).
POSTGRES_STEP = "published_postgres"
# ingest logs its progress as "[12/88] files read" (ingest/parsing.py): the display shows the count.
FILES_READ = re.compile(r"^\[(\d+)/(\d+)\]")
DBT_STEP_EVENTS = {dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_CHECK_EVALUATION,
                   dg.DagsterEventType.ASSET_OBSERVATION}
# Without a terminal (cron, a service's journal) lines cannot be redrawn: a long step prints its count this often.
QUIET_SECONDS = 30


class Progress(logging.Handler):
    """Receives every record of the run's log and draws the steps on ``terminal``."""

    def __init__(self, terminal: TextIO, steps: list[str]):
        super().__init__(logging.DEBUG)
        self.terminal = terminal
        self.steps = steps
        self.redraw = terminal.isatty()
        self.step: str | None = None
        self.count = ""
        self.started = self.shown = time.monotonic()

    def emit(self, record: logging.LogRecord) -> None:
        event, step = record_event(record), record_step(record)
        if step not in self.steps:
            return
        if event is None:
            if step == "lake" and (read := FILES_READ.match(record_message(record))):
                self._count(f"{read[1]}/{read[2]}")
            return
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            self._start(step)
        elif kind in DBT_STEP_EVENTS and step == "dbt_models":
            self._count(str(int(self.count or 0) + 1))
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            self._end(step, "xong / done" if kind == dg.DagsterEventType.STEP_SUCCESS else "lỗi / failed")
        elif kind == dg.DagsterEventType.STEP_SKIPPED:
            self._start(step)
            self._end(step, "bỏ qua / skipped")

    def _label(self, step: str) -> str:
        vi, en = STEPS[step][:2]
        return f"[{self.steps.index(step) + 1}/{len(self.steps)}] {vi} / {en}"

    def _counted(self, step: str) -> str:
        vi, en = STEPS[step][2:]
        return f"{self.count} {vi} / {en}" if self.count and vi else ""

    def _start(self, step: str) -> None:
        self.step, self.count, self.started = step, "", time.monotonic()
        self.shown = self.started
        self._write(f"{self._label(step)} …", end="" if self.redraw else "\n")

    def _count(self, count: str) -> None:
        if self.step is None:
            return
        self.count = count
        if self.redraw:
            self._write(f"\r\033[K{self._label(self.step)} … {self._counted(self.step)}", end="")
        elif time.monotonic() - self.shown >= QUIET_SECONDS:
            self.shown = time.monotonic()
            self._write(f"      … {self._counted(self.step)}")

    def _end(self, step: str, outcome: str) -> None:
        seconds = f"{time.monotonic() - self.started:.0f} s"
        done = ", ".join(filter(None, [self._counted(step), seconds]))
        if self.redraw:
            self._write(f"\r\033[K{self._label(step)}: {outcome} ({done})")
        else:
            self._write(f"      {outcome} ({done})")
        self.step = None

    def _write(self, text: str, end: str = "\n") -> None:
        self.terminal.write(text + end)
        self.terminal.flush()


def job_steps(settings: Settings) -> list[str]:
    """The steps of STEPS a run with these settings has."""
    return [step for step in STEPS if step != POSTGRES_STEP or settings.publish_postgres_url]


def progress_logger(terminal: TextIO, steps: list[str]) -> dg.LoggerDefinition:
    """A Dagster logger that draws the run's progress, ``steps`` of STEPS, on ``terminal``."""

    @dg.logger(description="The progress display of `cadre-warehouse run`.")
    def progress(init_context: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.getLogger("cadre_warehouse.progress")
        logger.handlers = [Progress(terminal, steps)]
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        return logger

    return progress


def log_path(folder: Path, now: datetime | None = None) -> Path:
    """The log file of a run starting now: its UTC time, so names sort as the runs ran."""
    return folder / f"run_{(now or datetime.now(UTC)).astimezone(UTC):%Y%m%dT%H%M%SZ}.log"


@contextmanager
def output_to(path: Path, keep: int) -> Iterator[TextIO]:
    """For the length of the block, everything this process and its children write to stdout and stderr goes to
    the log file ``path`` (created with the run's umask: the operators' alone); yields the terminal. Afterwards only
    the newest ``keep`` logs of the folder remain."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved[0]), "w", encoding=sys.stdout.encoding or "utf-8", errors="replace")
    try:
        with path.open("ab") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            try:
                yield terminal
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
    finally:
        terminal.close()
        for descriptor in saved:
            os.close(descriptor)
        for old in sorted(path.parent.glob("run_*.log"))[:-keep]:
            old.unlink(missing_ok=True)


class Collected(logging.Handler):
    """Keeps the warnings ingest logs through Python's logging (a file skipped in the inbox): the summary lists
    them, since they need someone and the log is not on the terminal."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.getMessage().splitlines() or [""])[0])


@contextmanager
def ingest_warnings() -> Iterator[list[str]]:
    """Collect what the ``ingest`` loggers warn of during the block, and write it to stderr as well (the log file,
    or the terminal with ``--verbose``), as Python would without any handler."""
    logger = logging.getLogger("ingest")
    collected, echo = Collected(), logging.StreamHandler(sys.stderr)
    echo.setLevel(logging.WARNING)
    logger.addHandler(collected)
    logger.addHandler(echo)
    try:
        yield collected.messages
    finally:
        logger.removeHandler(collected)
        logger.removeHandler(echo)
