"""The real command line over a corpus inbox, for the slow tests: started, watched, killed and finished as a
scheduler or an operator would, plus what the tests read back from a warehouse.

One full run over the whole corpus (``corpus_run``) is made once per session and shared: the hostile-file, privacy
and idempotency tests read it, and the crash and concurrency tests start from copies of it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from corpus.cases import write_corpus

BIN = Path(sys.executable).parent
PUBLISHED_FILES = ("warehouse.duckdb", "report.html", *(f"parquet/{t}.parquet" for t in (
    "indicators", "ethnicity_composition", "training_recruitment", "submissions", "units")))


# `cadre-warehouse run` names its log file: "Nhật ký Dagster và dbt / Dagster and dbt log: <path> (--verbose: …)".
LOG_LINE = re.compile(r"^Nhật ký Dagster và dbt / Dagster and dbt log: (\S+) ", re.MULTILINE)
# The tests' own person-key secret, not the development one: their runs take the path production takes, with no
# warning in the output they read; the tests of the refusal clear it (test_production_defaults.py).
TEST_PERSON_KEY_SECRET = "cadre-warehouse-test-secret"


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without the developer's own warehouse settings, Dagster instance or PostgreSQL
    server (libpq's PG* variables), with the tests' person-key secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CADRE_", "DAGSTER_", "PG"))}
    return env | {"PYTHONIOENCODING": "utf-8", "CADRE_PERSON_KEY_SECRET": TEST_PERSON_KEY_SECRET} | (extra or {})


@dataclass(frozen=True)
class Finished:
    """What one ``cadre-warehouse`` process left: exit code, output, and the folders it worked on."""

    returncode: int
    stdout: str
    stderr: str
    inbox: Path
    warehouse: Path
    seconds: float = 0.0

    @property
    def published(self) -> Path:
        return self.warehouse / "published"

    @property
    def log(self) -> Path | None:
        """The Dagster and dbt log the run names on its second line (none with ``--verbose``)."""
        named = LOG_LINE.search(self.stdout)
        return Path(named[1]) if named else None

    def explain(self) -> str:
        """The end of both outputs and of the run's log, for an assertion message."""
        log = self.log.read_text(encoding="utf-8", errors="replace")[-5000:] if self.log and self.log.exists() else ""
        return (f"exit {self.returncode}\n--- stdout ---\n{self.stdout[-3000:]}\n--- stderr ---\n{self.stderr[-5000:]}"
                f"\n--- log ---\n{log}")


@dataclass
class Run:
    """A ``cadre-warehouse run`` in its own process group (so a kill reaches dbt and the parse workers too)."""

    process: subprocess.Popen
    inbox: Path
    warehouse: Path
    logs: Path
    started: float

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def running(self) -> bool:
        return self.process.poll() is None

    def output(self) -> tuple[str, str]:
        return ((self.logs / "stdout.txt").read_text(encoding="utf-8", errors="replace"),
                (self.logs / "stderr.txt").read_text(encoding="utf-8", errors="replace"))

    def wait(self, timeout: float = 600) -> Finished:
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        return Finished(self.process.returncode, *self.output(), self.inbox, self.warehouse,
                        time.monotonic() - self.started)


def start(inbox: Path, warehouse: Path, logs: Path, env: dict[str, str] | None = None) -> Run:
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / "stdout.txt").open("w") as out, (logs / "stderr.txt").open("w") as err:
        process = subprocess.Popen(
            [str(BIN / "cadre-warehouse"), "run", "--inbox", str(inbox), "--warehouse", str(warehouse)],
            env=environment(env), cwd=logs, stdout=out, stderr=err, start_new_session=True,
        )
    return Run(process, inbox, warehouse, logs, time.monotonic())


def dagster_home(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return folder


@cache
def corpus_run(base: Path) -> Finished:
    """The corpus inbox and one ``cadre-warehouse run`` over it, recorded in a Dagster instance of its own."""
    root = base / "corpus_run"
    write_corpus(root / "inbox", root / "scratch")
    home = dagster_home(root / "dagster_home")
    return start(root / "inbox", root / "warehouse", root / "logs", {"DAGSTER_HOME": str(home)}).wait()


def copy_of_corpus_run(tmp_path_factory, name: str) -> tuple[Finished, Path, Path, Path]:
    """The shared corpus run (which must have published), and a copy of its inbox and warehouse under a new folder
    ``name``: (run, folder, inbox, warehouse)."""
    first = corpus_run(tmp_path_factory.getbasetemp())
    assert first.returncode == 0, first.explain()
    root = tmp_path_factory.mktemp(name)
    return (first, root, *copy_warehouse(first, root))


class PublicationReader(threading.Thread):
    """A BI tool reading ``published`` over and over until ``finish``: each ``observe`` is one read, and anything it
    raises is recorded in ``errors``, the finding."""

    pause = 0.01

    def __init__(self, published: Path):
        super().__init__(daemon=True)
        self.published = published
        self.errors: list[str] = []
        self._stopping = threading.Event()

    def observe(self) -> None:
        raise NotImplementedError

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.observe()
            except Exception as error:  # noqa: BLE001 — any failure of a reader is the finding
                self.errors.append(f"{type(error).__name__}: {error}")
            time.sleep(self.pause)

    def finish(self) -> None:
        self._stopping.set()
        self.join()


def _copy(source: str, target: str) -> None:
    if stat.S_ISFIFO(os.lstat(source).st_mode):  # the corpus's named pipe: recreate it, never read it
        os.mkfifo(target)
    else:
        shutil.copy2(source, target)


def copy_warehouse(run: Finished, target: Path) -> tuple[Path, Path]:
    """A copy of a finished run's inbox and warehouse (file times, links and the ``published`` link kept)."""
    inbox, warehouse = target / "inbox", target / "warehouse"
    shutil.copytree(run.inbox, inbox, symlinks=True, copy_function=_copy)
    shutil.copytree(run.warehouse, warehouse, symlinks=True, copy_function=_copy)
    return inbox, warehouse


def publication(published: Path) -> tuple[str, str]:
    """(release, digest of its Parquet files) of what ``published`` shows now; AssertionError if any published file
    is missing or unreadable."""
    release = os.readlink(published)
    folder = published.parent / release  # read through the release, so one observation is one release
    missing = [f for f in PUBLISHED_FILES if not (folder / f).is_file()]
    assert not missing, f"{release} lacks {missing}"
    digest = hashlib.sha256()
    for name in PUBLISHED_FILES[2:]:
        data = (folder / name).read_bytes()
        pl.read_parquet(data)  # whole and readable
        digest.update(data)
    with duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True) as con:
        con.execute("select count(*) from indicators").fetchone()
    return release, digest.hexdigest()


def published_table(published: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(published / "parquet" / f"{table}.parquet")


def lake_submissions(warehouse: Path) -> pl.DataFrame:
    files = sorted((warehouse / "lake" / "submissions").glob("unit=*/submissions.parquet"))
    return pl.concat([pl.read_parquet(f, hive_partitioning=False) for f in files])
