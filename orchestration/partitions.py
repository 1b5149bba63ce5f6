"""Ingest is partitioned by reporting unit; the partitions come from the units seed, never from a list in code.

A partition key is the unit's GSO code ("06211", "183", "20"), which sensors, schedules and operators use. Dagster
gives a partition key no name or description, so the name travels with it: the lake assets carry the table of what
each key names (``unit_partitions_table``), each partition's materialization carries its unit's name
(``unit_partition_metadata``: the Partitions tab shows it), and a sensor run is tagged with its unit's name."""

from __future__ import annotations

import dagster as dg

from ingest.reference import load_reference
from ingest.settings import Settings
from private_hooks.dagster import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG


def unit_partitions(settings: Settings) -> dg.StaticPartitionsDefinition:
    return dg.StaticPartitionsDefinition(sorted(u.code for u in load_reference(settings.seeds).reporting_units()))


def unit_partitions_table(settings: Settings) -> dg.MetadataValue:
    """The partition keys with the unit each names, as a markdown table for the assets' metadata."""
    rows = [f"| `{u.code}` | {u.name} | {u.type} | {u.valid_from or ''} | {u.valid_to or ''} |"
            for u in sorted(load_reference(settings.seeds).reporting_units(), key=lambda u: u.code)]
    return dg.MetadataValue.md("\n".join([
        "| partition | unit · đơn vị | type · loại | valid from · từ | valid to · đến |", "|---|---|---|---|---|", *rows]))


def unit_partition_metadata(settings: Settings) -> dict[str, dict[str, str]]:
    """Partition key → what its materializations say of the unit: name, type and the days it exists."""
    return {u.code: {"đơn vị / unit": u.name, "loại / type": u.type,
                     "hiệu lực / valid": f"{u.valid_from or '…'} – {u.valid_to or '…'}"}
            for u in load_reference(settings.seeds).reporting_units()}


def every_unit_tags(partitions: dg.StaticPartitionsDefinition) -> dict[str, str]:
    """Tags that make one run cover every unit partition (the single-run backfill policy)."""
    keys = partitions.get_partition_keys()
    return {ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]}
