"""The one Dagster resource the warehouse needs: where the inbox and the warehouse are.

Built from ``ingest.settings.load_settings`` — the function the CLI uses too — so the environment variables
CADRE_INBOX / CADRE_WAREHOUSE and their defaults mean the same everywhere. Assets get their settings from it and
from nowhere else.
"""

from __future__ import annotations

import dagster as dg

from ingest.settings import Settings, load_settings


class WarehouseResource(dg.ConfigurableResource):
    """Folders of one warehouse; every other setting comes from the environment (docs/lake-contract.md)."""

    inbox: str
    warehouse: str

    def settings(self) -> Settings:
        return load_settings(inbox=self.inbox, warehouse=self.warehouse)


def warehouse_resource(settings: Settings) -> WarehouseResource:
    return WarehouseResource(inbox=str(settings.inbox), warehouse=str(settings.warehouse))
