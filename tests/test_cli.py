"""``cadre-warehouse`` as a scheduler calls it: a subprocess, judged by its exit code and what it prints.

The demo run (conftest ``demo_run``) is ``cadre-warehouse demo`` then ``cadre-warehouse run`` over its 88 files.
"""

from __future__ import annotations

import csv
import json
import re
import stat
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

CONTRACT_TABLES = ("indicators", "submissions", "training_recruitment")
SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"
# What Dagster's and dbt's logs look like, which the default output must not hold: a run id, a Dagster log line,
# dbt's per-node and closing lines.
LOG_LINES = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}| - dagster - |"
                       r"^\d+ of \d+ (START|OK|PASS)|^Running with dbt|^Done\. PASS=", re.MULTILINE)
SCREEN_LINES = 40


def _published_counts(stdout: str) -> dict[str, int]:
    """``  indicators     2185 dòng / rows`` lines after ``Đã công bố / published: …``."""
    _, found, tail = stdout.partition("\nĐã công bố / published: ")
    assert found, "no 'Đã công bố / published: …' block in stdout"
    return {name: int(count) for name, count in re.findall(r"^  (\w+) +(\d+) dòng / rows$", tail, flags=re.MULTILINE)}


def _status_names() -> dict[str, str]:
    with (SEEDS / "submission_statuses.csv").open(encoding="utf-8", newline="") as handle:
        return {row["status"]: f"{row['status_name']} / {row['status_name_en']}" for row in csv.DictReader(handle)}


@pytest.mark.slow
def test_run_over_the_demo_inbox_exits_0(demo_run):
    assert demo_run.returncode == 0, demo_run.explain()


@pytest.mark.slow
def test_demo_run_output_fits_on_a_screen_and_holds_no_log_line(demo_published, demo_run):
    lines = demo_run.stdout.splitlines()
    assert len(lines) <= SCREEN_LINES, demo_run.stdout
    assert not LOG_LINES.search(demo_run.stdout), demo_run.stdout
    assert not LOG_LINES.search(demo_run.stderr), demo_run.stderr


@pytest.mark.slow
def test_demo_run_output_is_vietnamese_then_english_on_every_line(demo_published, demo_run):
    """Every line says it in Vietnamese, then after " / " in English, or is a row of a table so headed."""
    lines = demo_run.stdout.splitlines()
    assert lines and all(" / " in line for line in lines), [line for line in lines if " / " not in line]
    assert "Kết quả / result: đã công bố / published (mã thoát / exit code 0)" in lines


@pytest.mark.slow
def test_demo_run_counts_its_files_by_status_with_the_seeds_names(demo_published, demo_run):
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        published = Counter(status for (status,) in con.execute("select status from submissions").fetchall())
    names = _status_names()
    printed = {status: int(m[1]) for status, name in names.items()
               if (m := re.search(rf"^ +(\d+)  {re.escape(name)}$", demo_run.stdout, flags=re.MULTILINE))}
    assert printed == dict(published) and sum(printed.values()) == 88
    assert "Tệp đã nhận / files received: 88 " in demo_run.stdout


@pytest.mark.slow
def test_demo_run_says_every_unit_reported_in_each_period(demo_published, demo_run):
    periods = re.findall(r"^  (\d{4}) \(ngày số liệu / as of [\d/]+\): (\d+)/(\d+) đơn vị đã báo cáo",
                         demo_run.stdout, flags=re.MULTILINE)
    assert periods == [("2015", "11", "11"), ("2020", "11", "11"), ("2025", "65", "65")]
    assert "Cần xử lý / needs attention" not in demo_run.stdout  # every demo file is accepted


@pytest.mark.slow
def test_demo_run_shows_each_step_of_the_job(demo_published, demo_run):
    steps = re.findall(r"^\[(\d)/4\] ", demo_run.stdout, flags=re.MULTILINE)
    assert steps == ["1", "2", "3", "4"]
    assert re.search(r"xong / done \(88/88 tệp / files, \d+ s\)", demo_run.stdout)
    built = re.search(r"xong / done \((\d+) bước / steps, \d+ s\)", demo_run.stdout)
    results = json.loads((demo_run.warehouse / "work" / "dbt_target" / "run_results.json").read_text(encoding="utf-8"))
    assert built and int(built.group(1)) == len(results["results"])  # every seed, model and test dbt ran


@pytest.mark.slow
def test_demo_run_keeps_dagsters_and_dbts_log_in_the_warehouse(demo_published, demo_run):
    log = demo_run.log
    assert log is not None and log.parent == demo_run.warehouse / "logs" and log.is_file(), demo_run.stdout
    text = log.read_text(encoding="utf-8")
    assert " - dagster - " in text and re.search(r"^Done\. PASS=\d+ WARN=0 ERROR=0 ", text, flags=re.MULTILINE)
    assert "[88/88] files read" in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700


@pytest.mark.slow
def test_run_prints_the_published_tables_with_their_row_counts(demo_published, demo_run):
    printed = _published_counts(demo_run.stdout)
    assert set(CONTRACT_TABLES) <= set(printed)
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        actual = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in printed}
    assert printed == actual
    assert printed["submissions"] == 88
    assert all(printed[t] > 0 for t in CONTRACT_TABLES)
    assert f"  báo cáo chất lượng / quality report: {demo_published / 'quality_report.html'}" in demo_run.stdout


@pytest.mark.slow
def test_verbose_prints_dagsters_and_dbts_log_and_every_file(cli, write_small_roster, tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    write_small_roster(inbox / "cao_loc_2020.xlsx", "Huyện Cao Lộc", date(2020, 10, 15), people=30,
                       unknown_ethnicity=1)
    done = cli("run", "--verbose", "--inbox", inbox, "--warehouse", warehouse)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert LOG_LINES.search(done.stderr) and re.search(r"^Done\. PASS=\d+ ", done.stdout, flags=re.MULTILINE)
    assert re.search(r"^cao_loc_2020\.xlsx +183 +15/10/2020 +29 +1  Đã chấp nhận, có dòng bị loại / accepted "
                     r"with rejected rows$", done.stdout, flags=re.MULTILINE), done.stdout[-3000:]
    assert not (warehouse / "logs").exists()
    # One district of 11 has reported: normal while the period is open, so information, not a warning.
    assert "  2020 (ngày số liệu / as of 15/10/2020): 1/11 đơn vị đã báo cáo / units reported" in done.stdout
    assert "      i 10 đơn vị chưa báo cáo, bình thường khi kỳ báo cáo chưa kết thúc" in done.stdout
    assert "Kiểm tra chất lượng / quality checks: đạt / passed\n" in done.stdout


@pytest.mark.slow
def test_run_publishes_duckdb_and_parquet_of_the_contract_tables(demo_published):
    assert demo_published.is_symlink()
    assert demo_published.resolve().parent == (demo_published.parent / "releases").resolve()
    assert (demo_published / "warehouse.duckdb").is_file()
    assert (demo_published / "report.html").is_file()
    for table in CONTRACT_TABLES:
        path = demo_published / "parquet" / f"{table}.parquet"
        assert path.is_file() and path.stat().st_size > 0, path


def test_missing_inbox_folder_is_a_usage_error(cli, tmp_path):
    done = cli("run", "--inbox", tmp_path / "no_such_inbox", "--warehouse", tmp_path / "warehouse")
    assert done.returncode == 2, done.stderr
    assert "no_such_inbox" in done.stderr and "not a folder" in done.stderr
    assert not (tmp_path / "warehouse").exists()


def test_reject_share_that_is_no_number_is_a_usage_error(cli, tmp_path):
    (tmp_path / "inbox").mkdir()
    done = cli("run", "--inbox", tmp_path / "inbox", "--warehouse", tmp_path / "warehouse",
               env={"CADRE_MAX_REJECT_SHARE": "abc"})
    assert done.returncode == 2, done.stderr
    assert "CADRE_MAX_REJECT_SHARE='abc'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "warehouse").exists()


@pytest.mark.parametrize("args", [("run", "--no-such-option"), (), ("publish",)], ids=["option", "none", "command"])
def test_arguments_argparse_refuses_are_a_usage_error(cli, args):
    done = cli(*args)
    assert done.returncode == 2
    assert done.stderr.startswith("usage: cadre-warehouse")
