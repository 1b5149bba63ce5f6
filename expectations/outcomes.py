"""What a GX validation result becomes in an ``ExpectationOutcome``: the columns an expectation names, the values it
observed, and up to five failing rows, limited to the columns a suite allows, as plain JSON-ready values (Dagster
metadata and the report print them).

Not here: running GX (``expectations.runner``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

MAX_EXAMPLES = 5


def columns_of(kwargs: dict[str, Any]) -> tuple[str, ...]:
    if "column" in kwargs:
        return (kwargs["column"],)
    if "column_A" in kwargs:
        return (kwargs["column_A"], kwargs["column_B"])
    return tuple(kwargs.get("column_list", ()))


def observed_of(result: dict[str, Any], exception_info: dict[str, Any]) -> dict[str, Any]:
    keys = ("observed_value", "element_count", "unexpected_count", "unexpected_percent", "missing_count")
    observed = {key: plain(result[key]) for key in keys if key in result}
    # exception_info is flat for a failed expectation, keyed by metric for a failed metric.
    infos = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    messages = [info["exception_message"] for info in infos if info.get("raised_exception")]
    if messages:
        observed["exception"] = "; ".join(messages)
    return observed


def examples_of(result: dict[str, Any], frame: pd.DataFrame) -> tuple[Any, ...]:
    if "partial_unexpected_index_list" in result:
        rows = frame.loc[result["partial_unexpected_index_list"][:MAX_EXAMPLES]]
        dates = {column: rows[column].dt.date for column in frame.attrs.get("date_columns", [])}
        rows = rows.assign(**dates).astype({column: object for column in dates}).to_dict("records")
        return tuple(plain(row) for row in rows)
    return tuple(plain(value) for value in result.get("partial_unexpected_list", [])[:MAX_EXAMPLES])


def shown(examples: tuple[Any, ...], columns: tuple[str, ...], allowed: tuple[str, ...] | None) -> tuple[Any, ...]:
    """The examples limited to the columns a suite allows: rows keep those columns; bare values (GX gives no row
    index) are kept only if every column they come from is allowed."""
    if allowed is None:
        return examples
    if all(isinstance(example, dict) for example in examples):
        return tuple({k: v for k, v in example.items() if k in allowed} for example in examples)
    return examples if set(columns) <= set(allowed) else ()


def plain(value: Any) -> Any:
    """A JSON-ready copy of a value from pandas or GX (Dagster metadata and the report print these)."""
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if pd.isna(value):
        return None
    if hasattr(value, "item"):
        value = value.item()  # numpy scalars
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
