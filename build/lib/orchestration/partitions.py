"""Ingest is partitioned by reporting unit; the partitions come from the units seed, never from a list in code."""

from __future__ import annotations

import dagster as dg

from ingest.reference import load_reference
from ingest.settings import Settings
from private_hooks.dagster import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG


def unit_partitions(settings: Settings) -> dg.StaticPartitionsDefinition:
    return dg.StaticPartitionsDefinition(sorted(u.code for u in load_reference(settings.seeds).reporting_units()))


def every_unit_tags(partitions: dg.StaticPartitionsDefinition) -> dict[str, str]:
    """Tags that make one run cover every unit partition (the single-run backfill policy)."""
    keys = partitions.get_partition_keys()
    return {ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]}
