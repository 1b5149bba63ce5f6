"""Running the benchmark's child processes: their environment, their wall time and the resident memory of their
process tree (the pipeline process with its reader workers and dbt)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def environment(warehouse: Path) -> dict[str, str]:
    # The inboxes are synthetic, but not demo inboxes: without a secret of their own, runs would refuse to start.
    return {"CADRE_PERSON_KEY_SECRET": "cadre-warehouse-bench-secret", **os.environ, "CADRE_WAREHOUSE": str(warehouse),
            "DBT_PROFILES_DIR": str(REPO / "dbt_project"), "CADRE_LOG_LEVEL": "WARNING"}


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants now (kB; 0 once it is gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


class _TreeMemory(threading.Thread):
    """Samples the resident memory of a process tree every 50 ms and keeps the highest sum: what was resident at
    once, parent and children together (a reader worker or the dbt process)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))


def timed(command: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB, the process and its children at once) of a command; raises if it
    fails."""
    start = time.perf_counter()
    with open(log or os.devnull, "w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=REPO)
        memory = _TreeMemory(process.pid)
        memory.start()
        _, status, usage = os.wait4(process.pid, 0)
        memory.done.set()
        memory.join()
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command[:4])} … failed (exit {os.waitstatus_to_exitcode(status)}); see {log}")
    return seconds, max(memory.peak_kb, usage.ru_maxrss) / 1024


def timed_together(commands: list[list[str]], logs: list[Path], env: dict[str, str]) -> float:
    """Wall seconds from starting every command at once to the last one's end; raises if one fails."""
    start = time.perf_counter()
    handles = [open(log, "w") for log in logs]
    try:
        processes = [subprocess.Popen(c, env=env, stdout=h, stderr=subprocess.STDOUT, cwd=REPO)
                     for c, h in zip(commands, handles)]
        codes = [p.wait() for p in processes]
    finally:
        for handle in handles:
            handle.close()
    if any(codes):
        raise RuntimeError(f"scale-out ingest failed (exits {codes}); see {logs}")
    return time.perf_counter() - start
