"""A BI tool's view of the publication through SQLAlchemy and duckdb-engine, the driver Superset uses, while a
``cadre-warehouse run`` publishes again on a copy of the demo run (conftest ``copy_demo_to``).

The reader, in a process of its own as a BI server is, opens a new connection for every query (``NullPool``), with
the read-only URI docs/published-tables.md gives, lists the tables with their comments, the columns with theirs, and
counts rows; it never sees an error, always the same figures, and sees the publication change under it. Column
comments come from ``duckdb_columns()`` through SQLAlchemy: duckdb-engine 0.17 cannot reflect columns with the
SQLAlchemy 2 installed here (duckdb_engine#1379); with Superset's SQLAlchemy 1.4 the inspector returns them too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

READER = r"""
import json, os, sys, time, warnings
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

published, stop, log = sys.argv[1:4]
warnings.simplefilter("ignore")  # duckdb-engine warns that it does not reflect indexes
engine = sa.create_engine(f"duckdb:///{published}/warehouse.duckdb?access_mode=read_only", poolclass=NullPool)
COLUMNS = sa.text("select table_name, column_name, comment from duckdb_columns() where not internal order by all")
FIGURES = sa.text("select count(*), sum(numerator) from indicators")
ready = False
with open(log, "w") as out:
    while not os.path.exists(stop):
        seen = {"release": os.readlink(published)}
        try:
            with engine.connect() as connection:
                inspector = sa.inspect(connection)
                seen["tables"] = {t: inspector.get_table_comment(t)["text"] for t in inspector.get_table_names()}
                seen["columns"] = [list(row) for row in connection.execute(COLUMNS)]
                seen["figures"] = list(connection.execute(FIGURES).one())
                seen["mode"] = connection.execute(sa.text("select current_setting('access_mode')")).scalar()
        except Exception as error:  # what a BI tool would show its user
            seen["error"] = f"{type(error).__name__}: {error}"
        out.write(json.dumps(seen) + "\n")
        out.flush()  # the test waits for a read of the new release in this file
        if not ready:
            print("ready", flush=True)
            ready = True
        time.sleep(0.05)
"""


def _wait_for_a_read_of(release: str, log: Path, seconds: float = 60) -> None:
    """Until the reader has queried ``release`` (the new one) at least once: the run may end before a reader slowed
    by a busy machine has looked again after the swap."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(json.loads(line)["release"] == release for line in log.read_text(encoding="utf-8").splitlines()
               if line.endswith("}")):
            return
        time.sleep(0.2)


@pytest.fixture(scope="module")
def observed(copy_demo_to, run_cli, tmp_path_factory):
    root = tmp_path_factory.mktemp("bi_connect")
    inbox, warehouse = copy_demo_to(root)
    stop, log = root / "stop", root / "reader.jsonl"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse / "published"), str(stop), str(log)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready", reader.stderr.read()
        run = run_cli(inbox, warehouse)
        _wait_for_a_read_of(os.readlink(warehouse / "published"), log)
    finally:
        stop.touch()
        _, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    return run, [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_the_second_run_publishes(observed):
    run, _ = observed
    assert run.returncode == 0, run.explain()
    assert "(release " in run.stdout


def test_queries_through_sqlalchemy_never_fail_during_the_publication(observed):
    _, seen = observed
    errors = [s["error"] for s in seen if "error" in s]
    assert not errors, errors[:3]
    assert len(seen) > 20
    assert len({s["release"] for s in seen}) >= 2  # it read across the swap
    assert len({json.dumps(s["figures"]) for s in seen}) == 1  # same inbox: the same figures throughout
    assert {s["mode"] for s in seen} == {"read_only"}


def test_sqlalchemy_lists_every_table_and_column_with_its_comment(observed):
    _, seen = observed
    last = seen[-1]
    assert set(last["tables"]) == {"indicators", "ethnicity_composition", "training_recruitment", "submissions",
                                   "units", "unit_lineage"}
    assert all(comment for comment in last["tables"].values())
    assert "Chỉ tiêu cơ cấu cán bộ" in last["tables"]["indicators"]
    assert len(last["columns"]) > 60 and all(comment for _, _, comment in last["columns"])
    assert ["indicators", "change_pp", "Change in percentage points (Thay đổi, điểm %) = value_pct − "
            "previous_value_pct."] in last["columns"]
