"""The one Dagster resource the warehouse needs: where the inbox and the warehouse are.

Built from ``ingest.settings.load_settings`` — the function the CLI uses too — so the environment variables
CADRE_INBOX / CADRE_WAREHOUSE and their defaults mean the same everywhere.
"""

from __future__ import annotations

import os

import dagster as dg

from ingest.settings import Settings, load_settings


class WarehouseResource(dg.ConfigurableResource):
    """Folders of one warehouse; every other setting comes from the environment (docs/lake-contract.md)."""

    inbox: str
    warehouse: str

    def settings(self) -> Settings:
        return load_settings(inbox=self.inbox, warehouse=self.warehouse)

    def export_to_environment(self) -> Settings:
        """Settings, also exported to the environment: dbt is a subprocess and reads CADRE_WAREHOUSE there."""
        settings = self.settings()
        os.environ["CADRE_WAREHOUSE"] = str(settings.warehouse)
        os.environ["CADRE_INBOX"] = str(settings.inbox)
        return settings


def warehouse_resource(settings: Settings) -> WarehouseResource:
    return WarehouseResource(inbox=str(settings.inbox), warehouse=str(settings.warehouse))
