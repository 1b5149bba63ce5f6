"""Run the real pipeline once in this process and write where the time went as JSON (a child of ``python -m bench``).

``full``: what ``cadre-warehouse run`` does (``cli.summary.run_and_summarise``), the job over every unit.
``partition``: what the inbox sensor launches for one unit's new file, the same job on that unit's partition.
``ingest``: the lake step's work alone (``ingest.pipeline.ingest_inbox``, no Dagster) for the comma-separated
UNITS (``all``: every unit, as a full run does), as one partition run of a multiprocess executor would do it (the
scale-out comparison).
Nothing in the pipeline is changed: the Dagster steps are timed by their events (ingest, dbt, checks, publish), and
the CPU of ingest by ``getrusage`` around the lake step's call of ``ingest_inbox`` (wrapped, not altered).

    python -m bench.pipeline full|partition|ingest INBOX WAREHOUSE OUT.json [UNIT | UNITS]
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()


def _step_events(instance) -> tuple[dict[str, list[float]], float | None, float | None]:
    """Each Dagster step's start and end (epoch seconds), and the run's start and end (its RUN_START and
    RUN_SUCCESS or RUN_FAILURE events)."""
    import dagster as dg

    run = instance.get_runs(limit=1)[0]
    bounds: dict[str, list[float]] = {}
    run_start = run_end = None
    ends = (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)
    for entry in instance.all_logs(run.run_id):
        kind = entry.dagster_event.event_type if entry.dagster_event else None
        if kind == dg.DagsterEventType.RUN_START:
            run_start = entry.timestamp
        elif kind in (dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE):
            run_end = entry.timestamp
        elif kind == dg.DagsterEventType.STEP_START:
            bounds[entry.step_key] = [entry.timestamp, entry.timestamp]
        elif kind in ends and entry.step_key in bounds:
            bounds[entry.step_key][1] = entry.timestamp
    return bounds, run_start, run_end


def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class IngestCpu:
    """CPU seconds (user + sys) spent inside ``ingest_inbox``: this process's own (every thread), and its reader
    workers' (``RUSAGE_CHILDREN``: the worker pool is shut down, so its processes reaped, before ingest_inbox
    returns; no other child ends meanwhile, dbt starts after the lake step)."""

    def __init__(self, ingest_inbox) -> None:
        self.inner, self.own_s, self.workers_s, self.wall_s = ingest_inbox, 0.0, 0.0, 0.0

    def __call__(self, *args, **kwargs):
        own, workers, wall = _cpu_seconds(resource.RUSAGE_SELF), _cpu_seconds(resource.RUSAGE_CHILDREN), time.time()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.own_s += _cpu_seconds(resource.RUSAGE_SELF) - own
            self.workers_s += _cpu_seconds(resource.RUSAGE_CHILDREN) - workers
            self.wall_s += time.time() - wall

    def report(self) -> dict:
        return {"run_process": round(self.own_s, 3), "reader_workers": round(self.workers_s, 3),
                "total": round(self.own_s + self.workers_s, 3), "wall": round(self.wall_s, 3)}


def _ingest_only(inbox: str, warehouse: str, out: str, units: str) -> int:
    """The ``ingest`` mode: ingest_inbox for ``units`` in this process, timed. A run for some units identifies each
    new file (its title block) before parsing only theirs; a run for ``all`` parses every file at once."""
    from ingest.pipeline import ingest_inbox
    from ingest.settings import load_settings

    settings = load_settings(inbox=inbox, warehouse=warehouse)
    timed = IngestCpu(ingest_inbox)
    results = timed(settings, None if units == "all" else units.split(","), log=lambda message: None)
    files = sum(len(r.submissions) for r in results)
    Path(out).write_text(json.dumps({"exit_code": 0, "files": files, "ingest_cpu_s": timed.report(),
                                     "in_process_s": time.perf_counter() - STARTED}, indent=1))
    return 0


def _rows(warehouse: Path) -> tuple[int, int]:
    import polars as pl

    frame = pl.read_parquet(warehouse / "lake" / "submissions" / "unit=*" / "submissions.parquet")
    counted = frame.filter(pl.col("status") != "duplicate")
    return int(counted["rows_total"].sum()), int(frame.height)


def main(argv: list[str]) -> int:
    mode, inbox, warehouse, out = argv[:4]
    if mode == "ingest":
        return _ingest_only(inbox, warehouse, out, argv[4])
    import_start = time.perf_counter()
    # dagster, dagster-dbt, dbt, duckdb, polars: timed as imports
    import dagster as dg

    import orchestration.ingest_assets
    from cli.summary import run_and_summarise
    from ingest.settings import load_settings
    from orchestration.assembly import run_in_process

    imports_s = time.perf_counter() - import_start
    timed = orchestration.ingest_assets.ingest_inbox = IngestCpu(orchestration.ingest_assets.ingest_inbox)
    settings = load_settings(inbox=inbox, warehouse=warehouse)
    instance = dg.DagsterInstance.ephemeral()  # kept, to read the run's step events afterwards
    if mode == "full":
        code = int(run_and_summarise(settings, instance))
    else:
        code = 0 if run_in_process(settings, instance, unit=argv[4]).success else 1
    finished = time.perf_counter()
    bounds, run_start, run_end = _step_events(instance)
    rows, files = _rows(Path(warehouse))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    since_run = (lambda t: round(t - run_start, 3)) if run_start else (lambda t: None)
    # perf_counter of this process's start on the epoch clock of the events
    spawned = time.time() - (time.perf_counter() - STARTED)
    report = {
        "exit_code": code, "rows": rows, "files": files,
        "in_process_s": finished - STARTED, "imports_s": imports_s,
        "before_run_s": (run_start - spawned) if run_start else None,
        "steps_s": {step: end - start for step, (start, end) in bounds.items()},
        "run_start_epoch": run_start,
        "since_run_start_s": {"steps": {step: [since_run(a), since_run(b)] for step, (a, b) in bounds.items()},
                              "run_end": since_run(run_end) if run_end else None},
        "ingest_cpu_s": timed.report(),
        "rss_mb": {"pipeline": round(own, 1), "largest_child": round(children, 1)},
    }
    Path(out).write_text(json.dumps(report, indent=1))
    return code


if __name__ == "__main__":
    from private_hooks.interpreter import exit_now

    exit_now(main(sys.argv[1:]))  # as the cadre-warehouse command ends
