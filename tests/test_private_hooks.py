"""Every private hook in ``private_hooks`` still exists and still does what the warehouse relies on.

These fail loudly when an upgrade of Dagster, dagster-dbt, Great Expectations or Python moves a hook: the place to
look is then ``private_hooks/<dependency>.py``, and nowhere else.
"""


import inspect
import logging
import subprocess
import sys
from functools import cached_property

import dagster as dg
from dagster_dbt import DbtCliResource

from private_hooks.dagster import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
    record_event,
    record_message,
    record_step,
)
from private_hooks.dagster_dbt import OVERRIDDEN, FastStartDbtCliResource

PARTITIONS = dg.StaticPartitionsDefinition(["a", "b", "c"])


@dg.asset(partitions_def=PARTITIONS, backfill_policy=dg.BackfillPolicy.single_run())
def covered(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"keys": ",".join(context.partition_keys)})


def test_dagster_names_a_single_partition_run_with_the_partition_tag():
    result = dg.materialize([covered], partition_key="b")
    assert result.dagster_run.tags[PARTITION_NAME_TAG] == "b"


def test_dagster_runs_every_partition_in_one_run_given_the_range_tags():
    job = dg.define_asset_job("all", selection=[covered]).resolve(asset_graph=dg.Definitions(
        assets=[covered]).resolve_asset_graph())
    tags = {ASSET_PARTITION_RANGE_START_TAG: "a", ASSET_PARTITION_RANGE_END_TAG: "c"}
    result = job.execute_in_process(tags=tags)
    materializations = result.asset_materializations_for_node("covered")
    assert sorted(m.partition for m in materializations) == ["a", "b", "c"]
    assert {m.metadata["keys"].value for m in materializations} == {"a,b,c"}  # one step saw all three


def test_a_custom_loggers_records_carry_the_step_its_event_and_the_message_as_logged():
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    @dg.logger
    def keeping(init_context):
        logger = logging.getLogger("test_private_hooks.keeping")
        logger.handlers, logger.propagate = [Keep(logging.DEBUG)], False
        logger.setLevel(logging.DEBUG)
        return logger

    @dg.asset
    def talking(context: dg.AssetExecutionContext) -> None:
        context.log.info("[1/2] files read")

    job = dg.Definitions(assets=[talking], jobs=[dg.define_asset_job("talk", selection=[talking])],
                         loggers={"keeping": keeping}).resolve_job_def("talk")
    assert job.execute_in_process(run_config={"loggers": {"keeping": {}}}).success
    events = [(record_step(r), record_event(r).event_type) for r in records if record_event(r)]
    assert ("talking", dg.DagsterEventType.STEP_START) in events
    assert ("talking", dg.DagsterEventType.ASSET_MATERIALIZATION) in events
    assert [(record_step(r), record_message(r)) for r in records if not record_event(r)] == [
        ("talking", "[1/2] files read")]


def test_dagster_dbt_still_has_the_hooks_the_fast_start_resource_overrides():
    for name in OVERRIDDEN:
        assert name in vars(DbtCliResource), f"dagster-dbt's DbtCliResource no longer defines {name}"
        assert name in vars(FastStartDbtCliResource)
    assert isinstance(vars(DbtCliResource)["_cli_version"], (property, cached_property))
    assert list(inspect.signature(DbtCliResource._initialize_dbt_core_adapter).parameters) == ["self", "args"]


def test_dagster_dbt_calls_both_hooks_before_a_command():
    source = inspect.getsource(DbtCliResource.cli)
    assert "_cli_version" in source and "_initialize_dbt_core_adapter" in source


def test_great_expectations_fingerprints_batches_under_the_threshold_the_hook_sets():
    from great_expectations.execution_engine import pandas_execution_engine

    from private_hooks.great_expectations import skip_batch_fingerprints

    assert isinstance(pandas_execution_engine.HASH_THRESHOLD, (int, float))
    assert "HASH_THRESHOLD" in inspect.getsource(pandas_execution_engine.PandasExecutionEngine)
    skip_batch_fingerprints()
    assert pandas_execution_engine.HASH_THRESHOLD == 0


def test_exit_now_runs_the_exit_handlers_and_ends_with_the_code():
    script = ("import atexit; atexit.register(lambda: print('handler ran', flush=True)); "
              "from private_hooks.interpreter import exit_now; exit_now(7)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (7, "handler ran\n")
