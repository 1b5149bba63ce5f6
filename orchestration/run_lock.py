"""One writer per warehouse: the lock every run takes, whoever starts it (`cadre-warehouse run`, or a Dagster run
launched by the daemon, the sensor, the schedule or the UI: ``resources.WarehouseLock``).

DuckDB allows one writing process per file, and two runs would also interleave the lake and the releases. The lock
is ``<warehouse>/.run.lock``, held with ``flock``: the operating system releases it when its holder ends, however it
ends, so a killed run never leaves a stale lock. A run that finds it taken waits, saying for whom, up to a bound
(``Settings.lock_timeout_seconds``); then it gives up with a message naming the holder. Light on purpose: the
command line takes it before importing Dagster.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

OWNER_WAIT_STEPS = 20
POLL_SECONDS = 0.5
# Locks this process holds, by path: the command line holds the lock around the in-process Dagster run, whose
# resource asks for it again (a second flock on the same file would wait for itself).
_HELD: dict[Path, int] = {}


class LockTimeout(RuntimeError):
    """Another run held the warehouse longer than the bound: an infrastructure failure (exit 1), not a data one."""


def _owner(handle) -> str:
    """The pid the lock's holder wrote; it writes it just after taking the lock, so give it a moment."""
    for _ in range(OWNER_WAIT_STEPS):
        handle.seek(0)
        owner = handle.read().strip()
        if owner:
            return owner
        time.sleep(0.05)
    return "unknown"


def _acquire(handle, path: Path, timeout: float, say: Callable[[str], None]) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        owner = _owner(handle)
    say(f"another run (pid {owner}) holds {path}; waiting for it to finish… (at most {timeout:.0f} s)")
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            say("the other run has finished; starting")
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"Kho dữ liệu đang được một lượt chạy khác ghi (pid {_owner(handle)}, {path}); đã chờ "
                    f"{timeout:.0f} giây, hãy chạy lại khi lượt kia xong / another run (pid {_owner(handle)}) has held "
                    f"{path} for longer than {timeout:.0f} s: run again once it has finished "
                    f"(CADRE_LOCK_TIMEOUT_SECONDS sets the wait)") from None
            time.sleep(POLL_SECONDS)


@contextmanager
def warehouse_lock(warehouse: Path, timeout: float, say: Callable[[str], None] = print) -> Iterator[None]:
    """Hold the warehouse's run lock for the block; re-entrant within this process."""
    path = (warehouse / ".run.lock").resolve()
    if path in _HELD:
        _HELD[path] += 1
        try:
            yield
        finally:
            _HELD[path] -= 1
        return
    warehouse.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        _acquire(handle, path, timeout, say)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        _HELD[path] = 1
        try:
            yield
        finally:
            del _HELD[path]
