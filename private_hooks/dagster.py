"""Dagster's private names the warehouse uses: the run tags that name a run's partitions (Dagster writes and reads
them, but exports no name for them), and where a log record passed to a custom logger keeps its Dagster event and
the step's own message (public custom loggers receive these records, but only private functions read them)."""

import logging

import dagster as dg
from dagster._core.log_manager import get_log_record_metadata, has_log_record_metadata
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

__all__ = ["ASSET_PARTITION_RANGE_END_TAG", "ASSET_PARTITION_RANGE_START_TAG", "PARTITION_NAME_TAG", "record_event",
           "record_message", "record_step"]


def record_event(record: logging.LogRecord) -> dg.DagsterEvent | None:
    """The Dagster event a record of a run's log carries (step started, asset materialized, …), None for a message."""
    return get_log_record_metadata(record)["dagster_event"] if has_log_record_metadata(record) else None


def record_step(record: logging.LogRecord) -> str | None:
    """The key of the step that logged ``record`` (``lake``, ``dbt_models``, …), None outside a step."""
    return get_log_record_metadata(record)["step_key"] if has_log_record_metadata(record) else None


def record_message(record: logging.LogRecord) -> str:
    """What the step logged (``context.log.info(...)``), without Dagster's prefix of job, run id and step."""
    return get_log_record_metadata(record)["orig_message"] if has_log_record_metadata(record) else record.getMessage()
