"""Ingest is partitioned by reporting unit; the partitions come from the units seed, never from a list in code."""

from __future__ import annotations

import dagster as dg

from ingest.reference import load_reference

unit_partitions = dg.StaticPartitionsDefinition(sorted(u.code for u in load_reference().reporting_units()))
