"""``make bench``: the real pipeline at five scales, after one changed file (a district's, a commune's), and ingest
over partitions in one process against two, against three baselines.

For each scale: synthetic inbox (``bench.inboxes``, written once and reused), the pipeline in a fresh process
(``bench.pipeline``), then on the same files in the same run the physical floor, the raw calamine reader and a naive
pandas + openpyxl script (``bench.baselines``), and ingest's own stages in one process, batch after batch. Writes
``bench/results.json`` and prints a table. docs/performance.md explains the figures.

    python -m bench [--scales province,national,...] [--files N]

``--files N`` runs ``communes_national`` (and the scales after it) on its first N files only: a quick check of the
harness; figures of a reduced run are not the benchmark's.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

from bench.inboxes import SCALES as INBOXES
from bench.inboxes import WORK, changed_file, inbox, plan
from bench.report import print_table, targets
from bench.timing import REPO, environment, timed, timed_together

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
DBT = Path(sys.executable).parent / "dbt"
SCALES = ("province", "national", "large_workbook", "incremental", "communes", "communes_national",
          "feedback_latency", "scale_out")
# Scales whose run needs another's first: its warehouse (incremental, feedback_latency) or its inbox.
NEEDS = {"incremental": "national", "feedback_latency": "communes_national", "scale_out": "communes_national"}
# scale_out ingests this many communes_national files twice (one process, two): the ratio of the two needs 10
# as-of dates of every unit, not 51, and all 3,315 twice would cost about 4 minutes more (--scale-out-files 0).
SCALE_OUT_FILES = 650
# Scales whose start-up floor (imports + dbt parse) is measured in the same run: their target is a ratio to it.
FLOORED = ("province", "communes")
PACKAGES = ("polars", "fastexcel", "pyarrow", "duckdb", "dbt-core", "dbt-duckdb", "dagster", "dagster-dbt",
            "great-expectations", "pandas", "openpyxl", "xlsxwriter")
# What `cadre-warehouse run` cannot do without, imported in a fresh interpreter.
STACK_IMPORTS = "import dagster, dagster_dbt.core.resource, great_expectations, polars, fastexcel, duckdb"


NOTES = {
    "stages_s": "startup: process start to run start (imports, definitions). ingest, dbt, checks, publish: wall time "
                "of the Dagster steps of the pipeline run (ingest parses on every core). read, clean, write_lake: "
                "ingest's own functions on the same files in one process, in the batches a reader worker is handed "
                "(read_sheets, the rest of read_submissions, lake.write_rows), summed (with 100 files or more: every "
                "4th file, scaled by rows).",
    "peak_rss_mb": "the highest resident memory of the pipeline process and its children together (reader workers, "
                   "dbt), sampled every 50 ms; peak_rss_detail_mb also has each one's own peak (getrusage).",
    "naive_ingest_s": "with 100 files or more: every 8th file, scaled by rows (naive_sample has what ran).",
    "wall_s": "the whole `cadre-warehouse run` process (or the sensor's partition run), from spawn to exit.",
    "ingest_cpu_s": "user + sys CPU seconds inside the lake step's call of ingest.pipeline.ingest_inbox (the whole "
                    "ingest: receive, parse, statuses, submissions, feedback): the run process's own (getrusage "
                    "RUSAGE_SELF, every thread) and its reader workers' (RUSAGE_CHILDREN: the pool's processes are "
                    "reaped before ingest_inbox returns), as deltas around the call.",
    "calamine_cpu_s": "time.process_time() of the calamine baseline: one process reading every sheet of every file "
                      "with polars.read_excel(engine='calamine'), nothing else.",
    "per_file_overhead_ms": "(ingest_cpu_s.total − calamine_cpu_s) ÷ files: what ingest spends on a file besides "
                            "calamine's own reading (package check, cleaning, lake files, statuses, feedback, logs).",
    "feedback_latency": "times from the partition run's RUN_START event: the lake step's end (the feedback file "
                        "and the submissions record are final then), the dbt step's start, the feedback file's and "
                        "the unit's submissions.parquet's mtimes, and RUN_SUCCESS (the new publication).",
    "scale_out": "the lake step's work (ingest_inbox, no Dagster) on the communes_national files in a fresh warehouse: "
                 "one process over every unit (as a full run), against two processes at once, each over half the units "
                 "with its own inbox and warehouse (a warehouse has one writer), each identifying its files' units "
                 "first as a partition run does; wall from the first spawn to the last exit.",
}


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _dbt_parse(warehouse: Path) -> float:
    """`dbt parse` into the warehouse's target folder, with the vars a full run passes (other vars would make dbt
    parse everything again); the second call's time is dbt's start-up + partial parse."""
    from ingest.settings import load_settings
    from orchestration.dbt import dbt_vars

    target = warehouse / "work" / "dbt_target"
    scope = json.dumps(dbt_vars(load_settings(warehouse=warehouse, env={})))
    command = [str(DBT), "parse", "--quiet", "--project-dir", str(REPO / "dbt_project"), "--target-path", str(target),
               "--vars", scope]
    timed(command, environment(warehouse))
    return timed(command, environment(warehouse))[0]


# The naive script reads about 8,000 rows/s here: on the national inbox it would take most of the 15-minute budget.
# There it runs on every SAMPLE_EVERY-th file, and its time is scaled by rows (recorded as such in results.json);
# ingest's one-process stage split is sampled the same way.
SAMPLE_EVERY = {"naive": 8, "stages": 4}
SAMPLE_FROM_FILES = 100


def _baseline(kind: str, files: list[Path], out: Path, total_rows: int | None = None) -> dict:
    every = SAMPLE_EVERY.get(kind, 1) if len(files) >= SAMPLE_FROM_FILES else 1
    sample = files[::every]
    timed([sys.executable, "-m", "bench.baselines", kind, str(out), *map(str, sample)], log=out.with_suffix(".log"))
    result = json.loads(out.read_text())
    if every > 1:
        scale = total_rows / result["rows"]
        result |= {"sample_files": len(sample), "sample_rows": result["rows"], "sample_seconds": result["seconds"],
                   "scaled_by_rows": round(scale, 3), "rows": total_rows}
        for key in ("seconds", "read_s", "clean_s", "write_lake_s"):
            if key in result:
                result[key] *= scale
    return result


def _run_pipeline(mode: str, inbox_dir: Path, warehouse: Path, out: Path, unit: str | None = None) -> dict:
    command = [sys.executable, "-m", "bench.pipeline", mode, str(inbox_dir), str(warehouse), str(out)]
    wall, peak_mb = timed(command + ([unit] if unit else []), environment(warehouse), out.with_suffix(".log"))
    report = json.loads(out.read_text())
    report["wall_s"], report["rss_mb"]["process_tree_sampled"] = wall, round(peak_mb, 1)
    return report


def _scale_result(report: dict, files: list[Path], rows: int, folder: Path) -> dict:
    """The results entry of one pipeline run and its baselines on ``files``."""
    steps, timers = report["steps_s"], report["stages"]
    ingest = steps.get("lake", 0.0)
    stages = {
        "startup": report["before_run_s"], "ingest": ingest,
        "read": timers["read_s"], "clean": timers["clean_s"], "write_lake": timers["write_lake_s"],
        "dbt": steps.get("dbt_models", 0.0), "checks": steps.get("great_expectations", 0.0),
        "publish": steps.get("published", 0.0),
    }
    _log(f"  baselines on {len(files)} file(s): floor, calamine, naive pandas + openpyxl")
    floor = _baseline("floor", files, folder / "floor.json")
    calamine = _baseline("calamine", files, folder / "calamine.json")
    naive = _baseline("naive", files, folder / "naive.json", rows)
    rss, cpu = report["rss_mb"], report["ingest_cpu_s"]
    return {
        "files": len(files), "rows": rows, "wall_s": round(report["wall_s"], 2),
        "stages_s": {k: round(v, 2) for k, v in stages.items()},
        "ingest_rows_per_s": round(rows / ingest) if ingest else None,
        "ingest_files_per_s": round(len(files) / ingest, 1) if ingest else None,
        "ingest_cpu_s": cpu, "calamine_cpu_s": round(calamine["cpu_seconds"], 3),
        "per_file_overhead_ms": round(1000 * (cpu["total"] - calamine["cpu_seconds"]) / len(files), 2),
        "peak_rss_mb": round(rss["process_tree_sampled"]),
        "peak_rss_detail_mb": rss,
        "floor_unzip_s": round(floor["seconds"], 3), "floor_unzip_mb": round(floor["bytes"] / 2**20, 1),
        "calamine_read_s": round(calamine["seconds"], 2), "calamine_rows": calamine["rows"],
        "naive_ingest_s": round(naive["seconds"], 2), "naive_rows": naive["rows"],
        **({"naive_sample": {k: naive[k] for k in ("sample_files", "sample_rows", "sample_seconds")}}
           if "sample_files" in naive else {}),
        **({"stages_sample": {k: timers[k] for k in ("sample_files", "sample_rows", "sample_seconds")}}
           if "sample_files" in timers else {}),
        "exit_code": report["exit_code"],
    }


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _linked_inbox(source: Path, target: Path, names: list[str] | None = None) -> Path:
    """A copy of an inbox (of the files ``names``, default all) made of hard links (same bytes and mtimes; the
    cached inbox stays untouched)."""
    _fresh(target)
    for name in names if names is not None else sorted(p.name for p in source.glob("*.xlsx")):
        os.link(source / name, target / name)
    return target


def _file_names(name: str, limit: int | None) -> list[str] | None:
    """The files of a scale that run: all (None), or with ``limit`` the first ones in plan order (as-of date by
    date), so a reduced run still has every unit."""
    if limit is None or name != "communes_national":
        return None
    return [p.path.name for p in plan(INBOXES[name], WORK)][:limit]


def run_scale(name: str, limit: int | None = None) -> dict:
    folder = _fresh(WORK / "runs" / name)
    files_dir = _linked_inbox(inbox(name, log=_log), folder / "inbox", _file_names(name, limit))
    files = sorted(files_dir.glob("*.xlsx"))
    warehouse = folder / "warehouse"
    dbt_parse_s = _dbt_parse(warehouse)  # a warehouse that has run before: dbt's partial parse is there
    _log(f"{name}: pipeline on {len(files)} file(s)")
    report = _run_pipeline("full", files_dir, warehouse, folder / "pipeline.json")
    report["stages"] = _baseline("stages", files, folder / "stages.json", report["rows"])
    result = _scale_result(report, files, report["rows"], folder)
    if name in FLOORED:
        imports_s = timed([sys.executable, "-c", STACK_IMPORTS])[0]
        result["startup_floor_s"] = round(imports_s + dbt_parse_s, 2)
        result["startup_floor_detail_s"] = {"imports": round(imports_s, 2), "dbt_parse": round(dbt_parse_s, 2)}
    return result


def run_incremental(full: dict) -> dict:
    """After the national run: one district resubmits one file; the inbox sensor's partition run for its unit."""
    folder = WORK / "runs" / "national"
    inbox_dir, warehouse = folder / "inbox", folder / "warehouse"
    out = _fresh(WORK / "runs" / "incremental")
    changed = changed_file("national", out)
    os.link(changed, inbox_dir / changed.name)
    unit = changed.name.split("_")[0]
    _log(f"incremental: {changed.name} changed; partition run for unit {unit}")
    report = _run_pipeline("partition", inbox_dir, warehouse, out / "pipeline.json", unit)
    report["stages"] = _baseline("stages", [changed], out / "stages.json")
    rows = report["stages"]["rows"]
    result = _scale_result(report, [changed], rows, out)
    result["full_wall_s"] = full["wall_s"]
    result["ratio_to_full"] = round(result["wall_s"] / full["wall_s"], 3)
    result["unit_files"] = report["files"]
    return result


def _since_run_start(report: dict, path: Path) -> float | None:
    """When ``path`` was last written, in seconds after the run's start (None if it is not there)."""
    return round(path.stat().st_mtime - report["run_start_epoch"], 3) if path.exists() else None


def run_feedback_latency() -> dict:
    """After the communes_national run: one commune sends a corrected file that still has one row to reject; the
    inbox sensor's partition run for its unit. When were its feedback and submissions record final, when its
    publication."""
    import polars as pl

    from ingest.feedback import feedback_file_name
    from ingest.settings import load_settings

    folder = WORK / "runs" / "communes_national"
    inbox_dir, warehouse = folder / "inbox", folder / "warehouse"
    out = _fresh(WORK / "runs" / "feedback_latency")
    ran = {p.name for p in inbox_dir.glob("*.xlsx")}
    changed = changed_file("communes_national", out, ran, rejects={"unknown_ethnicity": 1})
    os.link(changed, inbox_dir / changed.name)
    unit, as_of = changed.stem.split("_")[:2]
    _log(f"feedback_latency: {changed.name} sent; partition run for unit {unit}")
    report = _run_pipeline("partition", inbox_dir, warehouse, out / "pipeline.json", unit)
    report["stages"] = _baseline("stages", [changed], out / "stages.json")
    result = _scale_result(report, [changed], report["stages"]["rows"], out)
    since, settings = report["since_run_start_s"], load_settings(warehouse=warehouse, env={})
    submissions = settings.lake / "submissions" / f"unit={unit}" / "submissions.parquet"
    record = pl.read_parquet(submissions).filter(pl.col("file_name") == changed.name).to_dicts()
    result |= {
        "unit": unit, "unit_files": report["files"],
        "feedback_final_s": since["steps"]["lake"][1],
        "dbt_start_s": since["steps"]["dbt_models"][0] if "dbt_models" in since["steps"] else None,
        "publication_s": since["run_end"],
        "feedback_file_written_s": _since_run_start(report, settings.feedback / feedback_file_name(unit, as_of)),
        "submissions_written_s": _since_run_start(report, submissions),
        "submission_status": record[0]["status"] if record else None,
        "feedback_file": record[0]["feedback_file"] if record else None,
    }
    return result


def run_scale_out(limit: int | None) -> dict:
    """The lake step's work on the first ``limit`` communes_national files (all: None): one process over every
    unit (as the full run's lake step), then two at once over half the units each, as two partition runs would (own
    inbox and warehouse: a warehouse has one writer, and the lock says so; each identifies its files first)."""
    source = inbox("communes_national", log=_log)
    names = _file_names("communes_national", limit) or sorted(p.name for p in source.glob("*.xlsx"))
    out = _fresh(WORK / "runs" / "scale_out")
    units = sorted({n.split("_")[0] for n in names})
    halves = [units[0::2], units[1::2]]

    def command(part: str, files: list[str], scope: str) -> list[str]:
        folder = _fresh(out / part)
        linked = _linked_inbox(source, folder / "inbox", files)
        return [sys.executable, "-m", "bench.pipeline", "ingest", str(linked), str(folder / "warehouse"),
                str(folder / "ingest.json"), scope]

    _log(f"scale_out: ingest of {len(names)} file(s) in one process, then in two")
    one = timed_together([command("one", names, "all")], [out / "one.log"], environment(WORK))
    parts = [command(f"half_{i}", [n for n in names if n.split("_")[0] in half], ",".join(half))
             for i, half in enumerate(halves)]
    two = timed_together(parts, [out / "half_0.log", out / "half_1.log"], environment(WORK))
    reports = {part: json.loads((out / part / "ingest.json").read_text()) for part in ("one", "half_0", "half_1")}
    return {"files": len(names), "one_process_wall_s": round(one, 2), "two_processes_wall_s": round(two, 2),
            "speedup": round(one / two, 2),
            "ingest_cpu_s": {part: r["ingest_cpu_s"] for part, r in reports.items()}}


def _machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gib": round(memory / 2**20, 1),
            "platform": platform.platform(), "python": platform.python_version(),
            "load_average_at_start": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scales", default=",".join(SCALES), help=f"comma-separated, of {', '.join(SCALES)}")
    parser.add_argument("--files", type=int, default=None,
                        help="communes_national (and what follows it) on its first N files: a quick check of the "
                             "harness; figures of a reduced run are not the benchmark's")
    parser.add_argument("--scale-out-files", type=int, default=SCALE_OUT_FILES,
                        help=f"communes_national files scale_out ingests (default {SCALE_OUT_FILES}; 0: all)")
    arguments = parser.parse_args(argv)
    wanted = arguments.scales.split(",")
    unknown = set(wanted) - set(SCALES)
    if unknown:
        parser.error(f"unknown scale(s) {', '.join(sorted(unknown))}; known: {', '.join(SCALES)}")
    wanted += [NEEDS[name] for name in wanted if name in NEEDS]
    started = time.perf_counter()
    results = {"machine": _machine(),
               "versions": {p: importlib.metadata.version(p) for p in PACKAGES},
               "reduced_to_files": arguments.files,
               "scales": {}}
    for name in ("province", "national", "large_workbook", "communes", "communes_national"):
        if name in wanted:
            results["scales"][name] = run_scale(name, arguments.files)
    if "incremental" in wanted:
        results["scales"]["incremental"] = run_incremental(results["scales"]["national"])
    if "feedback_latency" in wanted:
        results["scales"]["feedback_latency"] = run_feedback_latency()
    if "scale_out" in wanted:
        limits = [n for n in (arguments.files, arguments.scale_out_files) if n]
        results["scale_out"] = run_scale_out(min(limits) if limits else None)
        in_run = results["scales"]["communes_national"]
        results["scale_out"]["in_run_ingest_step"] = {"files": in_run["files"], "seconds": in_run["stages_s"]["ingest"]}
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["bench_wall_s"] = round(time.perf_counter() - started, 1)
    results["targets"] = targets(results["scales"])
    results["notes"] = NOTES
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print_table(results)
    print(f"\nwrote {RESULTS} in {results['bench_wall_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
