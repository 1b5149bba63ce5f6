"""Run the Great Expectations suites in `expectations/suites/` against the working warehouse, on either engine.

A suite file names the dbt model it guards (`table`), a query producing the frame to check, and GX
expectations, each with a severity (`error` fails the gate, `warn` asks someone to act, `info` reports a state that is
normal for a while, such as units that have not reported yet), a data-quality dimension and why the rule exists, in
Vietnamese (`why_vi`) and English (`why`). A suite over personal data names the columns a failing row may be shown by
(`example_columns`): the report is world-readable and Dagster shows the examples, so a person key never appears.
An expectation may bring its own `query` when it checks a different frame (coverage of one table by another). Value
sets that live in dbt seeds are read at run time (`{"$query": "select ..."}`) and configuration values are passed in
by the caller (`{"$param": "max_reject_share"}`), so neither is copied into a suite.

Every query runs unchanged on DuckDB and on PostgreSQL (``CADRE_ENGINE``), read through ``engines.reader``: a rule
is written once, whatever engine built the warehouse, so its SQL is the dialect both share (no ``arg_max``, no
integer division that DuckDB would make a double). GX validates pandas frames (engine → Arrow → pandas): its SQL
datasource does not work on DuckDB with GX 1.x, and one path reads both engines alike.
GX is imported on the first validation only, because importing it takes seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from expectations.outcomes import MAX_EXAMPLES, columns_of, examples_of, observed_of, shown

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition

    from engines.reader import Warehouse

__all__ = ["ExpectationOutcome", "ExpectationSpec", "Suite", "SuiteResult", "load_suites", "prepare", "validate"]

SUITES_DIR = Path(__file__).parent / "suites"
# Each severity and data-quality dimension, with its words in Vietnamese and in English (the report prints both).
SEVERITIES = {"error": ("chặn công bố", "blocks publishing"), "warn": ("cảnh báo", "warning"),
              "info": ("thông tin", "information")}
DIMENSIONS = {"validity": ("tính hợp lệ", "validity"), "completeness": ("tính đầy đủ", "completeness"),
              "uniqueness": ("tính duy nhất", "uniqueness"), "consistency": ("tính nhất quán", "consistency")}
# A text column with fewer distinct values than a quarter of its rows is checked as a category.
FEW_VALUES_SHARE = 4
# Rows of a text column looked at first: a column with many distinct values there (person keys) is not encoded at
# all, for encoding millions of distinct strings costs more time and memory than anything the frame saves by it.
SAMPLED_ROWS = 65_536


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation as written in a suite file; `query` is the suite's unless the expectation brings its own."""

    type: str
    kwargs: dict[str, Any]
    severity: str
    dimension: str
    why: str
    why_vi: str
    query: str


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    query: str
    expectations: tuple[ExpectationSpec, ...]
    description: str = ""
    description_vi: str = ""
    example_columns: tuple[str, ...] | None = None
    """The only columns a failing row is shown by; None: every column (the suite's frame is published anyway)."""


@dataclass(frozen=True)
class ExpectationOutcome:
    type: str
    columns: tuple[str, ...]
    severity: str
    dimension: str
    success: bool
    observed: dict[str, Any]
    examples: tuple[Any, ...]
    """Up to five unexpected rows of the checked frame (dicts, limited to the suite's ``example_columns``), or values
    where GX gives no row index (none if the expectation's columns may not be shown)."""
    why: str
    why_vi: str
    kwargs: dict[str, Any]
    """The expectation's arguments with `$query` and `$param` resolved."""

    @property
    def column(self) -> str:
        return ", ".join(self.columns)


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    table: str
    success: bool
    """False iff an expectation of severity `error` failed."""
    results: list[ExpectationOutcome]
    description: str = ""
    description_vi: str = ""

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.results if not outcome.success]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        """Failed expectations of severity ``warn``: someone has to act, publishing goes on."""
        return [outcome for outcome in self.failures if outcome.severity == "warn"]


def load_suites(directory: Path = SUITES_DIR) -> list[Suite]:
    """Every `*.json` suite in `directory`, by file name. A suite missing a key or meta field is refused."""
    return [read_suite(path) for path in sorted(directory.glob("*.json"))]


def read_suite(path: Path) -> Suite:
    raw = json.loads(path.read_text(encoding="utf-8"))
    try:
        query = _sql(raw["query"])
        specs = tuple(_read_spec(item, query) for item in raw["expectations"])
        shown = raw.get("example_columns")
        return Suite(raw["name"], raw["table"], query, specs, raw.get("description", ""),
                     raw.get("description_vi", ""), None if shown is None else tuple(shown))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"suite {path.name} is malformed: {error!r}") from error


def _read_spec(item: dict[str, Any], suite_query: str) -> ExpectationSpec:
    meta = item["meta"]
    if (meta["severity"] not in SEVERITIES or meta["dimension"] not in DIMENSIONS or not meta["why"]
            or not meta["why_vi"]):
        raise ValueError(f"{item['type']}: meta needs severity in {tuple(SEVERITIES)}, dimension in "
                         f"{tuple(DIMENSIONS)}, a why and a why_vi, got {meta}")
    query = _sql(item["query"]) if "query" in item else suite_query
    return ExpectationSpec(item["type"], item["kwargs"], meta["severity"], meta["dimension"], meta["why"],
                           meta["why_vi"], query)


def _sql(query: str | list[str]) -> str:
    """Queries may be written as a list of lines, so the JSON stays readable."""
    return query if isinstance(query, str) else "\n".join(query)


def validate(suite: Suite, warehouse: Warehouse, params: dict[str, Any]) -> SuiteResult:
    """Run `suite` on `warehouse` (``engines.reader``); `params` supplies every `$param` the suite names.

    Raises KeyError for a missing parameter and the engine's error for a query that fails (a missing table is a
    broken build, not a data defect). An expectation GX cannot evaluate (a column the frame lacks) fails with the reason
    in `observed["exception"]`.
    """
    outcomes: dict[int, ExpectationOutcome] = {}
    for query in dict.fromkeys(spec.query for spec in suite.expectations):
        checks = {
            i: (spec, _resolve_kwargs(spec, warehouse, params))
            for i, spec in enumerate(suite.expectations)
            if spec.query == query
        }
        outcomes |= _validate_frame(suite, _read_frame(warehouse, query), checks)
    results = [outcomes[i] for i in sorted(outcomes)]
    success = not any(not outcome.success and outcome.severity == "error" for outcome in results)
    return SuiteResult(suite.name, suite.table, success, results, suite.description, suite.description_vi)


def _read_frame(warehouse: Warehouse, query: str) -> pd.DataFrame:
    """The query's rows as the pandas frame GX checks fastest.

    DECIMAL and HUGEINT (sums of integers) would reach pandas as Python Decimal objects, which GX's numeric metrics do
    not handle; the checks need no more precision than a double gives. GX compares values row by row in Python
    unless a number column is int64 or float64 (``expect_column_values_to_be_between``), and Arrow-backed strings
    are slow to filter, so text columns with few distinct values (codes) become categories. Text columns with many
    (person keys) become Python strings: pandas hashes those as they are, where it would first dictionary-encode
    Arrow-backed ones (a copy of every distinct value) for GX's uniqueness check. Dates stay dates (datetime64), not
    millions of Python objects.
    """
    table = warehouse.arrow(query)
    for i, field in enumerate(table.schema):
        column = table.column(i)
        if pa.types.is_decimal(field.type) or pa.types.is_floating(field.type):
            table = table.set_column(i, field.name, column.cast(pa.float64()))
        elif pa.types.is_integer(field.type):
            table = table.set_column(i, field.name, column.cast(pa.int64()))
        elif (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)) and _few_values(column):
            encoded = column.dictionary_encode()
            if sum(len(chunk.dictionary) for chunk in encoded.chunks) * FEW_VALUES_SHARE < max(len(table), 1):
                table = table.set_column(i, field.name, encoded)
    dates = [f.name for f in table.schema if pa.types.is_date(f.type)]
    texts = [f.name for f in table.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    # Each Arrow column is freed once it is converted, so the rows are not held twice (the gate's frame is the run
    # process's largest allocation).
    frame = table.to_pandas(date_as_object=False, self_destruct=True, split_blocks=True)
    del table
    # Arrow's allocator keeps what the conversion freed for Arrow's next use, and GX works in pandas: give it back.
    pa.default_memory_pool().release_unused()
    for name in texts:
        frame[name] = frame[name].astype(object)
    frame.attrs["date_columns"] = dates
    return frame


def _few_values(column: pa.ChunkedArray) -> bool:
    """Whether the first SAMPLED_ROWS values of ``column`` have few distinct ones (an encoding still checks all)."""
    sample = column.slice(0, SAMPLED_ROWS)
    return pc.count_distinct(sample, mode="all").as_py() * FEW_VALUES_SHARE < max(len(sample), 1)


def _resolve_kwargs(spec: ExpectationSpec, warehouse: Warehouse, params: dict[str, Any]) -> dict[str, Any]:
    resolved = {}
    for name, value in spec.kwargs.items():
        if isinstance(value, dict) and value.keys() == {"$query"}:
            value = warehouse.arrow(value["$query"]).column(0).to_pylist()
        elif isinstance(value, dict) and value.keys() == {"$param"}:
            if value["$param"] not in params:
                raise KeyError(f"{spec.type} on {spec.kwargs} needs the parameter {value['$param']!r}")
            value = params[value["$param"]]
        resolved[name] = value
    return resolved


def prepare() -> None:
    """Import Great Expectations and make its context now, e.g. in a thread while the process waits for
    something else; validations reuse them."""
    _batch_definition()


@cache
def _batch_definition() -> BatchDefinition:
    """One ephemeral GX context per process; each validation hands it a new dataframe."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from private_hooks.great_expectations import skip_batch_fingerprints

    skip_batch_fingerprints()
    context = gx.get_context(mode="ephemeral")
    # tqdm bars would fill the Dagster compute logs.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas(name="warehouse").add_dataframe_asset(name="frame")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def _validate_frame(
    suite: Suite, frame: pd.DataFrame, checks: dict[int, tuple[ExpectationSpec, dict[str, Any]]]
) -> dict[int, ExpectationOutcome]:
    import great_expectations as gx

    batch_definition = _batch_definition()
    # GX orders results its own way and leaves ids empty outside a stored suite: the position in meta maps back.
    expectations = [_gx_expectation(spec.type)(**kwargs, meta={"position": i}) for i, (spec, kwargs) in checks.items()]
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    validation = batch.validate(
        gx.ExpectationSuite(name=suite.name, expectations=expectations),
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": MAX_EXAMPLES},
    )
    outcomes = {}
    for result in validation.results:
        i = result.expectation_config.meta["position"]
        spec, kwargs = checks[i]
        columns = columns_of(kwargs)
        outcomes[i] = ExpectationOutcome(
            type=spec.type,
            columns=columns,
            severity=spec.severity,
            dimension=spec.dimension,
            success=bool(result.success),
            observed=observed_of(result.result, result.exception_info),
            examples=shown(examples_of(result.result, frame), columns, suite.example_columns),
            why=spec.why,
            why_vi=spec.why_vi,
            kwargs=kwargs,
        )
    return outcomes


def _gx_expectation(type_name: str) -> type:
    import great_expectations as gx

    class_name = "".join(word.capitalize() for word in type_name.split("_"))
    try:
        return getattr(gx.expectations, class_name)
    except AttributeError:
        raise ValueError(f"{type_name!r} is not a GX Core expectation") from None
