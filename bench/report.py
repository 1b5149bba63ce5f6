"""The benchmark's verdicts on the issue's targets, and the table printed at the end of ``make bench``."""

from __future__ import annotations

GIB_MB = 1024


def _rate(scale: dict, seconds_key: str) -> float | None:
    seconds = scale.get(seconds_key)
    return scale["rows"] / seconds if seconds else None


def targets(scales: dict) -> dict:
    """Each target of the issue with the figures it was judged on (only for the scales that ran)."""
    verdicts = {}
    national, province = scales.get("national"), scales.get("province")
    large, incremental = scales.get("large_workbook"), scales.get("incremental")
    if national:
        ingest = national["ingest_rows_per_s"]
        calamine, naive = _rate(national, "calamine_read_s"), _rate(national, "naive_ingest_s")
        verdicts["national_ingest_250k_rows_per_s"] = {"measured": ingest, "holds": ingest >= 250_000}
        verdicts["national_ingest_vs_calamine_3_4"] = {
            "ratio": round(ingest / calamine, 2), "holds": ingest >= 0.75 * calamine}
        verdicts["national_ingest_vs_naive_10x"] = {"ratio": round(ingest / naive, 1), "holds": ingest >= 10 * naive}
        verdicts["national_end_to_end_60s"] = {"measured_s": national["wall_s"], "holds": national["wall_s"] <= 60}
        verdicts["national_peak_rss_2gib"] = {
            "measured_mb": national["peak_rss_mb"], "holds": national["peak_rss_mb"] <= 2 * GIB_MB}
    if province:
        limit = 1.5 * province["startup_floor_s"]
        verdicts["province_within_1_5x_startup_floor"] = {
            "wall_s": province["wall_s"], "startup_floor_s": province["startup_floor_s"],
            "ratio": round(province["wall_s"] / province["startup_floor_s"], 2), "holds": province["wall_s"] <= limit}
    if large:
        ratio = large["stages_s"]["ingest"] / large["calamine_read_s"]
        verdicts["large_workbook_ingest_within_3x_calamine"] = {"ratio": round(ratio, 2), "holds": ratio <= 3}
    if incremental:
        verdicts["incremental_vs_full"] = {"ratio": incremental["ratio_to_full"],
                                           "wall_s": incremental["wall_s"], "full_wall_s": incremental["full_wall_s"]}
    return verdicts


COLUMNS = (
    ("files", "files", "{:>6}"), ("rows", "rows", "{:>9,}"), ("wall s", "wall_s", "{:>7.1f}"),
    ("ingest s", ("stages_s", "ingest"), "{:>8.1f}"), ("rows/s", "ingest_rows_per_s", "{:>8,}"),
    ("dbt s", ("stages_s", "dbt"), "{:>6.1f}"), ("checks s", ("stages_s", "checks"), "{:>8.1f}"),
    ("publish s", ("stages_s", "publish"), "{:>9.1f}"), ("peak MB", "peak_rss_mb", "{:>7,}"),
    ("unzip s", "floor_unzip_s", "{:>7.2f}"), ("calamine s", "calamine_read_s", "{:>10.2f}"),
    ("naive s", "naive_ingest_s", "{:>8.1f}"),
)


def _value(scale: dict, key):
    return scale[key[0]][key[1]] if isinstance(key, tuple) else scale.get(key)


def print_table(results: dict) -> None:
    print()
    print(f"{'scale':15}" + "".join(f" {title:>10}" for title, _, _ in COLUMNS))
    for name, scale in results["scales"].items():
        cells = []
        for _, key, fmt in COLUMNS:
            value = _value(scale, key)
            cells.append(f" {fmt.format(value).strip() if value is not None else '-':>10}")
        print(f"{name:15}" + "".join(cells))
    stages = ("startup", "read", "clean", "write_lake")
    print("\nsequential ingest stages (one process) and start-up, seconds:")
    for name, scale in results["scales"].items():
        print(f"  {name:15}" + "  ".join(f"{s} {scale['stages_s'][s]:.2f}" for s in stages))
    print("\ntargets:")
    for name, verdict in results["targets"].items():
        holds = verdict.get("holds")
        mark = "n/a " if holds is None else ("holds" if holds else "MISSED")
        details = ", ".join(f"{k}={v}" for k, v in verdict.items() if k != "holds")
        print(f"  {mark:6} {name}: {details}")
