"""Fixtures shared by the integration tests: the CLI as a subprocess, one demo run per session, small rosters.

The demo run is the expensive one (ingest → dbt → Great Expectations → publish over 88 files, under a minute), so
it runs once per session and tests that only read what it left share it. A test that changes a warehouse works on
its own copy (``demo_copy``) or on a warehouse of its own.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from corpus.postgres import Cluster, start_cluster
from corpus.runs import TEST_PERSON_KEY_SECRET
from corpus.runs import Finished as CliRun
from corpus.runs import environment as clean_environment
from samples.forms import Layout, Person, Roster, write_roster

BIN = Path(sys.executable).parent  # the venv's scripts: cadre-warehouse, dbt, dagster, dagster-webserver


@pytest.fixture(scope="session", autouse=True)
def test_person_key_secret():
    """Runs in this process (``dg.materialize`` with the warehouse resource) start only with a secret, as CLI runs
    in a ``clean_env`` do."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CADRE_PERSON_KEY_SECRET", TEST_PERSON_KEY_SECRET)
        yield


@pytest.fixture(scope="session")
def clean_env() -> Callable[..., dict[str, str]]:
    """``clean_env({"CADRE_INBOX": ...})``: an environment for a subprocess, free of the developer's settings."""
    return clean_environment


@pytest.fixture(scope="session")
def cli(tmp_path_factory) -> Callable[..., subprocess.CompletedProcess]:
    """``cli("run", "--inbox", path, env={...})``: the installed ``cadre-warehouse`` script in a clean environment.

    It runs in an empty folder, so a default ``./data`` never lands in the repository.
    """
    cwd = tmp_path_factory.mktemp("cli_cwd")

    def run(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 600):
        return subprocess.run(
            [str(BIN / "cadre-warehouse"), *map(str, args)], env=clean_environment(env), cwd=cwd,
            capture_output=True, text=True, encoding="utf-8", timeout=timeout,
        )

    return run


def run_warehouse(cli, inbox: Path, warehouse: Path, env: dict[str, str] | None = None) -> CliRun:
    done = cli("run", "--inbox", inbox, "--warehouse", warehouse, env=env)
    return CliRun(done.returncode, done.stdout, done.stderr, inbox, warehouse)


@pytest.fixture(scope="session")
def run_cli(cli) -> Callable[..., CliRun]:
    """``run_cli(inbox, warehouse, env=None)``: one ``cadre-warehouse run``, as a :class:`CliRun`."""
    return lambda inbox, warehouse, env=None: run_warehouse(cli, inbox, warehouse, env)


@pytest.fixture(scope="session")
def demo_run(cli, tmp_path_factory) -> CliRun:
    """``cadre-warehouse demo`` then ``cadre-warehouse run`` over it, once per session; read it, never change it.

    DAGSTER_HOME points at ``<root>/dagster_home``, so the run is recorded there and tests can read its events.
    """
    root = tmp_path_factory.mktemp("demo_run")
    inbox, home = root / "inbox", root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    written = cli("demo", "--out", inbox)
    assert written.returncode == 0, written.stderr
    return run_warehouse(cli, inbox, root / "warehouse", env={"DAGSTER_HOME": str(home)})


@pytest.fixture(scope="session")
def demo_published(demo_run) -> Path:
    """The demo run's published folder; fails the test at once if the demo run did not publish."""
    assert demo_run.returncode == 0, demo_run.explain()
    return demo_run.published


@pytest.fixture(scope="session")
def demo_dagster_home(demo_run) -> Path:
    return demo_run.warehouse.parent / "dagster_home"


def copy_demo(demo_run: CliRun, target: Path) -> tuple[Path, Path]:
    """A copy of the demo inbox and warehouse under ``target`` (file times and the ``published`` link kept)."""
    assert demo_run.returncode == 0, demo_run.explain()
    inbox, warehouse = target / "inbox", target / "warehouse"
    shutil.copytree(demo_run.inbox, inbox)
    shutil.copytree(demo_run.warehouse, warehouse, symlinks=True)
    return inbox, warehouse


@pytest.fixture(scope="session")
def copy_demo_to(demo_run) -> Callable[[Path], tuple[Path, Path]]:
    """``copy_demo_to(folder)`` → (inbox, warehouse): a copy of the published demo run, for module fixtures."""
    return lambda target: copy_demo(demo_run, target)


@pytest.fixture
def demo_copy(demo_run, tmp_path) -> tuple[Path, Path]:
    """(inbox, warehouse): this test's own copy of the published demo run, free to change."""
    return copy_demo(demo_run, tmp_path)


FAMILY = ("Hoàng", "Nông", "Lương", "Vi", "Bế", "Lăng", "Triệu", "Lộc")
GIVEN = {"M": ("Văn Toản", "Đức Thịnh", "Quang Vũ", "Hữu Nghĩa"),
         "F": ("Thị Nhàn", "Thu Hà", "Kim Oanh", "Ngọc Lụa")}


def small_roster(unit_title: str, as_of: date, people: int = 10, unknown_ethnicity: int = 0) -> Roster:
    """``people`` department heads of one unit; the first ``unknown_ethnicity`` of them have an ethnicity the
    reader cannot map ("Kinh Tày", rejected as unknown_ethnicity), the rest are valid rows."""
    rows = []
    for i in range(people):
        gender = "MF"[i % 2]
        rows.append(Person(
            full_name=f"{FAMILY[i % len(FAMILY)]} {GIVEN[gender][i // len(FAMILY) % 4]}",
            birth=date(1970 + i % 20, 1 + i % 12, 1 + i % 28), gender=gender,
            ethnicity="Kinh Tày" if i < unknown_ethnicity else ("Tày", "Nùng", "Kinh")[i % 3],
            bodies=("Trưởng phòng",), education="Đại học", political_theory="Trung cấp",
            position="Trưởng phòng", organisation=f"Phòng số {i + 1}",
        ))
    return Roster(unit_title, as_of, tuple(rows))


@pytest.fixture(scope="session")
def write_small_roster() -> Callable[..., Path]:
    """``write_small_roster(path, unit_title, as_of, people=10, unknown_ethnicity=0)``: an .xlsx roster file."""

    def write(path: Path, unit_title: str, as_of: date, people: int = 10, unknown_ethnicity: int = 0) -> Path:
        return write_roster(path, small_roster(unit_title, as_of, people, unknown_ethnicity), Layout())

    return write


@pytest.fixture(scope="session")
def postgres_cluster() -> Cluster:
    """One throw-away PostgreSQL cluster for the session (tests/corpus/postgres.py), stopped at its end."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_database(postgres_cluster) -> str:
    """The name of a new, empty database on the session's cluster, for one test."""
    return postgres_cluster.new_database()
