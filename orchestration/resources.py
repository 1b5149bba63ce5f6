"""The Dagster resources of the warehouse: where the inbox and the warehouse are, and the run lock.

Built from ``ingest.settings.load_settings`` — the function the CLI uses too — so the environment variables
CADRE_INBOX / CADRE_WAREHOUSE and their defaults mean the same everywhere. Assets get their settings from it and
from nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from ingest.settings import Settings, load_settings
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
    schedule or the UI waits for a running one, the command line's included, instead of failing on DuckDB's lock."""

    warehouse: str

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseLock"]:
        settings = load_settings(warehouse=self.warehouse)
        with warehouse_lock(settings.warehouse, settings.lock_timeout_seconds, say=context.log.info):
            yield self


def warehouse_lock_resource(settings: Settings) -> WarehouseLock:
    return WarehouseLock(warehouse=str(settings.warehouse))
