"""``cadre-warehouse``: run the warehouse job in-process, or write the demo inbox.

Exit codes (a contract for schedulers and tests): 0 published; 3 the quality gate blocked publishing (the previous
publication stays untouched); 2 usage error; 1 unexpected failure.
"""

from __future__ import annotations

import argparse
import atexit
import fcntl
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2  # 3 (gate blocked) comes from orchestration.run
OWNER_WAIT_STEPS = 20


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cadre-warehouse", description="Cadre Warehouse: ingest district rosters, build indicator marts, check and publish them.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="ingest every submission in the inbox, build, check and publish")
    run.add_argument("--inbox", type=Path, help="default: $CADRE_INBOX, else ./data/inbox")
    run.add_argument("--warehouse", type=Path, help="default: $CADRE_WAREHOUSE, else ./data/warehouse")
    demo = commands.add_parser("demo", help="write the synthetic demo inbox (11 districts of Lạng Sơn × 2 dates)")
    demo.add_argument("--out", type=Path, help="default: $CADRE_INBOX, else ./data/inbox")
    return parser


def _lock_owner(handle) -> str:
    """The pid the lock's holder wrote; it writes it just after taking the lock, so give it a moment."""
    for _ in range(OWNER_WAIT_STEPS):
        handle.seek(0)
        owner = handle.read().strip()
        if owner:
            return owner
        time.sleep(0.05)
    return "unknown"


@contextmanager
def _run_lock(warehouse: Path):
    """One run per warehouse at a time: a second run waits, saying for whom. The OS releases the lock when its
    holder ends, however it ends, so a killed run never leaves a stale lock."""
    warehouse.mkdir(parents=True, exist_ok=True)
    path = warehouse / ".run.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"another run (pid {_lock_owner(handle)}) holds {path}; waiting for it to finish…", flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
            print("the other run has finished; starting", flush=True)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield


def _run(args: argparse.Namespace) -> int:
    from ingest.settings import SettingsError, load_settings

    try:
        settings = load_settings(inbox=args.inbox, warehouse=args.warehouse)
    except SettingsError as error:
        raise UsageError(str(error)) from None
    if not settings.inbox.is_dir():
        raise UsageError(f"inbox {settings.inbox} is not a folder (use --inbox or CADRE_INBOX; "
                         f"`cadre-warehouse demo` writes a demo inbox)")
    if settings.warehouse.exists() and not settings.warehouse.is_dir():
        raise UsageError(f"warehouse {settings.warehouse} exists and is not a folder")
    os.environ["CADRE_INBOX"], os.environ["CADRE_WAREHOUSE"] = str(settings.inbox), str(settings.warehouse)
    with _run_lock(settings.warehouse):
        from orchestration.run import run_warehouse_job

        return run_warehouse_job(settings)


def _demo(args: argparse.Namespace) -> int:
    from ingest.demo import write_demo_inbox
    from ingest.settings import load_settings

    out = (args.out or load_settings().inbox).resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    paths = write_demo_inbox(out)
    print(f"wrote {len(paths)} demo submissions to {out}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"run": _run, "demo": _demo}[args.command](args)
    except UsageError as error:
        print(f"cadre-warehouse: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_FAILURE


def exit_now(code: int) -> None:
    """End the process with ``code`` without the interpreter's teardown.

    Unloading Dagster, dbt, Great Expectations and pandas object by object takes over a second after every run and
    does nothing for the warehouse: by then every file is written and closed and the run lock released. The exit
    handlers (temporary folders, logging) still run first.
    """
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def entry_point() -> None:
    """The ``cadre-warehouse`` command; an exception takes the ordinary way out, with its traceback."""
    exit_now(main())


if __name__ == "__main__":
    entry_point()
