"""``cadre-warehouse run``, ``demo`` and ``publish-postgres``: arguments, the run lock (``orchestration.run_lock``), and the
exit code (``cli.Exit``).

Heavy imports (Dagster, dbt) wait until a command needs them, so a usage error answers at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import Exit
from private_hooks.interpreter import exit_now


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cadre-warehouse", description="Cadre Warehouse: ingest the reporting units' rosters, build indicator marts, check and publish them.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="ingest every submission in the inbox, build, check and publish")
    run.add_argument("--inbox", type=Path, help="default: $CADRE_INBOX, else ./data/inbox")
    run.add_argument("--warehouse", type=Path, help="default: $CADRE_WAREHOUSE, else ./data/warehouse")
    run.add_argument("--verbose", action="store_true",
                     help="print Dagster's and dbt's log on the terminal (default: <warehouse>/logs/run_<time>.log)")
    demo = commands.add_parser("demo", help="write the synthetic demo inbox (Lạng Sơn: 11 districts × 2015 and 2020, 65 communes and wards and the province × 2025)")
    demo.add_argument("--out", type=Path, help="default: $CADRE_INBOX, else ./data/inbox")
    postgres = commands.add_parser("publish-postgres", help="load the current publication (published/) into the "
                                   "PostgreSQL database CADRE_PUBLISH_POSTGRES_URL names, again")
    postgres.add_argument("--warehouse", type=Path, help="default: $CADRE_WAREHOUSE, else ./data/warehouse")
    return parser


def _run(args: argparse.Namespace) -> int:
    from engines.reader import check_engine
    from ingest.modes import prepare_warehouse
    from ingest.settings import SettingsError, check_person_key_secret, load_settings

    try:
        settings = load_settings(inbox=args.inbox, warehouse=args.warehouse)
    except SettingsError as error:
        raise UsageError(str(error)) from None
    if not settings.inbox.is_dir():
        raise UsageError(f"inbox {settings.inbox} is not a folder (use --inbox or CADRE_INBOX; "
                         f"`cadre-warehouse demo` writes a demo inbox)")
    if settings.warehouse.exists() and not settings.warehouse.is_dir():
        raise UsageError(f"warehouse {settings.warehouse} exists and is not a folder")
    try:
        # Refused here, before the lock and Dagster start, to answer at once. The run itself logs the warning
        # (orchestration.resources), as it does in a Dagster run: on the terminal only with --verbose.
        warning = check_person_key_secret(settings)
        check_engine(settings)
    except SettingsError as error:
        raise UsageError(str(error)) from None
    if warning and not args.verbose:
        print(warning, file=sys.stderr, flush=True)
    # Before the lock: .run.lock is created with the run's umask too.
    prepare_warehouse(settings)
    from orchestration.run_lock import LockTimeout, warehouse_lock

    try:
        with warehouse_lock(settings.warehouse, settings.lock_timeout_seconds, say=lambda m: print(m, flush=True)):
            from cli.summary import run_and_summarise

            return run_and_summarise(settings, verbose=args.verbose)
    except LockTimeout as error:
        print(error, file=sys.stderr)
        return Exit.FAILURE


def _demo(args: argparse.Namespace) -> int:
    from ingest.settings import load_settings
    from samples.demo import write_demo_inbox

    out = (args.out or load_settings().inbox).resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    paths = write_demo_inbox(out)
    print(f"wrote {len(paths)} demo submissions to {out}")
    return Exit.PUBLISHED


def _publish_postgres(args: argparse.Namespace) -> int:
    from ingest.modes import prepare_warehouse
    from ingest.settings import SettingsError, load_settings

    try:
        settings = load_settings(warehouse=args.warehouse)
    except SettingsError as error:
        raise UsageError(str(error)) from None
    if not settings.publish_postgres_url:
        raise UsageError("chưa đặt CADRE_PUBLISH_POSTGRES_URL: không biết công bố lên máy chủ PostgreSQL nào / "
                         "CADRE_PUBLISH_POSTGRES_URL is not set: no PostgreSQL server to publish to (docs/operations.md)")
    if not (settings.published / "warehouse.duckdb").is_file():
        raise UsageError(f"kho {settings.warehouse} chưa có bản công bố nào: chạy `cadre-warehouse run` trước / "
                         f"nothing is published in {settings.warehouse} yet: run `cadre-warehouse run` first")
    # Before the lock: .run.lock is created with the run's umask too.
    prepare_warehouse(settings)
    from cli.publish_postgres import publish_postgres

    return publish_postgres(settings)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"run": _run, "demo": _demo, "publish-postgres": _publish_postgres}[args.command](args)
    except UsageError as error:
        print(f"cadre-warehouse: {error}", file=sys.stderr)
        return Exit.USAGE
    except KeyboardInterrupt:
        return Exit.FAILURE


def entry_point() -> None:
    """The ``cadre-warehouse`` command; an exception takes the ordinary way out, with its traceback. A finished
    command ends without the interpreter's teardown (``private_hooks.interpreter``)."""
    exit_now(int(main()))


if __name__ == "__main__":
    entry_point()
