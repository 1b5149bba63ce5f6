"""The Dagster resources of the warehouse: where the inbox and the warehouse are, and the run lock.

Built from ``ingest.settings.load_settings`` — the function the CLI uses too — so the environment variables
CADRE_INBOX / CADRE_WAREHOUSE and their defaults mean the same everywhere. Assets get their settings from it and
from nowhere else. Whoever launches a run (the CLI, the daemon, the UI), it starts in ``WarehouseLock``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from engines.reader import check_engine
from ingest.modes import prepare_warehouse
from ingest.settings import Settings, check_person_key_secret, load_settings
from orchestration.run_lock import warehouse_lock


class WarehouseResource(dg.ConfigurableResource):
    """Folders of one warehouse; every other setting comes from the environment (docs/lake-contract.md)."""

    inbox: str
    warehouse: str

    def settings(self) -> Settings:
        return load_settings(inbox=self.inbox, warehouse=self.warehouse)


def warehouse_resource(settings: Settings) -> WarehouseResource:
    return WarehouseResource(inbox=str(settings.inbox), warehouse=str(settings.warehouse))


class WarehouseLock(dg.ConfigurableResource):
    """The warehouse's run lock (``orchestration.run_lock``), held from the run's start to its end: every asset and
    check that writes or reads the working warehouse requires it, so a run launched by the daemon, the sensor, the
    schedule or the UI waits for a running one, the command line's included, instead of failing on DuckDB's lock.

    So every run starts here: it refuses the development person-key secret on real data, and a PostgreSQL engine
    it cannot reach (a SettingsError fails the run before any step), and sets the run's umask (``ingest.modes``)
    before anything is written."""

    inbox: str
    warehouse: str

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseLock"]:
        settings = load_settings(inbox=self.inbox, warehouse=self.warehouse)
        # Before the lock, which a refused run must not wait for, and whose file gets the run's umask too.
        warning = check_person_key_secret(settings)
        if warning:
            context.log.warning(warning)
        check_engine(settings)
        prepare_warehouse(settings)
        with warehouse_lock(settings.warehouse, settings.lock_timeout_seconds, say=context.log.info):
            yield self


def warehouse_lock_resource(settings: Settings) -> WarehouseLock:
    return WarehouseLock(inbox=str(settings.inbox), warehouse=str(settings.warehouse))
