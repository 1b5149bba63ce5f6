"""Run the real pipeline once in this process and write where the time went as JSON (a child of ``python -m bench``).

``full``: what ``cadre-warehouse run`` does (``cli.summary.run_and_summarise``), the job over every unit.
``partition``: what the inbox sensor launches for one district's new file, the same job on that unit's partition. Nothing in the pipeline is
changed: the Dagster steps are timed by their events (ingest, dbt, checks, publish).

    python -m bench.pipeline full|partition INBOX WAREHOUSE OUT.json [UNIT]
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()


def _step_seconds(instance) -> tuple[dict[str, float], float | None]:
    """Wall time of each Dagster step (STEP_START to its end), and when the run started (perf_counter clock)."""
    import dagster as dg

    run = instance.get_runs(limit=1)[0]
    started: dict[str, float] = {}
    seconds: dict[str, float] = {}
    run_start = None
    ends = (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)
    for entry in instance.all_logs(run.run_id):
        kind = entry.dagster_event.event_type if entry.dagster_event else None
        if kind == dg.DagsterEventType.RUN_START:
            run_start = entry.timestamp
        elif kind == dg.DagsterEventType.STEP_START:
            started[entry.step_key] = entry.timestamp
        elif kind in ends and entry.step_key in started:
            seconds[entry.step_key] = entry.timestamp - started[entry.step_key]
    offset = time.time() - time.perf_counter()
    return seconds, (run_start - offset if run_start else None)


def _rows(warehouse: Path) -> tuple[int, int]:
    import polars as pl

    frame = pl.read_parquet(warehouse / "lake" / "submissions" / "unit=*" / "submissions.parquet")
    counted = frame.filter(pl.col("status") != "duplicate")
    return int(counted["rows_total"].sum()), int(frame.height)


def main(argv: list[str]) -> int:
    mode, inbox, warehouse, out = argv[:4]
    import_start = time.perf_counter()
    # dagster, dagster-dbt, dbt, duckdb, polars: timed as imports
    import dagster as dg

    from cli.summary import run_and_summarise
    from ingest.settings import load_settings
    from orchestration.assembly import run_in_process

    imports_s = time.perf_counter() - import_start
    settings = load_settings(inbox=inbox, warehouse=warehouse)
    instance = dg.DagsterInstance.ephemeral()  # kept, to read the run's step events afterwards
    if mode == "full":
        code = int(run_and_summarise(settings, instance))
    else:
        code = 0 if run_in_process(settings, instance, unit=argv[4]).success else 1
    finished = time.perf_counter()
    steps, run_start = _step_seconds(instance)
    rows, files = _rows(Path(warehouse))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = {
        "exit_code": code, "rows": rows, "files": files,
        "in_process_s": finished - STARTED, "imports_s": imports_s,
        "before_run_s": (run_start - STARTED) if run_start else None,
        "steps_s": steps,
        "rss_mb": {"pipeline": round(own, 1), "largest_child": round(children, 1)},
    }
    Path(out).write_text(json.dumps(report, indent=1))
    return code


if __name__ == "__main__":
    from private_hooks.interpreter import exit_now

    exit_now(main(sys.argv[1:]))  # as the cadre-warehouse command ends
