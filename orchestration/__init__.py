"""Dagster wiring only: assets, checks, sensor, schedule, resources."""
