"""The warehouse's run lock (orchestration.run_lock): a bounded wait, a message naming the holder, re-entrant within
one process (the command line holds it around the in-process Dagster run, whose resource takes it again)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from orchestration.run_lock import LockTimeout, warehouse_lock

HOLDER = """
import fcntl, os, sys, time
handle = open(sys.argv[1], "a+")
fcntl.flock(handle, fcntl.LOCK_EX)
handle.seek(0); handle.truncate(); handle.write(str(os.getpid())); handle.flush()
print("held", flush=True)
time.sleep(60)
"""


@pytest.fixture
def held_by_another_process(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / ".run.lock")], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "held"
    yield holder
    holder.kill()
    holder.wait()


def test_a_run_gives_up_after_the_bound_naming_the_holder(tmp_path, held_by_another_process):
    said = []
    started = time.monotonic()
    with pytest.raises(LockTimeout) as timeout:
        with warehouse_lock(tmp_path, timeout=1, say=said.append):
            pytest.fail("the lock was taken while another process held it")
    assert time.monotonic() - started >= 1
    assert f"pid {held_by_another_process.pid}" in str(timeout.value)
    assert said == [f"another run (pid {held_by_another_process.pid}) holds {tmp_path / '.run.lock'}; waiting for it "
                    "to finish… (at most 1 s)"]


def test_a_run_starts_once_the_holder_ends(tmp_path, held_by_another_process):
    said = []
    # SIGKILL: a SIGTERM can reach the holder ignored or blocked, as inherited from the test process, and the holder
    # would then keep the lock for its whole minute.
    killer = subprocess.Popen(["sh", "-c", f"sleep 1; kill -KILL {held_by_another_process.pid}"])
    with warehouse_lock(tmp_path, timeout=30, say=said.append):
        assert (tmp_path / ".run.lock").read_text() != str(held_by_another_process.pid)
    killer.wait()
    assert said[-1] == "the other run has finished; starting"


def test_the_lock_is_reentrant_within_a_process_and_released_after(tmp_path):
    with warehouse_lock(tmp_path, timeout=1):
        with warehouse_lock(tmp_path, timeout=1):
            pass
        # still held by the outer block: another process cannot take it
        probe = subprocess.run([sys.executable, "-c", "import fcntl, sys; h = open(sys.argv[1], 'a+'); "
                                "fcntl.flock(h, fcntl.LOCK_EX | fcntl.LOCK_NB)", str(tmp_path / ".run.lock")])
        assert probe.returncode != 0
    probe = subprocess.run([sys.executable, "-c", "import fcntl, sys; h = open(sys.argv[1], 'a+'); "
                            "fcntl.flock(h, fcntl.LOCK_EX | fcntl.LOCK_NB)", str(tmp_path / ".run.lock")])
    assert probe.returncode == 0
